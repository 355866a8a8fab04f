#!/usr/bin/env python3
"""Drives the admin page of two polling intakes in headless Chromium: one whose source answers
(its "Polling" table shows the component, a last success, the pages and events read, no error)
and one whose source is down (its last error is shown, marked as an error).

Usage: poll_page.py ADMIN_URL GOOD_INTAKE BAD_INTAKE SCREENSHOT
Prints "OK" on success; on failure prints the error and the path of a screenshot.
"""
import sys

from chromium import TIMEOUT, loaded, run_reporting
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

ADMIN, GOOD, BAD, SHOT = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3], sys.argv[4]


def cell(d, row):
    return d.find_element(By.CSS_SELECTOR, f"#poll tr.poll-{row} td")


def run(d):
    d.get(f"{ADMIN}/intakes/{GOOD}")
    loaded(d)
    WebDriverWait(d, TIMEOUT).until(lambda d: d.find_element(By.ID, "poll-section").is_displayed())
    assert cell(d, "component").text == "builtin:okta-poller", cell(d, "component").text
    assert cell(d, "last-success").text not in ("", "never"), cell(d, "last-success").text
    assert cell(d, "last-error").text == "-", cell(d, "last-error").text
    read = cell(d, "in-all").text
    assert read.endswith(" events") and not read.endswith(" 0 events"), read
    assert cell(d, "secret").text == "okta", cell(d, "secret").text
    d.save_screenshot(SHOT)

    d.get(f"{ADMIN}/intakes/{BAD}")
    loaded(d)
    WebDriverWait(d, TIMEOUT).until(lambda d: d.find_element(By.ID, "poll-section").is_displayed())
    error = cell(d, "last-error")
    assert error.text not in ("", "-"), error.text
    assert "err" in error.get_attribute("class").split(), error.get_attribute("class")
    assert cell(d, "last-success").text == "never", cell(d, "last-success").text
    return None


status, _ = run_reporting(run)
if status == 0:
    print("OK")
sys.exit(status)
