"""Confidence: one number in [0, 1] per cell, and the review flag.

confidence = weakest character's probability × label-match quality × parse validity.
A cell not found on the page has confidence 0. Arithmetic cross-checks are a later stage.
"""
from __future__ import annotations

from .config import ConfidenceOptions
from .types import CellResult


class ConfidenceScorer:
    def __init__(self, options: ConfidenceOptions):
        self.options = options

    def __call__(self, cells: dict[str, CellResult]) -> dict[str, CellResult]:
        opt = self.options
        for cell in cells.values():
            if not cell.found:
                cell.confidence, cell.needs_review = 0.0, True
                continue
            label = min(1.0, cell.label_score / opt.label_full_match)
            parse = 1.0 if cell.parse_ok else opt.parse_failure_factor
            cell.confidence = max(0.0, min(1.0, cell.ocr_score * label * parse))
            cell.needs_review = cell.confidence < opt.review_threshold
        return cells
