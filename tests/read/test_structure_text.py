"""The text reading (pipeline/read/structure/text.py): rows from text lines alone, on small tables
laid out line by line as a compact Word table or a scan would give them."""
from pipeline.read.reconstruct import _rows, match_group_table, match_rows_table
from pipeline.read.structure.text import TextReading
from pipeline.templates import load_templates
from pipeline.types import PageLayout, TextLine

T21 = load_templates()["2021"]
COLUMNS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
X = [600, 700, 800, 900, 1000, 1100, 1200]  # centres of table 三's value columns


def _line(text: str, x0: float, y0: float, h: float = 20.0) -> TextLine:
    return TextLine(bbox=(x0, y0, x0 + 20 * len(text), y0 + h), text=text, char_probs=[1.0] * len(text),
                    numeric_text=text, numeric_probs=[1.0] * len(text), numeric_options=[[(c, 1.0)] for c in text])


def _value(text: str, centre: float, y0: float) -> TextLine:
    line = _line(text, 0, y0)
    width = 12 * len(text)
    line.bbox = (centre - width / 2, y0, centre + width / 2, y0 + 20)
    return line


def _read(lines: list[TextLine], rules=()) -> list:
    layout = PageLayout(number=1, size=(1400, 2000), dpi=200, zones=[(0, 0, 1400, 2000)], lines=lines,
                        rules=list(rules), exact=True)
    (table,) = TextReading().read(layout)
    return table


def _t3_header(y: float) -> list[TextLine]:
    return [_line(c, x - 10 * len(c), y) for c, x in zip(COLUMNS, X)]


def test_a_compact_table_three_reads_row_by_row_with_blanks_and_a_wrapped_label():
    """Rows one line tall; a label wrapped onto a second line beside its values; a row printed
    blank (no value lines at all) is still a row, its cells blank, not lost."""
    lines = _t3_header(100)
    lines += [_line("一、本年新收政府信息公开申请数量", 100, 140)] + [_value(v, x, 140) for v, x in zip("3010004", X)]
    lines += [_line("二、上年结转政府信息公开申请数量", 100, 170)]  # printed blank
    lines += [_line("（二）部分公开（区分处理的，只计这", 100, 200), _line("一情形，不计其他情形）", 100, 224)]
    lines += [_value(v, x, 212) for v, x in zip("1000001", X)]
    match = match_rows_table(_rows(_read(lines)), T21.tables["t3"])
    cells = match.cells
    assert [cells[f"t3/new/{c}"].value for c in T21.tables["t3"].columns] == [3, 0, 1, 0, 0, 0, 4]
    assert all(cells[f"t3/carried_in/{c}"].found and cells[f"t3/carried_in/{c}"].value is None
               for c in T21.tables["t3"].columns)
    assert cells["t3/partial/natural_person"].value == 1 and cells["t3/partial/total"].value == 1


def test_a_ruling_keeps_a_top_set_label_with_the_values_set_in_the_middle_of_its_row():
    """Tall rows: labels at the top, values in the middle; a rule between rows tells which
    values a label stands beside, where nearness alone would not."""
    lines = _t3_header(100)
    rules = [(130.0, 0.0, 1400.0)]
    for k, label in enumerate(["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"]):
        top = 140 + 100 * k
        lines.append(_line(label, 100, top + 4))
        lines += [_value(str(k + 1), x, top + 60) for x in X]
        rules.append((top + 98.0, 0.0, 1400.0))
    match = match_rows_table(_rows(_read(lines, rules)), T21.tables["t3"])
    assert match.cells["t3/new/natural_person"].value == 1
    assert match.cells["t3/carried_in/total"].value == 2


def test_table_four_headers_one_character_per_line_and_groups_read_by_where_they_stand():
    """结/果/维/持 stacked under each group; the group header's words span its five columns but
    stand only over the middle one; the value row below."""
    spec = T21.tables["t4"]
    xs = [100 + 80 * i for i in range(15)]
    lines = [_line("行政复议", xs[2] - 40, 60), _line("行政诉讼", xs[10] - 40, 60),
             _line("未经复议直接起诉", xs[7] - 80, 90), _line("复议后起诉", xs[12] - 50, 90)]
    for i, x in enumerate(xs):
        for k, ch in enumerate(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"][i % 5]):
            lines.append(_line(ch, x - 10, 120 + 24 * k))
    lines += [_value(str(i), x, 240) for i, x in enumerate(xs)]
    match = match_group_table(_rows(_read(lines)), spec)
    got = [match.cells[f"t4/{g.id}/{c}"].value for g in spec.rows for c in g.columns]
    assert got == list(range(15))


def test_the_pieces_of_a_label_and_of_a_signed_number_are_joined():
    lines = _t3_header(100)
    lines += [_line("（七）", 100, 140), _line("总计", 170, 140)] + [_value(v, x, 140) for v, x in zip("2000002", X)]
    match = match_rows_table(_rows(_read(lines)), T21.tables["t3"])
    assert match.cells["t3/total/total"].value == 2
    table = _read([_line("行政许可", 100, 100), _value("-", X[0] - 14, 100), _value("4", X[0], 100)])
    assert [c.text for c in table.cells if c.text != "行政许可"] == ["-4"]
