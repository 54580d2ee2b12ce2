"""The table formats, loaded from configs/templates/*.yaml: the national grids of 2021 and 2019
(tables 二, 三, 四) and the indicator table of the reports before them ("pre-2019", one table s).

A template says which cells a report must have (its cell ids, in print order), the labels
that identify each row and column, and the accounting identities between cells.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

CONFIG_DIR = Path(__file__).resolve().parent.parent / "configs"
TABLE_IDS = ("t2", "t3", "t4")  # the national grids' tables


def read_yaml(path: Path):
    """A configuration file, parsed by libyaml where PyYAML has it: the same data, several times
    as fast (every worker parses the templates when it starts)."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@dataclass(frozen=True)
class RowSpec:
    id: str
    labels: tuple[str, ...]
    parent: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    within: str = ""  # an indicator table's row: the indicator this one is a part of (其中)
    decimal: bool = False  # its values may have decimals (an amount of money)


@dataclass(frozen=True)
class OneRowForm:
    """Rows some offices print as one row (（六）其他处理 in a 2021 report): its values are those
    of `into`, and the other rows are not printed."""
    labels: tuple[str, ...]
    into: str
    rows: tuple[str, ...]


@dataclass(frozen=True)
class TableSpec:
    id: str
    title: str
    # "rows": rows named by a label cell, in the template's order; "column_groups": rows named by
    # header groups (table 四); "indicators": each row printed or not, in any order (pre-2019)
    layout: str
    columns: dict[str, tuple[str, ...]]
    rows: tuple[RowSpec, ...]
    decimal_columns: frozenset[str] = frozenset()
    signed_columns: frozenset[str] = frozenset()
    one_row_forms: tuple[OneRowForm, ...] = ()
    optional_columns: frozenset[str] = frozenset()  # printed by some offices only (历年累计)
    not_above: dict[str, str] = field(default_factory=dict)  # a column no row holds more in than in another

    def row_forms(self) -> list[tuple[tuple[RowSpec, ...], OneRowForm | None]]:
        """The rows as the template has them, and as each one-row form prints them."""
        forms: list[tuple[tuple[RowSpec, ...], OneRowForm | None]] = [(self.rows, None)]
        for form in self.one_row_forms:
            rows = []
            for row in self.rows:
                if row.id == form.into:
                    rows.append(RowSpec(id=row.id, labels=form.labels, columns=row.columns))
                elif row.id not in form.rows:
                    rows.append(row)
            forms.append((tuple(rows), form))
        return forms

    def cell_ids(self) -> list[str]:
        return [f"{self.id}/{row.id}/{col}" for row in self.rows for col in row.columns]

    def vocabulary(self) -> set[str]:
        """Every label of the table, to tell its fragments from other tables."""
        words = {label for labels in self.columns.values() for label in labels}
        for row in self.rows:
            words.update(row.labels)
            words.update(row.parent)
        return words


@dataclass(frozen=True)
class Identity:
    """sum(lhs) == sum(rhs), already expanded for one value of the `over` variable."""
    name: str
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]
    parts_printed: bool = False  # checked only where the table prints one of rhs (pre-2019's optional parts)


@dataclass(frozen=True)
class Template:
    id: str
    notice: str
    tables: dict[str, TableSpec]
    identities: tuple[Identity, ...] = field(default=())
    years: tuple[int, int] = (0, 9999)  # the years of the reports it is the form of, first and last

    def covers(self, year: int | None) -> bool:
        return year is not None and self.years[0] <= year <= self.years[1]

    def cell_ids(self) -> list[str]:
        return [cid for table in self.tables.values() for cid in table.cell_ids()]


def _table(table_id: str, raw: dict) -> TableSpec:
    columns = {cid: tuple(labels) for cid, labels in raw["columns"].items()}
    raw_rows = raw.get("rows") or raw.get("groups")
    rows = tuple(
        RowSpec(
            id=r["id"],
            labels=tuple(r["labels"]),
            parent=tuple(r.get("parent", ())),
            columns=tuple(r.get("columns", columns.keys())),
            within=r.get("within", ""),
            decimal=r.get("decimal", False),
        )
        for r in raw_rows
    )
    return TableSpec(
        id=table_id,
        title=raw["title"],
        layout=raw["layout"],
        columns=columns,
        rows=rows,
        decimal_columns=frozenset(raw.get("decimal_columns", ())),
        signed_columns=frozenset(raw.get("signed_columns", ())),
        one_row_forms=tuple(OneRowForm(tuple(f["labels"]), f["into"], tuple(f["rows"]))
                            for f in raw.get("one_row_forms", ())),
        optional_columns=frozenset(raw.get("optional_columns", ())),
        not_above=dict(raw.get("not_above", {})),
    )


def _identities(raw: list[dict]) -> tuple[Identity, ...]:
    out = []
    for item in raw:
        (var, values), = item["over"].items()
        for value in values:
            placeholder = f"<{var}>"
            out.append(Identity(
                name=f"{item['name']}[{value}]",
                lhs=tuple(s.replace(placeholder, value) for s in item["lhs"]),
                rhs=tuple(s.replace(placeholder, value) for s in item["rhs"]),
                parts_printed=item.get("parts_printed", False),
            ))
    return tuple(out)


def load_template(path: Path) -> Template:
    raw = read_yaml(path)
    tables = {tid: _table(tid, table) for tid, table in raw["tables"].items()}
    return Template(id=str(raw["id"]), notice=raw["notice"], tables=tables,
                    identities=_identities(raw.get("identities", [])), years=tuple(raw["years"]))


@lru_cache(maxsize=None)
def load_templates() -> dict[str, Template]:
    """Every format, keyed by "2019", "2021" and "pre-2019" (in that order: where two fit a
    report equally, the first is taken)."""
    templates = [load_template(p) for p in sorted((CONFIG_DIR / "templates").glob("*.yaml"))]
    return {t.id: t for t in templates}


def failed_identities(template: Template, values: dict[str, float | None]) -> list[Identity]:
    """The identities that `values` break (a blank counts as 0, an unknown cell skips the check)."""
    failed = []
    for ident in template.identities:
        cells = list(itertools.chain(ident.lhs, ident.rhs))
        if any(c not in values for c in cells):
            continue
        lhs = sum(values[c] or 0 for c in ident.lhs)
        rhs = sum(values[c] or 0 for c in ident.rhs)
        if abs(lhs - rhs) > 1e-6:
            failed.append(ident)
    return failed


def cell_labels(template_id: str, cell_id: str) -> tuple[str, str]:
    """The printed row and column labels of a cell, for a reviewer."""
    table_id, row_id, column = cell_id.split("/")
    spec = load_templates()[template_id].tables[table_id]
    row = next(r for r in spec.rows if r.id == row_id)
    return "".join((*row.parent[:1], row.labels[0])), spec.columns[column][0]
