"""Reading news articles saved as text: title, dateline, body, captions, clutter and comments.

An article file is UTF-8 text whose first line is the title; the rest is whatever was copied from
the page. :func:`read_article` sorts every other line into the parts an analyst would see: the
dateline, photo captions, stand-first lines, body paragraphs, page clutter (share buttons,
newsletter boxes, view counters, author bios, "Leave a Reply") and the reader-comment thread that
often follows the body. Only body paragraphs are read for events; nothing else may become an
event or a place.

The publication date comes from the manifest first, then a dateline in the text, then a date in
the page's URL, then is inferred from the date the text is "as of" or the latest full date in the
body (with a warning). :func:`read_articles` reads a folder and
returns every article it could read plus a :class:`~geodata._errors.Problem` for each one it could
not, so one bad file never hides the others.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from geodata._errors import Problem
from geodata.dates import find_dates, parse_dateline

__all__ = [
    "MAX_ARTICLE_BYTES",
    "Article",
    "ManifestRow",
    "date_in_url",
    "parse_article",
    "read_article",
    "read_articles",
    "read_manifest",
    "read_text",
    "validate_seeds",
]

logger = logging.getLogger(__name__)

#: Files larger than this are read only up to this size (with a warning): a real article is far
#: smaller, and a runaway file must not stall the run.
MAX_ARTICLE_BYTES: int = 1_000_000
MANIFEST_NAME: str = "manifest.csv"
MANIFEST_COLUMNS: tuple[str, ...] = ("file", "published", "outlet", "url")


@dataclass(frozen=True)
class ManifestRow:
    """One row of ``manifest.csv``: what is known about an article besides its text."""

    file: str
    published: dt.date | None
    outlet: str
    url: str


@dataclass(frozen=True)
class Article:
    """A news article split into the parts a reader sees.

    Parameters
    ----------
    file
        File name (no folder), the article's identity in the output.
    title
        First line of the file.
    dateline
        The line that carried the publication date, if any ("Published 20.02.2019 00:07").
    dateline_place
        A place dateline opening the body ("ANKARA –"), if any.
    body
        Body paragraphs, in order, with a place dateline removed.
    standfirst
        Summary lines between the title and the body (no final full stop).
    captions, clutter, comments
        Photo captions, page furniture and author bios, and reader comments.
    published, date_source
        Publication date and where it came from: ``manifest``, ``dateline``, ``url`` (a date in
        the page's address), ``inferred`` (a date the text is "as of", or its latest full date)
        or ``none``.
    outlet, url
        From the manifest (empty when unknown).
    warnings
        Everything doubtful about this article, in words (also reported as ``Problem`` warnings).
    """

    file: str
    title: str
    dateline: str | None
    dateline_place: str | None
    body: tuple[str, ...]
    standfirst: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()
    clutter: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()
    published: dt.date | None = None
    date_source: str = "none"
    outlet: str = ""
    url: str = ""
    warnings: tuple[str, ...] = ()


# --- manifest ---------------------------------------------------------------------------------


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


# --- reading one file -------------------------------------------------------------------------


def read_article(
    path: Path, *, manifest_row: ManifestRow | None = None
) -> tuple[Article | None, list[Problem]]:
    """Read and split one article file.

    Returns
    -------
    article, problems
        ``article`` is ``None`` when the file cannot be read as text (empty, binary); ``problems``
        names the file and says what was wrong or doubtful (severity ``error`` or ``warning``).
    """
    text, problems = _decode(path)
    if text is None:
        return None, problems
    return parse_article(text, path.name, manifest_row=manifest_row, problems=problems)


def parse_article(
    text: str,
    name: str,
    *,
    manifest_row: ManifestRow | None = None,
    problems: Sequence[Problem] = (),
) -> tuple[Article | None, list[Problem]]:
    """Split an article's text (first line the title) as :func:`read_article` splits a file.

    ``name`` is the article's identity in the output (a file name); ``problems`` are those met
    before, in reading the text, and come first in the result.
    """
    problems = list(problems)
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) < 2:
        problems.append(Problem(name, "no body: an article needs a title line and a body"))
        return None, problems
    parts = _split_parts(lines[0], lines[1:])
    warnings = [p.message for p in problems]
    if not parts.body:
        warnings.append("no body paragraph found (every line looked like clutter or comments)")
    published, source, dateline, date_warning = _publication_date(parts, manifest_row, lines[0])
    if date_warning:
        warnings.append(date_warning)
    article = Article(
        file=name,
        title=lines[0],
        dateline=dateline,
        dateline_place=parts.dateline_place,
        body=tuple(parts.body),
        standfirst=tuple(parts.standfirst),
        captions=tuple(parts.captions),
        clutter=tuple(parts.clutter),
        comments=tuple(parts.comments),
        published=published,
        date_source=source,
        outlet=manifest_row.outlet if manifest_row else "",
        url=manifest_row.url if manifest_row else "",
        warnings=tuple(warnings),
    )
    extra = [Problem(name, w, severity="warning") for w in warnings[len(problems) :]]
    return article, problems + extra


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


# --- sorting lines into parts -----------------------------------------------------------------


@dataclass
class _Parts:
    body: list[str] = field(default_factory=list)
    standfirst: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    clutter: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    datelines: list[str] = field(default_factory=list)
    dateline_place: str | None = None
    dateline_text: str = ""  # the agency dateline as written, for the date it may carry


_CLUTTER = re.compile(
    r"(?ix)^(?:"
    r"-*\s*advertisement\s*-*|sponsored|"
    r"share(?:\s+(?:on|this|via)\b.*)?|(?:share\s+on\s+\w+\s*)+|tweet|print|email|whatsapp|"
    r"(?:facebook|twitter|telegram|linkedin|reddit)(?:\s+(?:facebook|twitter|telegram|linkedin|reddit))*|"
    r"\d+\s+[\d,.]+k?|[\d,.]+k?\s+views?|\d+\s+min(?:ute)?s?\s+read|"
    r"subscribe.*|sign\s+up.*|get\s+(?:real\s+time\s+)?updates.*|.*\bnewsletter\b.*|"
    r"leave\s+a\s+(?:reply|comment).*|your\s+email\s+address\s+will\s+not\s+be\s+published.*|"
    r"required\s+fields\s+are\s+marked.*|(?:related|recommended|popular)\s+(?:posts?|articles?|stories).*|"
    r"read\s+more.*|read\s+also.*|tags?:.*|filed\s+under.*|click\s+here.*|follow\s+us.*|"
    r"all\s+rights\s+reserved.*|©.*|copyright\b.*|about\s+the\s+author|"
    r"(?:\d+\s+)?comments?|previous\s+(?:post|article)|next\s+(?:post|article)|"
    r"you\s+may\s+also\s+like.*|loading\.*|source:\s*\S+|our\s+standards:.*|"
    r"(?:reporting|writing|editing|additional\s+reporting)\s+by\b.*"
    r")$"
)
_COMMENT_MARKER = re.compile(
    r"(?i)^(?:\d+\s+(?:comments?|responses?|replies|thoughts?\b.*)|comments?|reader comments|"
    r"join the discussion.*|leave a (?:reply|comment).*|.*\bsays:|reply|log in to reply)$"
)
_CREDIT = re.compile(
    r"(?:\b(?:REUTERS|Reuters|AFP|AP|EPA|Getty(?:\s+Images)?|Anadolu(?:\s+Agency)?|SANA|DHA|IHA|TASS"
    r"|Sputnik|AA)\s*(?:/|Photo\b|Images\b|\]|$)|\[[^\]]{2,40}\]\s*$"
    r"|(?i:\((?:photo|file photo|pictured)\b[^)]*\)|^(?:photo|file photo|image|picture)\s*[:|-]))",
)
_ATTRIBUTION = re.compile(r"\b(?:said|says|told|reported|announced|stated|according to)\b")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$|[\"”]$")
# An agency dateline opening the body, in the shapes agencies use: "ANKARA –", "IDLIB, Syria
# (Reuters) –", "TEHRAN, Jul. 20 (MNA) –", "MOSCOW, July 22. /TASS/.", "BEIRUT, LEBANON (11:45 P.M.)
# –", "ANTAKYA (UrduPoint News / Sputnik - 22nd August, 2019)", "KANSAFRA, Syria:". It needs a
# separator (a dash or colon), a credit in brackets or a /AGENCY/ mark, so a sentence opening with
# an acronym ("UN officials said") is never one.
_PLACE_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z.'’ -]{1,40}?)"
    r"(?:,\s*(?P<region>[A-Za-z][A-Za-z. ]{0,30}?))?"
    r"(?:,\s*(?P<day>[A-Z][a-z]{2,8}\.?\s+\d{1,2})\.?)?"
    r"\s*(?:"
    r"\((?P<credit>[^()]{1,80})\)\s*(?:[–—-]{1,2}|:)?"
    r"|/[A-Za-z]+/\.?"
    r"|[–—-]{1,2}|:"
    r")\s+(?=[A-Z“\"])"
)
_BIO = re.compile(
    r"^(?:[A-Z][\w'’.-]+\s+){1,3}(?:is|was|has been|writes|covers|reports)\s+(?:a|an|the)\b"
    r"|^(?:About the author|The author\b)"
)
_BIO_TRADE = re.compile(
    r"(?i)\b(?:writer|journalist|reporter|analyst|author|correspondent|editor|advocate|researcher"
    r"|freelancer?|contributor|columnist|fellow|professor|student|blogger|commentator|activist)\b"
)
_BIO_PERSON = re.compile(r"[.!?]\s+(?:He|She|They|His|Her)\b")
# ("US" in capitals is the United States, not "us".)
_FIRST_SECOND_PERSON = re.compile(r"(?i:\b(?:I|I'm|I’m|me|my|you|your|you're|we|our|lol|imho)\b)|\b[Uu]s\b")
_EMOTICON = re.compile(r"[:;]-?[()DPp]|!{2,}|\?{2,}")


def _words(line: str) -> int:
    return len(line.split())


def _is_name_line(line: str) -> bool:
    """A commenter's name: one to five capitalised words and no sentence punctuation."""
    if _words(line) > 5 or len(line) > 40 or re.search(r"[.!?:;,\"“”]$|\d", line):
        return False
    if _CLUTTER.match(line) or _COMMENT_MARKER.match(line):
        return False
    tokens = [t.strip("()[]") for t in line.split()]
    return all(t[:1].isupper() for t in tokens if t)


def _is_informal(line: str) -> bool:
    """A paragraph that reads like a reader's comment rather than reporting."""
    unquoted = re.sub(r"[\"“][^\"”]*[\"”]", "", line)
    signals = len(_FIRST_SECOND_PERSON.findall(unquoted)) + 2 * len(_EMOTICON.findall(line))
    if line[:1].islower():
        signals += 1
    return signals >= 2 or (signals >= 1 and _words(line) < 25)


def _is_body_paragraph(line: str) -> bool:
    """A paragraph of reporting: a sentence of 8 words or more, or a long attributed lead that
    lost its full stop when copied ("Terrorists attacked ..., the ministry said")."""
    if _words(line) >= 8 and _SENTENCE_END.search(line) is not None:
        return True
    return _words(line) >= 20 and _ATTRIBUTION.search(line) is not None


def _is_caption(line: str) -> bool:
    """A photo caption: a line with a photo credit, unless it is a long paragraph whose credit
    is an agency dateline at its start ("MOSCOW, July 22. /TASS/. Talks in Cairo ..."); a long
    caption carries its credit at the end."""
    match = _CREDIT.search(line)
    if match is None:
        return False
    return _words(line) < 25 or match.start() >= len(line) - 60


def _split_parts(title: str, lines: list[str]) -> _Parts:
    parts = _Parts()
    first_body = next((i for i, line in enumerate(lines) if _is_body_candidate(line, title)), None)
    if first_body is None:
        parts.clutter.extend(lines)
        return parts
    for line in lines[:first_body]:
        _sort_head_line(line, title, parts)
    thread = _comment_thread_start(lines, first_body)
    for line in lines[first_body:thread]:
        _sort_body_line(line, parts)
    for line in lines[thread:]:
        (parts.clutter if _CLUTTER.match(line) else parts.comments).append(line)
    _move_bios(parts)
    _strip_place_dateline(parts)
    return parts


def _is_body_candidate(line: str, title: str) -> bool:
    return (
        _is_body_paragraph(line)
        and line != title
        and not _is_caption(line)
        and not _CLUTTER.match(line)
        and parse_dateline(line) is None
    )


def _sort_head_line(line: str, title: str, parts: _Parts) -> None:
    if line == title or _CLUTTER.match(line):
        parts.clutter.append(line)
    elif _is_caption(line):
        parts.captions.append(line)
    elif _words(line) <= 8 and _looks_like_dateline(line):
        parts.datelines.append(line)
    else:
        parts.standfirst.append(line)


def _sort_body_line(line: str, parts: _Parts) -> None:
    if _CLUTTER.match(line):
        parts.clutter.append(line)
    elif _is_caption(line):
        parts.captions.append(line)
    elif _SENTENCE_END.search(line) is None and _words(line) <= 12:
        parts.clutter.append(line)  # a sub-heading: part of the page, never an event
    else:
        parts.body.append(line)


def _looks_like_dateline(line: str) -> bool:
    return bool(re.search(r"\d", line)) and parse_dateline(line) is not None


def _comment_thread_start(lines: list[str], first_body: int) -> int:
    """Index where reader comments begin (``len(lines)`` when there are none).

    Signals, none of them tied to a site: an explicit marker ("3 comments", "Leave a Reply",
    "X says:"); or commenter-name lines (short capitalised lines with no punctuation) followed by
    informal paragraphs (first/second person, emoticons), repeated. The paragraph just before the
    first name line belongs to the thread too when it is short and informal-looking, because copied
    threads often lose the first commenter's name.
    """
    n = len(lines)
    for i in range(first_body + 1, n):
        line = lines[i]
        if _COMMENT_MARKER.match(line):
            return i
        if _is_name_line(line) and _thread_follows(lines, i):
            return _include_orphan_comment(lines, i, first_body)
    return _informal_tail(lines, first_body)


def _thread_follows(lines: list[str], i: int) -> bool:
    """Whether a comment thread starts at name line ``i``: more name lines follow, between
    paragraphs that read like comments (informal, or short on average), not like sub-headed
    reporting."""
    rest = lines[i:]
    texts = [line for line in rest if not _is_name_line(line)]
    names = len(rest) - len(texts)
    informal = sum(_is_informal(line) for line in texts)
    short = bool(texts) and sum(_words(line) for line in texts) < 25 * len(texts)
    if names >= 2 and names * 8 >= len(rest) and (informal * 4 >= len(texts) or short):
        return True
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    return bool(nxt) and _is_informal(nxt) and informal * 3 >= len(texts)


def _include_orphan_comment(lines: list[str], i: int, first_body: int) -> int:
    prev = lines[i - 1]
    if (
        i - 1 > first_body
        and _words(prev) <= 25
        and not re.search(r"\b(?:said|says|told|according to|reported|announced)\b", prev)
    ):
        return i - 1
    return i


def _informal_tail(lines: list[str], first_body: int) -> int:
    """Start of a trailing run of three or more informal paragraphs (a thread without names)."""
    start = len(lines)
    for i in range(len(lines) - 1, first_body, -1):
        if _is_informal(lines[i]) or _CLUTTER.match(lines[i]):
            start = i
        else:
            break
    informal = sum(_is_informal(line) for line in lines[start:])
    return start if informal >= 3 else len(lines)


def _move_bios(parts: _Parts) -> None:
    """An author bio is a third-person "X is a ..." paragraph after the last reporting paragraph."""
    while len(parts.body) > 2 and _is_bio(parts.body[-1]):
        parts.clutter.append(parts.body.pop())


def _is_bio(paragraph: str) -> bool:
    # "Idlib is the last rebel stronghold." also reads "X is a ...": a bio names a trade or goes on
    # about the person ("He believes ...").
    if not _BIO.match(paragraph):
        return False
    opening = " ".join(paragraph.split()[:12])
    return bool(_BIO_TRADE.search(opening) or _BIO_PERSON.search(paragraph))


def _strip_place_dateline(parts: _Parts) -> None:
    if not parts.body:
        return
    match = _PLACE_DATELINE.match(parts.body[0])
    if match and match.group("place").strip().isupper() and len(match.group("place").strip()) > 2:
        parts.dateline_place = match.group("place").strip().title()
        parts.dateline_text = match.group(0).strip()
        parts.body[0] = parts.body[0][match.end() :]


# --- publication date -------------------------------------------------------------------------


def _publication_date(
    parts: _Parts, manifest_row: ManifestRow | None, title: str = ""
) -> tuple[dt.date | None, str, str | None, str | None]:
    """The publication date, where it came from, the dateline line, and a warning if any.

    In order: the manifest; a dateline line ("Published 20.02.2019 00:07"); a full date in the
    agency dateline ("ANTAKYA (UrduPoint News / Sputnik - 22nd August, 2019)"); a date in the
    page's URL ("/2018/09/17/", "2017-05-04", "101020191"); the date a report is "as of"
    ("Situation Report No. 4 - As of 2 January 2020", "as of January 2018"); else the latest full
    date in the body, with a warning.
    """
    dateline = parts.datelines[0] if parts.datelines else None
    from_line = parse_dateline(dateline) if dateline else None
    if manifest_row is not None and manifest_row.published is not None:
        warning = None
        if from_line is not None and from_line != manifest_row.published:
            warning = (
                f"manifest date {manifest_row.published} differs from dateline {dateline!r}; "
                "using the manifest"
            )
        return manifest_row.published, "manifest", dateline, warning
    if from_line is not None:
        return from_line, "dateline", dateline, None
    from_agency = _full_date(parts.dateline_text)
    if from_agency is not None:
        return from_agency, "dateline", parts.dateline_text, None
    from_url = date_in_url(manifest_row.url if manifest_row else "")
    if from_url is not None:
        return from_url, "url", None, None
    as_of = _as_of([title, *parts.standfirst, *parts.body])
    latest = _infer_date(parts.body)
    for found, how in ((as_of, "the date the text is 'as of'"), (latest, "the latest full date in the text")):
        if found is not None:
            return (
                found,
                "inferred",
                None,
                f"no publication date in the manifest, a dateline or the URL; inferred {found} "
                f"from {how} (date_source=inferred)",
            )
    return (
        None,
        "none",
        None,
        "no publication date (no manifest row, dateline, date in the URL or full date in the "
        "text); relative dates cannot be resolved",
    )


def _full_date(text: str) -> dt.date | None:
    """A full date (day, month and year) written in ``text``, if any."""
    if not text or not _YEAR.search(text):
        return None
    for mention in find_dates(text, reference=dt.date(1900, 1, 1), future=False):
        if mention.interval.precision == "day" and _YEAR.search(mention.text):
            return mention.interval.start
    return None


_YEAR = re.compile(r"(?:19|20)\d{2}")
# Dates in page addresses: /2018/09/17/, /2019-10/23/, 2017-05-04, and runs of digits read as
# year-month-day or day-month-year ("101020191": 10 10 2019).
_URL_DATES = (
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[/_-](?P<m>[01]?\d)[/_-](?P<d>[0-3]?\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?!\d)"),
    re.compile(r"(?<!\d)(?P<d>[0-3]\d)(?P<m>[01]\d)(?P<y>(?:19|20)\d{2})"),
)


def date_in_url(url: str) -> dt.date | None:
    """The publication date a page's address carries, if it carries one a reader would see.

    Examples
    --------
    >>> date_in_url("https://www.dailysabah.com/diplomacy/2018/09/17/erdogan-putin-agree")
    datetime.date(2018, 9, 17)
    >>> date_in_url("https://rudaw.net/english/middleeast/syria/101020191-amp")
    datetime.date(2019, 10, 10)
    >>> date_in_url("http://tass.com/world/957354") is None
    True
    """
    path = url.split("?", 1)[0]
    for pattern in _URL_DATES:
        for match in pattern.finditer(path):
            try:
                found = dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
            if dt.date(1995, 1, 1) <= found <= dt.date.today():
                return found
    return None


_AS_OF = re.compile(r"(?i)\bas (?:of|at)\s+")


def _as_of(lines: list[str]) -> dt.date | None:
    """The date a text says it is "as of" ("As of 2 January 2020"; "as of January 2018": the
    last day of that month)."""
    for line in lines:
        for match in _AS_OF.finditer(line):
            rest = line[match.end() : match.end() + 40]
            for mention in find_dates(rest, reference=dt.date(1900, 1, 1), future=False):
                if mention.start == 0 and _YEAR.search(mention.text):
                    return mention.interval.end
    return None


def _infer_date(body: list[str]) -> dt.date | None:
    # Only dates carrying their own year count: a relative one needs the date we are looking for.
    far_past = dt.date(1900, 1, 1)
    latest: dt.date | None = None
    for paragraph in body:
        for mention in find_dates(paragraph, reference=far_past, future=False):
            if re.search(r"(?:19|20)\d{2}", mention.text) and mention.interval.precision != "range":
                end = mention.interval.end
                latest = end if latest is None or end > latest else latest
    return latest


# --- a folder ---------------------------------------------------------------------------------


def read_articles(folder: Path) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """Read every ``*.txt`` article in ``folder`` (by name), with ``manifest.csv`` if present.

    Returns
    -------
    articles, problems
        Every readable article, and every problem (errors for unreadable files, warnings for
        doubtful ones, manifest rows without a file).
    """
    folder = Path(folder)
    if not folder.is_dir():
        return (), (Problem(str(folder), "no such folder"),)
    problems: list[Problem] = []
    manifest: dict[str, ManifestRow] = {}
    manifest_path = folder / MANIFEST_NAME
    refused = _refused(manifest_path, folder) if manifest_path.exists() else None
    if refused is not None:
        problems.append(refused)
    elif manifest_path.exists():
        manifest, manifest_problems = read_manifest(manifest_path)
        problems.extend(manifest_problems)
    files = []
    for path in sorted(folder.glob("*.txt")):
        refused = _refused(path, folder)
        if refused is None:
            files.append(path)
        else:
            problems.append(refused)
    if not files:
        problems.append(Problem(str(folder), "no .txt articles in this folder", severity="warning"))
    names = {path.name for path in files}
    for missing in sorted(set(manifest) - names):
        problems.append(Problem(MANIFEST_NAME, f"lists {missing}, which is not in {folder}"))
    articles: list[Article] = []
    for path in files:
        article, article_problems = read_article(path, manifest_row=manifest.get(path.name))
        problems.extend(article_problems)
        if article is not None:
            articles.append(article)
    for problem in problems:
        logger.debug("%s: %s", problem.severity, problem)  # callers report problems themselves
    return tuple(articles), tuple(problems)


def _refused(path: Path, folder: Path) -> Problem | None:
    """Why ``path`` in ``folder`` is not read, if it is not: a link that leads out of the folder (an
    article folder must not become a way to read ``/etc/passwd``), or not a regular file (a named
    pipe would block the run forever)."""
    if path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(folder.resolve()):
            return Problem(
                path.name,
                f"is a link to {target}, outside {folder}; links that leave the folder are not read",
            )
    if not path.is_file():
        return Problem(path.name, "is not a regular file (a folder, pipe or device); not read")
    return None


def validate_seeds(folder: Path) -> tuple[tuple[Article, ...], tuple[Problem, ...]]:
    """Check a seeds folder: manifest present and matching the files, ISO dates, readable articles.

    Returns the articles read and every problem: errors for unreadable files, a missing manifest
    or manifest rows without a file; warnings for files the manifest does not list.
    """
    folder = Path(folder)
    problems: list[Problem] = []
    manifest_path = folder / MANIFEST_NAME
    listed: set[str] = set()
    if manifest_path.exists():
        listed = set(read_manifest(manifest_path)[0])
    else:
        problems.append(Problem(MANIFEST_NAME, f"no manifest in {folder}"))
    articles, read_problems = read_articles(folder)
    problems.extend(read_problems)
    for path in sorted(folder.glob("*.txt")):
        if manifest_path.exists() and path.name not in listed:
            problems.append(Problem(path.name, "not listed in manifest.csv", severity="warning"))
    return articles, tuple(problems)
