"""Build a Table from cells placed on a lattice (row, column, spans), as Word and HTML give them."""
from __future__ import annotations

from dataclasses import dataclass

from ...types import Cell, Table


@dataclass
class GridCell:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str


def place_rows(rows: list[list[tuple[str, int, int]]]) -> list[GridCell]:
    """HTML-style rows of (text, rowspan, colspan) onto a lattice: a cell takes the first
    column not covered by a rowspan from above."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for text, row_span, col_span in row:
            while (r, c) in taken:
                c += 1
            out.append(GridCell(r, c, max(1, row_span), max(1, col_span), text))
            for dr in range(max(1, row_span)):
                for dc in range(max(1, col_span)):
                    taken.add((r + dr, c + dc))
            c += max(1, col_span)
    return out


def grid_table(cells: list[GridCell], geometry: str = "grid") -> Table | None:
    """A Table whose bboxes are lattice units; None for an empty table."""
    if not cells:
        return None
    n_rows = max(c.row + c.row_span for c in cells)
    n_cols = max(c.col + c.col_span for c in cells)
    table = Table(page=None, bbox=(0.0, 0.0, float(n_cols), float(n_rows)), n_rows=n_rows, n_cols=n_cols,
                  geometry=geometry)
    for g in sorted(cells, key=lambda g: (g.row, g.col)):
        text = g.text.strip()
        table.cells.append(Cell(row=g.row, col=g.col, row_span=g.row_span, col_span=g.col_span,
                                bbox=(float(g.col), float(g.row), float(g.col + g.col_span), float(g.row + g.row_span)),
                                text=text, char_probs=[1.0] * len(text), numeric_text=text,
                                numeric_probs=[1.0] * len(text), numeric_options=[[(ch, 1.0)] for ch in text]))
    return table
