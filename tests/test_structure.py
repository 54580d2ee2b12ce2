import random

import numpy as np
import pytest
from PIL import Image

from pipeline.generate.scan import ScanOptions, degrade
from pipeline.ingest import iter_pages
from pipeline.layout import LayoutOptions, PageNormaliser, find_tables, ruling_lines
from pipeline.structure import build_grid
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
