"""The place of a flagged row on its page (review_pages.item_place), drawn for the review."""
import numpy as np

from pipeline.batch.review_pages import draw_place, item_place
from pipeline.templates import load_templates


def _report(located: dict[str, list[float]], flagged: list[str]) -> dict:
    """A 2021 report JSON where only `located` cells have a place on page 1."""
    cells = {}
    for cid in load_templates()["2021"].cell_ids():
        bbox = located.get(cid)
        cells[cid] = {"value": 1 if bbox else None, "text": "1" if bbox else None, "confidence": 0.99 if bbox else 0.0,
                      "needs_review": cid in flagged, "page": 1 if bbox else None, "bbox": bbox, "checks_failed": []}
    return {"source": "x.pdf", "template": "2021", "cells": cells}


def test_a_flagged_cell_whose_column_has_no_other_located_cell_gets_a_whole_pixel_box():
    """The batch crash of issue 20: the cell's box was estimated from the table's extent in
    float pixels, and OpenCV refused to draw it."""
    located = {"t3/new/natural_person": [310.4, 500.6, 380.2, 530.9], "t3/new/total": [900.7, 500.6, 980.3, 530.9],
               "t3/carried_in/natural_person": [310.4, 540.2, 380.2, 570.5]}
    data = _report(located, flagged=["t3/carried_in/research", "t3/carried_in/natural_person"])
    place = item_place(data, ["t3/carried_in/natural_person", "t3/carried_in/research"])
    assert place is not None and not place.found["t3/carried_in/research"]
    assert all(isinstance(v, int) for box in place.boxes.values() for v in box)
    image = draw_place(np.full((1400, 1100), 230, np.uint8), place)
    assert image.ndim == 3 and image.shape[0] > 0
