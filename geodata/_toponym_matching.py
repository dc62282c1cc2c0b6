"""Finding gazetteer names in a sentence: words with offsets, and the longest alias matches.

The sentence is cut into words (keeping character offsets), each word is normalised with
:func:`geodata.gazetteer.normalise`, and the normalised words are laid out in one string that
the gazetteer's Aho-Corasick automaton scans once (:meth:`geodata.gazetteer.Gazetteer.find_keys`):
the cost is linear in the text, whatever the size of the gazetteer and however often a name
repeats. Among the keys found, the longest one starting at each word wins, left to right, if its
words look like a name (:func:`looks_like_name`). Resolution (which place, which precision and
role) is :mod:`geodata.geocoding`'s business.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import accumulate, chain, compress
from operator import itemgetter, not_
from typing import Final, NamedTuple, overload

from geodata._toponym_words import GENERIC_WORDS, LEADING_WORDS
from geodata.gazetteer import ARTICLES, Gazetteer, Place, normalise

MARKS: Final = "'’‘`ʿʾʻʼ"
_LETTERS = r"[\w\u0300-\u036f]+"  # letters, digits (and "_", which normalise() splits on)
# A word: letters/digits with combining accents, inner apostrophes or ayn marks ("Ma'arrat"), an
# optional leading ayn mark ("‘Afrin"). Hyphens and other punctuation separate words, as in
# normalise().
_WORD = re.compile(rf"[ʿʾʻ‘]?{_LETTERS}(?:[{MARKS}](?![sS]\b){_LETTERS})*|[{MARKS}][sS]\b")
# The same, captured: one split gives the gaps and the words in turn, at C speed.
_SPLIT = re.compile(f"({_WORD.pattern})")
HYPHENS: Final = frozenset("-‐‑–")
_POSSESSIVES: Final = frozenset(mark + "s" for mark in MARKS)
# Between two words of one name there may be spaces, a hyphen, or a full stop after a short
# abbreviation ("U.S.", "St."); anything else (a comma, a bracket, a full stop after a word)
# ends the name.
_JOINING_GAP: Final = re.compile(r"[\s\-‐‑–]*")


class Token(NamedTuple):
    """One word of the sentence."""

    # A NamedTuple, not a dataclass: one is made for each word looked at, in the hot path.
    start: int
    end: int
    raw: str  # the word as written, or "'s" for a possessive
    capitalised: bool
    hyphen_before: bool

    @property
    def word(self) -> str:
        """The word in lower case."""
        return casefold(self.raw)

    @property
    def parts(self) -> tuple[str, ...]:
        """The word's normalised parts; empty for articles and possessives."""
        return parts(self.raw)


def is_possessive(raw: str) -> bool:
    """Whether a word is a possessive "'s" (written with any apostrophe)."""
    return raw[0] in MARKS and raw[1:] in ("s", "S")


@lru_cache(maxsize=65536)
def is_capitalised(word: str) -> bool:
    """Whether a word starts like a name: a capital, a digit, or a script without case."""
    if word[0].isupper():
        return True
    for ch in word:
        if ch.isalpha():
            return not ch.islower()  # Arabic script has no case: accepted
        if ch.isdigit():
            return True
    return False


class Tokens(Sequence[Token]):
    """The words of a sentence; a :class:`Token` is only built for the words looked at."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        pieces = _SPLIT.split(sentence)
        #: The words as written, and the text before each of them (``gaps[k]`` precedes
        #: ``raws[k]``; one more gap ends the sentence).
        self.raws: list[str] = pieces[1::2]
        self.gaps: list[str] = pieces[0::2]
        self._built: dict[int, Token] = {}

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """Character offsets of each word; worked out only when a sentence names a place."""
        # Running sums of the lengths of gap, word, gap, word ...: a word starts where the gap
        # before it ends (map, accumulate and zip run in C).
        ends = list(accumulate(map(len, chain.from_iterable(zip(self.gaps, self.raws, strict=False)))))
        return list(zip(ends[0::2], ends[1::2], strict=True))

    def __len__(self) -> int:
        return len(self.raws)

    @overload
    def __getitem__(self, k: int) -> Token: ...
    @overload
    def __getitem__(self, k: slice) -> list[Token]: ...
    def __getitem__(self, k: int | slice) -> Token | list[Token]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        token = self._built.get(k)
        if token is None:
            token = self._built[k] = self._build(k)
        return token

    def _build(self, k: int) -> Token:
        raw = self.raws[k]
        start, end = self.spans[k]
        if is_possessive(raw):
            return Token(start, end, "'s", False, False)
        hyphen = start > 0 and self.sentence[start - 1] in HYPHENS
        return Token(start, end, raw, is_capitalised(raw), hyphen)

    @cached_property
    def words(self) -> list[str]:
        """Every word in lower case; made once a sentence names a place."""
        return list(map(str.casefold, self.raws))

    def word(self, k: int) -> str:
        """The lower-cased word at ``k`` ("'s" for a possessive, "" outside the sentence)."""
        if not 0 <= k < len(self.raws):
            return ""
        word = self.words[k]
        return "'s" if word in _POSSESSIVES else word

    def capitalised(self, k: int) -> bool:
        """Whether the word at ``k`` starts with a capital (False outside the sentence)."""
        return 0 <= k < len(self.raws) and not is_possessive(self.raws[k]) and is_capitalised(self.raws[k])


@lru_cache(maxsize=65536)
def parts(word: str) -> tuple[str, ...]:
    """The normalised parts of one word (none for an article or a possessive)."""
    return () if is_possessive(word) else tuple(normalise(word).split())


@lru_cache(maxsize=65536)
def casefold(word: str) -> str:
    """The word in lower case (cached: the same words recur in every article)."""
    return word.casefold()


@dataclass(frozen=True)
class Match:
    """The longest alias found at a word: token indices (inclusive), the key, the places."""

    first: int
    last: int
    key: str
    candidates: tuple[Place, ...]


def looks_like_name(tokens: Tokens, first: int, last: int) -> bool:
    """Whether the words ``first``..``last`` are written like a place name.

    The first word with letters that count is capitalised (or a digit, as in "M4"), or is a
    lower-case "rural" or direction word before a capital ("rural Damascus", "eastern Ghouta");
    later words are capitalised, hyphen-joined ("Deir ez-zor") or generic ("air base", "highway").
    Articles ("al") and possessives do not count.
    """
    raws, gaps = tokens.raws, tokens.gaps
    content = [k for k in range(first, last + 1) if parts(raws[k])]
    if not content:
        return False
    head, rest = content[0], content[1:]
    if not is_capitalised(raws[head]) and (
        raws[head].casefold() not in LEADING_WORDS or not any(is_capitalised(raws[k]) for k in rest)
    ):
        return False
    return all(
        is_capitalised(raws[k]) or gaps[k][-1:] in HYPHENS or all(p in GENERIC_WORDS for p in parts(raws[k]))
        for k in rest
    )


def _layout(tokens: Tokens) -> tuple[str, dict[int, int], dict[int, int]]:
    """The normalised text the automaton scans, and where each word starts and ends in it.

    Words that can be no part of a name (lower case, not hyphen-joined, not a leading, generic
    or article word: most words of a sentence) become barriers without being normalised.
    """
    raws, gaps = tokens.raws, tokens.gaps
    # What a word is, looked up once per distinct word (:func:`_word_layout`), for every word at
    # C speed; only the words that may be part of a name are then read in Python (this loop was
    # the geocoder's main per-word cost when it read every word).
    layouts = list(map(_word_layout, raws))
    read = list(compress(range(len(raws)), map(not_, map(itemgetter(0), layouts))))
    if _HYPHEN.search(tokens.sentence):  # a lower-case word hyphen-joined may be part of a name
        joined = [k for k in range(len(raws)) if gaps[k][-1:] in HYPHENS and layouts[k][0]]
        read = sorted((*read, *joined)) if joined else read
    pieces = [" "]
    append = pieces.append
    offset = 1
    starts: dict[int, int] = {}
    ends: dict[int, int] = {}
    barrier = True  # the text so far ends with a barrier (or is empty)
    after = 0  # the index after the last word read
    for k in read:
        if k > after and not barrier:  # words skipped: each can be no part of a name
            append("| ")
            offset += 2
            barrier = True
        after = k + 1
        if not barrier and gaps[k] != " " and not _joins(gaps[k], raws[k - 1] if k else ""):
            append("| ")
            offset += 2
            barrier = True
        _, text, possessive = layouts[k]
        if not text:
            if not barrier and possessive:  # a possessive ends a name ("Russia's Sochi")
                append("| ")
                offset += 2
                barrier = True
            continue  # an article inside a name ("Jisr al-Shughur")
        starts[offset] = k
        offset += len(text)
        ends[offset] = k
        append(text)
        append(" ")
        offset += 1
        barrier = False
    if after < len(raws) and not barrier:
        append("| ")
    return "".join(pieces), starts, ends


_HYPHEN = re.compile("[" + re.escape("".join(sorted(HYPHENS))) + "]")


@lru_cache(maxsize=65536)
def _word_layout(raw: str) -> tuple[bool, str, bool]:
    """What :func:`_layout` needs of a word: whether it is lower case and can be no part of a
    name, its normalised parts joined (empty for an article or a possessive), and whether it is
    a possessive."""
    return raw[0].islower() and _never_inside(raw), " ".join(parts(raw)), is_possessive(raw)


@lru_cache(maxsize=65536)
def _never_inside(raw: str) -> bool:
    """Whether a lower-case word can be no part of a name ("the", "shelled"; not "al", "air",
    "northern")."""
    word = raw.casefold()
    if word in LEADING_WORDS or word in ARTICLES or is_possessive(raw):
        return False
    return not all(p in GENERIC_WORDS for p in parts(raw))


def _joins(gap: str, previous: str) -> bool:
    if _JOINING_GAP.fullmatch(gap):
        return True
    return len(previous) <= 2 and _JOINING_GAP.fullmatch(gap.replace(".", "", 1)) is not None


def find_matches(tokens: Tokens, gazetteer: Gazetteer) -> list[Match]:
    """Longest alias matches that look like names, left to right, aligned on word boundaries."""
    text, starts, ends = _layout(tokens)
    by_first: dict[int, list[tuple[int, str]]] = {}
    for start, end, key in gazetteer.find_keys(text):
        first, last = starts.get(start), ends.get(end)
        if first is not None and last is not None:
            by_first.setdefault(first, []).append((last, key))
    found: list[Match] = []
    free = 0
    for first in sorted(by_first):
        if first < free:
            continue
        for last, key in sorted(by_first[first], reverse=True):
            if looks_like_name(tokens, first, last):
                found.append(Match(first, last, key, gazetteer.index[key]))
                free = last + 1
                break
    return found
