"""`make bench`: accuracy and speed on freshly generated reports, never seen in development.

Generates N reports per template format of each kind (born-digital PDF, scan, Word .docx,
HTML page) by each generator route (reportlab's drawing, and Word documents laid out and printed
by LibreOffice, see pipeline/generate) with a new random seed (printed, so a run can be
repeated), digitises them, and prints accuracy, template and title accuracy, flag recall, review
burden, speed (per page, and reports/s for the born-digital forms) and the per-stage breakdown;
then the Word route's scans under each degradation alone; the cross-checks of the text against
the tables and of one agency's consecutive years (bench/cross_checks.py); then the batch
throughput with 1 and 2 workers beside full-page RapidOCR (bench/throughput.py), the peak memory of one long scanned
PDF (bench/memory.py), and the review's speed in a batch of 5,000 reports (bench/review_speed.py).
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import defaultdict
from functools import partial
from pathlib import Path

import numpy as np
from cross_checks import cross_checks_bench  # bench/, beside this script
from memory import long_pdf_memory
from review_speed import review_speed
from throughput import throughput

from pipeline.config import RunOptions
from pipeline.evaluate import Score
from pipeline.generate import generate_batch
from pipeline.generate.scan import DEGRADATIONS, ScanOptions
from pipeline.read.engines import PRECISIONS
from pipeline.runner import Pipeline
from pipeline.types import same_value


def generate(kind: str, n: int, seed: int, route: str, folder: Path):
    """2n reports of one kind: a document form, a scan set, or one degradation alone."""
    if kind == "mixed":  # office scans with every fourth report a hard one
        reports = []
        for i in range(4):
            sub = 2 * n // 4 + (i < (2 * n) % 4)
            reports += generate_batch(folder / str(i), sub, seed + i, kind="scan", route=route,
                                      scan_options=ScanOptions.hard() if i == 3 else None)
        return reports
    if kind in FAMILIES:  # half the reports as PDFs, half as multi-page TIFFs
        return [report for k, container in enumerate(("pdf", "tiff"))
                for report in generate_batch(folder / container, n, seed + k, kind="scan", route=route,
                                             scan_options=FAMILIES[kind](container=container))]
    scans = {"scan": ScanOptions(), "field": ScanOptions.field(), "hard": ScanOptions.hard(), **DEGRADATIONS}
    if kind in scans:
        return generate_batch(folder, 2 * n, seed, kind="scan", route=route, scan_options=scans[kind])
    return generate_batch(folder, 2 * n, seed, kind=kind, route=route)


# Image families of their own: an archive scanner's 1-bit pages (200-400 dpi, and at 300 dpi;
# bwlight: thresholded lighter than a scanner's light setting, hairlines and thin strokes broken),
# and pages downloaded as low-resolution pictures (72-110 dpi, and at 96 dpi).
FAMILIES = {
    "bw": ScanOptions.black_and_white,
    "bw300": partial(ScanOptions.black_and_white, 300),
    "bwlight": partial(ScanOptions.black_and_white, 300, threshold=(0.3, 0.4)),
    "pictures": ScanOptions.page_pictures,
    "pictures96": partial(ScanOptions.page_pictures, 96),
}


def bench(kind: str, n: int, seed: int, pipeline: Pipeline, work: Path, route: str = "draw") -> dict:
    folder = work / route / kind
    t = time.perf_counter()
    reports = generate(kind, n, seed, route, folder)
    generated_s = time.perf_counter() - t
    score = Score()
    stages: dict[str, float] = defaultdict(float)
    per_page, per_report, pages_total = [], [], 0
    reliability: list[tuple[float, bool]] = []
    repairs: list[tuple[bool, bool]] = []  # (reading was right, repaired value is right)
    unrepaired_misreads, clean_reports = 0, 0
    for report in reports:
        outcome = pipeline.process(report.pdf)
        data = outcome.report.to_json() if outcome.report else None
        score.add(data, report.truth)
        if outcome.report and outcome.report.template == report.truth["template"]:  # else all wrong, in score
            for cid, cell in outcome.report.cells.items():
                want = report.truth["cells"][cid]
                if cell.recognised and cell.found:
                    reliability.append((cell.confidence, same_value(cell.value, want)))
                if cell.repaired:
                    repairs.append((same_value(cell.ocr_value, want), same_value(cell.value, want)))
                elif cell.checks_failed and not same_value(cell.value, want):
                    unrepaired_misreads += 1
            clean_reports += not any(c.needs_review for c in outcome.report.cells.values())
        if outcome.report:
            per_report.append(outcome.seconds)
            if outcome.pages:
                per_page.append(outcome.seconds / outcome.pages)
            pages_total += outcome.pages
            for stage, s in outcome.timings.stages.items():
                stages[stage] += s
        else:
            score.errors.append(f"{report.pdf.name}: {outcome.error}")
    return {"kind": f"{route} route, {kind}", "score": score, "per_page": per_page, "per_report": per_report,
            "pages": pages_total, "stages": stages, "generated_s": generated_s, "reliability": reliability, "repairs": repairs,
            "unrepaired_misreads": unrepaired_misreads, "clean_reports": clean_reports}


BINS = [0.0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 1.0001]


def show_reliability(pairs: list[tuple[float, bool]]):
    """Confidence bins against observed accuracy, and the expected calibration error."""
    if not pairs:
        return
    conf = np.array([p[0] for p in pairs])
    right = np.array([p[1] for p in pairs], float)
    print("reliability          bin            cells   mean conf   accuracy")
    ece = 0.0
    for lo, hi in zip(BINS[:-1], BINS[1:]):
        sel = (conf >= lo) & (conf < hi)
        if sel.any():
            print(f"                     [{lo:.3f}, {min(hi, 1):.3f}) {sel.sum():7d}   {conf[sel].mean():.4f}      "
                  f"{right[sel].mean():.4f}")
            ece += sel.sum() / len(conf) * abs(conf[sel].mean() - right[sel].mean())
    print(f"expected calibration error {ece:.4f} (recognised cells, {len(conf)})")
    for c in (0.5, 0.8, 0.9, 0.95, 0.99):
        sel = conf >= c
        if sel.any():
            print(f"  conf >= {c:<5} share right {right[sel].mean():.4f} ({sel.sum()} cells)")
    wrong = right == 0
    for t in (0.85, 0.95, 0.99, 0.995):  # what other review thresholds would give
        flagged = conf < t
        recall = (flagged & wrong).sum() / max(1, wrong.sum())
        print(f"  threshold {t:<5} would flag {flagged.mean():.2%} of recognised cells, recall {recall:.2%}")


def show(result: dict):
    s: Score = result["score"]
    wrong = s.cells - s.right
    print(f"\n== {result['kind']}: {s.reports} reports, {result['pages']} pages, {s.cells} cells "
          f"(generated in {result['generated_s']:.0f}s)")
    print(f"cells right          {s.right}/{s.cells} = {s.accuracy:.4%}")
    print(f"template right       {s.template_right}/{s.reports}")
    print(f"agency+year right    {s.title_right}/{s.reports}")
    print(f"flag recall          {s.wrong_flagged}/{wrong} wrong cells flagged = {s.flag_recall:.2%}")
    print(f"review burden        {s.flagged}/{s.cells} cells flagged = {s.flagged / max(1, s.cells):.2%}")
    pp = sorted(result["per_page"])
    if pp:
        print(f"seconds per page     median {statistics.median(pp):.2f}  p90 {pp[int(0.9 * (len(pp) - 1))]:.2f}  "
              f"max {pp[-1]:.2f}  (per report: its time / its pages, end to end incl. rasterising)")
    seconds = sum(result["per_report"])
    if result["pages"]:
        print(f"throughput           {result['pages'] / seconds:.2f} pages/s, {len(result['per_report']) / seconds:.2f} "
              f"reports/s on one worker")
    else:
        print(f"throughput           {len(result['per_report']) / seconds:.1f} reports/s on one worker "
              f"(median {1000 * statistics.median(result['per_report']):.0f} ms a report)")
    total = sum(result["stages"].values())
    unit, count = ("page", result["pages"]) if result["pages"] else ("report", len(result["per_report"]))
    print("per-stage share      " + "  ".join(f"{k} {v / total:.0%} ({v / count:.3f}s/{unit})"
                                          for k, v in result["stages"].items()))
    print(f"reports needing no review {result['clean_reports']}/{s.reports}")
    repairs = result["repairs"]
    if repairs or result["unrepaired_misreads"]:
        fixed = sum(1 for was, now in repairs if not was and now)
        broke = sum(1 for was, now in repairs if was and not now)
        print(f"auto-repair          {len(repairs)} repairs: {fixed} fixed a misreading, {broke} broke a right "
              f"reading; {result['unrepaired_misreads']} wrong cells in failed checks left unrepaired")
    show_reliability(result["reliability"])
    for line in sorted(s.errors, key=lambda e: "UNFLAGGED" not in e)[:15]:  # unflagged first
        print("  wrong: " + line)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20, help="reports per template format and kind")
    parser.add_argument("--seed", type=int, default=None, help="default: a new one each run")
    parser.add_argument("--threshold", type=float, default=None, help="review threshold (default from configs/)")
    parser.add_argument("--precision", default="auto", choices=PRECISIONS, help="the recogniser's weights (pipeline.read.engines)")
    parser.add_argument("--routes", default="draw,word", help="generator routes: draw (reportlab), word (LibreOffice)")
    parser.add_argument("--kinds", default="digital,scan,field,hard,mixed,bw,bw300,bwlight,pictures,pictures96,docx,html",
                        help="born-digital PDF, scan, field scans (skew, seals, worn lines, photos, turned "
                             "pages), hard scan, mixed (1 in 4 hard), black-and-white 1-bit scans (200-400 dpi, "
                             "300, and 300 thresholded too light), low-resolution page pictures (72-110 dpi, and "
                             "96), Word .docx, HTML page; "
                             "'' for none")
    parser.add_argument("--degradations", type=int, default=5, metavar="N",
                        help="Word route scans with each degradation alone, N reports per format (0: skip)")
    parser.add_argument("--long-pdf", type=int, default=300, metavar="PAGES",
                        help="peak memory digitising one scanned PDF of this many pages (0: skip)")
    parser.add_argument("--cross-checks", type=int, default=10, metavar="N",
                        help="text-vs-table and year-over-year checks on N reports per format and kind (0: skip)")
    parser.add_argument("--throughput", type=int, default=25, metavar="N",
                        help="batch throughput on N reports per format with 1 and 2 workers (0: skip)")
    parser.add_argument("--review", type=int, default=5000, metavar="N",
                        help="the review's queue, corrections and exports in a batch of N reports (0: skip)")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10_000, 10**6)
    print(f"bench seed {seed}: {args.n} reports per format (2021 and 2019) for each of: {args.kinds}, by routes "
          f"{args.routes}; review threshold {args.threshold or RunOptions().review_threshold}; precision {args.precision}")
    t = time.perf_counter()
    options = RunOptions(precision=args.precision)
    if args.threshold is not None:
        options.review_threshold = args.threshold
    pipeline = Pipeline(options)
    print(f"models loaded in {time.perf_counter() - t:.1f}s")
    with tempfile.TemporaryDirectory() as tmp:
        for route in filter(None, args.routes.split(",")):
            for kind in filter(None, args.kinds.split(",")):
                show(bench(kind, args.n, seed, pipeline, Path(tmp), route))
        if args.degradations:
            print(f"\n== the Word route's scans, one degradation at a time ({2 * args.degradations} reports each)")
            for kind in DEGRADATIONS:
                result = bench(kind, args.degradations, seed, pipeline, Path(tmp), "word")
                s: Score = result["score"]
                print(f"{kind:14s} cells right {s.accuracy:.2%}  flag recall {s.flag_recall:.1%}  "
                      f"flagged {s.flagged / max(1, s.cells):.1%}  template {s.template_right}/{s.reports}")
        if args.cross_checks:
            cross_checks_bench(args.cross_checks, seed, Path(tmp) / "cross_checks",
                               tuple(filter(None, args.routes.split(","))))
        if args.throughput:
            throughput(args.throughput, seed, Path(tmp) / "throughput")
        if args.long_pdf:
            long_pdf_memory(args.long_pdf, seed, Path(tmp) / "long")
        if args.review:
            review_speed(args.review, seed, Path(tmp) / "review")


if __name__ == "__main__":
    main()
