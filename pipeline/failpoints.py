"""Failpoints: make one stage fail on one file, to show that a batch survives it.

`REPORTOCR_FAILPOINT=<stage>:<file name>[,<stage>:<file name>…]` makes `failpoint(stage, file)`
raise at that stage of that file, in whichever process or machine the stage runs (worker
processes and Ray workers inherit the environment). tests/batch/test_faults.py makes a file of
one batch fail at each stage; unset, it costs an environment lookup per stage of a file.
"""
from __future__ import annotations

import os
from pathlib import Path

VARIABLE = "REPORTOCR_FAILPOINT"


class InjectedFault(RuntimeError):
    """The failure a failpoint raises."""


def failpoint(stage: str, file: str | Path):
    spec = os.environ.get(VARIABLE)
    if spec and f"{stage}:{Path(file).name}" in spec.split(","):
        raise InjectedFault(f"failpoint {stage}:{Path(file).name}")
