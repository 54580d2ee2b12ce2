"""One agency across years: names matched conservatively, an agency key in every export, and
this year's 上年结转 checked against last year's 结转下年度 column by column, whether the two
reports come in one batch or one is already in the output folder."""
import csv
import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.cli import main
from pipeline.generate.reports import generate_series
from pipeline.verify.years import agency_keys, describe_carry_over, same_agency, year_link

from ..conftest import DATA, assert_valid_output

REAL = DATA / "real"


@pytest.mark.parametrize("a,b,same", [
    ("洪泽区人民政府", "淮安市洪泽区人民政府", True),
    ("洪泽区人民政府", "江苏省淮安市洪泽区人民政府", True),
    ("独乐乡", "武强县独乐乡", True),
    ("深州市人民政府办公室", "深州市人民政府办公室", True),
    ("洪泽区人民政府", "洪泽区人民政府办公室", False),  # the government and its office
    ("教育局", "衡水市教育局", False),  # no place of its own: any city's
    ("城市管理局", "衡水市城市管理局", False),
    ("洪泽区人民政府", "淮安市洪泽区教育局", False),
])
def test_agency_names_match_conservatively(a, b, same):
    assert (same_agency(a, b) is not None) is same


def test_a_short_name_under_two_different_places_joins_neither():
    keys = agency_keys(["朝阳区人民政府", "北京市朝阳区人民政府", "长春市朝阳区人民政府", "洪泽区人民政府",
                        "淮安市洪泽区人民政府"])
    assert keys["朝阳区人民政府"] == "朝阳区人民政府"
    assert keys["北京市朝阳区人民政府"] != keys["长春市朝阳区人民政府"]
    assert keys["洪泽区人民政府"] == keys["淮安市洪泽区人民政府"] == "淮安市洪泽区人民政府"


def _load(out: Path, stem: str) -> dict:
    return json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))


def _year_checks(data: dict) -> list[dict]:
    return [c for c in data["cross_checks"] if c["kind"] == "year_over_year"]


def test_planted_carry_over_mismatches_are_named_and_consistent_pairs_pass(tmp_path):
    src = tmp_path / "in"
    pairs = generate_series(src, 4, seed=6100, mismatch_rate=0.5)
    planted = [later.truth["carry_over"]["mismatched"] for _, later in pairs]
    assert any(planted) and not all(planted)  # both kinds in the batch
    out = tmp_path / "out"
    # the earlier years first, the later ones in a second run: a year already in the folder is used
    for reports in ([e for e, _ in pairs], [later for _, later in pairs]):
        batch = tmp_path / f"batch{len(list(tmp_path.iterdir()))}"
        batch.mkdir()
        for r in reports:
            shutil.copy(r.pdf, batch / r.pdf.name)
        assert main(["run", str(batch), "-o", str(out)]) == 0
    for earlier, later in pairs:
        a, b = _load(out, earlier.pdf.stem), _load(out, later.pdf.stem)
        assert_valid_output(a)
        assert_valid_output(b)
        (check,) = _year_checks(b)
        assert _year_checks(a) == [check]  # listed in both reports
        assert a["report"]["agency_key"] == b["report"]["agency_key"]
        assert check["reports"] == {str(a["report"]["year"]): earlier.pdf.name, str(b["report"]["year"]): later.pdf.name}
        assert "without the places above it" in check["agency_match"] or "the same name" in check["agency_match"]
        mismatched = later.truth["carry_over"]["mismatched"]
        if mismatched:
            assert check["status"] == "fail"
            assert sorted(c for c, v in check["values"].items() if v["status"] == "fail") == sorted(mismatched)
            for col in mismatched:
                assert f"{earlier.pdf.name}:t3/carried_out/{col}" in check["cells"]
                assert f"{later.pdf.name}:t3/carried_in/{col}" in check["cells"]
        else:
            assert check["status"] == "pass"
    assert "carry-over fail" in (out / "review.html").read_text(encoding="utf-8")  # shown to the reviewer
    # the agency key in the wide exports and the database: a panel is one group-by
    with (out / "reports.csv").open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))[1:]
    keys = {row["source"]: row["agency_key"] for row in rows}
    assert all(keys[e.pdf.name] == keys[later.pdf.name] != "" for e, later in pairs)
    assert len({keys[later.pdf.name] for _, later in pairs}) == len(pairs)
    engine = sa.create_engine(f"sqlite:///{out / 'review.sqlite'}")
    with engine.connect() as conn:
        db_keys = dict(conn.execute(sa.text("select source, agency_key from reports")).all())
    assert db_keys == keys
    with engine.connect() as conn:  # the checks too, each year-over-year one naming the other report
        failed = conn.execute(sa.text("select stem, other_report from cross_checks "
                                      "where kind = 'year_over_year' and status = 'fail'")).all()
    assert sorted(failed) == sorted((r.pdf.stem, other.pdf.name) for (e, l), m in zip(pairs, planted) if m
                                    for r, other in ((e, l), (l, e)))


def test_the_published_pair_carries_over(tmp_path, capsys):
    """hongze2023 → hongze2024: 洪泽区人民政府 and 淮安市洪泽区人民政府 are one agency, and 0 = 0 in
    every column."""
    out = tmp_path / "out"
    assert main(["run", str(REAL / "hongze2023.pdf"), str(REAL / "hongze2024.pdf"), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "cross-checks, year over year: 1 made, 0 failed" in printed  # in both reports, counted once
    assert "cross-checks, text vs table: 2 made, 1 failed (hongze2024.pdf)" in printed
    a, b = _load(out, "hongze2023"), _load(out, "hongze2024")
    (check,) = _year_checks(b)
    assert _year_checks(a) == [check] and check["status"] == "pass" and check["id"] == "years/2023-2024"
    assert all(v == {"carried_out_2023": 0, "carried_in_2024": 0, "status": "pass"} for v in check["values"].values())
    assert check["agency_match"] == "洪泽区人民政府 is 淮安市洪泽区人民政府 without the places above it (淮安市)"
    assert a["report"]["agency_key"] == b["report"]["agency_key"] == "淮安市洪泽区人民政府"


def _pre2019(year: int, source: str, values: dict) -> dict:
    return {"template": "pre-2019", "source": source, "report": {"agency": "平潭综合实验区公安局", "year": year},
            "cells": {cid: {"value": v, "confidence": 1.0, "needs_review": False} for cid, v in values.items()}}


def test_counts_over_the_years_link_two_pre2019_reports_and_no_check_crosses_formats():
    earlier = _pre2019(2012, "gaj_2012.html", {"s/requests.total/year": 1, "s/requests.total/cumulative": 1,
                                               "s/proactive.total/year": 205, "s/proactive.total/cumulative": 205})
    later = _pre2019(2013, "gaj_2013.html", {"s/requests.total/year": 2, "s/requests.total/cumulative": 3,
                                             "s/proactive.total/year": 235, "s/proactive.total/cumulative": 440})
    check = year_link(earlier, later, "the same name")
    assert check["status"] == "pass" and set(check["values"]) == {"requests.total", "proactive.total"}
    later["cells"]["s/proactive.total/cumulative"]["value"] = 450  # 205 + 235 is 440
    check = year_link(earlier, later, "the same name")
    assert check["status"] == "fail" and check["values"]["proactive.total"]["status"] == "fail"
    assert "历年累计" in describe_carry_over(check)
    national = {"template": "2019", "source": "gaj_2019.pdf", "report": {"year": 2013}, "cells": {}}
    assert year_link(earlier, national, "the same name") is None
