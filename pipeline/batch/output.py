"""Export: the per-report JSON (written atomically), cells.csv, errors.jsonl and the summary."""
from __future__ import annotations

import json
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from ..files import write_atomic
from ..types import Report


def report_json(report: Report, sha256: str, source_path: Path, dpi: int) -> dict:
    data = report.to_json()
    data["sha256"] = sha256  # of the input file: a re-run skips a file already done
    data["source_path"] = str(source_path.resolve())  # for the reviewer's image crops
    data["dpi"] = dpi  # bboxes are in pixels of the pages rasterised at this resolution
    return data


_PART = re.compile(r"\.p\d+-\d+$")


def part_stem(stem: str, data: dict) -> str:
    """A report's output name: its file's, or for one report of a volume <file's>.p<first>-<last>."""
    pages = data.get("source_pages")
    return f"{stem}.p{pages[0]}-{pages[1]}" if pages else stem


def file_stem(stem: str) -> str:
    """The file's output name of a report's (a volume's report names its pages after it)."""
    return _PART.sub("", stem)


def remove_other_reports(out_dir: Path, stem: str, keep: set[str]):
    """A file's reports of an earlier run that this run's do not replace (a changed volume cut
    into other page ranges; a file that was one report and is now a volume, or the reverse)."""
    for path in out_dir.glob("*.json"):
        if path.stem not in keep and file_stem(path.stem) == stem:
            path.unlink(missing_ok=True)


def write_report(out_dir: Path, stem: str, data: dict) -> Path:
    path = out_dir / f"{stem}.json"
    write_atomic(path, json.dumps(data, ensure_ascii=False, indent=1))
    return path


def load_reports(out_dir: Path) -> list[tuple[str, dict]]:
    """(stem, data) of every report JSON in OUT."""
    reports = []
    for path in sorted(out_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and "cells" in data:
            reports.append((path.stem, data))
    return reports


@dataclass
class Problem:
    """A line of OUT/errors.jsonl: what went wrong with a file, at which stage (and page).
    `failed`: the file has no report; otherwise only a side product of its report (its review
    images, its rows of the exports, its year links) is missing, and the report was written."""
    file: str
    stage: str
    error: str
    page: int | None = None
    failed: bool = True


def append_error(out_dir: Path, problem: Problem):
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "errors.jsonl").open("a", encoding="utf-8") as f:
        f.write(json.dumps({**asdict(problem), "time": time.time()}, ensure_ascii=False) + "\n")
