"""Toponym resolution: find the places a text names, with a precision and a role.

:func:`find_places` finds the gazetteer names of one sentence (an Aho-Corasick scan of the
normalised words, :mod:`geodata._toponym_matching`) and resolves each, Mordecai-style: every
candidate place of a name is ranked on a few context features, and a few rules read the words
around the name. :func:`find_places_in_article` does the same for the sentences of one article,
with the whole article as context (what one sentence leaves open, the others often settle);
:func:`article_context` gives that context to callers that resolve sentence by sentence.

Rules, in this order:

1. **Which names count.** A foreign town matched only by one of its GeoNames alternate names
   ("Salem" for Jerusalem) needs its country named in the context; a one-word foreign town name
   written next to a capitalised word that is not a place word ("Vladimir Putin", "Hulusi Akar")
   is a person's name, not a place. Demonyms, common English words and personal names common in
   the news are never names. A name hyphen-joined to "pro-", "-based", "-backed", "-led" ... is
   a modifier: a country or capital there is an actor, any other place gives no mention.
2. **Governorates and their seats** ("Aleppo", "Idlib", "Raqqa", "Hama" name both).
   "Idlib province", "the governorate of Idlib", "Idlib's countryside", "rural Idlib", "across
   Idlib", "the districts of Idlib" are the governorate; "Idlib city", "the city of Idlib", and
   a name near words that speak of a city ("besieged", "streets", "neighbourhoods", "residents",
   "citadel") are the town. A bare name follows what the rest of the article says of the same
   name (one sense per discourse), and otherwise is the town. Damascus' governorate is the city
   itself. The same holds for foreign provinces named like their seat (Kilis, Gaziantep, Adana).
3. **Directions.** "southern Idlib", "north-west Syria", "Idlib's southern countryside", "the
   north of Syria", "the northern districts of Hama" are the matching part of the governorate or
   of Syria (a region feature with its own point and radius, see
   :func:`geodata.gazetteer.part_id`); where there is no part ("northern Iraq") the country
   stands, at country precision.
4. **Towns used regionally** ("Manbij countryside", "Idlib district") keep the town's point at
   ``geo_precision="district"`` and at least :data:`DISTRICT_RADIUS_KM`; "Tartus naval base" is
   the town.
5. **Countries** stand for governments (``role="actor"``) unless a locative word precedes them
   ("in Turkey"), they follow a place ("Afrin, Syria"), qualify the next place ("Syria's
   Idlib", "Russia's Sochi") or a direction makes them a region; then ``role="location"``.
   Capitals followed by a speech or decision verb ("Moscow said") are actors too.
6. **Names.** A place followed by "agreement", "process", "talks" ... gets ``role="name"``; a
   place inside a news outlet's name ("Washington Post") gives no mention.

**Ranking** among the places sharing a name, feature by feature (the first difference decides):
the name is the place's own rather than an alternate name; the place's country is named in the
sentence (or by a demonym: "the Iraqi town of Sinjar"); its governorate or province
is named in the sentence; how often its country is named in the article; Syrian over foreign;
nearness (in 100 km steps) to the other places of the article and to Syria; not a route; the
GeoNames administrative rank (capital, seat ...); population. A place missing from the
gazetteer is not found at all: no rule falls back on another place.
"""

from __future__ import annotations

import bisect
import math
import re
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Final, Literal

from geodata._toponym_matching import HYPHENS, Match, Tokens, find_matches
from geodata._toponym_words import (
    ACTOR_VERBS,
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
    LOCATIVE_PREPOSITIONS,
    MODIFIER_PREFIXES,
    MODIFIER_SUFFIXES,
    NAME_FOLLOWERS,
    NAMING_WORDS,
    OUTLET_WORDS,
    REGIONAL_CUES,
    REGIONAL_WORDS,
)
from geodata.gazetteer import ARTICLES, PART_CODE, Gazetteer, Place, part_id

Role = Literal["location", "actor", "name"]
Sense = Literal["regional", "district", "city", "bare"]

#: Smallest radius of a town used regionally ("Manbij countryside").
DISTRICT_RADIUS_KM: Final[float] = 15.0

#: How many words either side of a name are searched for words that speak of a city.
CUE_WINDOW: Final[int] = 5

_BORDER_WORDS = frozenset({"border", "borders", "frontier", "boundary"})
_FEATURE_RANK: Final[dict[str, int]] = {"PPLC": 5, "PPLA": 4, "PPLA2": 3, "PPLA3": 2, "PPL": 1}

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
class Mention:
    """A place named in a sentence.

    Parameters
    ----------
    text
        The words as written (``sentence[start:end]``), including "province"/"city of" or a
        direction when a rule used them.
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
class _Found:
    """A match read in its sentence, before the place is chosen."""

    match: Match
    info: _Key
    sense: Sense
    first: int  # the span, rule words included
    last: int
    direction: str  # "" or one of gazetteer.PART_DIRECTIONS
    direction_first: int  # first token of the direction words (== first when none)


@dataclass(frozen=True)
class _Sentence:
    tokens: Tokens
    found: tuple[_Found, ...]


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


def _find(tokens: Tokens, match: Match, cues: Sequence[int], info: _Key) -> _Found:
    sense, first, last = _sense(tokens, match, cues)
    direction, direction_first = _direction_before(tokens, match.first)
    if not direction:
        regional = _regional_after(tokens, match.last)
        direction = regional[1] if regional else ""
        direction_first = first
    return _Found(match, info, sense, first, last, direction, direction_first)


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


def _governorate_and_seat(
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
class _Key:
    """What the places carrying one name are: worked out once per gazetteer and name."""

    own: tuple[Place, ...]  # the places whose own name it is
    alternate: tuple[Place, ...]  # the places that carry it only as an alternate name
    governorate: Place | None  # among ``own``: a governorate (or province) and its seat
    seat: Place | None
    country: str  # the one country of ``own``, else ""
    admin1: str  # the one governorate or province of ``own``, else ""
    point: tuple[float, float] | None  # the point of the one town or site that is ``own``
    foreign_towns: bool  # ``own`` are all towns abroad (where a person's name may hide)


def _describe(gazetteer: Gazetteer, key: str) -> _Key:
    candidates = gazetteer.index[key]
    own = tuple(p for p in candidates if not gazetteer.is_alternate(key, p))
    alternate = tuple(p for p in candidates if gazetteer.is_alternate(key, p))
    governorate, seat = _governorate_and_seat(own, key, gazetteer)
    countries = {p.country for p in own}
    admin1 = {p.admin1 for p in own}
    single = own[0] if len(own) == 1 else None
    return _Key(
        own=own,
        alternate=alternate,
        governorate=governorate,
        seat=seat,
        country=countries.pop() if len(countries) == 1 else "",
        admin1=admin1.pop() if len(admin1) == 1 else "",
        point=(single.lon, single.lat) if single and single.kind in ("town", "site", "venue") else None,
        foreign_towns=bool(own) and all(_foreign_town(p) for p in own),
    )


_KEYS: weakref.WeakKeyDictionary[Gazetteer, dict[str, _Key]] = weakref.WeakKeyDictionary()


def _key(gazetteer: Gazetteer, key: str) -> _Key:
    # Cached per gazetteer: the same names recur in every article.
    cache = _KEYS.get(gazetteer)
    if cache is None:
        cache = _KEYS[gazetteer] = {}
    found = cache.get(key)
    if found is None:
        found = cache[key] = _describe(gazetteer, key)
    return found


def _plausible(
    found: _Found, tokens: Tokens, info: _Key, countries: frozenset[str], admin1: frozenset[str]
) -> tuple[Place, ...]:
    """The candidates a name may stand for, after rule 1 of the module docstring."""
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


def _analyse(sentence: str, gazetteer: Gazetteer) -> _Sentence:
    tokens = Tokens(sentence)
    matches = find_matches(tokens, gazetteer)
    if not matches:
        return _Sentence(tokens, ())
    infos = [_key(gazetteer, m.key) for m in matches]
    # Words that speak of a city matter only around a governorate's name.
    cues: list[int] = []
    if any(i.governorate for i in infos):
        cues = [k for k, word in enumerate(tokens.words) if word in CITY_CUES]
    found = [_find(tokens, m, cues, i) for m, i in zip(matches, infos, strict=True)]
    return _Sentence(tokens, _listed_governorates(tokens, found))


def _names_governorate(found: _Found) -> bool:
    """Whether a name reads as a governorate: one named so, or a seat's name (not Damascus)."""
    if found.sense in ("regional", "district") or found.direction:
        return True
    return found.info.seat is not None or (found.info.governorate is not None and not found.info.own[1:])


def _listed_governorates(tokens: Tokens, found: list[_Found]) -> tuple[_Found, ...]:
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


def _coordinated(tokens: Tokens, a: _Found, b: _Found) -> bool:
    first, second = (a, b) if a.last < b.first else (b, a)
    gap = tokens.sentence[tokens.spans[first.last][1] : tokens.spans[second.first][0]]
    return gap.strip().casefold() in _LIST_GAPS


_LIST_GAPS: Final = frozenset({",", "and", "or", ", and", ", or", "&"})


def _countries_named(analysed: _Sentence) -> frozenset[str]:
    """Countries named in the sentence, as names or by demonyms ("the Iraqi town of Sinjar")."""
    countries = {f.info.country for f in analysed.found if f.info.own and f.info.own[0].kind == "country"}
    countries |= {DEMONYM_COUNTRIES[word] for word in analysed.tokens.words if word in DEMONYM_COUNTRIES}
    return frozenset(countries)


def _evidence(sentences: Iterable[_Sentence]) -> PlaceContext:
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


# --- choosing the place -----------------------------------------------------------------


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Haversine: the ranking only needs distances to the nearest 100 km.
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(min(1.0, h)))


class _Ranker:
    """The ranking features of the module docstring, for one sentence in its article.

    Built for every sentence that names a place, but most names have one candidate: the
    features that cost something (countries named, distances) are worked out on first use.
    """

    def __init__(
        self, gazetteer: Gazetteer, sentence: _Sentence, own: PlaceContext, article: PlaceContext
    ) -> None:
        self.gazetteer = gazetteer
        self.sentence = sentence
        self.own = own
        self.article = article

    @cached_property
    def countries(self) -> frozenset[str]:
        """Countries named in the sentence."""
        return _countries_named(self.sentence)

    @cached_property
    def anchors(self) -> tuple[tuple[float, float], ...]:
        """The article's places, and Syria: nearness to them counts."""
        syria = self.gazetteer.get("country:SY")
        return (*self.article.points, *self.own.points, *([(syria.lon, syria.lat)] if syria else []))

    def key(self, match_key: str, place: Place) -> tuple[int, ...]:
        nearest = min((_km((place.lon, place.lat), a) for a in self.anchors), default=0.0)
        return (
            not self.gazetteer.is_alternate(match_key, place),
            place.country in self.countries,
            bool(place.admin1) and place.admin1 in self.own.admin1,
            self.article.countries.get(place.country, 0),
            place.country == "SY",
            -int(nearest // 100),
            place.kind != "route",
            _FEATURE_RANK.get(place.feature_code, 0),
            place.population,
        )

    def best(self, match_key: str, candidates: Sequence[Place]) -> Place:
        if len(candidates) == 1:
            return candidates[0]
        return max(candidates, key=lambda p: self.key(match_key, p))


def _part_of(place: Place, direction: str, gazetteer: Gazetteer) -> Place | None:
    return gazetteer.get(part_id(place.place_id, direction)) if direction else None


def _choose(
    found: _Found, candidates: Sequence[Place], ranker: _Ranker, gazetteer: Gazetteer
) -> tuple[Place, str, float, int]:
    """Pick the place, its precision and radius, and the first token of the span."""
    key, sense = found.match.key, found.sense
    if candidates is found.info.own:
        governorate, seat = found.info.governorate, found.info.seat
    else:
        governorate, seat = _governorate_and_seat(candidates, key, gazetteer)
    towns = [p for p in candidates if p.kind in ("town", "venue")]
    if sense == "district" and towns:
        # "Jisr al-Shughur district", "Idlib district": the area around the town (no ADM2 layer).
        town = seat or ranker.best(key, towns)
        return town, "district", max(town.uncertainty_km, DISTRICT_RADIUS_KM), found.first
    if governorate is not None and (sense == "regional" or found.direction or seat is not None or not towns):
        part = _part_of(governorate, found.direction, gazetteer)
        if part is not None and not (sense == "city" and seat is not None):
            return part, part.geo_precision, part.uncertainty_km, min(found.direction_first, found.first)
        if sense == "bare" and not found.direction:
            sense = "city" if ranker.article.senses.get(key, "city") == "city" else "regional"
        if sense == "city" and seat is not None:
            return seat, seat.geo_precision, seat.uncertainty_km, found.first
        return governorate, governorate.geo_precision, governorate.uncertainty_km, found.first
    others = [p for p in candidates if p.feature_code != "ADM1"] or list(candidates)
    countries = [p for p in others if p.kind == "country"]
    place = countries[0] if countries else ranker.best(key, others)
    part = _part_of(place, found.direction, gazetteer)
    if part is not None:
        return part, part.geo_precision, part.uncertainty_km, min(found.direction_first, found.first)
    if sense == "regional" and place.kind in ("town", "venue"):
        return place, "district", max(place.uncertainty_km, DISTRICT_RADIUS_KM), found.first
    return place, place.geo_precision, place.uncertainty_km, found.first


# --- roles --------------------------------------------------------------------------------


def _skip_back(tokens: Tokens, k: int) -> int:
    """Step back over "the" and direction adjectives ("in the north of" is not handled)."""
    while k >= 0 and (tokens.word(k) == "the" or tokens.word(k) in DIRECTIONS):
        k -= 1
    return k


def _skip_directions(tokens: Tokens, k: int) -> int:
    # "Syria's northwestern Idlib": the place after the possessive may follow an adjective.
    while k < len(tokens) and tokens.word(k) in DIRECTIONS:
        k += 1
    return k


def _role(
    tokens: Tokens,
    span: tuple[int, int],
    place: Place,
    previous: tuple[Mention, str] | None,
    match_starts: frozenset[int],
) -> Role | None:
    """The mention's role, or None when it is part of a news outlet's name ("Washington Post",
    "Russia Today").

    ``previous`` is the mention before this one and the text between the two.
    """
    first, last = span
    after = tokens.word(last + 1)
    if after in OUTLET_WORDS and tokens.capitalised(last + 1):
        return None
    if _is_modifier(tokens, first, last):
        # "pro-Damascus", "Moscow-backed", "US-led": a government at most, never a site.
        return "actor" if place.kind == "country" or place.feature_code == "PPLC" else None
    if place.kind == "country":
        if after == "'s" and (
            _skip_directions(tokens, last + 2) in match_starts or tokens.word(last + 2) in _BORDER_WORDS
        ):
            return "location"  # "Syria's Idlib", "Russia's Sochi", "Turkey's border"
        before = _skip_back(tokens, first - 1)
        word = tokens.word(before)
        if word in LOCATIVE_PREPOSITIONS or (word == "with" and tokens.word(before - 1) in _BORDER_WORDS):
            return "location"
        if after in _BORDER_WORDS or (
            last + 2 < len(tokens)
            and tokens.gaps[last + 1][-1:] in HYPHENS
            and tokens.word(last + 2) in _BORDER_WORDS
        ):
            return "location"  # "the Turkey border", "the Turkey-Syria border"
        if previous is not None and previous[0].role == "location":
            gap = previous[1].strip().casefold()
            # "in Russia and Turkey"; "near Afrin, Syria" (a place, then its country)
            if gap in {"and", "or"} or (gap == "," and previous[0].place.kind != "country"):
                return "location"
        return "actor"
    if after in NAMING_WORDS or (after == "road" and tokens.word(last + 2) == "map"):
        return "name"
    hosts = tokens.word(last + 2) in _HOST_WORDS  # "Ankara will host the talks": the venue
    if place.feature_code == "PPLC" and (
        (after in ACTOR_VERBS and not hosts) or (after == "'s" and last + 2 not in match_starts)
    ):
        return "actor"  # "Moscow said", "Ankara's demand"
    return "location"


_HOST_WORDS = frozenset({"host", "hosted", "hosting"})


def _is_modifier(tokens: Tokens, first: int, last: int) -> bool:
    """Whether the name is hyphen-joined to a word making it a modifier ("Damascus-based")."""
    after = (
        last + 1 < len(tokens)
        and tokens.gaps[last + 1] in HYPHENS
        and tokens.word(last + 1) in MODIFIER_SUFFIXES
    )
    before = first > 0 and tokens.gaps[first] in HYPHENS and tokens.word(first - 1) in MODIFIER_PREFIXES
    return after or before


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


def _article_before(tokens: Tokens, first: int) -> bool:
    if first == 0:
        return False
    article, gap = tokens.word(first - 1), tokens.gaps[first]
    # "al"/"el" are never English words; "an", "as", "at" ... only count when hyphen-joined.
    return article in ARTICLES and (gap == "-" or (gap == " " and article in {"al", "el"}))


# --- putting it together ---------------------------------------------------------------------


def _resolve(
    analysed: _Sentence, gazetteer: Gazetteer, article: PlaceContext | None = None
) -> tuple[Mention, ...]:
    """Resolve the names of one sentence; ``article`` is the whole text's evidence (None: the
    sentence is its own context)."""
    if not analysed.found:
        return ()
    tokens, sentence = analysed.tokens, analysed.tokens.sentence
    own = _evidence([analysed])
    article = own if article is None else article
    ranker = _Ranker(gazetteer, analysed, own, article)
    admin1 = own.admin1 | article.admin1
    match_starts = frozenset(f.match.first for f in analysed.found)
    mentions: list[Mention] = []
    for found in analysed.found:
        countries = frozenset() if found.info.own else ranker.countries | frozenset(article.countries)
        candidates = _plausible(found, tokens, found.info, countries, admin1)
        if not candidates:
            continue
        place, precision, radius, first = _choose(found, candidates, ranker, gazetteer)
        last = found.last
        if place.kind == "country":
            first, last = found.match.first, found.match.last  # "Syria province" is not a thing
        previous = (mentions[-1], sentence[mentions[-1].end : tokens.spans[first][0]]) if mentions else None
        role: Role | None = "location"
        if place.feature_code != PART_CODE:
            role = _role(tokens, (first, last), place, previous, match_starts)
        if role is None:
            continue
        if first == found.match.first and _article_before(tokens, first):
            first -= 1  # "al-Bab", "Al Bab": the article belongs to the name as written
        start, end = tokens.spans[first][0], tokens.spans[last][1]
        if len(tokens.raws[last]) == 1 and sentence[end : end + 1] == ".":
            end += 1  # "U.S." keeps its last full stop
        mentions.append(Mention(sentence[start:end], start, end, place, precision, radius, role))
    return tuple(_conjoined_actors(mentions, sentence))


def find_places(
    sentence: str, gazetteer: Gazetteer, *, context: PlaceContext | None = None
) -> tuple[Mention, ...]:
    """Find and resolve the places named in a sentence.

    Parameters
    ----------
    sentence
        Untrusted text (one sentence, or any short passage).
    gazetteer
        The places to look for.
    context
        What the rest of the article says about places (:func:`article_context`); without it,
        the sentence is its own context.

    Returns
    -------
    tuple of Mention
        In text order; ``sentence[m.start:m.end] == m.text``. Countries qualifying a following
        place ("Russia's Sochi") and demonyms ("Turkish forces") give no mention.
    """
    return _with_capitals(sentence, _resolve(_analyse(sentence, gazetteer), gazetteer, context), gazetteer)


# "the Lebanese capital", "the Kazakh capital": a capital named by its country's adjective, when
# no name follows ("the Kazakh capital Nur-Sultan" names it). A regular expression, not the
# matcher: the phrase is two fixed words around one from DEMONYM_COUNTRIES.
_CAPITAL_PHRASE = re.compile(r"\b[Tt]he (?P<demonym>[A-Z][a-z]+) capital\b")
_CAPITALS: weakref.WeakKeyDictionary[Gazetteer, dict[str, Place]] = weakref.WeakKeyDictionary()


def _capital_of(country: str, gazetteer: Gazetteer) -> Place | None:
    capitals = _CAPITALS.get(gazetteer)
    if capitals is None:
        capitals = {p.country: p for p in gazetteer if p.feature_code == "PPLC"}
        _CAPITALS[gazetteer] = capitals
    return capitals.get(country)


def _with_capitals(sentence: str, mentions: tuple[Mention, ...], gazetteer: Gazetteer) -> tuple[Mention, ...]:
    """``mentions`` with the capitals the sentence names by description ("at a news conference in
    the Lebanese capital": Beirut)."""
    if " capital" not in sentence:
        return mentions
    added = []
    for match in _CAPITAL_PHRASE.finditer(sentence):
        country = DEMONYM_COUNTRIES.get(match["demonym"].lower())
        place = _capital_of(country, gazetteer) if country else None
        start, end = match.start("demonym"), match.end()
        # Not when the name follows: "the Kazakh capital Nur-Sultan", "the Syrian capital, Damascus".
        if place is None or any(
            m.start < end + 3 and start < m.end and m.place.country == country for m in mentions
        ):
            continue
        added.append(Mention(sentence[start:end], start, end, place, "town", place.uncertainty_km))
    return tuple(sorted((*mentions, *added), key=lambda m: m.start)) if added else mentions


def article_context(sentences: Iterable[str], gazetteer: Gazetteer) -> PlaceContext:
    """Gather what the sentences of one article say about places.

    Parameters
    ----------
    sentences
        The article's sentences (its title and dateline may be included).
    gazetteer
        The places to look for.

    Returns
    -------
    PlaceContext
        To pass to :func:`find_places` for each sentence of the same article.
    """
    return _evidence(_analyse(s, gazetteer) for s in sentences)


def find_places_in_article(sentences: Sequence[str], gazetteer: Gazetteer) -> tuple[tuple[Mention, ...], ...]:
    """Find and resolve the places of every sentence of one article, with the article as context.

    Equivalent to ``find_places(s, gazetteer, context=article_context(sentences, gazetteer))``
    for each sentence ``s``, but each sentence is read once.

    Parameters
    ----------
    sentences
        The article's sentences, in order.
    gazetteer
        The places to look for.

    Returns
    -------
    tuple of tuple of Mention
        One tuple of mentions per sentence, in the same order.
    """
    analysed = [_analyse(s, gazetteer) for s in sentences]
    context = _evidence(analysed)
    return tuple(
        _with_capitals(s, _resolve(a, gazetteer, context), gazetteer)
        for s, a in zip(sentences, analysed, strict=True)
    )
