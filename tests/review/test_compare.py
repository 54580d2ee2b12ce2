"""`reportocr compare`: one agency's two years side by side, as JSON and as a page a person
reads in a real Chromium, opened from the file without a server."""
import json

from selenium.webdriver.common.by import By

from pipeline.cli import main
from pipeline.review.compare import text_similarity

from ..conftest import DATA

REAL = DATA / "real"


def test_a_copied_section_and_a_rewritten_one():
    text = "2021年，本机关坚持以公开为常态、不公开为例外，扎实推进政务公开工作，全年受理申请12件。"
    assert text_similarity(text, text.replace("2021", "2022").replace("12", "30")) == 1.0  # only numbers changed
    assert text_similarity(text, "今年我们重点做了三件事：培训、平台建设和制度完善，效果明显。") < 0.3


def test_compare_the_published_pair_in_chromium(pipeline, tmp_path, browser):
    reports = {}
    for stem in ("hongze2024", "hongze2023"):  # given in either order, the earlier year comes first
        path = tmp_path / f"{stem}.json"
        path.write_text(json.dumps(pipeline.process(REAL / f"{stem}.pdf").report.to_json(), ensure_ascii=False),
                        encoding="utf-8")
        reports[stem] = path
    out = tmp_path / "cmp"
    assert main(["compare", str(reports["hongze2024"]), str(reports["hongze2023"]), "-o", str(out)]) == 0
    data = json.loads((out / "compare_hongze2023_hongze2024.json").read_text(encoding="utf-8"))
    assert [r["year"] for r in data["reports"]] == [2023, 2024]
    new = next(c for c in data["cells"] if c["id"] == "t3/new/total")
    assert (new["before"], new["after"], new["change"], new["relative"]) == (21, 95, 74, 3.5238)
    assert len(data["cells"]) == 200 and data["most_changed"]
    carry = next(c for c in data["cross_checks"] if c["kind"] == "year_over_year")
    assert carry["status"] == "pass"
    assert {(c["year"], c["status"]) for c in data["cross_checks"] if c["kind"] == "text_vs_table"} == \
        {(2023, "pass"), (2024, "fail")}
    sections = {s["number"]: s for s in data["sections"]}
    assert sections[6]["verdict"] == "copied" and sections[1]["verdict"] != "copied"

    browser.get((out / "compare_hongze2023_hongze2024.html").as_uri())
    assert browser.find_element(By.TAG_NAME, "h1").text == "淮安市洪泽区人民政府: 2023 → 2024"
    cross = browser.find_element(By.ID, "cross-checks").text
    assert "carry-over" in cross and "pass" in cross and "fail" in cross and "text: 17 · table: 95" in cross
    assert "copied" in browser.find_element(By.ID, "sections").text
    rows = browser.find_elements(By.CSS_SELECTOR, "#cells-t3 tr")
    assert len(rows) == 1 + sum(c["id"].startswith("t3/") for c in data["cells"])
    new_row = next(r for r in rows if r.text.startswith("一、本年新收政府信息公开申请数量 / 总计"))
    assert new_row.text.split()[-4:] == ["21", "95", "74", "+352%"]
    assert new_row.get_attribute("class") == "changed"
    # readable: the tables fit the window, nothing drawn outside it
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= browser.execute_script("return window.innerWidth")


def test_two_report_files_compared_directly(tmp_path):
    assert main(["compare", str(REAL / "hongze2023.pdf"), str(REAL / "hongze2024.pdf"), "-o", str(tmp_path)]) == 0
    data = json.loads((tmp_path / "compare_hongze2023_hongze2024.json").read_text(encoding="utf-8"))
    assert data["agency_match"] and not data["notes"]


def test_compare_names_a_bad_input(tmp_path, capsys):
    bad = tmp_path / "notes.json"
    bad.write_text("{}", encoding="utf-8")
    assert main(["compare", str(bad), str(REAL / "hongze2024.pdf"), "-o", str(tmp_path)]) == 2
    assert "notes.json" in capsys.readouterr().err
