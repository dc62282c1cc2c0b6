"""Decoding article files and uploads into text: encodings, byte order marks, size limits.

:func:`read_text` reads an article file and :func:`decode_text` the bytes of one (an upload, say)
the same way: UTF-8 (with or without a byte order mark), UTF-16 or UTF-32 with a byte order mark,
else cp1252 or latin-1 with a warning; empty and binary files are errors naming the file, and only
the first :data:`MAX_ARTICLE_BYTES` of a larger file are read.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from geodata._errors import Problem

__all__ = ["MAX_ARTICLE_BYTES", "decode_text", "read_text"]

#: Files larger than this are read only up to this size (with a warning): a real article is far
#: smaller, and a runaway file must not stall the run.
MAX_ARTICLE_BYTES: int = 1_000_000


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The text of an article file as :func:`read_article` decodes it (``None`` if unreadable)."""
    return _decode(path)


def _decode(path: Path) -> tuple[str | None, list[Problem]]:
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            data = handle.read(MAX_ARTICLE_BYTES)
    except OSError as exc:
        return None, [Problem(name, f"cannot read: {exc.strerror or exc}")]
    return decode_text(name, data, size=size)


def decode_text(name: str, data: bytes, *, size: int | None = None) -> tuple[str | None, list[Problem]]:
    """The text of an article's bytes (an uploaded file, say) as :func:`read_article` decodes a file.

    Parameters
    ----------
    name
        The article's name, for the problems.
    data
        Its bytes; only the first ``MAX_ARTICLE_BYTES`` are read (with a warning).
    size
        The whole file's size when ``data`` is only its beginning (default: ``len(data)``).

    Returns
    -------
    text, problems
        ``text`` is ``None`` when the bytes are empty, binary or not text in a known encoding.
    """
    size = len(data) if size is None else size
    data = data[:MAX_ARTICLE_BYTES]
    problems: list[Problem] = []
    if not data.strip():
        return None, [Problem(name, "empty file")]
    wide = _wide_encoding(data)
    if wide is not None:
        return _decode_wide(name, data, wide, truncated=size > MAX_ARTICLE_BYTES)
    if b"\x00" in data[:8192]:
        return None, [Problem(name, _nul_message(data))]
    if size > MAX_ARTICLE_BYTES:
        mb = size / 1e6
        problems.append(
            Problem(
                name,
                f"{mb:.1f} MB is too large for an article; read the first "
                f"{MAX_ARTICLE_BYTES // 1_000_000} MB only",
                severity="warning",
            )
        )
        data = data[: data.rfind(b"\n") + 1] or data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # cp1252 is what Windows tools write; latin-1 decodes any byte, as a last resort.
        encoding = "cp1252"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            encoding = "latin-1"
            text = data.decode(encoding)
        problems.append(
            Problem(
                name,
                f"not UTF-8 (byte {exc.start}); decoded as {encoding}, check the characters",
                severity="warning",
            )
        )
    return text, problems


# Byte order marks of the wide encodings Windows tools and some browsers save text in. UTF-32's are
# tested first: UTF-32-LE's mark begins with UTF-16-LE's.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    return next((encoding for bom, encoding in _BOMS if data.startswith(bom)), None)


def _decode_wide(
    name: str, data: bytes, encoding: str, *, truncated: bool
) -> tuple[str | None, list[Problem]]:
    """Text saved as UTF-16 or UTF-32 with a byte order mark (Notepad's "Unicode"): read as such."""
    unit = 4 if encoding == "UTF-32" else 2
    if truncated:
        data = data[: len(data) - len(data) % unit]
    try:
        text = data.decode(encoding.lower(), errors="ignore" if truncated else "strict")
    except UnicodeDecodeError as exc:
        return None, [
            Problem(name, f"starts like {encoding} text (byte order mark) but byte {exc.start} is not")
        ]
    problems = []
    if truncated:
        text = text[: text.rfind("\n") + 1] or text
        problems.append(
            Problem(
                name,
                f"too large for an article; read the first {MAX_ARTICLE_BYTES // 1_000_000} MB only",
                severity="warning",
            )
        )
    return text, problems


def _nul_message(data: bytes) -> str:
    # Text in UTF-16 without a byte order mark has a NUL in every other byte: name it, not "binary".
    sample = data[:8192]
    for offset in (0, 1):
        zeros, chars = sample[offset::2], sample[1 - offset :: 2]
        printable = sum(32 <= c < 127 or c in (9, 10, 13) for c in chars)  # mostly ASCII text
        if len(chars) >= 8 and zeros.count(0) > 0.9 * len(zeros) and printable > 0.9 * len(chars):
            order = "big-endian" if offset == 0 else "little-endian"
            return f"looks like UTF-16 ({order}) text without a byte order mark; save it as UTF-8"
    return "binary file (contains NUL bytes), not a text article"
