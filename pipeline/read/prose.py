"""The report's running text: its title (agency and year) and its six numbered sections.

The lines come from wherever the document keeps them: a PDF's text layer (ocr.prose_lines), a
scan's lines recognised with `--text`, or a Word, HTML or text document's paragraphs.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..templates import CONFIG_DIR, read_yaml
from ..types import ProseLine, Section

_SPACE = re.compile(r"\s+")
_PAGE_NUMBER = re.compile(r"^[-—–－_\s]*\d{1,3}[-—–－_\s]*$|^第\d+页(?:共\d+页)?$")
_HEADING = re.compile(r"^(?P<num>[一二三四五六])[、.．,，]")
NUMERALS = "一二三四五六"


@lru_cache(maxsize=1)
def text_config() -> dict:
    return read_yaml(CONFIG_DIR / "text.yaml")


def compact(text: str) -> str:
    """NFKC, whitespace removed: Chinese text reads the same, and the text layer's and the
    recogniser's spacing vanish."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


# "<agency><year>年(度)政府信息公开工作年度报告", tolerant of a scan's slips ("政府言息公开")
_AGENCY_FIRST = re.compile(r"^(.{1,40}?)((?:19|20)\d{2})年度?.{0,8}?(?:信息公开|公开工作|年度报告|工作报告)")
# "2019年(度)<agency>政府信息公开工作年度报告" (web pages, some city offices)
_YEAR_FIRST = re.compile(r"^((?:19|20)\d{2})年度?(.{3,40}?)(?:政府信息公开|信息公开工作|政务公开)")
_AGENCY_TRIM = "()（）[]【】<>《》:：,，。 _-—|"


def _agency(name: str) -> str | None:
    if re.search(r"[。，,；;!！?？]", name):
        return None  # a sentence of the text, not a title
    name = name.strip(_AGENCY_TRIM)
    name = re.sub(r"关于$", "", name).strip(_AGENCY_TRIM)
    if len(name) < 2 or "信息公开" in name or re.search(r"[\d：:、]", name):
        return None
    return name


def parse_title(lines: list[str]) -> tuple[str | None, int | None]:
    """Agency and year from the title, in every form real reports print it: agency first
    ('独乐乡2021年政府信息公开工作年度报告'), year first ('2019年上海市人民政府办公厅政府信息公开
    工作年度报告'), '2021年度', the agency on its own line above, a web page's <title> among its
    navigation. Runs of one, then two, then three consecutive lines are tried, earliest first."""
    lines = [compact(line) for line in lines if compact(line)]
    for width in (1, 2, 3):
        for start in range(len(lines)):
            text = "".join(lines[start:start + width])
            m = _AGENCY_FIRST.search(text)
            if m and _agency(m.group(1)):
                return _agency(m.group(1)), int(m.group(2))
            m = _YEAR_FIRST.search(text)
            if m and _agency(m.group(2)):
                return _agency(m.group(2)), int(m.group(1))
    return None, None


def heading_number(text: str, current: int) -> int | None:
    """The section a line heads, if it is a heading: a numeral after the current section's,
    with one of that section's keywords among its first words."""
    m = _HEADING.match(text)
    if not m:
        return None
    number = NUMERALS.index(m.group("num")) + 1
    keywords = text_config()["sections"][number]
    if number <= current or not any(k in text[:24] for k in keywords):
        return None
    return number


def _split_heading(line: ProseLine) -> tuple[str, ProseLine | None]:
    """A heading line's heading, and the text run on after it on the same line (a web page's
    paragraph that starts with its heading), if any: the heading ends at its first full stop
    or colon, or is the whole line when short."""
    text = line.text
    stops = [i for i in (text.find("。"), text.find("："), text.find(":")) if 0 < i < 30]
    if stops and text[min(stops) + 1:].strip():
        cut, after = min(stops), min(stops) + 1
    elif len(compact(text)) <= 40:
        return text.strip(), None
    else:
        cut = after = 30
    rest = ProseLine(text=text[after:], char_probs=line.char_probs[after:], page=line.page, bbox=line.bbox)
    return text[:cut].strip(), rest


def split_sections(lines: list[ProseLine]) -> list[Section]:
    """The lines in order into section 0 (title, preamble) and the numbered sections 一 … 六
    (a report may skip one). Page numbers are dropped."""
    sections = [Section(0, None)]
    for line in lines:
        text = compact(line.text)
        if not text or _PAGE_NUMBER.match(text):
            continue
        number = heading_number(text, sections[-1].number)
        if number is None:
            sections[-1].lines.append(line)
            continue
        heading, rest = _split_heading(line)
        sections.append(Section(number, heading))
        if rest is not None and rest.text.strip():
            sections[-1].lines.append(rest)
    return sections if len(sections) > 1 or sections[0].lines else []


def document_lines(texts: list[str]) -> list[ProseLine]:
    """A document's paragraphs (Word, HTML, text) as exact lines without a page."""
    return [ProseLine(text=t, char_probs=[1.0] * len(t)) for t in texts if t.strip()]
