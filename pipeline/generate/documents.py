"""Write a composed report as a Word .docx (python-docx, real merged cells) or an HTML page
(tables with rowspan/colspan, after the navigation text a government site puts first)."""
from __future__ import annotations

import html
from pathlib import Path

from .render import ReportContent
from .tables import Grid


def write_docx(content: ReportContent, path: Path):
    import docx

    document = docx.Document()
    for block in content.blocks:
        if block.kind == "table":
            _docx_table(document, block.grid)
        else:
            document.add_paragraph(block.text)
    document.save(str(path))


def _docx_table(document, grid: Grid):
    n_cols = len(grid.col_widths)
    table = document.add_table(rows=grid.n_rows, cols=n_cols)
    table.style = "Table Grid"
    for cell in grid.cells:
        target = table.cell(cell.row, cell.col)
        if cell.rowspan > 1 or cell.colspan > 1:
            target = target.merge(table.cell(cell.row + cell.rowspan - 1, cell.col + cell.colspan - 1))
        target.text = cell.text


def write_html(content: ReportContent, path: Path):
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'>",
             f"<title>{html.escape(content.agency)}政府信息公开工作年度报告</title></head><body>",
             "<div class='nav'>首页 &gt; 政务公开 &gt; 政府信息公开年报</div>"]
    for block in content.blocks:
        text = html.escape(block.text)
        if block.kind == "title":
            parts.append(f"<h2 style='text-align:center'>{text}</h2>")
        elif block.kind == "heading":
            parts.append(f"<p><strong>{text}</strong></p>")
        elif block.kind == "para":
            parts.append(f"<p>{text}</p>")
        else:
            parts.append(_html_table(block.grid))
    parts.append("</body></html>")
    path.write_text("\n".join(parts), encoding="utf-8")


def _html_table(grid: Grid) -> str:
    rows = []
    for r in range(grid.n_rows):
        tds = []
        for cell in sorted((c for c in grid.cells if c.row == r), key=lambda c: c.col):
            span = (f" rowspan='{cell.rowspan}'" if cell.rowspan > 1 else "") + \
                   (f" colspan='{cell.colspan}'" if cell.colspan > 1 else "")
            tds.append(f"<td{span}>{html.escape(cell.text)}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return "<table border='1' cellspacing='0'>" + "".join(rows) + "</table>"
