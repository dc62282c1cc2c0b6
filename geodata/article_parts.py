"""Sorting the lines of a copied news page into the parts a reader sees.

:func:`split_parts` sorts the lines after an article's title into the dateline, photo captions,
stand-first lines, body paragraphs, page clutter (share buttons, newsletter boxes, view counters,
author bios, "Leave a Reply") and the reader-comment thread that often follows the body, and
splits an agency dateline ("ANKARA –") off the first body paragraph. Only body paragraphs are read
for events; nothing else may become an event or a place.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from geodata.dates import parse_dateline

__all__ = ["Parts", "split_parts"]


@dataclass
class Parts:
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


# Social-media tags closing a paragraph ("... Sara Firth reports. #TurkeyRussia #Idlib"): page
# furniture, dropped so that the paragraph is judged (and read) by its sentences.
_TRAILING_TAGS = re.compile(r"(?:\s+#\w+)+\s*$")


def split_parts(title: str, lines: list[str]) -> Parts:
    parts = Parts()
    lines = [(_TRAILING_TAGS.sub("", line) or line) if "#" in line else line for line in lines]
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


def _sort_head_line(line: str, title: str, parts: Parts) -> None:
    if line == title or _CLUTTER.match(line):
        parts.clutter.append(line)
    elif _is_caption(line):
        parts.captions.append(line)
    elif _words(line) <= 8 and _looks_like_dateline(line):
        parts.datelines.append(line)
    else:
        parts.standfirst.append(line)


def _sort_body_line(line: str, parts: Parts) -> None:
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


def _move_bios(parts: Parts) -> None:
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


def _strip_place_dateline(parts: Parts) -> None:
    if not parts.body:
        return
    match = _PLACE_DATELINE.match(parts.body[0])
    if match and match.group("place").strip().isupper() and len(match.group("place").strip()) > 2:
        parts.dateline_place = match.group("place").strip().title()
        parts.dateline_text = match.group(0).strip()
        parts.body[0] = parts.body[0][match.end() :]
