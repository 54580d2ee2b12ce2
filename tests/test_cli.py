"""End to end: `reportocr run` on generated reports and on bad input."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.evaluate import Score

from .conftest import assert_valid_output, title


def _run(*args) -> int:
    return main(["run", *map(str, args)])


@pytest.fixture(scope="module")
def outputs(generated, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    assert _run(*[r.pdf for r in generated.values()], "-o", out) == 0
    return out


@pytest.mark.parametrize("kind,template", [("digital", "2021"), ("digital", "2019"), ("scan", "2021"), ("scan", "2019")])
def test_every_cell_right_and_the_contract_kept(generated, outputs, kind, template):
    report = generated[(kind, template)]
    data = json.loads((outputs / f"{report.pdf.stem}.json").read_text(encoding="utf-8"))
    assert_valid_output(data)
    assert data["template"] == template
    assert title(data) == title(report.truth)
    score = Score()
    score.add(data, report.truth)
    need = 1.0 if kind == "digital" else 0.99
    assert score.accuracy >= need, score.errors[:10]
    assert score.flag_recall == 1.0, score.errors
    page_ok = [c["page"] for c in data["cells"].values() if c["page"] is not None]
    assert page_ok and all(1 <= p <= data["pages"] for p in page_ok)


def test_cells_csv_has_one_row_per_report_and_cell(outputs):
    lines = (outputs / "cells.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "source,cell_id,value,confidence,needs_review,printed"
    assert len(lines) == 1 + 2 * 200 + 2 * 198


def test_rerun_skips_reports_already_done(generated, outputs, capsys):
    report = generated[("digital", "2021")]
    before = (outputs / f"{report.pdf.stem}.json").stat().st_mtime_ns
    assert _run(report.pdf, "-o", outputs) == 0
    assert (outputs / f"{report.pdf.stem}.json").stat().st_mtime_ns == before
    assert "done before" in capsys.readouterr().out


def _bad_inputs(root: Path, generated) -> dict[str, Path]:
    from reportlab.pdfgen import canvas

    files = {"empty": root / "empty.pdf", "corrupt": root / "corrupt.pdf", "text_as_pdf": root / "notes.pdf"}
    files["empty"].write_bytes(b"")
    files["corrupt"].write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50)
    files["text_as_pdf"].write_text("政府信息公开工作年度报告（文本）", encoding="utf-8")
    c = canvas.Canvas(str(root / "locked.pdf"), encrypt="pw")
    c.drawString(100, 100, "secret")
    c.save()
    files["locked"] = root / "locked.pdf"
    from PIL import Image

    Image.new("L", (800, 1100), 240).save(root / "blank.png")
    files["no_table_png"] = root / "blank.png"
    return files


@pytest.mark.parametrize("case,reason", [
    ("empty", "empty file"), ("corrupt", "corrupt or unreadable PDF"), ("text_as_pdf", "not a PDF or image"),
    ("locked", "password-protected PDF"), ("no_table_png", "no report statistics table found"),
])
def test_bad_input_gives_one_line_error_nonzero_exit_and_nothing_partial(tmp_path, generated, case, reason):
    path = _bad_inputs(tmp_path, generated)[case]
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(path), "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode != 0
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: {path}: {reason}"] or (len(errors) == 1 and str(path) in errors[0]
                                                      and reason in errors[0])
    assert not (out / f"{path.stem}.json").exists()
    assert not list(out.glob(".*.tmp"))
    record = json.loads((out / "errors.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert record["file"] == str(path) and reason in record["error"]


def test_a_batch_goes_on_past_bad_files(tmp_path, generated):
    bad = _bad_inputs(tmp_path, generated)
    good = generated[("digital", "2019")].pdf
    out = tmp_path / "out"
    code = _run(bad["empty"], bad["corrupt"], good, bad["locked"], tmp_path / "missing.pdf", "-o", out)
    assert code == 1
    assert_valid_output(json.loads((out / f"{good.stem}.json").read_text(encoding="utf-8")))
    assert len((out / "errors.jsonl").read_text(encoding="utf-8").splitlines()) == 4


def test_a_folders_readme_is_no_report(tmp_path, generated):
    """A data team's folder of reports often holds a README.md: notes, not a failed report. Named
    on its own it is read like any file."""
    folder = tmp_path / "reports"
    folder.mkdir()
    good = generated[("digital", "2019")].pdf
    (folder / good.name).write_bytes(good.read_bytes())
    (folder / "README.md").write_text("# 2019 reports\n\nFrom the county's site.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert _run(folder, "-o", out) == 0
    assert not (out / "errors.jsonl").exists() or not (out / "errors.jsonl").read_text(encoding="utf-8").strip()
    assert _run(folder / "README.md", "-o", tmp_path / "alone") == 1


def test_evaluate_scores_the_truth_in_subfolders_as_run_reads_them(generated, outputs, tmp_path, capsys):
    """`run` reads a folder's subfolders (scans/pdf, scans/tiff), so `evaluate` finds their truth there too."""
    report = generated[("digital", "2021")]
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / report.pdf.with_suffix(".truth.json").name).write_text(json.dumps(report.truth), encoding="utf-8")
    assert main(["evaluate", str(outputs), str(tmp_path)]) == 0
    assert "reports 1  cells 200  right 100.0000%" in capsys.readouterr().out


def test_an_output_folder_that_cannot_be_made_is_one_error_line_before_any_work(tmp_path, generated, capsys):
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    pdf = str(generated[("digital", "2021")].pdf)
    assert main(["run", pdf, "-o", str(taken)]) == 2
    assert main(["run", pdf, "-o", str(taken / "below")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and all(line.startswith(f"error: output folder {taken}") for line in err)
    assert "exists and is not a folder" in err[0] and "Traceback" not in "".join(err)
    assert taken.read_text() == "not a folder"
