"""Cutting a volume into its reports' page ranges, from what its pages say (the whole path, from a
generated volume PDF to one JSON per report, is in tests/batch/test_volumes.py)."""
from pipeline.read.volumes import PageSummary, page_role, page_tables, split_volume

T2 = ["规章", "行政规范性文件", "行政许可", "行政处罚"]
T3 = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "自然人"]
T4 = ["行政复议", "未经复议直接起诉", "复议后起诉", "尚未审结"]
TITLE = ["某县教育局", "2023年政府信息公开工作年度报告"]


def page(number, top=(), tables=(), blank=False):
    return PageSummary(number, list(top), [line for table in tables for line in table], blank)


def ranges(parts):
    return [(p.first, p.last) for p in parts]


def test_the_tables_a_page_holds_are_told_by_labels_only_that_table_has():
    assert page_tables(T2 + ["总计", "其他"]) == ["t2"]
    assert page_tables(T3[2:] + T4) == ["t3", "t4"]
    assert page_tables(["总计", "其他", "合计"]) == []


def test_titles_covers_and_contents_pages():
    assert page_role(TITLE) == "title"
    assert page_role(["某县2023年度政府信息公开工作年度报告汇编"]) == "volume"
    assert page_role(["目录", "某县教育局2023年政府信息公开工作年度报告……1"]) == "contents"
    assert page_role(["一、总体情况", "2023年，本局认真贯彻落实政府信息公开工作年度报告制度。"]) == ""


def test_one_report_is_one_part():
    pages = [page(1, TITLE, [T2]), page(2, (), [T3]), page(3, (), [T3, T4]), page(4, ["五、存在的主要问题"])]
    assert ranges(split_volume(pages)) == [(1, 4)]


def test_a_volume_is_cut_at_titles_and_its_cover_contents_and_blank_pages_start_nothing():
    pages = [page(1, ["某县2023年度政府信息公开工作年度报告汇编"]), page(2, ["目录", TITLE[1]]),
             page(3, TITLE, [T2]), page(4, (), [T3, T4]), page(5, ["六、其他需要报告的事项"]), page(6, blank=True),
             page(7, ["某县交通运输局2023年政府信息公开工作年度报告"], [T2]), page(8, (), [T3]), page(9, (), [T4])]
    parts = split_volume(pages)
    assert ranges(parts) == [(3, 5), (7, 9)]
    assert all(p.warning is None for p in parts)


def test_tables_that_start_over_without_a_title_start_a_report_and_say_it_is_unsure():
    pages = [page(1, TITLE, [T2]), page(2, (), [T3]), page(3, (), [T4]),
             page(4, ["一、总体情况", "本年度……"]), page(5, (), [T2]), page(6, (), [T3, T4])]
    parts = split_volume(pages)
    assert ranges(parts) == [(1, 3), (4, 6)]  # at its section 一, before its tables
    assert parts[1].warning and "no title" in parts[1].warning
    # with nothing that opens a report before them, at the page where the tables start over
    pages[3] = page(4, ["五、存在的主要问题及改进情况"])
    assert ranges(split_volume(pages)) == [(1, 4), (5, 6)]


def test_tables_before_the_first_title_are_a_report_of_their_own():
    pages = [page(1, (), [T2, T3]), page(2, (), [T4]), page(3, TITLE, [T2]), page(4, (), [T3, T4])]
    assert ranges(split_volume(pages)) == [(1, 2), (3, 4)]
