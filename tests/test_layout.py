import cv2
import numpy as np
import pytest

from pipeline.ingest import iter_pages
from pipeline.layout import LayoutOptions, PageNormaliser, binarize, estimate_skew, find_tables, ruling_lines
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
    assert not np.allclose(scan.to_source, [[1, 0, 0], [0, 1, 0]])


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
