"""The same batch on Ray Data, for when one machine is not enough:

    files → prepare (CPU tasks: rasterise, layout, structure, line crops)
          → recognise + finish + write (a pool of actors that keep the recogniser loaded,
            on GPUs where the cluster has them; each call reads the lines of several documents)

Each stage is the Pipeline's own step and the writer is the local batch's, so the outputs are
the same files a local run writes (tests/test_batch.py compares them). Documents travel between
stages pickled, as bytes: they hold numpy crops and nested dataclasses."""
from __future__ import annotations

import pickle
from typing import Callable

from ..config import RunOptions
from ..runner import Document, Outcome, Pipeline, StageError
from .jobs import Job, JobResult, safely, write_outcome

_pipeline: Pipeline | None = None  # one per Ray worker process, kept between tasks


def connect(address: str) -> bool:
    """`auto`: the cluster this machine belongs to (RAY_ADDRESS, or a `ray start` here), else a
    Ray started for this run on this machine; anything else is a cluster's address. True when
    this call started (or joined) Ray, so the caller should shut it down after the run."""
    import ray

    if ray.is_initialized():
        return False
    quiet = {"log_to_driver": False, "include_dashboard": False, "configure_logging": False}
    if address != "auto":
        ray.init(address=address, **quiet)
        return True
    try:
        ray.init(address="auto", **quiet)
    except ConnectionError:
        ray.init(**quiet)
    return True


def _prepare(row: dict, options: RunOptions) -> dict:
    global _pipeline
    if _pipeline is None:
        _pipeline = Pipeline(options)
    pipeline = _pipeline
    job: Job = pickle.loads(row["job"])
    try:
        payload = pipeline.prepare(job.path)
    except StageError as e:
        payload = e.outcome()
    return {"job": row["job"], "payload": pickle.dumps(payload)}


class _RecogniseAndWrite:
    def __init__(self, options: RunOptions, out_dir):
        self.pipeline = Pipeline(options)
        self.out_dir = out_dir

    def __call__(self, batch: dict) -> dict:
        jobs = [pickle.loads(b) for b in batch["job"]]
        prepared = self.pipeline.recognise_each([pickle.loads(b) for b in batch["payload"]])
        results = [self._finish(job, p) for job, p in zip(jobs, prepared)]
        return {"result": [pickle.dumps(r) for r in results]}

    def _finish(self, job: Job, prepared: Document | Outcome) -> JobResult:
        pipeline = self.pipeline
        return safely(job, lambda: write_outcome(self.out_dir, job, prepared if isinstance(prepared, Outcome)
                                                 else pipeline.finish(prepared), pipeline.options))


def run_on_ray(jobs: list[Job], out_dir, options: RunOptions, address: str, actors: int,
               on_result: Callable[[JobResult], None]):
    import ray
    import ray.data

    started = connect(address)
    try:
        if jobs:
            _run(jobs, out_dir, options, actors, on_result)
    finally:
        if started:
            ray.shutdown()


def _run(jobs: list[Job], out_dir, options: RunOptions, actors: int, on_result: Callable[[JobResult], None]):
    import ray
    import ray.data

    ray.data.DataContext.get_current().enable_progress_bars = False
    # the device is the cluster's to say: "auto" and "cuda" use its GPUs when it has any
    gpus = int(ray.cluster_resources().get("GPU", 0)) if options.device != "cpu" else 0
    if options.device == "cuda" and not gpus:
        raise RuntimeError("--device cuda: the Ray cluster has no GPUs")
    options.device = "cuda" if gpus else "cpu"
    if options.threads is None:
        options.threads = 1
    # A GPU wants the lines of many documents per call; on a CPU a crop costs the same alone or
    # in a batch (recognition batches by width anyway), so one document a call keeps memory low.
    documents_per_call = 8 if gpus else 1
    # Fractions of a CPU, so that on a small machine the prepare tasks still find room beside
    # the actors (a pool that takes every CPU starves the stage that feeds it).
    actor_resources = {"num_gpus": 1} if gpus else {"num_cpus": 0.5}
    dataset = ray.data.from_items([{"job": pickle.dumps(job)} for job in jobs], override_num_blocks=len(jobs))
    dataset = dataset.map(_prepare, fn_kwargs={"options": options}, num_cpus=0.5)
    dataset = dataset.map_batches(_RecogniseAndWrite, fn_constructor_kwargs={"options": options, "out_dir": out_dir},
                                  batch_size=documents_per_call, batch_format="numpy",
                                  concurrency=gpus or max(1, actors), **actor_resources)
    for row in dataset.iter_rows():
        on_result(pickle.loads(row["result"]))
