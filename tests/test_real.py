"""The real published reports in tests/data/real (see its README): every cell right, as the
agency's PDFs and as scans this project makes of them."""
import json
import random
import shutil
from pathlib import Path

import pytest

from pipeline.evaluate import Score
from pipeline.generate.content import GeneratedReport
from pipeline.generate.scan import ScanOptions, to_scan

from .conftest import DATA, assert_valid_output, title

REAL = DATA / "real"
STEMS = ("hongze2023", "hongze2024")
NOT_PRINTED = [f"t3/other.{row}/{col}" for row in ("overdue_correction", "overdue_fee")
               for col in ("natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org",
                           "total")]


def _truth(stem: str) -> dict:
    return json.loads((REAL / f"{stem}.truth.json").read_text(encoding="utf-8"))


def _read(pipeline, path: Path, stem: str) -> tuple[Score, dict]:
    outcome = pipeline.process(path)
    assert outcome.report is not None, outcome.error
    data = outcome.report.to_json()
    assert_valid_output(data)
    score = Score()
    score.add(data, _truth(stem))
    return score, data


@pytest.mark.parametrize("stem", STEMS)
def test_the_published_pdfs_read_with_every_cell_right(pipeline, stem):
    score, data = _read(pipeline, REAL / f"{stem}.pdf", stem)
    assert score.accuracy == 1.0, score.errors[:10]
    assert data["template"] == "2021" and title(data) == title(_truth(stem))
    assert score.flagged == 0
    # （六） printed as one row: its values in other.other, the other two rows not printed, not lost
    assert all(data["cells"][cid]["printed"] is False and not data["cells"][cid]["needs_review"]
               for cid in NOT_PRINTED)
    assert any("（六）其他处理 as one row" in w for w in data["warnings"])


def test_only_the_report_whose_printed_totals_are_wrong_is_said_not_to_add_up(pipeline):
    """hongze2023 prints table 四's totals as 0 under 维持 10 + 纠正 1: the agency's own error."""
    _, wrong = _read(pipeline, REAL / "hongze2023.pdf", "hongze2023")
    assert wrong["inconsistencies"] == ["t4.total[review]", "t4.total[litigation_after_review]"]
    _, right = _read(pipeline, REAL / "hongze2024.pdf", "hongze2024")
    assert right["inconsistencies"] == [] and not any("do not add up" in w for w in right["warnings"])


def test_the_text_is_checked_against_the_tables(pipeline):
    """2023's "全年受理政府信息公开申请 21 件" agrees with table 三; 2024's text says the office
    received 17 where its table counts 95: a warning about the document, the cell untouched."""
    _, a = _read(pipeline, REAL / "hongze2023.pdf", "hongze2023")
    (check,) = a["cross_checks"]
    assert (check["status"], check["cells"], check["values"]) == ("pass", ["t3/new/total"], {"text": 21, "table": 21})
    assert check["statement"]["page"] == 1 and "受理政府信息公开申请21件，均在法定期限答复" in check["statement"]["text"]
    assert [s["heading"] for s in a["sections"][1:]] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    _, b = _read(pipeline, REAL / "hongze2024.pdf", "hongze2024")
    (check,) = b["cross_checks"]
    assert (check["status"], check["values"]) == ("fail", {"text": 17, "table": 95})
    assert b["cells"]["t3/new/total"]["value"] == 95 and not b["cells"]["t3/new/total"]["needs_review"]
    assert any(w.startswith("the text says 17") for w in b["warnings"])


@pytest.mark.parametrize("stem", STEMS)
@pytest.mark.parametrize("kind,seed", [("office", 11), ("field", 12)])
def test_scans_of_the_published_reports(pipeline, tmp_path, stem, kind, seed):
    """An office scan reads every cell right; a field scan (150 dpi, skew, a seal, worn
    rulings, maybe a phone photo) flags every cell it gets wrong. On a scan no reading is exact:
    table 四's wrong totals are failed checks a person is shown, not the agency's error."""
    pdf = tmp_path / f"{stem}.pdf"
    shutil.copy(REAL / f"{stem}.pdf", pdf)
    to_scan(GeneratedReport(pdf, _truth(stem)), random.Random(seed),
            ScanOptions() if kind == "office" else ScanOptions.field())
    score, data = _read(pipeline, pdf, stem)
    assert data["template"] == "2021"
    assert score.flag_recall == 1.0, score.errors[:10]
    if kind == "office":
        assert score.accuracy == 1.0, score.errors[:10]
    else:
        assert score.accuracy >= 0.97, score.errors[:10]
    assert data["inconsistencies"] == []
    if stem == "hongze2023":
        assert all(data["cells"][f"t4/review/{col}"]["needs_review"] for col in ("upheld", "corrected", "total"))


def test_a_1bit_scan_flags_the_4_whose_bar_the_threshold_broke(pipeline, tmp_path):
    """hongze2024 as an archive scanner's 1-bit page at 300 dpi (the seed that found it): the
    bar of the 4 of table 二's 9487 broke into a dot, and the stroke left was read as a sure 1
    ("9187"), in a row no identity covers. The dot inside the number's box puts it in doubt."""
    pdf = tmp_path / "hongze2024.pdf"
    shutil.copy(REAL / "hongze2024.pdf", pdf)
    to_scan(GeneratedReport(pdf, _truth("hongze2024")), random.Random(959002), ScanOptions.black_and_white(300))
    score, data = _read(pipeline, pdf, "hongze2024")
    assert score.flag_recall == 1.0, score.errors[:10]
    assert score.accuracy >= 0.99, score.errors[:10]
