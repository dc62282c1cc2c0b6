"""Toponym resolution: find the places a text names, with a precision and a role.

:func:`find_places` finds the gazetteer names of one sentence (an Aho-Corasick scan of the
normalised words, :mod:`geodata._toponym_matching`) and resolves each, Mordecai-style: every
candidate place of a name is ranked on a few context features, and a few rules read the words
around the name. :func:`find_places_in_article` does the same for the sentences of one article,
with the whole article as context (what one sentence leaves open, the others often settle);
:func:`article_context` gives that context to callers that resolve sentence by sentence.
Reading the words around each name and keeping its plausible candidates is
:mod:`geodata._toponym_reading`; ranking them, choosing the place and its role is
:mod:`geodata._toponym_resolution`; this module puts the two together.

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
   stands, at country precision. "The country's northwest" and "the north-west of the country"
   are read so for the country the sentence named before them (by name or adjective), else the
   one the article names most (with a context); with neither they are no place.
4. **Towns used regionally** ("Manbij countryside", "Idlib district") keep the town's point at
   ``geo_precision="district"`` and at least
   :data:`~geodata._toponym_resolution.DISTRICT_RADIUS_KM`; "Tartus naval base" is the town.
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

import re
import weakref
from collections.abc import Iterable, Sequence

from geodata._toponym_reading import PlaceContext, analyse, evidence
from geodata._toponym_resolution import Mention, resolve
from geodata._toponym_words import COMPASS_WORDS, DEMONYM_COUNTRIES
from geodata.gazetteer import Gazetteer, Place, part_id

__all__ = ["Mention", "PlaceContext", "article_context", "find_places", "find_places_in_article"]


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
    return _described(sentence, resolve(analyse(sentence, gazetteer), gazetteer, context), gazetteer, context)


def _described(
    sentence: str, mentions: tuple[Mention, ...], gazetteer: Gazetteer, context: PlaceContext | None
) -> tuple[Mention, ...]:
    """``mentions`` with the places the sentence names by description, not by name: a capital
    ("the Lebanese capital") and a part of the country it speaks of ("the country's northwest")."""
    return _with_country_parts(sentence, _with_capitals(sentence, mentions, gazetteer), gazetteer, context)


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


# "the country's northwest", "the north of the country": a direction (a noun: not "the country's
# northern border", which qualifies another place) of the country the sentence speaks of.
_DIRECTION = r"(?:north|south)(?:[- ]?(?:east|west))?|east|west"
_COUNTRY_PART = re.compile(
    rf"\b[Tt]he country(?:'s|’s) (?P<part>{_DIRECTION})(?![\w-])"
    rf"|\b[Tt]he (?P<of>{_DIRECTION}) of the country\b"
)
_DEMONYM = re.compile(r"(?i)\b(?:" + "|".join(map(re.escape, DEMONYM_COUNTRIES)) + r")\b")


def _with_country_parts(
    sentence: str, mentions: tuple[Mention, ...], gazetteer: Gazetteer, context: PlaceContext | None
) -> tuple[Mention, ...]:
    """``mentions`` with "the country's northwest" read as that part of the country the sentence
    named last before it (by name or adjective: "The Syrian army said ... in the country's
    northwest"), else of the country the article names most (when ``context`` is given); the
    country itself where the gazetteer has no such part (as for "northern Iraq"). Nothing when
    no country is known: "the country" is no place of its own."""
    if "country" not in sentence:
        return mentions
    added = []
    for match in _COUNTRY_PART.finditer(sentence):
        country = _country_before(sentence, match.start(), mentions, gazetteer, context)
        if country is None:
            continue
        direction = COMPASS_WORDS[re.sub(r"[- ]", "", (match["part"] or match["of"]).lower())]
        place = gazetteer.get(part_id(country.place_id, direction)) or country
        start, end = match.span()
        added.append(
            Mention(sentence[start:end], start, end, place, place.geo_precision, place.uncertainty_km)
        )
    return tuple(sorted((*mentions, *added), key=lambda m: m.start)) if added else mentions


def _country_before(
    sentence: str, at: int, mentions: tuple[Mention, ...], gazetteer: Gazetteer, context: PlaceContext | None
) -> Place | None:
    """The country the sentence names last before ``at`` (a country's name or its adjective),
    else the one ``context`` names most (the first of equals)."""
    named = [(m.start, m.place.country) for m in mentions if m.end <= at and m.place.kind == "country"]
    named += [(d.start(), DEMONYM_COUNTRIES[d[0].lower()]) for d in _DEMONYM.finditer(sentence, 0, at)]
    if named:
        code = max(named)[1]
    elif context is not None and context.countries:
        code = max(context.countries.items(), key=lambda item: item[1])[0]
    else:
        return None
    return gazetteer.get(f"country:{code}")


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
    return evidence(analyse(s, gazetteer) for s in sentences)


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
    analysed = [analyse(s, gazetteer) for s in sentences]
    context = evidence(analysed)
    return tuple(
        _described(s, resolve(a, gazetteer, context), gazetteer, context)
        for s, a in zip(sentences, analysed, strict=True)
    )
