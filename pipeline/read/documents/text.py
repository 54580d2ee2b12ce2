"""Plain-text extractions of reports, in the styles the seed files show:

- one cell per line, each starting with a tab (a tab alone is an empty cell); a line without a
  tab continues the cell above (a wrapped label); a blank line ends the row;
- one row per line, cells separated by tabs, or by " | " (a trailing separator closes the row).

A text extraction loses how wide a merged cell was, so its tables carry geometry "rows" and
are mapped onto the template by the order of the cells in each row.
"""
from __future__ import annotations

import re
from pathlib import Path

from ...types import InputError, StructuredDocument
from ..ingest import decode_text
from .grid import GridCell, grid_table

_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")  # a Word bookmark left in the text by the extraction


def _row_cells(line: str) -> list[str] | None:
    """The cells of a one-row-per-line line, or None when the line is not one."""
    body = line.rstrip("\r\n")
    if "|" in body:
        parts = body.split("|")
    elif "\t" in body.strip("\t") or (body and not body.startswith("\t") and "\t" in body):
        parts = body.split("\t")
    else:
        return None
    if body.rstrip(" ").endswith(("|", "\t")):
        parts = parts[:-1]  # the separator closes the row
    return [p.strip() for p in parts]


class _TableBuilder:
    def __init__(self):
        self.rows: list[list[str]] = []
        self.cells: list[str] | None = None  # the cell-per-line row being read

    def flush_row(self):
        if self.cells is not None:
            self.rows.append(self.cells)
            self.cells = None

    def table(self):
        self.flush_row()
        rows = [r for r in self.rows if any(c for c in r)]
        cells = [GridCell(r, c, 1, 1, text) for r, row in enumerate(rows) for c, text in enumerate(row)]
        return grid_table(cells, geometry="rows")


def read_text(path: Path) -> StructuredDocument:
    text = decode_text(path.read_bytes())
    if text is None:
        raise InputError("not a text file (binary content)")
    tables, title_lines, prose = [], [], []
    builder: _TableBuilder | None = None
    previous = "blank"  # what the previous line was: blank, cell, row or prose

    def close():
        nonlocal builder
        if builder is not None:
            table = builder.table()
            if table is not None:
                tables.append(table)
        builder = None

    for line in text.splitlines():
        line = _BOOKMARK.sub("", line)
        if not line.strip() and not line.startswith("\t"):
            if builder is not None:
                builder.flush_row()
            previous = "blank"
            continue
        row = _row_cells(line)
        if row is not None:
            builder = builder or _TableBuilder()
            builder.flush_row()
            builder.rows.append(row)
            previous = "row"
        elif line.startswith("\t"):
            builder = builder or _TableBuilder()
            if builder.cells is None:
                builder.cells = []
            builder.cells.append(line.strip())
            previous = "cell"
        elif previous == "cell" and builder is not None and builder.cells:
            builder.cells[-1] += line.strip()  # a wrapped label
        else:
            close()
            prose.append(line.strip())
            if not tables and len(title_lines) < 6:
                title_lines.append(line.strip())
            previous = "prose"
    close()
    return StructuredDocument(tables, title_lines, prose)
