"""The pre-2019 format: the indicator table of the reports on 2008-2018 (configs/templates/
pre2019.yaml), each row matched by its own label whatever the office printed and in whatever
order; real published tables (tests/data/pre2019, truth read by hand) read with every printed
indicator right and nothing invented for the rows they do not print."""
import json
import random
import shutil

import pytest

from pipeline.cli import main
from pipeline.evaluate import Score
from pipeline.generate.content import GeneratedReport
from pipeline.generate.documents import print_to_pdf
from pipeline.generate.scan import to_scan
from pipeline.read.reconstruct import indicator_label

from ..conftest import DATA, assert_valid_output

PRE2019 = DATA / "pre2019"
TABLES = sorted(p for p in PRE2019.glob("pingtan_*.truth.json") if json.loads(p.read_text(encoding="utf-8"))["table"])


def _want(truth: dict) -> dict:
    """The truth's printed rows as cell ids and values (a blank as None)."""
    table = truth["table"]
    return {f"s/{row['indicator']}/{column}": (float(text) if text.strip() else None)
            for row in table["rows"] for column, text in zip(table["value_columns"], row["values"])}


def _score(data: dict, want: dict) -> Score:
    score = Score()
    score.add(data, {"source": data["source"], "template": "pre-2019", "cells": want, "statements": [],
                     "report": data["report"]})
    return score


def test_numbering_and_qizhong_name_no_indicator():
    assert indicator_label("其中：1、当面申请数") == "当面申请数"
    assert indicator_label("（三）其他情形数") == "其他情形数"
    assert indicator_label("四、行政复议数量") == "行政复议数量"


@pytest.mark.parametrize("truth_path", TABLES, ids=lambda p: p.name.split(".")[0])
def test_a_real_indicator_table_reads_every_printed_indicator_and_invents_none(tmp_path, truth_path):
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    page = PRE2019 / truth["source"]
    assert main(["run", str(page), "-o", str(tmp_path)]) == 0
    data = json.loads((tmp_path / f"{page.stem}.json").read_text(encoding="utf-8"))
    assert_valid_output(data)
    assert data["template"] == "pre-2019"
    assert (data["report"]["agency"], data["report"]["year"]) == (truth["agency"], truth["year"])
    want = _want(truth)
    score = _score(data, want)
    assert score.accuracy == 1.0 and score.flagged == 0, score.errors
    printed = {cid for cid, cell in data["cells"].items() if cell.get("printed", True)}
    assert printed == set(want)  # every other indicator is not printed: null, not flagged
    assert not any(cell["needs_review"] for cell in data["cells"].values())


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium is installed by `make test`")
def test_a_real_two_column_table_scanned_at_200_dpi_is_read_or_flagged(tmp_path):
    truth = json.loads((PRE2019 / "pingtan_gaj_2013.truth.json").read_text(encoding="utf-8"))
    pdf = print_to_pdf(PRE2019 / truth["source"], tmp_path / "gaj_2013.pdf")
    scan = to_scan(GeneratedReport(pdf, {"source": pdf.name}), random.Random(7))
    assert main(["run", str(scan.pdf), "-o", str(tmp_path / "out")]) == 0
    data = json.loads((tmp_path / "out" / f"{scan.pdf.stem}.json").read_text(encoding="utf-8"))
    assert_valid_output(data)
    assert data["template"] == "pre-2019"
    score = _score(data, _want(truth))
    assert score.accuracy >= 0.995 and score.flag_recall == 1.0, score.errors
