"""The static review report, OUT/review.html, openable without a server: every flagged row (its
flagged cells together) with the place on the page where it is printed, found or not, and why it
was flagged; for each table page an overlay with each cell coloured by its confidence (green:
trusted, orange: flagged, red: below 0.5 or not found). The geometry of a place is shared with
the review app."""
from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..files import replacing_folder, write_atomic
from ..read.documents.pictures import source_pages
from ..read.ingest import pdf_views, sniff
from ..templates import cell_labels
from ..types import Page, flag_reason
from ..verify.years import describe_carry_over

OVERLAY_SCALE = 0.5
# review images are JPEGs: a scanned page's overlay took PNG 39 ms and 1.5 MB, JPEG 3 ms and 190 KB
# (as PNG the overlays had cost a scanned page a tenth of its worker's time)
JPEG_QUALITY = 85
ITEM_SCALE = 0.6  # the static page's item images: digits at 200 dpi stay legible


def _colour(cell: dict, threshold: float) -> tuple[int, int, int]:
    if cell["confidence"] < 0.5:
        return (0, 0, 230)
    return (0, 150, 255) if cell["confidence"] < threshold else (0, 170, 0)


def review_items(data: dict) -> list[list[str]]:
    """The report's flagged cells as review items: those of one row together, in print order."""
    rows: dict[tuple[str, str], list[str]] = {}
    for cid, cell in data["cells"].items():
        if cell["needs_review"]:
            rows.setdefault(tuple(cid.split("/")[:2]), []).append(cid)
    return list(rows.values())


def item_name(cell_ids: list[str]) -> str:
    """An item's name in file names and URLs: its table and row."""
    return "__".join(cell_ids[0].split("/")[:2])


@dataclass
class Place:
    """Where an item's cells are printed on a page: the region to show (the table's part of the
    page around the row, the page's full width), the row's band, and each cell's box, estimated
    for a cell that was not found (between the neighbouring rows found, under its column)."""
    page: int
    region: tuple[int, int]  # y0, y1
    band: tuple[int, int]
    boxes: dict[str, tuple[int, int, int, int]]
    found: dict[str, bool]


def item_place(data: dict, cell_ids: list[str]) -> Place | None:
    """None when nothing of the report was found on a page (a Word or HTML report)."""
    cells = data["cells"]
    located = {cid: c for cid, c in cells.items() if c.get("bbox") and c.get("page")}
    if not located:
        return None
    table, row = cell_ids[0].split("/")[:2]
    rows = list(dict.fromkeys(cid.split("/")[1] for cid in cells if cid.startswith(f"{table}/")))
    in_row: dict[str, list[str]] = {r: [] for r in rows}
    for cid in located:
        t, r, _ = cid.split("/")
        if t == table:
            in_row[r].append(cid)
    i = rows.index(row)
    before = next((r for r in reversed(rows[:i]) if in_row[r]), None)
    after = next((r for r in rows[i + 1:] if in_row[r]), None)
    anchor = in_row[row] or in_row.get(before or "", []) or in_row.get(after or "", []) or list(located)
    page = located[anchor[0]]["page"]
    table_cells = [located[cid]["bbox"] for r in rows for cid in in_row[r] if located[cid]["page"] == page]
    boxes_on_page = table_cells or [c["bbox"] for c in located.values() if c["page"] == page]
    h = int(np.median([y1 - y0 for _, y0, _, y1 in boxes_on_page]))

    def rows_span(r: str | None, edge: int) -> int | None:
        ys = [located[cid]["bbox"][edge] for cid in in_row.get(r or "", []) if located[cid]["page"] == page]
        return (max(ys) if edge == 3 else min(ys)) if ys else None

    mine = [located[cid]["bbox"] for cid in in_row[row] if located[cid]["page"] == page]
    if mine:
        band = (min(b[1] for b in mine), max(b[3] for b in mine))
    else:
        top, bottom = rows_span(before, 3), rows_span(after, 1)
        top = top if top is not None else (bottom - h if bottom is not None else min(b[1] for b in boxes_on_page))
        band = (top, bottom if bottom is not None else top + h)
    x0, x1 = int(min(b[0] for b in boxes_on_page)), int(max(b[2] for b in boxes_on_page))
    boxes, found = {}, {}
    for cid in cell_ids:
        cell = located.get(cid)
        found[cid] = bool(cell) and cell["page"] == page
        if found[cid]:
            boxes[cid] = tuple(int(v) for v in cell["bbox"])
            continue
        column = cid.split("/")[2]
        same = [located[c]["bbox"] for r in rows for c in in_row[r]
                if c.endswith(f"/{column}") and located[c]["page"] == page]
        cx0, cx1 = (int(np.median([b[0] for b in same])), int(np.median([b[2] for b in same]))) if same else (x0, x1)
        boxes[cid] = (cx0, int(band[0]), cx1, int(band[1]))
    y0 = min([band[0]] + [b[1] for b in table_cells]) - 2 * h
    y1 = max([band[1]] + [b[3] for b in table_cells]) + 2 * h
    return Place(page, (max(0, int(y0)), int(y1)), (int(band[0]), int(band[1])), boxes, found)


def draw_place(grey: np.ndarray, place: Place) -> np.ndarray:
    """The region of the page with the row's band shaded, the item's columns shaded lighter, and
    each cell outlined: red where it was found, orange (and its label's place) where estimated."""
    image = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    shade = image.copy()
    y0, y1 = place.region
    cv2.rectangle(shade, (0, place.band[0]), (image.shape[1], place.band[1]), (120, 230, 255), -1)
    for bx0, _, bx1, _ in place.boxes.values():
        cv2.rectangle(shade, (bx0, y0), (bx1, y1), (255, 225, 180), -1)
    image = cv2.addWeighted(shade, 0.35, image, 0.65, 0)
    for cid, (bx0, by0, bx1, by1) in place.boxes.items():
        colour = (0, 0, 230) if place.found[cid] else (0, 140, 255)
        cv2.rectangle(image, (bx0 - 3, by0 - 3), (bx1 + 3, by1 + 3), colour, 3)
    return image[y0:min(y1, image.shape[0])]


def write_report_images(out_dir: Path, stem: str, data: dict, threshold: float):
    """The review images of one report in OUT/review/<stem>/ (none for sources without pages),
    the folder made anew: a report read again leaves none of its earlier images (a row no
    longer flagged, a page no longer a table's) for review.html to show."""
    folder = out_dir / "review" / stem
    by_page: dict[int, list[tuple[str, dict]]] = {}
    for cid, cell in data["cells"].items():
        if cell["page"] is not None and cell["bbox"] is not None:
            by_page.setdefault(cell["page"], []).append((cid, cell))
    if not by_page or not data.get("source_path"):
        shutil.rmtree(folder, ignore_errors=True)
        return
    with replacing_folder(folder) as new:
        _draw_report_images(new, data, by_page, threshold)


def _draw_report_images(folder: Path, data: dict, by_page: dict[int, list[tuple[str, dict]]], threshold: float):
    """For each review item the place of its row on the page (`draw_place`), and for each table
    page an overlay of every cell coloured by confidence. A PDF's overlays come from its pages
    rendered at half resolution as printed (ingest.pdf_views), and only pages with items are
    rendered again in full; any other source (an image, a Word file's or web page's pictures)
    is read once, at its own resolution."""
    source, dpi = Path(data["source_path"]), data.get("dpi", 200)
    places = [(ids, place) for ids in review_items(data) if (place := item_place(data, ids))]
    item_pages = {place.page for _, place in places}
    if sniff(source) == "pdf":
        for number, image in pdf_views(source, dpi * OVERLAY_SCALE, set(by_page)):
            _write_overlay(folder, number, image, by_page, threshold)
        for page in source_pages(source, dpi, only=item_pages) if item_pages else ():
            _write_items(folder, page, places)
        return
    for page in source_pages(source, dpi, only=set(by_page) | item_pages):
        if page.number in by_page:
            image = cv2.resize(cv2.cvtColor(page.image, cv2.COLOR_GRAY2BGR), None, fx=OVERLAY_SCALE, fy=OVERLAY_SCALE,
                               interpolation=cv2.INTER_AREA)
            _write_overlay(folder, page.number, image, by_page, threshold)
        _write_items(folder, page, places)


def _write_overlay(folder: Path, number: int, image: np.ndarray, by_page: dict[int, list[tuple[str, dict]]],
                   threshold: float):
    """`image`: the page at OVERLAY_SCALE, in colour."""
    overlay = image.copy()
    for cid, cell in by_page[number]:
        x0, y0, x1, y1 = (int(v * OVERLAY_SCALE) for v in cell["bbox"])
        cv2.rectangle(overlay, (x0, y0), (x1, y1), _colour(cell, threshold), -1)
    cv2.imwrite(str(folder / f"page-{number}.jpg"), cv2.addWeighted(overlay, 0.35, image, 0.65, 0),
                [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])


def _write_items(folder: Path, page: Page, places: list[tuple[list[str], Place]]):
    for ids, place in places:
        if place.page == page.number:
            image = cv2.resize(draw_place(page.image, place), None, fx=ITEM_SCALE, fy=ITEM_SCALE,
                               interpolation=cv2.INTER_AREA)
            cv2.imwrite(str(folder / f"{item_name(ids)}.jpg"), image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])


def write_review_html(out_dir: Path, reports: list[tuple[str, dict]]) -> Path:
    """The index over every report in OUT: flagged cells first, then the overlays."""
    e = html.escape
    parts = ["<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>reportocr review</title>",
             "<style>body{font-family:sans-serif;margin:2em} td,th{border-bottom:1px solid #ddd;padding:.3em}"
             " img.place{max-width:60em;width:100%;border:1px solid #ccc} img.page{max-width:30em;border:1px solid #ccc}"
             " .item{margin:1em 0 2em}</style></head><body>",
             "<h1>Cells flagged for review</h1>"]
    flagged = sum(c["needs_review"] for _, d in reports for c in d["cells"].values())
    parts.append(f"<p>{flagged} flagged cells in {len(reports)} reports. Correct them with "
                 f"<code>reportocr review {e(str(out_dir))}</code>.</p>")
    for stem, data in reports:
        folder = out_dir / "review" / stem
        parts.append(f"<h2>{e(data['source'])} <small>{e(str(data['report'].get('agency') or ''))} "
                     f"{e(str(data['report'].get('year') or ''))} · format {e(str(data['template']))}</small></h2>")
        for warning in data.get("warnings", []):
            parts.append(f"<p>⚠ {e(warning)}</p>")
        for check in data.get("cross_checks", []):
            if check["kind"] == "year_over_year" and check["status"] != "pass":
                parts.append(f"<p>⚠ {e(describe_carry_over(check))}</p>")
        for ids in review_items(data):
            image = folder / f"{item_name(ids)}.jpg"
            row = cell_labels(data["template"], ids[0])[0]
            pictures = sorted({data["cells"][cid]["picture"] for cid in ids if data["cells"][cid].get("picture")})
            where = f" · picture {', '.join(pictures)}" if pictures else ""
            parts.append(f"<div class='item'><h3>{e(row)} <small>{e(ids[0].rsplit('/', 1)[0])}{e(where)}</small></h3>")
            if image.exists():
                parts.append(f"<a href='{e(image.relative_to(out_dir).as_posix())}'>"
                             f"<img class='place' src='{e(image.relative_to(out_dir).as_posix())}'></a>")
            parts.append("<table><tr><th>column</th><th>read</th><th>alternatives</th><th>confidence</th>"
                         "<th>why</th></tr>")
            for cid in ids:
                cell = data["cells"][cid]
                column = cell_labels(data["template"], cid)[1]
                parts.append(
                    f"<tr><td>{e(column)} <small>{e(cid)}</small></td>"
                    f"<td>{e(json.dumps(cell['value']))} <small>({e(json.dumps(cell['text'], ensure_ascii=False))})"
                    f"</small></td><td>{e(', '.join(map(str, cell.get('alternatives', []))))}</td>"
                    f"<td>{cell['confidence']:.2f}</td><td>{e(flag_reason(cell))}</td></tr>")
            parts.append("</table></div>")
        for overlay in sorted(folder.glob("page-*.jpg")) if folder.exists() else []:
            parts.append(f"<p>{e(overlay.stem)}<br><img class='page' src='{e(overlay.relative_to(out_dir).as_posix())}'></p>")
    parts.append("</body></html>")
    path = out_dir / "review.html"
    write_atomic(path, "\n".join(parts))
    return path
