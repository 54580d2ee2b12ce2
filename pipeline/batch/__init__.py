"""The batch: many files through the runner on some executor, and everything written to OUT.

In: the input files and the run's options. Out: the output folder: a JSON per report, errors.jsonl,
manifest.jsonl, the review pages, cells.csv, reports.csv/.xlsx/.parquet and the database.

- jobs.py: what is left to do (resume by content hash), and each file's outcome written (the entry
  every executor calls).
- local.py, gpu.py, ray.py: the executors: worker processes on this machine; worker processes
  feeding one recogniser on a GPU; a Ray cluster.
- output.py: the output folder's files, written atomically, and read back.
- review_pages.py: each report's review images and OUT/review.html.
- exports.py and database.py: the tables over every report in OUT, rewritten after each run.
- record.py: the run's line in manifest.jsonl.

Imports reading, verifying and the runner; never the review app.
"""
