"""Bad input: the corpus of tests/bad_inputs.py through one batch, and fuzzing of the ingest and
table stages (a crash found by fuzzing stays here as an @example)."""
import io
import json

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from pipeline.cli import main
from pipeline.read.layout import LayoutOptions, find_tables, ruling_lines
from pipeline.read.structure.ruled import build_grid

from . import bad_inputs
from .conftest import assert_valid_output


def test_every_bad_input_gets_a_clear_error_and_the_batch_finishes_the_good_files(tmp_path, generated, capsys):
    good = generated[("digital", "2021")].pdf
    corpus = bad_inputs.build(tmp_path / "bad", good)
    assert len(corpus) >= 15
    out = tmp_path / "out"
    paths = [path for path, _ in corpus.values()]
    assert main(["run", *map(str, paths[:10]), str(good), *map(str, paths[10:]), "-o", str(out), "--workers", "1"]) == 1
    errors = [line for line in capsys.readouterr().err.splitlines() if line.startswith("error: ")]
    records = [json.loads(line) for line in (out / "errors.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(errors) == len(records) == len(corpus)
    for case, (path, reason) in corpus.items():
        (line,) = [e for e in errors if e.startswith(f"error: {path}: ")]
        assert reason in line, (case, line)
        (record,) = [r for r in records if r["file"] == str(path)]
        assert reason in record["error"] and record["stage"], (case, record)
        assert "internal error" not in line, case
        assert not (out / f"{path.stem}.json").exists()
    assert_valid_output(json.loads((out / f"{good.stem}.json").read_text(encoding="utf-8")))
    assert not list(out.glob(".*.tmp"))


@pytest.fixture(scope="module")
def small_report_bytes(generated):
    """The first page of a generated scan, as a small PNG, and a born-digital PDF."""
    from pipeline.read.ingest import iter_pages

    page = next(iter(iter_pages(generated[("scan", "2019")].pdf, 100)))
    png = io.BytesIO()
    Image.fromarray(page.image).save(png, "PNG")
    return {"png": png.getvalue(), "pdf": generated[("digital", "2019")].pdf.read_bytes()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["pdf", "png"]), cuts=st.lists(st.tuples(st.floats(0, 1), st.binary(max_size=16)),
                                                            min_size=1, max_size=4), truncate=st.floats(0.05, 1))
def test_fuzzed_files_give_an_input_error_or_a_report_never_a_crash(pipeline, small_report_bytes, tmp_path_factory,
                                                                    kind, cuts, truncate):
    data = bytearray(small_report_bytes[kind])
    for where, junk in cuts:  # overwrite a few spots with junk, then maybe cut the file short
        at = int(where * (len(data) - 1))
        data[at:at + len(junk)] = junk
    path = tmp_path_factory.mktemp("fuzz") / f"fuzzed.{kind}"
    path.write_bytes(bytes(data[: max(1, int(len(data) * truncate))]))
    outcome = pipeline.process(path)
    assert outcome.report is not None or (outcome.error and not outcome.error.startswith("internal error")), \
        outcome.error


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.integers(5, 395), min_size=0, max_size=12),
       cols=st.lists(st.integers(5, 295), min_size=0, max_size=10),
       gaps=st.lists(st.tuples(st.integers(0, 399), st.integers(0, 299)), max_size=30),
       noise=st.integers(0, 400))
@example(rows=[5, 395], cols=[5, 295], gaps=[], noise=0)
def test_fuzzed_rulings_give_well_formed_grids(rows, cols, gaps, noise):
    """Any arrangement of (broken) lines and specks: tables inside the page, cells inside the
    table, spans that cover the lattice without overlapping."""
    page = np.full((400, 300), 255, np.uint8)
    for y in rows:
        cv2.line(page, (5, y), (295, y), 0, 2)
    for x in cols:
        cv2.line(page, (x, 5), (x, 395), 0, 2)
    for y, x in gaps:  # breaks in the lines
        page[max(0, y - 3):y + 3, max(0, x - 3):x + 3] = 255
    rng = np.random.default_rng(noise)
    page[rng.integers(0, 400, noise), rng.integers(0, 300, noise)] = 0
    options = LayoutOptions()
    lines = ruling_lines(page, 100, options)
    for region in find_tables(lines, options):
        assert 0 <= region[0] < region[2] <= 300 and 0 <= region[1] < region[3] <= 400
        table = build_grid(lines, region, 1, 100)
        if table is None:
            continue
        covered = np.zeros((table.n_rows, table.n_cols), int)
        for cell in table.cells:
            assert cell.row_span >= 1 and cell.col_span >= 1
            covered[cell.row:cell.row + cell.row_span, cell.col:cell.col + cell.col_span] += 1
            x0, y0, x1, y1 = cell.bbox
            assert region[0] - 2 <= x0 < x1 <= region[2] + 2 and region[1] - 2 <= y0 < y1 <= region[3] + 2
        assert covered.max() <= 1
