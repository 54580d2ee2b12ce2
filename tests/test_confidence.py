from pipeline.config import RunOptions
from pipeline.confidence import ConfidenceScorer
from pipeline.types import CellResult


def _blank(under_seal: float) -> CellResult:
    return CellResult(value=None, text="", confidence=0, needs_review=False, page=1, bbox=[0, 0, 9, 9],
                      label_score=1.0, ocr_score=1.0, recognised=True, under_seal=under_seal)


def test_a_blank_cell_under_a_seal_is_flagged_and_a_plain_blank_is_not():
    """Washing a seal's red ink out can take a faint digit with it: nothing read there is no proof
    the cell was printed blank."""
    cells = ConfidenceScorer(RunOptions().confidence())({"plain": _blank(0.0), "sealed": _blank(0.3)})
    assert not cells["plain"].needs_review
    assert cells["sealed"].needs_review and cells["sealed"].confidence < cells["plain"].confidence
