"""Verifying: what a read report's numbers are worth.

In: the template and the cells `pipeline.read` produced (and, for the year-over-year check, the
report JSONs of an output folder). Out: the same cells with checks failed, repairs, a calibrated
confidence and a review flag, and the report's cross-checks.

- checks.py: the template's accounting identities; a unique misreading repaired.
- confidence.py: one calibrated number per cell, and the review flag.
- text_vs_table.py: the statements of the running text checked against the cells they restate.
- years.py: one agency's reports across years linked, and the carry-over between them checked.

The runner calls checks → confidence → text_vs_table on each report; the batch links the years
once its reports are written. Imports the reading folder, never the batch or the review.
"""
