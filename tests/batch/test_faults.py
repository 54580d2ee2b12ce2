"""No batch dies of one file: in one batch, a file made to fail at each stage (pipeline.failpoints)
fails alone, with its stage named in errors.jsonl, on every executor; a side product that fails
(review images, year links, rows of the exports) leaves its report written, with a warning."""
from __future__ import annotations

import csv
import json
import shutil

import pytest

from pipeline.batch.gpu import run_feeding_one_recogniser
from pipeline.batch.jobs import plan
from pipeline.cli import main
from pipeline.config import RunOptions
from pipeline.failpoints import VARIABLE
from pipeline.generate import generate_report

from ..conftest import assert_valid_output

# the stages of the runner a file can fail at, and what the batch does with a file after it is read
READING = ["ingest", "layout", "structure", "ocr", "reconstruct", "checks", "confidence", "cross_checks"]
SIDE_PRODUCTS = ["review_images", "years", "exports"]  # the report is still written
FAILS_THE_FILE = READING + ["recognise", "read", "json"]


@pytest.fixture(scope="module")
def batch(generated, tmp_path_factory) -> tuple:
    """Two healthy files and one file per stage, named after the stage it is made to fail at:
    born-digital copies, a scan for recognition, a Word file for the document reader."""
    src = tmp_path_factory.mktemp("faults")
    digital, scan = generated[("digital", "2021")].pdf, generated[("scan", "2019")].pdf
    shutil.copy(digital, src / "healthy.pdf")
    shutil.copy(scan, src / "healthy_scan.pdf")
    for stage in READING + ["json"] + SIDE_PRODUCTS:
        shutil.copy(digital, src / f"{stage}.pdf")
    shutil.copy(scan, src / "recognise.pdf")
    generate_report(src / "read.docx", "2021", seed=7400)
    (src / "read.truth.json").unlink()
    targets = {stage: f"{stage}.{'docx' if stage == 'read' else 'pdf'}" for stage in FAILS_THE_FILE + SIDE_PRODUCTS}
    return src, targets


@pytest.fixture
def failing(batch, monkeypatch):
    _, targets = batch
    monkeypatch.setenv(VARIABLE, ",".join(f"{stage}:{name}" for stage, name in targets.items()))


def _errors(out) -> dict[str, dict]:
    lines = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    return {line["file"].rsplit("/", 1)[-1]: line for line in lines}


def _assert_isolated(out, targets):
    errors = _errors(out)
    for name in ("healthy.pdf", "healthy_scan.pdf"):
        assert_valid_output(json.loads((out / name.replace(".pdf", ".json")).read_text(encoding="utf-8")))
        assert name not in errors
    for stage, name in targets.items():
        stem = name.rsplit(".", 1)[0]
        assert errors[name]["stage"] == stage, (name, errors[name])
        assert "failpoint" in errors[name]["error"]
        report = out / f"{stem}.json"
        if stage in SIDE_PRODUCTS:
            assert errors[name]["failed"] is False
            assert_valid_output(json.loads(report.read_text(encoding="utf-8")))
        else:
            assert errors[name]["failed"] is True and not report.exists(), name
    with (out / "reports.csv").open(encoding="utf-8-sig") as f:
        exported = {row["source"] for row in csv.DictReader(f)}
    assert "healthy.pdf" in exported and "review_images.pdf" in exported and "exports.pdf" not in exported
    warnings = json.loads((out / "review_images.json").read_text(encoding="utf-8"))["warnings"]
    assert any(w.startswith("no review images: ") for w in warnings)


@pytest.mark.parametrize("workers", ["1", "2"])
def test_each_stage_fails_its_file_alone_on_local_workers(batch, failing, tmp_path, workers):
    src, targets = batch
    out = tmp_path / "out"
    assert main(["run", str(src), "-o", str(out), "--workers", workers]) == 1  # some files failed
    _assert_isolated(out, targets)
    run = json.loads((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert run["files"]["failed"] == len(FAILS_THE_FILE) and run["files"]["digitised"] == 2 + len(SIDE_PRODUCTS)


def test_each_stage_fails_its_file_alone_on_ray(batch, failing, tmp_path):
    pytest.importorskip("ray")
    src, targets = batch
    out = tmp_path / "out"
    assert main(["run", str(src), "-o", str(out), "--workers", "2", "--ray", "auto"]) == 1
    _assert_isolated(out, targets)


def test_each_stage_fails_its_file_alone_with_one_recogniser_fed_by_workers(batch, failing, tmp_path):
    """The GPU executor's flow on the CPU: one recogniser reads the lines of several documents
    in one call; the one made to fail there fails alone."""
    src, targets = batch
    out = tmp_path / "out"
    jobs = plan(sorted(p for p in src.iterdir() if p.suffix in (".pdf", ".docx")), out).jobs
    results = []
    run_feeding_one_recogniser(jobs, out, RunOptions(ocr_gpu_batch_size=8), 2, results.append)
    by_name = {r.source.rsplit("/", 1)[-1]: r for r in results}
    assert len(by_name) == len(jobs)
    for name in ("healthy.pdf", "healthy_scan.pdf", "years.pdf", "exports.pdf"):
        assert by_name[name].error is None and (out / name.replace(".pdf", ".json")).exists()
    for stage in FAILS_THE_FILE:
        assert by_name[targets[stage]].stage == stage, by_name[targets[stage]]
    assert [p.stage for p in by_name["review_images.pdf"].problems] == ["review_images"]


def test_side_products_alone_leave_every_report_written(batch, tmp_path, monkeypatch):
    """Exit status 3: every file has its report, but something made of one is missing."""
    src, _ = batch
    monkeypatch.setenv(VARIABLE, "review_images:healthy.pdf,years:healthy_scan.pdf")
    out = tmp_path / "out"
    assert main(["run", str(src / "healthy.pdf"), str(src / "healthy_scan.pdf"), "-o", str(out)]) == 3
    assert {p: e["stage"] for p, e in _errors(out).items()} == {"healthy.pdf": "review_images",
                                                                "healthy_scan.pdf": "years"}
