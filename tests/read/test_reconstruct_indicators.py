"""The pre-2019 format: the indicator table of the reports on 2008-2018 (configs/templates/
pre2019.yaml), each row matched by its own label whatever the office printed and in whatever
order; real published tables (tests/data/pre2019, truth read by hand) read with every printed
indicator right, nothing invented for the rows they do not print, and their parts checked
against their wholes where they print parts."""
import json
import random
import shutil
from dataclasses import replace

import pytest

from pipeline.cli import main
from pipeline.evaluate import Score
from pipeline.generate.content import GeneratedReport
from pipeline.generate import generate_batch
from pipeline.generate.documents import print_to_pdf
from pipeline.generate.indicators import compose_indicator_report
from pipeline.generate.scan import to_scan
from pipeline.read.reconstruct import indicator_label
from pipeline.templates import failed_identities, load_templates

from ..conftest import DATA, assert_valid_output

PRE2019 = DATA / "pre2019"
# the tables' own arithmetic, checked by hand: 环境与国土资源局 2018 received 13 requests (36 over
# the years) by channels that add up to 11 (34); 公安局 2013 refused 1 without printing its ground
DOES_NOT_ADD_UP = {"pingtan_hgj_2018.html": ["s.requests[year]", "s.requests[cumulative]"]}
# the text against the table, as read by hand: 食品药品监督管理局 2012 says 3 applications received
# where its table prints 0 (a true contradiction); no other statement contradicts its table
CONTRADICTED = {"pingtan_spyj_2012.html": ["2012年，我局共收到依申请公开3件，以网上申请公开形式的申请3件。"]}
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
    assert data["inconsistencies"] == DOES_NOT_ADD_UP.get(truth["source"], [])
    fails = [check["statement"]["text"] for check in data["cross_checks"] if check["status"] == "fail"]
    assert fails == CONTRADICTED.get(truth["source"], [])


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


def test_a_repeated_label_goes_to_its_section_and_an_unknown_row_is_kept(tmp_path):
    """其他情形数 under 行政复议 and again under 行政诉讼 (the 2014 national form); a row the template
    does not know (咨询 counts of a provincial form) is kept in other_rows with its value."""
    rows = ["指标名称 | 计量单位 | 2015年度 | 历年累计", "受理依申请公开信息总数 | 件 | 7 | 30", "其中：1.当面申请数 | 件 | 3 | 12",
            "2.网上申请数 | 件 | 4 | 18", "四、行政复议数量 | 件 | 2 | 5", "（一）维持具体行政行为数 | 件 | 1 | 3",
            "（二）被依法纠错数 | 件 | 0 | 1", "（三）其他情形数 | 件 | 1 | 1", "五、行政诉讼数量 | 件 | 1 | 2",
            "（一）维持具体行政行为或者驳回原告诉讼请求数 | 件 | 0 | 1", "（二）被依法纠错数 | 件 | 0 | 0",
            "（三）其他情形数 | 件 | 1 | 1", "接受政府信息公开咨询数 | 人次 | 35 | 120"]
    path = tmp_path / "in" / "2015年某县档案局政府信息公开工作年度报告.txt"
    path.parent.mkdir()
    path.write_text("某县档案局2015年政府信息公开工作年度报告\n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["run", str(path.parent), "-o", str(tmp_path / "out")]) == 0
    data = json.loads((tmp_path / "out" / f"{path.stem}.json").read_text(encoding="utf-8"))
    assert_valid_output(data)
    cells = {cid: cell["value"] for cid, cell in data["cells"].items() if cell.get("printed", True)}
    assert cells["s/review.other/year"] == 1 and cells["s/review.corrected/cumulative"] == 1
    assert cells["s/litigation.other/year"] == 1 and cells["s/litigation.corrected/cumulative"] == 0
    assert cells["s/requests.total/cumulative"] == 30 and cells["s/requests.online/year"] == 4
    assert len(cells) == 2 * 11 and data["inconsistencies"] == []
    assert [(row["label"], row["values"][-2:]) for row in data["other_rows"]] == [("接受政府信息公开咨询数人次", ["35", "120"])]


@pytest.mark.parametrize("kind", ["digital", "html", "docx", "scan"])
def test_generated_pre2019_reports_read_their_printed_indicators_and_invent_none(tmp_path, kind):
    reports = generate_batch(tmp_path / "in", 2, 7100, templates=("pre-2019",), kind=kind)
    assert main(["run", str(tmp_path / "in"), "-o", str(tmp_path / "out")]) == 0
    for report in reports:
        data = json.loads((tmp_path / "out" / f"{report.pdf.stem}.json").read_text(encoding="utf-8"))
        assert_valid_output(data)
        score = Score()
        score.add(data, report.truth)
        assert score.accuracy >= (0.995 if kind == "scan" else 1.0) and score.flag_recall == 1.0, score.errors[:5]
        printed = {cid for cid, cell in data["cells"].items() if cell.get("printed", True)}
        # beyond the printed rows, only doubts (an unsure row's neighbours, flagged); none on exact text
        beyond = printed - set(report.truth["cells"])
        assert all(data["cells"][cid]["needs_review"] for cid in beyond) and (kind == "scan" or not beyond)
        assert data["inconsistencies"] == []  # the generator's values keep every identity


def test_generated_pre2019_values_keep_every_identity_over_the_parts_printed():
    template = load_templates()["pre-2019"]
    for seed in range(40):
        content = compose_indicator_report("pre-2019", random.Random(seed))
        values = {cid: content.values.get(cid, 0) for cid in template.cell_ids()}
        printed = set(content.values)
        checked = [ident for ident in template.identities if any(cid in printed for cid in ident.rhs)]
        assert failed_identities(replace(template, identities=tuple(checked)), values) == [], seed


PROSE_ONLY = sorted(p for p in PRE2019.glob("*.truth.json") if json.loads(p.read_text(encoding="utf-8"))["prose_only"])


def test_a_real_report_without_a_table_gives_the_indicators_its_text_states(tmp_path):
    """Seven real reports print no table; where their text states an indicator (主动公开 N 条,
    收到申请 N 件, 未发生行政复议), it is that cell, marked as read from the text and flagged where its
    words hedge (累计, 余); every value is a number the hand-read statements hold, in their sentence."""
    assert main(["run", str(PRE2019), "-o", str(tmp_path)]) in (0, 1)
    read = 0
    for truth_path in PROSE_ONLY:
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        out = tmp_path / f"{PRE2019.joinpath(truth['source']).stem}.json"
        if not out.exists():
            continue  # nothing its text states in words the rules know: an error line, not a guess
        data = json.loads(out.read_text(encoding="utf-8"))
        assert_valid_output(data)
        assert data["template"] == "pre-2019" and data["report"]["year"] == truth["year"]
        stated = {cid: cell for cid, cell in data["cells"].items() if cell.get("printed", True)}
        assert stated and all(cell["from_text"] for cell in stated.values())
        for cid, cell in stated.items():
            sentence = "".join(cell["text"].split())
            assert any(st["value"] == cell["value"] and "".join(st["sentence"].split())[:12] in sentence
                       for st in truth["statements"]) or cell["value"] == 0, (truth["source"], cid, cell)
        read += 1
    assert read >= 5
