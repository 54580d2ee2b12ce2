"""Layout: normalise a page image (deskew) and find the ruled tables on it.

Tables in these reports are always ruled, so ruling lines carry table finding: the bundled
layout model misses every table on hard scans (it labels them `figure`, see models/README.md),
while the lines survive blur, noise and skew.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .types import BBox, Page


@dataclass
class LayoutOptions:
    max_skew: float = 5.0  # degrees searched when deskewing
    line_length: float = 0.35  # inches: shorter horizontal strokes are text, not rulings
    # Vertical rulings can be as short as one row (the last row of a fragment, under a
    # full-width cell), so the bar is lower; a table's characters are shorter still.
    vertical_line_length: float = 0.2
    min_table_width: float = 0.25  # share of the page width


@dataclass
class PageLines:
    """Binary masks of the ruling lines of a normalised page."""
    horizontal: np.ndarray
    vertical: np.ndarray


def binarize(grey: np.ndarray) -> np.ndarray:
    """Ink = 255. Adaptive, so uneven lighting and grey paper do not matter."""
    return cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def estimate_skew(ink: np.ndarray, max_angle: float, strips: int = 128) -> float:
    """The rotation (degrees) that makes text lines and rulings horizontal: the angle whose
    horizontal projection profile is sharpest, searched coarse to fine. The page is cut into
    narrow vertical strips whose row profiles are taken once; a small rotation then only
    shifts each strip's profile up or down, so trying an angle costs a sum, not a warp."""
    h, w = ink.shape
    edges = np.linspace(0, w, strips + 1).astype(int)
    profiles = np.add.reduceat((ink > 0).astype(np.float32), edges[:-1], axis=1)  # rows × strips
    centres = (edges[:-1] + edges[1:]) / 2 - w / 2
    pad = int(np.ceil(w / 2 * np.tan(np.radians(max_angle + 0.5)))) + 1

    def sharpness(angle: float, step: int) -> float:
        # cv2's rotation by `angle` moves a point at x (from the centre) up by x·tan(angle)
        shift = np.round(-centres * np.tan(np.radians(angle))).astype(int) + pad
        index = (np.arange(h)[:, None] + shift[None, :]) // step
        profile = np.bincount(index.ravel(), weights=profiles.ravel(), minlength=(h + 2 * pad) // step + 1)
        return float(np.sum(np.diff(profile) ** 2))

    def search(angles, step: int) -> float:
        return float(max(angles, key=lambda a: sharpness(a, step)))

    best = search(np.arange(-max_angle, max_angle + 1e-9, 0.5), 4)
    best = search(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1), 2)
    return search(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.02), 1)


class PageNormaliser:
    """Deskews scanned pages; born-digital pages (with a text layer) are left as they are."""

    def __init__(self, options: LayoutOptions | None = None):
        self.options = options or LayoutOptions()

    def __call__(self, page: Page) -> Page:
        if page.words is not None:
            return page
        angle = estimate_skew(binarize(page.image), self.options.max_skew)
        if abs(angle) < 0.05:
            return page
        h, w = page.image.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        page.image = cv2.warpAffine(page.image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        page.to_source = cv2.invertAffineTransform(m)
        return page


def ruling_lines(grey: np.ndarray, dpi: int, options: LayoutOptions) -> PageLines:
    """Long straight runs of ink: opening keeps runs longer than any text stroke (adjacent
    characters' strokes never touch), then a short closing along the line bridges breaks."""
    ink = binarize(grey)
    k = max(15, int(options.line_length * dpi))
    kv = max(10, int(options.vertical_line_length * dpi))
    gap = max(3, int(0.03 * dpi))
    horizontal = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, 1)))
    horizontal = cv2.morphologyEx(horizontal, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (gap, 1)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, kv)))
    vertical = cv2.morphologyEx(vertical, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap)))
    return PageLines(horizontal, vertical)


def find_tables(lines: PageLines, options: LayoutOptions) -> list[BBox]:
    """Regions where horizontal and vertical rulings meet in a grid, top to bottom."""
    both = cv2.bitwise_or(lines.horizontal, lines.vertical)
    both = cv2.dilate(both, np.ones((5, 5), np.uint8))
    n, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    page_w = both.shape[1]
    boxes = []
    for x, y, w, h, _ in stats[1:n]:
        if w < options.min_table_width * page_w or h < 20:
            continue
        region_h = lines.horizontal[y:y + h, x:x + w]
        region_v = lines.vertical[y:y + h, x:x + w]
        rows = np.count_nonzero(region_h.max(axis=1)) > 0
        cols = np.count_nonzero(region_v.max(axis=0)) > 0
        if rows and cols:
            boxes.append((float(x), float(y), float(x + w), float(y + h)))
    return sorted(boxes, key=lambda b: (b[1], b[0]))


def erase_lines(grey: np.ndarray, lines: PageLines) -> np.ndarray:
    """The page with its rulings painted over in the paper's own tone, so cell crops hold only
    text (pure white would leave an edge that binarisation reads as ink)."""
    mask = cv2.dilate(cv2.bitwise_or(lines.horizontal, lines.vertical), np.ones((7, 7), np.uint8))
    paper = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    clean = grey.copy()
    clean[mask > 0] = paper[mask > 0]
    return clean
