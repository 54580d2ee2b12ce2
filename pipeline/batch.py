"""The batch job around the pipeline: plan what is left to do (resume by content hash), digitise
on worker processes, write each report atomically, and record the run in OUT/manifest.jsonl.

A report's JSON is written last, after its review images: it is the mark that a file is done,
so a batch killed at any moment redoes only the files that have no JSON yet."""
from __future__ import annotations

import json
import os
import platform
import resource
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Callable, Iterable

from . import __version__, export
from .config import RunOptions
from .review_report import write_report_images
from .runner import Outcome, Pipeline, file_sha256
from .templates import CONFIG_DIR

MODELS_MANIFEST = CONFIG_DIR.parent / "models" / "manifest.json"


@dataclass
class Job:
    path: Path
    stem: str  # the output's name: OUT/<stem>.json
    sha256: str


@dataclass
class JobResult:
    """What the batch keeps of one file: enough for the progress line, errors.jsonl and the manifest."""
    source: str
    stem: str
    error: str | None = None
    stage: str | None = None
    page: int | None = None
    template: str | None = None
    pages: int = 0
    cells: int = 0
    flagged: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    worker: int = 0  # process id
    peak_rss_mb: float = 0.0  # of the process that did the work, so far


@dataclass
class Plan:
    jobs: list[Job]
    done_before: list[Path]  # content already digitised into OUT (under any name)
    unreadable: list[tuple[Path, str]]


def plan(files: Iterable[Path], out_dir: Path, force: bool = False) -> Plan:
    """Which files still need doing. A file whose content hash matches a report in OUT is done
    (renamed or not); a changed file is redone into its old name; two different files with one
    name get the second a hash suffix, so nothing overwrites another file's report."""
    done: dict[str, str] = {}  # sha256 → stem
    owner: dict[str, str] = {}  # stem → source path of the report written there
    for stem, data in export.load_reports(out_dir):
        done[data.get("sha256", "")] = stem
        owner[stem] = data.get("source_path", "")
    for stale in out_dir.glob(".*.tmp"):  # half-written files of a run that was killed
        stale.unlink(missing_ok=True)
    result = Plan([], [], [])
    used: set[str] = set()
    for path in files:
        try:
            sha = file_sha256(path)
        except OSError as e:
            result.unreadable.append((path, f"cannot read: {e.strerror or e}"))
            continue
        if sha in done and not force:
            result.done_before.append(path)
            continue
        stem = path.stem
        if stem in used or owner.get(stem, str(path.resolve())) != str(path.resolve()):
            stem = f"{stem}-{sha[:8]}"
        used.add(stem)
        result.jobs.append(Job(path, stem, sha))
    return result


def peak_memory_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: a spawned worker's
    ru_maxrss starts at its parent's, since Linux keeps it across exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_outcome(out_dir: Path, job: Job, outcome: Outcome, options: RunOptions) -> JobResult:
    """The report's review images, then its JSON (atomically); the summary for the batch."""
    result = JobResult(str(job.path), job.stem, outcome.error, outcome.stage, outcome.page, pages=outcome.pages,
                       seconds=outcome.seconds, stages=dict(outcome.timings.stages), worker=os.getpid(),
                       peak_rss_mb=peak_memory_mb())
    if outcome.report is None:
        return result
    data = export.report_json(outcome.report, job.sha256, job.path, options.dpi)
    write_report_images(out_dir, job.stem, data, options.review_threshold)
    export.write_report(out_dir, job.stem, data)
    result.template = outcome.report.template
    result.cells = len(outcome.report.cells)
    result.flagged = sum(c.needs_review for c in outcome.report.cells.values())
    return result


# --- worker processes ---------------------------------------------------------------------

_worker: tuple[Pipeline, Path] | None = None


def _start_worker(options: RunOptions, out_dir: Path):
    import cv2

    global _worker
    cv2.setNumThreads(options.threads or 0)
    _worker = (Pipeline(options), out_dir)


def _digitise(job: Job) -> JobResult:
    pipeline, out_dir = _worker  # type: ignore[misc]
    return write_outcome(out_dir, job, pipeline.process(job.path), pipeline.options)


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_local(jobs: list[Job], out_dir: Path, options: RunOptions, workers: int,
              on_result: Callable[[JobResult], None]):
    """Digitise `jobs` on `workers` processes (in this one when 1), each with a share of the
    cores for its recogniser; at most two files per worker are in flight, so memory stays
    bounded however long the list. A file that kills its worker (a crash in a native library,
    the OOM killer) is retried alone, and recorded as an error if it kills that one too."""
    if not jobs:
        return
    workers = max(1, min(workers, len(jobs)))
    if options.threads is None:
        options.threads = max(1, default_workers() // workers)
    if workers == 1:
        _start_worker(options, out_dir)
        for job in jobs:
            on_result(_digitise(job))
        return
    retry_alone(_run_pool(jobs, out_dir, options, workers, on_result), out_dir, options, on_result)


def retry_alone(orphans: list[Job], out_dir: Path, options: RunOptions, on_result: Callable[[JobResult], None]):
    """The files that were in flight when a worker died, each in a worker of its own: the one
    that kills that too is recorded as an error."""
    for job in orphans:
        if _run_pool([job], out_dir, options, 1, on_result):
            on_result(JobResult(str(job.path), job.stem, "the worker process died reading this file "
                                                         "(out of memory, or a crash in a native library)"))


def _run_pool(jobs: list[Job], out_dir: Path, options: RunOptions, workers: int,
              on_result: Callable[[JobResult], None]) -> list[Job]:
    """The jobs lost with a dead worker are returned, unfinished."""
    pending = list(reversed(jobs))
    in_flight = {}
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start_worker,
                             initargs=(options, out_dir)) as pool:
        try:
            while pending or in_flight:
                while pending and len(in_flight) < 2 * workers:
                    job = pending.pop()
                    in_flight[pool.submit(_digitise, job)] = job
                finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    in_flight.pop(future)
                    on_result(future.result())
        except BrokenProcessPool:
            return list(in_flight.values()) + list(reversed(pending))
    return []


# --- the run's record ---------------------------------------------------------------------

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
