"""Reconstruct: map the cells read on the pages onto the template's cell ids.

1. Each detected table is labelled 二/三/四 from the labels it contains, or as the
   continuation of the table before it; fragments of one table are joined.
2. Rows are aligned with the template's rows by fuzzy label match under order (a global
   sequence alignment, so a missing, merged, split or extra row costs only itself).
3. Columns are found from the header cells above each row, by relative x-position, which
   also holds for a continuation page's fragment.
4. Each value cell is parsed.
Both templates are tried; the one whose labels match better wins.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
from rapidfuzz import fuzz, process

from ..templates import OneRowForm, RowSpec, TableSpec, Template
from ..types import Cell, CellResult, Table, map_bbox
from .ocr import add_reading, is_label, likeliest_number
from .reconcile import reconcile

MIN_ROW_MATCH = 0.6
PARENT_ONLY = 0.8  # a row's labels this like a template row's parent label alone are that parent's header
INFERRED_ROW = 0.5  # label score of a row placed by order alone (its label unreadable)
CONFIRMED = 0.9  # label score of a loose match that the template's order confirms
MIN_HEADER_MATCH = 0.75
LOOSE_HEADER_MATCH = 0.6  # a header this like a column's, in the column order of its row's others, is that column
SHARED_CELL_FACTOR = 0.5  # label score of a detected cell found under two template cells
# formats whose tables fit within this (about one row's label match) are told apart by the
# report's year: with only table 三 read, garbled labels fit the 2019 one 13.43 to 13.34
FORMATS_CLOSE = 1.0
# ink (px at 100 dpi) in a cell read as blank that makes the blank doubtful: a light 1-bit
# threshold leaves a thin 7 as one or two specks of 3 px (6 had read such blanks as sure; 2.5
# flagged 7 more of 7,980 cells on 1-bit scans, and none on grey ones)
UNREAD_INK = 2.5
UNREAD_INK_P = 0.5  # the reading score of such a blank
_STRIP = re.compile(r"[\s\"'“”‘’「」]")


def normalise(text: str) -> str:
    """NFKC (full-width brackets/digits → half-width), no whitespace, no quotes."""
    return _STRIP.sub("", unicodedata.normalize("NFKC", text or ""))


@lru_cache(maxsize=1 << 16)
def similarity(a: str, b: str) -> float:
    """Kept: a page's labels are compared with the template's words many times over (each table's
    against every table's vocabulary, each header against the template's, in both readings)."""
    return fuzz.ratio(a, b) / 100.0


# A label that starts a row of its own: 一、 （三） 1. 第二十条
NUMBERED = re.compile(r"^(第?[一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）]|\d+[.．、]|第二十条)")


# ---------------------------------------------------------------- values

DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1", "|": "1",
                                   "i": "1", "!": "1", "S": "5", "B": "8", "Z": "2", "。": ".", "，": ",",
                                   "一": "-", "—": "-", "−": "-", "–": "-"})
BLANK_MARKS = {"-", "--", "/", "无", "空", "\\"}  # what a cell printed blank may hold
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


@dataclass
class ParsedValue:
    value: float | int | None
    ok: bool


def parse_value(text: str, decimal: bool = False, signed: bool = False) -> ParsedValue:
    """A cell's number. Blank marks ('', '—', '无', '/') are None; thousands separators, units
    and digit look-alikes (O/0, l/1) are tolerated; a reading that is no number is not ok."""
    t = normalise(text)
    t = re.sub(r"(万元|元|件|条|个|项)$", "", t)
    if t.translate(DIGIT_LOOKALIKES).strip("-") == "" or t in BLANK_MARKS:
        return ParsedValue(None, True)
    t = t.translate(DIGIT_LOOKALIKES)
    t = re.sub(r"(?<=\d),(?=\d{3}\b)", "", t)
    if not _NUMBER.match(t):
        return ParsedValue(None, False)
    if t.startswith("-") and not signed:
        return ParsedValue(None, False)
    if "." in t:
        number = float(t)
        return ParsedValue(number, decimal)
    return ParsedValue(int(t), True)


def stray_point_number(text: str, decimal: bool = False, signed: bool = False) -> ParsedValue | None:
    """The number of a reading with a stray point at either end ("0." where a speck of dust sat
    beside a 0 on a 1-bit scan), as no sure reading; None where there is none."""
    t = normalise(text)
    bare = t.strip(".·•。")
    number = parse_value(bare, decimal, signed) if bare and bare != t else None
    return ParsedValue(number.value, False) if number and number.ok and number.value is not None else None


# ---------------------------------------------------------------- rows of joined fragments

@dataclass
class Placed:
    """A cell with where it sits in its fragment, in 0..1 of the fragment's width (of the
    fragment it continues, where the table went on from the page before: continued_frame)."""
    cell: Cell
    page: int
    x0: float
    x1: float
    table: Table


@dataclass
class RowView:
    cells: list[Placed]  # every cell covering this lattice row, left to right

    # Cached: a row is compared with every template row of both formats. Read them only once
    # the row's cells are complete.
    @cached_property
    def labels(self) -> list[Placed]:
        return [p for p in self.cells if is_label(p.cell.text)]

    @cached_property
    def leaf(self) -> str:
        labels = self.labels
        return normalise(labels[-1].cell.text) if labels else ""

    @cached_property
    def path(self) -> str:
        return "".join(normalise(p.cell.text) for p in self.labels)


def _own_frame(table: Table) -> tuple[float, float]:
    """Where a fragment's cells are placed from (see Placed): its own left edge, and width."""
    return table.bbox[0], max(1.0, table.bbox[2] - table.bbox[0])


def _rows(table: Table, frame: tuple[float, float] | None = None) -> list[RowView]:
    """The table's rows, each cell placed in 0..1 of `frame` (origin, width; by default its own)."""
    origin, width = frame or _own_frame(table)
    rows = [RowView([]) for _ in range(table.n_rows)]
    for cell in table.cells:
        placed = Placed(cell, table.page, (cell.bbox[0] - origin) / width, (cell.bbox[2] - origin) / width, table)
        for r in range(cell.row, cell.row + cell.row_span):
            rows[r].cells.append(placed)
    for row in rows:
        row.cells.sort(key=lambda p: p.x0)
    return rows


def _column_edges(table: Table) -> np.ndarray:
    return np.unique(np.round([x for cell in table.cells for x in (cell.bbox[0], cell.bbox[2])]))


def continued_frame(before: Table, frame: tuple[float, float], after: Table) -> tuple[float, float] | None:
    """The frame of `before` (see _rows) for `after`, the same table continued on the next
    page, where after's column rulings are before's shifted (a page's scan lies a little
    off the last's): placed in its own extent instead, a fragment that lacks the table's first
    column on its page (that column's merged cell ended on the page before) would have every
    column read under the header one to its left. None where the rulings do not line up."""
    if not (before.geometry == after.geometry == "page"):
        return None
    old, new = _column_edges(before), _column_edges(after)
    if len(new) < 3:
        return None
    tolerance = 0.01 * frame[1]
    best, best_hits = None, 0
    for shift in {float(a - b) for a in old for b in new}:
        hits = int(np.sum(np.min(np.abs(new[:, None] + shift - old[None, :]), axis=1) <= tolerance))
        if hits > best_hits or (hits == best_hits and best is not None and abs(shift) < abs(best)):
            best, best_hits = shift, hits
    if best is None or best_hits < max(3, 0.8 * len(new)):
        return None
    return frame[0] - best, frame[1]


def _vocabulary_score(table: Table, vocabulary: list[str]) -> int:
    """How many of the table's labels are like one of the vocabulary's words (similarity 0.8 or
    more; the words are looked through in one call, not one by one)."""
    score = 0
    for cell in table.cells:
        text = normalise(cell.text)
        if is_label(text) and process.extractOne(text, vocabulary, scorer=fuzz.ratio, score_cutoff=80) is not None:
            score += 1
    return score


def _ends_of_headers(table: Table, vocabulary: list[str]) -> bool:
    """Whether most of the table's labels are pieces of the vocabulary's words (持, 维持, 审结:
    the ends of stacked headers that a page break cut), as a foreign table's are not."""
    labels = [normalise(c.text) for c in table.cells if is_label(c.text)]
    pieces = sum(1 for text in labels if any(text in word for word in vocabulary))
    return bool(labels) and pieces >= 0.8 * len(labels)


def group_fragments(tables: list[Table], templates: list[Template],
                    dropped: list[Table] | None = None) -> dict[str, list[RowView]]:
    """Label each table 二/三/四 (or a pre-2019 report's indicator table), or drop it (into
    `dropped`), and join the fragments of each, in order."""
    table_ids = list(dict.fromkeys(tid for t in templates for tid in t.tables))
    vocab = {tid: sorted({normalise(v) for t in templates if tid in t.tables for v in t.tables[tid].vocabulary()})
             for tid in table_ids}
    joined: dict[str, list[RowView]] = {tid: [] for tid in table_ids}
    last: dict[str, tuple[Table, tuple[float, float]]] = {}  # each kind's last fragment, and its frame
    previous: str | None = None
    previous_page = 0
    for table in tables:
        scores = {tid: _vocabulary_score(table, words) for tid, words in vocab.items()}
        best = max(scores, key=scores.get)
        labelled = sum(1 for c in table.cells if is_label(c.text))
        continues = previous is not None and (table.page or 0) - previous_page <= 1
        if scores[best] >= 2:
            kind = best
        elif continues and (scores[previous] >= 1 or labelled <= 2
                            or (_ends_of_headers(table, vocab[previous]) and continued_frame(*last[previous], table))):
            # the rest of the table before it, after a page break (with the rest of a header
            # row the break cut: 维持, 纠正 of table 四's stacked headers; its columns line up)
            kind = previous
        else:
            previous = None
            if dropped is not None:
                dropped.append(table)
            continue
        next_page = kind == previous and (table.page or 0) == previous_page + 1
        frame = (continued_frame(*last[kind], table) if next_page else None) or _own_frame(table)
        rows = _rows(table, frame)
        last[kind] = (table, frame)
        if next_page:
            rows = _mend_broken_row(joined[kind], rows, [t.tables[kind] for t in templates if kind in t.tables])
        joined[kind].extend(rows)
        previous, previous_page = kind, table.page or 0
    return joined


def _joined_row(top: RowView, rest: RowView) -> RowView:
    """One row of a row's two halves: in each column, the text of both halves (the label's
    start, then its rest), or the half that holds a value."""
    cells = list(top.cells)
    for placed in rest.cells:
        k = next((k for k, p in enumerate(cells) if _overlap(p.x0, p.x1, placed.x0, placed.x1) > 0), None)
        if k is None:
            cells.append(placed)
        elif not cells[k].cell.text.strip():
            cells[k] = placed
        elif placed.cell.text.strip() and parse_value(cells[k].cell.text).value is None:
            first = cells[k]
            cell = Cell(row=first.cell.row, col=first.cell.col, row_span=first.cell.row_span, col_span=first.cell.col_span,
                        bbox=first.cell.bbox, under_seal=max(first.cell.under_seal, placed.cell.under_seal))
            add_reading(cell, first.cell)
            add_reading(cell, placed.cell)
            cells[k] = Placed(cell, first.page, first.x0, first.x1, first.table)
    return RowView(sorted(cells, key=lambda p: p.x0))


def _mend_broken_row(before: list[RowView], after: list[RowView], specs: list[TableSpec]) -> list[RowView]:
    """A row a page break cut in two (Word lets a row break across pages): the rest of its label,
    with no numbering of its own, tops the next page's fragment (below a repeated header), and its
    values are on whichever page held the middle of the row. Joined, the two halves read as the
    template's row better than either alone; they become one row at the end of `before`."""
    if not before or not before[-1].labels:
        return after
    spec_rows = [row for spec in specs for row in spec.rows]
    # the table's header as printed on its first page: the rows before the first with a number
    first_data = next((k for k, row in enumerate(before) if _numeric_cells(row)), len(before))
    header = {normalise(p.cell.text) for row in before[:first_data] for p in row.labels}

    def repeated_header(row: RowView) -> bool:
        # half its labels as the first page printed them, no number: on a 96-dpi picture the
        # repeat's stacked column headers misread otherwise than the first's (自然 for 自然人)
        like = [max((similarity(normalise(p.cell.text), h) for h in header), default=0.0) >= 0.9
                for p in row.labels]
        return 2 * sum(like) >= len(like) and not _numeric_cells(row)

    rest = next((k for k, row in enumerate(after) if row.labels and not repeated_header(row)), None)
    if rest is None or NUMBERED.match(after[rest].leaf):
        return after

    def best(row: RowView) -> float:
        return max(_row_similarity(row, spec_row) for spec_row in spec_rows)

    both = _joined_row(before[-1], after[rest])
    if best(both) >= max(best(before[-1]), best(after[rest])) + 0.1:
        before[-1] = both
        return after[:rest] + after[rest + 1:]
    return after


# ---------------------------------------------------------------- alignment

@lru_cache(maxsize=None)
def _spec_labels(spec_row: RowSpec) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A template row's normalised leaf labels, and its parent + leaf paths."""
    leaves = tuple(normalise(label) for label in spec_row.labels)
    parents = [normalise(p) for p in spec_row.parent] or [""]
    return leaves, tuple(p + leaf for p in parents for leaf in leaves)


def _row_similarity(row: RowView, spec_row: RowSpec) -> float:
    """How well a row's labels read as the template row's: its leaf label, or its parent and leaf
    together. A row that holds only the parent's label (三、本年度办理结果 above its (一) …) is the
    parent's own header row, however well it matches the start of the path."""
    return _label_similarity(row.leaf, row.path, spec_row) if row.labels else 0.0


@lru_cache(maxsize=1 << 16)
def _label_similarity(leaf: str, path: str, spec_row: RowSpec) -> float:
    """_row_similarity's, kept: each row is weighed against every template row, in both readings."""
    leaves, paths = _spec_labels(spec_row)
    parents = [normalise(parent) for parent in spec_row.parent]
    if parents and max(similarity(path, parent) for parent in parents) >= PARENT_ONLY:
        return 0.0
    return max(max(similarity(leaf, label) for label in leaves),
               max(similarity(path, label) for label in paths))


def align_rows(rows: list[RowView], spec_rows: tuple[RowSpec, ...]) -> tuple[dict[int, int], dict[int, float], set[int]]:
    """Global alignment of detected rows to template rows. Returns template row index →
    detected row index, the similarity of each template row matched, and the detected rows
    that look like data rows whether matched or not (never to be read as headers: an
    unmatched "3.其他" row must not become the 其他 column's header)."""
    n, m = len(rows), len(spec_rows)
    sim = [[_row_similarity(rows[i], spec_rows[j]) for j in range(m)] for i in range(n)]
    score = [[0.0] * (m + 1) for _ in range(n + 1)]
    move = [[""] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        move[i][0] = "up"
    for j in range(1, m + 1):
        move[0][j] = "left"
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = [(score[i - 1][j], "up"), (score[i][j - 1], "left")]
            s = sim[i - 1][j - 1]
            if s >= MIN_ROW_MATCH:
                options.append((score[i - 1][j - 1] + s - 0.5, "diag"))
            score[i][j], move[i][j] = max(options, key=lambda o: o[0])
    matched: dict[int, int] = {}
    sims: dict[int, float] = {}
    i, j = n, m
    while i > 0 and j > 0:
        if move[i][j] == "diag":
            matched[j - 1] = i - 1
            sims[j - 1] = sim[i - 1][j - 1]
            i, j = i - 1, j - 1
        elif move[i][j] == "up":
            i -= 1
        else:
            j -= 1
    _confirm_rows_by_order(matched, sims)
    inferred = _fill_gaps(matched, rows, m, sim)
    sims.update({j: INFERRED_ROW for j in inferred})
    matched.update(inferred)
    # A header row holds only labels; a data row also holds value cells (numbers or blanks).
    data_like = {i for i in range(n) if max(sim[i], default=0.0) >= MIN_ROW_MATCH
                 and any(not is_label(p.cell.text) for p in rows[i].cells)} | set(inferred.values())
    return matched, sims, data_like


def _confirm_rows_by_order(matched: dict[int, int], sims: dict[int, float]):
    """A row matched loosely (a typo in its label, a misread character) whose neighbouring
    template rows are matched closely to the detected rows just before and after it is that
    row: its match counts as certain."""
    original = dict(sims)
    for j, i in matched.items():
        if original[j] >= CONFIRMED:
            continue
        neighbours = [(j + d, i + d) for d in (-1, 1) if j + d in matched]
        if neighbours and all(matched[k] == want and original[k] >= CONFIRMED for k, want in neighbours):
            sims[j] = CONFIRMED


def confirm_headers_by_order(headers: list[HeaderCell], columns: list[str]) -> list[HeaderCell]:
    """Headers read loosely (a typo, a misread character) that stand in the template's column
    order with the others of their header row are those columns: their match counts as certain.
    Candidates below MIN_HEADER_MATCH (a label printed short: 现件数 for 现行有效件数) are kept only
    so, for a column the row's other headers leave open; the others are dropped."""
    rows: dict[tuple[int, int], list[HeaderCell]] = {}
    for h in headers:
        rows.setdefault((id(h.placed.table), h.row), []).append(h)

    def in_order(row: list[HeaderCell]) -> bool:
        places = [columns.index(h.column) for h in sorted(row, key=lambda h: _centre(h.placed))]
        return len(row) >= 2 and all(a < b for a, b in zip(places, places[1:]))

    kept = []
    for same_row in rows.values():
        found = [h for h in same_row if h.score >= MIN_HEADER_MATCH]
        if in_order(found):
            for h in sorted((h for h in same_row if h.score < MIN_HEADER_MATCH), key=lambda h: -h.score):
                if h.column not in {f.column for f in found} and in_order(found + [h]):
                    found.append(h)
            for h in found:
                h.score = max(h.score, CONFIRMED)
        kept += found
    return kept


def _fill_gaps(matched: dict[int, int], rows: list[RowView], m: int, sim: list[list[float]]) -> dict[int, int]:
    """Rows whose label is unreadable (a seal over it, a faint scan), placed by order: where
    the template rows between two matched ones (or before the first, after the last) are as
    many as the unmatched rows with values between their matches, they pair up in order,
    when each row's label is lost, uncertain or at least like the template's. A row of its own
    that the template lacks keeps its readable label, and stays out."""
    def unreadable(i: int, j: int) -> bool:
        labels = rows[i].labels
        return not labels or sim[i][j] >= 0.3 or min((p for c in labels for p in c.cell.char_probs), default=1.0) < 0.9

    has_values = [any(parse_value(p.cell.text).value is not None for p in row.cells) for row in rows]
    bounds = [(-1, -1)] + sorted(matched.items()) + [(m, len(rows))]
    out = {}
    for (j1, i1), (j2, i2) in zip(bounds, bounds[1:]):
        template_rows = list(range(j1 + 1, j2))
        detected = [i for i in range(i1 + 1, i2) if has_values[i]]
        if template_rows and len(detected) == len(template_rows) and \
                all(unreadable(i, j) for i, j in zip(detected, template_rows)):
            out.update(zip(template_rows, detected))
    return out


# ---------------------------------------------------------------- columns

@dataclass
class HeaderCell:
    column: str
    row: int
    placed: Placed
    score: float


def find_headers(rows: list[RowView], columns: dict[str, tuple[str, ...]], skip: set[int],
                 loose: float = MIN_HEADER_MATCH) -> list[HeaderCell]:
    """Cells naming a column, outside the rows in `skip` (data rows), matched at MIN_HEADER_MATCH
    or, as candidates for confirm_headers_by_order, at `loose`. A header cell merged over several
    rows is listed once, at its top row."""
    found, seen = [], set()
    for r, row in enumerate(rows):
        if r in skip:
            continue
        for placed in row.labels:
            if id(placed.cell) in seen:
                continue
            seen.add(id(placed.cell))
            text = normalise(placed.cell.text)
            best, best_score = None, 0.0
            for col, labels in columns.items():
                s = max(similarity(text, normalise(label)) for label in labels)
                if s > best_score:
                    best, best_score = col, s
            if best_score < MIN_HEADER_MATCH:
                # the start of one column's header alone: the rest went over a page break
                # ("科研" of 科研机构), or was cut off
                starting = {col for col, labels in columns.items() if len(text) >= 2 and
                            any(normalise(label).startswith(text) for label in labels)}
                if len(starting) == 1:
                    best, best_score = starting.pop(), MIN_HEADER_MATCH
            if best is not None and best_score >= loose:
                found.append(HeaderCell(best, r, placed, best_score))
    return found


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


def _cell_under(row: RowView, header: Placed) -> tuple[Placed | None, float]:
    """The cell of `row` below `header`, and how much of the narrower of the two they share."""
    best, best_overlap = None, 0.0
    for placed in row.cells:
        overlap = _overlap(placed.x0, placed.x1, header.x0, header.x1)
        if overlap > best_overlap:
            best, best_overlap = placed, overlap
    if best is None:
        return None, 0.0
    return best, best_overlap / max(1e-6, min(header.x1 - header.x0, best.x1 - best.x0))


def infer_missing_headers(headers: list[HeaderCell], columns: list[str], trust: float = 0.8,
                          spans: dict[int, tuple[float | None, float]] | None = None) -> list[HeaderCell]:
    """Headers for columns whose own header cell was unreadable (a seal over it, a ruling lost
    under it), from the template's column order: in a fragment where the columns on both sides
    were read, the missing ones share the space between them (the last columns: the space to
    the table's right edge). Where `spans` gives a fragment (by id of its table) a left edge —
    where its row labels end, or table 四's header group (行政复议 …) begins — the first columns
    take the space from it too, and a right edge bounds the last. Their score is lowered, so
    the cells under them are scored with less trust."""
    inferred = []
    by_table: dict[int, dict[str, HeaderCell]] = {}
    for h in headers:
        by_table.setdefault(id(h.placed.table), {}).setdefault(h.column, h)
    for table_id, known in by_table.items():
        left_edge, right_edge = (spans or {}).get(table_id, (None, 1.0))
        present = [i for i, c in enumerate(columns) if c in known]
        if not present:
            continue
        gaps = list(zip(present, present[1:] + [len(columns)]))
        if left_edge is not None:
            gaps.insert(0, (-1, present[0]))
        for left, right in gaps:
            missing = columns[left + 1:right]
            if not missing:
                continue
            a = known[columns[left]] if left >= 0 else None
            b = known[columns[right]] if right < len(columns) else None
            start = a.placed.x1 if a is not None else left_edge
            end = b.placed.x0 if b is not None else right_edge
            if end - start < 0.01 * len(missing):
                continue
            step = (end - start) / len(missing)
            near = [h for h in (a, b) if h is not None]
            row = max(h.row for h in near)
            score = trust * min(h.score for h in near)
            for k, column in enumerate(missing):
                placed = Placed(near[0].placed.cell, near[0].placed.page, start + k * step, start + (k + 1) * step,
                                near[0].placed.table)
                inferred.append(HeaderCell(column, row, placed, score))
    return inferred


def _header_rows(spec_rows) -> list[list[str]]:
    """The sets of columns a table prints under one header row each (table 二 of 2021: 制发 / 废止
    / 现行有效, then 处理决定, then 收费金额; a set inside another is that one). Missing headers
    are inferred within a set: the columns of the sections below do not share its space (二's
    废止 and 现行有效 lost, the four columns after 制发 had split its row's right half)."""
    sets = list(dict.fromkeys(tuple(spec_row.columns) for spec_row in spec_rows))
    return [list(one) for one in sets if not any(set(one) < set(other) for other in sets)]


def _label_edges(rows: list[RowView], data_rows: set[int]) -> dict[int, tuple[float, float]]:
    """Each fragment's value area (by id of its table): from where the labels of its data rows
    end to its right edge."""
    edges: dict[int, list[float]] = {}
    for r in data_rows:
        if rows[r].labels:
            edges.setdefault(id(rows[r].labels[-1].table), []).append(max(p.x1 for p in rows[r].labels))
    return {table_id: (float(np.median(xs)), 1.0) for table_id, xs in edges.items()}


def _nearest_header(headers: list[HeaderCell], column: str, row: int) -> HeaderCell | None:
    above = [h for h in headers if h.column == column and h.row < row]
    if above:
        return max(above, key=lambda h: (h.row, h.score))
    others = [h for h in headers if h.column == column]
    return max(others, key=lambda h: h.score) if others else None


# ---------------------------------------------------------------- one table

@dataclass
class TableMatch:
    cells: dict[str, CellResult] = field(default_factory=dict)
    score: float = 0.0  # sum of label similarities, to choose between templates
    found: bool = False
    notes: list[str] = field(default_factory=list)  # how the table departs from the template
    # rows an indicator table prints that are none of the template's: kept, as printed
    other_rows: list[dict] = field(default_factory=list)


def _result(placed: Placed | None, label_score: float, spec: TableSpec, column: str,
            decimal: bool = False) -> CellResult:
    """`decimal`: the row's values may have decimals whatever the column (an amount of money)."""
    if placed is None:
        return CellResult(value=None, text=None, confidence=0.0, needs_review=True, page=None, bbox=None,
                          label_score=0.0, found=False)
    cell = placed.cell
    options = dict(decimal=decimal or column in spec.decimal_columns, signed=column in spec.signed_columns)
    if "?" not in cell.numeric_text:  # read as a number, with pooled look-alike probabilities
        parsed, text, probs = parse_value(cell.numeric_text, **options), cell.numeric_text, cell.numeric_probs
        char_options = cell.numeric_options
    else:
        parsed, text, probs = parse_value(cell.text, **options), cell.text, cell.char_probs
        char_options = []
        guess = likeliest_number(cell) if not parsed.ok else None
        number = parse_value(guess[0], **options) if guess is not None else None
        if number is not None and number.ok and number.value is not None:
            # glyphs read as no digit: the recogniser's likeliest number is shown for the reviewer,
            # at its own low probability, and stays no reading (not ok) for the other structure
            # reading and the checks to weigh
            parsed, probs = ParsedValue(number.value, False), guess[1]
    if parsed.value is None and not parsed.ok:
        parsed = stray_point_number(text, **options) or parsed
    on_page = placed.table.on_page
    # a blank over ink no line was cut from (a faint digit broken into specks) is no sure blank;
    # in a signed column, a number read without a minus is as sure as its minus is absent
    unread = not text.strip() and cell.unread_ink >= UNREAD_INK
    if options["signed"] and parsed.value is not None and not text.startswith("-"):
        probs = [*probs, 1.0 - cell.sign_doubt]
    if text.strip():  # the specks beside it read with it made another reading
        probs = [*probs, 1.0 - cell.beside_doubt]
    return CellResult(value=parsed.value, text=text, confidence=0.0, needs_review=True,
                      page=placed.page if on_page else None, bbox=_source_bbox(placed) if on_page else None,
                      label_score=label_score,
                      ocr_score=UNREAD_INK_P if unread else min(probs, default=1.0), parse_ok=parsed.ok,
                      recognised=on_page and not placed.table.from_text_layer, options=char_options,
                      under_seal=cell.under_seal)


def _source_bbox(placed: Placed) -> list[float]:
    """The cell's box on the rasterised page (undoing the page's normalisation)."""
    return [round(v, 1) for v in map_bbox(placed.table.to_source, placed.cell.bbox)]


def _values_by_order(row: RowView, k: int) -> tuple[list[Placed | None], bool]:
    """The k value cells of a row by order: the cells after its last label, trailing blanks
    dropped, the last k kept. Missing ones (a row printed blank, whose empty cells a text
    extraction drops) come back None. Also whether the row held exactly what was expected."""
    cells = row.cells
    last_label = max((i for i, p in enumerate(cells) if is_label(p.cell.text)), default=-1)
    values = cells[last_label + 1:]
    while values and not values[-1].cell.text.strip():
        values.pop()
    extra, values = values[:-k] if len(values) > k else [], values[-k:]
    exact = not any(p.cell.text.strip() for p in extra) and (len(values) == k or not values)
    return values + [None] * (k - len(values)), exact


def _blank_result(label_score: float, where: Placed | None = None) -> CellResult:
    """A value cell printed blank: one a text extraction left out of a blank row, or a column
    of a text reading's row with no value in it (`where`: the row's height under its header)."""
    on_page = where is not None and where.table.on_page
    return CellResult(value=None, text="", confidence=0.0, needs_review=True,
                      page=where.page if on_page else None, bbox=_source_bbox(where) if on_page else None,
                      label_score=label_score, ocr_score=1.0,
                      recognised=on_page and not where.table.from_text_layer)


def _centre(placed: Placed) -> float:
    return (placed.x0 + placed.x1) / 2


def _by_columns(row: RowView, headers: dict[str, HeaderCell]) -> dict[str, tuple[Placed | None, bool]]:
    """A text reading's row: each value right of the row's labels goes to the header (keyed
    by cell id) whose column its centre lies in (columns split halfway between neighbouring
    headers' centres, the outer ones open). A column with no value is printed blank (None);
    of two values in one column the nearer is taken, and not trusted (True)."""
    labels_end = max((p.x1 for p in row.labels), default=-1.0)
    values = [p for p in row.cells if not is_label(p.cell.text) and _centre(p) > labels_end]
    order = sorted(headers, key=lambda key: _centre(headers[key].placed))
    edges = [(_centre(headers[a].placed) + _centre(headers[b].placed)) / 2 for a, b in zip(order, order[1:])]
    under: dict[str, list[Placed]] = {key: [] for key in order}
    for placed in values:
        under[order[int(np.searchsorted(edges, _centre(placed)))]].append(placed)
    out = {}
    for key, found in under.items():
        found.sort(key=lambda p: abs(_centre(p) - _centre(headers[key].placed)))
        out[key] = (found[0] if found else None, len(found) > 1)
    return out


def _row_place(row: RowView, header: HeaderCell) -> Placed:
    """Where a blank of a text reading's row lies: the row's height, the header's width."""
    top = min(p.cell.bbox[1] for p in row.cells)
    bottom = max(p.cell.bbox[3] for p in row.cells)
    h = header.placed
    cell = Cell(row=0, col=0, row_span=1, col_span=1, bbox=(h.cell.bbox[0], top, h.cell.bbox[2], bottom))
    return Placed(cell, row.cells[0].page, h.x0, h.x1, row.cells[0].table)


def _text_results(row: RowView, headers: dict[str, HeaderCell | None], row_score: float, spec: TableSpec,
                  ids: list[tuple[str, str]]) -> dict[str, CellResult]:
    """A text reading's row under its headers (by cell id; see _by_columns); a cell without a
    header is not found. Where two values fell in one column, the row was read under the wrong
    columns (see _distrust_unplaced): none of its cells is trusted."""
    found = {cid: h for cid, h in headers.items() if h is not None}
    placed = _by_columns(row, found) if found else {}
    crowded = any(ambiguous for _, ambiguous in placed.values())
    out = {}
    for cid, column in ids:
        header = found.get(cid)
        if header is None:
            out[cid] = _result(None, 0.0, spec, column)
            continue
        value, _ = placed[cid]
        score = min(row_score, header.score) * (SHARED_CELL_FACTOR if crowded else 1.0)
        out[cid] = _result(value, score, spec, column) if value is not None else \
            _blank_result(score, _row_place(row, header))
    return out


def _ordered_results(values: list[Placed | None], label_score: float, spec: TableSpec,
                     cell_ids: list[tuple[str, str]]) -> dict[str, CellResult]:
    return {cid: (_result(placed, label_score, spec, column) if placed is not None else _blank_result(label_score))
            for (cid, column), placed in zip(cell_ids, values)}


def _left_out(spec: TableSpec, form: OneRowForm) -> list[RowSpec]:
    """The rows a one-row form does not print."""
    return [r for r in spec.rows if r.id in form.rows and r.id != form.into]


def _one_row_note(spec: TableSpec, form: OneRowForm) -> str:
    """The start of the warning of a table read as printing a group as one row."""
    return f"table {spec.id[1:]} prints {form.labels[0]} as one row: its values are in {spec.id}/{form.into}; "


def _one_row_cells(spec: TableSpec, form: OneRowForm, unplaced: int) -> tuple[dict[str, CellResult], str]:
    """The cells of the rows a one-row form leaves out, and a warning that says so: not printed;
    or, where `unplaced` rows of values inside the table went unmatched (the group's sub-rows,
    their labels garbled, may be there), not found, for a person to look."""
    left_out = _left_out(spec, form)
    ids = [(f"{spec.id}/{r.id}/{c}", c) for r in left_out for c in r.columns]
    rows = ", ".join(f"{spec.id}/{r.id}" for r in left_out)
    if unplaced:
        return ({cid: _result(None, 0.0, spec, column) for cid, column in ids},
                _one_row_note(spec, form) + f"{rows} not found ({unplaced} rows of values inside the table unplaced)")
    return {cid: _not_printed_result() for cid, _ in ids}, _one_row_note(spec, form) + f"{rows} are not printed"


def _drop_contradicted_one_row_notes(warnings: list[str], cells: dict[str, CellResult], template: Template) -> list[str]:
    """The warnings less a one-row form's where the reconciled cells hold its rows (the other
    reading read them: one reading's garbled sub-row labels are no one-row table)."""
    wrong = tuple(_one_row_note(spec, form) for spec in template.tables.values() for form in spec.one_row_forms
                  if any(cells[f"{spec.id}/{r.id}/{c}"].printed and cells[f"{spec.id}/{r.id}/{c}"].found
                         for r in _left_out(spec, form) for c in r.columns))
    return [w for w in warnings if not w.startswith(wrong)] if wrong else warnings


def _unplaced_value_rows(rows: list[RowView], matched: dict[int, int]) -> int:
    """Rows of values between the first and the last row matched that no template row took."""
    if not matched:
        return 0
    used = set(matched.values())
    return sum(1 for i in range(min(used), max(used) + 1) if i not in used and _numeric_cells(rows[i]))


def _form_fit(rows: list[RowView], matched: dict[int, int], sims: dict[int, float]) -> float:
    """How well one form of a table's rows explains the rows read: its rows' similarities, less
    half a match for each row of values inside the table that it leaves unmatched (a one-row
    （六）其他处理 must not win on its one clear label over three sub-rows whose labels a scan
    garbled: their values would be lost as not printed)."""
    if not matched:
        return 0.0
    return sum(s - 0.5 for s in sims.values()) - 0.5 * _unplaced_value_rows(rows, matched)


def match_rows_table(rows: list[RowView], spec: TableSpec) -> TableMatch:
    """Rows by their labels (in whichever form the table prints them), columns by their headers."""
    fits = [(align_rows(rows, form_rows), form_rows, form) for form_rows, form in spec.row_forms()]
    # the form whose alignment scores best; max keeps the template's own on a tie
    (matched, sims, data_like), spec_rows, form = max(fits, key=lambda f: _form_fit(rows, *f[0][:2]))
    headers = find_headers(rows, spec.columns, skip=data_like | set(matched.values()), loose=LOOSE_HEADER_MATCH)
    out = TableMatch(found=bool(matched))
    out.score = sum(sims.values()) + sum(h.score for h in headers if h.score >= MIN_HEADER_MATCH) * 0.5
    headers = confirm_headers_by_order(headers, list(spec.columns))
    if form is not None:
        cells, note = _one_row_cells(spec, form, _unplaced_value_rows(rows, matched))
        out.cells.update(cells)
        out.notes.append(note)
    spans = _label_edges(rows, set(matched.values()))
    for columns in _header_rows(spec_rows):
        headers += infer_missing_headers([h for h in headers if h.column in columns], columns, spans=spans)
    chosen: dict[str, Placed | None] = {}
    for j, spec_row in enumerate(spec_rows):
        r = matched.get(j)
        ids = [(f"{spec.id}/{spec_row.id}/{column}", column) for column in spec_row.columns]
        if r is None:
            out.cells.update({cid: _result(None, 0.0, spec, column) for cid, column in ids})
            continue
        geometry = rows[r].cells[0].table.geometry
        if geometry == "rows" or not headers:
            # no widths, or no header to put them under (the header printed on the page before,
            # unreadable): the values in printed order, trusted less without the header
            values, exact = _values_by_order(rows[r], len(ids))
            trust = (1.0 if exact else 0.5) * (1.0 if geometry == "rows" else 0.5)
            out.cells.update(_ordered_results(values, sims[j] * trust, spec, ids))
            continue
        if geometry == "text":  # no cells: the values under their headers
            heads = {cid: _nearest_header(headers, column, r) for cid, column in ids}
            out.cells.update(_text_results(rows[r], heads, sims[j], spec, ids))
            continue
        for cid, column in ids:
            header = _nearest_header(headers, column, r)
            if header is None:
                out.cells[cid] = _result(None, 0.0, spec, column)
                continue
            placed, share = _cell_under(rows[r], header.placed)
            label_score = min(sims[j], header.score) * min(1.0, share / 0.6)
            out.cells[cid] = _result(placed if share > 0.3 else None, label_score, spec, column)
            chosen[cid] = placed if share > 0.3 else None
        _distrust_unplaced(out, rows[r], {cid: chosen.get(cid) for cid, _ in ids})
    _distrust_shared(out, chosen)
    return out


def _distrust_unplaced(out: TableMatch, row: RowView, chosen: dict[str, Placed | None]):
    """A row whose inked values did not all land in its cells was read under the wrong
    columns (headers unreadable, a ruling lost): none of its cells is to be trusted, a blank
    least of all."""
    taken = {id(p.cell) for p in chosen.values() if p is not None}
    labels_end = max((p.x1 for p in row.labels), default=-1.0)
    left = [p for p in row.cells if p.x0 >= labels_end - 1e-6 and not is_label(p.cell.text) and p.cell.text.strip()
            and id(p.cell) not in taken]
    if left:
        for cid in chosen:
            out.cells[cid].label_score *= SHARED_CELL_FACTOR


def _distrust_shared(out: TableMatch, chosen: dict[str, Placed | None]):
    """One detected cell under two template cells: the ruling between them was lost, and its
    text is both values run together, or one of them. Neither is to be trusted."""
    under = Counter(id(p.cell) for p in chosen.values() if p is not None)
    for cid, placed in chosen.items():
        if placed is not None and under[id(placed.cell)] > 1:
            out.cells[cid].label_score *= SHARED_CELL_FACTOR


def _numeric_cells(row: RowView) -> int:
    return sum(parse_value(p.cell.text).value is not None for p in row.cells)


def _values_under_leaves(row: RowView, leaves: list[HeaderCell], ids: list[tuple[str, str]]
                         ) -> tuple[list[Placed | None], float] | None:
    """A table 四 whose header groups (行政复议 …) were unreadable (stacked bold type on a
    low-resolution picture) but whose data row holds exactly its cells: the values in the
    template's order, where most column headers read above them name the column that order
    gives them. With the label score of a row placed by order (flagged for a look)."""
    values, exact = _values_by_order(row, len(ids))
    if not exact or any(v is None for v in values):
        return None
    agree = disagree = 0
    for leaf in leaves:
        placed, share = _cell_under(row, leaf.placed)
        if placed is None or share < 0.5 or placed not in values:
            continue
        if ids[values.index(placed)][1] == leaf.column:
            agree += 1
        else:
            disagree += 1
    if agree < len(ids) // 3 or agree < 3 * disagree:
        return None
    return values, INFERRED_ROW


def _group_span(header: HeaderCell, groups: list[HeaderCell]) -> tuple[float, float]:
    """A header group's extent on a text reading: halfway to its neighbours' centres."""
    centres = sorted(_centre(h.placed) for h in groups)
    mine = centres.index(_centre(header.placed))
    left = (centres[mine - 1] + centres[mine]) / 2 if mine else 0.0
    right = (centres[mine] + centres[mine + 1]) / 2 if mine + 1 < len(centres) else 1.0
    return left, right


def _groups_in_order(groups: list[HeaderCell], order: list[str]) -> list[HeaderCell]:
    """The header groups that stand as the template prints them, surest first: side by side,
    left to right in its order, each once in a fragment. A candidate against a surer one is
    dropped and left to infer_missing_headers (行政, the start of 行政诉讼 over two groups' columns,
    taken for the start of 行政复议 where that was misread)."""
    kept: list[HeaderCell] = []

    def stands_with(h: HeaderCell, k: HeaderCell) -> bool:
        if k.placed.table is not h.placed.table:
            return True
        if k.column == h.column:
            return False
        shared = _overlap(h.placed.x0, h.placed.x1, k.placed.x0, k.placed.x1)
        narrower = min(h.placed.x1 - h.placed.x0, k.placed.x1 - k.placed.x0)
        left_of = order.index(h.column) < order.index(k.column)
        return shared < 0.5 * max(narrower, 1e-6) and (_centre(h.placed) < _centre(k.placed)) == left_of

    for h in sorted(groups, key=lambda h: -h.score):
        if all(stands_with(h, k) for k in kept):
            kept.append(h)
    return kept


def match_group_table(rows: list[RowView], spec: TableSpec) -> TableMatch:
    """Table 四: the row of a cell is named by a header group (行政复议 …), not by a row label."""
    order = [g.id for g in spec.rows]
    groups = _groups_in_order(find_headers(rows, {g.id: g.labels for g in spec.rows}, skip=set()), order)
    # the groups fill the table's width: the first starts at its left edge
    groups += infer_missing_headers(groups, order, spans={id(h.placed.table): (0.0, 1.0) for h in groups})
    leaves = find_headers(rows, spec.columns, skip=set())
    out = TableMatch(found=bool(groups))
    out.score = sum(h.score for h in groups) + 0.5 * sum(h.score for h in leaves)
    header_rows = {h.row for h in groups + leaves}
    data_row = None
    if header_rows:
        # the first row of numbers under a header: a header repeated on the next page (LibreOffice
        # prints one over an empty row where the table ended at the page's foot) has none under it
        below = [r for r in range(min(header_rows) + 1, len(rows)) if r not in header_rows]
        numeric = [r for r in below if _numeric_cells(rows[r]) >= 3]
        data_row = numeric[0] if numeric else next((r for r in below if r > max(header_rows)), None)
    ids = [(f"{spec.id}/{group.id}/{column}", column) for group in spec.rows for column in group.columns]
    if not groups and data_row is not None:
        by_order = _values_under_leaves(rows[data_row], leaves, ids)
        if by_order is not None:
            values, label_score = by_order
            out.found, out.score = True, 0.5 * sum(h.score for h in leaves)
            out.cells.update(_ordered_results(values, label_score, spec, ids))
            out.notes.append(f"table {spec.id}: its header groups were not read; its columns taken in the "
                             f"template's order, as the column headers read above them agree")
            return out
    if data_row is not None and rows[data_row].cells[0].table.geometry == "rows":
        values, exact = _values_by_order(rows[data_row], len(ids))
        label_score = min((h.score for h in groups), default=0.0) * (1.0 if exact else 0.5)
        out.cells.update(_ordered_results(values, label_score, spec, ids))
        return out
    text = data_row is not None and rows[data_row].cells[0].table.geometry == "text"
    chosen: dict[str, Placed | None] = {}
    leaf_headers: dict[str, HeaderCell | None] = {}
    heads = {group.id: max((h for h in groups if h.column == group.id), key=lambda h: h.score, default=None)
             for group in spec.rows}
    for group in spec.rows:
        group_header = heads[group.id]
        inside: list[HeaderCell] = []
        if group_header is not None:
            # a ruled group header's cell spans its columns; a text reading's is its words,
            # and its columns reach halfway to the next group's
            g0, g1 = _group_span(group_header, [h for h in heads.values() if h is not None]) if text else \
                (group_header.placed.x0, group_header.placed.x1)
            inside = [h for h in leaves if g0 - 0.01 <= _centre(h.placed) <= g1 + 0.01]
            inside += infer_missing_headers(inside, list(group.columns),
                                            spans={id(h.placed.table): (g0, g1) for h in inside})
        for column in group.columns:
            cid = f"{spec.id}/{group.id}/{column}"
            leaf = max((h for h in inside if h.column == column), key=lambda h: h.score, default=None)
            if leaf is not None and group_header is not None:
                leaf = HeaderCell(leaf.column, leaf.row, leaf.placed, min(group_header.score, leaf.score))
            leaf_headers[cid] = leaf
            if text:
                continue  # all the columns at once, below
            if leaf is None or data_row is None:
                out.cells[cid] = _result(None, 0.0, spec, column)
                continue
            placed, share = _cell_under(rows[data_row], leaf.placed)
            label_score = leaf.score * min(1.0, share / 0.6)
            out.cells[cid] = _result(placed if share > 0.3 else None, label_score, spec, column)
            chosen[cid] = placed if share > 0.3 else None
    if data_row is not None and not text:
        _distrust_unplaced(out, rows[data_row], {cid: chosen.get(cid) for cid, _ in ids})
    if text:
        out.cells.update(_text_results(rows[data_row], leaf_headers, 1.0, spec, ids))
    _distrust_shared(out, chosen)
    return out


# A row's numbering (1. / （一） / 一、 / 1、) and its 其中 (wherever a scan's reading put it: a
# 其中 merged over two rows is read beside either), which name no indicator
_ENUMERATION = re.compile(r"^[^\w(（]*(第?[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[.．、])?")
_QIZHONG = re.compile(r"其中\W?")
MIN_INDICATOR_MATCH = 0.8
UNREAD_TABLE_NUMBERS = 6  # a table dropped with this many numbers in it may be part of the report's own
SURE_INDICATOR = 0.95  # a label read from ink this like an indicator's is that indicator's


def indicator_label(text: str) -> str:
    """What names an indicator in a row's label: without its numbering and 其中."""
    return _ENUMERATION.sub("", _QIZHONG.sub("", normalise(text)))


def _not_printed_result() -> CellResult:
    return CellResult(value=None, text=None, confidence=0.0, needs_review=False, page=None, bbox=None,
                      label_score=1.0, printed=False)


def match_indicator_table(rows: list[RowView], spec: TableSpec) -> TableMatch:
    """A pre-2019 report's indicator table: offices printed different indicators in different
    orders, so each row is matched by its own labels to the indicator they name, each indicator
    once; a label that repeats (其他情形数 under 行政复议 and under 行政诉讼) goes to the indicator
    within the one whose row stands last above it. An indicator no row names is not printed (not
    zero, not flagged); a row that names none is placed by order where its label may be misread
    (_place_misread_rows), else kept as printed (other_rows). Values under their columns'
    headers (by order in a text extraction)."""
    headers = find_headers(rows, spec.columns, skip=set())
    labels = [[indicator_label(label) for label in spec_row.labels] for spec_row in spec.rows]
    within = {spec_row.id: spec_row.within for spec_row in spec.rows}
    chains = {}  # each indicator's wholes, nearest first
    for spec_row in spec.rows:
        chain, parent = [], spec_row.within
        while parent:
            chain.append(parent)
            parent = within.get(parent, "")
        chains[spec_row.id] = chain
    matched: dict[int, int] = {}
    sims: dict[int, float] = {}
    unknown_rows: list[int] = []
    section = ""
    header_rows = {h.row for h in headers}
    for i, row in enumerate(rows):
        if not row.labels or i in header_rows:
            continue
        texts = _row_texts(row)
        best, best_score = None, 0.0
        for j, spec_row in enumerate(spec.rows):
            if j in matched:
                continue
            score = max(similarity(text, label) for text in texts for label in labels[j])
            if section and section in chains[spec_row.id]:
                score += 0.05  # a part of the indicator whose section it stands in
            if score > best_score:
                best, best_score = j, score
        if best is None or best_score < MIN_INDICATOR_MATCH:
            if any(p.cell.text.strip() and not is_label(p.cell.text) for p in row.cells):
                unknown_rows.append(i)
            continue
        # a label read from ink that is only like an indicator's may be another's misread: its
        # values are trusted as little as a row placed by order (the grids' rows have their
        # order to confirm a loose match; an indicator table has none)
        table = row.cells[0].table
        recognised = table.on_page and not table.from_text_layer
        matched[best], sims[best] = i, INFERRED_ROW if recognised and best_score < SURE_INDICATOR else min(1.0, best_score)
        if not spec.rows[best].within:
            section = spec.rows[best].id
    unknown = [_other_row(rows[i]) for i in _place_misread_rows(rows, unknown_rows, spec, labels, matched, sims)]
    out = TableMatch(found=bool(matched), score=sum(sims.values()) + 0.5 * sum(h.score for h in headers))
    out.notes += [f"indicator table row 「{row['label']}」 is none of the template's indicators (kept in other_rows)"
                  for row in unknown]
    out.other_rows = unknown
    printed = [column for column in spec.columns if column not in spec.optional_columns
               or any(h.column == column for h in headers)]
    # an optional column whose header was not read (历年累计 blurred on a low-resolution picture)
    # is printed where most rows hold a value right of the last column read: taken from there
    unread = next((c for c in spec.columns if c not in printed), None)
    beside = {r: _right_of(rows[r], _nearest_header(headers, printed[-1], r)) for r in matched.values()} \
        if unread and headers and printed else {}
    if beside and 2 * sum(p is not None for p in beside.values()) >= len(beside):
        printed.append(unread)
    if not headers and matched:  # no header read at all: as many columns as most rows hold values
        held = sorted(len([p for p in _values_by_order(rows[r], len(spec.columns))[0] if p is not None])
                      for r in matched.values())
        printed = list(spec.columns)[:max(1, held[len(held) // 2])]
    doubtful = _doubtful_gaps(matched, sims, len(spec.rows))
    for j, spec_row in enumerate(spec.rows):
        r = matched.get(j)
        ids = [(f"{spec.id}/{spec_row.id}/{column}", column) for column in spec_row.columns]
        if r is None:
            out.cells.update({cid: _result(None, 0.0, spec, column) if j in doubtful and column in printed
                              else _not_printed_result() for cid, column in ids})
            continue
        if rows[r].cells[0].table.geometry == "rows" or not headers:
            values, exact = _values_by_order(rows[r], len(printed))
            by_column = dict(zip(printed, values))
            for cid, column in ids:
                if column not in printed:
                    out.cells[cid] = _not_printed_result()
                else:
                    placed = by_column[column]
                    out.cells[cid] = _result(placed, sims[j] * (1.0 if exact else 0.5), spec, column, spec_row.decimal) \
                        if placed is not None else _blank_result(sims[j])
                    # on a page without a header read, which column a value is in is a guess too
                    out.cells[cid].row_doubt = sims[j] <= INFERRED_ROW or rows[r].cells[0].table.geometry != "rows"
            continue
        for cid, column in ids:
            header = _nearest_header(headers, column, r)
            if header is None and column == unread and column in printed:
                placed = beside.get(r)
                out.cells[cid] = _result(placed, INFERRED_ROW * sims[j], spec, column, spec_row.decimal) \
                    if placed is not None else _blank_result(INFERRED_ROW * sims[j])
                out.cells[cid].row_doubt = True  # its column is a guess
                continue
            if header is None:
                out.cells[cid] = _not_printed_result() if column not in printed else _result(None, 0.0, spec, column)
                continue
            placed, share = _cell_under(rows[r], header.placed)
            label_score = min(sims[j], header.score) * min(1.0, share / 0.6)
            out.cells[cid] = _result(placed if share > 0.3 else None, label_score, spec, column, spec_row.decimal)
            out.cells[cid].row_doubt = sims[j] <= INFERRED_ROW
    return out


def _row_texts(row: RowView) -> set[str]:
    """What may name a row's indicator: each of its label cells, and all of them together (其中
    may be a cell of its own, a unit such as 万元 one after it)."""
    return {indicator_label(p.cell.text) for p in row.labels} | {indicator_label(row.path)}


def _doubtful_gaps(matched: dict[int, int], sims: dict[int, float], n: int) -> set[int]:
    """The indicators no row named that a row whose label was unsure may have been (those the
    template orders between that row's neighbours): not found rather than not printed, so a
    person looks (the unsure row may have taken another's place)."""
    order = sorted(matched, key=lambda j: matched[j])  # template indices in table order
    out = set()
    for k, j in enumerate(order):
        if sims[j] > INFERRED_ROW:
            continue
        low = order[k - 1] if k else -1
        high = order[k + 1] if k + 1 < len(order) else n
        out |= {g for g in range(min(low, high) + 1, max(low, high)) if g not in matched}
    return out


def _right_of(row: RowView, header: HeaderCell | None) -> Placed | None:
    """The first cell right of the one under `header` that holds a value."""
    under = _cell_under(row, header.placed)[0] if header is not None else None
    if under is None:
        return None
    return next((p for p in row.cells if p.x0 >= under.x1 - 1e-6 and p.cell.text.strip() and not is_label(p.cell.text)),
                None)


def _place_misread_rows(rows: list[RowView], unknown: list[int], spec: TableSpec, labels: list[list[str]],
                        matched: dict[int, int], sims: dict[int, float]) -> list[int]:
    """Rows with values whose label names no indicator. Read from ink (a scan), such a row is
    most likely one whose label was misread: it is placed as the indicator, among those no row
    named, that the template orders between its neighbours' (where they are in the template's
    order; else any) and that its label is most like, trusted as little as a row placed by
    order (so flagged). Exact text (a document, a text layer) is never misread: its rows stay
    unknown. Returns the rows left unknown."""
    left = []
    by_row = {i: j for j, i in matched.items()}
    for i in unknown:
        table = rows[i].cells[0].table
        if not table.on_page or table.from_text_layer:
            left.append(i)
            continue
        before = [by_row[k] for k in range(i) if k in by_row]
        after = [by_row[k] for k in range(i + 1, len(rows)) if k in by_row]
        low, high = (before[-1] if before else -1), (after[0] if after else len(spec.rows))
        free = [j for j in range(len(spec.rows)) if j not in matched]
        between = [j for j in free if low < j < high] if low < high else free
        if not between:
            left.append(i)
            continue
        texts = _row_texts(rows[i])
        best = max(between, key=lambda j: max((similarity(t, label) for t in texts for label in labels[j]), default=0.0))
        matched[best], sims[best], by_row[i] = i, INFERRED_ROW, best
    return left


def _other_row(row: RowView) -> dict:
    """A printed row that names no indicator, as printed (see TableMatch.other_rows)."""
    return {"label": "".join(p.cell.text for p in row.labels),
            "values": [p.cell.text for p in row.cells if not is_label(p.cell.text)],
            "page": row.cells[0].page if row.cells[0].table.on_page else None}


MATCHERS = {"rows": match_rows_table, "column_groups": match_group_table, "indicators": match_indicator_table}


# ---------------------------------------------------------------- whole report

@dataclass
class Reconstruction:
    template: Template | None
    cells: dict[str, CellResult]
    warnings: list[str]
    other_rows: list[dict] = field(default_factory=list)  # see TableMatch


def reconstruct(readings: list[list[Table]], templates: list[Template], year: int | None = None) -> Reconstruction:
    """The report's cells under the template that fits best, from one or more structure
    readings of its tables (reconciled cell by cell, see reconcile.py). Where two fit about
    equally (only the tables they share were read: a light scan lost tables 一, 二 and 四), the
    report's `year` (from its title) tells which one it is the form of."""
    dropped: list[Table] = []
    grouped = [group_fragments(tables, templates, dropped) for tables in readings]
    # a table of numbers no template's labels were read in (a page turned the wrong way up, a
    # fragment whose labels were lost) may be the rest of the report's table
    unread_numbers = any(sum(1 for c in t.cells if parse_value(c.text).value is not None) >= UNREAD_TABLE_NUMBERS
                         for t in dropped)
    fits: list[tuple[float, Template, list[dict[str, TableMatch | None]]]] = []
    for template in templates:
        matches = []
        for fragments in grouped:
            per_table = {}
            for tid, spec in template.tables.items():
                per_table[tid] = MATCHERS[spec.layout](fragments[tid], spec) if fragments[tid] else None
            matches.append(per_table)
        fits.append((sum(m.score for per_table in matches for m in per_table.values() if m), template, matches))
    top = max(score for score, _, _ in fits)
    if top == 0:
        return Reconstruction(None, {}, ["no template table found"])
    close = [fit for fit in fits if fit[0] >= top - FORMATS_CLOSE]
    score, template, matches = next((fit for fit in close if fit[1].covers(year)),
                                    next(fit for fit in close if fit[0] == top))
    warnings = []
    if len(close) > 1:
        told = f"told by the report's year, {year}" if template.covers(year) else "the report's year not read"
        warnings.append(f"the tables read fit the {' and the '.join(t.id for _, t, _ in close)} formats about "
                        f"alike; read as the {template.id} format ({told})")
    per_reading: list[dict[str, CellResult]] = [{} for _ in matches]
    for tid, spec in template.tables.items():
        if not any(m[tid] is not None and m[tid].found for m in matches):
            warnings.append(f"table {tid} ({spec.title}) not found")
        for cells, per_table in zip(per_reading, matches):
            match = per_table[tid]
            if match is None or not match.found:
                match = TableMatch(cells={cid: _result(None, 0.0, spec, "") for cid in spec.cell_ids()})
            elif unread_numbers and spec.layout == "indicators":
                # what the table read does not print may be in the part that could not be read
                match.cells.update({cid: _result(None, 0.0, spec, "") for cid, cell in match.cells.items()
                                    if not cell.printed})
                note = "a table of numbers whose labels could not be read may hold the indicators not found"
                if note not in warnings:
                    warnings.append(note)
            cells.update(match.cells)
            warnings += [note for note in match.notes if note not in warnings]
    ordered = [{cid: cells[cid] for cid in template.cell_ids()} for cells in per_reading]
    other_rows = [row for per_table in matches[:1] for m in per_table.values() if m for row in m.other_rows]
    cells = reconcile(ordered)
    doubt_lone_blanks(cells, template)
    return Reconstruction(template, cells, _drop_contradicted_one_row_notes(warnings, cells, template), other_rows)


LONE_BLANK_NEIGHBOURS = 3  # numbers in a blank's column that make the blank doubtful
LONE_BLANK_P = 0.1  # the reading score of such a blank: flagged on every kind of image
# blanks this share of their column or fewer are lost digits too (one seal's ring crossed two 0s
# of table 三's 23-cell column: the second blank had kept the first sure)
LONE_BLANK_SHARE = 0.1


def doubt_lone_blanks(cells: dict[str, CellResult], template: Template):
    """A grid cell read as blank where (nearly) every other cell of its column holds a number: a
    digit lost on the scan (under a seal's filled star, a faint 0, a row squeezed so that its
    values sit on its ruling) is likelier than a blank an author left in a full grid, and no
    identity can tell (a lost 0 adds up as blank). So is one where every other cell of its row
    holds a number (table 四 is one row: a value taken by the next column on a skewed photo),
    unless its column is printed blank. Such a blank is scored low, for a look. Authors who
    print blanks for zeros leave many in a column, so their blanks keep their scores."""
    grids = {tid for tid, spec in template.tables.items() if spec.layout != "indicators"}
    columns: dict[tuple[str, str], list[CellResult]] = {}
    rows: dict[tuple[str, str], list[CellResult]] = {}
    read_blank = []
    for cid, cell in cells.items():
        tid, row, column = cid.split("/")
        if tid in grids and cell.printed and cell.found:
            columns.setdefault((tid, column), []).append(cell)
            rows.setdefault((tid, row), []).append(cell)
            if cell.value is None and cell.recognised and not (cell.text or "").strip():
                read_blank.append((cell, columns[(tid, column)], rows[(tid, row)]))

    def blanks(group: list[CellResult]) -> int:
        return sum(c.value is None for c in group)

    def lone(group: list[CellResult]) -> bool:
        return len(group) > LONE_BLANK_NEIGHBOURS and not many(group)

    def many(group: list[CellResult]) -> bool:
        return blanks(group) > max(1, LONE_BLANK_SHARE * len(group))

    for cell, column_cells, row_cells in read_blank:
        if lone(column_cells) or (lone(row_cells) and not many(column_cells)):
            cell.ocr_score = min(cell.ocr_score, LONE_BLANK_P)


def from_statements(template: Template, stated: dict[str, CellResult]) -> Reconstruction:
    """A report whose text states its numbers and prints no table (many of 2008-2018): the
    cells its statements give (see verify/text_vs_table.stated_cells), every other one not
    printed."""
    cells = {cid: stated.get(cid) or _not_printed_result() for cid in template.cell_ids()}
    return Reconstruction(template, cells, ["no statistics table: the indicators its text states are read from "
                                            "the text (from_text)"])
