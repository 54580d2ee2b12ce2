"""The review workflow: the queue of flagged rows with their place on the page, in a real
headless Chromium driven by the keyboard alone; corrections, not-printed rows and refused
identity breaks into SQLite and the exports; flags cleared by re-checking; OCR text escaped; the
app's host check and the output files' modes."""
import csv
import json
import shutil
import socket
import threading
import time
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from pipeline.cli import main
from pipeline.review.store import NOT_PRINTED, BrokenChecks, ReviewStore

from ..conftest import assert_valid_output


@pytest.fixture
def batch(generated, tmp_path):
    """A finished batch of one scanned report, with a threshold above 1, so every cell is in the queue."""
    out = tmp_path / "out"
    assert main(["run", str(generated[("scan", "2021")].pdf), "-o", str(out), "--threshold", "1.01"]) == 0
    return out


def _report(out):
    (path,) = [p for p in out.glob("*.json")]
    return path, json.loads(path.read_text(encoding="utf-8"))


def lose_row(path, row: str) -> list[str]:
    """Make the report's row one the pipeline did not find, as it writes such a row: no value,
    text, place or confidence, flagged. Returns the row's cell ids."""
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = [cid for cid in data["cells"] if cid.startswith(row + "/")]
    for cid in ids:
        data["cells"][cid].update(value=None, text="", confidence=0.0, page=None, bbox=None, needs_review=True,
                                  reason="not found", checks_failed=[])
        data["cells"][cid].pop("alternatives", None)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return ids


def test_queue_holds_a_rows_flagged_cells_together_with_their_place(batch):
    store = ReviewStore(batch)
    queue = store.queue()
    _, data = _report(batch)
    assert sum(len(item["cells"]) for item in queue) == sum(c["needs_review"] for c in data["cells"].values()) > 0
    for item in queue:
        assert {c["cell_id"].rsplit("/", 1)[0] for c in item["cells"]} == {item["row"]}
        assert item["row_label"] and all(c["column_label"] and c["reason"] for c in item["cells"])
    assert [item["item_number"] for item in queue] == list(range(1, len(queue) + 1))
    item = queue[0]
    image, band = store.place_image(item["report"], [c["cell_id"] for c in item["cells"]])
    assert image.startswith(b"\xff\xd8") and 0 <= band[0] < band[1]


def test_the_place_of_a_lost_row_lies_between_its_neighbours_under_its_columns(batch):
    from pipeline.batch.review_pages import item_place

    path, data = _report(batch)
    cells = data["cells"]
    lost = lose_row(path, "t3/carried_in")
    place = item_place(json.loads(path.read_text(encoding="utf-8")), lost)
    above = max(cells[c]["bbox"][3] for c in cells if c.startswith("t3/new/"))
    below = min(cells[c]["bbox"][1] for c in cells if c.startswith("t3/disclosed/"))
    assert above - 1 <= place.band[0] < place.band[1] <= below + 1
    assert place.page == cells["t3/new/total"]["page"] and not any(place.found.values())
    for cid in lost:  # under the column the rows around it put that cell in
        x0, _, x1, _ = place.boxes[cid]
        column = cells[cid.replace("t3/carried_in/", "t3/new/")]["bbox"]
        assert abs(x0 - column[0]) < 15 and abs(x1 - column[2]) < 15  # the column, not its neighbour
    assert place.region[0] <= place.band[0] and place.band[1] <= place.region[1]
    image, band = ReviewStore(batch).place_image(path.stem, lost)
    assert image.startswith(b"\xff\xd8") and band == (place.band[0] - place.region[0], place.band[1] - place.region[0])


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
    store.correct(path.stem, {group[-1]: str(right_total)}, reviewer="li")
    after = json.loads(path.read_text(encoding="utf-8"))
    assert_valid_output(after)
    assert after["cells"][group[-1]]["value"] == right_total and after["cells"][group[-1]]["corrected"]
    for cid in group[:-1]:
        assert after["cells"][cid]["checks_failed"] == [] and not after["cells"][cid]["needs_review"]
    (row,) = store.history()
    assert (row["cell_id"], json.loads(row["old_value"]), json.loads(row["new_value"]), row["reviewer"]) == \
        (group[-1], right_total + 5, right_total, "li")
    with pytest.raises(ValueError):
        store.correct(path.stem, {group[0]: "abc"}, reviewer="li")


def test_a_correction_that_breaks_an_identity_is_refused_until_confirmed(batch):
    path, data = _report(batch)
    store = ReviewStore(batch)
    total = data["cells"]["t3/new/total"]["value"]
    with pytest.raises(BrokenChecks) as caught:
        store.correct(path.stem, {"t3/new/total": str(total + 5)}, reviewer="li")
    assert any("t3/new/total" in cells for cells in caught.value.identities.values())
    assert json.loads(path.read_text(encoding="utf-8")) == data and store.history() == []  # nothing saved
    store.correct(path.stem, {"t3/new/total": str(total + 5)}, reviewer="li", confirm=True)
    after = json.loads(path.read_text(encoding="utf-8"))
    assert after["cells"]["t3/new/total"]["value"] == total + 5
    assert set(caught.value.identities) <= set(after["inconsistencies"])
    assert_valid_output(after)


def test_a_row_marked_not_printed_reaches_every_export(batch):
    path, _ = _report(batch)
    lost = lose_row(path, "t3/other.other")
    store = ReviewStore(batch)
    store.correct(path.stem, dict.fromkeys(lost), reviewer="zhou", not_printed=True)
    after = json.loads(path.read_text(encoding="utf-8"))
    assert_valid_output(after)
    for cid in lost:
        assert after["cells"][cid]["printed"] is False and after["cells"][cid]["value"] is None
        assert not after["cells"][cid]["needs_review"]
    assert [json.loads(r["new_value"]) for r in store.history()] == [NOT_PRINTED] * len(lost)
    engine = sa.create_engine(f"sqlite:///{batch / 'review.sqlite'}")
    with engine.connect() as conn:  # the database at once, the files when the review ends
        assert conn.execute(sa.text("select count(*) from cells where printed = 0")).scalar() == len(lost)
    store.finish()
    with (batch / "cells.csv").open(encoding="utf-8") as f:
        rows = {r["cell_id"]: r for r in csv.DictReader(f)}
    assert all(rows[cid]["printed"] == "false" and rows[cid]["value"] == "" for cid in lost)


def test_output_files_get_the_users_umask_not_private_modes(batch):
    import os

    mask = os.umask(0)
    os.umask(mask)
    for name in ("cells.csv", "reports.csv", "reports.parquet", "review.html"):
        assert (batch / name).stat().st_mode & 0o777 == 0o666 & ~mask, name
    path, _ = _report(batch)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask


def test_review_app_answers_only_its_own_host(batch):
    from fastapi.testclient import TestClient

    from pipeline.review.app import create_app

    client = TestClient(create_app(batch, host="127.0.0.1"))
    assert client.get("/api/queue", headers={"host": "127.0.0.1:8765"}).status_code == 200
    assert client.get("/api/queue", headers={"host": "localhost:8765"}).status_code == 200
    assert client.get("/api/queue", headers={"host": "evil.example:8765"}).status_code == 421
    assert client.post("/api/correct", headers={"host": "rebind.attacker.test"},
                       json={"report": "x", "values": {}, "reviewer": "a"}).status_code == 421


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serve(out):
    import uvicorn

    from pipeline.review.app import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(out, reviewer="wang"), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


def _wait(predicate, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


class Keyboard:
    """The keys sent to the page's input, counted."""

    def __init__(self, browser):
        self.browser, self.keys = browser, 0

    def send(self, *keys: str):
        specials = {getattr(Keys, name) for name in ("ENTER", "TAB", "ESCAPE", "BACKSPACE")}
        self.keys += sum(1 if k in specials else len(k) for k in keys)
        self.browser.find_element(By.ID, "value").send_keys(*keys)

    def text(self, element_id: str) -> str:
        return self.browser.find_element(By.ID, element_id).text


@pytest.fixture
def lost_rows_batch(generated, tmp_path):
    """Both formats' generated scans, digitised, each with a table-three row lost (as the
    pipeline writes a row it did not find) besides what it flagged itself."""
    src = tmp_path / "in"
    src.mkdir()
    for template in ("2021", "2019"):
        shutil.copy(generated[("scan", template)].pdf, src / f"scan_{template}.pdf")
    out = tmp_path / "out"
    assert main(["run", str(src), "-o", str(out), "--threshold", "0.999"]) == 0  # some cells flagged too
    lose_row(out / "scan_2021.json", "t3/carried_in")
    lose_row(out / "scan_2019.json", "t3/carried_in")
    return out


def test_the_whole_queue_with_the_keyboard_alone(lost_rows_batch, generated, browser):
    """Rows typed in one go, a lost row marked not printed, the rest accepted with Enter: every
    item shows the place on the page, and the corrections reach every output."""
    out = lost_rows_batch
    truth = {t: generated[("scan", t)].truth["cells"] for t in ("2021", "2019")}
    queue = ReviewStore(out).queue()
    flagged = sum(len(item["cells"]) for item in queue)
    with _serve(out) as url:
        browser.get(url)
        keyboard = Keyboard(browser)
        for item in queue:
            _wait(lambda: keyboard.text("rowid") == item["row"] and keyboard.text("source") == item["source"])
            _wait(lambda: browser.execute_script("return document.getElementById('place').naturalWidth") > 0)
            remaining = keyboard.text("remaining")
            template = "2021" if "2021" in item["source"] else "2019"
            lost = [c["cell_id"] for c in item["cells"] if not c["found"]]
            if lost and template == "2019":
                keyboard.send("n")  # this report's lost row: marked as not printed
            elif lost:
                keyboard.send(" ".join("=" if c["found"] else str(truth[template][c["cell_id"]])
                                       for c in item["cells"]), Keys.ENTER)
            else:
                keyboard.send(Keys.ENTER)  # the values read are right: accept
            _wait(lambda: keyboard.text("remaining") != remaining)
        _wait(lambda: "Queue empty" in keyboard.text("status"))
    print(f"\n{keyboard.keys} keystrokes for {flagged} flagged cells in {len(queue)} items: "
          f"{keyboard.keys / flagged:.2f} per cell")
    assert keyboard.keys / flagged <= 2

    typed = json.loads((out / "scan_2021.json").read_text(encoding="utf-8"))
    skipped = json.loads((out / "scan_2019.json").read_text(encoding="utf-8"))
    for data in (typed, skipped):
        assert_valid_output(data)
        assert not any(c["needs_review"] for c in data["cells"].values())
    row = [cid for cid in typed["cells"] if cid.startswith("t3/carried_in/")]
    assert all(typed["cells"][cid]["value"] == truth["2021"][cid] for cid in row)
    assert all(skipped["cells"][cid]["printed"] is False for cid in skipped["cells"] if cid.startswith("t3/carried_in/"))
    with (out / "cells.csv").open(encoding="utf-8") as f:
        rows = {(r["source"], r["cell_id"]): r for r in csv.DictReader(f)}
    assert rows[("scan_2021.pdf", row[0])]["value"] == str(truth["2021"][row[0]])
    assert rows[("scan_2019.pdf", "t3/carried_in/total")]["printed"] == "false"
    with (out / "reports.csv").open(encoding="utf-8-sig") as f:
        ids, _, *wide = list(csv.reader(f))
    line = next(r for r in wide if r[0] == "scan_2021.pdf")
    assert line[ids.index(row[-1])] == str(truth["2021"][row[-1]])
    engine = sa.create_engine(f"sqlite:///{out / 'review.sqlite'}")
    with engine.connect() as conn:
        audit = conn.execute(sa.text("select report, cell_id, old_value, new_value, reviewer, at from corrections")).all()
        assert len(audit) == flagged and all(r[4] == "wang" and r[5] for r in audit)
        assert conn.execute(sa.text("select count(*) from cells where needs_review = 1")).scalar() == 0


def test_a_correction_that_breaks_an_identity_is_shown_before_it_is_saved(batch, browser):
    """Typing a total its row does not add up to: the page names the identity and its cells
    and saves nothing; a second Enter keeps it, recorded as the document's inconsistency."""
    path, data = _report(batch)
    queue = ReviewStore(batch).queue()
    item = next(i for i in queue if i["row"] == "t3/new")
    wrong = [str(data["cells"][c["cell_id"]]["value"] + (5 if c["cell_id"].endswith("/total") else 0))
             for c in item["cells"]]
    with _serve(batch) as url:
        browser.get(url)
        keyboard = Keyboard(browser)
        _wait(lambda: keyboard.text("rowid"))
        while keyboard.text("rowid") != "t3/new":  # skip to it
            shown = keyboard.text("itempos")
            keyboard.send(Keys.ESCAPE)
            _wait(lambda: keyboard.text("itempos") != shown)
        keyboard.send(" ".join(wrong), Keys.ENTER)
        _wait(lambda: "breaks" in keyboard.text("status"))
        assert "t3/new/total" in keyboard.text("status")
        assert json.loads(path.read_text(encoding="utf-8"))["cells"]["t3/new/total"]["value"] == \
            data["cells"]["t3/new/total"]["value"]  # not saved
        keyboard.send(Keys.ENTER)  # keep it
        _wait(lambda: keyboard.text("rowid") != "t3/new")
    after = json.loads(path.read_text(encoding="utf-8"))
    assert after["cells"]["t3/new/total"]["value"] == data["cells"]["t3/new/total"]["value"] + 5
    assert after["inconsistencies"]


def test_ocr_text_is_shown_as_text_never_as_markup(batch, browser):
    path, data = _report(batch)
    flagged = next(cid for cid, c in data["cells"].items() if c["needs_review"])
    data["cells"][flagged]["alternatives"] = ['<img id="injected" src="x" onerror="document.title=\'pwned\'">']
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with _serve(batch) as url:
        browser.get(url)
        _wait(lambda: browser.find_element(By.ID, "rowid").text == flagged.rsplit("/", 1)[0])
        assert "<img" in browser.find_element(By.ID, "cells").text
        assert not browser.find_elements(By.ID, "injected") and browser.title != "pwned"


def test_static_review_report_shows_each_flagged_row_in_place_and_the_overlays(batch):
    from pipeline.batch.review_pages import item_name, review_items

    page = (batch / "review.html").read_text(encoding="utf-8")
    path, data = _report(batch)
    items = review_items(data)
    assert all(ids[0] in page for ids in items[:20])
    images = {p.stem for p in (batch / "review" / path.stem).glob("t*__*.jpg")}
    assert images == {item_name(ids) for ids in items}
    overlays = sorted((batch / "review" / path.stem).glob("page-*.jpg"))
    assert overlays and all(f"review/{path.stem}/{p.name}" in page for p in overlays)
    assert f"review/{path.stem}/{item_name(items[0])}.jpg" in page


def test_a_report_drawn_again_leaves_none_of_its_earlier_review_images(batch):
    from pipeline.batch.review_pages import item_name, review_items, write_report_images

    path, data = _report(batch)
    folder = batch / "review" / path.stem
    (folder / "page-1.png").write_bytes(b"an overlay of an older version")
    before = review_items(data)
    for cid, cell in data["cells"].items():  # read again: only table 二's rows are flagged now
        cell["needs_review"] = cell["needs_review"] and cid.startswith("t2/")
    kept = review_items(data)
    assert 0 < len(kept) < len(before)
    write_report_images(batch, path.stem, data, threshold=1.01)
    assert {p.stem for p in folder.glob("t*__*.jpg")} == {item_name(ids) for ids in kept}
    assert not (folder / "page-1.png").exists() and sorted(folder.glob("page-*.jpg"))
    assert not [p for p in folder.parent.iterdir() if p.name.startswith(".")]
    for cell in data["cells"].values():  # and with no place on any page, it has no images at all
        cell["page"] = cell["bbox"] = None
    write_report_images(batch, path.stem, data, threshold=1.01)
    assert not folder.exists()


def test_static_review_report_escapes_ocr_text(batch):
    from pipeline.batch import output
    from pipeline.batch.review_pages import write_review_html

    path, data = _report(batch)
    flagged = next(cid for cid, c in data["cells"].items() if c["needs_review"])
    data["cells"][flagged]["text"] = "<script>alert(1)</script>"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    page = write_review_html(batch, output.load_reports(batch)).read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_wide_exports_and_database_reflect_a_correction(batch):
    from openpyxl import load_workbook

    from pipeline.batch.exports import FIXED, cell_columns

    path, data = _report(batch)
    cid = next(c for c, cell in data["cells"].items() if cell["needs_review"])
    store = ReviewStore(batch)
    store.correct(path.stem, {cid: "777"}, reviewer="zhao", confirm=True)
    engine = sa.create_engine(f"sqlite:///{batch / 'review.sqlite'}")
    with engine.connect() as conn:  # the database at once
        value, needs_review = conn.execute(sa.text("select value, needs_review from cells where cell_id = :c"),
                                           {"c": cid}).one()
        assert (value, needs_review) == (777, 0)
    store.finish()  # the files when the review ends
    with (batch / "reports.csv").open(encoding="utf-8-sig") as f:
        ids, label_row, row = list(csv.reader(f))
    assert row[ids.index(cid)] == "777" and "/" in label_row[ids.index(cid)]
    fixed = len(FIXED)
    # 172 ids in both grids, and the 126 of the pre-2019 indicators
    assert ids[fixed:] == [c for c, _ in cell_columns()] and len(ids) == fixed + 200 + 198 - 172 + 126
    ws = load_workbook(batch / "reports.xlsx").active
    col = ids.index(cid) + 1
    assert ws.cell(row=3, column=col).value == 777
    assert ws.cell(row=3, column=col).fill.fgColor.rgb in (None, "00000000")  # corrected: no longer flagged
    flagged = next(c for c, cell in json.loads(path.read_text(encoding="utf-8"))["cells"].items()
                   if cell["needs_review"])
    assert ws.cell(row=3, column=ids.index(flagged) + 1).fill.fgColor.rgb.endswith("FFE699")
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from reports")).scalar() == 1
