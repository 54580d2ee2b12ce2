"""The static review report, OUT/review.html, openable without a server: every flagged cell with
its image crop and reason, and for each table page an overlay with each cell coloured by its
confidence (green: trusted, orange: flagged, red: below 0.5 or not found)."""
from __future__ import annotations

import html
import json
from pathlib import Path

import cv2

from .export import write_atomic
from .ingest import iter_pages, sniff
from .templates import cell_labels
from .types import flag_reason

OVERLAY_SCALE = 0.5


def _colour(cell: dict, threshold: float) -> tuple[int, int, int]:
    if cell["confidence"] < 0.5:
        return (0, 0, 230)
    return (0, 150, 255) if cell["confidence"] < threshold else (0, 170, 0)


def write_report_images(out_dir: Path, stem: str, data: dict, threshold: float):
    """Crops of the flagged cells and overlays of the table pages of one report, under
    OUT/review/<stem>/ (nothing for sources without pages). Overlays come from pages rendered
    at half resolution; only pages with flagged cells are rendered again in full, for crops."""
    by_page: dict[int, list[tuple[str, dict]]] = {}
    for cid, cell in data["cells"].items():
        if cell["page"] is not None and cell["bbox"] is not None:
            by_page.setdefault(cell["page"], []).append((cid, cell))
    if not by_page or not data.get("source_path"):
        return
    source, dpi = Path(data["source_path"]), data.get("dpi", 200)
    folder = out_dir / "review" / stem
    folder.mkdir(parents=True, exist_ok=True)
    rendered = sniff(source) == "pdf"  # an image file comes at its own resolution, and is scaled here
    for page in iter_pages(source, dpi * OVERLAY_SCALE, only=set(by_page)):
        image = cv2.cvtColor(page.image, cv2.COLOR_GRAY2BGR)
        if not rendered:
            image = cv2.resize(image, None, fx=OVERLAY_SCALE, fy=OVERLAY_SCALE, interpolation=cv2.INTER_AREA)
        overlay = image.copy()
        for cid, cell in by_page[page.number]:
            x0, y0, x1, y1 = (int(v * OVERLAY_SCALE) for v in cell["bbox"])
            cv2.rectangle(overlay, (x0, y0), (x1, y1), _colour(cell, threshold), -1)
        cv2.imwrite(str(folder / f"page-{page.number}.png"), cv2.addWeighted(overlay, 0.35, image, 0.65, 0))
    flagged = {n for n, cells in by_page.items() if any(cell["needs_review"] for _, cell in cells)}
    for page in iter_pages(source, dpi, only=flagged) if flagged else ():
        for cid, cell in by_page[page.number]:
            if cell["needs_review"]:
                x0, y0, x1, y1 = (int(v) for v in cell["bbox"])
                m = 12
                crop = page.image[max(0, y0 - m):y1 + m, max(0, x0 - m):x1 + m]
                cv2.imwrite(str(folder / f"{cid.replace('/', '__')}.png"), crop)


def write_review_html(out_dir: Path, reports: list[tuple[str, dict]]) -> Path:
    """The index over every report in OUT: flagged cells first, then the overlays."""
    e = html.escape
    parts = ["<!DOCTYPE html><html lang='zh'><head><meta charset='utf-8'><title>reportocr review</title>",
             "<style>body{font-family:sans-serif;margin:2em} td,th{border-bottom:1px solid #ddd;padding:.3em}"
             " img.crop{max-height:4em} img.page{max-width:30em;border:1px solid #ccc}</style></head><body>",
             "<h1>Cells flagged for review</h1>"]
    flagged = sum(c["needs_review"] for _, d in reports for c in d["cells"].values())
    parts.append(f"<p>{flagged} flagged cells in {len(reports)} reports. Correct them with "
                 f"<code>reportocr review {e(str(out_dir))}</code>.</p>")
    for stem, data in reports:
        cells = [(cid, c) for cid, c in data["cells"].items() if c["needs_review"]]
        folder = out_dir / "review" / stem
        parts.append(f"<h2>{e(data['source'])} <small>{e(str(data['report'].get('agency') or ''))} "
                     f"{e(str(data['report'].get('year') or ''))} · format {e(str(data['template']))}</small></h2>")
        for warning in data.get("warnings", []):
            parts.append(f"<p>⚠ {e(warning)}</p>")
        if cells:
            parts.append("<table><tr><th>cell</th><th>row × column</th><th>image</th><th>read</th>"
                         "<th>alternatives</th><th>confidence</th><th>why</th></tr>")
            for cid, cell in cells:
                row, column = cell_labels(data["template"], cid)
                crop = folder / f"{cid.replace('/', '__')}.png"
                image = f"<img class='crop' src='{e(crop.relative_to(out_dir).as_posix())}'>" if crop.exists() else ""
                parts.append(
                    f"<tr><td>{e(cid)}</td><td>{e(row)} × {e(column)}</td><td>{image}</td>"
                    f"<td>{e(json.dumps(cell['value']))} <small>({e(json.dumps(cell['text'], ensure_ascii=False))})"
                    f"</small></td><td>{e(', '.join(map(str, cell.get('alternatives', []))))}</td>"
                    f"<td>{cell['confidence']:.2f}</td><td>{e(flag_reason(cell))}</td></tr>")
            parts.append("</table>")
        for overlay in sorted(folder.glob("page-*.png")) if folder.exists() else []:
            parts.append(f"<p>{e(overlay.stem)}<br><img class='page' src='{e(overlay.relative_to(out_dir).as_posix())}'></p>")
    parts.append("</body></html>")
    path = out_dir / "review.html"
    write_atomic(path, "\n".join(parts))
    return path
