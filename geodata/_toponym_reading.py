"""Reading the gazetteer names of a sentence in their words, for :mod:`geodata.geocoding`.

:func:`analyse` finds the names of one sentence (:mod:`geodata._toponym_matching`) and reads the
words around each: the sense they give it (governorate, district, city or bare), a direction
("southern Idlib"), whether it is a person's name; :func:`plausible` keeps the candidate places a
name may stand for (rule 1 of :mod:`geodata.geocoding`), and :func:`evidence` gathers what the
unambiguous names of a text say about places (:class:`PlaceContext`). Choosing among the
candidates is :mod:`geodata._toponym_resolution`'s business.
"""

from __future__ import annotations

import bisect
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Final, Literal

from geodata._toponym_matching import Match, Tokens, find_matches
from geodata._toponym_words import (
    CITY_CUES,
    CITY_WORDS,
    COMPASS_WORDS,
    DEMONYM_COUNTRIES,
    DEMONYMS,
    DIRECTIONS,
    DISTRICT_WORDS,
    FACILITY_WORDS,
    GENERIC_WORDS,
    LEADING_WORDS,
    NAME_FOLLOWERS,
    NAMING_WORDS,
    OUTLET_WORDS,
    REGIONAL_CUES,
    REGIONAL_WORDS,
)
from geodata.gazetteer import Gazetteer, Place

Sense = Literal["regional", "district", "city", "bare"]

#: How many words either side of a name are searched for words that speak of a city.
CUE_WINDOW: Final[int] = 5


#: Words for an area of a governorate ("the districts of Hama", "parts of Idlib").
_AREA_WORDS: Final = REGIONAL_WORDS | DISTRICT_WORDS | frozenset({"part", "parts"})
_SENTENCE_GAP = frozenset('.!?;:,()[]"“”')
_NOT_PERSON_WORDS = (
    NAME_FOLLOWERS
    | NAMING_WORDS
    | OUTLET_WORDS
    | REGIONAL_WORDS
    | CITY_WORDS
    | DISTRICT_WORDS
    | FACILITY_WORDS
    | GENERIC_WORDS
    | DIRECTIONS
    | LEADING_WORDS
    | DEMONYMS
    | frozenset(DEMONYM_COUNTRIES)
)


@dataclass(frozen=True)
class PlaceContext:
    """What a whole text says about places: the evidence for resolving one sentence of it.

    Parameters
    ----------
    countries
        How many unambiguous names in the text point to each country (ISO code).
    admin1
        Governorates and provinces (``Place.admin1``) of the unambiguous names.
    senses
        For a name shared by a governorate and its seat (by normalised key), whether the text
        used it for the governorate ("regional") or the city ("city"), when it did so
        unanimously.
    points
        Representative points (lon, lat) of the unambiguous towns and sites named.
    """

    countries: Mapping[str, int] = field(default_factory=dict)
    admin1: frozenset[str] = frozenset()
    senses: Mapping[str, str] = field(default_factory=dict)
    points: tuple[tuple[float, float], ...] = ()


@dataclass(frozen=True)
class Found:
    """A match read in its sentence, before the place is chosen."""

    match: Match
    info: NameInfo
    sense: Sense
    first: int  # the span, rule words included
    last: int
    direction: str  # "" or one of gazetteer.PART_DIRECTIONS
    direction_first: int  # first token of the direction words (== first when none)


@dataclass(frozen=True)
class Sentence:
    tokens: Tokens
    found: tuple[Found, ...]


# --- reading the words around a name --------------------------------------------------------


def _regional_after(tokens: Tokens, last: int) -> tuple[int, str] | None:
    """The regional word after a name ("province", "'s western countryside") and the direction
    seen on the way ("western" -> "west"), or None."""
    k, direction = last + 1, ""
    for _ in range(4):
        word = tokens.word(k)
        if word in REGIONAL_WORDS:
            return k, direction
        if word == "de" and tokens.word(k + 1) == "escalation":
            return k + 1, direction
        if word != "'s" and word not in DIRECTIONS:
            return None
        direction = _compass(direction, word)
        k += 1
    return None


def _compass(sofar: str, word: str) -> str:
    """Add a direction word to the direction read so far ("north" + "western" -> "northwest")."""
    found = COMPASS_WORDS.get(word, "")
    if not found:
        return sofar
    if sofar in ("north", "south") and found in ("east", "west"):
        return sofar + found
    return found


def _direction_before(tokens: Tokens, first: int) -> tuple[str, int]:
    """A direction written just before a name ("southern", "north-west", "North East")."""
    direction, k = "", first - 1
    while k >= 0 and first - k <= 2 and tokens.word(k) in COMPASS_WORDS:
        gap = tokens.sentence[tokens.spans[k][1] : tokens.spans[k + 1][0]]
        if gap.strip(" -‐‑–"):
            break
        k -= 1
    for j in range(k + 1, first):
        direction = _compass(direction, tokens.word(j))
    if direction:
        return direction, k + 1
    if tokens.word(first - 1) != "of":
        return "", first
    # "the north of Syria", "the northwest of Idlib"
    if tokens.word(first - 2) in COMPASS_WORDS:
        return COMPASS_WORDS[tokens.word(first - 2)], first - 2
    # "the northern districts of Hama", "the western countryside of Aleppo"
    if tokens.word(first - 2) in _AREA_WORDS and tokens.word(first - 3) in COMPASS_WORDS:
        return COMPASS_WORDS[tokens.word(first - 3)], first - 3
    return "", first


def _cue_near(first: int, last: int, cues: Sequence[int]) -> bool:
    """Whether a word speaking of a city (at word indices ``cues``) stands within
    :data:`CUE_WINDOW` words of the name."""
    k = bisect.bisect_left(cues, first - CUE_WINDOW)
    return any(not first <= c <= last for c in cues[k : bisect.bisect_right(cues, last + CUE_WINDOW)])


def _sense(tokens: Tokens, match: Match, cues: Sequence[int]) -> tuple[Sense, int, int]:
    """Return the sense the words around a name give it, and the span they extend it to."""
    first, last = match.first, match.last
    before, before2 = tokens.word(first - 1), tokens.word(first - 2)
    if before == "of" and before2 in _AREA_WORDS:
        return "regional", first - 2, last
    if before == "of" and before2 in CITY_WORDS:
        return "city", first - 2, last
    after = tokens.word(last + 1)
    if after in CITY_WORDS:
        return "city", first, last + 1
    if after in FACILITY_WORDS:
        return "city", first, last  # "Tartus naval base": the town, not its governorate
    if after in DISTRICT_WORDS:
        return "district", first, last + 1
    regional = _regional_after(tokens, last)
    if regional is not None:
        return "regional", first, regional[0]
    if before in REGIONAL_CUES or (before == "of" and before2 in REGIONAL_CUES):
        return "regional", first, last
    if cues and _cue_near(first, last, cues):
        return "city", first, last
    return "bare", first, last


def _find(tokens: Tokens, match: Match, cues: Sequence[int], info: NameInfo) -> Found:
    sense, first, last = _sense(tokens, match, cues)
    direction, direction_first = _direction_before(tokens, match.first)
    if not direction:
        regional = _regional_after(tokens, match.last)
        direction = regional[1] if regional else ""
        direction_first = first
    return Found(match, info, sense, first, last, direction, direction_first)


def _is_person(tokens: Tokens, match: Match) -> bool:
    """Whether a one-word name stands next to a capitalised word that is not a place word, with
    nothing but a space between: "Vladimir Putin", "Hulusi Akar", not "Kilis Governor"."""
    if match.first != match.last:
        return False
    return _person_word(tokens, match.last + 1, match.last) or _person_word(
        tokens, match.first - 1, match.first
    )


def _person_word(tokens: Tokens, k: int, name: int) -> bool:
    if not 0 <= k < len(tokens) or not tokens.raws[k][0].isupper():
        return False
    lo, hi = min(k, name), max(k, name)
    if (
        tokens.sentence[tokens.spans[lo][1] : tokens.spans[hi][0]].strip()
        or tokens.word(k) in _NOT_PERSON_WORDS
    ):
        return False
    # A capitalised word opening the sentence says nothing about the name after it.
    return not (k < name and _opens_sentence(tokens, k))


def _opens_sentence(tokens: Tokens, k: int) -> bool:
    return k == 0 or bool(set(tokens.sentence[tokens.spans[k - 1][1] : tokens.spans[k][0]]) & _SENTENCE_GAP)


# --- which candidates count -------------------------------------------------------------


def _foreign_town(place: Place) -> bool:
    return place.country != "SY" and place.kind in ("town", "venue")


def governorate_and_seat(
    candidates: Sequence[Place], key: str, gazetteer: Gazetteer
) -> tuple[Place | None, Place | None]:
    governorate = next((p for p in candidates if p.feature_code == "ADM1"), None)
    seat = next((p for p in candidates if p.seat_of and not gazetteer.is_alternate(key, p)), None)
    if governorate is None and seat is not None:
        governorate = gazetteer.get(seat.seat_of)
    if seat is None and governorate is not None:
        seat = next(
            (
                p
                for p in candidates
                if p.seat_of == governorate.place_id and not gazetteer.is_alternate(key, p)
            ),
            None,
        )
    return governorate, seat


@dataclass(frozen=True)
class NameInfo:
    """What the places carrying one name are: worked out once per gazetteer and name."""

    own: tuple[Place, ...]  # the places whose own name it is
    alternate: tuple[Place, ...]  # the places that carry it only as an alternate name
    governorate: Place | None  # among ``own``: a governorate (or province) and its seat
    seat: Place | None
    country: str  # the one country of ``own``, else ""
    admin1: str  # the one governorate or province of ``own``, else ""
    point: tuple[float, float] | None  # the point of the one town or site that is ``own``
    foreign_towns: bool  # ``own`` are all towns abroad (where a person's name may hide)


def _describe(gazetteer: Gazetteer, key: str) -> NameInfo:
    candidates = gazetteer.index[key]
    own = tuple(p for p in candidates if not gazetteer.is_alternate(key, p))
    alternate = tuple(p for p in candidates if gazetteer.is_alternate(key, p))
    governorate, seat = governorate_and_seat(own, key, gazetteer)
    countries = {p.country for p in own}
    admin1 = {p.admin1 for p in own}
    single = own[0] if len(own) == 1 else None
    return NameInfo(
        own=own,
        alternate=alternate,
        governorate=governorate,
        seat=seat,
        country=countries.pop() if len(countries) == 1 else "",
        admin1=admin1.pop() if len(admin1) == 1 else "",
        point=(single.lon, single.lat) if single and single.kind in ("town", "site", "venue") else None,
        foreign_towns=bool(own) and all(_foreign_town(p) for p in own),
    )


_KEYS: weakref.WeakKeyDictionary[Gazetteer, dict[str, NameInfo]] = weakref.WeakKeyDictionary()


def _key(gazetteer: Gazetteer, key: str) -> NameInfo:
    # Cached per gazetteer: the same names recur in every article.
    cache = _KEYS.get(gazetteer)
    if cache is None:
        cache = _KEYS[gazetteer] = {}
    found = cache.get(key)
    if found is None:
        found = cache[key] = _describe(gazetteer, key)
    return found


def plausible(
    found: Found, tokens: Tokens, info: NameInfo, countries: frozenset[str], admin1: frozenset[str]
) -> tuple[Place, ...]:
    """The candidates a name may stand for, after rule 1 of :mod:`geodata.geocoding`."""
    if info.own:
        if info.foreign_towns and _is_person(tokens, found.match):
            return ()
        return info.own
    supported = tuple(
        p for p in info.alternate if p.country in countries or (p.admin1 and p.admin1 in admin1)
    )
    if supported and all(_foreign_town(p) for p in supported) and _is_person(tokens, found.match):
        return ()
    return supported


def analyse(sentence: str, gazetteer: Gazetteer) -> Sentence:
    tokens = Tokens(sentence)
    matches = find_matches(tokens, gazetteer)
    if not matches:
        return Sentence(tokens, ())
    infos = [_key(gazetteer, m.key) for m in matches]
    # Words that speak of a city matter only around a governorate's name.
    cues: list[int] = []
    if any(i.governorate for i in infos):
        cues = [k for k, word in enumerate(tokens.words) if word in CITY_CUES]
    found = [_find(tokens, m, cues, i) for m, i in zip(matches, infos, strict=True)]
    return Sentence(tokens, _listed_governorates(tokens, found))


def _names_governorate(found: Found) -> bool:
    """Whether a name reads as a governorate: one named so, or a seat's name (not Damascus)."""
    if found.sense in ("regional", "district") or found.direction:
        return True
    return found.info.seat is not None or (found.info.governorate is not None and not found.info.own[1:])


def _listed_governorates(tokens: Tokens, found: list[Found]) -> tuple[Found, ...]:
    """A bare seat name listed with governorates is a governorate too ("in Idlib, Aleppo, Latakia
    and Homs"; not "between Aleppo and Damascus", where Damascus is a city)."""
    out = list(found)
    for k, here in enumerate(found):
        if here.sense != "bare" or here.info.seat is None:
            continue
        listed = [
            other
            for other in (found[k - 1] if k else None, found[k + 1] if k + 1 < len(found) else None)
            if other is not None and _coordinated(tokens, here, other)
        ]
        if listed and all(_names_governorate(other) for other in listed):
            out[k] = replace(here, sense="regional")
    return tuple(out)


def _coordinated(tokens: Tokens, a: Found, b: Found) -> bool:
    first, second = (a, b) if a.last < b.first else (b, a)
    gap = tokens.sentence[tokens.spans[first.last][1] : tokens.spans[second.first][0]]
    return gap.strip().casefold() in _LIST_GAPS


_LIST_GAPS: Final = frozenset({",", "and", "or", ", and", ", or", "&"})


def countries_named(analysed: Sentence) -> frozenset[str]:
    """Countries named in the sentence, as names or by demonyms ("the Iraqi town of Sinjar")."""
    countries = {f.info.country for f in analysed.found if f.info.own and f.info.own[0].kind == "country"}
    countries |= {DEMONYM_COUNTRIES[word] for word in analysed.tokens.words if word in DEMONYM_COUNTRIES}
    return frozenset(countries)


def evidence(sentences: Iterable[Sentence]) -> PlaceContext:
    """What the sentences say about places, from their unambiguous names."""
    countries: dict[str, int] = {}  # a plain dict: a Counter costs more to make, once per sentence
    admin1: set[str] = set()
    senses: dict[str, set[str]] = {}
    points: list[tuple[float, float]] = []
    for sentence in sentences:
        for found in sentence.found:
            info = found.info
            if not info.own or (info.foreign_towns and _is_person(sentence.tokens, found.match)):
                continue
            if info.country:
                countries[info.country] = countries.get(info.country, 0) + 1
            if info.admin1:
                admin1.add(info.admin1)
            if info.point:
                points.append(info.point)
            if info.governorate is not None and info.seat is not None and found.sense != "bare":
                regional = found.sense in ("regional", "district") or bool(found.direction)
                senses.setdefault(found.match.key, set()).add("regional" if regional else "city")
    return PlaceContext(
        countries=countries,
        admin1=frozenset(admin1),
        senses={k: next(iter(v)) for k, v in senses.items() if len(v) == 1},
        points=tuple(points),
    )
