"""The batch's exports, rewritten after every run and every correction (after linking one
agency's years: years.py): cells.csv (long),
reports.csv, reports.xlsx and reports.parquet (wide: one row per report, one column per cell id,
under a header row of ids and one of the printed labels; flagged cells highlighted in the
workbook, listed in the Parquet file), panel.csv (the quantities every format counts alike), the
reports and cells as tables of the batch's database, and review.html."""
from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

import sqlalchemy as sa

from ..failpoints import failpoint
from ..files import replacing
from ..templates import CONFIG_DIR, cell_labels, load_templates, read_yaml
from ..types import failure_reason, flag_reason
from ..verify.years import link_years
from . import output
from .database import CELLS, CORRECTIONS, CROSS_CHECKS, METADATA, REPORTS, cell_rows, cross_check_rows, default_db_url
from .output import Problem
from .review_pages import review_items, write_review_html

FIXED = ["source", "source_pages", "agency", "agency_key", "year", "template", "pages", "flagged"]


def source_pages(data: dict) -> str | None:
    """"5-9": the pages of its file a volume's report spans; None for a file of one report."""
    pages = data.get("source_pages")
    return f"{pages[0]}-{pages[1]}" if pages else None

def cell_columns() -> list[tuple[str, str]]:
    """Every cell id of every format (2021's first, then 2019's own, then the pre-2019
    indicators) with its printed label."""
    columns, seen = [], set()
    for template_id in ("2021", "2019", "pre-2019"):
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
        fixed = [data["source"], source_pages(data), data["report"]["agency"], data["report"].get("agency_key"), data["report"]["year"],
                 data["template"], data["pages"], sum(c["needs_review"] for c in cells.values())]
        yield fixed, [(cells[cid]["value"], cells[cid]["needs_review"]) if cid in cells else (None, False)
                      for cid, _ in columns]


def write_cells_csv(out_dir: Path, reports: list[dict]) -> Path:
    """Long format: one row per report and cell (printed false: the document does not print
    it, which a blank value alone would not tell)."""
    path = out_dir / "cells.csv"
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "cell_id", "value", "confidence", "needs_review", "printed"])
        for rep in reports:
            for cid, cell in rep["cells"].items():
                value = "" if cell["value"] is None else cell["value"]
                w.writerow([rep["source"], cid, value, cell["confidence"], str(cell["needs_review"]).lower(),
                            str(cell.get("printed", True)).lower()])
    return path



def write_reports_csv(out_dir: Path, reports: list[tuple[str, dict]]) -> Path:
    columns = cell_columns()
    path = out_dir / "reports.csv"
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:  # BOM: for Excel
        w = csv.writer(f)
        w.writerow(FIXED + [cid for cid, _ in columns])
        w.writerow([""] * len(FIXED) + [label for _, label in columns])
        for fixed, cells in _rows(reports):
            w.writerow(fixed + ["" if v is None else v for v, _ in cells])
    return path


@lru_cache(maxsize=1)
def panel_quantities() -> dict[str, dict]:
    """configs/panel.yaml: the quantities every format counts alike, and their cells in each."""
    return read_yaml(CONFIG_DIR / "panel.yaml")["quantities"]


def panel_value(data: dict, quantity: dict) -> tuple[float | int | None, bool]:
    """A report's value of a panel quantity (the sum of its cells; None where one is not printed
    or not found, or the format has no such cells) and whether a cell of it is flagged."""
    ids = quantity.get(data["template"]) or []
    cells = [data["cells"].get(cid) for cid in ids]
    if not ids or any(c is None or not c.get("printed", True) or (c["value"] is None and c["confidence"] == 0)
                      for c in cells):
        return None, any(c is not None and c["needs_review"] for c in cells)
    return sum(c["value"] or 0 for c in cells), any(c["needs_review"] for c in cells)


def write_panel_csv(out_dir: Path, reports: list[tuple[str, dict]]) -> Path:
    """One row per report, the quantities all formats count alike (configs/panel.yaml), each
    with whether a cell of it is flagged: a panel of one agency over 2008-2025 is a group-by
    on agency_key and year."""
    quantities = panel_quantities()
    path = out_dir / "panel.csv"
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["source", "source_pages", "agency", "agency_key", "year", "template"] +
                   [name for q in quantities for name in (q, f"{q}_flagged")])
        for _, data in reports:
            values = [panel_value(data, quantity) for quantity in quantities.values()]
            w.writerow([data["source"], source_pages(data), data["report"]["agency"], data["report"].get("agency_key"),
                        data["report"]["year"], data["template"]] +
                       [x for value, flagged in values for x in ("" if value is None else value, str(flagged).lower())])
    return path


def write_reports_xlsx(out_dir: Path, reports: list[tuple[str, dict]]) -> Path:
    """Written row by row (openpyxl's write-only mode: a batch of thousands in seconds)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font, PatternFill

    columns = cell_columns()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("reports")
    ws.freeze_panes = "H3"
    bold, flagged_fill = Font(bold=True), PatternFill("solid", fgColor="FFE699")

    def styled(value, **style):
        cell = WriteOnlyCell(ws, value)
        for name, v in style.items():
            setattr(cell, name, v)
        return cell

    ws.append([styled(v, font=bold) for v in FIXED + [cid for cid, _ in columns]])
    ws.append([styled(v, font=bold) for v in [""] * len(FIXED) + [label for _, label in columns]])
    for fixed, cells in _rows(reports):
        ws.append(fixed + [styled(v, fill=flagged_fill) if flagged else v for v, flagged in cells])
    path = out_dir / "reports.xlsx"
    with replacing(path) as tmp:
        wb.save(tmp)
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
    for i, (name, kind) in enumerate(zip(FIXED, (pa.string(), pa.string(), pa.string(), pa.string(), pa.int64(),
                                                 pa.string(), pa.int64(), pa.int64()))):
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
    path = out_dir / "reports.parquet"
    with replacing(path) as tmp:
        pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), tmp)
    return path


def write_database(out_dir: Path, reports: list[tuple[str, dict]], db_url: str | None = None):
    """Reports, cells and cross-checks into the batch's database (the review workflow's),
    replaced whole (the tables too: they are derived from the report JSONs, whichever version
    wrote them)."""
    engine = sa.create_engine(db_url or default_db_url(out_dir))
    METADATA.drop_all(engine, tables=[CELLS, CROSS_CHECKS, REPORTS], checkfirst=True)
    METADATA.create_all(engine, tables=[REPORTS, CELLS, CROSS_CHECKS, CORRECTIONS])
    with engine.begin() as conn:
        for stem, data in reports:
            conn.execute(REPORTS.insert().values(
                stem=stem, source=data["source"], source_pages=source_pages(data), template=data["template"], agency=data["report"]["agency"],
                agency_key=data["report"].get("agency_key"), year=data["report"]["year"], pages=data["pages"],
                sha256=data.get("sha256")))
            conn.execute(CELLS.insert(), cell_rows(stem, data))
            checks = cross_check_rows(stem, data)
            if checks:
                conn.execute(CROSS_CHECKS.insert(), checks)
    engine.dispose()


def write_batch_exports(out_dir: Path, db_url: str | None = None) -> tuple[list[tuple[str, dict]], list[Problem]]:
    """First links the reports of one agency's consecutive years (years.py), writing back those
    whose checks or agency key changed: a report finished now checks a year already there. Then
    every export. A report that cannot be linked or exported is left out of that alone, and an
    export that cannot be written does not stop the others: each is a problem, recorded in
    errors.jsonl and returned with the reports."""
    reports = output.load_reports(out_dir)
    source = {stem: str(data.get("source_path") or data.get("source") or stem) for stem, data in reports}
    problems = []
    changed, unlinked = link_years(reports)
    problems += [Problem(source[stem], "years", reason, failed=False) for stem, reason in unlinked.items()]
    for stem, data in reports:
        if stem in changed:
            try:
                output.write_report(out_dir, stem, data)
            except Exception as e:
                problems.append(Problem(source[stem], "years", failure_reason(e), failed=False))
    exportable = []
    for stem, data in reports:
        try:
            failpoint("exports", data["source"])
            _rows_of(stem, data)
            exportable.append((stem, data))
        except Exception as e:
            problems.append(Problem(source[stem], "exports", f"left out of the exports: {failure_reason(e)}",
                                    failed=False))
    for name, write in (("cells.csv", lambda: write_cells_csv(out_dir, [data for _, data in exportable])),
                        ("reports.csv", lambda: write_reports_csv(out_dir, exportable)),
                        ("reports.xlsx", lambda: write_reports_xlsx(out_dir, exportable)),
                        ("reports.parquet", lambda: write_reports_parquet(out_dir, exportable)),
                        ("panel.csv", lambda: write_panel_csv(out_dir, exportable)),
                        ("the database", lambda: write_database(out_dir, exportable, db_url)),
                        ("review.html", lambda: write_review_html(out_dir, exportable))):
        try:
            write()
        except Exception as e:
            problems.append(Problem(str(out_dir / name) if "." in name else name, "exports", failure_reason(e),
                                    failed=False))
    for problem in problems:
        output.append_error(out_dir, problem)
    return reports, problems


def _rows_of(stem: str, data: dict):
    """Every row the exports make of one report, made once to find a report they cannot take (a
    JSON edited by hand, a field missing) before it breaks an export for all."""
    next(_rows([(stem, data)]))
    cell_rows(stem, data)
    cross_check_rows(stem, data)
    for ids in review_items(data):  # its part of review.html
        cell_labels(data["template"], ids[0])
        [flag_reason(data["cells"][cid]) for cid in ids]
