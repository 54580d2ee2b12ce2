"""Structure: where the cells of a page's tables are, read two ways.

- ruled.py: the lattice of the ruling lines, each cell's text from the text lines inside it.
  The first source where the rulings are sound.
- text.py: rows and columns from the text lines alone (row labels, header texts, values placed
  by where they sit), needing no ruling: it reads what worn, missing or misleading rulings lose.

Each reading takes a PageLayout whose text lines are read and returns Tables for reconstruct,
which weighs what the two make of each template cell.
"""
from __future__ import annotations

from abc import ABC, abstractmethod

from ...types import PageLayout, Table


class StructureReading(ABC):
    """One way of reading a page's tables."""

    name: str

    @abstractmethod
    def read(self, layout: PageLayout) -> list[Table]:
        """The tables of the page, with each cell's text."""
