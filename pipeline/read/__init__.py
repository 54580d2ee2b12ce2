"""Reading: one report file into the cells of its template, each with what was read and how well
its row and column matched.

In: a path. Out: a `reconstruct.Reconstruction` (the template, a `CellResult` per cell id, the
warnings) and the report's text as `Section`s. The runner (pipeline/runner.py) walks a file
through these modules in this order:

- ingest.py: what the file is (by its bytes), and its pages one at a time (rasterised PDFs, images).
- layout.py: a page flattened, turned upright and deskewed; its rulings and table zones.
- structure/: where the cells are, read two ways (ruled.py: the lattice of the rulings;
  text.py: rows and columns from the text lines alone).
- ocr.py: the text lines of the table zones, from the text layer or cut and recognised by the
  PP-OCR recogniser on one of engines/ (ONNX Runtime, PyTorch).
- documents/: Word, HTML and text documents, which carry their own tables (no pages, no OCR).
- reconstruct.py: the tables mapped onto the template's cell ids (reconcile.py: one value per
  cell from the two structure readings).
- prose.py: the title (agency, year) and the six numbered sections of the running text.

Nothing here imports the verifying, batch or review folders.
"""
