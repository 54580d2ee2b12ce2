"""Fit the confidence calibration (models/calibration.json) on generated scans.

Generates office-quality, hard and field scans, 1-bit black-and-white scans and low-resolution
page pictures by both generator routes with a seed of its own (never the bench's), reads them
with calibration off, and fits for each band of image (grey scan, 1-bit, low resolution) an
isotonic (monotone) map from each recognised cell's raw score to whether it was right, by
pool-adjacent-violators.
"""
from __future__ import annotations

import argparse
import datetime
import json
import tempfile
from pathlib import Path

import numpy as np

from pipeline.config import RunOptions
from pipeline.generate import generate_batch
from pipeline.generate.scan import ScanOptions
from pipeline.runner import Pipeline
from pipeline.types import same_value

OUT = Path(__file__).resolve().parent.parent / "models" / "calibration.json"


def isotonic(x: np.ndarray, y: np.ndarray, min_block: int = 100) -> tuple[list[float], list[float]]:
    """Pool adjacent violators over bins of at least `min_block` cells (sorted by raw score): a
    non-decreasing fit of y on x, as (raw, calibrated) knots. Each block's value is its Laplace
    estimate, (right + 1) / (cells + 2): a stretch of the raw scores where the fit set happened to
    hold no wrong cell is not therefore certain (a 1-bit page's raw 0.52 had come out 1.0), and
    the more cells vouch for a stretch, the surer it is (blocks of equal share are pooled)."""
    order = np.argsort(x)
    x, y = x[order], y[order].astype(float)
    blocks = [[x[i:i + min_block].sum(), y[i:i + min_block].sum(), float(len(x[i:i + min_block]))]
              for i in range(0, len(x), min_block)]  # sum of raw scores, right cells, cells
    if len(blocks) > 1 and blocks[-1][2] < min_block:  # the last bin joins the one before
        last = blocks.pop()
        blocks[-1] = [a + b for a, b in zip(blocks[-1], last)]

    def share(b):
        return b[1] / b[2]

    def laplace(b):
        return (b[1] + 1) / (b[2] + 2)

    merged: list[list[float]] = []
    for b in blocks:
        merged.append(b)
        while len(merged) > 1 and (share(merged[-2]) >= share(merged[-1]) or laplace(merged[-2]) >= laplace(merged[-1])):
            last = merged.pop()
            merged[-1] = [a + c for a, c in zip(merged[-1], last)]
    raw = [b[0] / b[2] for b in merged]
    calibrated = [laplace(b) for b in merged]
    return [0.0, *raw, 1.0], [0.0, *calibrated, calibrated[-1]]


def collect(pipeline: Pipeline, reports, into: dict[str, tuple[list[float], list[int]]]):
    """Each recognised cell's raw score and whether it was right, by the band of its page; the
    cells no identity vouches for once more under "<band>/unvouched"."""
    for report in reports:
        outcome = pipeline.process(report.pdf)
        if not outcome.report:
            continue
        for cid, cell in outcome.report.cells.items():
            if cell.recognised and cell.found:
                is_right = int(same_value(cell.value, report.truth["cells"][cid]))
                for key in [cell.band] + ([] if cell.vouched else [f"{cell.band}/unvouched"]):
                    raw, right = into.setdefault(key, ([], []))
                    raw.append(cell.confidence)
                    right.append(is_right)


# the scans each band is fitted on (half of the 1-bit and low-resolution ones as multi-page TIFFs)
SETS = {"office": [ScanOptions()], "hard": [ScanOptions.hard()], "field": [ScanOptions.field()],
        "black and white": [ScanOptions.black_and_white(), ScanOptions.black_and_white(container="tiff")],
        "page pictures": [ScanOptions.page_pictures(), ScanOptions.page_pictures(container="tiff")]}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=12, help="reports per route and set (" + ", ".join(SETS) + ")")
    parser.add_argument("--seed", type=int, default=424242)
    args = parser.parse_args()
    pipeline = Pipeline(RunOptions(calibrate=False))
    cells: dict[str, tuple[list[float], list[int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for route in ("draw", "word"):
            for name, variants in SETS.items():
                for k, options in enumerate(variants):
                    folder = Path(tmp) / route / name / str(k)
                    collect(pipeline, generate_batch(folder, args.n // len(variants), args.seed + k, kind="scan",
                                                     scan_options=options, route=route), cells)
    bands = {}
    for band, (raw, right) in sorted(cells.items()):
        knots_raw, knots_cal = isotonic(np.array(raw), np.array(right))
        bands[band] = {"cells": len(raw), "wrong": len(raw) - sum(right),
                       "raw": [round(v, 6) for v in knots_raw], "calibrated": [round(v, 6) for v in knots_cal]}
        print(f"{band}: {len(knots_raw)} knots from {len(raw)} cells, {len(raw) - sum(right)} wrong")
    OUT.write_text(json.dumps({
        "method": "isotonic regression (pool adjacent violators over bins of 100 cells, each block's value its "
                  "Laplace estimate (right + 1) / (cells + 2)) of right/wrong on the raw score, one map per band of image a cell is read "
                  "from (pipeline.types.Page.band)",
        "fitted_on": f"generated scans, {args.n} per route (drawn and Word) and set ({', '.join(SETS)}), "
                     f"seed {args.seed}",
        "fitted": datetime.date.today().isoformat(),
        "command": f"python bench/calibrate.py -n {args.n} --seed {args.seed}",
        "bands": bands,
    }, indent=1), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
