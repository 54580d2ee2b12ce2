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


def isotonic(x: np.ndarray, y: np.ndarray) -> tuple[list[float], list[float]]:
    """Pool adjacent violators: a non-decreasing fit of y on x, as (raw, calibrated) knots."""
    order = np.argsort(x)
    x, y = x[order], y[order].astype(float)
    blocks = [[xi, yi, 1.0] for xi, yi in zip(x, y)]  # sum x, sum y, weight
    merged: list[list[float]] = []
    for b in blocks:
        merged.append(b)
        while len(merged) > 1 and merged[-2][1] / merged[-2][2] > merged[-1][1] / merged[-1][2]:
            last = merged.pop()
            merged[-1] = [merged[-1][0] + last[0], merged[-1][1] + last[1], merged[-1][2] + last[2]]
    raw = [b[0] / b[2] for b in merged]
    calibrated = [b[1] / b[2] for b in merged]
    # a run of equal values needs only its ends as knots
    keep = [i for i in range(len(raw)) if i in (0, len(raw) - 1)
            or calibrated[i] != calibrated[i - 1] or calibrated[i] != calibrated[i + 1]]
    return [0.0, *(raw[i] for i in keep), 1.0], [0.0, *(calibrated[i] for i in keep), calibrated[-1]]


def collect(pipeline: Pipeline, reports, into: dict[str, tuple[list[float], list[int]]]):
    """Each recognised cell's raw score and whether it was right, by the band of its page."""
    for report in reports:
        outcome = pipeline.process(report.pdf)
        if not outcome.report:
            continue
        for cid, cell in outcome.report.cells.items():
            if cell.recognised and cell.found:
                raw, right = into.setdefault(cell.band, ([], []))
                raw.append(cell.confidence)
                right.append(int(same_value(cell.value, report.truth["cells"][cid])))


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
        "method": "isotonic regression (pool adjacent violators) of right/wrong on the raw score, one map per band "
                  "of image a cell is read from (pipeline.types.Page.band)",
        "fitted_on": f"generated scans, {args.n} per route (drawn and Word) and set ({', '.join(SETS)}), "
                     f"seed {args.seed}",
        "fitted": datetime.date.today().isoformat(),
        "command": f"python bench/calibrate.py -n {args.n} --seed {args.seed}",
        "bands": bands,
    }, indent=1), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
