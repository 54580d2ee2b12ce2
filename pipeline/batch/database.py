"""The batch's database (SQLite beside the outputs by default; any SQLAlchemy URL, e.g.
PostgreSQL, for a team): the reviewers' corrections with their audit trail, and the reports,
cells and cross-checks as tables, recreated whole with every export."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

METADATA = sa.MetaData()
CORRECTIONS = sa.Table(
    "corrections", METADATA,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("report", sa.String, nullable=False),
    sa.Column("cell_id", sa.String, nullable=False),
    sa.Column("old_value", sa.String),
    sa.Column("new_value", sa.String),
    sa.Column("reviewer", sa.String, nullable=False),
    sa.Column("at", sa.String, nullable=False),
)


def default_db_url(out_dir: Path) -> str:
    return f"sqlite:///{(out_dir / 'review.sqlite').resolve()}"


REPORTS = sa.Table(
    "reports", METADATA,
    sa.Column("stem", sa.String, primary_key=True),
    sa.Column("source", sa.String), sa.Column("source_pages", sa.String), sa.Column("template", sa.String),
    sa.Column("agency", sa.String),
    sa.Column("agency_key", sa.String), sa.Column("year", sa.Integer), sa.Column("pages", sa.Integer), sa.Column("sha256", sa.String),
)
CELLS = sa.Table(
    "cells", METADATA,
    sa.Column("stem", sa.String, primary_key=True), sa.Column("cell_id", sa.String, primary_key=True),
    sa.Column("value", sa.Float), sa.Column("text", sa.String), sa.Column("confidence", sa.Float),
    sa.Column("needs_review", sa.Boolean), sa.Column("printed", sa.Boolean),
)


CROSS_CHECKS = sa.Table(
    "cross_checks", METADATA,
    sa.Column("id", sa.Integer, primary_key=True), sa.Column("stem", sa.String), sa.Column("check_id", sa.String),
    sa.Column("kind", sa.String), sa.Column("status", sa.String), sa.Column("cells", sa.String),
    sa.Column("statement", sa.String), sa.Column("page", sa.Integer),
    sa.Column("text_value", sa.Float), sa.Column("table_value", sa.Float), sa.Column("other_report", sa.String),
)


def cross_check_rows(stem: str, data: dict) -> list[dict]:
    """A report's rows of the cross_checks table (a year-over-year check names the other report)."""
    rows = []
    for c in data.get("cross_checks", []):
        statement, values = c.get("statement", {}), c.get("values", {})
        other = [s for s in c.get("reports", {}).values() if s != data["source"]]
        rows.append({"stem": stem, "check_id": c["id"], "kind": c["kind"], "status": c["status"],
                     "cells": " ".join(c["cells"]), "statement": statement.get("text"), "page": statement.get("page"),
                     "text_value": values.get("text") if statement else None,
                     "table_value": values.get("table") if statement else None,
                     "other_report": other[0] if other else None})
    return rows


def cell_rows(stem: str, data: dict) -> list[dict]:
    """A report's rows of the cells table."""
    return [{"stem": stem, "cell_id": cid, "value": c["value"], "text": c["text"], "confidence": c["confidence"],
             "needs_review": c["needs_review"], "printed": c.get("printed", True)} for cid, c in data["cells"].items()]
