"""Write a composed report as an HTML page (tables with rowspan/colspan, after the navigation
text a government site puts first). Word documents: word.py."""
from __future__ import annotations

import html
import random
import shutil
import subprocess
from pathlib import Path

import numpy as np
from PIL import Image

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
        elif block.kind == "picture":
            parts.append(f"<p style='text-align:center'><img src='{text}' style='width:{block.width_cm:.1f}cm'></p>")
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


CHROMIUM = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-pdf-header-footer"]


def print_to_pdf(page: Path, pdf: Path) -> Path:
    """A web page printed to PDF by Chromium, as a browser lays it out (real pages' layouts as
    born-digital reports, to scan or bind)."""
    exe = shutil.which("chromium")
    if exe is None:
        raise RuntimeError("printing a web page needs Debian's chromium (`make test` installs it)")
    subprocess.run([exe, *CHROMIUM, f"--print-to-pdf={pdf}", page.resolve().as_uri()], check=True,
                   capture_output=True, timeout=120)
    return pdf


def screenshot(page: Path, png: Path, scale: float = 1.0, size: tuple[int, int] = (1600, 4000)) -> np.ndarray:
    """What Chromium shows of a web page in a window of `size` CSS pixels, at `scale` device
    pixels per CSS pixel, as RGB."""
    exe = shutil.which("chromium")
    if exe is None:
        raise RuntimeError("a screenshot of a web page needs Debian's chromium (`make test` installs it)")
    subprocess.run([exe, *CHROMIUM, "--hide-scrollbars", f"--force-device-scale-factor={scale}",
                    f"--window-size={size[0]},{size[1]}", f"--screenshot={png}", page.resolve().as_uri()],
                   check=True, capture_output=True, timeout=120)
    return np.asarray(Image.open(png).convert("RGB"))
