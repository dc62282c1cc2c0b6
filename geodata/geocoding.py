"""Toponym resolution: find the places a sentence names, with a precision and a role.

:func:`find_places` tokenises a sentence (keeping character offsets into the original text),
normalises each token with :func:`geodata.gazetteer.normalise`, and takes the longest run of
tokens that is a gazetteer alias, left to right. A run must look like a name: its first word is
capitalised (or a digit, as in "M4"), or is a lower-case "rural"/direction word before a capital
("rural Damascus", "eastern Ghouta"); later words are capitalised, hyphen-joined ("Deir ez-zor")
or generic ("air base", "highway"). Demonyms ("Turkish") and common English words are never
aliases.

Each match is then resolved with a few rules, in this order:

1. **Governorates.** "Idlib province", "the governorate of Idlib", "Idlib's southern countryside"
   resolve to the governorate (OCHA polygon's representative point and radius). A *bare* name of
   a governorate seat ("fighting in Idlib", "Syria's Idlib") also resolves to the governorate:
   news uses it regionally far more often than for the city. "Idlib city", "the city of Idlib" and
   "the town of ..." resolve to the town. Damascus is the exception: its governorate is the city.
2. **Other towns** followed by a regional word ("Manbij countryside"), and any town followed by
   "district" ("Idlib district"), keep the town's point with ``geo_precision="district"`` and at
   least :data:`DISTRICT_RADIUS_KM`. A seat followed by a facility ("Tartus naval base") is the
   town.
3. **Countries** stand for governments (``role="actor"``: "Russia and Turkey agreed", "Russia's
   defence ministry") unless a locative word precedes them ("in Turkey", "inside northern Syria",
   "to Russia"), they name a border ("the Turkey-Syria border") or follow a place ("Afrin,
   Syria"): then ``role="location"``. "Russia's Sochi" yields only Sochi.
4. **Capitals** (GeoNames ``PPLC``) followed by a speech or decision verb ("Moscow said") are
   actors too.
5. **Names.** A place followed by a naming word ("the Sochi agreement", "the Astana process",
   "the Manbij road map") gets ``role="name"``: it names an agreement, not where something
   happened.
6. **Outlets.** A place inside a news outlet's name ("Washington Post", "Russia Today") gives no
   mention.
7. **Ambiguity** among places sharing an alias: prefer one in a governorate already named in the
   sentence, then Syrian over foreign, then higher administrative rank and population.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Final, Literal, NamedTuple, overload

from geodata._toponym_words import (
    ACTOR_VERBS,
    CITY_WORDS,
    DIRECTIONS,
    DISTRICT_WORDS,
    FACILITY_WORDS,
    GENERIC_WORDS,
    LEADING_WORDS,
    LOCATIVE_PREPOSITIONS,
    NAMING_WORDS,
    OUTLET_WORDS,
    REGIONAL_WORDS,
)
from geodata.gazetteer import ARTICLES, Gazetteer, Place, normalise

Role = Literal["location", "actor", "name"]

#: Smallest radius of a town used regionally ("Manbij countryside").
DISTRICT_RADIUS_KM: Final[float] = 15.0

_MARK = "'’‘`ʿʾʻʼ"
_LETTERS = r"[\w\u0300-\u036f]+"  # letters, digits (and "_", which normalise() splits on)
# A word: letters/digits with combining accents, inner apostrophes or ayn marks ("Ma'arrat"), an
# optional leading ayn mark ("‘Afrin"). Hyphens and other punctuation separate words, as in
# normalise().
_WORD = re.compile(rf"[ʿʾʻ‘]?{_LETTERS}(?:[{_MARK}](?![sS]\b){_LETTERS})*|[{_MARK}][sS]\b")
_HYPHENS = frozenset("-‐‑–")
_BORDER_WORDS = frozenset({"border", "borders", "frontier", "boundary"})
_FEATURE_RANK: Final[dict[str, int]] = {"PPLC": 5, "PPLA": 4, "PPLA2": 3, "PPLA3": 2, "PPL": 1}


@dataclass(frozen=True)
class Mention:
    """A place named in a sentence.

    Parameters
    ----------
    text
        The words as written (``sentence[start:end]``), including "province"/"city of" when a
        rule used them.
    start, end
        Character offsets into the sentence.
    place
        The resolved gazetteer feature.
    geo_precision
        One of ``schema.GEO_PRECISIONS``: point, town, district, governorate, country.
    uncertainty_km
        Radius around ``place``'s point within which the mentioned place lies.
    role
        "location" (where something is or happens), "actor" (a country or capital standing for
        its government) or "name" (part of an agreement's or process's name).
    """

    text: str
    start: int
    end: int
    place: Place
    geo_precision: str
    uncertainty_km: float
    role: Role = "location"

    @property
    def lon(self) -> float:
        """Longitude of the place's representative point."""
        return self.place.lon

    @property
    def lat(self) -> float:
        """Latitude of the place's representative point."""
        return self.place.lat


class _Token(NamedTuple):
    # A NamedTuple, not a dataclass, and normalised lazily: one is made per word of the text,
    # and most words are never looked at again.
    start: int
    end: int
    raw: str  # the word as written, or "'s" for a possessive
    capitalised: bool
    hyphen_before: bool

    @property
    def word(self) -> str:
        """The word in lower case."""
        return _casefold(self.raw)

    @property
    def parts(self) -> tuple[str, ...]:
        """The word's normalised parts; empty for articles and possessives."""
        return _parts(self.raw)


@dataclass(frozen=True)
class _Match:
    first: int  # token indices, inclusive
    last: int
    candidates: tuple[Place, ...]


def _is_capitalised(word: str) -> bool:
    if word[0].isupper():
        return True
    for ch in word:
        if ch.isalpha():
            return not ch.islower()  # Arabic script has no case: accepted
        if ch.isdigit():
            return True
    return False


class _Tokens(Sequence[_Token]):
    """The words of a sentence; a :class:`_Token` is only built for the words looked at."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self.raws: list[str] = _WORD.findall(sentence)
        self._spans: list[tuple[int, int]] | None = None
        self._built: dict[int, _Token] = {}

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Where each word is; found only when a name was matched (most sentences have none)."""
        if self._spans is None:
            self._spans = [m.span() for m in _WORD.finditer(self.sentence)]
        return self._spans

    def __len__(self) -> int:
        return len(self.raws)

    @overload
    def __getitem__(self, k: int) -> _Token: ...
    @overload
    def __getitem__(self, k: slice) -> list[_Token]: ...
    def __getitem__(self, k: int | slice) -> _Token | list[_Token]:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        token = self._built.get(k)
        if token is None:
            token = self._built[k] = self._build(k)
        return token

    def _build(self, k: int) -> _Token:
        raw = self.raws[k]
        start, end = self.spans[k]
        if raw[0] in _MARK and raw[1:] in ("s", "S"):
            return _Token(start, end, "'s", False, False)
        hyphen = start > 0 and self.sentence[start - 1] in _HYPHENS
        return _Token(start, end, raw, _is_capitalised(raw), hyphen)


@lru_cache(maxsize=65536)
def _parts(word: str) -> tuple[str, ...]:
    return () if word == "'s" else tuple(normalise(word).split())


@lru_cache(maxsize=65536)
def _casefold(word: str) -> str:
    return word.casefold()


def _looks_like_name(tokens: Sequence[_Token]) -> bool:
    content = [t for t in tokens if t.parts]
    if not content:
        return False
    # "rural Damascus", "eastern Ghouta": a lower-case leading word is allowed before a capital.
    if not content[0].capitalised and (
        content[0].word not in LEADING_WORDS or not any(t.capitalised for t in content[1:])
    ):
        return False
    return all(
        t.capitalised or t.hyphen_before or all(p in GENERIC_WORDS for p in t.parts) for t in content[1:]
    )


def _matches(tokens: _Tokens, gazetteer: Gazetteer) -> list[_Match]:
    """Longest alias matches, left to right, aligned on token boundaries."""
    first_tokens = gazetteer.first_tokens
    raws = tokens.raws
    found: list[_Match] = []
    i, n = 0, len(raws)
    while i < n:
        raw = raws[i]
        # Most words start lower case, or are not the first word of any alias: skip them cheaply.
        if (
            (raw[0].islower() and _casefold(raw) not in LEADING_WORDS)
            or not (parts := _parts(raw))
            or parts[0] not in first_tokens
        ):
            i += 1
            continue
        match = _longest_at(tokens, i, gazetteer)
        if match is None:
            i += 1
            continue
        found.append(match)
        i = match.last + 1
    return found


def _longest_at(tokens: _Tokens, i: int, gazetteer: Gazetteer) -> _Match | None:
    index, prefixes = gazetteer.index, gazetteer.prefixes
    parts: list[str] = []
    spans: list[tuple[int, str]] = []  # (token index ending here, key so far)
    for j in range(i, len(tokens)):
        raw = tokens.raws[j]
        if raw[0] in _MARK and raw[1:] in ("s", "S"):  # a possessive ends a name
            break
        word_parts = _parts(raw)
        if not word_parts:
            continue  # an article inside the name ("Jisr al-Shughur")
        key = " ".join((*parts, *word_parts))
        if key not in prefixes:
            break  # no alias goes on like this: stop looking further
        parts.extend(word_parts)
        spans.append((j, key))
    for last, key in reversed(spans):
        candidates = index.get(key)
        if candidates and _looks_like_name(tokens[i : last + 1]):
            return _Match(i, last, candidates)
    return None


def _word(tokens: _Tokens, k: int) -> str:
    """The lower-cased word at ``k`` ("'s" for a possessive, "" outside the sentence)."""
    if not 0 <= k < len(tokens.raws):
        return ""
    raw = tokens.raws[k]
    return "'s" if raw[0] in _MARK and raw[1:] in ("s", "S") else _casefold(raw)


def _regional_after(tokens: _Tokens, last: int) -> int | None:
    """Index of a regional word after the match ("province", "'s western countryside")."""
    k = last + 1
    for _ in range(4):
        word = _word(tokens, k)
        if word in REGIONAL_WORDS:
            return k
        if word == "de" and _word(tokens, k + 1) == "escalation":
            return k + 1
        if word != "'s" and word not in DIRECTIONS:
            return None
        k += 1
    return None


def _context(tokens: _Tokens, match: _Match) -> tuple[str, int, int]:
    """Return ("regional" | "district" | "city" | "bare", first token, last token) for a match."""
    first, last = match.first, match.last
    if _word(tokens, first - 1) == "of" and _word(tokens, first - 2) in REGIONAL_WORDS:
        return "regional", first - 2, last
    if _word(tokens, first - 1) == "of" and _word(tokens, first - 2) in CITY_WORDS:
        return "city", first - 2, last
    after = _word(tokens, last + 1)
    if after in CITY_WORDS:
        return "city", first, last + 1
    if after in FACILITY_WORDS:
        return "city", first, last  # "Tartus naval base": the town, not its governorate
    if after in DISTRICT_WORDS:
        return "district", first, last + 1
    regional = _regional_after(tokens, last)
    if regional is not None:
        return "regional", first, regional
    return "bare", first, last


def _rank(place: Place, admin1_context: frozenset[str]) -> tuple[int, int, int, int, int]:
    return (
        place.admin1 in admin1_context,
        place.country == "SY",
        place.kind != "route",
        _FEATURE_RANK.get(place.feature_code, 0),
        place.population,
    )


def _resolve(
    match: _Match, context: str, gazetteer: Gazetteer, admin1_context: frozenset[str]
) -> tuple[Place, str, float]:
    """Pick the place and its precision for a match in its context."""
    candidates = match.candidates
    governorate = next((p for p in candidates if p.kind == "governorate"), None)
    seat = next((p for p in candidates if p.seat_of), None)
    if governorate is None and seat is not None:
        governorate = gazetteer.get(seat.seat_of)
    if seat is None and governorate is not None:
        seat = next((p for p in candidates if p.kind == "town" and p.seat_of == governorate.place_id), None)
    towns = [p for p in candidates if p.kind == "town"]
    if context == "district" and towns:
        # "Jisr al-Shughur district", "Idlib district": the area around the town (no ADM2 layer).
        town = seat or max(towns, key=lambda p: _rank(p, admin1_context))
        return town, "district", max(town.uncertainty_km, DISTRICT_RADIUS_KM)
    # A bare name goes to the governorate when it is a seat's name ("Idlib") or names nothing
    # else ("Rif Dimashq"); "Damascus" (SY01 is the city itself, no seat) stays the town.
    if governorate is not None and (context == "regional" or seat is not None or not towns):
        if context == "city" and seat is not None:
            return seat, seat.geo_precision, seat.uncertainty_km
        return governorate, "governorate", governorate.uncertainty_km
    candidates = tuple(p for p in candidates if p.kind != "governorate")
    place = max(candidates, key=lambda p: _rank(p, admin1_context))
    if context == "regional" and place.kind == "town":
        return place, "district", max(place.uncertainty_km, DISTRICT_RADIUS_KM)
    return place, place.geo_precision, place.uncertainty_km


def _skip_back(tokens: _Tokens, k: int) -> int:
    """Step back over "the" and direction adjectives ("in the north of" is not handled)."""
    while k >= 0 and (_word(tokens, k) == "the" or _word(tokens, k) in DIRECTIONS):
        k -= 1
    return k


def _role(
    tokens: _Tokens,
    span: tuple[int, int],
    place: Place,
    previous: tuple[Mention, str] | None,
    match_starts: frozenset[int],
) -> Role | None:
    """The mention's role, or None when it only qualifies the next place ("Russia's Sochi") or
    is part of a news outlet's name ("Washington Post", "Russia Today").

    ``previous`` is the mention before this one and the text between the two.
    """
    first, last = span
    after = _word(tokens, last + 1)
    if after in OUTLET_WORDS and tokens[last + 1].capitalised:
        return None
    if place.kind == "country":
        if after == "'s" and _skip_directions(tokens, last + 2) in match_starts:
            return None
        before = _skip_back(tokens, first - 1)
        word = _word(tokens, before)
        if word in LOCATIVE_PREPOSITIONS or (word == "with" and _word(tokens, before - 1) in _BORDER_WORDS):
            return "location"
        if after in _BORDER_WORDS or (
            last + 2 < len(tokens)
            and tokens[last + 1].hyphen_before
            and _word(tokens, last + 2) in _BORDER_WORDS
        ):
            return "location"  # "the Turkey border", "the Turkey-Syria border"
        if previous is not None and previous[0].role == "location":
            gap = previous[1].strip().casefold()
            # "in Russia and Turkey"; "near Afrin, Syria" (a place, then its country)
            if gap in {"and", "or"} or (gap == "," and previous[0].place.kind != "country"):
                return "location"
        return "actor"
    if after in NAMING_WORDS or (after == "road" and _word(tokens, last + 2) == "map"):
        return "name"
    if place.feature_code == "PPLC" and (
        after in ACTOR_VERBS or (after == "'s" and last + 2 not in match_starts)
    ):
        return "actor"  # "Moscow said", "Ankara's demand"
    return "location"


def _conjoined_actors(mentions: list[Mention], sentence: str) -> list[Mention]:
    """ "Moscow and Ankara said": a capital joined to an actor is an actor too."""
    out = list(mentions)
    for k in range(len(out) - 2, -1, -1):
        here, there = out[k], out[k + 1]
        gap = sentence[here.end : there.start].strip().casefold()
        if (
            here.role == "location"
            and here.place.feature_code == "PPLC"
            and there.role == "actor"
            and gap in {"and", "or", ","}
        ):
            out[k] = replace(here, role="actor")
    return out


def _skip_directions(tokens: _Tokens, k: int) -> int:
    # "Syria's northwestern Idlib": the place after the possessive may follow an adjective.
    while k < len(tokens) and _word(tokens, k) in DIRECTIONS:
        k += 1
    return k


def find_places(sentence: str, gazetteer: Gazetteer) -> tuple[Mention, ...]:
    """Find and resolve the places named in a sentence.

    Parameters
    ----------
    sentence
        Untrusted text (one sentence, or any short passage).
    gazetteer
        The places to look for.

    Returns
    -------
    tuple of Mention
        In text order; ``sentence[m.start:m.end] == m.text``. Countries qualifying a following
        place ("Russia's Sochi") and demonyms ("Turkish forces") give no mention.
    """
    tokens = _Tokens(sentence)
    matches = _matches(tokens, gazetteer)
    # Governorates named unambiguously give context to resolve the ambiguous names.
    admin1_context = frozenset(
        m.candidates[0].admin1
        for m in matches
        if len({p.admin1 for p in m.candidates}) == 1 and m.candidates[0].admin1
    )
    match_starts = frozenset(m.first for m in matches)
    mentions: list[Mention] = []
    for match in matches:
        context, first, last = _context(tokens, match)
        place, precision, radius = _resolve(match, context, gazetteer, admin1_context)
        if place.kind == "country":
            first, last = match.first, match.last  # "Syria province" is not a thing
        previous = (mentions[-1], sentence[mentions[-1].end : tokens.spans[first][0]]) if mentions else None
        role = _role(tokens, (first, last), place, previous, match_starts)
        if role is None:
            continue
        if first == match.first and _article_before(tokens, first, sentence):
            first -= 1  # "al-Bab", "Al Bab": the article belongs to the name as written
        start, end = tokens.spans[first][0], tokens.spans[last][1]
        if len(tokens.raws[last]) == 1 and sentence[end : end + 1] == ".":
            end += 1  # "U.S." keeps its last full stop
        mentions.append(Mention(sentence[start:end], start, end, place, precision, radius, role))
    return tuple(_conjoined_actors(mentions, sentence))


def _article_before(tokens: _Tokens, first: int, sentence: str) -> bool:
    if first == 0:
        return False
    article = tokens[first - 1]
    gap = sentence[article.end : tokens[first].start]
    # "al"/"el" are never English words; "an", "as", "at" ... only count when hyphen-joined.
    return article.word in ARTICLES and (gap == "-" or (gap == " " and article.word in {"al", "el"}))
