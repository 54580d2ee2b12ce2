"""Volumes (年度报告汇编): generated PDFs binding several reports each (both formats, born-digital
and scanned pages, covers, contents pages, blank separators, now and then a report without its
title), read and scored per bound report: reports found, page ranges exact, cells right and flag
recall.

    python bench/volumes.py [-n 3] [--reports 2-8] [--seed S]
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from pipeline.evaluate import Score
from pipeline.generate.volumes import generate_volume
from pipeline.runner import Pipeline


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=3, help="volumes")
    parser.add_argument("--reports", default="2-8", help="reports per volume, a range")
    parser.add_argument("--seed", type=int, default=None, help="default: a new one each run")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(10**6)
    low, high = (int(v) for v in args.reports.split("-"))
    rng = random.Random(seed)
    print(f"volumes: {args.n}, {args.reports} reports each, seed {seed}")
    pipeline = Pipeline()
    bound = found = exact = 0
    score = Score()
    pages = seconds = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(args.n):
            path = Path(tmp) / f"volume_{seed}_{k}.pdf"
            truth = generate_volume(path, rng.randint(low, high), seed * 100 + k)
            start = time.perf_counter()
            outcome = pipeline.process(path)
            seconds += time.perf_counter() - start
            pages += truth["pages"]
            got = {tuple(r.source_pages or (1, outcome.pages)): r for r in outcome.reports}
            bound += len(truth["reports"])
            found += len(got)
            for want in truth["reports"]:
                report = got.get(tuple(want["pages"]))
                exact += report is not None
                score.add(report.to_json() if report else None, {**want, "source": path.name, "statements": []})
            print(f"  {path.name}: {len(truth['reports'])} bound, pages {[tuple(r['pages']) for r in truth['reports']]}; "
                  f"found {sorted(got)}{'; ' + outcome.error if outcome.error else ''}")
    print(f"reports: {bound} bound, {found} found, {exact} with the exact page range")
    print(f"cells: {score.accuracy:.2%} right of {score.cells}, flag recall {score.flag_recall:.2%}, "
          f"{score.flagged / max(1, score.cells):.1%} flagged; {pages / seconds:.2f} pages/s")
    for error in score.errors[:10]:
        print("  wrong:", error)


if __name__ == "__main__":
    main()
