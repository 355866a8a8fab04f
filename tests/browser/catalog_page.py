#!/usr/bin/env python3
"""The format catalog in headless Chromium (Selenium WebDriver): for every category, the format
list of the create form holds exactly the formats of that category (as /api/formats says); then,
for each format named on the command line, picks its first category and the format, checks that
the form shows its one-line description and its sample, creates an intake of it through the form,
and finds it in the intakes table with that format. Saves a screenshot of the page at the end.

Usage: catalog_page.py ADMIN_URL SCREENSHOT_PATH FORMAT...
Prints "OK <n>" (intakes created) on success; on failure prints the error and a screenshot path.
"""
import sys

import requests
from chromium import TIMEOUT, loaded, run_reporting
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

ADMIN, SHOT, WANTED = sys.argv[1].rstrip("/"), sys.argv[2], sys.argv[3:]


def row(d, name):
    rows = d.find_elements(By.CSS_SELECTOR, f'#intakes tr[data-intake="{name}"]')
    return rows[0] if rows else None


def run(d):
    formats = {f["name"]: f for f in requests.get(ADMIN + "/api/formats", timeout=10).json()}
    for name in WANTED:
        assert name in formats and not formats[name]["loaded"], f"{name} should be listed before any intake uses it"
    d.get(ADMIN + "/")
    loaded(d)
    categories = [o.get_attribute("value") for o in Select(d.find_element(By.ID, "category")).options]
    assert categories[0] == "", categories
    for cat in categories[1:]:
        Select(d.find_element(By.ID, "category")).select_by_value(cat)
        shown = sorted(o.get_attribute("value") for o in Select(d.find_element(By.ID, "new-format")).options)
        expected = sorted(n for n, f in formats.items() if cat in f["categories"])
        assert shown == expected, (cat, shown, expected)
    created = 0
    for name in WANTED:
        f = formats.get(name)
        assert f is not None, f"format {name} is not in the catalog: {sorted(formats)}"
        Select(d.find_element(By.ID, "category")).select_by_value(f["categories"][0])
        Select(d.find_element(By.ID, "new-format")).select_by_value(name)
        # Rendered text collapses runs of spaces (Squid pads its fields): compare word by word.
        words = lambda t: " ".join(t.split())  # noqa: E731
        assert words(d.find_element(By.ID, "format-description").text) == words(f["description"]), name
        assert words(d.find_element(By.ID, "format-sample").text) == words(f["sample"]), name
        assert f["sample"].strip(), f"format {name} has no sample"
        intake = "cat-" + name
        d.find_element(By.ID, "new-name").send_keys(intake)
        d.find_element(By.ID, "new-entity").send_keys("catalog")
        d.find_element(By.ID, "create-submit").click()
        WebDriverWait(d, TIMEOUT).until(lambda d: row(d, intake) is not None)
        cells = [c.text for c in row(d, intake).find_elements(By.TAG_NAME, "td")]
        assert cells[2] == name, cells
        created += 1
    d.save_screenshot(SHOT)
    return created


def main():
    status, created = run_reporting(run, "1400,1600")
    if status == 0:
        print(f"OK {created}")
    return status


if __name__ == "__main__":
    sys.exit(main())
