"""The printed grids of tables 二, 三 and 四, as offices lay them out.

A grid is a list of cells on a row/column lattice with spans, the same shape the pipeline's
structure stage recovers from ruling lines. Label variants are drawn at random from the
template, so the generator exercises every spelling the reader must accept.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from ..templates import Template
from .values import APPLICANTS, format_value


@dataclass
class GridCell:
    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1
    is_value: bool = False


@dataclass
class Grid:
    col_widths: list[float]  # relative
    cells: list[GridCell] = field(default_factory=list)
    header_rows: int = 0  # rows repeated on a continuation page when the style asks

    @property
    def n_rows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    def add(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1, is_value: bool = False):
        self.cells.append(GridCell(row, col, text, rowspan, colspan, is_value))


@dataclass
class Style:
    """Per-report choices of an office's layout."""
    split_t2: bool  # table 二 as one small table per 第二十条 item
    label_pick: int  # which label variant to print
    drop_di: bool  # "第二十条(六)项" without 第
    repeat_header: bool  # table 三's header repeated on a continuation page

    @classmethod
    def draw(cls, rng: random.Random) -> "Style":
        return cls(split_t2=rng.random() < 0.35, label_pick=rng.randint(0, 3),
                   drop_di=rng.random() < 0.2, repeat_header=rng.random() < 0.3)

    def pick(self, labels: tuple[str, ...]) -> str:
        return labels[self.label_pick % len(labels)]


ARTICLE_ITEMS = {"art20_1": "一", "art20_5": "五", "art20_6": "六", "art20_8": "八", "art20_9": "九"}


def _value(values: dict, cid: str) -> str:
    return format_value(values[cid])


def table_2(template: Template, values: dict, style: Style) -> list[Grid]:
    spec = template.tables["t2"]
    sections: dict[str, list] = {}
    for row in spec.rows:
        sections.setdefault(row.id.split(".")[0], []).append(row)
    grids: list[Grid] = []
    grid = Grid(col_widths=[0.34, 0.22, 0.22, 0.22])
    r = 0
    for item, rows in sections.items():
        if style.split_t2 and grid.cells:
            grids.append(grid)
            grid, r = Grid(col_widths=[0.34, 0.22, 0.22, 0.22]), 0
        di = "" if style.drop_di and item != "art20_1" else "第"
        grid.add(r, 0, f"第二十条{di}（{ARTICLE_ITEMS[item]}）项", colspan=4)
        r += 1
        columns = rows[0].columns
        spans = _spans(len(columns))
        grid.add(r, 0, "信息内容")
        for col, (start, span) in zip(columns, spans):
            grid.add(r, start, style.pick(spec.columns[col]), colspan=span)
        r += 1
        for row in rows:
            grid.add(r, 0, style.pick(row.labels))
            for col, (start, span) in zip(row.columns, spans):
                grid.add(r, start, _value(values, f"t2/{row.id}/{col}"), colspan=span, is_value=True)
            r += 1
    grids.append(grid)
    return grids


def _spans(n: int) -> list[tuple[int, int]]:
    """Value columns 1..3 shared by n cells: 3 → one each, 2 → 1 + 2, 1 → one cell over all three."""
    return {3: [(1, 1), (2, 1), (3, 1)], 2: [(1, 1), (2, 2)], 1: [(1, 3)]}[n]


def table_3(template: Template, values: dict, style: Style, rng: random.Random) -> Grid:
    spec = template.tables["t3"]
    label_w = rng.uniform(0.36, 0.46)
    grid = Grid(col_widths=[label_w * 0.22, label_w * 0.26, label_w * 0.52] + [(1 - label_w) / 7] * 7,
                header_rows=3)
    grid.add(0, 0, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rowspan=3, colspan=3)
    grid.add(0, 3, "申请人情况", colspan=7)
    grid.add(1, 3, style.pick(spec.columns["natural_person"]), rowspan=2)
    grid.add(1, 4, "法人或其他组织", colspan=5)
    grid.add(1, 9, style.pick(spec.columns["total"]), rowspan=2)
    for i, col in enumerate(APPLICANTS[1:]):
        grid.add(2, 4 + i, style.pick(spec.columns[col]))
    r = 3
    groups: dict[str, list] = {}
    for row in spec.rows:
        key = row.parent[0] if row.parent and row.parent[0] != "三、本年度办理结果" else row.id
        groups.setdefault(key, []).append(row)
    results_start = None
    for key, rows in groups.items():
        first = rows[0]
        if first.parent and results_start is None:
            results_start = r
        if first.parent and first.parent[0] != "三、本年度办理结果":
            grid.add(r, 1, style.pick(first.parent), rowspan=len(rows))
            for row in rows:
                grid.add(r, 2, style.pick(row.labels))
                _values_row(grid, r, values, row.id)
                r += 1
        else:
            row = first
            if row.parent:
                grid.add(r, 1, style.pick(row.labels), colspan=2)
            elif row.id == "total":
                grid.add(r, 1, style.pick(row.labels), colspan=2)
            else:
                grid.add(r, 0, style.pick(row.labels), colspan=3)
            _values_row(grid, r, values, row.id)
            r += 1
        if key == "total":
            grid.add(results_start, 0, "三、本年度办理结果", rowspan=r - results_start)
    return grid


def _values_row(grid: Grid, r: int, values: dict, row_id: str):
    for i, col in enumerate((*APPLICANTS, "total")):
        grid.add(r, 3 + i, _value(values, f"t3/{row_id}/{col}"), is_value=True)


def table_4(template: Template, values: dict, style: Style) -> Grid:
    spec = template.tables["t4"]
    grid = Grid(col_widths=[1 / 15] * 15)
    grid.add(0, 0, style.pick(spec.rows[0].labels), colspan=5)
    grid.add(0, 5, "行政诉讼", colspan=10)
    cols = list(spec.columns)
    for i, col in enumerate(cols):
        grid.add(1, i, style.pick(spec.columns[col]), rowspan=2)
    for g, group in enumerate(spec.rows[1:]):
        grid.add(1, 5 + 5 * g, style.pick(group.labels), colspan=5)
        for i, col in enumerate(cols):
            grid.add(2, 5 + 5 * g + i, style.pick(spec.columns[col]))
    for g, group in enumerate(spec.rows):
        for i, col in enumerate(cols):
            grid.add(3, 5 * g + i, _value(values, f"t4/{group.id}/{col}"), is_value=True)
    return grid
