"""The local executor: digitise a batch's jobs on worker processes of this machine (or in this
process), at most two files per worker in flight, a file that kills its worker retried alone."""
from __future__ import annotations

import os
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

from ..config import RunOptions
from ..runner import Pipeline
from .jobs import Job, JobResult, safely, write_outcome

_worker: tuple[Pipeline, Path] | None = None


def _start_worker(options: RunOptions, out_dir: Path):
    import cv2

    global _worker
    cv2.setNumThreads(options.threads or 0)
    _worker = (Pipeline(options), out_dir)


def _digitise(job: Job) -> JobResult:
    pipeline, out_dir = _worker  # type: ignore[misc]
    return safely(job, lambda: write_outcome(out_dir, job, pipeline.process(job.path), pipeline.options))


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
    retry_alone(_run_pool(sorted(jobs, key=_size, reverse=True), out_dir, options, workers, on_result),
                out_dir, options, on_result)


def _size(job: Job) -> int:
    """A file's bytes (a folder of page images, or a file gone: 0). The biggest go first, so a batch
    does not end on one worker reading a long scan while the others wait."""
    return job.path.stat().st_size if job.path.is_file() else 0


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
