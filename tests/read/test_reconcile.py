"""Reconcile (pipeline/read/reconcile.py): one value per cell from the ruled and the text reading."""
from pipeline.read.reconcile import reconcile
from pipeline.types import CellResult


def _cell(value, text=None, label=1.0, found=True) -> CellResult:
    text = ("" if value is None else str(value)) if text is None else text
    return CellResult(value=value, text=text, confidence=0.0, needs_review=True, page=1, bbox=None, label_score=label,
                      ocr_score=0.99, parse_ok=value is not None or not text, found=found, recognised=True)


def test_agreement_is_support_from_both():
    (cell,) = reconcile([{"a": _cell(5, label=0.8)}, {"a": _cell(5, label=1.0)}]).values()
    assert (cell.value, cell.support, cell.readings, cell.disputed) == (5, 2, 2, None)
    assert cell.label_score == 1.0  # the better match of the two stands for both


def test_a_cell_one_reading_lost_is_taken_from_the_other():
    (cell,) = reconcile([{"a": _cell(None, found=False)}, {"a": _cell(7)}]).values()
    assert (cell.value, cell.support, cell.readings, cell.contested) == (7, 1, 2, False)


def test_disagreement_keeps_the_better_supported_and_the_other_as_disputed():
    # ink beats a blank: a reading that lost a row reads its cells as blank
    (cell,) = reconcile([{"a": _cell(None)}, {"a": _cell(12)}]).values()
    assert (cell.value, cell.disputed, cell.contested) == (12, None, True)  # contested all the same
    # a number beats an unreadable reading
    (cell,) = reconcile([{"a": _cell(None, text="a")}, {"a": _cell(0)}]).values()
    assert cell.value == 0
    # and over an unreadable reading's likeliest number (a guess, shown but not ok)
    guess = _cell(167, text="16丨")
    guess.parse_ok = False
    (cell,) = reconcile([{"a": guess}, {"a": _cell(16)}]).values()
    assert (cell.value, cell.parse_ok) == (16, True)
    # of two numbers, the better row and header match; on a tie, the first (ruled) reading
    (cell,) = reconcile([{"a": _cell(3, label=0.7)}, {"a": _cell(8, label=0.95)}]).values()
    assert (cell.value, cell.disputed, cell.support) == (8, 3, 1)
    (cell,) = reconcile([{"a": _cell(3)}, {"a": _cell(8)}]).values()
    assert (cell.value, cell.disputed) == (3, 8)


def test_the_same_number_read_less_surely_disputes_nothing():
    """Dust beside a 0 read as a point ("0.") in one reading: its number, not ok, against a sure 0
    in the other is no dispute (it was none when "0." was no number at all)."""
    dusty = _cell(0, text="0.")
    dusty.parse_ok = False
    (cell,) = reconcile([{"a": dusty}, {"a": _cell(0)}]).values()
    assert (cell.value, cell.parse_ok, cell.disputed, cell.support) == (0, True, None, 1)
