"""The printed grids of tables 二, 三 and 四, as offices lay them out.

A grid is a list of cells on a row/column lattice with spans, the same shape the pipeline's
structure stage recovers from ruling lines. Every layout choice an office makes is drawn per
report (Style), wider than real reports vary: table 二 as one table or several, with its item
titles inside or above them; table 三 with three, two or one label columns, parents merged down
or printed once, 总计 over one or all header rows, （六） as one row; table 四 with its header
words one character per line; label variants and typos; how a blank prints. A "\n" in a cell's
text is a forced line break.
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
    role: str = "label"  # "label", "header", "section" (a title row), "value"


@dataclass
class Grid:
    col_widths: list[float]  # relative
    cells: list[GridCell] = field(default_factory=list)
    header_rows: int = 0  # rows repeated on a continuation page when the style asks
    kind: str = ""  # "t2", "t3" or "t4"

    @property
    def n_rows(self) -> int:
        return max(c.row + c.rowspan for c in self.cells)

    def add(self, row: int, col: int, text: str, rowspan: int = 1, colspan: int = 1, is_value: bool = False,
            role: str = "label"):
        self.cells.append(GridCell(row, col, text, rowspan, colspan, is_value, "value" if is_value else role))


# Typos real reports print (2.其他法律行政止公开): a character or two dropped, or one swapped for a
# look-alike or a homophone.
LOOKALIKE_CHARS = {"予": "子", "公": "分", "开": "并", "政": "正", "法": "去", "规": "视", "密": "宻", "属": "风",
                   "务": "各", "处": "外", "理": "里", "申": "甲", "请": "清", "息": "自", "掌": "拿", "确": "角"}
BLANKS = ("", "", "", "无", "/", "—", "-")


@dataclass
class Style:
    """Per-report choices of an office's layout (see the module's docstring)."""
    label_pick: int  # which label variant to print
    drop_di: bool  # "第二十条(六)项" without 第
    repeat_header: bool  # table 三's header repeated on a continuation page
    t2_tables: int  # table 二 printed as this many tables (at most one per 第二十条 item)
    t2_titles_outside: bool  # a split table 二's item titles as paragraphs above its tables
    t2_section_span: bool  # table 二's item title rows span every column (else only the label column)
    t3_label_columns: int  # 3: 三、本年度办理结果 | （三）不予公开 | 1.属于…; 2: the first as a row; 1: one column
    t3_merge_parents: bool  # a parent label (（三）不予公开) merged down its sub-rows, else in the first only
    t3_total_spans_header: bool  # 总计 over all three header rows
    t3_describe: bool  # the header's top left cell holds the 勾稽关系 note
    other_one_row: bool  # (2021) （六）其他处理 printed as one row (its values in other.other)
    t4_vertical: bool  # table 四's header words one character per line
    t4_group_rowspan: bool  # 行政复议 spans two header rows, its leaf headers only the third
    typo: float  # chance that a label carries a typo
    blank: str  # how a blank (a value not printed) looks
    zeros_blank: tuple[str, ...] = ()  # tables ("t2", "t4") that leave their zeros blank

    @classmethod
    def draw(cls, rng: random.Random, wide: bool = False) -> "Style":
        """`wide`: the Word route's wider range of layouts; else the drawn route's own."""
        if not wide:
            return cls(label_pick=rng.randint(0, 3), drop_di=rng.random() < 0.2, repeat_header=rng.random() < 0.3,
                       t2_tables=rng.choice([1, 99]) if rng.random() < 0.35 else 1, t2_titles_outside=False,
                       t2_section_span=True, t3_label_columns=3, t3_merge_parents=True,
                       t3_total_spans_header=False, t3_describe=True, other_one_row=False, t4_vertical=False,
                       t4_group_rowspan=False, typo=0.0, blank="")
        return cls(label_pick=rng.randint(0, 3), drop_di=rng.random() < 0.2, repeat_header=rng.random() < 0.4,
                   t2_tables=rng.choice([1, 1, 2, 3, 4, 5, 6]), t2_titles_outside=rng.random() < 0.3,
                   t2_section_span=rng.random() < 0.8, t3_label_columns=rng.choice([3, 3, 3, 2, 1]),
                   t3_merge_parents=rng.random() < 0.75, t3_total_spans_header=rng.random() < 0.3,
                   t3_describe=rng.random() < 0.85, other_one_row=rng.random() < 0.25,
                   t4_vertical=rng.random() < 0.4, t4_group_rowspan=rng.random() < 0.3,
                   typo=rng.choice([0.0, 0.0, 0.03, 0.08]), blank=rng.choice(BLANKS),
                   zeros_blank=tuple(t for t in ("t2", "t4") if rng.random() < 0.1))

    def pick(self, labels: tuple[str, ...]) -> str:
        return labels[self.label_pick % len(labels)]


def misprint(text: str, rng: random.Random) -> str:
    """The label with one typo: characters dropped or one swapped (never the numbering)."""
    start = next((i for i, ch in enumerate(text) if "\u4e00" <= ch <= "\u9fff" and ch not in "一二三四五六七八"), 0)
    if len(text) - start < 6:
        return text
    i = rng.randrange(start + 1, len(text) - 1)
    if rng.random() < 0.5 and text[i] in LOOKALIKE_CHARS:
        return text[:i] + LOOKALIKE_CHARS[text[i]] + text[i + 1:]
    return text[:i] + text[i + rng.randint(1, 3):]


class Printer:
    """Label and value texts as one report prints them."""

    def __init__(self, style: Style, values: dict, rng: random.Random):
        self.style, self.values, self.rng = style, values, rng

    def label(self, labels: tuple[str, ...]) -> str:
        text = self.style.pick(labels)
        return misprint(text, self.rng) if self.rng.random() < self.style.typo else text

    def value(self, cid: str) -> str:
        v = self.values[cid]
        return self.style.blank if v is None else format_value(v)


ARTICLE_ITEMS = {"art20_1": "一", "art20_5": "五", "art20_6": "六", "art20_8": "八", "art20_9": "九"}


def table_2(template: Template, printer: Printer) -> list[tuple[str | None, Grid]]:
    """Table 二 as (a title printed above it or None, grid) pairs: one grid, or one per group of
    第二十条 items."""
    style = printer.style
    spec = template.tables["t2"]
    sections: dict[str, list] = {}
    for row in spec.rows:
        sections.setdefault(row.id.split(".")[0], []).append(row)
    n_tables = max(1, min(style.t2_tables, len(sections)))
    cuts = set(printer.rng.sample(range(1, len(sections)), n_tables - 1)) if n_tables > 1 else set()
    label_w = printer.rng.uniform(0.25, 0.45)
    widths = [label_w] + [(1 - label_w) / 3] * 3
    out: list[tuple[str | None, Grid]] = []
    grid, r = Grid(col_widths=list(widths), kind="t2"), 0
    pending_title: str | None = None
    for k, (item, rows) in enumerate(sections.items()):
        di = "" if style.drop_di and item != "art20_1" else "第"
        title = f"第二十条{di}（{ARTICLE_ITEMS[item]}）项"
        if k in cuts:
            out.append((pending_title, grid))
            grid, r = Grid(col_widths=list(widths), kind="t2"), 0
        if r == 0:
            pending_title = title if style.t2_titles_outside and n_tables > 1 else None
        if not (r == 0 and pending_title):
            grid.add(r, 0, title, colspan=4 if style.t2_section_span else 1, role="section")
            r += 1
        columns = rows[0].columns
        spans = _spans(len(columns))
        grid.add(r, 0, "信息内容", role="header")
        for col, (start, span) in zip(columns, spans):
            grid.add(r, start, printer.label(spec.columns[col]), colspan=span, role="header")
        r += 1
        for row in rows:
            grid.add(r, 0, printer.label(row.labels))
            for col, (start, span) in zip(row.columns, spans):
                grid.add(r, start, printer.value(f"t2/{row.id}/{col}"), colspan=span, is_value=True)
            r += 1
    out.append((pending_title, grid))
    return out


def _spans(n: int) -> list[tuple[int, int]]:
    """Value columns 1..3 shared by n cells: 3 → one each, 2 → 1 + 2, 1 → one cell over all three."""
    return {3: [(1, 1), (2, 1), (3, 1)], 2: [(1, 1), (2, 2)], 1: [(1, 3)]}[n]


def _t3_rows(template: Template, style: Style) -> list[tuple[str, list]]:
    """Table 三's rows in groups under one parent label ("" for none), as printed: with
    （六） as one row when the style says so."""
    spec = template.tables["t3"]
    groups: list[tuple[str, list]] = []
    for row in spec.rows:
        parent = row.parent[0] if row.parent and row.parent[0] != "三、本年度办理结果" else ""
        if row.id.startswith("other.") and style.other_one_row:
            if row.id == "other.other":
                groups.append(("", [("other.other", ("（六）其他处理",))]))
            continue
        if groups and parent and groups[-1][0] == parent:
            groups[-1][1].append((row.id, row.labels))
        else:
            groups.append((parent, [(row.id, row.labels)]))
    return groups


def table_3(template: Template, printer: Printer) -> Grid:
    style, rng = printer.style, printer.rng
    spec = template.tables["t3"]
    labels_n = style.t3_label_columns
    label_w = rng.uniform(0.3, 0.5)
    shares = {3: [0.12, 0.28, 0.6], 2: [0.35, 0.65], 1: [1.0]}[labels_n]
    value_w = [(1 - label_w) / 7 * rng.uniform(0.85, 1.15) for _ in range(7)]
    grid = Grid(col_widths=[label_w * s for s in shares] + value_w, header_rows=3, kind="t3")
    v0 = labels_n  # the first value column
    describe = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" if style.t3_describe else ""
    grid.add(0, 0, describe, rowspan=3, colspan=labels_n, role="header")
    total = printer.label(spec.columns["total"])
    if style.t3_total_spans_header:
        grid.add(0, v0, "申请人情况", colspan=6, role="header")
        grid.add(0, v0 + 6, total, rowspan=3, role="header")
    else:
        grid.add(0, v0, "申请人情况", colspan=7, role="header")
        grid.add(1, v0 + 6, total, rowspan=2, role="header")
    grid.add(1, v0, printer.label(spec.columns["natural_person"]), rowspan=2, role="header")
    grid.add(1, v0 + 1, "法人或其他组织", colspan=5, role="header")
    for i, col in enumerate(APPLICANTS[1:]):
        grid.add(2, v0 + 1 + i, printer.label(spec.columns[col]), role="header")
    r = 3
    results_start = None
    for parent, rows in _t3_rows(template, style):
        in_results = parent or rows[0][0] not in ("new", "carried_in", "total", "carried_out")
        if in_results and results_start is None:
            results_start = r
            if labels_n < 3:  # 三、本年度办理结果 as a row of its own
                grid.add(r, 0, "三、本年度办理结果", colspan=labels_n)
                for i in range(7):
                    grid.add(r, v0 + i, "", is_value=True)
                r += 1
        first_label_col = {3: 1 if in_results or rows[0][0] == "total" else 0, 2: 0, 1: 0}[labels_n]
        if parent and labels_n > 1:
            span = len(rows) if style.t3_merge_parents else 1
            grid.add(r, labels_n - 2, printer.label((parent,)), rowspan=span)
            if not style.t3_merge_parents:
                for k in range(1, len(rows)):
                    grid.add(r + k, labels_n - 2, "")
        elif parent and not style.t3_merge_parents:  # one label column: the parent as a row
            grid.add(r, 0, printer.label((parent,)))
            for i in range(7):
                grid.add(r, v0 + i, "", is_value=True)
            r += 1
        for k, (row_id, labels) in enumerate(rows):
            text = printer.label(labels)
            if parent and labels_n == 1 and style.t3_merge_parents and k == 0:
                text = f"{printer.label((parent,))}{text}"  # （四）无法提供1.本机关不掌握…
            if parent and labels_n > 1:
                grid.add(r, labels_n - 1, text)
            else:
                grid.add(r, first_label_col, text, colspan=labels_n - first_label_col)
            for i, col in enumerate((*APPLICANTS, "total")):
                grid.add(r, v0 + i, printer.value(f"t3/{row_id}/{col}"), is_value=True)
            r += 1
            if row_id == "total" and labels_n == 3:
                grid.add(results_start, 0, "三、本年度办理结果", rowspan=r - results_start)
    return grid


def table_4(template: Template, printer: Printer) -> Grid:
    style, rng = printer.style, printer.rng
    spec = template.tables["t4"]
    grid = Grid(col_widths=[rng.uniform(0.9, 1.1) for _ in range(15)], header_rows=3, kind="t4")

    def header(text: str) -> str:
        return "\n".join(text) if style.t4_vertical else text

    cols = list(spec.columns)
    review = printer.label(spec.rows[0].labels)
    if style.t4_group_rowspan:
        grid.add(0, 0, review, rowspan=2, colspan=5, role="header")
        for i, col in enumerate(cols):
            grid.add(2, i, header(printer.label(spec.columns[col])), role="header")
    else:
        grid.add(0, 0, review, colspan=5, role="header")
        for i, col in enumerate(cols):
            grid.add(1, i, header(printer.label(spec.columns[col])), rowspan=2, role="header")
    grid.add(0, 5, "行政诉讼", colspan=10, role="header")
    for g, group in enumerate(spec.rows[1:]):
        grid.add(1, 5 + 5 * g, printer.label(group.labels), colspan=5, role="header")
        for i, col in enumerate(cols):
            grid.add(2, 5 + 5 * g + i, header(printer.label(spec.columns[col])), role="header")
    for g, group in enumerate(spec.rows):
        for i, col in enumerate(cols):
            grid.add(3, 5 * g + i, printer.value(f"t4/{group.id}/{col}"), is_value=True)
    return grid
