"""Reports on 2008-2018 (format pre-2019): generated ones (pipeline/generate/indicators.py: the
short and the national forms, one or two value columns, 代码 and 计量单位 columns or not, other
orders, tables stopping part way) as born-digital PDFs, Word, HTML and scans of several families,
by both generator routes; then the real tables of tests/data/pre2019 as published (HTML) and
printed by Chromium and scanned at 200 dpi. Per kind: printed indicators right, flag recall,
burden, and of the indicators not printed, those given a value (invented) and those held as not
found (doubted: a row whose label was unsure may have been one of them).

    python bench/pre2019.py [-n 4] [--seed S] [--kinds digital,html,docx,scan,hard,bw300,pictures96]
                             [--routes draw,word] [--no-real]
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
from collections import Counter
from pathlib import Path

from run import FAMILIES  # bench/, beside this script

from pipeline.evaluate import Score
from pipeline.generate import generate_batch
from pipeline.generate.content import GeneratedReport
from pipeline.generate.documents import print_to_pdf
from pipeline.generate.scan import ScanOptions, to_scan
from pipeline.runner import Pipeline

REAL = Path(__file__).resolve().parent.parent / "tests" / "data" / "pre2019"
SCANS = {"scan": ScanOptions, "hard": ScanOptions.hard, **FAMILIES}


def score_one(pipeline: Pipeline, path: Path, truth: dict, score: Score, beyond: Counter):
    """Scores one file into `score`, and into `beyond` the indicators it does not print that
    were given a value (invented: flagged or not) or held as not found (doubted: flagged)."""
    outcome = pipeline.process(path)
    output = outcome.report.to_json() if outcome.report else None
    if outcome.error:
        print(f"  {path.name}: {outcome.error}")
    score.add(output, truth)
    for cid, cell in (output or {}).get("cells", {}).items():
        if cell.get("printed", True) and cid not in truth["cells"]:
            beyond["invented" if cell["value"] is not None else "doubted"] += 1
            beyond["invented unflagged"] += cell["value"] is not None and not cell["needs_review"]


def line(name: str, score: Score, beyond: Counter):
    unflagged = score.cells - score.right - score.wrong_flagged
    print(f"{name:28} {score.accuracy:8.2%} of {score.cells} printed cells right, flag recall {score.flag_recall:7.2%} "
          f"({unflagged} wrong unflagged), {score.flagged / max(1, score.cells):5.1%} flagged; not printed: "
          f"{beyond['invented']} given a value ({beyond['invented unflagged']} unflagged), {beyond['doubted']} held as not found")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=4, help="reports per kind and route")
    parser.add_argument("--seed", type=int, default=None, help="default: a new one each run")
    parser.add_argument("--kinds", default="digital,html,docx,scan,hard,bw300,pictures96")
    parser.add_argument("--routes", default="draw,word")
    parser.add_argument("--real", action=argparse.BooleanOptionalAction, default=True,
                        help="the real tables too, as published and scanned")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    print(f"pre-2019 reports: {args.n} per kind and route, seed {seed}")
    pipeline = Pipeline()
    with tempfile.TemporaryDirectory() as tmp:
        for route in filter(None, args.routes.split(",")):
            for kind in filter(None, args.kinds.split(",")):
                folder = Path(tmp) / route / kind
                if kind in SCANS:
                    reports = generate_batch(folder, args.n, seed, templates=("pre-2019",), kind="scan", route=route,
                                             scan_options=SCANS[kind]())
                else:
                    reports = generate_batch(folder, args.n, seed, templates=("pre-2019",), kind=kind, route=route)
                score, beyond = Score(), Counter()
                for report in reports:
                    score_one(pipeline, report.pdf, report.truth, score, beyond)
                line(f"{route} {kind}", score, beyond)
                for error in score.errors[:3]:
                    print("    wrong:", error)
        real, scanned, beyond_real, beyond_scan = Score(), Score(), Counter(), Counter()
        for truth_path in sorted(REAL.glob("*.truth.json")) if args.real else []:
            hand = json.loads(truth_path.read_text(encoding="utf-8"))
            if not hand["table"] or "value_columns" not in hand["table"]:
                continue
            cells = {f"s/{row['indicator']}/{column}": float(text) if text.strip() else None
                     for row in hand["table"]["rows"] for column, text in zip(hand["table"]["value_columns"], row["values"])}
            truth = {"source": hand["source"], "template": "pre-2019", "cells": cells, "statements": [],
                     "report": {"agency": hand["agency"], "year": hand["year"]}}
            score_one(pipeline, REAL / hand["source"], truth, real, beyond_real)
            pdf = print_to_pdf(REAL / hand["source"], Path(tmp) / f"{truth_path.stem}.pdf")
            scan = to_scan(GeneratedReport(pdf, {"source": pdf.name}), random.Random(seed))
            score_one(pipeline, scan.pdf, truth, scanned, beyond_scan)
        if args.real:
            line("real, as published", real, beyond_real)
            line("real, printed and scanned", scanned, beyond_scan)
            for error in (real.errors + scanned.errors)[:5]:
                print("    wrong:", error)


if __name__ == "__main__":
    main()
