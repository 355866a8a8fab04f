#!/usr/bin/env python3
"""A hostile web page in headless Chromium (Selenium WebDriver) against the admin listener.

The page is served from another origin, http://evil.example:PORT (Chromium's resolver maps
evil.example to 127.0.0.1), and sends what any page may send to another origin without a CORS
preflight: a text/plain form POST (its `name=value` encoding made valid JSON) and a no-cors fetch
POST, each a valid request to create an intake. Then the
browser opens the admin listener under the attacker's name, which is where DNS rebinding leads.

Usage: hostile_page.py ADMIN_URL KEY
KEY is an intake key the listener must not show. Prints "OK" when nothing was created, the
refusals were the listener's, and the key never reached the browser.
"""
import http.server
import sys
import tempfile
import threading
from urllib.parse import urlsplit

import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

ADMIN, KEY = sys.argv[1].rstrip("/"), sys.argv[2]
ADMIN_PORT = urlsplit(ADMIN).port
TIMEOUT = 15

PAGE = """<!doctype html><title>evil</title>
<form id="f" method="POST" enctype="text/plain" action="{admin}/api/intakes">
<input name='{{"name":"csrf-form","format":"plain","entity":"e","created_by":"' value='"}}'>
</form>
<script>
fetch("{admin}/api/intakes", {{method: "POST", mode: "no-cors", headers: {{"Content-Type": "text/plain"}},
  body: JSON.stringify({{name: "csrf-fetch", format: "plain", entity: "e"}})}})
  .catch(() => null).then(() => {{ document.title = "sent"; }});
</script>
"""


class Evil(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        body = PAGE.format(admin=ADMIN).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def driver(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", f"--user-data-dir={profile}",
                 "--host-resolver-rules=MAP evil.example 127.0.0.1"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def intake_names():
    r = requests.get(ADMIN + "/api/intakes", timeout=10)
    r.raise_for_status()
    return [i["name"] for i in r.json()]


def run(d, evil_port):
    before = intake_names()
    d.get(f"http://evil.example:{evil_port}/")
    WebDriverWait(d, TIMEOUT).until(lambda d: d.title == "sent")
    d.execute_script("document.getElementById('f').submit()")
    WebDriverWait(d, TIMEOUT).until(lambda d: d.current_url.startswith(ADMIN + "/api/intakes"))
    created = [n for n in intake_names() if n not in before]
    assert not created, f"the page created {created}"
    answer = d.find_element("tag name", "body").text
    assert "cross-site request refused" in answer, answer

    # After a rebinding, the attacker's name points at this machine: the listener answers 421.
    for path in ("/", "/api/intakes/plain-a"):
        d.get(f"http://evil.example:{ADMIN_PORT}{path}")
        text = d.find_element("tag name", "body").text
        assert "does not answer to host" in text, (path, text)
        assert KEY not in d.page_source, path

    after = intake_names()
    assert after == before, (before, after)


def main():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    d = driver(tempfile.mkdtemp(prefix="intake-edge-chromium-"))
    try:
        run(d, server.server_address[1])
    except Exception as e:  # noqa: BLE001 - report anything with the page's state
        print(f"FAILED: {type(e).__name__}: {e}")
        print("at " + d.current_url)
        return 1
    finally:
        d.quit()
        server.shutdown()
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
