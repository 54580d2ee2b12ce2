"""Volumes: a file that binds several reports (年度报告汇编, a scanning bureau's batch in one PDF)
is cut into its reports' page ranges, so that no report's tables or text are mixed with
another's.

A report starts at a page whose top line is a report's title, or, where no title came before
them, where its tables start over (a table 二, or 三, after the report before reached table 三 or
四): at the page of its section 一 heading between the two, else at that table's page. That
second kind of boundary is unsure, and its report says so. Pages without tables before the first
report (a volume's cover, its contents) and blank pages start nothing, and at a report's end a
cover, contents or blank page is left out of its range. Rules and words: configs/volumes.yaml.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..templates import CONFIG_DIR, TABLE_IDS, load_templates, read_yaml
from .prose import compact, heading_number, parse_title


@dataclass
class PageSummary:
    """What the cut needs of one page: its top lines, the tables its lines name, and whether
    anything is printed on it."""
    number: int
    top_lines: list[str]
    table_lines: list[str]
    blank: bool = False


@dataclass
class Part:
    """One report's pages of the file, first to last."""
    first: int
    last: int
    warning: str | None = None  # why its start is unsure

    @property
    def pages(self) -> range:
        return range(self.first, self.last + 1)


@lru_cache(maxsize=1)
def volume_config() -> dict:
    return read_yaml(CONFIG_DIR / "volumes.yaml")


@lru_cache(maxsize=1)
def _table_words() -> dict[str, set[str]]:
    """The labels only one of the national tables has (in either format), compacted: 总计 and
    其他 name no table (a label inside another table's, or holding one, is no one's own). A
    pre-2019 report's one table starts nothing: its reports are cut at their titles."""
    words = {tid: set() for tid in TABLE_IDS}
    for template in load_templates().values():
        for tid, table in template.tables.items():
            if tid in words:
                words[tid].update(compact(w) for w in table.vocabulary() if len(compact(w)) >= 2)
    return {tid: {w for w in own if not any(w in o or o in w for other in TABLE_IDS if other != tid
                                            for o in words[other])}
            for tid, own in words.items()}


def page_tables(lines: list[str]) -> list[str]:
    """The template tables (t2, t3, t4) a page's table lines name, in order."""
    need = volume_config()["table_lines"]
    texts = [compact(line) for line in lines]
    found = []
    for tid, words in _table_words().items():
        hits = sum(1 for text in texts if any(w == text or (len(w) >= 4 and w in text) for w in words))
        if hits >= need:
            found.append(tid)
    return found


def page_role(top_lines: list[str]) -> str:
    """"title" (a report starts here), "volume" (the volume's cover or a divider), "contents",
    or "" (any other page)."""
    config = volume_config()
    texts = [compact(line) for line in top_lines if compact(line)]
    if any(text in [compact(w) for w in config["contents"]] for text in texts):
        return "contents"
    joined = "".join(texts)
    if any(w in joined for w in config["volume_title"]):
        return "volume"
    agency, year = parse_title(top_lines)
    if agency and year and any(w in joined for w in config["report_title"]):
        return "title"
    return ""


def split_volume(pages: list[PageSummary]) -> list[Part]:
    """The reports' page ranges, in order; one part spanning every page where the file holds
    one report (or no page says otherwise)."""
    if not pages:
        return []
    starts: list[tuple[int, str | None]] = []  # (page, why unsure)
    reached = 0  # the furthest table (1: 二, 2: 三, 3: 四) of the report being read
    last_table_page = 0
    roles = {page.number: page_role(page.top_lines) for page in pages}
    tables_on = {page.number: [TABLE_IDS.index(t) + 1 for t in page_tables(page.table_lines)] for page in pages}
    for k, page in enumerate(pages):
        tables = tables_on[page.number]
        if roles[page.number] == "title":
            starts.append((page.number, None))
            reached = 0
        elif tables and reached and min(tables) < reached:
            first = next((p.number for p in pages[:k] if p.number > last_table_page and _opens_report(p)), page.number)
            starts.append((first, f"no title before its tables: the report is taken to start on page {first}, "
                                  f"{'at its section 一' if first < page.number else 'where its tables start over'} "
                                  f"(a page before it may be its own)"))
            reached = 0
        if tables:
            reached, last_table_page = max(reached, *tables), page.number
    front = pages if not starts else [p for p in pages if p.number < starts[0][0]]
    if not starts or any(tables_on[p.number] for p in front):
        starts.insert(0, (pages[0].number, None))  # a report without a title from page 1
    skipped = {p.number for p in pages if p.blank or roles[p.number] in ("volume", "contents")}
    parts = []
    for k, (first, why) in enumerate(starts):
        last = starts[k + 1][0] - 1 if k + 1 < len(starts) else pages[-1].number
        while last > first and last in skipped:
            last -= 1
        parts.append(Part(first, last, why))
    return parts


def _opens_report(page: PageSummary) -> bool:
    """The page's top lines hold a report's opening: its section 一 heading, or 本报告依据…"""
    texts = [compact(line) for line in page.top_lines]
    return any(heading_number(text, 0) == 1 or text.startswith("本报告") for text in texts)
