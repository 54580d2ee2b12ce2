"""Reports whose tables are pictures, through `reportocr run` on a folder: a web page saved with
its `_files` folder, one saved as .mhtml, one zipped, Word files (.docx, .doc). Each is one report (a saved
page's pictures are not reports of their own), read through the scan path with every wrong cell
flagged; a cell read from a picture names it, and the review shows it."""
import json
import random
import shutil

import cv2
import numpy as np
import pytest

from pipeline.cli import main
from pipeline.evaluate import Score
from pipeline.generate.pictures import FORMS, generate_picture_report, screenshot_tables
from pipeline.review.store import ReviewStore

from ..conftest import DATA, assert_valid_output


def test_reports_whose_tables_are_pictures_are_read_through_the_scan_path(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    src.mkdir()
    forms = [form for form in FORMS if form != ".doc" or shutil.which("soffice")]  # `make test` installs it
    reports = [generate_picture_report(src / f"report{k}{form}", ("2021", "2019")[k % 2], 6200 + k)
               for k, form in enumerate(forms)]
    assert (src / "report0_files").is_dir()
    assert main(["run", str(src), "-o", str(out), "--workers", "1"]) == 0
    assert sorted(p.name for p in out.glob("*.json")) == [f"report{k}.json" for k in range(len(forms))]
    for report in reports:
        data = json.loads((out / f"{report.pdf.stem}.json").read_text(encoding="utf-8"))
        assert_valid_output(data)
        score = Score()
        score.add(data, report.truth)
        assert score.accuracy >= 0.99 and score.flag_recall == 1.0, (report.pdf.name, score.errors[:5])
        assert data["template"] == report.truth["template"]
        named = {c["picture"] for c in data["cells"].values() if c.get("picture")}
        assert named and not named & {"logo.png", "seal.png", "qrcode.png"}
        assert all(c["page"] and c["bbox"] for c in data["cells"].values() if c.get("picture"))
        flagged = [cid for cid, c in data["cells"].items() if c["needs_review"] and c.get("picture")]
        if flagged:
            assert (out / "review" / report.pdf.stem).is_dir()
            assert f"picture {data['cells'][flagged[0]]['picture']}" in (out / "review.html").read_text(encoding="utf-8")
        # the review app shows a cell's place in its picture
        cid = next(cid for cid, c in data["cells"].items() if c.get("picture"))
        jpeg, band = ReviewStore(out).place_image(report.pdf.stem, [cid])
        image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert image.shape[0] > band[1] > band[0] >= 0


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium is installed by `make test`")
def test_a_real_page_whose_tables_are_screenshots_reads_its_hand_read_cells(tmp_path):
    """A real 2021-format page of tests/data/corpus republished with each table as Chromium's
    screenshot of it (a layout no generator of ours made)."""
    page = DATA / "corpus" / "pingtan_hzs_2023.html"
    truth = json.loads(page.with_suffix(".truth.json").read_text(encoding="utf-8"))
    path = screenshot_tables(page, tmp_path / "in" / page.name, random.Random(3))
    out = tmp_path / "out"
    assert main(["run", str(path.parent), "-o", str(out), "--workers", "1"]) == 0
    data = json.loads((out / f"{page.stem}.json").read_text(encoding="utf-8"))
    assert_valid_output(data)
    score = Score()
    score.add(data, {"source": page.name, "template": truth["template"], "cells": truth["cells"], "statements": [],
                     "report": {"agency": truth["agency"], "year": truth["year"]}})
    assert score.accuracy >= 0.995 and score.flag_recall == 1.0, score.errors[:5]
    assert sum(1 for c in data["cells"].values() if (c.get("picture") or "").startswith("table")) >= 190
