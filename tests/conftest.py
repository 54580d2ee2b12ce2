"""Shared fixtures: generated reports (made once per session) and the loaded pipeline."""
from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import jsonschema
import pytest

from pipeline.generate import generate_report
from pipeline.generate.scan import to_scan
from pipeline.templates import CONFIG_DIR

DATA = Path(__file__).resolve().parent / "data"  # real reports and seeds, with hand-read truth
SCHEMA = json.loads((CONFIG_DIR / "contract" / "report.schema.json").read_text(encoding="utf-8"))


def cell_ids(template: str) -> list[str]:
    return (CONFIG_DIR / "contract" / f"cell_ids_{template}.txt").read_text(encoding="utf-8").split()


def assert_valid_output(data: dict):
    """The output contract: the schema, and exactly the cell ids of the detected format."""
    jsonschema.validate(data, SCHEMA)
    assert list(data["cells"]) == cell_ids(data["template"])


def title(data: dict) -> tuple:
    """A report's (or its truth's) agency and year."""
    return data["report"]["agency"], data["report"]["year"]


@pytest.fixture(scope="session")
def pipeline():
    from pipeline.runner import Pipeline

    return Pipeline()


@pytest.fixture(scope="session")
def generated(tmp_path_factory):
    """One born-digital and one scanned report of each format, with ground truth."""
    root = tmp_path_factory.mktemp("generated")
    reports = {}
    for i, template in enumerate(("2021", "2019")):
        reports[("digital", template)] = generate_report(root / f"digital_{template}.pdf", template, seed=7000 + i)
        scan = generate_report(root / f"scan_{template}.pdf", template, seed=7100 + i)
        reports[("scan", template)] = to_scan(scan, random.Random(7100 + i))
    return reports


@pytest.fixture
def browser():
    """A real headless Chromium (Debian's chromium and chromium-driver)."""
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.skip("Debian chromium and chromium-driver are installed by `make test`")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    yield driver
    driver.quit()
