"""A volume binding several reports (digital and scanned pages, both formats, a cover, a contents
page, blank separators) becomes one JSON per report with its exact page range, each read as well
as its file alone; a re-run finds it done."""
import csv
import json

from pipeline.batch.jobs import plan
from pipeline.cli import main
from pipeline.evaluate import Score
from pipeline.generate.volumes import generate_volume

from ..conftest import assert_valid_output


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
