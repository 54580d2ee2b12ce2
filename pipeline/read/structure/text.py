"""The text reading: a table's rows from its text lines alone, no ruling needed.

Values (lines that read as a number or a blank mark) sit in rows: lines at one height. Labels
(the other lines) are joined into blocks: a wrapped label's lines, a header's characters stacked
one per line. A block left of a row's values is that row's label (a parent label merged down
several rows spans the rows its height covers); a block that is no row's label is a row of its
own: a header, a section title, a row printed blank. Columns are not decided here: reconstruct
puts each value under the header whose column its centre lies in, so a blank is a column with
no value in it, not a lost cell. No vertical ruling is used. Horizontal rulings, where a stretch
of one is found, keep apart what they separate (a label set at the top of a tall row and its
values set in the middle are one row when no rule runs between them); without any, nearness
decides.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ...types import Cell, PageLayout, Table, TextLine
from ..ocr import add_reading, is_label, reading_order
from ..reconstruct import BLANK_MARKS, NUMBERED, normalise, parse_value
from . import StructureReading


def is_value(line: TextLine) -> bool:
    """A number, or a mark that a cell is blank."""
    text = normalise(line.text).replace("—", "-")
    if text in BLANK_MARKS:
        return True
    reading = line.numeric_text if "?" not in line.numeric_text else line.text
    parsed = parse_value(reading, decimal=True, signed=True)
    return parsed.ok and parsed.value is not None and len(normalise(reading)) <= 14


@dataclass
class Block:
    """Label lines read as one cell's text."""
    lines: list[TextLine]
    rows: list[int] = field(default_factory=list)  # the value rows it labels

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (min(l.bbox[0] for l in self.lines), min(l.bbox[1] for l in self.lines),
                max(l.bbox[2] for l in self.lines), max(l.bbox[3] for l in self.lines))

    @property
    def last(self) -> TextLine:
        return self.lines[-1]


def _height(line: TextLine) -> float:
    return line.bbox[3] - line.bbox[1]


def _narrow(line: TextLine) -> bool:
    """One character or so: a line of text set vertically, a character per line."""
    return line.bbox[2] - line.bbox[0] <= 1.6 * _height(line)


def value_rows(values: list[TextLine], rules: "Rules", tolerance: float) -> list[list[TextLine]]:
    """Value lines in rows: a number wrapped in a narrow column (its lines stacked, and no rule
    anywhere between them: a rule broken just there still parts two rows) joined first; then
    lines within `tolerance` of a row's mean centre are in it."""
    joined: list[TextLine] = []
    for line in sorted(values, key=lambda l: (l.bbox[1], l.bbox[0])):
        above = next((j for j in reversed(joined) if rules and 0 <= line.bbox[1] - j.bbox[3] <= 0.8 * _height(line)
                      and _across(line, j) > 0.3 and not rules.between(j.centre[1], line.centre[1], -np.inf, np.inf)),
                     None)
        if above is None:
            joined.append(line)
            continue
        joined[joined.index(above)] = _joined(above, line)
    rows: list[list[TextLine]] = []
    for line in sorted(joined, key=lambda l: l.centre[1]):
        if rows and abs(line.centre[1] - np.mean([l.centre[1] for l in rows[-1]])) <= tolerance:
            rows[-1].append(line)
        else:
            rows.append([line])
    return rows


def _across(a: TextLine, b: TextLine) -> float:
    """How much of the narrower of two lines the other spans across."""
    overlap = min(a.bbox[2], b.bbox[2]) - max(a.bbox[0], b.bbox[0])
    return overlap / max(1.0, min(a.bbox[2] - a.bbox[0], b.bbox[2] - b.bbox[0]))


def _level(a: TextLine, b: TextLine) -> bool:
    """Whether two lines sit at one height."""
    overlap = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
    return overlap > 0.5 * min(_height(a), _height(b))


class Rules:
    """The horizontal rulings found in a table zone (stretches of them, worn or whole)."""

    def __init__(self, rules: list[tuple[float, float, float]], zone):
        self.rules = [r for r in rules if zone[1] <= r[0] <= zone[3] and r[2] > zone[0] and r[1] < zone[2]]

    def __bool__(self) -> bool:
        return len(self.rules) >= 2

    def between(self, y_a: float, y_b: float, x0: float, x1: float) -> bool:
        """Whether a ruling runs between heights y_a and y_b somewhere over x0..x1."""
        lo, hi = sorted((y_a, y_b))
        return any(lo < y < hi and min(x1, rx1) > max(x0, rx0) for y, rx0, rx1 in self.rules)


def _joined(a: TextLine, b: TextLine) -> TextLine:
    """One line of two pieces read apart (a before b)."""
    both = TextLine(bbox=(min(a.bbox[0], b.bbox[0]), min(a.bbox[1], b.bbox[1]), max(a.bbox[2], b.bbox[2]),
                          max(a.bbox[3], b.bbox[3])), under_seal=max(a.under_seal, b.under_seal))
    add_reading(both, a)
    add_reading(both, b)
    return both


def _piece(line: TextLine) -> bool:
    """Too little to be a label alone: a numbering (（七）, 二、) or a character or two."""
    text = normalise(line.text)
    return bool(NUMBERED.fullmatch(text)) or not is_label(text)


def join_pieces(lines: list[TextLine], gap: float, piece=lambda line: True) -> list[TextLine]:
    """Pieces of one label or number a wide gap broke apart ("（七）" and "总计", "-" and "4")
    joined: level, and closer than `gap` line heights, when one of them is a `piece`."""
    out: list[TextLine] = []
    for line in sorted(lines, key=lambda l: l.bbox[0]):
        h = _height(line)
        left = next((k for k, o in enumerate(out) if -0.2 * h <= line.bbox[0] - o.bbox[2] <= gap * h and _level(o, line)
                     and (piece(o) or piece(line))), None)
        if left is None:
            out.append(line)
        else:
            out[left] = _joined(out[left], line)
    return out


def label_blocks(labels: list[TextLine], anchor: dict[int, int | None], rules: Rules) -> list[Block]:
    """Label lines joined into blocks: a line continues the block whose last line sits just
    above it and overlaps it across, unless a ruling runs between them, it starts a numbered
    label of its own, the two sit level with different rows of values, or another line beside
    it also stands under that line (which then heads several columns: 行政诉讼 over
    未经复议直接起诉 and 复议后起诉). Characters stacked one per line join unless ruled apart."""
    ordered = sorted(labels, key=lambda l: (l.bbox[1], l.bbox[0]))
    blocks: list[Block] = []
    for line in ordered:
        h = _height(line)
        joined = False
        for block in reversed(blocks):
            last = block.last
            gap = line.bbox[1] - last.bbox[3]
            stacked = _narrow(line) and _narrow(last)
            reach = (1.6 if stacked else 1.0) * max(h, _height(last))  # line spacing up to 1.5
            if not (-0.3 * h <= gap <= reach and _across(line, last) > 0.3):
                continue
            if rules.between(last.centre[1], line.centre[1], max(line.bbox[0], last.bbox[0]),
                             min(line.bbox[2], last.bbox[2])) or \
                    any(other is not line and _level(other, line) and _across(other, last) > 0.3 for other in ordered):
                break
            mine = {anchor[id(l)] for l in block.lines} - {None}
            if stacked or (not NUMBERED.match(normalise(line.text))
                           and (anchor[id(line)] is None or not mine or anchor[id(line)] in mine)):
                block.lines.append(line)
                joined = True
            break
        if not joined:
            blocks.append(Block([line]))
    return blocks


def _nearest_labels_only(blocks: list[Block], centres: list[float]):
    """Without rulings, of the labels of one column that a row of values is nearest to, only
    the nearest is its label: the label of a row printed blank (no values of its own) sits near
    its neighbour's values, and is a row of its own."""
    def centre(block: Block) -> float:
        return (block.bbox[1] + block.bbox[3]) / 2

    for block in blocks:
        if len(block.rows) != 1:
            continue
        i = block.rows[0]
        rivals = [b for b in blocks if b is not block and b.rows == [i] and
                  min(b.bbox[2], block.bbox[2]) > max(b.bbox[0], block.bbox[0])]
        if any(abs(centre(b) - centres[i]) < abs(centre(block) - centres[i]) for b in rivals):
            block.rows = []


class TextReading(StructureReading):
    """Rows from the text lines of each table zone of a page."""

    name = "text"

    def read(self, layout: PageLayout) -> list[Table]:
        tables = []
        for zone in layout.zones:
            lines = [l for l in layout.lines if zone[0] <= l.centre[0] <= zone[2] and zone[1] <= l.centre[1] <= zone[3]
                     and normalise(l.text)]
            table = self.table(lines, zone, Rules(layout.rules, zone), layout) if lines else None
            if table is not None:
                tables.append(table)
        return tables

    def table(self, lines: list[TextLine], zone, rules: Rules, layout: PageLayout) -> Table:
        # a label's pieces within a character of each other, when one is too little to be a
        # label alone (two headers of narrow columns side by side stay apart); a number's
        # pieces (a sign, a digit a faint scan broke off) within half a character
        values = join_pieces([l for l in lines if is_value(l)], 0.5)
        labels = join_pieces([l for l in lines if not is_value(l)], 0.8, _piece)
        line_h = float(np.median([_height(l) for l in lines]))
        rows = value_rows(values, rules, 0.45 * line_h)
        centres = [float(np.mean([l.centre[1] for l in row])) for row in rows]
        starts = [min(l.bbox[0] for l in row) for row in rows]

        def anchored(line: TextLine) -> int | None:
            near = [i for i, c in enumerate(centres) if abs(line.centre[1] - c) <= 0.3 * line_h]
            return near[0] if near else None

        anchor = {id(l): anchored(l) for l in labels}
        blocks = label_blocks(labels, anchor, rules)
        pitch = float(np.median(np.diff(centres))) if len(centres) > 1 else 2 * line_h

        def level_row(line: TextLine, candidates: list[int]) -> int | None:
            """The row of values a label line stands beside: with rulings, the nearest one no
            rule parts it from; without, the nearest one within half a row."""
            if rules:
                level = [i for i in candidates
                         if not rules.between(line.centre[1], centres[i], line.bbox[0], starts[i] + line_h)]
            else:
                level = [i for i in candidates if abs(centres[i] - line.centre[1]) <= 0.5 * pitch]
            return min(level, key=lambda i: abs(centres[i] - line.centre[1]), default=None)

        for block in blocks:
            # a row label stands left of the values of its rows
            candidates = [i for i, start in enumerate(starts) if block.bbox[2] <= start + 0.2 * line_h]
            spanned = {level_row(line, candidates) for line in block.lines} - {None}
            if spanned:
                block.rows = list(range(min(spanned), max(spanned) + 1))
        if not rules:
            _nearest_labels_only(blocks, centres)
        own_rows = [block for block in blocks if not block.rows]
        return self._assemble(rows, centres, blocks, own_rows, zone, layout)

    @staticmethod
    def _assemble(rows, centres, blocks, own_rows, zone, layout: PageLayout) -> Table:
        """Rows top to bottom: the value rows and the label rows (blocks side by side that
        overlap in height are one row), each block and value line a cell."""
        groups: list[list[Block]] = []
        for block in sorted(own_rows, key=lambda b: b.bbox[1]):
            if groups and block.bbox[1] < max(b.bbox[3] for b in groups[-1]) - 0.2 * (block.bbox[3] - block.bbox[1]):
                groups[-1].append(block)
            else:
                groups.append([block])
        order = sorted([("values", i, centres[i]) for i in range(len(rows))] +
                       [("labels", k, float(np.mean([(b.bbox[1] + b.bbox[3]) / 2 for b in g])))
                        for k, g in enumerate(groups)], key=lambda item: item[2])
        index = {(kind, i): r for r, (kind, i, _) in enumerate(order)}
        cells: list[Cell] = []

        def cell(lines: list[TextLine], row: int, span: int) -> Cell:
            c = Cell(row=row, col=0, row_span=span, col_span=1,
                     bbox=(min(l.bbox[0] for l in lines), min(l.bbox[1] for l in lines),
                           max(l.bbox[2] for l in lines), max(l.bbox[3] for l in lines)))
            for line in reading_order(lines):
                add_reading(c, line)
                c.under_seal = max(c.under_seal, line.under_seal)
            return c

        for i, row in enumerate(rows):
            cells += [cell([line], index[("values", i)], 1) for line in row]
        for block in blocks:
            if block.rows:
                first, last = index[("values", block.rows[0])], index[("values", block.rows[-1])]
                cells.append(cell(block.lines, first, last - first + 1))
        for k, group in enumerate(groups):
            cells += [cell(block.lines, index[("labels", k)], 1) for block in group]
        for r in range(len(order)):  # a column index for each cell: its place in its row
            in_row = sorted((c for c in cells if c.row == r), key=lambda c: c.bbox[0])
            for col, c in enumerate(in_row):
                c.col = col
        cells.sort(key=lambda c: (c.row, c.col))
        n_cols = max((c.col + 1 for c in cells), default=0)
        return Table(page=layout.number, bbox=tuple(float(v) for v in zone), n_rows=len(order), n_cols=n_cols,
                     cells=cells, to_source=layout.to_source, geometry="text", from_text_layer=layout.exact)
