"""Compare outputs with generated ground truth: per-cell accuracy, template and title."""
from __future__ import annotations

import math
from dataclasses import dataclass, field


def same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


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
        self.title_right += output["report"] == truth["report"]
        for cid, want in cells.items():
            got = output["cells"].get(cid)
            flagged = bool(got and got["needs_review"])
            self.flagged += flagged
            if got is not None and output["template"] == truth["template"] and same_value(got["value"], want):
                self.right += 1
            else:
                self.wrong_flagged += flagged
                self.errors.append(f"{truth['source']} {cid}: got {got and got['value']!r} "
                                   f"({got and got['text']!r}), want {want!r}")
