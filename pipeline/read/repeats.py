"""Repeated crops: a statistics table repeats a few glyphs (a column of 0s, a header's stacked
characters in every column), and a crop whose ink is the same as one already cut from the same
page, but for the scan's noise along the strokes, takes that one's reading instead of being
read again. On 200-dpi scans that is a quarter of the recogniser's work, and the values and
flags read are the same (README, issue 23).

The same means: ink boxes of one size (to a pixel), crops of one height (the glyphs scaled
alike), ink overlapping to MIN_OVERLAP, and no difference between the two that is more than
noise along an edge (their difference opened by a 2x2 square is empty: a 6's tail, an 8's
waist, a 1's flag all survive that, a pixel's wobble does not). Glyphs under MIN_INK pixels
high, and every crop of a low-resolution picture (LineJob.shareable), are read each: there a
pixel is a stroke.
"""
from __future__ import annotations

import cv2
import numpy as np

MIN_INK = 12  # px: the least ink height of a crop that may take another's reading
MIN_OVERLAP = 0.9  # of the two inks' union, their intersection
NOISE = np.ones((2, 2), np.uint8)


def _ink(crop: np.ndarray) -> np.ndarray | None:
    """A crop's ink (Otsu), cut to its box; None if too small to compare."""
    _, ink = cv2.threshold(crop, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size == 0 or rows[-1] - rows[0] + 1 < MIN_INK:
        return None
    return ink[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two inks (their boxes within a pixel of each other) are one glyph printed twice."""
    b = cv2.resize(b, (a.shape[1], a.shape[0]), interpolation=cv2.INTER_NEAREST)
    union = np.count_nonzero(a | b)
    if np.count_nonzero(a & b) < MIN_OVERLAP * union:
        return False
    return not cv2.morphologyEx(a ^ b, cv2.MORPH_OPEN, NOISE).any()


def first_alike(crops: list[np.ndarray | None]) -> list[int]:
    """For each crop, the index of the first crop before it (or itself) whose reading it takes.
    None stands for a crop that must be read on its own."""
    seen: dict[tuple[int, int, int], list[tuple[int, np.ndarray]]] = {}
    firsts = []
    for i, crop in enumerate(crops):
        ink = None if crop is None else _ink(crop)
        if ink is None:
            firsts.append(i)
            continue
        h, w = ink.shape
        match = next((j for dh in (0, -1, 1) for dw in (0, -1, 1) for dc in (0, -1, 1, -2, 2)
                      for j, other in seen.get((crop.shape[0] + dc, h + dh, w + dw), ())
                      if _same(ink, other)), i)
        firsts.append(match)
        if match == i:
            seen.setdefault((crop.shape[0], h, w), []).append((i, ink))
    return firsts
