"""A volume binding several reports (digital and scanned pages, both formats, a cover, a contents
page, blank separators) becomes one JSON per report with its exact page range, each read as well
as its file alone; a re-run finds it done."""
import csv
import json
import random
import shutil

import pypdfium2 as pdfium
import pytest

from pipeline.batch.jobs import plan
from pipeline.cli import main
from pipeline.evaluate import Score
from pipeline.generate.content import GeneratedReport
from pipeline.generate.documents import print_to_pdf
from pipeline.generate.scan import to_scan
from pipeline.generate.volumes import generate_volume

from ..conftest import DATA, assert_valid_output


def test_a_volume_gives_one_report_per_bound_report_with_its_page_range(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    volume = src / "county 2023.pdf"
    truth = generate_volume(volume, 4, seed=23)
    assert any(r["scanned"] for r in truth["reports"]) and not all(r["scanned"] for r in truth["reports"])
    out = tmp_path / "out"
    assert main(["run", str(volume), "-o", str(out), "--workers", "1"]) == 0
    written = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in out.glob("county 2023*.json")}
    expected = {f"county 2023.p{r['pages'][0]}-{r['pages'][1]}": r for r in truth["reports"]}
    assert sorted(written) == sorted(expected)
    for stem, data in written.items():
        want = expected[stem]
        assert_valid_output(data)
        assert data["source_pages"] == want["pages"] and data["source_reports"] == 4
        score = Score()
        score.add(data, {**want, "source": data["source"], "statements": []})
        assert score.accuracy == 1.0, score.errors[:5]
        first, last = want["pages"]
        assert all(first <= c["page"] <= last for c in data["cells"].values() if c["page"])
        # the text checked against the tables is this report's own
        for check in data["cross_checks"]:
            assert first <= (check["statement"].get("page") or first) <= last
    with (out / "reports.csv").open(encoding="utf-8-sig") as f:
        rows = [row for row in csv.DictReader(f) if row["source"] == volume.name]
    assert sorted(row["source_pages"] for row in rows) == sorted(f"{a}-{b}" for a, b in
                                                                  (r["pages"] for r in truth["reports"]))
    result = plan([volume], out)
    assert result.done_before == [volume] and result.jobs == []
    # a volume with one of its reports' JSON gone is not done
    next(iter(out.glob("county 2023.p*.json"))).unlink()
    assert len(plan([volume], out).jobs) == 1


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian chromium is installed by `make test`")
def test_a_volume_of_four_real_reports_gives_each_as_read_alone(tmp_path):
    """Two published reports (born-digital, 2023 and 2024), a real 2019-format web page printed by
    Chromium, and a real 2021 page printed and scanned at 200 dpi, bound with a blank page between
    two of them: four reports with their exact page ranges, each with every hand-read cell right
    (or, on the scan, flagged), and no statement checked from another report's text."""
    parts = [(DATA / "real" / "hongze2023.pdf", json.loads((DATA / "real" / "hongze2023.truth.json").read_text()))]
    for name in ("pingtan_jjf_2020", "pingtan_qu_2021"):
        truth = json.loads((DATA / "corpus" / f"{name}.truth.json").read_text(encoding="utf-8"))
        pdf = print_to_pdf(DATA / "corpus" / f"{name}.html", tmp_path / f"{name}.pdf")
        parts.append((pdf, {"cells": truth["cells"], "template": truth["template"], "source": pdf.name,
                            "report": {"agency": truth["agency"], "year": truth["year"]}}))
    scanned = to_scan(GeneratedReport(parts[2][0], parts[2][1]), random.Random(5))
    parts[2] = (scanned.pdf, parts[2][1])
    parts.append((DATA / "real" / "hongze2024.pdf", json.loads((DATA / "real" / "hongze2024.truth.json").read_text())))
    volume, ranges = pdfium.PdfDocument.new(), []
    for k, (pdf, _) in enumerate(parts):
        if k == 2:
            volume.new_page(595, 842)  # a blank separator
        first = len(volume) + 1
        volume.import_pages(pdfium.PdfDocument(str(pdf)))
        ranges.append((first, len(volume)))
    path = tmp_path / "in" / "volume.pdf"
    path.parent.mkdir()
    volume.save(str(path))
    out = tmp_path / "out"
    assert main(["run", str(path), "-o", str(out), "--workers", "1"]) == 0
    written = {tuple(d["source_pages"]): d for d in (json.loads(p.read_text(encoding="utf-8"))
                                                     for p in out.glob("volume*.json"))}
    assert sorted(written) == ranges
    for (first, last), (pdf, truth) in zip(ranges, parts):
        data = written[(first, last)]
        assert_valid_output(data)
        score = Score()
        score.add(data, {**truth, "statements": []})
        assert score.flag_recall == 1.0 and score.accuracy >= (0.995 if pdf == scanned.pdf else 1.0), \
            (pdf.name, score.errors[:5])
        for check in data["cross_checks"]:
            if check["kind"] == "text_vs_table":
                assert first <= (check["statement"].get("page") or first) <= last
    # the two years of one agency bound in one volume are linked
    assert any(check["kind"] == "year_over_year" for check in written[ranges[-1]]["cross_checks"])
