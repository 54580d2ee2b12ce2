"""Batch throughput, measured as users run it: `reportocr run --workers 1` and `--workers 2` on N
generated reports (scanned and born-digital) in fresh processes, read back from the run's
OUT/manifest.jsonl (and the scans with --text on 2 workers): pages/s and reports/s (wall clock, start-up included), the per-stage
breakdown and each worker's peak memory. Then, on a sample of the same scanned pages, full-page
RapidOCR alone (detection + classification + recognition: the baseline a user would otherwise
reach for) on those pages, against this pipeline's batch and its own time in one process."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import cv2
import numpy as np

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


def _rapidocr_pages(images: list[np.ndarray], threads: int = -1) -> float:
    """Seconds full-page RapidOCR takes on `images` (after one untimed page to load it), its
    ONNX Runtime on `threads` (-1: its default, every core)."""
    from rapidocr import RapidOCR

    engine = RapidOCR(params={"Global.log_level": "error", "EngineConfig.onnxruntime.intra_op_num_threads": threads})
    engine(images[0])
    start = time.perf_counter()
    for image in images:
        engine(image)
    return time.perf_counter() - start


def _rapidocr_one_thread(images: list[np.ndarray]) -> float:
    return _rapidocr_pages(images, threads=1)


def baseline(files: list[Path], sample_pages: int, dpi: int, two_workers_pages_per_s: float) -> None:
    """Full-page RapidOCR on a sample of the same scanned pages, run three ways: as a user runs it
    (one process, its default threads: every core), at its best on this machine's cores (one
    single-threaded process per core, the pages shared out), and beside this pipeline in one
    process. The issue's measure (23) is this pipeline's batch with 2 workers over the first."""
    pipeline = Pipeline()
    pipeline.process(files[0])  # load the recogniser before timing
    ours_s, images = 0.0, []
    for path in files:
        if len(images) >= sample_pages:
            break
        ours_s += pipeline.process(path).seconds
        images += [cv2.cvtColor(page.image, cv2.COLOR_GRAY2BGR) for page in iter_pages(path, dpi)]
    pages = len(images)
    rapid_s = _rapidocr_pages(images)
    cores = os.cpu_count() or 1
    with ProcessPoolExecutor(cores, mp_context=get_context("spawn")) as pool:  # side by side: the slowest one's time
        per_core_s = max(pool.map(_rapidocr_one_thread, [images[k::cores] for k in range(cores)]))
    print(f"baseline  full-page RapidOCR (text boxes, not a table) on {pages} of the scanned pages: "
          f"{pages / rapid_s:.2f} pages/s in one process (its default threads), "
          f"{pages / per_core_s:.2f} pages/s in {cores} one-thread processes side by side")
    print(f"          this pipeline with 2 workers (above) {two_workers_pages_per_s:.2f} pages/s: "
          f"{two_workers_pages_per_s * rapid_s / pages:.1f}x RapidOCR in one process (issue 23's measure), "
          f"{two_workers_pages_per_s * per_core_s / pages:.1f}x RapidOCR in {cores} processes")
    print(f"          in one process each: this pipeline {pages / ours_s:.2f} pages/s ({ours_s / pages:.2f} s/page, "
          f"cells mapped, checked and scored): {rapid_s / ours_s:.1f}x RapidOCR")


def throughput(n: int, seed: int, work: Path, sample_pages: int = 12):
    print(f"\n== batch throughput: {2 * n} reports per kind, `reportocr run --workers 1|2`, seed {seed}")
    for kind in ("scan", "digital"):
        files = [r.pdf for r in generate_batch(work / kind, 2 * n, seed, kind=kind)]
        for workers in (1, 2):
            run = run_batch(work / kind, work / f"out-{kind}-{workers}", workers)
            show_batch(kind, workers, run)
        if kind == "scan":  # and reading their running text too
            show_batch("scan --text", 2, run_batch(work / kind, work / "out-scan-text", 2, "--text"))
            baseline(files, sample_pages, RunOptions().dpi, run["pages_per_s"])
