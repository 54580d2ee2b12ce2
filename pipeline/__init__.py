"""reportocr: Chinese government annual reports (政府信息公开工作年度报告) into verified data.

    from pipeline import digitise
    for record in digitise(["report.pdf", "reports/"]):
        record["cells"]["t3/new/total"]["value"]
"""
from __future__ import annotations

__version__ = "0.1.0"


def digitise(paths, options=None):
    """The same records `reportocr run` writes, one per input (a folder's files included); a file
    that cannot be digitised yields {"source", "error"} instead, and the rest go on."""
    from pathlib import Path

    from .runner import Pipeline, expand_inputs

    files, missing = expand_inputs([str(p) for p in ([paths] if isinstance(paths, (str, Path)) else paths)])
    for path, reason in missing:
        yield {"source": str(path), "error": reason}
    pipeline = Pipeline(options)
    for path in files:
        outcome = pipeline.process(path)
        yield outcome.report.to_json() if outcome.report else {"source": path.name, "error": outcome.error}
