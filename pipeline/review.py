"""Review: the queue of flagged cells across a finished batch, and corrections to them.

Corrections go into a database beside the outputs (SQLite by default; any SQLAlchemy URL, e.g.
PostgreSQL, for a team) with an audit trail, and into the report's JSON and cells.csv at once.
After a correction the template's identities are checked again, so the flags it resolves clear.
"""
from __future__ import annotations

import datetime
import json
from pathlib import Path

import sqlalchemy as sa

from . import export
from .batch_export import write_batch_exports
from .config import RunOptions
from .database import CORRECTIONS, METADATA, default_db_url
from .reconstruct import parse_value
from .templates import cell_labels, failed_identities, load_templates
from .types import flag_reason

def _found(cell: dict) -> bool:
    """Whether the cell was found on the page (a cell not found has no value and confidence 0)."""
    return bool(cell.get("corrected")) or not (cell["value"] is None and cell["confidence"] == 0)


class ReviewStore:
    def __init__(self, out_dir: Path, db_url: str | None = None):
        self.out_dir = out_dir
        self.engine = sa.create_engine(db_url or default_db_url(out_dir))
        METADATA.create_all(self.engine)

    def report_path(self, stem: str) -> Path:
        path = (self.out_dir / f"{stem}.json").resolve()
        if path.parent != self.out_dir.resolve() or not path.exists():
            raise KeyError(stem)
        return path

    def load(self, stem: str) -> dict:
        return json.loads(self.report_path(stem).read_text(encoding="utf-8"))

    def queue(self) -> list[dict]:
        """Every flagged cell of every report, report by report in print order."""
        items = []
        for path in sorted(self.out_dir.glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if "cells" not in data:
                continue
            for cid, cell in data["cells"].items():
                if cell["needs_review"]:
                    row_label, column_label = cell_labels(data["template"], cid)
                    items.append({"report": path.stem, "source": data["source"], "cell_id": cid,
                                  "row_label": row_label, "column_label": column_label, "value": cell["value"],
                                  "text": cell["text"], "alternatives": cell.get("alternatives", []),
                                  "confidence": cell["confidence"], "reason": flag_reason(cell),
                                  "has_image": cell["bbox"] is not None})
        return items

    def correct(self, stem: str, cell_id: str, typed: str | None, reviewer: str) -> dict:
        """Accept the value read (typed None) or set the typed one; returns the updated cell."""
        data = self.load(stem)
        cell = data["cells"][cell_id]
        old = cell["value"]
        if typed is None:
            new = old
        else:
            table, _, column = cell_id.split("/")
            spec = load_templates()[data["template"]].tables[table]
            parsed = parse_value(typed, decimal=column in spec.decimal_columns, signed=column in spec.signed_columns)
            if not parsed.ok:
                raise ValueError(f"not a number for this cell: {typed!r}")
            new = parsed.value
        with self.engine.begin() as conn:
            conn.execute(CORRECTIONS.insert().values(
                report=stem, cell_id=cell_id, old_value=json.dumps(old), new_value=json.dumps(new),
                reviewer=reviewer, at=datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")))
        cell.update(value=new, confidence=1.0, needs_review=False, corrected=True, reviewer=reviewer)
        self._recheck(data)
        for other in data["cells"].values():  # why each cell still flagged is, after the checks ran again
            if other["needs_review"]:
                other["reason"] = flag_reason(other)
            else:
                other.pop("reason", None)
        export.write_report(self.out_dir, stem, data)

        write_batch_exports(self.out_dir, self.engine.url.render_as_string(hide_password=False))
        return cell

    def _recheck(self, data: dict):
        """Run the identities again: a cell whose failed checks now all hold gets back the
        confidence it had without them, and its flag clears if that is enough."""
        template = load_templates()[data["template"]]
        cells = data["cells"]
        values = {cid: c["value"] for cid, c in cells.items() if _found(c)}
        failed = {ident.name for ident in failed_identities(template, values)}
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

    def crop_png(self, stem: str, cell_id: str, margin: float = 0.4) -> bytes | None:
        """The cell's image with some of its neighbours around it, as PNG; None without a page."""
        import cv2

        from .ingest import iter_pages

        data = self.load(stem)
        cell = data["cells"][cell_id]
        if cell["bbox"] is None or not data.get("source_path"):
            return None
        for page in iter_pages(Path(data["source_path"]), data.get("dpi", 200)):
            if page.number != cell["page"]:
                continue
            x0, y0, x1, y1 = cell["bbox"]
            mx, my = (x1 - x0) * margin + 10, (y1 - y0) * margin + 10
            h, w = page.image.shape
            crop = page.image[max(0, int(y0 - my)):min(h, int(y1 + my)), max(0, int(x0 - mx)):min(w, int(x1 + mx))]
            crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
            cv2.rectangle(crop, (int(min(mx, x0)), int(min(my, y0))),
                          (int(min(mx, x0) + x1 - x0), int(min(my, y0) + y1 - y0)), (0, 0, 255), 2)
            return cv2.imencode(".png", crop)[1].tobytes()
        return None

    def history(self) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(sa.select(CORRECTIONS).order_by(CORRECTIONS.c.id))]
