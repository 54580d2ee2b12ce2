"""Peak memory on a long scanned PDF: pages are rasterised and read one at a time, so a
300-page file should need little more than a 3-page one. The file is the scanned pages of
generated reports repeated to the length asked; it is digitised by `reportocr run` in a fresh
process, whose peak resident memory (VmHWM) the run's manifest records."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium

from pipeline.generate import generate_batch


def long_pdf_memory(pages: int, seed: int, work: Path):
    reports = generate_batch(work / "parts", 2, seed, kind="scan")
    long = pdfium.PdfDocument.new()
    while len(long) < pages:
        for report in reports:
            part = pdfium.PdfDocument(str(report.pdf))
            long.import_pages(part, list(range(min(len(part), pages - len(long)))))
            part.close()
    path = work / f"long_{pages}.pdf"
    long.save(str(path))
    long.close()
    results = {}
    for name, source in (("one report", reports[0].pdf), (f"{pages}-page PDF", path)):
        out = work / f"out-{len(results)}"
        subprocess.run([sys.executable, "-m", "pipeline.cli", "run", str(source), "-o", str(out), "--workers", "1"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        run = json.loads((out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()[-1])
        results[name] = run
    print("\n== memory: one scanned PDF, `reportocr run --workers 1`")
    for name, run in results.items():
        print(f"{name:15s} {run['pages']} pages in {run['seconds']:.0f}s, peak memory "
              f"{run['peak_rss_mb_per_worker'][0]:.0f} MB")
