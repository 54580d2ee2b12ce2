import random

from pipeline.config import CheckOptions
from pipeline.generate.values import draw_values
from pipeline.templates import load_templates
from pipeline.types import CellResult
from pipeline.verify.checks import ArithmeticChecks, candidate_readings

T21 = load_templates()["2021"]
OPTIONS = CheckOptions(failure_factor=0.5, repair=True)


def _cells(values: dict, recognised: bool = True) -> dict[str, CellResult]:
    cells = {}
    for cid, v in values.items():
        text = "" if v is None else str(v)
        cells[cid] = CellResult(value=v, text=text, confidence=0, needs_review=False, page=1, bbox=None,
                                label_score=1.0, ocr_score=0.999, recognised=recognised,
                                options=[[(ch, 0.999)] for ch in text])
    return cells


def _busy_values(seed: int) -> dict:
    for s in range(seed, seed + 200):
        values = draw_values(T21, random.Random(s))
        if (values["t3/new/natural_person"] or 0) >= 10:
            return values
    raise AssertionError("no busy report drawn")


def test_a_consistent_report_passes_untouched():
    cells = _cells(draw_values(T21, random.Random(3)))
    assert ArithmeticChecks(OPTIONS)(T21, cells) == []
    assert all(c.check_factor == 1.0 and not c.checks_failed for c in cells.values())


def test_a_unique_misreading_is_repaired_from_the_recognisers_runner_up():
    values = _busy_values(10)
    cells = _cells(values)
    cid = "t3/new/natural_person"
    right = values[cid]
    wrong_text = str(right)[:-1] + ("8" if str(right)[-1] != "8" else "0")
    cell = cells[cid]
    cell.value, cell.text, cell.ocr_score = int(wrong_text), wrong_text, 0.6
    cell.options = [[(ch, 0.99)] for ch in wrong_text[:-1]] + [[(wrong_text[-1], 0.6), (str(right)[-1], 0.35)]]
    assert ArithmeticChecks(OPTIONS)(T21, cells) == []
    assert cell.repaired and cell.value == right and cell.ocr_value == int(wrong_text)
    assert not any(c.checks_failed for c in cells.values())


def test_no_repair_when_two_changes_fit_equally():
    values = draw_values(T21, random.Random(20))
    for col, v in zip(("upheld", "corrected", "other", "pending", "total"), (2, 0, 0, 0, 3)):
        values[f"t4/review/{col}"] = v  # 2+0+0+0 printed, 3 read as the total
    cells = _cells(values)
    cells["t4/review/total"].options = [[("3", 0.6), ("2", 0.35)]]  # the total may be 2 ...
    cells["t4/review/upheld"].options = [[("2", 0.6), ("3", 0.35)]]  # ... or the first part 3
    ArithmeticChecks(OPTIONS)(T21, cells)
    assert not any(c.repaired for c in cells.values())
    assert cells["t4/review/total"].checks_failed == ["t4.total[review]"]
    assert cells["t4/review/total"].check_factor == 0.5
    assert set(cells["t4/review/total"].alternatives) >= {2}


def test_numbers_that_do_not_add_up_are_the_documents_only_when_read_exactly():
    """Parts that do not sum to their printed total: from a text layer, the agency's own
    inconsistency; recognised on a scan, however confidently, a failed check on cells a person
    should look at, and no word about the document (a misreading is as likely)."""
    values = draw_values(T21, random.Random(5))
    values["t4/review/total"] = (values["t4/review/total"] or 0) + 3
    born_digital = _cells(values, recognised=False)
    assert ArithmeticChecks(OPTIONS)(T21, born_digital) == ["t4.total[review]"]
    assert born_digital["t4/review/total"].check_factor == 1.0  # exact text: nothing to review
    assert born_digital["t4/review/total"].checks_failed == ["t4.total[review]"]
    scanned = _cells(values)
    assert ArithmeticChecks(OPTIONS)(T21, scanned) == []
    assert scanned["t4/review/total"].checks_failed == ["t4.total[review]"]
    assert scanned["t4/review/total"].check_factor == 0.5  # shown to a person


def test_a_value_that_may_be_misplaced_is_no_document_inconsistency():
    """Born-digital, but one reading put the review's 纠正 count under 其他 as well, where the
    other reading saw a blank: the row no longer adds up because of where a value was placed,
    not because of what the agency printed. The contested cell is shown to a person."""
    values = draw_values(T21, random.Random(5))
    values["t4/review/other"] = (values["t4/review/other"] or 0) + 5
    cells = _cells(values, recognised=False)
    cells["t4/review/other"].contested = True
    assert ArithmeticChecks(OPTIONS)(T21, cells) == []
    assert cells["t4/review/other"].check_review and cells["t4/review/other"].check_factor == 0.5
    assert not cells["t4/review/total"].check_review  # exactly read and placed
    # so is one in a row whose label matched only loosely (a row taken for another)
    loose = _cells(values, recognised=False)
    loose["t4/review/other"].label_score = 0.5
    assert ArithmeticChecks(OPTIONS)(T21, loose) == []
    assert loose["t4/review/other"].check_review


def test_candidate_readings_cover_known_confusions():
    cell = CellResult(value=10, text="10", confidence=0, needs_review=False, page=1, bbox=None,
                      recognised=True, options=[[("1", 0.9), ("7", 0.05)], [("0", 0.97)]])
    alts = candidate_readings(cell, decimal=False, signed=False)
    assert {70, 18, 16, 19, 1, 0, 100, 110} <= set(alts)
    assert alts[70] == 0.05
    exact = CellResult(value=10, text="10", confidence=0, needs_review=False, page=None, bbox=None)
    assert candidate_readings(exact, decimal=False, signed=False) == {}


def test_an_unreadable_cell_is_solved_from_the_identity_it_is_the_one_unknown_of():
    values = _busy_values(30)
    cells = _cells(values)
    cid = "t4/review/total"
    values_total = values[cid]
    cell = cells[cid]
    cell.value, cell.text, cell.parse_ok, cell.ocr_score = None, f"GO{values_total}NG", False, 0.01
    assert ArithmeticChecks(OPTIONS)(T21, cells) == []
    assert cell.repaired and cell.value == values_total and cell.parse_ok
    # a reading whose digits do not contain the value is left alone
    cells = _cells(values)
    cells[cid].value, cells[cid].text, cells[cid].parse_ok = None, "GONG", False
    ArithmeticChecks(OPTIONS)(T21, cells)
    assert not cells[cid].repaired and cells[cid].value is None
    # unless a seal lay over it: washing its red ink out may have taken the digit's strokes
    cells = _cells(values)
    cells[cid].value, cells[cid].text, cells[cid].parse_ok, cells[cid].under_seal = None, "GONG", False, 0.3
    ArithmeticChecks(OPTIONS)(T21, cells)
    assert cells[cid].repaired and cells[cid].value == values_total
    assert cells[cid].ocr_score < 0.9  # proposed, for a person to confirm
    # or the recogniser's likeliest number for glyphs it read as none ("a" for a faint digit)
    cells = _cells(values)
    cells[cid].value, cells[cid].text, cells[cid].parse_ok = values_total, "a", False
    ArithmeticChecks(OPTIONS)(T21, cells)
    assert cells[cid].repaired and cells[cid].parse_ok
    cells = _cells(values)
    cells[cid].value, cells[cid].text, cells[cid].parse_ok = values_total + 1, "a", False
    ArithmeticChecks(OPTIONS)(T21, cells)
    assert not cells[cid].repaired


def test_two_misread_cells_are_repaired_together_when_only_one_pair_fits():
    values = _busy_values(40)
    cells = _cells(values)
    for cid in ("t3/new/natural_person", "t3/carried_in/natural_person"):
        right = values[cid] or 0
        wrong = right + 1 if str(right)[-1] != "9" else right - 1
        cell = cells[cid]
        cell.value, cell.text, cell.ocr_score = wrong, str(wrong), 0.6
        cell.options = [[(ch, 0.99)] for ch in str(wrong)[:-1]] + [[(str(wrong)[-1], 0.6), (str(right)[-1], 0.3)]]
    ArithmeticChecks(OPTIONS)(T21, cells)
    for cid in ("t3/new/natural_person", "t3/carried_in/natural_person"):
        assert cells[cid].repaired and cells[cid].value == values[cid]
    assert not any(c.checks_failed for c in cells.values())


def test_digit_like_symbols_in_an_unreadable_reading_are_not_digits():
    from pipeline.verify.checks import _digit_readings

    assert _digit_readings("2①") == {2}  # a regression: int("2①") crashed a report
    assert _digit_readings("QORANG1") == {0, 1}



def _pre2019_cells(values: dict, recognised: bool) -> dict[str, CellResult]:
    """A pre-2019 table printing `values` (the other indicators not printed)."""
    template = load_templates()["pre-2019"]
    cells = _cells({cid: values.get(cid) for cid in template.cell_ids()}, recognised)
    for cid, cell in cells.items():
        cell.printed = cid in values
    return cells


def test_this_years_count_above_the_years_count_is_shown_or_is_the_documents_own():
    template = load_templates()["pre-2019"]
    values = {"s/requests.total/year": 7, "s/requests.total/cumulative": 3,  # 7 this year, 3 over the years
              "s/review/year": 1, "s/review/cumulative": 4}
    cells = _pre2019_cells(values, recognised=True)
    assert ArithmeticChecks(OPTIONS)(template, cells) == []  # read from ink: a misreading, shown
    for cid in ("s/requests.total/year", "s/requests.total/cumulative"):
        assert cells[cid].checks_failed == ["s.year_within_cumulative[requests.total]"] and cells[cid].check_review
    assert not cells["s/review/year"].checks_failed
    exact = _pre2019_cells(values, recognised=False)
    assert ArithmeticChecks(OPTIONS)(template, exact) == ["s.year_within_cumulative[requests.total]"]


def test_parts_are_checked_against_their_whole_only_where_the_table_prints_parts():
    template = load_templates()["pre-2019"]
    # 不予公开 1 with no ground printed: nothing to check; 受理 5 by channels 2 + 2: does not add up
    values = {"s/answers.total/year": 1, "s/answers.refused/year": 1, "s/requests.total/year": 5,
              "s/requests.in_person/year": 2, "s/requests.online/year": 2}
    assert ArithmeticChecks(OPTIONS)(template, _pre2019_cells(values, recognised=False)) == ["s.requests[year]"]


def test_a_row_of_one_count_and_its_total_vouches_for_neither():
    """A row whose only count is its total (4 … 4) holds whatever both read, and the same glyph
    printed twice is misread alike (a 4 that lost its bar: 1 and 1): it vouches for neither cell,
    so they stand on their own reading; a row of two counts and their total still vouches."""
    values = draw_values(T21, random.Random(5))
    row = [f"t4/review/{col}" for col in ("upheld", "corrected", "other", "pending", "total")]
    for cid, v in zip(row, (1, 0, 0, 0, 1)):
        values[cid] = v
    cells = _cells(values)
    ArithmeticChecks(OPTIONS)(T21, cells)
    assert not cells["t4/review/upheld"].vouched and not cells["t4/review/total"].vouched
    for cid, v in zip(row, (1, 2, 0, 0, 3)):
        values[cid] = v
    cells = _cells(values)
    ArithmeticChecks(OPTIONS)(T21, cells)
    assert cells["t4/review/upheld"].vouched and cells["t4/review/total"].vouched


def test_several_misreads_on_a_page_are_repaired_together_and_vouch_for_no_other_cell():
    """Faint 0s on a 96-dpi picture read as 8 in four rows and columns of table 三: each breaks
    its row and its column, and together they have one explanation. Repaired, they stay flagged;
    the rows and columns they mended prove none of their other cells."""
    values = _busy_values(50)
    t3 = T21.tables["t3"]
    rows = [r.id for r in t3.rows if r.id not in ("new", "carried_in", "total", "carried_out")]
    chosen, used_columns = [], set()
    for row in rows:
        column = next((c for c in list(t3.columns)[:-1] if c not in used_columns and values[f"t3/{row}/{c}"] == 0
                       and (values[f"t3/{row}/total"] or 0) > 0), None)
        if column and len(chosen) < 4:
            chosen.append(f"t3/{row}/{column}")
            used_columns.add(column)
    assert len(chosen) == 4
    cells = _cells(values)
    for cid in chosen:
        cell = cells[cid]
        cell.value, cell.text, cell.ocr_score, cell.options = 8, "8", 0.6, [[("8", 0.6)]]
    ArithmeticChecks(OPTIONS)(T21, cells)
    assert all(cells[cid].repaired and cells[cid].value == 0 for cid in chosen)
    assert all(c.repaired == (cid in chosen) for cid, c in cells.items())
    # a cell in a mended row and a mended column, in no identity that held
    first_row, second_column = chosen[0].split("/")[1], chosen[1].split("/")[2]
    crossing = f"t3/{first_row}/{second_column}"
    held = [i for i in T21.identities if crossing in (*i.lhs, *i.rhs) and not set(chosen) & {*i.lhs, *i.rhs}]
    assert not held and not cells[crossing].vouched
    assert cells[f"t3/{first_row}/total"].vouched  # its column's identity held all along

