"""The cross-checks on fresh generated reports: text against table (planted contradictions
found, consistent statements passed, false fails) on born-digital PDFs, Word and HTML documents,
200-dpi scans and field scans (150 dpi, skew, seals, photos) read with --text, by both generator
routes, each kind its own reports; what --text costs a scanned page; and the carry-over check on
pairs of one agency's consecutive years."""
from __future__ import annotations

import time
from pathlib import Path

from pipeline.config import RunOptions
from pipeline.evaluate import Score
from pipeline.generate import generate_batch
from pipeline.generate.reports import generate_series
from pipeline.generate.scan import ScanOptions
from pipeline.runner import Pipeline
from pipeline.verify.years import link_years


def cross_checks_bench(n: int, seed: int, work: Path, routes=("draw", "word")):
    print(f"\n== cross-checks: {2 * n} reports per kind and route (seed {seed})")
    plain, with_text = Pipeline(), Pipeline(RunOptions(text=True))
    cost = {False: [0.0, 0], True: [0.0, 0]}  # seconds, pages of scans read without and with --text
    for route in routes:
        for k, kind in enumerate(("digital", "docx", "html", "scan", "field")):
            options = ScanOptions.field() if kind == "field" else None
            reports = generate_batch(work / route / kind, 2 * n, seed + k, kind="scan" if kind == "field" else kind,
                                     route=route, scan_options=options)
            scanned = kind in ("scan", "field")
            pipeline = with_text if scanned else plain
            outcomes = [pipeline.process(r.pdf) for r in reports]
            score = Score()
            for report, outcome in zip(reports, outcomes):
                score.add(outcome.report.to_json() if outcome.report else None, report.truth)
            print(f"{route} route, {kind}{' --text' if scanned else ''}: {score.statements_line()}")
            if kind == "scan":
                for text, outs in ((True, outcomes), (False, [plain.process(r.pdf) for r in reports])):
                    cost[text][0] += sum(o.seconds for o in outs)
                    cost[text][1] += sum(o.pages for o in outs)
    before, after = (cost[k][0] / max(1, cost[k][1]) for k in (False, True))
    print(f"--text on scans: {before:.2f} s a page without, {after:.2f} s with (+{after - before:.2f} s, "
          f"{after / max(1e-9, before) - 1:+.0%}), one worker, {cost[True][1]} pages")
    year_over_year_bench(n, seed, work, routes, plain)


def year_over_year_bench(n: int, seed: int, work: Path, routes, plain: Pipeline):
    """n pairs of one agency's consecutive years a route, linked as a batch's exports link them."""
    for route in routes:
        pairs = generate_series(work / route / "series", n, seed, route=route)
        reports, by_stem = [], {}
        for earlier, later in pairs:
            for r in (earlier, later):
                outcome = plain.process(r.pdf)
                if outcome.report is not None:
                    reports.append((r.pdf.stem, outcome.report.to_json()))
                    by_stem[r.pdf.stem] = reports[-1][1]
        link_years(reports)
        found = named = planted = false_fails = unlinked = 0
        for earlier, later in pairs:
            checks = [c for c in by_stem.get(later.pdf.stem, {}).get("cross_checks", [])
                      if c["kind"] == "year_over_year"]
            failed = [c for c in checks if c["status"] == "fail"]
            mismatched = later.truth["carry_over"]["mismatched"]
            unlinked += not checks
            planted += bool(mismatched)
            found += bool(mismatched and failed)
            named += bool(mismatched) and any(all(f"{earlier.pdf.name}:t3/carried_out/{col}" in c["cells"] and
                                                  f"{later.pdf.name}:t3/carried_in/{col}" in c["cells"]
                                                  for col in mismatched) for c in failed)
            false_fails += not mismatched and bool(failed)
        print(f"{route} route, year over year: {len(pairs)} pairs, planted mismatches found {found}/{planted} "
              f"(both reports' cells named in {named}), fails on consistent pairs {false_fails}, "
              f"pairs not linked {unlinked}")

if __name__ == "__main__":
    import argparse
    import random
    import tempfile

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=10)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--routes", default="draw,word")
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(10_000, 10**6)
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        cross_checks_bench(args.n, seed, Path(tmp), tuple(args.routes.split(",")))
    print(f"({time.perf_counter() - t:.0f}s)")
