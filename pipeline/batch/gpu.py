"""The local batch on a GPU: CPU worker processes feed one recogniser.

    files → prepare (worker processes: rasterise, layout, structure, line crops)
          → recognise (this process, on the GPU: the lines of every document ready, in large batches)
          → finish + write (worker processes: reconstruction, checks, confidence, the report)

A recogniser per worker would put one model and one CUDA context per process on the GPU and feed
it one document's lines at a time; here one model reads the lines of many documents per call.
The steps are the Pipeline's own and the writer is the local batch's, so the outputs are the
files a CPU run writes (tests/test_batch.py compares them)."""
from __future__ import annotations

from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from pathlib import Path
from typing import Callable

from ..config import RunOptions
from ..runner import Document, Outcome, Pipeline, StageError
from .jobs import Job, JobResult, safely, write_outcome
from .local import retry_alone

_worker: tuple[Pipeline, Path] | None = None  # per worker process; its recogniser never loads


def _start(options: RunOptions, out_dir: Path):
    import cv2

    global _worker
    cv2.setNumThreads(1)
    _worker = (Pipeline(options), out_dir)


def _prepare(job: Job) -> Document | Outcome:
    try:
        return _worker[0].prepare(job.path)  # type: ignore[index]
    except StageError as e:
        return e.outcome()


def _finish(job: Job, prepared: Document | Outcome) -> JobResult:
    pipeline, out_dir = _worker  # type: ignore[misc]
    return safely(job, lambda: write_outcome(out_dir, job, prepared if isinstance(prepared, Outcome)
                                             else pipeline.finish(prepared), pipeline.options))


def run_feeding_one_recogniser(jobs: list[Job], out_dir: Path, options: RunOptions, workers: int,
                               on_result: Callable[[JobResult], None]):
    """Digitise `jobs` with `workers` processes for the image work and this process's
    recogniser (on `options.device`). Documents wait for recognition until their lines fill
    `options.ocr_gpu_batch_size` four times over, or until nothing else is being prepared. The
    files in flight when a worker dies are retried as the CPU batch does."""
    recogniser = Pipeline(options)
    pending = list(reversed(jobs))
    preparing: dict[Future, Job] = {}
    finishing: dict[Future, Job] = {}
    ready: list[tuple[Job, Document | Outcome]] = []
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn"), initializer=_start,
                             initargs=(options, out_dir)) as pool:
        try:
            while pending or preparing or finishing or ready:
                while pending and len(preparing) < 2 * workers:
                    job = pending.pop()
                    preparing[pool.submit(_prepare, job)] = job
                if preparing or finishing:
                    done, _ = wait(set(preparing) | set(finishing), return_when=FIRST_COMPLETED)
                    for future in done:
                        if future in finishing:
                            finishing.pop(future)
                            on_result(future.result())
                        else:
                            ready.append((preparing.pop(future), future.result()))
                lines = sum(len(p.lines) for _, p in ready if isinstance(p, Document))
                if ready and (not preparing or lines >= 4 * options.ocr_gpu_batch_size):
                    read = recogniser.recognise_each([p for _, p in ready])
                    finishing |= {pool.submit(_finish, job, p): job for (job, _), p in zip(ready, read)}
                    ready = []
            return
        except BrokenProcessPool:
            orphans = [*preparing.values(), *(job for job, _ in ready), *finishing.values(), *reversed(pending)]
    retry_alone(orphans, out_dir, options, on_result)
