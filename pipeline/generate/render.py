"""A report's content written as a born-digital PDF (reportlab).

The page flow is done here rather than with reportlab's platypus so that table 三 can break
across pages mid-span exactly as Word does, and so a header row can be repeated or not.
"""
from __future__ import annotations

import random
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from .content import ReportContent
from .tables import Grid

FONT_FILES = {
    "wqy-zenhei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "wqy-microhei": "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "ar-uming": "/usr/share/fonts/truetype/arphic/uming.ttc",
    "ar-ukai": "/usr/share/fonts/truetype/arphic/ukai.ttc",
}


def _register_fonts() -> list[str]:
    names = []
    for name, path in FONT_FILES.items():
        if not Path(path).exists():
            continue
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(name, path, subfontIndex=0))
        names.append(name)
    if not names:
        raise RuntimeError("no CJK font found: install fonts-wqy-zenhei (make demo does)")
    return names


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Chinese wraps between any two characters; a "\n" breaks the line."""
    if "\n" in text:
        return [line for part in text.split("\n") for line in _wrap(part, font, size, width)]
    lines, line = [], ""
    for ch in text:
        if line and pdfmetrics.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line] if line else lines or [""]


class PageWriter:
    """A cursor down A4 pages of a reportlab canvas."""

    def __init__(self, path: Path, font: str, size: float, rng: random.Random):
        self.c = canvas.Canvas(str(path), pagesize=A4)
        self.font, self.size, self.rng = font, size, rng
        self.margin = rng.uniform(54, 80)
        self.width = A4[0] - 2 * self.margin
        self.pages = 1
        self.y = A4[1] - self.margin

    def new_page(self):
        self.c.showPage()
        self.pages += 1
        self.y = A4[1] - self.margin

    def room(self) -> float:
        return self.y - self.margin

    def text(self, text: str, size: float | None = None, center: bool = False, indent: bool = False):
        size = size or self.size
        lead = size * 1.6
        first_indent = 2 * size if indent else 0
        for i, line in enumerate(_wrap(text, self.font, size, self.width - first_indent)):
            if self.room() < lead:
                self.new_page()
            self.c.setFont(self.font, size)
            x = self.margin + (first_indent if i == 0 else 0)
            if center:
                x = (A4[0] - pdfmetrics.stringWidth(line, self.font, size)) / 2
            self.y -= lead
            self.c.drawString(x, self.y + size * 0.3, line)

    def gap(self, h: float):
        self.y -= h

    def table(self, grid: Grid, repeat_header: bool):
        size = self.size * self.rng.uniform(0.8, 0.92)
        lead, pad = size * 1.3, size * 0.5
        widths = [w / sum(grid.col_widths) * self.width for w in grid.col_widths]
        xs = [self.margin + sum(widths[:i]) for i in range(len(widths) + 1)]
        heights = [size * 2.2] * grid.n_rows
        wrapped = {}
        for cell in grid.cells:
            w = xs[cell.col + cell.colspan] - xs[cell.col] - 2 * pad
            wrapped[id(cell)] = _wrap(cell.text, self.font, size, w)
            need = len(wrapped[id(cell)]) * lead + 2 * pad
            span = range(cell.row, cell.row + cell.rowspan)
            have = sum(heights[r] for r in span)
            if need > have:
                heights[cell.row + cell.rowspan - 1] += need - have
        page_rows: list[list[int]] = [[]]  # row indices drawn on each page
        if self.room() < heights[0] * 3:
            self.new_page()
        y = self.y
        tops: dict[int, tuple[int, float]] = {}  # row -> (page slot, top y)
        for r, h in enumerate(heights):
            if y - h < self.margin:
                page_rows.append([])
                y = A4[1] - self.margin
                if repeat_header:
                    for hr in range(grid.header_rows):
                        y -= heights[hr]
            tops[r] = (len(page_rows) - 1, y)
            page_rows[-1].append(r)
            y -= h
        # A cell broken by a page break prints its text in its taller part, as Word does.
        text_slot = {}
        for cell in grid.cells:
            span = range(cell.row, cell.row + cell.rowspan)
            text_slot[id(cell)] = max({tops[r][0] for r in span},
                                      key=lambda s: sum(heights[r] for r in span if tops[r][0] == s))
        line_width = self.rng.choice([0.5, 0.75, 1.0])
        for slot, rows in enumerate(page_rows):
            if slot:
                self.new_page()
            self.c.setLineWidth(line_width)
            if slot and repeat_header:
                header = range(grid.header_rows)
                self._draw_rows(grid, header, xs, heights, A4[1] - self.margin, wrapped, size, lead, None)
            self._draw_rows(grid, rows, xs, heights, tops[rows[0]][1], wrapped, size, lead,
                            {i for i, s in text_slot.items() if s == slot})
        self.y = y

    def _draw_rows(self, grid: Grid, rows, xs, heights, top: float, wrapped, size, lead, text_cells):
        rows = list(rows)
        row_top = {r: top - sum(heights[rows[0]:r]) for r in rows}
        for cell in grid.cells:
            covered = [r for r in range(cell.row, cell.row + cell.rowspan) if r in row_top]
            if not covered:
                continue
            y0 = row_top[covered[0]]
            y1 = row_top[covered[-1]] - heights[covered[-1]]
            x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
            self.c.rect(x0, y1, x1 - x0, y0 - y1, stroke=1, fill=0)
            if text_cells is not None and id(cell) not in text_cells:
                continue
            lines = wrapped[id(cell)]
            self.c.setFont(self.font, size)
            ty = (y0 + y1) / 2 + len(lines) * lead / 2 - lead + (lead - size) / 2 + size * 0.15
            for line in lines:
                lw = pdfmetrics.stringWidth(line, self.font, size)
                self.c.drawString((x0 + x1 - lw) / 2, ty, line)
                ty -= lead

    def save(self):
        self.c.save()


def write_pdf(content: ReportContent, path: Path, rng: random.Random) -> int:
    """A Word-like PDF of the content; returns its page count."""
    font = rng.choice(_register_fonts())
    w = PageWriter(path, font, rng.choice([10.5, 11, 12]), rng)
    title_size = rng.choice([16, 18])
    after_title = True
    for block in content.blocks:
        if block.kind == "title":
            w.text(block.text, size=title_size, center=True)
            continue
        if after_title:
            w.gap(12)
            after_title = False
        if block.kind == "heading":
            w.gap(8)
            w.text(block.text)
        elif block.kind == "para":
            w.text(block.text, indent=True)
        else:
            w.gap(4)
            w.table(block.grid, repeat_header=content.repeat_header)
    w.save()
    return w.pages
