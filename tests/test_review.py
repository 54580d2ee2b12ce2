"""The review workflow: the queue in a real headless Chromium, corrections into SQLite and the
exports, flags cleared by re-checking, OCR text escaped."""
import csv
import json
import shutil
import socket
import threading
import time

import pytest
import sqlalchemy as sa

from pipeline.cli import main
from pipeline.review import ReviewStore

from .conftest import assert_valid_output


@pytest.fixture
def batch(generated, tmp_path):
    """A finished batch of one scanned report, with a threshold above 1, so every cell is in the queue."""
    out = tmp_path / "out"
    assert main(["run", str(generated[("scan", "2021")].pdf), "-o", str(out), "--threshold", "1.01"]) == 0
    return out


def _report(out):
    (path,) = [p for p in out.glob("*.json")]
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_queue_lists_flagged_cells_with_labels_and_reason(batch):
    store = ReviewStore(batch)
    queue = store.queue()
    _, data = _report(batch)
    assert len(queue) == sum(c["needs_review"] for c in data["cells"].values()) > 0
    item = queue[0]
    assert item["row_label"] and item["column_label"] and item["reason"]
    assert store.crop_png(item["report"], item["cell_id"]).startswith(b"\x89PNG")


def test_a_correction_that_fixes_a_check_clears_the_flags_it_caused(batch):
    path, data = _report(batch)
    group = ["t4/review/upheld", "t4/review/corrected", "t4/review/other", "t4/review/pending", "t4/review/total"]
    right_total = data["cells"][group[-1]]["value"]
    for cid in group:  # as the checks stage leaves a misread total
        cell = data["cells"][cid]
        cell.update(checks_failed=["t4.total[review]"], confidence_unchecked=1.0, confidence=0.4, needs_review=True)
    data["cells"][group[-1]]["value"] = right_total + 5
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    store = ReviewStore(batch)
    store.correct(path.stem, group[-1], str(right_total), reviewer="li")
    after = json.loads(path.read_text(encoding="utf-8"))
    assert_valid_output(after)
    assert after["cells"][group[-1]]["value"] == right_total and after["cells"][group[-1]]["corrected"]
    for cid in group[:-1]:
        assert after["cells"][cid]["checks_failed"] == [] and not after["cells"][cid]["needs_review"]
    (row,) = store.history()
    assert (row["cell_id"], json.loads(row["old_value"]), json.loads(row["new_value"]), row["reviewer"]) == \
        (group[-1], right_total + 5, right_total, "li")
    with pytest.raises(ValueError):
        store.correct(path.stem, group[0], "abc", reviewer="li")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(batch):
    import uvicorn

    from pipeline.review_app import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(batch, reviewer="wang"), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}/"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser():
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


def _wait(predicate, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_review_in_the_browser_with_the_keyboard(batch, server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    path, before = _report(batch)
    browser.get(server)
    _wait(lambda: browser.find_element(By.ID, "cellid").text)
    first = browser.find_element(By.ID, "cellid").text
    assert browser.find_element(By.ID, "row").text and browser.find_element(By.ID, "reason").text
    _wait(lambda: browser.execute_script("return document.getElementById('crop').naturalWidth") > 0)
    box = browser.find_element(By.ID, "value")
    box.send_keys("42", Keys.ENTER)  # typing replaces
    _wait(lambda: "Saved" in browser.find_element(By.ID, "status").text)
    second = browser.find_element(By.ID, "cellid").text
    browser.find_element(By.ID, "value").send_keys(Keys.TAB)  # skip
    _wait(lambda: browser.find_element(By.ID, "cellid").text != second)
    third = browser.find_element(By.ID, "cellid").text
    browser.find_element(By.ID, "value").send_keys(Keys.ENTER)  # accept the value read
    _wait(lambda: browser.find_element(By.ID, "status").text == f"Saved {third}")

    after = json.loads(path.read_text(encoding="utf-8"))
    assert after["cells"][first]["value"] == 42 and not after["cells"][first]["needs_review"]
    assert after["cells"][third]["value"] == before["cells"][third]["value"]
    assert not after["cells"][third]["needs_review"]
    assert after["cells"][second]["needs_review"]  # skipped, still flagged
    engine = sa.create_engine(f"sqlite:///{batch / 'review.sqlite'}")
    with engine.connect() as conn:
        rows = conn.execute(sa.text("select cell_id, new_value, reviewer from corrections order by id")).all()
    assert [(r[0], r[2]) for r in rows] == [(first, "wang"), (third, "wang")] and json.loads(rows[0][1]) == 42
    with (batch / "cells.csv").open(encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["cell_id"] == first)
    assert row["value"] == "42" and row["needs_review"] == "false"


def test_ocr_text_is_shown_as_text_never_as_markup(batch, server, browser):
    from selenium.webdriver.common.by import By

    path, data = _report(batch)
    flagged = next(cid for cid, c in data["cells"].items() if c["needs_review"])
    data["cells"][flagged]["text"] = '<img id="injected" src="x" onerror="document.title=\'pwned\'">'
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    browser.get(server)
    _wait(lambda: browser.find_element(By.ID, "cellid").text == flagged)
    assert "<img" in browser.find_element(By.ID, "text").text
    assert not browser.find_elements(By.ID, "injected") and browser.title != "pwned"


def test_static_review_report_lists_flagged_cells_with_crops_and_overlays(batch):
    page = (batch / "review.html").read_text(encoding="utf-8")
    path, data = _report(batch)
    flagged = [cid for cid, c in data["cells"].items() if c["needs_review"]]
    assert all(cid in page for cid in flagged[:20])
    crops = list((batch / "review" / path.stem).glob("t*__*.png"))
    overlays = list((batch / "review" / path.stem).glob("page-*.png"))
    assert len(crops) == len(flagged) and overlays
    assert f"review/{path.stem}/page-" in page


def test_static_review_report_escapes_ocr_text(batch):
    from pipeline import export
    from pipeline.review_report import write_review_html

    path, data = _report(batch)
    flagged = next(cid for cid, c in data["cells"].items() if c["needs_review"])
    data["cells"][flagged]["text"] = "<script>alert(1)</script>"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    page = write_review_html(batch, export.load_reports(batch)).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_wide_exports_and_database_reflect_a_correction(batch):
    from openpyxl import load_workbook

    from pipeline.batch_export import cell_columns

    path, data = _report(batch)
    cid = next(c for c, cell in data["cells"].items() if cell["needs_review"])
    ReviewStore(batch).correct(path.stem, cid, "777", reviewer="zhao")
    with (batch / "reports.csv").open(encoding="utf-8-sig") as f:
        ids, label_row, row = list(csv.reader(f))
    assert row[ids.index(cid)] == "777" and "/" in label_row[ids.index(cid)]
    assert ids[6:] == [c for c, _ in cell_columns()] and len(ids) == 6 + 200 + 198 - 172  # 172 ids are in both formats
    ws = load_workbook(batch / "reports.xlsx").active
    col = ids.index(cid) + 1
    assert ws.cell(row=3, column=col).value == 777
    assert ws.cell(row=3, column=col).fill.fgColor.rgb in (None, "00000000")  # corrected: no longer flagged
    flagged = next(c for c, cell in json.loads(path.read_text(encoding="utf-8"))["cells"].items()
                   if cell["needs_review"])
    assert ws.cell(row=3, column=ids.index(flagged) + 1).fill.fgColor.rgb.endswith("FFE699")
    engine = sa.create_engine(f"sqlite:///{batch / 'review.sqlite'}")
    with engine.connect() as conn:
        value, needs_review = conn.execute(sa.text("select value, needs_review from cells where cell_id = :c"),
                                           {"c": cid}).one()
        assert (value, needs_review) == (777, 0)
        assert conn.execute(sa.text("select count(*) from reports")).scalar() == 1
