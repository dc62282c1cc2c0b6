"""Search the gazetteer by name or alias, as a person types: what the review page's place box calls.

The query and every alias meet after :func:`geodata.gazetteer.normalise` (so "Maarrat al-Numan",
"Ma'arrat an-Nu'man" and "maarat" find the same town); an exact alias comes first, then aliases
that start with the query, then those with a word starting with it, then those containing it
(queries of three letters or more);
within each, governorates and countries before towns, then larger towns first. A place id
(``gn:163345``, ``SY07``) finds that place. Written here rather than with a fuzzy-matching library:
the gazetteer's normalisation already folds the spellings the press uses, and a scan of its
alias index is a few milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from geodata.gazetteer import Gazetteer, Place, load_gazetteer, normalise

__all__ = ["PlaceMatch", "project_gazetteer", "search_places"]

#: Kinds listed first among equally good matches (a person looking for "Idlib" means the area).
_KIND_ORDER = ("country", "governorate", "region", "town", "site", "route", "venue")


@dataclass(frozen=True)
class PlaceMatch:
    """A gazetteer place found by a search, and the name that matched (one of its aliases)."""

    place_id: str
    name: str
    matched: str
    kind: str
    geo_precision: str
    country: str
    admin1: str
    lon: float
    lat: float
    uncertainty_km: float


@lru_cache(maxsize=1)
def project_gazetteer() -> Gazetteer:
    """The project's gazetteer, loaded once per process (the review functions' default)."""
    return load_gazetteer()


def _match(place: Place, key: str) -> PlaceMatch:
    names = (place.name, *place.aliases, *place.alternates)
    matched = next((n for n in names if normalise(n) == key), place.name)
    return PlaceMatch(
        place.place_id, place.name, matched, place.kind, place.geo_precision, place.country, place.admin1,
        place.lon, place.lat, place.uncertainty_km,
    )  # fmt: skip


def search_places(query: str, gazetteer: Gazetteer, *, limit: int = 10) -> list[PlaceMatch]:
    """The places whose name or alias matches ``query``, best first (at most ``limit``)."""
    exact = gazetteer.get(query.strip())
    if exact is not None:
        return [_match(exact, normalise(exact.name))]
    wanted = normalise(query)
    if not wanted:
        return []
    words = wanted.split()
    ranked: dict[str, tuple[tuple[int, int, int, str], PlaceMatch]] = {}
    for key, places in gazetteer.index.items():
        if key == wanted:
            grade = 0
        elif key.startswith(wanted):
            grade = 1
        elif all(any(token.startswith(word) for token in key.split()) for word in words):
            grade = 2
        elif len(wanted) >= 3 and wanted in key:
            grade = 3
        else:
            continue
        for place in places:
            kind = _KIND_ORDER.index(place.kind) if place.kind in _KIND_ORDER else len(_KIND_ORDER)
            rank = (grade, kind, -place.population, place.name)
            if place.place_id not in ranked or rank < ranked[place.place_id][0]:
                ranked[place.place_id] = (rank, _match(place, key))
    return [match for _, match in sorted(ranked.values(), key=lambda item: item[0])[:limit]]
