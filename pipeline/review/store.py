"""Review: the queue of flagged rows across a finished batch, and corrections to them.

A queue item is a row's flagged cells together, with the place on the page where they are
printed. A correction sets the row's values, accepts the values read, or marks the cells as not
printed in this document. It goes into the batch's database (SQLite by default; any SQLAlchemy
URL, e.g. PostgreSQL, for a team) with an audit trail, into the report's JSON and into the
database's cells table at once: its cost does not grow with the batch. The file exports
(cells.csv, reports.csv/.xlsx/.parquet, review.html) are written again once, when the review
ends (`finish`). The template's identities run again after each correction: the flags it
resolves clear, and a correction that makes an identity fail is refused until confirmed.
"""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from ..batch import output
from ..batch.database import CELLS, CORRECTIONS, METADATA, cell_rows, default_db_url
from ..batch.exports import write_batch_exports
from ..batch.review_pages import draw_place, item_place, review_items
from ..config import RunOptions
from ..read.reconstruct import parse_value
from ..templates import cell_labels, failed_identities, load_templates
from ..types import flag_reason

NOT_PRINTED = "not printed"  # the audit trail's new value for a cell marked as not printed


@dataclass
class BrokenChecks(Exception):
    """A correction that would make identities fail that held before: name → its cells."""
    identities: dict[str, list[str]]

    def __str__(self):
        return "this correction breaks " + "; ".join(f"{name} ({', '.join(cells)})"
                                                     for name, cells in self.identities.items())


def _found(cell: dict) -> bool:
    """Whether the cell was found on the page (a cell not found has no value and confidence 0)."""
    return bool(cell.get("corrected")) or not (cell["value"] is None and cell["confidence"] == 0)


def _values(data: dict) -> dict:
    return {cid: c["value"] for cid, c in data["cells"].items() if _found(c)}


class ReviewStore:
    def __init__(self, out_dir: Path, db_url: str | None = None):
        self.out_dir = out_dir
        self.engine = sa.create_engine(db_url or default_db_url(out_dir))
        METADATA.create_all(self.engine, tables=[CORRECTIONS, CELLS])

    def report_path(self, stem: str) -> Path:
        path = (self.out_dir / f"{stem}.json").resolve()
        if path.parent != self.out_dir.resolve() or not path.exists():
            raise KeyError(stem)
        return path

    def load(self, stem: str) -> dict:
        return json.loads(self.report_path(stem).read_text(encoding="utf-8"))

    def queue(self) -> list[dict]:
        """Every review item of every report, report by report, in print order, each with its
        place in its report's items and in the batch."""
        reports = []
        for path in sorted(self.out_dir.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if "cells" in data:
                reports.append((path.stem, data))
        items = []
        for number, (stem, data) in enumerate(reports, 1):
            mine = review_items(data)
            cells = data["cells"]
            has_image = bool(data.get("source_path")) and any(c["bbox"] for c in cells.values())
            for k, ids in enumerate(mine, 1):
                items.append({
                    "report": stem, "source": data["source"], "report_number": number, "reports": len(reports),
                    "item_number": k, "items": len(mine), "row_label": cell_labels(data["template"], ids[0])[0],
                    "row": ids[0].rsplit("/", 1)[0], "has_image": has_image,
                    "cells": [{"cell_id": cid, "column_label": cell_labels(data["template"], cid)[1],
                               "value": cells[cid]["value"], "text": cells[cid]["text"],
                               "alternatives": cells[cid].get("alternatives", []),
                               "confidence": cells[cid]["confidence"], "reason": flag_reason(cells[cid]),
                               "found": cells[cid]["bbox"] is not None} for cid in ids]})
        return items

    def correct(self, stem: str, values: dict[str, str | None], reviewer: str, not_printed: bool = False,
                confirm: bool = False) -> dict:
        """Set the cells of `values` (cell id → the typed value, or None: accept the value
        read), or with `not_printed` mark them as not printed in this document. Raises
        ValueError for a typed value that is not a number for its cell, and BrokenChecks when
        identities that held would fail (unless `confirm`: then they are kept, listed in the
        report's inconsistencies). Returns the updated cells."""
        data = self.load(stem)
        cells = data["cells"]
        if not values or any(cid not in cells for cid in values):
            raise KeyError(stem)
        new = {cid: None if not_printed else self._parse(data, cid, typed) for cid, typed in values.items()}
        template = load_templates()[data["template"]]
        values = _values(data)
        before = {ident.name for ident in failed_identities(template, values)}
        failed = failed_identities(template, {**values, **new})
        broken = {ident.name: [*ident.lhs, *ident.rhs] for ident in failed if ident.name not in before}
        if broken and not confirm:
            raise BrokenChecks(broken)
        at = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
        with self.engine.begin() as conn:
            conn.execute(CORRECTIONS.insert(), [
                {"report": stem, "cell_id": cid, "old_value": json.dumps(cells[cid]["value"]),
                 "new_value": json.dumps(NOT_PRINTED if not_printed else value), "reviewer": reviewer, "at": at}
                for cid, value in new.items()])
            for cid, value in new.items():
                cells[cid].update(value=value, confidence=1.0, needs_review=False, corrected=True, reviewer=reviewer)
                if not_printed:
                    cells[cid].update(printed=False, text="")
            self._recheck(data, {ident.name for ident in failed})
            data["inconsistencies"] = list(dict.fromkeys(data.get("inconsistencies", []) + list(broken)))
            for cell in cells.values():  # why each cell still flagged is, after the checks ran again
                if cell["needs_review"]:
                    cell["reason"] = flag_reason(cell)
                else:
                    cell.pop("reason", None)
            output.write_report(self.out_dir, stem, data)
            conn.execute(CELLS.delete().where(CELLS.c.stem == stem))
            conn.execute(CELLS.insert(), cell_rows(stem, data))
        return {cid: cells[cid] for cid in new}

    @staticmethod
    def _parse(data: dict, cid: str, typed: str | None):
        old = data["cells"][cid]["value"]
        if typed is None:
            return old
        table, _, column = cid.split("/")
        spec = load_templates()[data["template"]].tables[table]
        parsed = parse_value(typed, decimal=column in spec.decimal_columns, signed=column in spec.signed_columns)
        if not parsed.ok:
            raise ValueError(f"not a number for {cid}: {typed!r}")
        return parsed.value

    @staticmethod
    def _recheck(data: dict, failed: set[str]):
        """After the identities ran again (`failed`: those that fail with the correction): a
        cell whose failed checks now all hold gets back the confidence it had without them, and
        its flag clears if that is enough."""
        cells = data["cells"]
        threshold = RunOptions().review_threshold
        for cell in cells.values():
            if not cell.get("checks_failed"):
                continue
            still = [name for name in cell["checks_failed"] if name in failed]
            if still == cell["checks_failed"]:
                continue
            cell["checks_failed"] = still
            if not still and not cell.get("corrected") and "confidence_unchecked" in cell:
                cell["confidence"] = cell.pop("confidence_unchecked")
                cell["needs_review"] = cell["confidence"] < threshold
        data["inconsistencies"] = [n for n in data.get("inconsistencies", []) if n in failed]

    def finish(self) -> list[str]:
        """The review is over (or paused): the batch's file exports, written again once. Returns
        what could not be exported (also in errors.jsonl), one line each."""
        _, problems = write_batch_exports(self.out_dir, self.engine.url.render_as_string(hide_password=False))
        return [f"{p.file}: {p.stage}: {p.error}" for p in problems]

    def place_image(self, stem: str, cell_ids: list[str]) -> tuple[bytes, tuple[int, int]] | None:
        """The place of an item on its page (batch.review_pages.draw_place) as JPEG, and the row's
        band in it (y0, y1); None without a page."""
        import cv2

        from ..read.documents.pictures import source_pages

        data = self.load(stem)
        if any(cid not in data["cells"] for cid in cell_ids):
            raise KeyError(stem)
        place = item_place(data, cell_ids)
        if place is None or not data.get("source_path"):
            return None
        band = (place.band[0] - place.region[0], place.band[1] - place.region[0])
        for page in source_pages(Path(data["source_path"]), data.get("dpi", 200), only={place.page}):
            image = draw_place(page.image, place)
            return cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 90])[1].tobytes(), band
        return None

    def history(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.select(CORRECTIONS).order_by(CORRECTIONS.c.id))]
