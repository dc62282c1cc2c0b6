"""Choosing the place a name stands for, with its precision and its role, for :mod:`geodata.geocoding`.

:func:`resolve` takes the names of one sentence as :func:`geodata._toponym_reading.analyse` read
them and, for each, ranks its candidate places (the ranking of :mod:`geodata.geocoding`),
chooses the governorate, its seat, a part of it or a town (rules 2-4), and reads the role the
words give it (rules 5-6): a :class:`Mention` per place named.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Final, Literal

from geodata._toponym_matching import HYPHENS, Tokens
from geodata._toponym_reading import (
    Found,
    PlaceContext,
    Sentence,
    countries_named,
    evidence,
    governorate_and_seat,
    plausible,
)
from geodata._toponym_words import (
    ACTOR_VERBS,
    DIRECTIONS,
    LOCATIVE_PREPOSITIONS,
    MODIFIER_PREFIXES,
    MODIFIER_SUFFIXES,
    NAMING_WORDS,
    OUTLET_WORDS,
)
from geodata.gazetteer import ARTICLES, PART_CODE, Gazetteer, Place, part_id

Role = Literal["location", "actor", "name"]

#: Smallest radius of a town used regionally ("Manbij countryside").
DISTRICT_RADIUS_KM: Final[float] = 15.0

_BORDER_WORDS = frozenset({"border", "borders", "frontier", "boundary"})
_FEATURE_RANK: Final[dict[str, int]] = {"PPLC": 5, "PPLA": 4, "PPLA2": 3, "PPLA3": 2, "PPL": 1}


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


# --- choosing the place -----------------------------------------------------------------


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    # Haversine: the ranking only needs distances to the nearest 100 km.
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(math.sqrt(min(1.0, h)))


class _Ranker:
    """The ranking features of :mod:`geodata.geocoding`, for one sentence in its article.

    Built for every sentence that names a place, but most names have one candidate: the
    features that cost something (countries named, distances) are worked out on first use.
    """

    def __init__(
        self, gazetteer: Gazetteer, sentence: Sentence, own: PlaceContext, article: PlaceContext
    ) -> None:
        self.gazetteer = gazetteer
        self.sentence = sentence
        self.own = own
        self.article = article

    @cached_property
    def countries(self) -> frozenset[str]:
        """Countries named in the sentence."""
        return countries_named(self.sentence)

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
    found: Found, candidates: Sequence[Place], ranker: _Ranker, gazetteer: Gazetteer
) -> tuple[Place, str, float, int]:
    """Pick the place, its precision and radius, and the first token of the span."""
    key, sense = found.match.key, found.sense
    if candidates is found.info.own:
        governorate, seat = found.info.governorate, found.info.seat
    else:
        governorate, seat = governorate_and_seat(candidates, key, gazetteer)
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


def resolve(
    analysed: Sentence, gazetteer: Gazetteer, article: PlaceContext | None = None
) -> tuple[Mention, ...]:
    """Resolve the names of one sentence; ``article`` is the whole text's evidence (None: the
    sentence is its own context)."""
    if not analysed.found:
        return ()
    tokens, sentence = analysed.tokens, analysed.tokens.sentence
    own = evidence([analysed])
    article = own if article is None else article
    ranker = _Ranker(gazetteer, analysed, own, article)
    admin1 = own.admin1 | article.admin1
    match_starts = frozenset(f.match.first for f in analysed.found)
    mentions: list[Mention] = []
    for found in analysed.found:
        countries = frozenset() if found.info.own else ranker.countries | frozenset(article.countries)
        candidates = plausible(found, tokens, found.info, countries, admin1)
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
