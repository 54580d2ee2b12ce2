"""Files written atomically: a reader (a resumed batch, a worker starting beside another, a
browser) never sees half a file."""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


FILE_MODE = 0o666 & ~_umask()  # what open() would give: the user's umask, not mkstemp's private 0600
FOLDER_MODE = 0o777 & ~_umask()  # what mkdir() would give, not mkdtemp's private 0700


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write, renamed onto `path` once the block ends without
    an error (removed if it fails): a reader never sees half a file. It gets the mode open()
    would give, not mkstemp's private 0600, so colleagues sharing the folder can read it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.fchmod(fd, FILE_MODE)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextmanager
def replacing_folder(path: Path) -> Iterator[Path]:
    """A new folder beside `path` to fill, put in its place once the block ends without an
    error (its old content gone: nothing of an earlier run is left beside the new; removed if the
    block fails, which leaves the old folder as it was)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    new = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    os.chmod(new, FOLDER_MODE)
    try:
        yield new
        if path.exists():
            old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
            os.replace(path, old / path.name)
            os.replace(new, path)
            shutil.rmtree(old)
        else:
            os.replace(new, path)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise


def write_atomic(path: Path, text: str):
    with replacing(path) as tmp, tmp.open("w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
