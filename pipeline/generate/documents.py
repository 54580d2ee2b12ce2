"""Write a composed report as an HTML page (tables with rowspan/colspan, after the navigation
text a government site puts first). Word documents: word.py."""
from __future__ import annotations

import html
import random
from pathlib import Path

from .content import ReportContent
from .tables import Grid


def write_html(content: ReportContent, path: Path, rng: random.Random):
    """The page's <title> is the report's title year first with the site's name after it (as
    a real city's page has it); a third of the pages print no title in the body, only there."""
    site = rng.choice(["人民政府", "政务公开网", "门户网站"])
    page_title = f"{content.year}年{content.agency}政府信息公开工作年度报告_{site}"
    parts = ["<!DOCTYPE html><html><head><meta charset='utf-8'>",
             f"<title>{html.escape(page_title)}</title></head><body>",
             "<div class='nav'>首页 &gt; 政务公开 &gt; 政府信息公开年报</div>"]
    body_title = rng.random() < 0.67
    for block in content.blocks:
        text = html.escape(block.text)
        if block.kind == "title":
            if body_title:
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
            text = "<br>".join(html.escape(line) for line in cell.text.split("\n"))
            tds.append(f"<td{span}>{text}</td>")
        rows.append("<tr>" + "".join(tds) + "</tr>")
    return "<table border='1' cellspacing='0'>" + "".join(rows) + "</table>"
