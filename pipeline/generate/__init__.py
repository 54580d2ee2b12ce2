"""Synthetic annual reports with ground truth, for tests and benchmarks.

values.py draws cell values that satisfy the template's identities, tables.py lays them out
as the printed grids (with the label variants real offices use), render.py writes a
born-digital PDF, scan.py turns it into a degraded scan.
"""
from .render import GeneratedReport, generate_report, generate_batch

__all__ = ["GeneratedReport", "generate_report", "generate_batch"]
