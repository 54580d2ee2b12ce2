"""Reports whose tables are pictures: generated web pages (saved with their `_files` folder, as
.mhtml, zipped) and Word files (.docx, .doc) with each table pasted as an image (72-150 dpi, PNG
or JPEG, cropped tightly or loosely, with or without the table's title; a logo, a seal and a QR
code among them), by both generator routes; then the real web pages of tests/data/corpus with
each table replaced by Chromium's screenshot of it (96-144 dpi), scored against their hand-read
truth. Per form: cells right, flag recall, burden.

    python bench/pictures.py [-n 4] [--seed S] [--forms .html,.mhtml,.zip,.docx,.doc] [--routes draw,word]
                             [--real | --no-real]
"""
from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from pipeline.evaluate import Score
from pipeline.generate.pictures import FORMS, generate_picture_report, screenshot_tables
from pipeline.runner import Pipeline

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=4, help="reports per form and route (half of each format)")
    parser.add_argument("--seed", type=int, default=None, help="default: a new one each run")
    parser.add_argument("--forms", default=",".join(FORMS))
    parser.add_argument("--routes", default="draw,word")
    parser.add_argument("--errors", type=int, default=5, help="wrong cells to list per form")
    parser.add_argument("--real", action=argparse.BooleanOptionalAction, default=True,
                        help="the real web pages with their tables as screenshots")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    print(f"reports with table pictures: {args.n} per form and route, seed {seed}")
    pipeline = Pipeline()
    total = Score()
    with tempfile.TemporaryDirectory() as tmp:
        for route in args.routes.split(","):
            for f, form in enumerate(args.forms.split(",")):
                score, seconds = Score(), 0.0
                for i in range(args.n):
                    template = ("2021", "2019")[i % 2]
                    path = Path(tmp) / route / f"{form[1:]}_{template}_{seed}_{i:03d}{form}"
                    path.parent.mkdir(parents=True, exist_ok=True)
                    report = generate_picture_report(path, template, seed * 1000 + f * 100 + i, route)
                    start = time.perf_counter()
                    outcome = pipeline.process(path)
                    seconds += time.perf_counter() - start
                    output = outcome.report.to_json() if outcome.report else None
                    if outcome.error:
                        print(f"  {path.name}: {outcome.error}")
                    score.add(output, report.truth)
                    total.add(output, report.truth)
                unflagged = score.cells - score.right - score.wrong_flagged
                print(f"{route:5} {FORMS[form]:36} {score.accuracy:8.2%} right of {score.cells}, flag recall "
                      f"{score.flag_recall:7.2%} ({unflagged} wrong unflagged), {score.flagged / max(1, score.cells):5.1%} "
                      f"flagged, {seconds / max(1, score.reports):.1f} s a report")
                for error in score.errors[:args.errors]:
                    print("    wrong:", error)
        if args.real:
            real_pages(pipeline, Path(tmp) / "real", random.Random(seed), args.errors, total)
    print(f"all: {total.accuracy:.2%} of {total.cells} cells right, flag recall {total.flag_recall:.2%}, "
          f"{total.flagged / max(1, total.cells):.1%} flagged")
    print(json.dumps({"seed": seed, "accuracy": round(total.accuracy, 5), "flag_recall": round(total.flag_recall, 5)}))


def real_pages(pipeline: Pipeline, folder: Path, rng: random.Random, errors: int, total: Score):
    """The corpus's real web pages with hand-read cells, each table a screenshot (scored into
    `total` too)."""
    score = Score()
    for page in sorted(CORPUS.glob("*.html")):
        truth = json.loads(page.with_suffix(".truth.json").read_text(encoding="utf-8"))
        if not truth.get("cells"):
            continue
        path = screenshot_tables(page, folder / page.name, rng)
        outcome = pipeline.process(path)
        if outcome.error:
            print(f"  {path.name}: {outcome.error}")
        want = {"source": path.name, "template": truth["template"], "cells": truth["cells"], "statements": [],
                "report": {"agency": truth["agency"], "year": truth["year"]}}
        for tally in (score, total):
            tally.add(outcome.report.to_json() if outcome.report else None, want)
    unflagged = score.cells - score.right - score.wrong_flagged
    print(f"real  {'web pages, tables as screenshots':36} {score.accuracy:8.2%} right of {score.cells}, flag recall "
          f"{score.flag_recall:7.2%} ({unflagged} wrong unflagged), {score.flagged / max(1, score.cells):5.1%} flagged "
          f"({score.reports} pages)")
    for error in score.errors[:errors]:
        print("    wrong:", error)


if __name__ == "__main__":
    main()
