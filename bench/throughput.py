"""Batch throughput, measured as users run it: `reportocr run --workers 1` and `--workers 2` on N
generated reports (scanned and born-digital) in fresh processes, read back from the run's
OUT/manifest.jsonl (and the scans with --text on 2 workers): pages/s and reports/s (wall clock, start-up included), the per-stage
breakdown and each worker's peak memory. Then, on a sample of the same scanned pages, the time
full-page RapidOCR alone (detection + classification + recognition: the baseline a user would
otherwise reach for) takes beside this pipeline's own time on those pages."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import cv2

from pipeline.config import RunOptions
from pipeline.generate import generate_batch
from pipeline.read.ingest import iter_pages
from pipeline.runner import Pipeline


def run_batch(folder: Path, out_dir: Path, workers: int, *options: str) -> dict:
    subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(folder), "-o", str(out_dir),
                    "--workers", str(workers), *options], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return json.loads((out_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def show_batch(kind: str, workers: int, run: dict):
    stages = run["stage_seconds"]
    total = sum(stages.values()) or 1.0
    files = run["files"]
    print(f"{kind:13s} {workers} worker{'s' if workers > 1 else ' '}  {files['digitised']} reports, {run['pages']} pages "
          f"in {run['seconds']:.1f}s: {run['pages_per_s']:.2f} pages/s, {run['reports_per_s']:.2f} reports/s, "
          f"{files['failed']} errors; peak memory per worker "
          f"{', '.join(f'{v:.0f}' for v in run['peak_rss_mb_per_worker'])} MB")
    print("         stages   " + "  ".join(f"{k} {v / total:.0%}" for k, v in stages.items()))


def baseline(files: list[Path], sample_pages: int, dpi: int) -> None:
    """Full-page RapidOCR against this pipeline, in this one process, on the same pages."""
    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Global.log_level": "error"})
    pipeline = Pipeline()
    pipeline.process(files[0])  # load the recogniser before timing
    rapid_s, ours_s, pages = 0.0, 0.0, 0
    for path in files:
        if pages >= sample_pages:
            break
        outcome = pipeline.process(path)
        ours_s += outcome.seconds
        for page in iter_pages(path, dpi):
            t = time.perf_counter()
            engine(cv2.cvtColor(page.image, cv2.COLOR_GRAY2BGR))
            rapid_s += time.perf_counter() - t
        pages += outcome.pages
    print(f"baseline  on the same {pages} scanned pages, one process: full-page RapidOCR alone "
          f"{pages / rapid_s:.2f} pages/s ({rapid_s / pages:.2f} s/page: text boxes, not a table); this pipeline "
          f"end to end {pages / ours_s:.2f} pages/s ({ours_s / pages:.2f} s/page, cells mapped, checked and scored): "
          f"{rapid_s / ours_s:.1f}x as fast")


def throughput(n: int, seed: int, work: Path, sample_pages: int = 12):
    print(f"\n== batch throughput: {2 * n} reports per kind, `reportocr run --workers 1|2`, seed {seed}")
    for kind in ("scan", "digital"):
        files = [r.pdf for r in generate_batch(work / kind, 2 * n, seed, kind=kind)]
        for workers in (1, 2):
            show_batch(kind, workers, run_batch(work / kind, work / f"out-{kind}-{workers}", workers))
        if kind == "scan":  # and reading their running text too
            show_batch("scan --text", 2, run_batch(work / kind, work / "out-scan-text", 2, "--text"))
            baseline(files, sample_pages, RunOptions().dpi)
