"""Born-digital readers: the real seed reports, generated Word/HTML reports, LibreOffice formats."""
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.evaluate import Score
from pipeline.generate import generate_report
from pipeline.read.documents.docx import read_docx
from pipeline.read.documents.html import read_html
from pipeline.read.documents.text import read_text
from pipeline.read.ingest import sniff
from pipeline.types import InputError

from ..conftest import DATA, assert_valid_output, title

SEEDS = DATA / "seeds"


def _score(out: Path, truth: dict, stem: str) -> tuple[Score, dict]:
    data = json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))
    assert_valid_output(data)
    score = Score()
    score.add(data, truth)
    return score, data


def test_the_five_real_reports_read_with_every_cell_right(tmp_path):
    assert main(["run", str(SEEDS), "-o", str(tmp_path)]) == 0
    for truth_path in sorted(SEEDS.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        score, data = _score(tmp_path, truth, truth_path.name.removesuffix(".truth.json"))
        assert score.accuracy == 1.0, score.errors[:10]
        assert data["template"] == truth["template"] and title(data) == title(truth)
        assert score.flagged == 0
        assert all(c["page"] is None and c["bbox"] is None for c in data["cells"].values())


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    root = tmp_path_factory.mktemp("documents")
    return {(suffix, template): generate_report(root / f"gen_{template}{suffix}", template, seed=8000 + i)
            for i, (suffix, template) in enumerate([(s, t) for s in (".docx", ".html") for t in ("2021", "2019")])}


@pytest.mark.parametrize("suffix", [".docx", ".html"])
@pytest.mark.parametrize("template", ["2021", "2019"])
def test_generated_word_and_html_reports_read_back_exactly(documents, tmp_path, suffix, template):
    report = documents[(suffix, template)]
    assert main(["run", str(report.pdf), "-o", str(tmp_path)]) == 0
    score, data = _score(tmp_path, report.truth, report.pdf.stem)
    assert score.accuracy == 1.0, score.errors[:10]
    assert data["template"] == template and title(data) == title(report.truth)


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is installed by `make test`")
@pytest.mark.parametrize("target", ["doc", "odt"])
def test_libreoffice_formats_are_converted_and_read(documents, tmp_path, target):
    report = documents[(".docx", "2021")]
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
                    "--convert-to", target, "--outdir", str(tmp_path), str(report.pdf)],
                   check=True, capture_output=True, timeout=120)
    converted = tmp_path / f"{report.pdf.stem}.{target}"
    wps = converted.rename(tmp_path / "report.wps") if target == "doc" else converted  # .wps: same bytes
    assert sniff(wps) == "office"
    out = tmp_path / "out"
    assert main(["run", str(wps), "-o", str(out)]) == 0
    score, _ = _score(out, report.truth, wps.stem)
    assert score.accuracy == 1.0, score.errors[:10]


def test_format_is_chosen_by_content_not_name(documents, tmp_path):
    html_as_doc = tmp_path / "report.doc"
    html_as_doc.write_bytes(documents[(".html", "2019")].pdf.read_bytes())
    assert sniff(html_as_doc) == "html"
    assert main(["run", str(html_as_doc), "-o", str(tmp_path / "out")]) == 0
    score, _ = _score(tmp_path / "out", documents[(".html", "2019")].truth, "report")
    assert score.accuracy == 1.0


def test_docx_merges_become_spans(documents):
    (t2, *_), t3, t4 = (lambda d: (d.tables[:-2], d.tables[-2], d.tables[-1]))(read_docx(documents[(".docx", "2021")].pdf))
    spans = {(c.row, c.col, c.row_span, c.col_span) for c in t4.cells}
    assert (0, 0, 1, 5) in spans and (0, 5, 1, 10) in spans and (1, 0, 2, 1) in spans
    results = next(c for c in t3.cells if c.text == "三、本年度办理结果")
    assert results.col == 0 and results.row_span == 22  # rows (一) … (七) of the 2021 format


def test_html_rowspan_colspan_and_layout_tables(tmp_path):
    page = tmp_path / "p.html"
    page.write_text("<html><body><table><tr><td>导航<table border=1>"
                    "<tr><td rowspan=2>A</td><td colspan=2>B</td></tr><tr><td>C</td><td>D</td></tr>"
                    "</table></td></tr></table></body></html>", encoding="utf-8")
    (table,) = read_html(page).tables  # the outer layout table is not a data table
    assert sorted((c.text, c.row, c.col, c.row_span, c.col_span) for c in table.cells) == [
        ("A", 0, 0, 2, 1), ("B", 0, 1, 1, 2), ("C", 1, 1, 1, 1), ("D", 1, 2, 1, 1)]


def test_text_styles_cells_per_line_and_separated_rows(tmp_path):
    path = tmp_path / "r.txt"
    path.write_text("某乡2021年政府信息公开工作年度报告\n\n\t信息内容\n\t商业\n企业\n\t\n\n\t规章\n\t3\n\n正文\n"
                    "行政许可\t5\t\n行政处罚 | 1 |\n", encoding="utf-8")
    doc = read_text(path)
    assert doc.title_lines[0] == "某乡2021年政府信息公开工作年度报告"
    first, second = doc.tables
    assert [[c.text for c in first.cells if c.row == r] for r in range(first.n_rows)] == [
        ["信息内容", "商业企业", ""], ["规章", "3"]]
    assert [[c.text for c in second.cells if c.row == r] for r in range(second.n_rows)] == [
        ["行政许可", "5"], ["行政处罚", "1"]]
    assert first.geometry == second.geometry == "rows"


def _bad_documents(root: Path) -> dict[str, tuple[Path, str]]:
    broken = root / "broken.docx"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document><unclosed>")
    no_tables = root / "news.html"
    no_tables.write_text("<html><body><h1>新闻</h1><p>今天天气很好。</p></body></html>", encoding="utf-8")
    binary = root / "report.html"
    binary.write_bytes(bytes(range(256)) * 8)
    return {"malformed docx": (broken, "malformed .docx"),
            "html without report tables": (no_tables, "no report statistics table found"),
            "binary named .html": (binary, "not an HTML page")}


@pytest.mark.parametrize("case", ["malformed docx", "html without report tables", "binary named .html"])
def test_bad_documents_give_a_clear_error(tmp_path, capsys, case):
    path, reason = _bad_documents(tmp_path)[case]
    assert main(["run", str(path), "-o", str(tmp_path / "out")]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error:")]
    assert len(err) == 1 and str(path) in err[0] and reason in err[0]
    assert not (tmp_path / "out" / f"{path.stem}.json").exists()


def test_a_mixed_batch_goes_on_past_bad_documents(tmp_path, documents):
    bad = [p for p, _ in _bad_documents(tmp_path).values()]
    good = documents[(".docx", "2019")].pdf
    out = tmp_path / "out"
    assert main(["run", *map(str, bad), str(good), "-o", str(out)]) == 1
    assert_valid_output(json.loads((out / f"{good.stem}.json").read_text(encoding="utf-8")))
    assert len((out / "errors.jsonl").read_text(encoding="utf-8").splitlines()) == 3


def test_read_errors_are_input_errors(tmp_path):
    path = tmp_path / "x.docx"
    path.write_bytes(b"PK\x03\x04word/ not really a zip")
    with pytest.raises(InputError, match="malformed .docx"):
        read_docx(path)


def test_an_oddly_laid_out_born_digital_row_is_flagged_not_trusted(tmp_path):
    seed = (SEEDS / "003_752a671dabfd990e.txt").read_text(encoding="utf-8")
    row = "一、本年新收政府信息公开申请数量 | 14 | 0 | 0 | 0 | 0 | 0 | 14 |"
    assert row in seed
    odd = tmp_path / "odd.txt"
    odd.write_text(seed.replace(row, "一、本年新收政府信息公开申请数量 | 14 | 0 | 0 | 0 | 0 | 14 |"), encoding="utf-8")
    assert main(["run", str(odd), "-o", str(tmp_path / "out")]) == 0
    cells = json.loads((tmp_path / "out" / "odd.json").read_text(encoding="utf-8"))["cells"]
    new = {k: c for k, c in cells.items() if k.startswith("t3/new/")}
    assert all(c["needs_review"] for c in new.values())
    assert not any(c["needs_review"] for k, c in cells.items() if k.startswith("t3/carried_in/"))


def test_python_api_gives_the_same_records_and_goes_past_bad_files(tmp_path):
    from pipeline import digitise

    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    records = list(digitise([SEEDS / "004_4d0d487dab0ad5cb.txt", bad, tmp_path / "nowhere.pdf"]))
    assert [r.get("error") for r in records] == ["no such file or directory", None, "empty file"]
    good = records[1]
    assert_valid_output(good)
    assert good["cells"]["t2/art20_9.gov_procurement/amount"]["value"] == 646902.82
