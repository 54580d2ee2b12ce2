"""Real layouts in every image family: the published reports of tests/data/real and the real web
pages of tests/data/corpus (printed to PDF by Chromium, as a browser lays them out), turned into
office scans, field scans, 1-bit black-and-white scans and low-resolution page pictures, read, and
scored against their hand-read truth: cells right and flag recall per family.

    python bench/real_layouts.py [--seeds 2] [--families bw300,pictures96]
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import tempfile
from pathlib import Path

from pipeline.config import RunOptions
from pipeline.evaluate import Score
from pipeline.generate.content import GeneratedReport
from pipeline.generate.documents import print_to_pdf
from pipeline.generate.scan import ScanOptions, to_scan
from pipeline.read.engines import PRECISIONS
from pipeline.runner import Pipeline

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
FAMILIES = {
    "office scan": ScanOptions(), "field scan": ScanOptions.field(),
    "bw300": ScanOptions.black_and_white(300), "bw300 tiff": ScanOptions.black_and_white(300, "tiff"),
    "pictures96": ScanOptions.page_pictures(96), "pictures96 tiff": ScanOptions.page_pictures(96, "tiff"),
}


def real_reports(folder: Path) -> list[tuple[Path, dict]]:
    """Each real report with cell truth as a born-digital PDF in `folder`, with its truth."""
    out = []
    for pdf in sorted((DATA / "real").glob("*.pdf")):
        out.append((shutil.copy(pdf, folder / pdf.name), json.loads(pdf.with_suffix(".truth.json").read_text())))
    for page in sorted((DATA / "corpus").glob("*.html")):
        truth = json.loads(page.with_suffix(".truth.json").read_text(encoding="utf-8"))
        if not truth.get("cells"):
            continue
        pdf = print_to_pdf(page, folder / f"{page.stem}.pdf")
        out.append((pdf, {"cells": truth["cells"], "template": truth["template"], "source": pdf.name,
                          "report": {"agency": truth["agency"], "year": truth["year"]}}))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=2, help="scans of each report per family")
    parser.add_argument("--families", default=",".join(FAMILIES))
    parser.add_argument("--seed", type=int, default=0, help="first seed of the scans")
    parser.add_argument("--errors", type=int, default=5, help="wrong cells to list per family, unflagged first")
    parser.add_argument("--precision", default="auto", choices=PRECISIONS, help="the recogniser's weights (pipeline.read.engines)")
    args = parser.parse_args()
    pipeline = Pipeline(RunOptions(precision=args.precision))
    with tempfile.TemporaryDirectory() as tmp:
        reports = real_reports(Path(tmp))
        print(f"{len(reports)} real reports ({sum(1 for p, _ in reports if p.stem.startswith('hongze'))} published "
              f"PDFs, the rest web pages printed by Chromium); {args.seeds} scans each per family")
        for family in args.families.split(","):
            score = Score()
            for pdf, truth in reports:
                for k in range(args.seeds):
                    scanned = Path(tmp) / family.replace(" ", "_") / str(k) / pdf.name
                    scanned.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy(pdf, scanned)
                    report = to_scan(GeneratedReport(scanned, dict(truth)), random.Random(args.seed + k),
                                     FAMILIES[family])
                    outcome = pipeline.process(report.pdf)
                    score.add(outcome.report.to_json() if outcome.report else None, truth)
            print(f"{family:16s} cells right {score.right}/{score.cells} = {score.accuracy:.2%}  flag recall "
                  f"{score.wrong_flagged}/{score.cells - score.right} = {score.flag_recall:.1%}  flagged "
                  f"{score.flagged / max(1, score.cells):.1%}", flush=True)
            for line in sorted(score.errors, key=lambda e: "UNFLAGGED" not in e)[:args.errors]:
                print("    wrong: " + line)


if __name__ == "__main__":
    main()
