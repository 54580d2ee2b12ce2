"""Text against table on real published reports (tests/data/corpus, statements read by hand): no
statement is called a contradiction unless its words are exactly a cell's quantity and it
disagrees; the real contradictions still fail; and the real pages read every hand-read cell."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.read.prose import compact
from pipeline.types import same_value

from ..conftest import DATA, assert_valid_output

CORPUS = DATA / "corpus"
ROOT = DATA.parent.parent


def _truths() -> list[tuple[Path, dict]]:
    out = []
    for path in sorted(CORPUS.glob("*.truth.json")) + sorted(CORPUS.glob("*.statements.json")):
        truth = json.loads(path.read_text(encoding="utf-8"))
        source = ROOT / truth["source"] if "/" in truth["source"] else CORPUS / truth["source"]
        out.append((source, truth))
    return out


TRUTHS = _truths()


@pytest.fixture(scope="module")
def read(pipeline) -> dict[str, dict]:
    """Every report of the corpus, read."""
    out = {}
    for source, truth in TRUTHS:
        outcome = pipeline.process(source)
        assert outcome.report is not None, (source.name, outcome.error)
        out[source.name] = outcome.report.to_json()
    return out


def _marks(check: dict, statements: list[dict]) -> list[dict]:
    """The hand-marked statements a check is about: its number, in its sentence."""
    sentence = compact(check["statement"]["text"])
    return [s for s in statements if s.get("value") is not None and same_value(s["value"], check["values"]["text"])
            and (compact(s["sentence"]) in sentence or sentence in compact(s["sentence"]))]


def test_the_corpus_is_real_and_broad():
    assert len(TRUTHS) >= 20
    assert len({t.get("agency") for _, t in TRUTHS}) >= 12
    assert {t["template"] for _, t in TRUTHS} == {"2019", "2021"}
    assert sum(len(t["statements"]) for _, t in TRUTHS) >= 250


def test_no_statement_is_called_a_contradiction_unless_it_is_one(read):
    false = []
    for source, truth in TRUTHS:
        for check in read[source.name]["cross_checks"]:
            if check["kind"] == "text_vs_table" and check["status"] == "fail" and not any(
                    s["relation"] == "exact" and s["agrees"] is False for s in _marks(check, truth["statements"])):
                false.append(f"{source.name}: {check['what']} {check['values']} 「{check['statement']['text']}」")
    assert not false, "\n".join(false)


def test_the_real_contradictions_still_fail(read):
    fails = {(name, c["values"]["text"], c["values"]["table"]) for name, data in read.items()
             for c in data["cross_checks"] if c["kind"] == "text_vs_table" and c["status"] == "fail"}
    assert ("hongze2024.pdf", 17, 95) in fails
    assert ("pingtan_gwhbgs_2025.html", 34, 32) in fails


def test_a_table_that_contradicts_itself_makes_a_disagreement_uncertain(read):
    """hzs 2024: 行政复议 1 起 agrees with 结果维持 1; the table's own 总计 prints 0."""
    check = next(c for c in read["pingtan_hzs_2024.html"]["cross_checks"] if c["what"] == "行政复议")
    assert check["status"] == "uncertain" and "does not add up" in check["reason"]


def test_statements_that_agree_pass(read):
    """Each statement marked as agreeing with its table, where the table was read, passes."""
    wrong = []
    for source, truth in TRUTHS:
        checks = [c for c in read[source.name]["cross_checks"] if c["kind"] == "text_vs_table"]
        for check in checks:
            marks = _marks(check, truth["statements"])
            if marks and all(s["agrees"] is True for s in marks) and check["values"]["table"] is not None \
                    and check["status"] != "pass":
                wrong.append(f"{source.name}: {check['status']} {check['values']} 「{check['statement']['text']}」")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("source,truth", [(s, t) for s, t in TRUTHS if s.suffix == ".html"], ids=lambda v: getattr(v, "name", ""))
def test_real_web_pages_read_every_hand_read_cell(read, source, truth):
    data = read[source.name]
    assert_valid_output(data)
    assert data["template"] == truth["template"]
    wrong = {cid: (data["cells"][cid]["value"], want) for cid, want in truth["cells"].items()
             if not same_value(data["cells"][cid]["value"], want)}
    assert not wrong
