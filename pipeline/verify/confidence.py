"""Confidence: one number in [0, 1] per cell that means what it says, and the review flag.

raw = weakest character's probability × label-match quality × parse validity × failed checks
× the readings' support (a recognised value only one of the two structure readings found, or
one they disagree on, is less certain); the calibration map of the kind of image the cell was
read from (a grey scan, a 1-bit scan, a low-resolution picture: models/calibration.json, fitted
on generated reports of each) turns the raw score into the observed share of right cells. A
value no identity vouches for has a map of its own for each kind of image: at the same raw score
it is right less often than the average cell, most of which an identity confirms. A cell not
found has confidence 0; one the document does not print is null and not flagged. A cell is
flagged when its confidence is below the review threshold, and (by default) when the two
readings disagree on it, when it is in a failed check that was not repaired (see checks.py), or
when a seal lay over it: washing the red ink out may take a digit's strokes, which no score can
see.
"""
from __future__ import annotations

import json

import numpy as np

from ..config import ConfidenceOptions
from ..types import CellResult


class Calibration:
    """A monotone piecewise-linear map from raw score to probability of being right."""

    def __init__(self, raw: list[float], calibrated: list[float]):
        self.raw = np.asarray(raw, float)
        self.calibrated = np.asarray(calibrated, float)

    @staticmethod
    def load(path) -> dict[str, "Calibration"]:
        """One map per kind of image a cell is read from (types.Page.band), and one per kind for
        the cells no identity vouches for ("<band>/unvouched"); none without a file."""
        if path is None or not path.exists():
            return {}
        bands = json.loads(path.read_text(encoding="utf-8"))["bands"]
        return {band: Calibration(fit["raw"], fit["calibrated"]) for band, fit in bands.items()}

    def __call__(self, raw: float) -> float:
        return float(np.interp(raw, self.raw, self.calibrated))


def raw_score(cell: CellResult, options: ConfidenceOptions) -> float:
    label = min(1.0, cell.label_score / options.label_full_match)
    parse = 1.0 if cell.parse_ok else options.parse_failure_factor
    support = 1.0
    if cell.recognised and cell.disputed is not None:
        support = options.disputed_factor
    elif cell.recognised and cell.support < cell.readings:
        support = options.one_reading_factor
    return max(0.0, min(1.0, cell.ocr_score * label * parse * cell.check_factor * support))


class ConfidenceScorer:
    def __init__(self, options: ConfidenceOptions):
        self.options = options
        self.calibrations = Calibration.load(options.calibration)

    def __call__(self, cells: dict[str, CellResult]) -> dict[str, CellResult]:
        opt = self.options
        for cell in cells.values():
            if not cell.printed:
                cell.confidence, cell.needs_review = 0.0, False
                continue
            if not cell.found:
                cell.confidence, cell.needs_review = 0.0, True
                continue
            cell.confidence = self._calibrated(cell, raw_score(cell, opt))
            if cell.check_factor < 1.0:  # what a correction elsewhere that fixes the check restores
                cell.confidence_unchecked = self._calibrated(cell, raw_score(cell, opt) / cell.check_factor)
            # a value no identity vouches for (table 二, 本年增/减, a row with an unreadable cell)
            # stands on its own reading: a stricter threshold
            strict = cell.recognised and not cell.vouched
            cell.needs_review = cell.confidence < (opt.unjudged_threshold if strict else opt.review_threshold)
            cell.sealed = cell.under_seal >= opt.sealed_share
            if opt.review_sealed and cell.sealed:
                # a seal crossed what was read, or lay over a cell read as blank: strokes, or a
                # whole faint digit, may have gone with its red ink, and nothing in the reading says so
                cell.needs_review = True
            if opt.review_disputed and cell.disputed is not None or cell.row_doubt:
                cell.needs_review = True
            if opt.review_failed_checks and cell.check_review:
                cell.needs_review = True
            if cell.repaired and opt.repaired_review != "auto":
                cell.needs_review = opt.repaired_review == "always"
        return cells

    def _calibrated(self, cell: CellResult, raw: float) -> float:
        maps = self.calibrations
        calibration = (None if cell.vouched else maps.get(f"{cell.band}/unvouched")) or maps.get(cell.band) \
            or maps.get("scan")
        return calibration(min(1.0, raw)) if calibration and cell.recognised else min(1.0, raw)
