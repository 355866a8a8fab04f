#!/usr/bin/env python3
"""Drives the admin page in headless Chromium (Selenium WebDriver): creates an intake through the
form, reads its key (reveal), sends it 5 events and one its format rejects over HTTPS, waits for
the 7-day count, opens the intake's page (events, the rejection reasons with their counts, the
errors with their reason), deletes the intake (confirm dialog) and checks that its key is refused.

Usage: intakes_page.py ADMIN_URL HTTPS_URL CA_PATH
Prints "OK <name>" on success; on failure prints the error and the path of a screenshot.
"""
import sys
import time

import requests
from chromium import TIMEOUT, loaded, run_reporting
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

ADMIN, HTTPS, CA = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/"), sys.argv[3]
NAME = "browser-made"


def row(d):
    rows = d.find_elements(By.CSS_SELECTOR, f'#intakes tr[data-intake="{NAME}"]')
    return rows[0] if rows else None


def run(d):
    d.get(ADMIN + "/")
    loaded(d)
    formats = [o.get_attribute("value") for o in Select(d.find_element(By.ID, "new-format")).options]
    assert "plain" in formats, formats
    # The category filter narrows the catalog (keeps at least the format chosen below).
    d.find_element(By.ID, "new-name").send_keys(NAME)
    d.find_element(By.ID, "new-entity").send_keys("browser-entity")
    Select(d.find_element(By.ID, "new-format")).select_by_value("plain")
    d.find_element(By.ID, "create-submit").click()
    WebDriverWait(d, TIMEOUT).until(lambda d: row(d) is not None)
    r = row(d)
    key_span = r.find_element(By.CSS_SELECTOR, ".key")
    assert "•" in key_span.text, "the key is not masked: " + key_span.text
    r.find_element(By.CSS_SELECTOR, "button.reveal").click()
    WebDriverWait(d, TIMEOUT).until(lambda d: "•" not in row(d).find_element(By.CSS_SELECTOR, ".key").text)
    key = row(d).find_element(By.CSS_SELECTOR, ".key").text.strip()
    assert len(key) == 32, "unexpected key " + repr(len(key))
    assert d.find_element(By.ID, "created-key").text.strip() == key

    for i in range(5):
        resp = requests.post(HTTPS + "/plain", data=f"browser event {i}",
                             headers={"X-SEKOIAIO-INTAKE-KEY": key}, verify=CA, timeout=10)
        assert resp.status_code == 200, (resp.status_code, resp.text)
    # One the `plain` format rejects (blank): stored in error, with its reason.
    resp = requests.post(HTTPS + "/plain", data="   ", headers={"X-SEKOIAIO-INTAKE-KEY": key}, verify=CA, timeout=10)
    assert resp.status_code == 200, (resp.status_code, resp.text)

    deadline = time.monotonic() + TIMEOUT
    while True:
        d.refresh()
        loaded(d)
        count = row(d).find_element(By.CSS_SELECTOR, ".events-7d").text.strip()
        if count == "6":
            break
        if time.monotonic() > deadline:
            raise AssertionError("the 7-day count stayed at " + count)
        time.sleep(0.3)
    bars = row(d).find_elements(By.CSS_SELECTOR, "svg.bars rect")
    assert len(bars) == 7, len(bars)

    row(d).find_element(By.CSS_SELECTOR, "a.name").click()
    WebDriverWait(d, TIMEOUT).until(ec.url_contains("/intakes/" + NAME))
    loaded(d)
    WebDriverWait(d, TIMEOUT).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#events tr.event")) == 6)
    raws = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#events tr.event pre.raw")]
    assert raws[1:] == [f"browser event {i}" for i in reversed(range(5))], raws
    assert d.find_element(By.CSS_SELECTOR, "#intake-summary .events-7d").text == "6"
    # Why it is in error: the reasons table (counts per reason) and the errors with their reason.
    reasons = [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in d.find_elements(By.CSS_SELECTOR, "#reasons tr.reason")]
    assert len(reasons) == 1 and reasons[0][0] == "empty event" and reasons[0][1] == "1", reasons
    errors = [[c.text for c in r.find_elements(By.TAG_NAME, "td")] for r in d.find_elements(By.CSS_SELECTOR, "#errors tr.error")]
    assert len(errors) == 1 and errors[0][2] == "empty event", errors

    d.get(ADMIN + "/")
    loaded(d)
    row(d).find_element(By.CSS_SELECTOR, "button.delete").click()
    alert = WebDriverWait(d, TIMEOUT).until(ec.alert_is_present())
    assert NAME in alert.text, alert.text
    alert.accept()
    WebDriverWait(d, TIMEOUT).until(lambda d: row(d) is None)
    d.refresh()
    loaded(d)
    assert row(d) is None, "the intake is still listed"
    resp = requests.post(HTTPS + "/plain", data="after delete", headers={"X-SEKOIAIO-INTAKE-KEY": key},
                         verify=CA, timeout=10)
    assert resp.status_code == 403, (resp.status_code, resp.text)


def main():
    status, _ = run_reporting(run)
    if status == 0:
        print("OK " + NAME)
    return status


if __name__ == "__main__":
    sys.exit(main())
