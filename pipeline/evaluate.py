"""Compare outputs with generated ground truth: per-cell accuracy, template and title, and the
text-versus-table checks against the statements the generator wrote (planted contradictions
should fail, nothing else should)."""
from __future__ import annotations

from dataclasses import dataclass, field

from .types import same_value


@dataclass
class Score:
    reports: int = 0
    cells: int = 0
    right: int = 0
    template_right: int = 0
    title_right: int = 0
    wrong_flagged: int = 0  # wrong cells that were flagged for review
    flagged: int = 0
    errors: list[str] = field(default_factory=list)  # "source cell_id: got X, want Y"
    planted: int = 0  # statements of the text planted to contradict their table
    planted_failed: int = 0  # of them, those a text-vs-table check failed
    planted_uncertain: int = 0  # or called uncertain
    consistent: int = 0  # statements that restate their table rightly
    consistent_passed: int = 0
    consistent_uncertain: int = 0
    other_quantity: int = 0  # statements of another quantity than their cells' (documents cleaned up)
    false_fails: int = 0  # statements that do not contradict their table (consistent or other) a check failed

    @property
    def contradiction_recall(self) -> float:
        return self.planted_failed / self.planted if self.planted else 1.0

    @property
    def accuracy(self) -> float:
        return self.right / self.cells if self.cells else 0.0

    @property
    def flag_recall(self) -> float:
        wrong = self.cells - self.right
        return self.wrong_flagged / wrong if wrong else 1.0

    def add(self, output: dict | None, truth: dict):
        self.reports += 1
        cells = truth["cells"]
        self.cells += len(cells)
        if output is None:
            self.errors.append(f"{truth['source']}: no output")
            return
        self.template_right += output["template"] == truth["template"]
        self.title_right += all(output["report"].get(k) == truth["report"][k] for k in ("agency", "year"))
        self._add_statements(output, truth)
        for cid, want in cells.items():
            got = output["cells"].get(cid)
            flagged = bool(got and got["needs_review"])
            self.flagged += flagged
            if got is not None and output["template"] == truth["template"] and same_value(got["value"], want):
                self.right += 1
            else:
                self.wrong_flagged += flagged
                confidence = f"flagged at {got['confidence']:.2f}" if flagged else (
                    f"UNFLAGGED at {got['confidence']:.2f}" if got else "missing")
                self.errors.append(f"{truth['source']} {cid}: got {got and got['value']!r} "
                                   f"({got and got['text']!r}), want {want!r}, {confidence}")

    def _add_statements(self, output: dict, truth: dict):
        """Each statement of the truth against the checks made of its rule and number and about
        some of its cells (a check names the cells of the reading it compared, which a statement's
        truth need not all; two statements of one rule and number, the review's 纠正 and the
        lawsuits', are told apart by their cells)."""
        checks = [c for c in output.get("cross_checks", []) if c["kind"] == "text_vs_table"]
        for statement in truth.get("statements", []):
            statuses = {c["status"] for c in checks if c["id"].split("/")[1] == statement["rule"]
                        and same_value(c["values"]["text"], statement["text"])
                        and set(c["cells"]) & set(statement["cells"])}
            if statement["planted"]:
                self.planted += 1
                self.planted_failed += "fail" in statuses
                self.planted_uncertain += statuses == {"uncertain"}
                continue
            self.false_fails += "fail" in statuses
            if statement.get("other_quantity"):
                self.other_quantity += 1
            else:
                self.consistent += 1
                self.consistent_passed += "pass" in statuses
                self.consistent_uncertain += "uncertain" in statuses and "fail" not in statuses
            if "fail" in statuses:
                self.errors.append(f"{truth['source']}: a check failed on a statement that does not contradict its "
                                   f"table ({statement['rule']}: text {statement['text']}, table {statement['table']})")

    def statements_line(self) -> str:
        return (f"text vs table: planted contradictions failed {self.planted_failed}/{self.planted} = "
                f"{self.contradiction_recall:.1%} (uncertain {self.planted_uncertain}); consistent statements "
                f"{self.consistent}: passed {self.consistent_passed}, uncertain {self.consistent_uncertain}; "
                f"statements of another quantity {self.other_quantity}; false fails {self.false_fails}")
