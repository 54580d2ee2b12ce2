"""Whole synthetic reports on disk with their ground truth: one, a batch of one kind (born-digital
PDF, scan, Word .docx, web page) by one route (drawn with reportlab, or a Word document printed
by LibreOffice), or a series of one agency's consecutive years."""
from __future__ import annotations

import json
import random
from pathlib import Path

from ..templates import load_templates
from .content import COUNTIES, PLACES, GeneratedReport, ReportContent, compose_report
from .documents import write_html
from .indicators import compose_indicator_report
from .render import write_pdf
from .scan import to_scan
from .values import APPLICANTS, draw_values
from .word import print_whole, write_docx


def write_truth(path: Path, content: ReportContent, pages: int, more: dict | None = None) -> dict:
    """`more`: what else the truth records of how the file was made."""
    truth = {"source": path.name, "template": content.template_id, "pages": pages,
             "report": {"agency": content.agency, "year": content.year}, "cells": content.values,
             "statements": content.statements, **(more or {})}
    path.with_suffix(".truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


ROUTES = ("draw", "word")  # reportlab's drawing; Word documents printed by LibreOffice


def generate_report(path: Path, template_id: str, seed: int, route: str = "draw") -> GeneratedReport:
    """Write one report at `path` and its ground truth beside it: a born-digital PDF, or a
    Word or HTML document when `path` ends in .docx or .html. `route` "word" draws its layout
    from the Word route's wider range, and prints a PDF from a Word document by LibreOffice."""
    return _generate([(path, template_id, seed, {})], route)[0]


def _generate(jobs: list[tuple[Path, str, int, dict]], route: str) -> list[GeneratedReport]:
    """jobs: (path, template id, seed, what compose_report is given rather than draws)."""
    if route not in ROUTES:
        raise ValueError(f"unknown route {route!r} (one of {', '.join(ROUTES)})")
    contents, printed = [], {}
    for path, template_id, seed, given in jobs:
        rng = random.Random(seed)
        compose = compose_indicator_report if template_id == "pre-2019" else compose_report
        content = compose(template_id, rng, wide=route == "word", **given)
        suffix = path.suffix.lower()
        pages = 0
        if suffix == ".docx":
            write_docx(content, path, rng)
        elif suffix in (".html", ".htm"):
            write_html(content, path, rng)
        elif route == "word":
            write_docx(content, path.with_suffix(".docx"), rng)
            printed[path.with_suffix(".docx")] = (content, rng)
        else:
            pages = write_pdf(content, path, rng)
        contents.append((path, content, pages))
    print_whole(printed)
    reports = []
    for path, content, pages in contents:
        if path.suffix.lower() == ".pdf" and route == "word":
            pages = _page_count(path)
        reports.append(GeneratedReport(path, write_truth(path, content, pages)))
    return reports


def _page_count(pdf: Path) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        return len(document)
    finally:
        document.close()


KINDS = {"digital": ".pdf", "scan": ".pdf", "docx": ".docx", "html": ".html"}


def generate_batch(out_dir: Path, n: int, seed: int, templates=("2021", "2019"), kind: str = "digital",
                   scan_options=None, route: str = "draw") -> list[GeneratedReport]:
    """n reports alternating over `templates`, of one kind: digital (PDF), scan, docx or html;
    by one route (see generate_report)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = kind if route == "draw" else f"{route}-{kind}"
    jobs = [(out_dir / f"{prefix}_{templates[i % len(templates)]}_{seed}_{i:03d}{KINDS[kind]}",
             templates[i % len(templates)], seed * 1000 + i, {}) for i in range(n)]
    reports = _generate(jobs, route)
    if kind == "scan":
        reports = [to_scan(report, random.Random(seed * 1000 + i), scan_options) for i, report in enumerate(reports)]
    return reports


PROVINCES = ["河北省", "江西省", "安徽省", "江苏省", "宁夏回族自治区"]
CITIES = ["淮安市", "衡水市", "宜春市", "六安市", "固原市", "保定市"]
LOCAL_AGENCIES = ["{p}镇人民政府", "{p}乡人民政府", "{p}街道办事处", "{c}县人民政府", "{c}县教育局", "{c}县交通运输局"]


def _agency_names(rng: random.Random, taken: set[str]) -> tuple[str, str]:
    """One agency's name as its reports print it: alone ('洪泽区人民政府'), and under the places
    above it ('淮安市洪泽区人民政府'), as the same office's titles differ from year to year. Its
    name alone is not one of `taken` (two towns of one name in a batch are two agencies, which
    the name rule rightly refuses to tell apart)."""
    local = next(name for name in (rng.choice(LOCAL_AGENCIES).format(p=rng.choice(PLACES), c=rng.choice(COUNTIES))
                                   for _ in range(1000)) if name not in taken)
    taken.add(local)
    above = rng.choice(CITIES)
    if local[:2] in PLACES:  # a township: its county too, or only its county
        above = rng.choice([above, ""]) + f"{rng.choice(COUNTIES)}县"
    if rng.random() < 0.3:
        above = rng.choice(PROVINCES) + above
    return local, above + local


def generate_series(out_dir: Path, n: int, seed: int, kind: str = "digital", route: str = "draw",
                    scan_options=None, mismatch_rate: float = 0.5) -> list[tuple[GeneratedReport, GeneratedReport]]:
    """n pairs of one agency's reports of two consecutive years (formats as the year had them),
    the agency named with and without the places above it. This year's 上年结转 is last year's
    结转下年度, column by column, except in pairs planted (`mismatch_rate`) with a column off;
    the later report's truth says which (`carry_over`)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    prefix = kind if route == "draw" else f"{route}-{kind}"
    jobs, plans, taken = [], [], set()
    for i in range(n):
        year = rng.randint(2020, 2025)
        formats = ["2019" if y <= 2020 else "2021" for y in (year - 1, year)]
        names = list(_agency_names(rng, taken))
        rng.shuffle(names)
        before = draw_values(load_templates()[formats[0]], rng)
        carried = {col: before[f"t3/carried_out/{col}"] for col in APPLICANTS}
        mismatched = []
        if rng.random() < mismatch_rate:
            col = rng.choice(APPLICANTS)
            carried[col] += rng.randint(1, 5) * rng.choice([1, -1]) if carried[col] > 5 else rng.randint(1, 5)
            mismatched = [col, "total"]
        after = draw_values(load_templates()[formats[1]], rng, carried)
        for k, (y, template_id, values) in enumerate(zip((year - 1, year), formats, (before, after))):
            path = out_dir / f"{prefix}_series_{seed}_{i:03d}_{y}{KINDS[kind]}"
            jobs.append((path, template_id, seed * 1000 + 2 * i + k, {"agency": names[k], "year": y, "values": values}))
        plans.append(mismatched)
    reports = _generate(jobs, route)
    if kind == "scan":
        reports = [to_scan(report, random.Random(seed * 1000 + i), scan_options) for i, report in enumerate(reports)]
    pairs = []
    for i, mismatched in enumerate(plans):
        earlier, later = reports[2 * i], reports[2 * i + 1]
        later.truth["carry_over"] = {"previous": earlier.pdf.name, "mismatched": mismatched}
        later.pdf.with_suffix(".truth.json").write_text(json.dumps(later.truth, ensure_ascii=False, indent=1),
                                                        encoding="utf-8")
        pairs.append((earlier, later))
    return pairs
