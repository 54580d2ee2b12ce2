"""What a batch has to do and what it keeps of each file: the plan (resume by content hash), and
each file's outcome written to OUT (its review images, then its JSON, atomically).

A report's JSON is written last, after its review images: it is the mark that a file is done,
so a batch killed at any moment redoes only the files that have no JSON yet."""
from __future__ import annotations

import os
import resource
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..config import RunOptions
from ..failpoints import failpoint
from ..runner import Outcome, file_sha256, source_name
from ..types import failure_reason
from . import output
from .output import Problem
from .review_pages import write_report_images


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
    problems: list[Problem] = field(default_factory=list)  # side products that failed; the report was written
    reports: int = 0  # a volume holds several


@dataclass
class Plan:
    jobs: list[Job]
    done_before: list[Path]  # content already digitised into OUT (under any name)
    unreadable: list[tuple[Path, str]]


def plan(files: Iterable[Path], out_dir: Path, force: bool = False) -> Plan:
    """Which files still need doing. A file whose content hash matches a report in OUT is done
    (renamed or not; a volume when all its reports are there); a changed file is redone into its
    old name; two different files with one name get the second a hash suffix, so nothing
    overwrites another file's report."""
    written: dict[str, int] = {}  # sha256 → reports of it in OUT
    wanted: dict[str, int] = {}  # sha256 → reports its file holds
    owner: dict[str, str] = {}  # stem → source path of the report written there
    for stem, data in output.load_reports(out_dir):
        sha = data.get("sha256", "")
        written[sha] = written.get(sha, 0) + 1
        wanted[sha] = max(wanted.get(sha, 1), data.get("source_reports", 1))
        owner[output.file_stem(stem)] = data.get("source_path", "")
    done = {sha for sha, count in written.items() if count >= wanted[sha]}
    # half-written files and review folders of a run that was killed (files.replacing, replacing_folder)
    for stale in [*out_dir.glob(".*.tmp"), *out_dir.glob("review/.*.tmp"), *out_dir.glob("review/.*.old")]:
        if stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)
        else:
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
        stem = source_name(path)
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
    """Each report's review images, then its JSON (atomically); the summary for the batch. Never
    raises: review images that cannot be drawn are a warning in the report, a report that cannot
    be written fails its file, and a volume's report that could not be read is a problem of its
    own while the volume's others are written."""
    result = JobResult(str(job.path), job.stem, outcome.error, outcome.stage, outcome.page, pages=outcome.pages,
                       seconds=outcome.seconds, stages=dict(outcome.timings.stages), worker=os.getpid(),
                       peak_rss_mb=peak_memory_mb())
    if not outcome.reports:
        return result
    result.problems += [Problem(f"{job.path} (pages {f.part.first}-{f.part.last})", f.stage, f.error, f.part.first)
                        for f in outcome.failed_parts]
    written = set()
    for report in outcome.reports:
        try:
            data = output.report_json(report, job.sha256, job.path, options.dpi)
        except Exception as e:
            return failed(result, "json", e)
        stem = output.part_stem(job.stem, data)
        try:
            failpoint("review_images", job.path)
            write_report_images(out_dir, stem, data, options.review_threshold)
        except Exception as e:
            problem = Problem(str(job.path), "review_images", failure_reason(e), failed=False)
            result.problems.append(problem)
            data["warnings"].append(f"no review images: {problem.error}")
        try:
            failpoint("json", job.path)
            output.write_report(out_dir, stem, data)
        except Exception as e:
            return failed(result, "json", e)
        written.add(stem)
        result.cells += len(report.cells)
        result.flagged += sum(c.needs_review for c in report.cells.values())
    output.remove_other_reports(out_dir, job.stem, written)
    result.template = outcome.report.template
    result.reports = len(outcome.reports)
    return result


def safely(job: Job, work: Callable[[], JobResult]) -> JobResult:
    """The last guard around a file's work in every executor: whatever it raises that the stages'
    own isolation missed fails that file alone, never the batch."""
    try:
        return work()
    except Exception as e:
        return failed(JobResult(str(job.path), job.stem, worker=os.getpid()), "batch", e)


def failed(result: JobResult, stage: str, error: Exception) -> JobResult:
    """`result` as a file that failed at `stage`."""
    result.error, result.stage, result.page = failure_reason(error), stage, None
    return result
