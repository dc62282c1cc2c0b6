"""Atomic file writes: whatever happens (a crash, ``kill -9``, a full disk), the target holds the old file
or the new one, never a mix.

Every file the package writes goes through here: the data is written to a temporary file beside the
target (same folder, so the same file system), flushed to disk with ``fsync``, and renamed over the
target with ``os.replace``, which POSIX makes atomic; the folder is then synced so the rename itself
survives a power cut. On any error the temporary file is removed and the target is left as it was.

The standard library has the pieces but not the whole (``tempfile`` names and creates files, but
makes them ``0600`` and knows nothing of the rename); the few PyPI packages for it either predate
``os.replace`` or do not sync the folder, and none yields a *path* for a writer such as GDAL that
creates the file itself, which the GeoPackage needs. Hence these few lines of our own.

A target that exists and is not a regular file (``/dev/stdout``, ``/dev/full``, a named pipe) cannot
be replaced by a rename; it is written in place.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from geodata._errors import OutputError

#: Bytes handed to one ``write`` call: a large export reaches the disk piece by piece.
CHUNK_BYTES: int = 1 << 20
#: Files SQLite may create beside a database while writing it (GeoPackage temporaries).
_SQLITE_SIDE_FILES: tuple[str, ...] = ("-journal", "-wal", "-shm")


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A fresh path beside ``target`` to write to; on success it replaces ``target`` atomically.

    The path does not exist yet: the caller (or a library such as GDAL) creates it. If the block
    raises, the temporary file is removed and ``target`` is untouched; an ``OSError`` becomes an
    :class:`~geodata._errors.OutputError` naming ``target`` in plain words.

    Raises
    ------
    OutputError
        If the folder of ``target`` does not exist, or writing, syncing or renaming fails.
    """
    target = Path(target)
    _check_folder(target)
    temp = _temporary_name(target)
    try:
        yield temp
        _sync_file(temp)
        _copy_mode(target, temp)
        os.replace(temp, target)
    except OSError as exc:
        raise _output_error(target, exc) from exc
    finally:
        for name in (temp, *(temp.with_name(temp.name + side) for side in _SQLITE_SIDE_FILES)):
            with contextlib.suppress(FileNotFoundError):
                name.unlink()
    _sync_folder(target.parent)


def write_bytes(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or an iterable of byte chunks) to ``target`` atomically.

    Raises
    ------
    OutputError
        If ``target`` cannot be written; a file already there is then unchanged.
    """
    target = Path(target)
    chunks = _pieces(data) if isinstance(data, bytes) else data
    if _is_special(target):
        try:
            with target.open("wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        except OSError as exc:
            raise _output_error(target, exc, replaced=False) from exc
        return
    with replacing(target) as temp:
        # O_EXCL: the name is ours alone; 0o666 lets the umask decide, as for any new file.
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(fd, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)


def write_text(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically, as UTF-8."""
    write_bytes(target, text.encode("utf-8"))


def _pieces(data: bytes) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), CHUNK_BYTES):
        yield bytes(view[start : start + CHUNK_BYTES])


def _check_folder(target: Path) -> None:
    folder = target.parent
    if not folder.is_dir():
        what = "is not a folder" if folder.exists() else "does not exist"
        raise OutputError(f"cannot write {target}: the folder {folder} {what}")


def _temporary_name(target: Path) -> Path:
    # Hidden, beside the target, ending in the target's suffix (GDAL checks a GeoPackage's extension).
    while True:
        temp = target.with_name(f".{target.stem}.{secrets.token_hex(4)}.tmp{target.suffix}")
        if not temp.exists():
            return temp


def _is_special(target: Path) -> bool:
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def _sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_folder(folder: Path) -> None:
    # Makes the rename durable; some file systems refuse fsync on a folder, which is no error here.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _copy_mode(target: Path, temp: Path) -> None:
    """Keep the permissions of a file being replaced."""
    with contextlib.suppress(FileNotFoundError):
        os.chmod(temp, stat.S_IMODE(target.stat().st_mode))


def _output_error(target: Path, exc: OSError, *, replaced: bool = True) -> OutputError:
    reasons = {
        errno.ENOSPC: "the disk is full",
        errno.EDQUOT: "the disk quota is used up",
        errno.EFBIG: "the file is larger than this system allows",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
        errno.EROFS: "the file system is read-only",
        errno.ENOENT: "the folder does not exist",
        errno.EISDIR: "it is a folder",
    }
    return failure(target, reasons.get(exc.errno or 0, exc.strerror or str(exc)), replaced=replaced)


def failure(target: Path, reason: str, *, replaced: bool = True) -> OutputError:
    """The error for a write of ``target`` that failed for ``reason``; when the write was to go through
    a temporary file (``replaced``), it says that a file already there is kept."""
    kept = " (the file already there is unchanged)" if replaced and target.exists() else ""
    return OutputError(f"cannot write {target}: {reason}{kept}")
