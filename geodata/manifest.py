"""Reading ``manifest.csv``: what is known about an article besides its text.

An article folder may hold a ``manifest.csv`` (header ``file,published,outlet,url``) giving each
article file its publication date, outlet and address. :func:`read_manifest` reads it and returns
a :class:`~geodata._errors.Problem` for each bad row, so one bad row never hides the others.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from geodata._errors import Problem

__all__ = ["MANIFEST_COLUMNS", "MANIFEST_NAME", "ManifestRow", "read_manifest"]

MANIFEST_NAME: str = "manifest.csv"
MANIFEST_COLUMNS: tuple[str, ...] = ("file", "published", "outlet", "url")


@dataclass(frozen=True)
class ManifestRow:
    """One row of ``manifest.csv``: what is known about an article besides its text."""

    file: str
    published: dt.date | None
    outlet: str
    url: str


def read_manifest(path: Path) -> tuple[dict[str, ManifestRow], list[Problem]]:
    """Read ``manifest.csv`` (header ``file,published,outlet,url``).

    Returns
    -------
    rows, problems
        Rows by file name, and a ``Problem`` for each bad row (bad header, non-ISO date, duplicate).
    """
    problems: list[Problem] = []
    rows: dict[str, ManifestRow] = {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return rows, [Problem(path.name, f"cannot read the manifest: {exc}")]
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in reader.fieldnames or ()]
    missing = [name for name in MANIFEST_COLUMNS if name not in header]
    if missing:
        want = ",".join(MANIFEST_COLUMNS)
        return rows, [
            Problem(
                path.name,
                f"header is {','.join(header)!r}, expected {want!r} (no {', '.join(missing)})",
                "line 1",
            )
        ]
    reader.fieldnames = header
    unused = [name for name in header if name not in MANIFEST_COLUMNS]
    if unused:
        problems.append(
            Problem(path.name, f"column(s) {', '.join(unused)} are not read", "line 1", severity="warning")
        )
    first_line: dict[str, int] = {}
    for line, raw in enumerate(reader, start=2):
        row, row_problems = _manifest_row(raw, len(header), f"line {line}", path.name)
        problems.extend(row_problems)
        if row is None:
            continue
        if row.file in rows:
            problems.append(
                Problem(
                    path.name,
                    f"{row.file} is listed twice; the first row (line {first_line[row.file]}) is kept",
                    f"line {line}",
                )
            )
            continue
        rows[row.file] = row
        first_line[row.file] = line
    return rows, problems


def _manifest_row(
    raw: Mapping[str | None, str | list[str] | None], width: int, where: str, name: str
) -> tuple[ManifestRow | None, list[Problem]]:
    extra = raw.get(None)  # DictReader puts the values beyond the header here
    if isinstance(extra, list):
        count = width + len(extra)
        message = (
            f"has {count} values where the header has {width} (a comma inside a value needs quotes); "
            "row ignored"
        )
        return None, [Problem(name, message, where)]
    file = _cell(raw, "file")
    if not file:
        return None, [Problem(name, "empty file name", where)]
    problems = []
    if any(raw.get(column) is None for column in MANIFEST_COLUMNS):
        message = f"has fewer values than the header's {width}; the missing ones are taken as empty"
        problems.append(Problem(name, message, where, severity="warning"))
    published_text = _cell(raw, "published")
    published: dt.date | None = None
    if published_text:
        try:
            published = dt.date.fromisoformat(published_text)
        except ValueError:
            problems.append(Problem(name, f"published {published_text!r} is not an ISO date", where))
    return ManifestRow(file, published, _cell(raw, "outlet"), _cell(raw, "url")), problems


def _cell(raw: Mapping[str | None, str | list[str] | None], column: str) -> str:
    value = raw.get(column)
    return value.strip() if isinstance(value, str) else ""
