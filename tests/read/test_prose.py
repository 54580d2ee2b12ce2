"""The report's text: agency and year from every title form real reports print, and the six
numbered sections from every kind of document (a PDF's text layer, Word, HTML, text)."""
import pytest

from pipeline.generate import generate_report
from pipeline.read.prose import parse_title, split_sections
from pipeline.types import ProseLine


@pytest.mark.parametrize("lines,agency,year", [
    # the seed reports
    (["独乐乡2021年政府信息公开工作年度报告"], "独乐乡", 2021),
    (["樟树市昌傅镇2021年政府信息公开", "年度报告"], "樟树市昌傅镇", 2021),
    (["彭阳县交岔乡人民政府 2021 年政府信息公开工作年度报告"], "彭阳县交岔乡人民政府", 2021),
    (["深州市人民政府办公室", "2021年政府信息公开工作年度报告", "(2022年1月12日)"], "深州市人民政府办公室", 2021),
    (["金寨县花石乡2020年政府信息公开工作", "年度报告"], "金寨县花石乡", 2020),
    # the published reports: the agency on its own line above
    (["- 1 -", "洪泽区人民政府", "2023 年政府信息公开工作年度报告"], "洪泽区人民政府", 2023),
    # year first: a real city's web page, read as nothing before
    (["2019年上海市人民政府办公厅政府信息公开工作年度报告"], "上海市人民政府办公厅", 2019),
    (["首页 > 政务公开 > 年度报告", "2019年上海市人民政府办公厅政府信息公开工作年度报告_上海市人民政府"],
     "上海市人民政府办公厅", 2019),
    (["2021年度", "南湖镇人民政府政府信息公开工作年度报告"], "南湖镇人民政府", 2021),
    (["南湖镇人民政府2021年度政府信息公开工作年度报告"], "南湖镇人民政府", 2021),
    (["衡水市教育局关于2022年度政府信息公开工作的年度报告"], "衡水市教育局", 2022),
    # a sentence of the text is no title
    (["（二）依申请公开情况。2020年，我局共收到政府信息公开申请3件。"], None, None),
    (["一、总体情况"], None, None),
])
def test_agency_and_year_from_every_title_form(lines, agency, year):
    assert parse_title(lines) == (agency, year)


def _lines(*texts):
    return [ProseLine(text=t, char_probs=[1.0] * len(t), page=1) for t in texts]


def test_sections_skip_a_table_row_label_and_page_numbers():
    sections = split_sections(_lines(
        "某乡2021年政府信息公开工作年度报告", "一、总体情况", "2021年，我乡……", "- 1 -",
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、结转下年度继续办理",  # a row of table 三 caught outside the table: not section 四
        "五、存在的主要问题及改进情况", "问题是……", "六、其他需要报告的事项", "无。"))
    assert [(s.number, s.heading) for s in sections] == [
        (0, None), (1, "一、总体情况"), (2, "二、主动公开政府信息情况"), (3, "三、收到和处理政府信息公开申请情况"),
        (5, "五、存在的主要问题及改进情况"), (6, "六、其他需要报告的事项")]
    assert sections[1].text == "2021年，我乡……"
    assert "四、结转下年度继续办理" in sections[3].text
    assert sections[4].to_json()["pages"] == [1]


def test_a_heading_with_its_text_on_one_line():
    (_, first) = split_sections(_lines("一、总体情况。2021年，本机关坚持以公开为常态。"))
    assert first.heading == "一、总体情况" and first.text == "2021年，本机关坚持以公开为常态。"


@pytest.mark.parametrize("suffix", [".pdf", ".docx", ".html"])
def test_sections_of_every_kind_of_document(pipeline, tmp_path, suffix):
    report = generate_report(tmp_path / f"r{suffix}", "2021", seed=4100)
    data = pipeline.process(report.pdf).report.to_json()
    assert (data["report"]["agency"], data["report"]["year"]) == \
        (report.truth["report"]["agency"], report.truth["report"]["year"])
    numbers = [s["number"] for s in data["sections"]]
    assert numbers == [0, 1, 2, 3, 4, 5, 6]
    first = data["sections"][1]
    assert first["heading"] == "一、总体情况" and len(first["text"]) > 50
    if suffix == ".pdf":  # pages and each line's place; exact text
        assert first["pages"] and all(line["confidence"] == 1.0 and len(line["bbox"]) == 4
                                      for line in first["lines"])
    else:
        assert first["pages"] == [] and "lines" not in first
