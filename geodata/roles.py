"""Place roles: where an event happened (its site), or where it was held (its venue).

**Site.** A field event (an attack, a patrol, a deployment, a capture, people fleeing) is placed
at the place attached to its trigger in its own clause: the place right after the trigger ("struck
Saraqib") or after a locative preposition ("near Saraqib", "in the south of Idlib"). A capital
merely named in the sentence ("informed Moscow of the attack") is never the site; a place that is
only named ("the Sochi agreement") or stands for a government (``role="actor"``) neither.

**Venue.** Talks and agreements are placed at their venue ("in"/"at" a place that is not their
subject: "agreed on a ceasefire in Idlib ... in Moscow"), else at a place naming them, else at
their first place. Statements are placed where they were made ("told reporters in Ankara"), else
nowhere here (the assembly may take the dateline).

The mentions come from a :data:`~geodata.place_mentions.PlaceFinder`; who took part is
:mod:`geodata.actors`'s. Every step is linear in the number of places named.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from typing import NamedTuple

from geodata.cues import Cue, Cues
from geodata.place_mentions import PRECISION_RANK, MentionLike, finest, located, vague
from geodata.sentences import Sentence
from geodata.triggers import Trigger

__all__ = [
    "Placement",
    "choose_place",
    "held_somewhere",
    "venue_in",
]


def held_somewhere(trigger: Trigger, sentence: str) -> bool:
    """Whether the event has a venue (talks, a signing) rather than a site.

    A ceasefire taking effect or announced for an area is placed in that area, like a patrol.
    """
    if trigger.kind == "talks":
        return True
    return trigger.kind == "agreement" and not _IN_FORCE.search(sentence[trigger.start : trigger.end])


_IN_FORCE = re.compile(r"(?i)ceasefire|cease-fire|truce|cessation|effect|force")


def _tokens(sentence: Sentence, cues: Cues) -> _Tokens:
    """The sentence's token look-ups, made once per sentence (several events may need them)."""
    made = cues.memo.get("tokens")
    if not isinstance(made, _Tokens):
        made = cues.memo["tokens"] = _Tokens(sentence, cues)
    return made


class _Tokens:
    """Character-to-token lookups in one sentence (built once per sentence that needs them)."""

    def __init__(self, sentence: Sentence, cues: Cues) -> None:
        self.doc = sentence.doc
        self.first = sentence.first
        self.last = sentence.last
        self.offsets = sentence.offsets[0]  # where each token of the doc starts in its text
        self.origin = sentence.origin
        self.modifiers = {i for cue in cues["place_modifier"] for i in range(cue.first, cue.last)}
        self.locatives = {i for cue in cues["locative"] for i in range(cue.first, cue.last)}
        self.cues = cues

    def covered(self, name: str, k: int) -> bool:
        """Whether doc token ``k`` is inside a ``name`` cue (for the cues looked up rarely)."""
        return any(cue.first <= k < cue.last for cue in self.cues[name])

    def at(self, char: int) -> int:
        """The doc index of the token at (or just before) character ``char`` of the sentence."""
        return max(
            self.first, bisect.bisect_right(self.offsets, self.origin + char, self.first, self.last) - 1
        )

    def listed_after(self, previous: MentionLike, mention: MentionLike) -> bool:
        """Whether ``mention`` follows ``previous`` in a list ("X, Y and Z")."""
        first, last = self.at(previous.end - 1) + 1, self.at(mention.start)
        between = [self.doc[k].lower_ for k in range(first, last)]
        return 0 < len(between) <= 2 and all(w in (",", "and", "or", "the") for w in between)

    def back_over_list(self, k: int) -> int | None:
        """From a comma or "and" before a place, back over a list of capitalised names to what
        precedes the list; ``None`` when ``k`` is not inside such a list."""
        if k < self.first or self.doc[k].lower_ not in (",", "and", "or"):
            return None
        start = k
        while k >= self.first and start - k < 12:
            word = self.doc[k]
            if word.lower_ in (",", "and", "or", "-") or word.is_title:
                k -= 1
                continue
            return self.back_over_modifiers(k + 1) if k in self.modifiers else k
        return None

    def back_over_modifiers(self, token: int) -> int:
        """The doc index of the first token before ``token`` that is not a place modifier
        ("the", "northern", "town of"), a possessor ("in Russia's Sochi") or one of at most two
        describing words after an article ("in the coastal city of Sochi")."""
        k = token - 1
        while k >= self.first:
            if not (self._modifier(k) or self._possessor(k, token) or self._described(k)):
                break
            k -= 1
        return k

    def _modifier(self, k: int) -> bool:
        return k in self.modifiers or self.doc[k].text in ("'s", "’s")

    def _possessor(self, k: int, token: int) -> bool:
        return k + 1 < token and self.doc[k + 1].text in ("'s", "’s") and self.doc[k].is_title

    def _described(self, k: int) -> bool:
        for back in (1, 2):
            j = k - back
            words = range(j + 1, k + 1)
            if j < self.first or not all(self.doc[i].is_alpha and i not in self.locatives for i in words):
                return False
            if self.doc[j].lower_ in ("the", "a", "an"):
                return True
        return False


class Placement(NamedTuple):
    """Where a sentence places an event: ``place`` (or ``None``), whether it is a venue the
    sentence names ("in Moscow"), and for talks and agreements with no venue the place they are
    about, a last resort (``fallback``)."""

    place: MentionLike | None
    at_venue: bool = False
    fallback: MentionLike | None = None


def choose_place(
    trigger: Trigger,
    sentence: Sentence,
    mentions: Sequence[MentionLike],
    span: tuple[int, int],
    cues: Cues,
) -> Placement:
    """The event's place among the sentence's mentions inside ``span`` (its clause or quote)."""
    text = sentence.text
    inside = [m for m in mentions if span[0] <= m.start and m.end <= span[1]]
    # "Syria's Idlib", "Russia's Sochi": the possessor only qualifies the place that follows.
    starts = {m.start for m in inside}
    inside = [m for m in inside if not (text[m.end : m.end + 3] in ("'s ", "’s ") and m.end + 3 in starts)]
    # "patrols in northern Syria, meant to make the fighters leave Manbij": what the event is
    # for names a goal, not where it happened.
    goals = [cue.end for cue in cues["purpose"] if cue.start >= trigger.end]
    if goals:
        inside = [m for m in inside if m.start < goals[0]]
    places = located(inside)
    if not inside:
        return Placement(None)
    tokens = _tokens(sentence, cues)
    if trigger.kind == "statement":
        return _where_said(places, tokens)
    if not held_somewhere(trigger, text):
        # "Reports from the Hama Governorate say troops will pull out of Morek": where the news
        # came from (before the reporting verb) is not where it happened.
        said = list(cues.within("report", span[0], trigger.start))
        site = [m for m in places if not any(_reported_from(m, c, tokens, text) for c in said)]
        return Placement(_site(trigger, site, tokens, text))
    return _venue(trigger, inside, places, tokens)


_BE = frozenset({"is", "are", "was", "were", "been", "be"})


def _reported_from(mention: MentionLike, said: Cue, tokens: _Tokens, text: str) -> bool:
    """Whether ``mention`` names where a report came from: before its (active) reporting verb,
    with no comma or colon between ("X, the agency wrote, ...")."""
    passive = said.first > tokens.first and tokens.doc[said.first - 1].lower_ in _BE
    return (
        not passive
        and mention.end <= said.start
        and not any(c in text[mention.end : said.start] for c in ",:;")
    )


def _attached(mention: MentionLike, trigger: Trigger, tokens: _Tokens) -> bool:
    """Whether the place follows a locative preposition, or directly follows the trigger, maybe
    at the end of a list of names ("surrounded the towns of Latmenah, Kafr Zita and Morek")."""
    k = tokens.back_over_modifiers(tokens.at(mention.start))
    if k in tokens.locatives or trigger.first <= k < trigger.last:
        return True
    before_list = tokens.back_over_list(k)
    return before_list is not None and (
        before_list in tokens.locatives or trigger.first <= before_list < trigger.last
    )


def _site(trigger: Trigger, places: Sequence[MentionLike], tokens: _Tokens, text: str) -> MentionLike | None:
    attached: set[int] = set()
    distance: dict[int, int] = {}
    previous: MentionLike | None = None
    for m in sorted(places, key=lambda m: m.start):
        # A list of places ("surrounded Latmenah, Kafr Zita, Latmeen and Morek") is attached
        # as a whole, and as near as its first place.
        listed = previous is not None and id(previous) in attached and tokens.listed_after(previous, m)
        if listed or _attached(m, trigger, tokens):
            attached.add(id(m))
        near = _token_distance(m, trigger, tokens)
        distance[id(m)] = min(near, distance[id(previous)]) if listed and previous is not None else near
        previous = m
    # A capital or a country merely named ("Turkey informed Moscow of the attack") is not where
    # a strike took place.
    candidates = [m for m in places if id(m) in attached or (m.place.feature_code != "PPLC" and not vague(m))]
    if not candidates:
        return None
    # Attached first, then nearest the trigger ("officials in Aleppo said bombs exploded in
    # Ankara"), then in Syria, then finest.
    chosen = min(
        enumerate(candidates),
        key=lambda im: (
            vague(im[1]),
            id(im[1]) not in attached,
            distance[id(im[1])],
            im[1].place.country != "SY",
            PRECISION_RANK.get(im[1].geo_precision, 9),
            im[0],
        ),
    )[1]
    if trigger.kind == "deployment" and chosen.geo_precision in _AREA_PRECISIONS:
        # "The Morek observation post, the largest post in the north of Hama, was evacuated":
        # forces move to or from the post or base the sentence names; the area describes it.
        post = next((m for m in candidates if m.place.feature_code in _MILITARY_SITES), None)
        if post is not None:
            return post
    return _narrowed(chosen, candidates, text)


# "in the Hasakah countryside near Darbasiya", "in rural Idlib, near Saraqib": what follows
# "near" narrows the area named just before it.
_NARROWING = re.compile(
    r"(?:\s+(?:countryside|province|governorate|region|area|district))?"
    r"[\s,]*(?:near|close to|outside|around)\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?"
)
_AREA_PRECISIONS = frozenset({"district", "governorate", "country"})
#: Gazetteer feature codes of military sites: observation posts and air bases.
_MILITARY_SITES = frozenset({"OP", "AIRB"})


def _narrowed(chosen: MentionLike, candidates: Sequence[MentionLike], text: str) -> MentionLike:
    """The town "near" which an area's event happened, when the area is named just before it."""
    if chosen.geo_precision not in _AREA_PRECISIONS:
        return chosen
    for m in candidates:
        fine = m.start > chosen.end and m.geo_precision in ("town", "point") and not vague(m)
        if fine and _NARROWING.fullmatch(text, chosen.end, m.start):
            return m
    return chosen


def _token_distance(mention: MentionLike, trigger: Trigger, tokens: _Tokens) -> int:
    first = tokens.at(mention.start)
    last = tokens.at(max(mention.start, mention.end - 1))
    if last < trigger.first:
        return trigger.first - last
    return max(0, first - trigger.last + 1)


def _is_venue(mention: MentionLike, tokens: _Tokens) -> bool:
    k = tokens.back_over_modifiers(tokens.at(mention.start))
    after = tokens.at(mention.end - 1) + 1
    if tokens.covered("host", after) or tokens.covered("host", after + 1):
        return True  # "the Russian city of Sochi hosted a congress", "Ankara will host the talks"
    if not tokens.covered("venue", k):
        return False
    # "a ceasefire in Idlib", "discussed the situation in Idlib": the subject, not the venue.
    return not tokens.covered("subject_of", k)


def _venue(
    trigger: Trigger, inside: Sequence[MentionLike], places: Sequence[MentionLike], tokens: _Tokens
) -> Placement:
    venues = [m for m in places if _is_venue(m, tokens)]
    if venues:
        # A town rather than a region ("agreed on a ceasefire in Idlib ... in Moscow"), and one
        # following its event ("talks ... in Sochi", "signed in Astana"), nearest first.
        # Talks and agreements about Syria are held abroad far more often than in it: a place in
        # Syria beside one abroad is what they were about ("agreed on a ceasefire in Idlib ...
        # in Moscow").
        abroad = any(m.place.country != "SY" for m in venues)
        best = min(
            venues,
            key=lambda m: (
                PRECISION_RANK.get(m.geo_precision, 9) > PRECISION_RANK["town"],
                abroad and m.place.country == "SY",
                m.start < trigger.start,
                distance(m.start, m.end, trigger),
            ),
        )
        return Placement(best, at_venue=True)
    named = [m for m in inside if m.role == "name"]
    if named:
        return Placement(min(named, key=lambda m: (distance(m.start, m.end, trigger), m.start)))
    # What they were about, as a last resort: a place in a country, never a country (a party).
    fine = [m for m in places if not vague(m)]
    return Placement(None, fallback=fine[0] if fine else None)


def venue_in(sentence: Sentence, mentions: Sequence[MentionLike], cues: Cues) -> MentionLike | None:
    """The venue a sentence names ("in"/"at" a place that is not a subject), town first."""
    places = located(mentions)
    if not places:
        return None
    tokens = _tokens(sentence, cues)
    venues = [m for m in places if _is_venue(m, tokens)]
    return min(venues, key=lambda m: PRECISION_RANK.get(m.geo_precision, 9) > 1) if venues else None


def _where_said(places: Sequence[MentionLike], tokens: _Tokens) -> Placement:
    venues = [m for m in places if _is_venue(m, tokens) and not vague(m)]
    place = finest(venues)
    return Placement(place, at_venue=place is not None)


def distance(start: int, end: int, trigger: Trigger) -> int:
    """Characters between a span and a trigger (0 when they touch or overlap)."""
    return max(start - trigger.end, trigger.start - end, 0)
