"""Synthetic annual reports with ground truth, for tests and benchmarks.

values.py draws cell values that satisfy the template's identities, statements.py the sentences
of the text that restate them (some planted to contradict them), tables.py lays the values out
as the printed grids (with the label variants real offices use), render.py composes a report and
writes a born-digital PDF (word.py: a Word document LibreOffice prints; documents.py: a web
page), scan.py turns it into a degraded scan. generate_series writes one agency's consecutive
years.
"""
from .content import GeneratedReport
from .reports import generate_batch, generate_report, generate_series

__all__ = ["GeneratedReport", "generate_report", "generate_batch", "generate_series"]
