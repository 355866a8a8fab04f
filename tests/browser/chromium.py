"""Headless Chromium for the browser tests (Selenium WebDriver), with the flags this machine's
closed network needs, and the admin page's "loaded" handshake."""
import tempfile

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

TIMEOUT = 15


def driver(profile, size="1400,900"):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", f"--user-data-dir={profile}", f"--window-size={size}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def loaded(d):
    """Waits until the admin page says it loaded (body data-loaded), and that it loaded well."""
    WebDriverWait(d, TIMEOUT).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
    state = d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded")
    if state != "1":
        raise AssertionError("the page failed to load: " + d.find_element(By.ID, "message").text)


def run_reporting(run, size="1400,900"):
    """Runs `run(driver)` in a fresh browser; on any failure prints it with a screenshot's path.
    Returns (exit status, what `run` returned)."""

    d = driver(tempfile.mkdtemp(prefix="intake-edge-chromium-"), size)
    try:
        return 0, run(d)
    except Exception as e:  # noqa: BLE001 - report anything with a screenshot
        shot = tempfile.mkdtemp(prefix="intake-edge-page-") + "/failure.png"
        try:
            d.save_screenshot(shot)
            print("screenshot: " + shot)
        except Exception as s:  # noqa: BLE001
            print("no screenshot: " + str(s))
        print(f"FAILED: {type(e).__name__}: {e}")
        return 1, None
    finally:
        d.quit()
