"""Files that readers never see half-written: write a temporary file beside the target, flush it
to disk, then rename it over the target (an atomic replace on one file system).

A writer holds an exclusive ``flock`` on its temporary file until the rename. A temporary file
nobody holds a lock on was left by a writer that died (kill -9, a full disk, a power cut); the
next write of the same target removes it, so interrupted publishes never pile up full-size
copies. `replacing` hands the writer an open file; `replacing_path` a path, for writers such as
DuckDB that create the file themselves.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replacing(target: Path) -> Iterator[BinaryIO]:
    """A binary file to write ``target``'s new content into; it replaces ``target`` when the
    block ends, and is removed instead when the block raises. ``.name`` is its temporary path.

    The new file gets the permissions a plain ``open()`` would give it (0666 less the umask),
    not ``mkstemp``'s 0600: the app may run as another user than the pipeline.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    fcntl.flock(fd, fcntl.LOCK_EX)  # held until the rename: this file is not stale
    try:
        with open(temp, "wb") as out:  # reopened by name, so that ``out.name`` is the path
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)


@contextmanager
def replacing_path(target: Path, suffix: str = ".db") -> Iterator[Path]:
    """A path, not yet a file, for a writer that creates its own file (DuckDB will not open an
    empty one); the file there replaces ``target`` when the block ends, and is removed instead
    when the block raises.

    The locked temporary file of `replacing` stays beside it as its marker (the path is the
    marker's name plus ``suffix``), so a writer that died is cleaned up the same way.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    fd, marker = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    fcntl.flock(fd, fcntl.LOCK_EX)  # held until the rename: these files are not stale
    path = Path(marker + suffix)
    try:
        yield path
        with open(path, "rb") as written:
            os.fsync(written.fileno())
        os.chmod(path, 0o666 & ~_umask())
        os.replace(path, target)
    except BaseException:
        _remove_companions(Path(marker))
        raise
    finally:
        Path(marker).unlink(missing_ok=True)
        os.close(fd)


def remove_stale_temporaries(target: Path) -> list[Path]:
    """Remove the temporary files of ``target`` that no live writer holds; returns them."""
    removed = []
    for temp in target.parent.glob(f".{target.name}.*.tmp"):
        try:
            with open(temp, "rb") as stream:
                fcntl.flock(stream.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                removed += _remove_companions(temp)
                temp.unlink()
                removed.append(temp)
        except (BlockingIOError, FileNotFoundError):
            continue  # a writer is still at work, or another cleaner was faster
    return removed


def _remove_companions(marker: Path) -> list[Path]:
    """Files a writer of `replacing_path` left beside its marker (the file, DuckDB's .wal)."""
    companions = list(marker.parent.glob(f"{marker.name}.*"))
    for path in companions:
        path.unlink(missing_ok=True)
    return companions


def write_atomically(target: Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``target`` so that a reader sees the old file or the new, never half."""
    with replacing(target) as out:
        out.write(text.encode(encoding))


def _umask() -> int:
    # The only portable way to read the umask is to set it; set it straight back.
    mask = os.umask(0)
    os.umask(mask)
    return mask
