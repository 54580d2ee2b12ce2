"""Volumes (年度报告汇编): several reports bound in one PDF, as counties publish their departments'
reports and scanning bureaus deliver them, with the truth of each report and its page range.

Reports of both formats, born-digital and scanned pages mixed; a cover and a contents page
(born-digital pages of their own), blank separator pages; now and then a report whose title was
lost (its truth names no agency or year)."""
from __future__ import annotations

import json
import random
import tempfile
from pathlib import Path

import pypdfium2 as pdfium
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from .content import COUNTIES
from .reports import _generate
from .render import _register_fonts
from .scan import ScanOptions, to_scan


def _front_page(path: Path, title: str, entries: list[str]):
    """A cover (`entries` empty) or a contents page, with a text layer."""
    font = _register_fonts()[0]
    c = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    if entries:
        c.setFont(font, 20)
        c.drawCentredString(width / 2, height - 90, "目  录")
        c.setFont(font, 11)
        for k, entry in enumerate(entries):
            c.drawString(70, height - 140 - 24 * k, f"{entry} ……………… {k + 1}")
    else:
        c.setFont(font, 24)
        c.drawCentredString(width / 2, height * 0.6, title)
        c.setFont(font, 14)
        c.drawCentredString(width / 2, height * 0.6 - 50, "政府信息公开工作年度报告汇编")
    c.showPage()
    c.save()


def generate_volume(path: Path, n: int, seed: int, scan_options: ScanOptions | None = None,
                    route: str = "draw") -> dict:
    """Write a volume of `n` reports at `path` (a PDF) and its truth beside it
    (<stem>.truth.json: {"source", "reports": [{"pages": [first, last], "template", "report",
    "cells"}]}); returns the truth."""
    rng = random.Random(seed)
    year = rng.randint(2019, 2025)
    county = rng.choice(COUNTIES) + "县"
    with tempfile.TemporaryDirectory() as tmp:
        jobs, scanned, untitled = [], [], []
        for i in range(n):
            template = "2019" if year <= 2020 else "2021"
            if rng.random() < 0.3:  # a report of the format before, bound late
                template = "2019" if template == "2021" else "2021"
            titled = i == 0 or rng.random() >= 0.15
            jobs.append((Path(tmp) / f"r{i:03d}.pdf", template, seed * 1000 + i, {"titled": titled}))
            scanned.append(rng.random() < 0.5)
            untitled.append(not titled)
        reports = _generate(jobs, route)
        reports = [to_scan(r, random.Random(seed * 1000 + i), scan_options) if scanned[i] else r
                   for i, r in enumerate(reports)]
        volume = pdfium.PdfDocument.new()
        front = []
        if rng.random() < 0.6:
            front.append(("cover", []))
        if rng.random() < 0.5:
            front.append(("contents", [f"{r.truth['report']['agency']}{r.truth['report']['year']}年政府信息公开工作年度报告"
                                       for r in reports]))
        for k, (_, entries) in enumerate(front):
            page_path = Path(tmp) / f"front{k}.pdf"
            _front_page(page_path, f"{county}{year}年度", entries)
            volume.import_pages(pdfium.PdfDocument(str(page_path)))
        truth_reports = []
        for i, report in enumerate(reports):
            if i and rng.random() < 0.3:
                volume.new_page(595, 842)  # a blank separator
            first = len(volume) + 1
            volume.import_pages(pdfium.PdfDocument(str(report.pdf)))
            truth = dict(report.truth)
            if untitled[i]:
                truth["report"] = {"agency": None, "year": None}
            truth_reports.append({"pages": [first, len(volume)], "template": truth["template"],
                                  "scanned": scanned[i], "report": truth["report"], "cells": truth["cells"]})
        volume.save(str(path))
        volume.close()
    truth = {"source": path.name, "pages": truth_reports[-1]["pages"][1], "reports": truth_reports}
    path.with_suffix(".truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth
