import json
from functools import partial

import pytest

from pipeline.read.reconstruct import (Placed, RowView, _one_row_cells, align_rows, find_headers, group_fragments,
                                       is_label, match_group_table, match_rows_table, parse_value, reconstruct,
                                       stray_point_number)
from pipeline.templates import load_templates
from pipeline.types import Cell, Table

from ..conftest import DATA


@pytest.mark.parametrize("text,kwargs,value,ok", [
    ("14", {}, 14, True),
    ("１４", {}, 14, True),
    ("O", {}, 0, True),
    ("l2", {}, 12, True),
    ("1,583", {}, 1583, True),
    ("180.338174", {"decimal": True}, 180.338174, True),
    ("646902.82", {"decimal": True}, 646902.82, True),
    ("", {}, None, True),
    ("—", {}, None, True),
    ("无", {}, None, True),
    ("-3", {"signed": True}, -3, True),
    ("-3", {}, None, False),
    ("1.5", {}, 1.5, False),
    ("规章", {}, None, False),
])
def test_parse_value(text, kwargs, value, ok):
    parsed = parse_value(text, **kwargs)
    assert parsed.value == value and parsed.ok is ok


@pytest.mark.parametrize("text,kwargs,value", [
    ("0.", {}, 0),  # a speck of dust beside a 0, read as a point
    (".12", {}, 12),
    ("·7", {}, 7),
    ("3.5.", {"decimal": True}, 3.5),
    ("-4.", {}, None),  # no minus where the column has none
    (".", {}, None),
    ("12", {}, None),  # no stray point: parse_value's
    ("规章.", {}, None),
])
def test_a_number_with_a_stray_point_at_an_end_is_that_number_unsure(text, kwargs, value):
    parsed = stray_point_number(text, **kwargs)
    assert (parsed.value if parsed else None) == value
    assert parsed is None or not parsed.ok


def _row(*texts):
    table = Table(page=1, bbox=(0, 0, 100, 10), n_rows=1, n_cols=len(texts))
    cells = [Cell(0, i, 1, 1, (i * 10, 0, i * 10 + 10, 10), text=t) for i, t in enumerate(texts)]
    return RowView([Placed(c, 1, c.bbox[0] / 100, c.bbox[2] / 100, table) for c in cells])


def test_alignment_survives_missing_extra_and_misread_rows():
    spec = load_templates()["2021"].tables["t3"]
    labels = {r.id: r.labels[0] for r in spec.rows}
    rows = [_row("申请人情况"), _row(labels["new"], "1"), _row("某个无关的行", "2"),
            _row("三、本年度办理结果", "（一）予以公开", "3"),
            # partial is missing; a misread label still matches:
            _row("（三）不子公开", "1.属于国家秘宻", "4")]
    matched, sims, _ = align_rows(rows, spec.rows)
    ids = {spec.rows[j].id: i for j, i in matched.items()}
    assert ids == {"new": 1, "disclosed": 3, "withheld.state_secret": 4}
    assert sims[next(j for j, r in enumerate(spec.rows) if r.id == "withheld.state_secret")] < 1.0


SEEDS = json.loads((DATA / "seed_t3_labels.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("seed", sorted(SEEDS))
def test_template_rows_and_columns_match_the_labels_of_real_reports(seed):
    """The table 三 label cells of the five real reports (their own spelling: 不予以处理,
    社会公益性组织, half-width brackets, spaces inside labels) map onto every template row."""
    case = SEEDS[seed]
    spec = load_templates()[case["format"]].tables["t3"]
    rows = [_row(text) for text in case["t3_labels"]]
    matched, sims, data_like = align_rows(rows, spec.rows)
    assert sorted(matched) == list(range(len(spec.rows)))
    assert min(sims.values()) >= 0.9
    headers = {h.column for h in find_headers(rows, spec.columns, skip=data_like | set(matched.values()))}
    # seed 000's extraction splits "商业\n企业" into two cells: its first half still names the column
    assert headers == set(spec.columns)


def _table(page: int, rows: list[list[str]]) -> Table:
    cells = [Cell(r, c, 1, 1, (c * 10, r * 10, c * 10 + 10, r * 10 + 10), text=t)
             for r, row in enumerate(rows) for c, t in enumerate(row)]
    return Table(page=page, bbox=(0, 0, 10 * len(rows[0]), 10 * len(rows)), n_rows=len(rows),
                 n_cols=len(rows[0]), cells=cells)


def test_fragments_are_told_apart_and_continuations_joined():
    templates = list(load_templates().values())
    t4_head = _table(3, [["行政复议", "行政诉讼"], ["结果维持", "结果纠正"]])
    t4_tail = _table(4, [["0", "1", "2", "3"]])  # only numbers: the rest of table 四
    stray = _table(7, [["5", "6", "7", "8"]])  # numbers pages later: not part of it
    other = _table(4, [["项目", "金额"], ["办公经费", "12"]])  # a table that is no template table
    grouped = group_fragments([t4_head, t4_tail, stray], templates)
    assert len(grouped["t4"]) == 3 and grouped["t3"] == [] and grouped["t2"] == []
    grouped = group_fragments([t4_head, other, t4_tail], templates)
    assert len(grouped["t4"]) == 2  # after a foreign table, a bare fragment is not joined


def test_a_value_misread_with_one_stray_character_is_no_label():
    """A seal's stroke read as 一 or 国 beside a digit must not become a row's last label."""
    assert is_label("其他") and is_label("(一)予以公开")
    assert not is_label("一0") and not is_label("国") and not is_label("无") and not is_label("12")


def _four_cell(table: Table, row: int, col: int, span: int, text: str) -> Placed:
    """A cell of a ruled table 四 (fifteen columns, ten pixels each)."""
    c = Cell(row, col, 1, span, (col * 10, row * 10, (col + span) * 10, row * 10 + 10), text=text,
             numeric_text=text if text.isdigit() else "?")
    return Placed(c, 1, col / 15, (col + span) / 15, table)


def test_table_four_group_and_column_headers_lost_are_inferred_from_the_template_order():
    """A ruling lost under 未经复议直接起诉 merges it with a column header below: neither reads.
    The group lies between the two groups read; its missing column between its neighbours."""
    spec = load_templates()["2021"].tables["t4"]
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    table = Table(page=1, bbox=(0, 0, 150, 40), n_rows=4, n_cols=15)
    cell = partial(_four_cell, table)

    values = list(range(15))
    rows = [RowView([cell(0, 0, 5, "行政复议"), cell(0, 5, 10, "行政诉讼")]),
            RowView([cell(1, c, 1, leaves[c]) for c in range(5)]
                    + [cell(1, 5, 5, "经复议直接起诉结结其"), cell(1, 10, 5, "复议后起诉")]),
            RowView([cell(2, 5 + c, 1, text) for c, text in enumerate(leaves) if c != 2]
                    + [cell(2, 10 + c, 1, text) for c, text in enumerate(leaves)]),
            RowView([cell(3, c, 1, str(v)) for c, v in enumerate(values)])]
    match = match_group_table(rows, spec)
    got = [match.cells[f"t4/{g.id}/{column}"] for g in spec.rows for column in g.columns]
    assert [c.value for c in got] == values
    direct = [match.cells[f"t4/litigation_direct/{column}"] for column in spec.rows[1].columns]
    review = match.cells["t4/review/upheld"]
    assert all(c.label_score < review.label_score for c in direct)  # inferred: trusted less


def test_a_header_group_candidate_out_of_the_templates_order_is_dropped_and_the_group_inferred():
    """A 96-dpi picture's merged 行政复议 split by a ruling and misread (行 / 政复计 / L), and its
    行政诉讼 split in two: 行政, over 未经复议直接起诉's columns, reads as the start of 行政复议.
    Against the two groups read surely it is out of place; 行政复议 is inferred to their left."""
    spec = load_templates()["2019"].tables["t4"]
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    table = Table(page=1, bbox=(0, 0, 150, 40), n_rows=4, n_cols=15)
    cell = partial(_four_cell, table)

    values = [7, 3, 3, 0, 13, 0, 9, 0, 11, 20, 0, 0, 10, 0, 10]
    rows = [RowView([cell(0, 0, 2, "行"), cell(0, 2, 1, "政复计"), cell(0, 3, 2, "L"), cell(0, 5, 5, "行政"),
                     cell(0, 10, 5, "斥讼")]),
            RowView([cell(1, 5, 5, "未经复议直接起诉"), cell(1, 10, 5, "复议后起诉")]),
            RowView([cell(2, c, 1, leaves[c % 5]) for c in range(15)]),
            RowView([cell(3, c, 1, str(v)) for c, v in enumerate(values)])]
    match = match_group_table(rows, spec)
    got = [match.cells[f"t4/{g.id}/{column}"] for g in spec.rows for column in g.columns]
    assert [c.value for c in got] == values
    assert all(c.label_score < 1.0 for c in got[:5])  # inferred: trusted less


def test_a_first_value_column_whose_header_is_lost_lies_where_the_row_labels_end():
    """自然人 unreadable (a seal over it): the column between the labels and 商业企业 is its."""
    spec = load_templates()["2021"].tables["t3"]
    table = Table(page=1, bbox=(0, 0, 110, 20), n_rows=2, n_cols=8)

    def cell(row, x0, x1, text):
        c = Cell(row, 0, 1, 1, (x0, row * 10, x1, row * 10 + 10), text=text,
                 numeric_text=text if text.isdigit() else "?")
        return Placed(c, 1, x0 / 110, x1 / 110, table)

    headers = ["@#", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    values = ["3", "1", "0", "0", "0", "2", "6"]
    rows = [RowView([cell(0, 0, 40, "项目")] + [cell(0, 40 + 10 * i, 50 + 10 * i, h) for i, h in enumerate(headers)]),
            RowView([cell(1, 0, 40, spec.rows[0].labels[0])]
                    + [cell(1, 40 + 10 * i, 50 + 10 * i, v) for i, v in enumerate(values)])]
    match = match_rows_table(rows, spec)
    assert [match.cells[f"t3/new/{c}"].value for c in spec.rows[0].columns] == [int(v) for v in values]
    assert match.cells["t3/new/natural_person"].label_score < match.cells["t3/new/commercial"].label_score


def test_headers_lost_are_inferred_within_their_own_header_row_not_the_sections_below():
    """Table 二 (2021) of a light 1-bit scan, its first section on a page of its own: 本年废止件数
    and 现行有效件数 read as 本年數 and 現何數件数, no column's. They are the two columns after
    制发 in their header row; the columns of the sections below (处理决定, 收费金额) print under
    their own header rows and take none of this row's space (the four had split the right half,
    and 1035 went to 废止, 1478 to 现行有效)."""
    spec = load_templates()["2021"].tables["t2"]
    table = Table(page=2, bbox=(0, 0, 100, 30), n_rows=3, n_cols=4)

    def row(r, texts):
        edges = [0, 34, 56, 78, 100]
        return RowView([Placed(Cell(r, c, 1, 1, (edges[c], 10 * r, edges[c + 1], 10 * r + 10), text=t,
                                    numeric_text=t if t.isdigit() else "?"), 2, edges[c] / 100, edges[c + 1] / 100, table)
                        for c, t in enumerate(texts)])

    rows = [row(0, ["信息内容", "本年制发件数", "本年數", "現何數件数"]),
            row(1, ["规章", "1035", "1478", "6"]), row(2, ["规范性文件", "1562", "0", "2330"])]
    cells = match_rows_table(rows, spec).cells
    assert [cells[f"t2/art20_1.rules/{c}"].value for c in ("issued", "repealed", "in_force")] == [1035, 1478, 6]
    assert [cells[f"t2/art20_1.normative_docs/{c}"].value for c in ("issued", "repealed", "in_force")] == [1562, 0, 2330]


@pytest.mark.parametrize("misread", [False, True])
def test_a_row_broken_by_a_page_break_is_one_row(misread):
    """Word lets a row break across pages: its label's start and values on one page, the rest
    of its label on top of the next (below the header, repeated there: on a 96-dpi picture read
    otherwise than the first page's, 自然 for 自然人). The two halves are one row, and the values
    are that row's."""
    templates = list(load_templates().values())
    header = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "自然人", "总计"]
    page3 = _table(3, [header, ["（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", "0", "0"],
                       ["（六）其他处理", "1.申请人无正当理由逾", "3", "3"]])
    repeat = [header[0], "自然", header[2]] if misread else header
    page4 = _table(4, [repeat, ["", "期不补正、行政机关不再处理其政府信息公开申请", "", ""],
                       ["", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "1", "1"]])
    rows = group_fragments([page3, page4], templates)["t3"]
    assert len(rows) == 3 + 2  # the header repeated on page 4, the broken row whole
    spec = templates[0].tables["t3"] if templates[0].id == "2021" else templates[1].tables["t3"]
    matched, _, _ = align_rows(rows, spec.rows)
    broken = rows[matched[[r.id for r in spec.rows].index("other.overdue_correction")]]
    assert [p.cell.text for p in broken.cells if p.cell.text.isdigit()] == ["3", "3"]


def _ruled(page: int, edges: list[float], rows: list[list[str]]) -> Table:
    """A ruled fragment whose rows fill the columns between `edges` from the right (a row
    shorter than the edges has its first cell merged over the columns on its left)."""
    cells = []
    for r, row in enumerate(rows):
        spans = [(edges[0], edges[len(edges) - len(row)])] + list(zip(edges[len(edges) - len(row):], edges[len(edges) - len(row) + 1:]))
        for c, (text, (x0, x1)) in enumerate(zip(row, spans)):
            cells.append(Cell(r, c, 1, 1, (x0, 40 * r, x1, 40 * r + 40), text=text, numeric_text=text))
    return Table(page=page, bbox=(edges[0], 0, edges[-1], 40 * len(rows)), n_rows=len(rows), n_cols=len(edges) - 1,
                 cells=cells)


def test_a_continuation_without_the_first_column_is_read_under_the_first_pages_headers():
    """Table 三 continued on the next page where the merged cell of its first column
    (三、本年度办理结果) ended on the page before: the fragment starts one column to the right,
    and its scan lies a few pixels off. Its values stay under their own headers."""
    templates = load_templates()
    spec = templates["2021"].tables["t3"]
    values = [400 + 60 * k for k in range(8)]
    page5 = _ruled(5, [0, 100, 200, 400] + values[1:], [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "自然人", "商业企业", "科研机构", "社会公益组织",
         "法律服务机构", "其他", "总计"],
        ["三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", "1", "2", "3", "4", "5", "6", "21"]])
    page6 = _ruled(6, [x + 7 for x in [100, 200, 400] + values[1:]], [
        ["（四）无法提供", "2.没有现成信息需要另行制作", "7", "8", "9", "10", "11", "12", "57"]])
    rows = group_fragments([page5, page6], list(templates.values()))["t3"]
    cells = match_rows_table(rows, spec).cells
    got = [cells[f"t3/unavailable.needs_creation/{column}"].value for column in spec.columns]
    assert got == [7, 8, 9, 10, 11, 12, 57]


def _table_four(group_texts: list[str], values: list[str]) -> list[RowView]:
    """Table 四 of the 2021 format as a ruled table: the header groups in the top row (texts
    given), the fifteen column headers, one row of values."""
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    table = Table(page=1, bbox=(0, 0, 150, 30), n_rows=3, n_cols=15)
    cell = partial(_four_cell, table)

    return [RowView([cell(0, 5 * k, 5, text) for k, text in enumerate(group_texts)]),
            RowView([cell(1, c, 1, leaves[c % 5]) for c in range(15)]),
            RowView([cell(2, c, 1, v) for c, v in enumerate(values)])]


def test_table_four_whose_header_groups_are_unread_takes_its_columns_in_order_where_the_headers_agree():
    """Stacked bold group headers on a 96-dpi picture read as nothing like 行政复议: the fifteen
    values below column headers that repeat the template's order are the table's, by order,
    scored as placed by order (for a look); column headers that contradict the order give nothing."""
    spec = load_templates()["2021"].tables["t4"]
    values = [str(v) for v in range(15)]
    match = match_group_table(_table_four(["行法食义", "未纪", "议厂起"], values), spec)
    got = [match.cells[f"t4/{g.id}/{column}"] for g in spec.rows for column in g.columns]
    assert match.found and [c.value for c in got] == list(range(15))
    assert all(c.label_score < 0.75 for c in got) and match.notes
    shuffled = _table_four(["行法食义", "未纪", "议厂起"], values)
    for placed, text in zip(shuffled[1].cells, ["总计", "尚未审结", "其他结果", "结果纠正", "结果维持"] * 3):
        placed.cell.text = text
    assert not match_group_table(shuffled, spec).found


def test_a_lone_blank_in_a_full_grid_is_doubtful_but_many_blanks_are_an_authors():
    """A 0 lost under a seal's filled star reads as a blank; in a column where every other cell
    holds a number it is scored low, and so are two of a long column, a row read blank in a
    full grid, and a blank alone in table 四's one row. A report
    printing blanks for zeros keeps them."""
    from pipeline.read.reconstruct import LONE_BLANK_P, doubt_lone_blanks
    from pipeline.types import CellResult

    template = load_templates()["2021"]

    def grid(blank):
        cells = {}
        for cid in template.cell_ids():
            text = "" if blank(cid) else "3"
            cells[cid] = CellResult(value=None if blank(cid) else 3, text=text, confidence=0.0, needs_review=False,
                                    page=1, bbox=[0, 0, 1, 1], label_score=1.0, ocr_score=1.0, recognised=True)
        return cells

    lone = "t3/partial/research"
    cells = grid(lambda cid: cid == lone)
    doubt_lone_blanks(cells, template)
    assert cells[lone].ocr_score == LONE_BLANK_P
    cells = grid(lambda cid: cid.startswith("t3/other.other/"))  # a row read blank
    doubt_lone_blanks(cells, template)
    assert all(c.ocr_score == LONE_BLANK_P for cid, c in cells.items() if cid.startswith("t3/other.other/"))
    two = ("t3/partial/research", "t3/withheld.third_party/research")  # one seal over both
    cells = grid(lambda cid: cid in two)
    doubt_lone_blanks(cells, template)
    assert all(cells[cid].ocr_score == LONE_BLANK_P for cid in two)
    cells = grid(lambda cid: cid == "t4/litigation_after_review/upheld")  # alone in table 四's row
    doubt_lone_blanks(cells, template)
    assert cells["t4/litigation_after_review/upheld"].ocr_score == LONE_BLANK_P
    cells = grid(lambda cid: cid.endswith("/research"))  # a whole column printed blank
    doubt_lone_blanks(cells, template)
    assert all(c.ocr_score == 1.0 for c in cells.values())


def _fragment(page: int, rows: list[list[tuple[str, int, int]]]) -> Table:
    """A ruled fragment of table 四 on `page`: its rows of (text, first column, span)."""
    cells = [Cell(r, c, 1, span, (100 + 60 * c, 40 * r, 100 + 60 * (c + span), 40 * r + 40), text=text,
                  numeric_text=text)
             for r, row in enumerate(rows) for text, c, span in row]
    return Table(page=page, bbox=(100, 0, 1000, 40 * len(rows)), n_rows=len(rows), n_cols=15, cells=cells)


def test_table_four_continued_below_the_rest_of_its_broken_header_row_is_joined():
    """Word lets table 四's header row break across a page: the next page starts with the ends of
    its stacked headers (持, 正, 维持 …), labels that name no column, then the values. Its
    columns line up with the page before: it is the rest of table 四."""
    templates = load_templates()
    leaves = ["结果维", "结果纠", "其他结", "尚未审", "总计"]
    head = _fragment(4, [[("行政复议", 0, 5), ("行政诉讼", 5, 10)],
                        [(t, c, 1) for c, t in enumerate(leaves)] + [("未经复议直接起诉", 5, 5), ("复议后起诉", 10, 5)],
                        [(t, 5 + c, 1) for c, t in enumerate(["结果", "结果", "其他", "尚未", "总计"] * 2)]])
    values = [7, 0, 0, 0, 7, 0, 4, 0, 0, 4, 8, 0, 0, 0, 8]
    ends = ["持", "正", "果", "结", ""] + ["维持", "纠正", "结果", "审结", ""] * 2
    rest = _fragment(5, [[(t, c, 1) for c, t in enumerate(ends)], [(str(v), c, 1) for c, v in enumerate(values)]])
    rows = group_fragments([head, rest], list(templates.values()))["t4"]
    assert len(rows) == 5
    spec = templates["2021"].tables["t4"]
    cells = match_group_table(rows, spec).cells
    assert [cells[f"t4/{g.id}/{c}"].value for g in spec.rows for c in g.columns] == values


def test_table_four_whose_header_repeats_over_an_empty_row_on_the_next_page_keeps_its_values():
    """LibreOffice prints a table that ends at a page's foot with its header repeated on the next
    page over an empty row (seed 1080808, Word route: born-digital and scans). The values are
    the row under the first header; the empty row under the repeat is no row of values."""
    templates = load_templates()
    header = [[("行政复议", 0, 5), ("行政诉讼", 5, 10)],
              [(t, c, 1) for c, t in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])]
              + [("未经复议直接起诉", 5, 5), ("复议后起诉", 10, 5)],
              [(t, 5 + c, 1) for c, t in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2)]]
    values = ["—", "4", "5", "—", "9", "—", "11", "5", "—", "16"] + ["—"] * 5
    first = _fragment(4, header + [[(v, c, 1) for c, v in enumerate(values)]])
    repeat = _fragment(5, header + [[("", c, 1) for c in range(15)]])
    rows = group_fragments([first, repeat], list(templates.values()))["t4"]
    spec = templates["2021"].tables["t4"]
    cells = match_group_table(rows, spec).cells
    assert [cells[f"t4/{g.id}/{c}"].value for g in spec.rows for c in g.columns] == \
        [None if v == "—" else int(v) for v in values]
    assert cells["t4/review/total"].page == 4


def _t3_table(sub_labels: dict[str, str], one_row_other: bool = False) -> Table:
    """A 2021 table 三 as one page's lattice: 申请人情况 headers, each row's group (a merged
    cell: in each row it spans) and label, row k's values all k; `sub_labels` replaces rows'
    labels (by row id) as a scan misread them; `one_row_other`: （六）其他处理 printed as one row."""
    spec = load_templates()["2021"].tables["t3"]
    columns = [labels[0] for labels in spec.columns.values()]
    rows = [["", ""] + columns]
    for k, row in enumerate(spec.rows, start=1):
        if one_row_other and row.id.startswith("other."):
            if row.id == "other.other":
                rows.append(["", "（六）其他处理"] + [str(k)] * len(columns))
            continue
        rows.append([row.parent[0] if row.parent else "", sub_labels.get(row.id, row.labels[0])] + [str(k)] * len(columns))
    table = _ruled(3, [0, 100, 300] + [300 + 60 * k for k in range(1, len(columns) + 1)], rows)
    for cell in table.cells:
        if cell.text in sub_labels.values():
            cell.char_probs = [0.6] * len(cell.text)  # read unsure
    return table


def test_a_one_row_form_does_not_win_over_sub_rows_whose_labels_a_scan_garbled():
    """（六）其他处理's sub-rows, their labels misread on a 1-bit scan, still hold values: the
    one-row form, which would leave them unmatched (their values lost as not printed), loses."""
    spec = load_templates()["2021"].tables["t3"]
    table = _t3_table({"other.overdue_correction": "业不え1中吕人无正1中打途比",
                       "other.overdue_fee": "2.申请人逾期末按收费通知要求为纳费用行攻机关不再处甲儿政府估14,开!中1",
                       "other.other": "儿也"})
    match = match_rows_table(group_fragments([table], list(load_templates().values()))["t3"], spec)
    position = {row.id: k for k, row in enumerate(spec.rows, start=1)}
    for row_id in ("other.overdue_correction", "other.overdue_fee", "other.other"):
        cell = match.cells[f"t3/{row_id}/total"]
        assert cell.printed and cell.value == position[row_id]
    assert not any("one row" in note for note in match.notes)


def test_one_readings_one_row_form_is_not_reported_where_the_cells_hold_its_rows():
    """The text reading took （六） as one row, the ruled one read its three sub-rows: the
    report holds the sub-rows' values, and no warning says they are not printed."""
    templates = [load_templates()["2021"]]  # (a table 三 alone with （六） as one row is the 2019 format's)
    result = reconstruct([[_t3_table({})], [_t3_table({}, one_row_other=True)]], templates)
    assert result.cells["t3/other.overdue_fee/total"].printed
    assert result.cells["t3/other.overdue_fee/total"].value == 22
    assert not any("one row" in w for w in result.warnings)
    alone = reconstruct([[_t3_table({}, one_row_other=True)]], templates)
    assert any("one row" in w for w in alone.warnings) and not alone.cells["t3/other.overdue_fee/total"].printed


def test_a_blank_over_a_faint_digits_specks_is_no_sure_blank():
    """A light 1-bit threshold leaves a thin 7 as a speck or two (3 px at 100 dpi) that no line
    was cut from: the cell reads blank, and the blank is doubted. A clean blank is not."""
    spec = load_templates()["2021"].tables["t4"]
    rows = _table_four(["行政复议", "未经复议直接起诉", "复议后起诉"], ["0"] * 10 + ["", "0", "0", "0", ""])
    rows[-1].cells[10].cell.unread_ink = 3.0  # the 7 of 复议后起诉's 结果维持
    cells = match_group_table(rows, spec).cells
    assert cells["t4/litigation_after_review/upheld"].value is None
    assert cells["t4/litigation_after_review/upheld"].ocr_score < 0.6
    assert cells["t4/litigation_after_review/total"].ocr_score == 1.0  # blank, over clean paper


def test_where_only_the_tables_both_formats_share_were_read_the_reports_year_tells_the_format():
    """A light 1-bit scan lost tables 一 and 二 (the ones the 2019 and 2021 formats differ in):
    table 四 alone fits both alike. A report on 2023 is read in the 2021 format, one on 2020 in
    the 2019 format, and the report says the format was told by its year (a 2021 report had
    been read as a 2019 one, every cell under the wrong id)."""
    groups = ["行政复议"] * 5 + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5
    leaves = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    rows = [groups, leaves, ["1", "2", "0", "0", "3"] * 3]
    cells = [Cell(r, c, 1, 1, (c * 40, r * 40, c * 40 + 40, r * 40 + 40), text=t,
                  numeric_text=t if t.isdigit() else "?") for r, row in enumerate(rows) for c, t in enumerate(row)]
    table_four = Table(page=1, bbox=(0, 0, 600, 120), n_rows=3, n_cols=15, cells=cells)
    templates = list(load_templates().values())
    for year, form in ((2023, "2021"), (2020, "2019")):
        recon = reconstruct([[table_four]], templates, year)
        assert recon.template.id == form and recon.cells["t4/review/upheld"].value == 1
        assert any(f"read as the {form} format (told by the report's year, {year})" in w for w in recon.warnings)
    assert any("the report's year not read" in w for w in reconstruct([[table_four]], templates).warnings)


def test_rows_a_one_row_form_leaves_out_are_not_found_where_rows_of_values_went_unplaced():
    """（六）其他处理 read as one row: its sub-rows are not printed, unflagged; but where rows of
    values inside the table went unplaced (a 1-bit scan garbled the sub-rows' labels to "人质试要
    清观" and "2", and the one-row form won), they may be those sub-rows: not found, flagged (14
    cells had been written "not printed", unflagged, on seed 999002)."""
    spec = load_templates()["2021"].tables["t3"]
    form = next(f for f in spec.one_row_forms if f.into == "other.other")
    cells, note = _one_row_cells(spec, form, 0)
    assert len(cells) == 14 and all(not c.printed and not c.needs_review for c in cells.values())
    assert note.endswith("are not printed")
    cells, note = _one_row_cells(spec, form, 2)
    assert all(c.printed and not c.found and c.needs_review for c in cells.values())
    assert "not found (2 rows of values inside the table unplaced)" in note


@pytest.mark.parametrize("header, confirmed", [("现件数", True), ("件数", False)])
def test_a_header_printed_short_is_its_column_where_it_stands_in_the_order_of_the_others(header, confirmed):
    """现件数 (a typo for 现行有效件数, 0.67 alike) after 本年制发件数 and 本年废止件数 is
    in_force; 件数 alone (0.5) is no header at all."""
    spec = load_templates()["2021"].tables["t2"]
    table = Table(page=1, bbox=(0, 0, 100, 30), n_rows=3, n_cols=4)

    def cell(row, k, text):
        c = Cell(row, k, 1, 1, (25 * k, row * 10, 25 * k + 25, row * 10 + 10), text=text,
                 numeric_text=text if text.isdigit() else "?")
        return Placed(c, 1, 0.25 * k, 0.25 * k + 0.25, table)

    texts = [["信息内容", "本年制发件数", "本年废止件数", header], ["规章", "0", "181", "1614"],
             ["行政规范性文件", "0", "0", "24"]]
    rows = [RowView([cell(r, k, t) for k, t in enumerate(row)]) for r, row in enumerate(texts)]
    match = match_rows_table(rows, spec)
    assert match.cells["t2/art20_1.rules/repealed"].value == 181
    in_force = match.cells["t2/art20_1.rules/in_force"]
    assert (in_force.value == 1614 and in_force.label_score >= 0.9) if confirmed else in_force.label_score < 0.9
