"""Rulings from a born-digital page's drawing: the lattices the image's rulings give, and the
image left to read wherever the drawing may not be what is seen."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pypdfium2 as pdfium
import pytest
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from PIL import Image

from pipeline.read.drawing import drawn_lines, page_marks
from pipeline.read.ingest import iter_pages
from pipeline.read.layout import LayoutOptions, find_tables, ruling_lines
from pipeline.read.structure.ruled import build_grid

from ..conftest import DATA

OPTIONS = LayoutOptions()
SCALE = 200 / 72


def lattices(lines, page) -> list:
    """Each table's shape and its cells (the rows of a cell taller than a twentieth of an inch:
    a gap of a few pixels between two stacked tables is a row of its own, split or not)."""
    out = []
    for region in find_tables(lines, OPTIONS):
        table = build_grid(lines, region, page.number, page.dpi, worn=False)
        if table is not None:
            out.append((table.n_rows, table.n_cols,
                        [(c.row, c.col, c.row_span, c.col_span, c.bbox) for c in table.cells
                         if c.bbox[3] - c.bbox[1] >= 0.05 * page.dpi]))
    return out


@pytest.mark.parametrize("source", ["generated 2021", "generated 2019", "hongze2023", "hongze2024"])
def test_the_drawing_gives_the_lattices_the_image_gives(source, generated):
    path = generated[("digital", source.split()[1])].pdf if source.startswith("generated") \
        else DATA / "real" / f"{source}.pdf"
    tables = 0
    for page in iter_pages(path, 200):
        assert page.words is not None and page.marks is not None
        seen, drawn = lattices(ruling_lines(page.image, page.dpi, OPTIONS), page), \
            lattices(drawn_lines(page.marks, page.image, page.dpi, OPTIONS), page)
        assert [t[:2] for t in drawn] == [t[:2] for t in seen], page.number
        for a, b in zip(seen, drawn):
            assert [c[:4] for c in b[2]] == [c[:4] for c in a[2]], page.number
            assert max(np.abs(np.subtract(c[4], d[4])).max() for c, d in zip(a[2], b[2])) <= 4
        tables += len(seen)
    assert tables >= 3


def one_page(path: Path, draw) -> pdfium.PdfPage:
    pdf = canvas.Canvas(str(path), pagesize=(600, 800))
    draw(pdf)
    pdf.save()
    return pdfium.PdfDocument(str(path))[0]


def marks_of(path: Path, draw) -> list | None:
    return page_marks(one_page(path, draw), SCALE, int(800 * SCALE))


def test_rulings_are_stroked_lines_and_thin_fills_not_curves_slants_or_dashed_verticals(tmp_path):
    def draw(pdf):
        pdf.setLineWidth(1)
        pdf.line(100, 700, 500, 700)  # a ruling
        pdf.line(100, 700, 100, 500)  # and one down
        pdf.rect(100, 499.5, 400, 1, stroke=0, fill=1)  # a browser's: a thin filled bar
        pdf.line(100, 400, 300, 300)  # slanted
        pdf.bezier(100, 200, 200, 250, 300, 150, 400, 200)  # curved
        pdf.bezier(100, 650, 200, 650, 300, 650, 500, 650)  # a ruling drawn as a curve
        pdf.setDash(3, 3)
        pdf.line(300, 700, 300, 500)  # dashed upright: the image's reading leaves it to the text
        pdf.line(100, 600, 500, 600)  # dashed across: a ruling, whole

    marks = marks_of(tmp_path / "a.pdf", draw)
    boxes = np.array(sorted((m.x0 / SCALE, 800 - m.y1 / SCALE, m.x1 / SCALE, 800 - m.y0 / SCALE) for m in marks))
    # in points, bottom up; a stroke's bar half its width (0.5 pt) beyond the line each way
    assert np.abs(boxes - [(100, 500, 100, 700), (100, 600, 500, 600), (100, 650, 500, 650), (100, 700, 500, 700),
                           (100, 499.5, 500, 500.5)]).max() <= 0.6
    assert all(m.ink for m in marks)


@pytest.mark.parametrize("what", ["picture", "picture in strips", "dark block", "shading"])
def test_a_page_whose_drawing_may_hide_its_rulings_is_left_to_the_image(tmp_path, what):
    def draw(pdf):
        pdf.line(100, 700, 500, 700)
        if what == "picture":  # a scan under a text layer: its rulings are in the picture
            pdf.drawImage(ImageReader(Image.new("L", (300, 400), 200)), 50, 50, 500, 700)
        elif what == "picture in strips":  # a scanner's: none of them large alone
            for k in range(4):
                pdf.drawImage(ImageReader(Image.new("L", (300, 100), 200)), 50, 50 + 175 * k, 500, 175)
        elif what == "dark block":  # a banner, white text on it
            pdf.rect(50, 50, 500, 300, stroke=0, fill=1)
        else:  # a gradient: what it shows is not in the drawing's lines
            pdf.linearGradient(50, 50, 550, 350, ((0, 0, 0), (1, 1, 1)), extend=False)

    assert marks_of(tmp_path / "b.pdf", draw) is None


def test_a_fill_painted_over_a_ruling_cuts_it(tmp_path):
    def draw(pdf):
        pdf.line(100, 700, 500, 700)
        pdf.line(100, 500, 500, 500)
        pdf.line(100, 700, 100, 500)
        pdf.line(500, 700, 500, 500)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.rect(250, 650, 100, 100, stroke=0, fill=1)  # over the top ruling's middle

    page = one_page(tmp_path / "c.pdf", draw)
    grey = np.full((int(800 * SCALE), int(600 * SCALE)), 255, np.uint8)
    lines = drawn_lines(page_marks(page, SCALE, grey.shape[0]), grey, 200, OPTIONS)
    top, bottom = int((800 - 700) * SCALE), int((800 - 500) * SCALE)
    assert not lines.horizontal[top - 3:top + 4, int(260 * SCALE):int(340 * SCALE)].any()
    assert lines.horizontal[top - 3:top + 4, int(110 * SCALE):int(240 * SCALE)].any(axis=0).all()
    assert lines.horizontal[bottom - 3:bottom + 4, int(110 * SCALE):int(490 * SCALE)].any(axis=0).all()
    assert lines.vertical[top + 10:bottom - 10, int(100 * SCALE) - 3:int(100 * SCALE) + 4].any(axis=1).all()


def test_a_drawing_that_cannot_be_walked_leaves_the_page_to_the_image(tmp_path, monkeypatch, generated):
    """The drawing is a shortcut: where walking it fails, the page is read from its image."""
    from pipeline.read import drawing

    def broken(*args):
        raise RuntimeError("a path pdfium cannot give")

    monkeypatch.setattr(drawing, "_path_marks", broken)
    pages = list(iter_pages(generated[("digital", "2021")].pdf, 200))
    assert pages and all(page.words is not None and page.marks is None for page in pages)
