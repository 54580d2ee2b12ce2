"""Word .doc, WPS .wps, OpenDocument .odt and RTF: converted to .docx by LibreOffice (headless),
then read as .docx."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ...types import InputError, StructuredDocument
from .docx import read_docx

CONVERT_TIMEOUT_S = 120


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(path: Path, out_dir: Path) -> Path:
    exe = soffice()
    if exe is None:
        raise InputError("reading .doc/.wps/.odt needs LibreOffice (soffice), which is not installed")
    # A profile of our own: two conversions at once must not share (and lock) one.
    profile = out_dir / "profile"
    source = out_dir / f"input{path.suffix.lower() or '.doc'}"
    shutil.copyfile(path, source)  # LibreOffice names its output after the input; ours is safe
    try:
        proc = subprocess.run(
            [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(source)],
            capture_output=True, text=True, timeout=CONVERT_TIMEOUT_S)
    except subprocess.TimeoutExpired as e:
        raise InputError(f"LibreOffice did not convert the file within {CONVERT_TIMEOUT_S}s") from e
    out = out_dir / "input.docx"
    if proc.returncode != 0 or not out.exists():
        reason = (proc.stderr or proc.stdout).strip().splitlines()
        raise InputError(f"LibreOffice could not convert the file ({reason[-1] if reason else 'no output'})")
    return out


def read_office(path: Path) -> StructuredDocument:
    with tempfile.TemporaryDirectory(prefix="reportocr-lo-") as tmp:
        return read_docx(convert_to_docx(path, Path(tmp)))
