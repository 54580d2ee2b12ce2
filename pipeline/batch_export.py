"""The batch's exports, rewritten after every run and every correction: cells.csv (long),
reports.csv, reports.xlsx and reports.parquet (wide: one row per report, one column per cell id,
under a header row of ids and one of the printed labels; flagged cells highlighted in the
workbook, listed in the Parquet file), the reports and cells as tables of the batch's database,
and review.html."""
from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

import sqlalchemy as sa

from . import export
from .database import CELLS, CORRECTIONS, METADATA, REPORTS, default_db_url
from .review_report import write_review_html
from .templates import cell_labels, load_templates

FIXED = ["source", "agency", "year", "template", "pages", "flagged"]

def cell_columns() -> list[tuple[str, str]]:
    """Every cell id of both formats (2021's first, then 2019's own) with its printed label."""
    columns, seen = [], set()
    for template_id in ("2021", "2019"):
        for cid in load_templates()[template_id].cell_ids():
            if cid not in seen:
                seen.add(cid)
                row, column = cell_labels(template_id, cid)
                columns.append((cid, f"{row} / {column}"))
    return columns


def _rows(reports: list[tuple[str, dict]]):
    columns = cell_columns()
    for _, data in reports:
        cells = data["cells"]
        fixed = [data["source"], data["report"]["agency"], data["report"]["year"], data["template"], data["pages"],
                 sum(c["needs_review"] for c in cells.values())]
        yield fixed, [(cells[cid]["value"], cells[cid]["needs_review"]) if cid in cells else (None, False)
                      for cid, _ in columns]


def write_reports_csv(out_dir: Path, reports: list[tuple[str, dict]]) -> Path:
    columns = cell_columns()
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".reports.csv.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as f:  # BOM: Excel opens Chinese right
        w = csv.writer(f)
        w.writerow(FIXED + [cid for cid, _ in columns])
        w.writerow([""] * len(FIXED) + [label for _, label in columns])
        for fixed, cells in _rows(reports):
            w.writerow(fixed + ["" if v is None else v for v, _ in cells])
    path = out_dir / "reports.csv"
    os.replace(tmp, path)
    return path


def write_reports_xlsx(out_dir: Path, reports: list[tuple[str, dict]]) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    columns = cell_columns()
    wb = Workbook()
    ws = wb.active
    ws.title = "reports"
    ws.append(FIXED + [cid for cid, _ in columns])
    ws.append([""] * len(FIXED) + [label for _, label in columns])
    for cell in ws[1] + ws[2]:
        cell.font = Font(bold=True)
    flagged_fill = PatternFill("solid", fgColor="FFE699")
    for fixed, cells in _rows(reports):
        ws.append(fixed + [v for v, _ in cells])
        for offset, (_, flagged) in enumerate(cells):
            if flagged:
                ws.cell(row=ws.max_row, column=len(FIXED) + 1 + offset).fill = flagged_fill
    ws.freeze_panes = "G3"
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".reports.xlsx.", suffix=".tmp")
    os.close(fd)
    wb.save(tmp)
    path = out_dir / "reports.xlsx"
    os.replace(tmp, path)
    return path


def write_reports_parquet(out_dir: Path, reports: list[tuple[str, dict]]) -> Path:
    """Wide, like reports.csv: a column per cell id (its printed labels in the field's metadata,
    int64 where every value is a whole number, else float64) and `needs_review`, the list of
    flagged cell ids of each report."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    columns = cell_columns()
    rows = list(_rows(reports))
    fields, arrays = [], []
    for i, (name, kind) in enumerate(zip(FIXED, (pa.string(), pa.string(), pa.int64(), pa.string(), pa.int64(),
                                                 pa.int64()))):
        fields.append(pa.field(name, kind))
        arrays.append(pa.array([fixed[i] for fixed, _ in rows], kind))
    for j, (cid, label) in enumerate(columns):
        values = [cells[j][0] for _, cells in rows]
        kind = pa.int64() if all(isinstance(v, int) for v in values if v is not None) else pa.float64()
        fields.append(pa.field(cid, kind, metadata={"label": label}))
        arrays.append(pa.array(values, kind))
    fields.append(pa.field("needs_review", pa.list_(pa.string())))
    arrays.append(pa.array([[cid for (cid, _), (_, flagged) in zip(columns, cells) if flagged] for _, cells in rows],
                           pa.list_(pa.string())))
    fd, tmp = tempfile.mkstemp(dir=out_dir, prefix=".reports.parquet.", suffix=".tmp")
    os.close(fd)
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), tmp)
    path = out_dir / "reports.parquet"
    os.replace(tmp, path)
    return path


def write_database(out_dir: Path, reports: list[tuple[str, dict]], db_url: str | None = None):
    """Reports and cells into the batch's database (the review workflow's), replaced whole
    (the tables too: they are derived from the report JSONs, whichever version wrote them)."""
    engine = sa.create_engine(db_url or default_db_url(out_dir))
    METADATA.drop_all(engine, tables=[CELLS, REPORTS], checkfirst=True)
    METADATA.create_all(engine, tables=[REPORTS, CELLS, CORRECTIONS])
    with engine.begin() as conn:
        for stem, data in reports:
            conn.execute(REPORTS.insert().values(
                stem=stem, source=data["source"], template=data["template"], agency=data["report"]["agency"],
                year=data["report"]["year"], pages=data["pages"], sha256=data.get("sha256")))
            conn.execute(CELLS.insert(), [
                {"stem": stem, "cell_id": cid, "value": c["value"], "text": c["text"], "confidence": c["confidence"],
                 "needs_review": c["needs_review"], "printed": c.get("printed", True)}
                for cid, c in data["cells"].items()])
    engine.dispose()


def write_batch_exports(out_dir: Path, db_url: str | None = None):
    reports = export.load_reports(out_dir)
    export.write_cells_csv(out_dir, [data for _, data in reports])
    write_reports_csv(out_dir, reports)
    write_reports_xlsx(out_dir, reports)
    write_reports_parquet(out_dir, reports)
    write_database(out_dir, reports, db_url)
    write_review_html(out_dir, reports)
