import cv2
import numpy as np
import pytest

from pipeline.read.ingest import iter_pages
from pipeline.read.layout import (LayoutOptions, PageNormaliser, binarize, estimate_skew, find_tables, ruling_lines,
                                  straight_runs)
from pipeline.types import Page


def _rotated(image: np.ndarray, angle: float) -> np.ndarray:
    h, w = image.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(image, m, (w, h), borderValue=255)


@pytest.mark.parametrize("angle", [-2.0, -0.7, 0.0, 1.3, 2.0])
def test_skew_is_measured_within_a_tenth_of_a_degree(generated, angle):
    page = list(iter_pages(generated[("digital", "2021")].pdf))[1]
    measured = estimate_skew(binarize(_rotated(page.image, angle)), 5.0)
    assert measured == pytest.approx(-angle, abs=0.1)


def test_normaliser_straightens_a_scan_and_keeps_the_way_back(generated):
    page = list(iter_pages(generated[("digital", "2021")].pdf))[1]
    scan = Page(number=2, image=_rotated(page.image, 1.5), dpi=page.dpi)
    PageNormaliser()(scan)
    assert estimate_skew(binarize(scan.image), 5.0) == pytest.approx(0.0, abs=0.1)
    assert not np.allclose(scan.to_source, np.eye(3))


@pytest.mark.parametrize("shapes", [((40, 1), (24, 1), (70, 1)), ((1, 40), (1, 24), (1, 40)), ((1, 30), (1, 6), (1, 60))])
def test_straight_runs_worked_on_inked_rows_only_are_the_openings_on_the_whole_page(generated, shapes):
    def whole_page(ink):
        mask = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones(shapes[0][::-1], np.uint8))
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones(shapes[1][::-1], np.uint8))
        return cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones(shapes[2][::-1], np.uint8))
    for page in iter_pages(generated[("scan", "2019")].pdf):
        ink = binarize(page.image)
        expected = whole_page(ink)
        assert expected.any() and np.array_equal(straight_runs(ink, *shapes), expected)


@pytest.mark.parametrize("turn", [0.0, 1.5, 180.0])
def test_the_ink_the_normaliser_leaves_is_of_the_page_as_it_now_is(generated, turn):
    """ruling_lines takes it instead of binarising the page again: it must be the page's after
    every turn (deskewed, or turned upside down by the orientation check), or none."""
    from pipeline.read.ocr import OrientationClassifier

    page = list(iter_pages(generated[("scan", "2021")].pdf))[1]
    image = _rotated(page.image, turn) if turn != 180.0 else cv2.rotate(page.image, cv2.ROTATE_180)
    for orientation in (None, OrientationClassifier(threads=1)):
        scan = Page(number=2, image=image.copy(), dpi=page.dpi)
        PageNormaliser(orientation=orientation)(scan)
        if scan.ink is not None:
            assert np.array_equal(scan.ink, binarize(scan.image))
        if orientation is not None:  # the page binarised for the check is kept, but after a half turn
            assert (scan.ink is not None) == (turn != 180.0)


def test_tables_are_found_on_table_pages_and_not_on_prose(generated):
    opt = LayoutOptions()
    counts = []
    for page in iter_pages(generated[("scan", "2019")].pdf):
        PageNormaliser()(page)
        counts.append(len(find_tables(ruling_lines(page.image, page.dpi, opt), opt)))
    assert sum(counts) >= 3  # tables 二, 三 and 四, some maybe split over pages
    blank = np.full((2339, 1654), 235, np.uint8)
    cv2.putText(blank, "no table here", (200, 400), cv2.FONT_HERSHEY_SIMPLEX, 3, 20, 5)
    assert find_tables(ruling_lines(blank, 200, opt), opt) == []


@pytest.fixture(scope="module")
def upright_page(generated):
    """Page 2 of a born-digital report as a grey image, with the centre of a table cell on it."""
    page = list(iter_pages(generated[("digital", "2021")].pdf))[1]
    opt = LayoutOptions()
    region = find_tables(ruling_lines(page.image, page.dpi, opt), opt)[0]
    return page, ((region[0] + region[2]) / 2, (region[1] + region[3]) / 2)


def _back(page: Page, point) -> np.ndarray:
    """A point of the normalised image on the image the normaliser was given."""
    x, y, w = page.to_source @ np.array([point[0], point[1], 1.0])
    return np.array([x / w, y / w])


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_a_turned_page_is_turned_upright_and_maps_back(upright_page, turns):
    from pipeline.read.ocr import OrientationClassifier

    page, centre = upright_page
    turned = np.ascontiguousarray(np.rot90(page.image, turns))
    scan = Page(number=2, image=turned.copy(), dpi=page.dpi)
    PageNormaliser(orientation=OrientationClassifier())(scan)
    assert scan.image.shape == page.image.shape
    assert np.mean(np.abs(scan.image.astype(int) - page.image.astype(int))) < 3  # the same page, upright
    # where the table's centre is now, on the turned image
    h, w = page.image.shape
    expected = {1: (centre[1], w - 1 - centre[0]), 2: (w - 1 - centre[0], h - 1 - centre[1]),
                3: (h - 1 - centre[1], centre[0])}[turns]
    assert np.allclose(_back(scan, centre), expected, atol=2)


def test_a_photo_of_a_page_is_flattened(upright_page):
    import random

    from pipeline.generate.scan import photograph

    page, centre = upright_page
    photo = photograph(page.image, random.Random(3))
    scan = Page(number=2, image=photo, dpi=page.dpi)
    PageNormaliser()(scan)
    h, w = page.image.shape
    assert abs(scan.image.shape[0] - h) < 0.03 * h and abs(scan.image.shape[1] - w) < 0.03 * w
    opt = LayoutOptions()
    (region, *found) = find_tables(ruling_lines(scan.image, scan.dpi, opt), opt)
    (want, *others) = find_tables(ruling_lines(page.image, page.dpi, opt), opt)
    assert len(found) == len(others)  # no sliver of the desk along an edge taken for a ruling
    # the table where it is on the flat page (the flattened sheet's own size may differ a little)
    size = np.array(scan.image.shape[::-1] * 2, float)
    assert np.allclose(np.array(region) / size, np.array(want) / np.array([w, h, w, h]), atol=0.005)


def test_worn_rulings_still_make_the_grid(upright_page):
    import random

    from pipeline.generate.scan import break_lines
    from pipeline.read.structure.ruled import build_grid

    page, _ = upright_page
    opt = LayoutOptions()
    worn = break_lines(page.image, random.Random(5), page.dpi)
    grids = []
    for image in (page.image, worn):
        lines = ruling_lines(image, page.dpi, opt)
        table = build_grid(lines, find_tables(lines, opt)[0], 2, page.dpi)
        grids.append({(c.row, c.col, c.row_span, c.col_span) for c in table.cells})
    # every ruling is faded and broken about once an inch; where gaps cluster on a short segment
    # two cells may merge (their values then fail to parse or to add up, and are flagged)
    assert len(grids[0] & grids[1]) >= 0.98 * len(grids[0])


def test_a_table_whose_worn_rulings_fell_apart_is_found_whole():
    """A one-row table whose rulings broke into interleaved pieces (the top line on its own, the
    left border with a stub of the bottom line) is one table, not a narrow piece dropped."""
    image = np.full((300, 1400), 235, np.uint8)
    cv2.line(image, (120, 100), (1300, 100), 40, 3)  # top, from just right of the left border
    cv2.line(image, (100, 90), (100, 170), 40, 3)  # left border, off the top line
    cv2.line(image, (100, 160), (380, 160), 40, 3)  # bottom stub joined to the border
    cv2.line(image, (430, 160), (1300, 160), 40, 3)  # the rest of the bottom line
    for x in range(550, 1301, 150):
        cv2.line(image, (x, 100), (x, 160), 40, 3)
    opt = LayoutOptions()
    (region,) = find_tables(ruling_lines(image, 200, opt), opt)
    assert region[0] < 105 and region[2] > 1295


def test_a_table_page_of_a_low_resolution_picture_stays_upright():
    """A page all table, downloaded as a 96-dpi picture and enlarged: a ruling standing free
    (the border of a column whose cell a page break left open) leans a little, and its box is
    as wide as small type; with two narrow label columns of stacked characters it made three
    standing 'lines of text' and no lying one, and the portrait page was turned on its side."""
    import os

    from PIL import Image, ImageDraw, ImageFont

    from pipeline.generate.render import FONT_FILES

    font = ImageFont.truetype(next(p for p in FONT_FILES.values() if os.path.exists(p)), 12)
    picture = Image.new("L", (816, 1056), 250)  # a letter-size page at 96 dpi
    draw = ImageDraw.Draw(picture)
    draw.line([(110, 10), (115, 1040)], fill=90, width=1)
    for x in (150, 500, 700):
        draw.line([(x, 30), (x, 1020)], fill=90, width=1)
    for y in (30, 280, 530, 780, 1020):
        draw.line([(150, y), (700, y)], fill=90, width=1)
    for x, text in ((290, "理不行不其息请要另行制作"), (320, "人按知纳行政机关不再处理")):
        for k, character in enumerate(text):
            draw.text((x, 290 + 15 * k), character, font=font, fill=40)
    _, jpeg = cv2.imencode(".jpg", np.asarray(picture), [cv2.IMWRITE_JPEG_QUALITY, 40])
    page = Page(number=1, image=cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE), dpi=96)
    PageNormaliser()(page)
    assert page.image.shape[0] > page.image.shape[1]  # still portrait


def test_a_noisy_scan_of_a_page_all_table_stays_upright():
    """A table's continuation page: narrow label columns of stacked characters, a 0 in every
    other cell, no line of text six characters long. Scanned as an office scan, the speckle of
    its paper, smeared upright, stood as dozens of 'lines of text' and turned the page on its
    side (2 of these 30 scans; a real report's page read so lost nine rows)."""
    import os
    import random

    from PIL import Image, ImageDraw, ImageFont

    from pipeline.generate.render import FONT_FILES
    from pipeline.generate.scan import ScanOptions, degrade
    from pipeline.read.layout import is_sideways

    font = ImageFont.truetype(next(p for p in FONT_FILES.values() if os.path.exists(p)), 22)
    picture = Image.new("L", (1700, 2200), 235)  # a letter-size page at 200 dpi
    draw = ImageDraw.Draw(picture)
    xs, ys = [300, 420] + [560 + 110 * k for k in range(9)], list(range(100, 1400, 130))
    for x in xs:
        draw.line([(x, 100), (x, ys[-1])], fill=60, width=2)
    for y in ys:
        draw.line([(420, y), (xs[-1], y)], fill=60, width=2)
    labels = ["2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确", "1.信访举报投诉类申请", "2.重复申请",
              "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
              "1.申请人无正当理由逾期不补正", "2.申请人逾期未按收费通知要求缴纳费用"]
    for y, label in zip(ys, labels):
        for k in range(0, len(label), 4):
            draw.text((428, y + 8 + 26 * (k // 4)), label[k:k + 4], font=font, fill=40)
        for x in xs[2:-1]:
            draw.text((x + 45, y + 50), "0", font=font, fill=40)
    clean = np.asarray(picture)
    for seed in range(30):
        scan = degrade(clean, random.Random(seed), ScanOptions())
        ink = binarize(scan if scan.ndim == 2 else cv2.cvtColor(scan, cv2.COLOR_BGR2GRAY))
        assert not is_sideways(ink, 200), seed
        assert is_sideways(np.ascontiguousarray(np.rot90(ink)), 200), seed


def test_a_1_bit_pages_vertical_hairlines_broken_into_dots_are_rulings_and_a_column_of_ones_is_not():
    """A light 1-bit threshold breaks a table's vertical hairlines into dots and dashes 1-5 px
    apart (a real report's page so lost its columns: their dots were read as 1s). On a 1-bit
    page they are rulings, from each row's ruling to the next; a column of 1s, one a row, and
    a line printed dashed (gaps of a point) are not."""
    import os

    from PIL import Image, ImageDraw, ImageFont

    from pipeline.generate.render import FONT_FILES

    rng = np.random.default_rng(11)
    picture = Image.new("L", (1500, 1400), 255)  # 300 dpi
    draw = ImageDraw.Draw(picture)
    ys = list(range(150, 1300, 75))  # rows a quarter of an inch high
    for y in ys:
        draw.rectangle([100, y, 1400, y + 2], fill=0)
    dotted, ones, dashed = [100, 500, 1400], 950, 1200
    for x in dotted:
        y = ys[0]
        while y < ys[-1]:
            length = int(rng.integers(1, 30))
            dx = int(rng.integers(0, 2))
            draw.rectangle([x + dx, y, x + dx + int(rng.integers(1, 3)), min(ys[-1], y + length)], fill=0)
            y += length + int(rng.integers(2, 6))
    for y in range(ys[0], ys[-1], 25):  # 3 pt dashes, 3 pt gaps
        draw.rectangle([dashed, y, dashed + 1, y + 12], fill=0)
    font = ImageFont.truetype(next(p for p in FONT_FILES.values() if os.path.exists(p)), 40)
    for y in ys[:-1]:
        draw.text((ones, y + 12), "1", font=font, fill=0)
        draw.rectangle([ones + 40, y + 20, ones + 42, y + 55], fill=0)  # a 1's stem alone, its foot and flag lost
    grey = np.asarray(picture)
    options = LayoutOptions()
    found = ruling_lines(grey, 300, options, bilevel=True).vertical
    height = ys[-1] - ys[0]
    for x in dotted:
        assert (found[ys[0]:ys[-1], x - 3:x + 6] > 0).any(axis=1).sum() >= 0.95 * height, x
    for x in (ones, dashed):
        assert not (found[:, x - 10:x + 30] > 0).any(), x
    # on a grey page the text reading has them, as before
    assert not (ruling_lines(grey, 300, options).vertical[:, 500 - 3:500 + 6] > 0).any()
