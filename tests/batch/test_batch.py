"""The batch job: resume by content hash, surviving SIGKILL, the run manifest, Parquet, the
device switch, and the same outputs from Ray and from workers feeding one recogniser as from
local workers."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from pipeline.batch.gpu import run_feeding_one_recogniser
from pipeline.batch.jobs import plan
from pipeline.cli import main
from pipeline.config import RunOptions
from pipeline.evaluate import Score
from pipeline.generate import generate_batch

from ..conftest import DATA, assert_valid_output


def _reports(out):
    """Report JSONs of OUT by stem."""
    found = {}
    for path in out.glob("*.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "cells" in data:
            found[path.stem] = data
    return found


def _runs(out):
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def test_a_renamed_file_is_done_and_a_changed_file_is_redone(generated, tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(generated[("digital", "2021")].pdf, src / "a.pdf")
    out = tmp_path / "out"
    assert main(["run", str(src), "-o", str(out), "--workers", "1"]) == 0
    (src / "a.pdf").rename(src / "renamed.pdf")
    result = plan([src / "renamed.pdf"], out)
    assert result.done_before == [src / "renamed.pdf"] and result.jobs == []
    shutil.copy(generated[("digital", "2019")].pdf, src / "renamed.pdf")  # new content under the name
    (job,) = plan([src / "renamed.pdf"], out).jobs
    assert job.stem == "renamed"
    # a different file that happens to share a finished report's name does not overwrite it
    other = tmp_path / "elsewhere"
    other.mkdir()
    shutil.copy(generated[("digital", "2019")].pdf, other / "a.pdf")
    (job,) = plan([other / "a.pdf"], out).jobs
    assert job.stem.startswith("a-") and len(job.stem) == len("a-") + 8


def test_a_batch_killed_mid_run_loses_and_redoes_nothing(tmp_path):
    src = tmp_path / "in"
    reports = generate_batch(src, 4, seed=8800, kind="scan")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "pipeline.cli", "run", str(src), "-o", str(out), "--workers", "2"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 240
    while not _reports(out) and time.time() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the CLI and its workers, mid-batch
    proc.wait()
    before = {stem: (out / f"{stem}.json").stat().st_mtime_ns for stem in _reports(out)}
    assert 1 <= len(before) < len(reports), "the kill should land while reports are still in flight"

    assert main(["run", str(src), "-o", str(out), "--workers", "2"]) == 0
    after = _reports(out)
    assert sorted(after) == sorted(r.pdf.stem for r in reports)  # each report once
    assert not list(out.glob(".*.tmp"))
    for stem, mtime in before.items():  # nothing finished was redone
        assert (out / f"{stem}.json").stat().st_mtime_ns == mtime
    run = _runs(out)[-1]
    assert run["files"] == {"digitised": len(reports) - len(before), "failed": 0, "done_before": len(before)}
    score = Score()
    for report in reports:
        assert_valid_output(after[report.pdf.stem])
        score.add(after[report.pdf.stem], report.truth)
    assert score.right == score.cells, score.errors


def test_the_manifest_and_parquet_describe_the_run(generated, tmp_path):
    out = tmp_path / "out"
    assert main(["run", str(generated[("digital", "2021")].pdf), str(generated[("digital", "2019")].pdf),
                 "-o", str(out), "--workers", "1"]) == 0
    (run,) = _runs(out)
    assert run["files"]["digitised"] == 2 and run["pages"] > 0 and run["pages_per_s"] > 0
    assert {m["file"] for m in run["models"]} >= {"PP-OCRv6_rec_small.onnx"}
    assert all(len(m["sha256"]) == 64 for m in run["models"])
    assert run["settings"]["dpi"] == 200 and run["peak_rss_mb_per_worker"][0] > 0
    assert {"ingest", "layout", "reconstruct"} <= set(run["stage_seconds"])

    table = pq.read_table(out / "reports.parquet")
    assert table.num_rows == 2
    rows = {row["template"]: row for row in table.to_pylist()}
    for template in ("2021", "2019"):
        truth = generated[("digital", template)].truth
        assert rows[template]["t3/new/total"] == truth["cells"]["t3/new/total"]
        assert rows[template]["needs_review"] == []
    label = table.schema.field("t3/new/total").metadata[b"label"].decode()
    assert "本年新收" in label


def test_device_cuda_without_a_gpu_is_a_clear_error(generated, tmp_path, capsys):
    pytest.importorskip("onnxruntime")
    import onnxruntime

    if "CUDAExecutionProvider" in onnxruntime.get_available_providers():
        pytest.skip("this machine has a CUDA provider")
    assert main(["run", str(generated[("digital", "2021")].pdf), "-o", str(tmp_path), "--device", "cuda"]) == 2
    assert "no CUDA provider" in capsys.readouterr().err
    assert main(["run", str(generated[("digital", "2021")].pdf), "-o", str(tmp_path), "--engine", "torch",
                 "--device", "cuda"]) == 2
    assert "PyTorch sees no CUDA GPU" in capsys.readouterr().err
    assert main(["run", str(generated[("digital", "2021")].pdf), "-o", str(tmp_path), "--device", "auto"]) == 0


def test_ray_gives_the_same_outputs_as_local_workers(generated, tmp_path):
    pytest.importorskip("ray")
    src = tmp_path / "in"
    src.mkdir()
    for key in (("scan", "2021"), ("digital", "2019")):
        shutil.copy(generated[key].pdf, src / generated[key].pdf.name)
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert main(["run", str(src), "-o", str(local), "--workers", "2"]) == 0
    assert main(["run", str(src), "-o", str(on_ray), "--workers", "2", "--ray", "auto"]) == 0
    assert _reports(local) == _reports(on_ray) and len(_reports(local)) == 2
    assert (local / "cells.csv").read_bytes() == (on_ray / "cells.csv").read_bytes()
    assert _runs(on_ray)[-1]["executor"]["kind"] == "ray"


def test_workers_feeding_one_recogniser_give_the_same_outputs(generated, tmp_path):
    """The GPU executor (image work in worker processes, recognition in this one), run on the
    CPU here: the same reports as local workers, and a bad file recorded, not fatal."""
    src = tmp_path / "in"
    src.mkdir()
    for key in (("scan", "2021"), ("digital", "2019")):
        shutil.copy(generated[key].pdf, src / generated[key].pdf.name)
    (src / "broken.pdf").write_bytes(b"%PDF-1.4 not really")
    local, fed = tmp_path / "local", tmp_path / "fed"
    assert main(["run", str(src), "-o", str(local), "--workers", "2"]) == 1
    batch_plan = plan(sorted(src.iterdir()), fed)
    results = []
    run_feeding_one_recogniser(batch_plan.jobs, fed, RunOptions(ocr_gpu_batch_size=8), 2, results.append)
    assert sorted(r.error is None for r in results) == [False, True, True]
    assert "broken.pdf" in next(r.source for r in results if r.error)
    assert _reports(local) == _reports(fed) and len(_reports(fed)) == 2


def test_a_folder_of_page_images_reads_as_its_pdf_and_resumes(generated, tmp_path):
    import pypdfium2 as pdfium

    scan = generated[("scan", "2019")]
    archive = tmp_path / "archive"
    folder = archive / "county" / "office 2019"
    folder.mkdir(parents=True)
    pdf = pdfium.PdfDocument(str(scan.pdf))
    for i in range(len(pdf)):  # named so that a plain sort would put page 10 before page 2
        pdf[i].render(scale=200 / 72).to_pil().convert("L").save(folder / f"page{i + 1}.png", dpi=(200, 200))
    pdf.close()
    out = tmp_path / "out"
    assert main(["run", "--per-folder", str(archive), "-o", str(out), "--workers", "1"]) == 0
    assert main(["run", str(scan.pdf), "-o", str(out), "--workers", "1"]) == 0
    reports = _reports(out)
    from_folder, from_pdf = reports["office 2019"], reports[scan.pdf.stem]
    assert_valid_output(from_folder)
    assert from_folder["source"] == "office 2019" and from_folder["pages"] == from_pdf["pages"]
    assert {cid: c["value"] for cid, c in from_folder["cells"].items()} == \
        {cid: c["value"] for cid, c in from_pdf["cells"].items()}
    score = Score()
    score.add(from_folder, scan.truth)
    assert score.accuracy == 1.0
    result = plan([folder], out)  # the folder's pages are its content: done, until a page changes
    assert result.done_before == [folder] and result.jobs == []
    (folder / "page1.png").unlink()
    assert len(plan([folder], out).jobs) == 1


def test_a_panel_of_both_eras_is_one_table(tmp_path):
    """Reports of 2013 and 2018 (pre-2019 indicator tables) and of 2020 (the 2019 grid) in one
    batch: panel.csv holds the quantities every format counts alike (configs/panel.yaml) side by
    side, each from its own format's cells."""
    import csv

    src = tmp_path / "in"
    src.mkdir()
    for path in (DATA / "pre2019" / "pingtan_gaj_2013.html", DATA / "pre2019" / "pingtan_hgj_2018.html",
                 DATA / "corpus" / "pingtan_jjf_2020.html"):
        shutil.copy(path, src / path.name)
    assert main(["run", str(src), "-o", str(tmp_path / "out")]) == 0
    with (tmp_path / "out" / "panel.csv").open(encoding="utf-8-sig") as f:
        rows = {row["source"]: row for row in csv.DictReader(f)}
    assert {name: rows[name]["template"] for name in rows} == {
        "pingtan_gaj_2013.html": "pre-2019", "pingtan_hgj_2018.html": "pre-2019", "pingtan_jjf_2020.html": "2019"}
    assert [rows["pingtan_gaj_2013.html"][q] for q in ("requests_received", "granted", "reviews", "lawsuits")] == \
        ["2", "2", "0", "0"]
    assert rows["pingtan_hgj_2018.html"]["requests_received"] == "13"
    truth = json.loads((DATA / "corpus" / "pingtan_jjf_2020.truth.json").read_text(encoding="utf-8"))["cells"]
    lawsuits = truth["t4/litigation_direct/total"] + truth["t4/litigation_after_review/total"]
    assert float(rows["pingtan_jjf_2020.html"]["requests_received"]) == truth["t3/new/total"]
    assert float(rows["pingtan_jjf_2020.html"]["lawsuits"]) == lawsuits
