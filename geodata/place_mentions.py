"""The places a sentence names, as the events pipeline reads them.

A :data:`PlaceFinder` turns one sentence into place mentions (:class:`MentionLike`, the parts of
:class:`geodata.geocoding.Mention` the pipeline reads); by default it is the project gazetteer's
:func:`~geodata.geocoding.find_places` (:func:`default_place_finder`), which also tells the
candidates it chose among. The choices every stage makes among mentions live here too: which say
where something is (:func:`located`), which say little more than a country (:func:`vague`), and
the finest of them (:func:`finest`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from geodata.gazetteer import Gazetteer, load_gazetteer
from geodata.geocoding import find_places

__all__ = [
    "PRECISION_RANK",
    "VAGUE_KM",
    "GazetteerPlaceFinder",
    "MentionLike",
    "PlaceFinder",
    "PlaceLike",
    "candidate_ids",
    "default_place_finder",
    "finest",
    "located",
    "vague",
]

#: Geographic precisions, finest first.
PRECISION_RANK = {"point": 0, "town": 1, "district": 2, "governorate": 3, "country": 4}


class PlaceLike(Protocol):
    """The parts of a gazetteer ``Place`` the events pipeline reads."""

    @property
    def place_id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def lon(self) -> float: ...
    @property
    def lat(self) -> float: ...
    @property
    def country(self) -> str: ...
    @property
    def feature_code(self) -> str: ...


class MentionLike(Protocol):
    """A place named in a sentence (``geocoding.Mention``)."""

    @property
    def text(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def place(self) -> PlaceLike: ...
    @property
    def geo_precision(self) -> str: ...
    @property
    def uncertainty_km(self) -> float: ...
    @property
    def role(self) -> str: ...


#: Finds the places named in one sentence.
PlaceFinder = Callable[[str], Sequence[MentionLike]]


class GazetteerPlaceFinder:
    """The project gazetteer's :func:`~geodata.geocoding.find_places`, bound to a gazetteer.

    Also tells the candidates it chose among (:meth:`candidates`).
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer

    def __call__(self, sentence: str) -> Sequence[MentionLike]:
        return find_places(sentence, self.gazetteer)

    def candidates(self, mention: MentionLike) -> tuple[str, ...]:
        """Ids of the places sharing the mention's name, the chosen one first."""
        found = self.gazetteer.lookup(mention.text) or self.gazetteer.lookup(mention.place.name)
        others = sorted(p.place_id for p in found if p.place_id != mention.place.place_id)
        return (mention.place.place_id, *others)


def default_place_finder(gazetteer: Gazetteer | None = None) -> GazetteerPlaceFinder:
    """The project gazetteer's place finder.

    Parameters
    ----------
    gazetteer
        Defaults to :func:`~geodata.gazetteer.load_gazetteer` (the project's file).
    """
    return GazetteerPlaceFinder(gazetteer if gazetteer is not None else load_gazetteer())


def candidate_ids(finder: PlaceFinder, mention: MentionLike | None) -> tuple[str, ...]:
    """The place ids the finder considered for ``mention`` (just its own for a plain finder)."""
    if mention is None:
        return ()
    if isinstance(finder, GazetteerPlaceFinder):
        return finder.candidates(mention)
    return (mention.place.place_id,)


#: A region this wide ("northern Syria", "the Syria-Turkey border") says little more than a country.
VAGUE_KM = 120.0


def vague(mention: MentionLike) -> bool:
    """Whether a place is a country or a region about as wide (a country's part, a long border)."""
    return mention.geo_precision == "country" or (
        getattr(mention.place, "kind", "") == "region" and mention.uncertainty_km >= VAGUE_KM
    )


def located(mentions: Sequence[MentionLike]) -> list[MentionLike]:
    """The mentions that say where something is (not actors, not names of agreements)."""
    return [m for m in mentions if m.role == "location"]


def finest(mentions: Sequence[MentionLike]) -> MentionLike | None:
    """Places in Syria first (this is a Syria atlas), then the finest precision, then the first."""
    if not mentions:
        return None
    return min(
        enumerate(mentions),
        key=lambda im: (im[1].place.country != "SY", PRECISION_RANK.get(im[1].geo_precision, 9), im[0]),
    )[1]
