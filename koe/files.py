"""Files that readers never see half-written: write a temporary file beside the target, flush it
to disk, then rename it over the target (an atomic replace on one file system)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replacing(target: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``target``'s new content into; it replaces ``target`` when the
    block ends, and is removed instead when the block raises. ``.name`` is its temporary path."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)  # reopened by name, so that ``out.name`` is the path
    try:
        with open(temp, "wb") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_atomically(target: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` so that a reader sees the old file or the new, never half."""
    with replacing(target) as out:
        out.write(text.encode(encoding))
