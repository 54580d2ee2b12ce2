"""Folders written whole (files.replacing_folder): a reader sees the old one or the new one, and a
killed run's half-made one is cleared by the next run's plan."""
import pytest

from pipeline.batch.jobs import plan
from pipeline.files import replacing_folder


def test_a_folder_is_replaced_whole_or_not_at_all(tmp_path):
    folder = tmp_path / "review" / "report"
    folder.mkdir(parents=True)
    (folder / "page-1.png").write_text("old")
    with replacing_folder(folder) as new:
        (new / "page-1.jpg").write_text("new")
    assert sorted(p.name for p in folder.iterdir()) == ["page-1.jpg"]
    with pytest.raises(RuntimeError), replacing_folder(folder) as new:
        (new / "page-2.jpg").write_text("half")
        raise RuntimeError("a page that cannot be drawn")
    assert sorted(p.name for p in folder.iterdir()) == ["page-1.jpg"]
    assert [p.name for p in folder.parent.iterdir()] == ["report"]


def test_the_next_run_clears_what_a_killed_run_left_half_made(tmp_path):
    review = tmp_path / "review"
    for name in (".report.x1.tmp", ".report.x2.old"):
        (review / name / "inner").mkdir(parents=True)
    (tmp_path / ".report.json.x3.tmp").write_text("{")
    (review / "report").mkdir()
    plan([], tmp_path)
    assert [p.name for p in review.iterdir()] == ["report"]
    assert not list(tmp_path.glob(".*.tmp"))
