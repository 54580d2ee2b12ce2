"""reportocr: digitise annual reports (run), review flagged cells (review), compare an agency's
two years (compare), make synthetic ones (generate), score them (evaluate)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table as RichTable

from .batch import output
from .batch.exports import write_batch_exports
from .batch.gpu import run_feeding_one_recogniser
from .batch.jobs import JobResult, plan
from .batch.local import default_workers, run_local
from .batch.output import Problem
from .batch.record import record_run, run_record
from .config import RunOptions
from .read.engines import ENGINES, PRECISIONS, resolve, resolve_precision
from .runner import Pipeline, expand_inputs
from .types import failure_reason


def _error(path: Path, reason: str):
    """One line per bad file on stderr, never wrapped, so scripts can grep it."""
    print(f"error: {path}: {reason}", file=sys.stderr, flush=True)


def _usable_output(out_dir: Path) -> str | None:
    """Why `out_dir` cannot hold the outputs (None when it can), found before any work is done."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        return "exists and is not a folder"
    except OSError as e:
        return f"cannot be made: {e.strerror or e}"
    if not os.access(out_dir, os.W_OK | os.X_OK):
        return "is not writable"
    return None


def cmd_run(args) -> int:
    out_dir = Path(args.output)
    started = time.time()
    reason = _usable_output(out_dir)
    if reason:
        print(f"error: output folder {out_dir} {reason}", file=sys.stderr)
        return 2
    options = RunOptions(dpi=args.dpi, engine=args.engine, device=args.device, precision=args.precision,
                         text=args.text)
    if not args.ray:  # on Ray, the cluster's workers decide (the machine running this may have no GPU)
        try:
            options.engine, options.device = resolve(args.engine, args.device)
            options.precision = resolve_precision(args.precision, options.engine, options.device)
        except RuntimeError as e:
            print(f"error: --engine {args.engine} --device {args.device} --precision {args.precision}: {e}",
                  file=sys.stderr)
            return 2
    if args.threshold is not None:
        options.review_threshold = args.threshold
    files, missing = expand_inputs(args.inputs, per_folder=args.per_folder)
    batch_plan = plan(files, out_dir, args.force)
    results: list[JobResult] = []
    problems: list[Problem] = []  # side products that failed (the reports were written), a volume's reports that did not
    for path, reason in missing + batch_plan.unreadable:
        _record(out_dir, Problem(str(path), "ingest", reason))
    progress = BatchProgress(len(batch_plan.jobs))

    def on_result(result: JobResult):
        results.append(result)
        if result.error:
            _record(out_dir, Problem(result.source, result.stage or "batch", result.error, result.page))
        for problem in result.problems:
            _record(out_dir, problem)
        problems.extend(result.problems)
        progress.advance(result)

    workers = args.workers or default_workers()
    with progress:
        if args.ray:
            from .batch.ray import run_on_ray

            run_on_ray(batch_plan.jobs, out_dir, options, args.ray, workers, on_result)
            executor = {"kind": "ray", "address": args.ray, "actors": workers}
        elif options.device == "cuda" and workers > 1:
            run_feeding_one_recogniser(batch_plan.jobs, out_dir, options, workers, on_result)
            executor = {"kind": "local, one recogniser on the GPU", "workers": workers}
        else:
            run_local(batch_plan.jobs, out_dir, options, workers, on_result)
            executor = {"kind": "local", "workers": max(1, min(workers, len(batch_plan.jobs)))}
    try:
        record_run(out_dir, run_record(options, args.inputs, started, results, batch_plan, executor))
    except Exception as e:
        problems.append(Problem(str(out_dir / "manifest.jsonl"), "manifest", failure_reason(e), failed=False))
        _record(out_dir, problems[-1])
    reports, exported = write_batch_exports(out_dir)  # which records its own problems
    for problem in exported:
        _error(Path(problem.file), f"{problem.stage}: {problem.error}")
    problems += exported
    _summary(results, batch_plan, missing, out_dir, problems)
    _cross_check_summary(reports)
    if missing or batch_plan.unreadable or any(r.error for r in results) or any(p.failed for p in problems):
        return 1  # a file, or a report of a volume, was not digitised
    return 3 if problems else 0


def _record(out_dir: Path, problem: Problem):
    """A problem on stderr, one line, and in OUT/errors.jsonl."""
    _error(Path(problem.file), problem.error if problem.failed else f"{problem.stage}: {problem.error}")
    output.append_error(out_dir, problem)


class BatchProgress:
    """The live line of a batch on stderr: files, pages, pages/s, ETA, errors, flagged cells."""

    def __init__(self, total: int):
        self.pages = self.errors = self.flagged = 0
        self.start = time.perf_counter()
        self.bar = Progress(TextColumn("digitising"), BarColumn(), MofNCompleteColumn(), TextColumn("files"),
                            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                            TextColumn("{task.fields[stats]}"), console=Console(stderr=True))
        self.task = self.bar.add_task("", total=total, stats="")

    def __enter__(self):
        self.bar.start()
        return self

    def __exit__(self, *exc):
        self.bar.stop()

    def advance(self, result: JobResult):
        self.pages += result.pages
        self.errors += result.error is not None
        self.flagged += result.flagged
        rate = self.pages / max(1e-9, time.perf_counter() - self.start)
        stats = f"{self.pages} pages, {rate:.2f} pages/s, {self.errors} errors, {self.flagged} cells flagged"
        self.bar.update(self.task, advance=1, stats=stats)


def _summary(results: list[JobResult], batch_plan, missing, out_dir: Path, problems: list[Problem],
             shown: int = 15):
    """One screen: totals, then the failures and the files with most flagged cells first."""
    failed = [(p.name, "error", "", "", reason) for p, reason in missing + batch_plan.unreadable]
    failed += [(Path(r.source).name, f"error at {r.stage}", "", "", r.error) for r in results if r.error]
    done = sorted((r for r in results if not r.error), key=lambda r: -r.flagged)
    table = RichTable(title=f"reportocr → {out_dir}")
    for name in ("file", "template", "pages", "flagged", "time / note"):
        table.add_column(name)
    failed += [(Path(p.file).name, f"error at {p.stage}", "", "", p.error) for p in problems if p.failed]
    rows = failed + [(Path(r.source).name, r.template if r.reports <= 1 else f"{r.reports} reports ({r.template}…)",
                      str(r.pages), f"{r.flagged}/{r.cells}", f"{r.seconds:.1f}s") for r in done]
    for row in rows[:shown]:
        table.add_row(*row)
    if len(rows) > shown:
        table.add_row(f"… {len(rows) - shown} more", "", "", "", "")
    console = Console()
    console.print(table)
    console.print(f"{len(done)} digitised, {len(batch_plan.done_before)} done before, {len(failed)} failed; "
                  f"{sum(r.flagged for r in done)}/{sum(r.cells for r in done)} cells flagged for review")
    side = [p for p in problems if not p.failed]
    if side:
        stages = ", ".join(sorted({p.stage for p in side}))
        console.print(f"{len(side)} side products failed ({stages}); their reports were written: see "
                      f"{out_dir}/errors.jsonl", highlight=False)
    console.print(f"results: {out_dir}/*.json, cells.csv, reports.csv, reports.xlsx, reports.parquet, panel.csv, review.sqlite, "
                  f"manifest.jsonl; review: open {out_dir}/review.html or run `reportocr review {out_dir}`",
                  highlight=False)


def _cross_check_summary(reports: list[tuple[str, dict]]):
    """One line per kind of cross-check over the output folder: how many failed, and where (a
    year-over-year check is in both its reports' JSON and counted once)."""
    console = Console()
    for kind, name in (("text_vs_table", "text vs table"), ("year_over_year", "year over year")):
        checks = {}
        for _, data in reports:
            for c in data.get("cross_checks", []):
                if c["kind"] == kind:
                    where = tuple(c["reports"].values()) if "reports" in c else (data["source"],)
                    checks[(c["id"], where)] = c
        if not checks:
            continue
        failed = sorted({source for (_, where), c in checks.items() if c["status"] == "fail" for source in where})
        statuses = [c["status"] for c in checks.values()]
        line = f"cross-checks, {name}: {len(checks)} made, {statuses.count('fail')} failed"
        line += f" ({', '.join(failed[:5])}{' …' if len(failed) > 5 else ''})" if failed else ""
        console.print(line + f", {statuses.count('uncertain')} uncertain", highlight=False)


def cmd_compare(args) -> int:
    from .review.compare import compare_reports, write_comparison

    loaded = []
    pipeline = None
    for name in (args.a, args.b):
        path = Path(name)
        if not path.exists():
            _error(path, "no such file")
            return 2
        if path.suffix.lower() == ".json":
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as e:
                _error(path, f"not a report JSON ({e})")
                return 2
            if not isinstance(data, dict) or "cells" not in data:
                _error(path, "not a report JSON (no cells)")
                return 2
        else:
            pipeline = pipeline or Pipeline(RunOptions(text=True))
            outcome = pipeline.process(path)
            if outcome.error:
                _error(path, outcome.error)
                return 2
            data = outcome.report.to_json()
        loaded.append(data)
    out_dir = Path(args.output)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = write_comparison(compare_reports(*loaded), out_dir)
    print(f"{html_path}\n{json_path}")
    return 0


def cmd_generate(args) -> int:
    from .generate import generate_batch, generate_series

    templates = ("2021", "2019") if args.template == "both" else (args.template,)
    if args.series:
        reports = [r for pair in generate_series(Path(args.output), args.n, args.seed, kind=args.kind) for r in pair]
    else:
        reports = generate_batch(Path(args.output), args.n, args.seed, templates=templates, kind=args.kind)
    for r in reports:
        print(r.pdf)
    return 0


def cmd_evaluate(args) -> int:
    from .evaluate import Score

    score = Score()
    for truth_path in sorted(Path(args.truth).rglob("*.truth.json")):  # in subfolders too, as `run` reads them
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        out = Path(args.output) / (truth_path.name.replace(".truth.json", ".json"))
        score.add(json.loads(out.read_text(encoding="utf-8")) if out.exists() else None, truth)
    print(f"reports {score.reports}  cells {score.cells}  right {score.accuracy:.4%}  "
          f"template right {score.template_right}/{score.reports}  title right {score.title_right}/{score.reports}  "
          f"flag recall {score.flag_recall:.2%}  flagged {score.flagged}")
    if score.planted or score.consistent:
        print(score.statements_line())
    for line in score.errors[: args.show]:
        print("  " + line)
    return 0


def cmd_review(args) -> int:
    from .review.app import serve

    out_dir = Path(args.output)
    if not out_dir.is_dir():
        _error(out_dir, "no such output folder")
        return 1
    print(f"reviewing {out_dir} at http://{args.host}:{args.port}/ (Ctrl-C to stop)", file=sys.stderr)
    serve(out_dir, args.host, args.port, args.db, args.reviewer)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="reportocr", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="digitise reports: PDFs, images, folders or globs")
    run.add_argument("inputs", nargs="+")
    run.add_argument("-o", "--output", required=True, help="output folder")
    run.add_argument("--dpi", type=int, default=RunOptions().dpi)
    run.add_argument("--threshold", type=float, default=None, help="review threshold (default from configs/)")
    run.add_argument("--engine", choices=["auto", *ENGINES], default="auto",
                     help="what runs the recogniser (auto: PyTorch when it sees a CUDA GPU, else ONNX Runtime; "
                          "openvino: OpenVINO on the CPU, faster than ONNX Runtime on some CPUs: bench/engines.py)")
    run.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                     help="where recognition runs (auto: a CUDA GPU when the engine has one)")
    run.add_argument("--precision", choices=PRECISIONS, default="auto",
                     help="the recogniser's weights (auto: mixed on ONNX Runtime on the CPU, else f32). mixed: a "
                          "crop's first, small reading on int8 weights, its full one on float, as accurate as f32; "
                          "int8: every reading, about 1.5x as fast as f32, as accurate on 200-dpi scans, a little "
                          "less on low-resolution pictures (README)")
    run.add_argument("--workers", type=int, default=0, help="worker processes (default: one per core)")
    run.add_argument("--ray", metavar="auto|ADDRESS", default=None,
                     help="run on Ray: auto (the cluster here, or a local Ray) or a cluster address")
    run.add_argument("--force", action="store_true", help="redo files already done")
    run.add_argument("--per-folder", action="store_true",
                     help="each folder of page images (PNG, JPEG, TIFF) given, or beneath one given, is one "
                          "report, its pages in natural name order (page2 before page10), named after the folder")
    run.add_argument("--text", action="store_true",
                     help="read the running text of scanned pages too (sections, text-vs-table checks); "
                          "born-digital PDFs and documents always have it")
    run.set_defaults(func=cmd_run)
    cmp = sub.add_parser("compare", help="one agency's two years side by side (an HTML page and a JSON)")
    cmp.add_argument("a", help="a report file or its report JSON")
    cmp.add_argument("b", help="the other year's")
    cmp.add_argument("-o", "--output", default=".", help="folder for compare_<a>_<b>.html and .json")
    cmp.set_defaults(func=cmd_compare)
    gen = sub.add_parser("generate", help="write synthetic reports with ground truth")
    gen.add_argument("output")
    gen.add_argument("-n", type=int, default=4)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--template", choices=["2021", "2019", "both", "pre-2019"], default="both",
                     help="both: 2021 and 2019 alternately; pre-2019: reports on 2008-2018")
    gen.add_argument("--kind", choices=["digital", "scan", "docx", "html"], default="digital",
                     help="born-digital PDF, degraded image-only scan, Word .docx or HTML page")
    gen.add_argument("--series", action="store_true",
                     help="n pairs of one agency's consecutive years (some with a carry-over planted off)")
    gen.set_defaults(func=cmd_generate)
    rv = sub.add_parser("review", help="review flagged cells of a finished batch in the browser")
    rv.add_argument("output", help="the output folder of a run")
    rv.add_argument("--host", default="127.0.0.1")
    rv.add_argument("--port", type=int, default=8765)
    rv.add_argument("--db", default=None, help="database URL (default: sqlite:///OUT/review.sqlite)")
    rv.add_argument("--reviewer", default=os.environ.get("USER", ""), help="name recorded with each correction")
    rv.set_defaults(func=cmd_review)
    ev = sub.add_parser("evaluate", help="score an output folder against the *.truth.json files in a folder and its subfolders")
    ev.add_argument("output")
    ev.add_argument("truth")
    ev.add_argument("--show", type=int, default=20, help="wrong cells to list")
    ev.set_defaults(func=cmd_evaluate)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
