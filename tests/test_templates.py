import random

import pytest

from pipeline.generate.values import draw_values
from pipeline.templates import failed_identities, load_templates

from .conftest import cell_ids


@pytest.mark.parametrize("template", ["2021", "2019", "pre-2019"])
def test_cell_ids_match_the_contract(template):
    assert load_templates()[template].cell_ids() == cell_ids(template)


@pytest.mark.parametrize("template", ["2021", "2019"])
def test_generated_values_satisfy_every_identity(template):
    t = load_templates()[template]
    for seed in range(30):
        values = draw_values(t, random.Random(seed))
        assert failed_identities(t, values) == []


def test_identities_catch_a_broken_total():
    t = load_templates()["2021"]
    values = draw_values(t, random.Random(1))
    values["t3/new/total"] = (values["t3/new/total"] or 0) + 1
    names = {i.name for i in failed_identities(t, values)}
    assert "t3.row_total[new]" in names
    assert "t3.balance[total]" in names


def test_label_variants_from_real_reports_are_declared():
    t21, t19 = load_templates()["2021"], load_templates()["2019"]
    rows = {r.id: r for r in t21.tables["t2"].rows}
    assert "规范性文件" in rows["art20_1.normative_docs"].labels
    assert "社会公益性组织" in t21.tables["t3"].columns["public_welfare"]
    petition = next(r for r in t19.tables["t3"].rows if r.id == "not_processed.petition")
    assert "（五）不予以处理" in petition.parent
