"""What a person works with once a batch is done.

In: an output folder (or two reports). Out: corrections in the database and the reports, and
pages to read.

- store.py: the queue of flagged rows across a batch, and corrections with their audit trail.
- app.py: `reportocr review OUT`, the browser app over the store.
- compare.py: `reportocr compare A B`, one agency's two years side by side.

The top of the package: it imports the batch's outputs, nothing imports it but the CLI.
"""
