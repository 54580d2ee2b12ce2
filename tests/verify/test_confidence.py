from pipeline.config import RunOptions
from pipeline.types import CellResult
from pipeline.verify.confidence import ConfidenceScorer


def _read(text: str, under_seal: float) -> CellResult:
    return CellResult(value=int(text) if text else None, text=text, confidence=0, needs_review=False, page=1,
                      bbox=[0, 0, 9, 9], label_score=1.0, ocr_score=1.0, recognised=True, under_seal=under_seal)


def test_cells_under_a_seal_are_flagged_and_their_confidence_is_left_as_read():
    """Washing a seal's red ink out can take a digit's strokes, or a whole faint digit, with it:
    a clean reading there is no proof, so a person looks; the confidence still says how the
    reading itself scored."""
    options = RunOptions().confidence()
    cells = {"plain": _read("21", 0.0), "blank": _read("", 0.0),
             "sealed": _read("21", 0.3), "sealed_blank": _read("", 0.3)}
    ConfidenceScorer(options)(cells)
    assert not cells["plain"].needs_review and not cells["blank"].needs_review
    assert cells["sealed"].needs_review and cells["sealed_blank"].needs_review
    assert cells["sealed"].confidence == cells["plain"].confidence
    options.review_sealed = False
    assert not ConfidenceScorer(options)({"sealed": _read("21", 0.3)})["sealed"].needs_review
