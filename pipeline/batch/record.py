"""The run's record: one line per run in OUT/manifest.jsonl with the version, the models and their
checksums, the settings, the executor, file counts, pages/s, seconds per stage and memory."""
from __future__ import annotations

import json
import platform
import time
from dataclasses import asdict
from pathlib import Path

from .. import __version__
from ..config import RunOptions
from ..templates import CONFIG_DIR
from .jobs import JobResult, Plan

MODELS_MANIFEST = CONFIG_DIR.parent / "models" / "manifest.json"


def models_manifest() -> list[dict]:
    return json.loads(MODELS_MANIFEST.read_text(encoding="utf-8"))["models"]


def record_run(out_dir: Path, run: dict):
    """Appends this run to OUT/manifest.jsonl: one line per run of the batch, newest last."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "manifest.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps(run, ensure_ascii=False) + "\n")


def run_record(options: RunOptions, inputs: list[str], started: float, results: list[JobResult],
               batch_plan: Plan, executor: dict) -> dict:
    """Version, models with checksums, settings and timings of one run."""
    finished = time.time()
    done = [r for r in results if r.error is None]
    pages = sum(r.pages for r in done)
    stages: dict[str, float] = {}
    for r in done:
        for stage, seconds in r.stages.items():
            stages[stage] = stages.get(stage, 0.0) + seconds
    peak: dict[int, float] = {}
    for r in results:
        peak[r.worker] = max(peak.get(r.worker, 0.0), r.peak_rss_mb)
    wall = max(1e-9, finished - started)
    return {
        "reportocr": __version__, "python": platform.python_version(), "host": platform.node(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(started)),
        "finished": time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(finished)),
        "inputs": inputs, "settings": asdict(options), "executor": executor, "models": models_manifest(),
        "files": {"digitised": len(done), "failed": len(results) - len(done) + len(batch_plan.unreadable),
                  "done_before": len(batch_plan.done_before)},
        "pages": pages, "cells": sum(r.cells for r in done), "flagged": sum(r.flagged for r in done),
        "seconds": round(wall, 2), "pages_per_s": round(pages / wall, 3), "reports_per_s": round(len(done) / wall, 3),
        "stage_seconds": {k: round(v, 2) for k, v in stages.items()},
        "peak_rss_mb_per_worker": [round(v, 1) for v in sorted(peak.values(), reverse=True)],
    }
