"""reportocr: digitise annual reports (run), review flagged cells (review), make synthetic ones
(generate), score them (evaluate)."""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table as RichTable

from . import export
from .config import RunOptions
from .batch_export import write_batch_exports
from .review_report import write_report_images
from .runner import Pipeline, expand_inputs, file_sha256



def _error(path: Path, reason: str):
    """One line per bad file on stderr, never wrapped, so scripts can grep it."""
    print(f"error: {path}: {reason}", file=sys.stderr, flush=True)


def _stem(path: Path, used: set[str]) -> str:
    stem = path.stem
    if stem in used:
        stem = f"{stem}-{file_sha256(path)[:8]}"
    used.add(stem)
    return stem


def cmd_run(args) -> int:
    out_dir = Path(args.output)
    files, missing = expand_inputs(args.inputs)
    failures = 0
    rows = []
    for path, reason in missing:
        _error(path, reason)
        export.append_error(out_dir, {"file": str(path), "error": reason, "time": time.time()})
        rows.append((path.name, "error", "", "", reason))
        failures += 1
    options = RunOptions(dpi=args.dpi, device=args.device)
    if args.threshold is not None:
        options.review_threshold = args.threshold
    pipeline = Pipeline(options) if files else None
    used: set[str] = set()
    for path in files:
        stem = _stem(path, used)
        target = out_dir / f"{stem}.json"
        try:
            sha = file_sha256(path)
        except OSError:
            sha = None
        if sha and target.exists() and not args.force:
            try:
                if json.loads(target.read_text(encoding="utf-8")).get("sha256") == sha:
                    rows.append((path.name, "done before", "", "", ""))
                    continue
            except (OSError, json.JSONDecodeError):
                pass
        outcome = pipeline.process(path)
        if outcome.error:
            failures += 1
            _error(path, outcome.error)
            export.append_error(out_dir, {"file": str(path), "error": outcome.error, "time": time.time()})
            rows.append((path.name, "error", "", "", outcome.error))
            continue
        report = outcome.report
        data = export.report_json(report, sha or "", path, options.dpi)
        export.write_report(out_dir, stem, data)
        write_report_images(out_dir, stem, data, options.review_threshold)
        flagged = sum(c.needs_review for c in report.cells.values())
        rows.append((path.name, report.template, str(outcome.pages), f"{flagged}/{len(report.cells)}",
                     f"{outcome.seconds:.1f}s"))
    if out_dir.exists():
        write_batch_exports(out_dir)
    _summary(rows, out_dir)
    return 1 if failures else 0


def _summary(rows, out_dir: Path, shown: int = 15):
    """One screen: totals, then the failures and the files with most flagged cells first."""
    errors = [r for r in rows if r[1] == "error"]
    done = [r for r in rows if r[1] not in ("error", "done before")]
    skipped = len(rows) - len(errors) - len(done)
    flagged = sum(int(r[3].split("/")[0]) for r in done)
    cells = sum(int(r[3].split("/")[1]) for r in done)
    table = RichTable(title=f"reportocr → {out_dir}")
    for name in ("file", "template", "pages", "flagged", "time / note"):
        table.add_column(name)
    ranked = errors + sorted(done, key=lambda r: -int(r[3].split("/")[0]))
    for row in ranked[:shown]:
        table.add_row(*row)
    if len(ranked) > shown:
        table.add_row(f"… {len(ranked) - shown} more", "", "", "", "")
    console = Console()
    console.print(table)
    console.print(f"{len(done)} digitised, {skipped} done before, {len(errors)} failed; "
                  f"{flagged}/{cells} cells flagged for review")
    console.print(f"results: {out_dir}/*.json, cells.csv, reports.csv, reports.xlsx, review.sqlite; review: "
                  f"open {out_dir}/review.html "
                  f"or run `reportocr review {out_dir}`", highlight=False)


def cmd_generate(args) -> int:
    from .generate import generate_batch

    templates = ("2021", "2019") if args.template == "both" else (args.template,)
    reports = generate_batch(Path(args.output), args.n, args.seed, templates=templates, kind=args.kind)
    for r in reports:
        print(r.pdf)
    return 0


def cmd_evaluate(args) -> int:
    from .evaluate import Score

    score = Score()
    for truth_path in sorted(Path(args.truth).glob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        out = Path(args.output) / (truth_path.name.replace(".truth.json", ".json"))
        score.add(json.loads(out.read_text(encoding="utf-8")) if out.exists() else None, truth)
    print(f"reports {score.reports}  cells {score.cells}  right {score.accuracy:.4%}  "
          f"template right {score.template_right}/{score.reports}  title right {score.title_right}/{score.reports}  "
          f"flag recall {score.flag_recall:.2%}  flagged {score.flagged}")
    for line in score.errors[: args.show]:
        print("  " + line)
    return 0


def cmd_review(args) -> int:
    from .review_app import serve

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
    run.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    run.add_argument("--force", action="store_true", help="redo files already done")
    run.set_defaults(func=cmd_run)
    gen = sub.add_parser("generate", help="write synthetic reports with ground truth")
    gen.add_argument("output")
    gen.add_argument("-n", type=int, default=4)
    gen.add_argument("--seed", type=int, default=0)
    gen.add_argument("--template", choices=["2021", "2019", "both"], default="both")
    gen.add_argument("--kind", choices=["digital", "scan", "docx", "html"], default="digital",
                     help="born-digital PDF, degraded image-only scan, Word .docx or HTML page")
    gen.set_defaults(func=cmd_generate)
    rv = sub.add_parser("review", help="review flagged cells of a finished batch in the browser")
    rv.add_argument("output", help="the output folder of a run")
    rv.add_argument("--host", default="127.0.0.1")
    rv.add_argument("--port", type=int, default=8765)
    rv.add_argument("--db", default=None, help="database URL (default: sqlite:///OUT/review.sqlite)")
    rv.add_argument("--reviewer", default=os.environ.get("USER", ""), help="name recorded with each correction")
    rv.set_defaults(func=cmd_review)
    ev = sub.add_parser("evaluate", help="score an output folder against *.truth.json files")
    ev.add_argument("output")
    ev.add_argument("truth")
    ev.add_argument("--show", type=int, default=20, help="wrong cells to list")
    ev.set_defaults(func=cmd_evaluate)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
