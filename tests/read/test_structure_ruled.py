import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline.generate.scan import ScanOptions, degrade
from pipeline.read.ingest import iter_pages
from pipeline.read.layout import LayoutOptions, PageNormaliser, find_tables, ruling_lines
from pipeline.read.structure.ruled import build_grid
from pipeline.types import Page


def _t4_table(page):
    opt = LayoutOptions()
    lines = ruling_lines(page.image, page.dpi, opt)
    tables = [build_grid(lines, region, page.number, page.dpi) for region in find_tables(lines, opt)]
    return [t for t in tables if t and t.n_cols == 15]


@pytest.mark.parametrize("skew", [0.0, 2.0, -2.0])
def test_table_four_lattice_and_merges_survive_skew(generated, skew):
    """Table 四: 15 columns; 行政复议 spans 5, 行政诉讼 spans 10, the leaf headers of 行政复议 span 2 rows."""
    pages = list(iter_pages(generated[("digital", "2021")].pdf))
    found = []
    for page in pages:
        tilted = np.asarray(Image.fromarray(page.image).rotate(skew, fillcolor=255, resample=Image.BILINEAR))
        scan = degrade(tilted, random.Random(1), ScanOptions(max_skew=0.0))
        found += _t4_table(PageNormaliser()(Page(number=page.number, image=scan, dpi=page.dpi)))
    (table,) = [t for t in found if t.n_rows >= 4]
    spans = sorted((c.row, c.col, c.row_span, c.col_span) for c in table.cells)
    assert (0, 0, 1, 5) in spans and (0, 5, 1, 10) in spans
    assert (1, 0, 2, 1) in spans and (1, 5, 1, 5) in spans and (1, 10, 1, 5) in spans
    assert sum(1 for s in spans if s[0] == table.n_rows - 1 and s[2:] == (1, 1)) == 15


def test_a_one_row_table_keeps_a_worn_vertical_ruling():
    """A short row's ruling broken by a gap leaves no run long enough for the line masks; it
    still separates the two values."""
    import cv2

    dpi = 200
    image = np.full((400, 1200), 235, np.uint8)
    xs = [100, 300, 500, 700, 900, 1100]
    cv2.rectangle(image, (xs[0], 100), (xs[-1], 160), 40, 2)
    for x in xs[1:-1]:
        cv2.line(image, (x, 100), (x, 160), 40, 2)
    image[120:129, 497:504] = 235  # a gap in a vertical ruling: 20 and 31 px of it left
    for i, x in enumerate(xs[:-1]):
        cv2.putText(image, str(7 * i), (x + 80, 142), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 40, 2)
    opt = LayoutOptions()
    lines = ruling_lines(image, dpi, opt)
    (region,) = find_tables(lines, opt)
    table = build_grid(lines, region, 1, dpi)
    assert (table.n_rows, table.n_cols, len(table.cells)) == (1, 5, 5)


def test_large_type_strokes_are_not_rulings():
    """A browser's print of a web page sets a table in type large enough that a character's
    vertical stroke (中, 申, 目) is as long as a one-row ruling: it is text standing inside
    its cell, not a column boundary, and it is not erased from the character."""
    import cv2
    from PIL import ImageDraw, ImageFont

    from pipeline.generate.render import FONT_FILES

    dpi, xs, ys = 200, [60, 520, 760, 1000], [60, 160, 260]
    image = Image.new("L", (1100, 330), 235)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(next(p for p in FONT_FILES.values() if Path(p).exists()), 48)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=40, width=3)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=40, width=3)
    for row, label in enumerate(("中申目中", "甲申中目")):
        draw.text((xs[0] + 12, ys[row] + 24), label, font=font, fill=40)
        for col in range(1, 3):
            draw.text((xs[col] + 90, ys[row] + 24), str(3 * row + col), font=font, fill=40)
    page = np.asarray(image)
    lines = ruling_lines(page, dpi, LayoutOptions())
    strokes = cv2.dilate(lines.vertical, np.ones((1, 11), np.uint8))
    assert not strokes[ys[0] + 5:ys[-1] - 5, xs[0] + 8:xs[1] - 8].any()  # the labels keep their strokes
    (region,) = find_tables(lines, LayoutOptions())
    table = build_grid(lines, region, 1, dpi)
    assert (table.n_rows, table.n_cols, len(table.cells)) == (2, 3, 6)


def test_strokes_of_text_sitting_on_a_tight_rows_ruling_are_not_rulings():
    """Rows barely taller than their large type, the text sitting on each row's lower ruling (a
    real pre-2019 table printed from its web page): a character's stroke meets that ruling at
    one end, and the strokes of 申 in two labels one above the other join across the ruling
    between them (both shorter than a ruling that runs on with one end lost). Neither is a column boundary; a worn ruling's pieces, in line with the
    ruling, still are."""
    import cv2
    from PIL import ImageDraw, ImageFont

    from pipeline.generate.render import FONT_FILES

    dpi, xs, ys = 200, [60, 620, 860], [60, 130, 200, 270]
    image = Image.new("L", (960, 340), 235)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(next(p for p in FONT_FILES.values() if Path(p).exists()), 52)
    for x in xs:
        draw.line([(x, ys[0]), (x, ys[-1])], fill=40, width=3)
    for y in ys:
        draw.line([(xs[0], y), (xs[-1], y)], fill=40, width=3)
    draw.rectangle([xs[2] - 2, ys[1] + 15, xs[2] + 2, ys[1] + 45], fill=235)  # worn: a gap in the ruling
    for row, label in enumerate(("4.网上申请数", "5.信函申请数", "6.网站公开")):
        bottom = draw.textbbox((0, 0), label, font=font)[3]
        draw.text((xs[0] + 6, ys[row + 1] - bottom + 1), label, font=font, fill=40)
        draw.text((xs[1] + 90, ys[row + 1] - bottom + 1), str(row), font=font, fill=40)
    page = np.asarray(image)
    lines = ruling_lines(page, dpi, LayoutOptions())
    strokes = cv2.dilate(lines.vertical, np.ones((1, 11), np.uint8))
    assert not strokes[ys[0] + 5:ys[-1] - 5, xs[0] + 8:xs[1] - 8].any()  # the labels keep their strokes
    assert lines.vertical[ys[1] + 50:ys[2] - 5, xs[2] - 3:xs[2] + 4].any()  # the worn ruling's pieces
    assert lines.vertical[ys[1] + 5:ys[1] + 10, xs[2] - 3:xs[2] + 4].any()
    (region,) = find_tables(lines, LayoutOptions())
    table = build_grid(lines, region, 1, dpi)
    assert (table.n_rows, table.n_cols, len(table.cells)) == (3, 2, 6)


@pytest.mark.parametrize("side", ["right", "left", "none"])
def test_a_table_whose_outer_border_was_lost_ends_where_its_rulings_end(side):
    """A 1-bit threshold took a light border away, or it was never printed: the top and bottom
    rulings run on past the last vertical one together, and the column they close is a column.
    A rule that runs on alone (a heading's underline joined to the table) closes none."""
    import cv2

    dpi = 200
    image = np.full((500, 1300), 235, np.uint8)
    xs, ys = [100, 300, 500, 700, 900, 1100], [100, 160, 220, 280]
    for y in ys:
        cv2.line(image, (xs[0], y), (xs[-1], y), 40, 2)
    kept = xs[:-1] if side == "right" else xs[1:] if side == "left" else xs
    for x in kept:
        cv2.line(image, (x, ys[0]), (x, ys[-1]), 40, 2)
    if side == "none":  # all borders kept, and an underline running on from the top rule
        cv2.line(image, (xs[-1], ys[0]), (1250, ys[0]), 40, 2)
    for r, (top, bottom) in enumerate(zip(ys, ys[1:])):
        for c, x in enumerate(xs[:-1]):
            cv2.putText(image, str(r * 5 + c), (x + 80, bottom - 18), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 40, 2)
    opt = LayoutOptions()
    lines = ruling_lines(image, dpi, opt)
    (region,) = find_tables(lines, opt)
    table = build_grid(lines, region, 1, dpi)
    assert (table.n_rows, table.n_cols, len(table.cells)) == (3, 5, 15)
    edge = xs[-1] if side == "right" else xs[0]
    assert min(abs(c.bbox[2 if side == "right" else 0] - edge) for c in table.cells) <= 4
