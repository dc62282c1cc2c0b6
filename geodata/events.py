"""Events read out of news articles: what happened (or is planned), when, where, who.

The pipeline runs sentence by sentence over the body paragraphs of each article (never titles,
captions, clutter or comments, see :mod:`geodata.articles`):

1. split paragraphs into sentences (abbreviations such as "U.S.", "Sept." or "Nov." do not end one);
2. find event triggers from fixed lexicons (:mod:`geodata._event_words`), one per kind
   (``patrol``, ``agreement``, ``talks``, ``attack``, ``displacement``, ``deployment``,
   ``statement``, ``other``), skipping negated ("failed to agree"), hypothetical ("may target
   the patrols"), wished-for ("wants the army to pull back") and stative ("the zone is deployed
   in ...") ones; a leading "Following their meeting in Sochi last week, ..." clause yields its
   own background event when it has its own date; each clause ("..., and forces shelled ...")
   may report one event, a strong verb preferred to a noun, a noun that refers back ("The talks
   came a week after ...") last, and the terms of an agreement ("The deal envisages ...") never;
3. read the status from tense and modality cues (``planned`` for announced or agreed future events,
   ``ongoing`` for progressive or "since ..." ones, else ``occurred``);
4. take the date from the sentence (:mod:`geodata.dates`; not one nearer another event word, as in
   "..., meeting the deadline of the deal struck last month"), else from the previous sentence of
   the paragraph, else a window around publication (with lower confidence);
5. choose the place among the sentence's places (the venue for talks and agreements, or the
   dateline abroad for a same-week report; the site for patrols, attacks and ceasefires; the
   place "the town" or "the area" refers back to), else the paragraph's or the article's main
   place;
6. merge reports of the same event, within and across articles, into one event listing every source.

:func:`extract_events` runs it on a folder; :func:`events_frame` turns the events into a
GeoDataFrame with exactly ``schema.EVENT_PROPERTIES`` as columns.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import itertools
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NamedTuple, Protocol

import geopandas as gpd
from shapely.geometry import Point

from geodata import settings
from geodata._errors import Problem
from geodata._event_words import (
    ABBREVIATIONS,
    ACTION_CUE,
    ACTOR_LEXICON,
    ANAPHORIC_OPENING,
    AREA_ANAPHORA,
    CLAUSE_CUT,
    FORCES,
    HEDGE_AFTER_WORDS,
    HEDGE_WORDS,
    IRREALIS,
    IRREALIS_ANYWHERE,
    LEADING_CLAUSE,
    LEXICON,
    LINKING_AFTER,
    MOVEMENT_WORDS,
    NAME,
    NEGATION_WORDS,
    NOT_NAMES,
    ONGOING,
    PLANNED,
    STATIVE_BEFORE,
    SUBJECT_BEFORE,
    TERMS_AFTER,
)
from geodata.articles import Article, read_articles
from geodata.dates import DateInterval, DateMention, find_dates, is_future
from geodata.gazetteer import Gazetteer, load_gazetteer
from geodata.geocoding import find_places
from geodata.schema import EVENT_PROPERTIES

__all__ = [
    "Event",
    "EventRun",
    "PlaceFinder",
    "Source",
    "default_place_finder",
    "events_frame",
    "extract_events",
    "extract_from_articles",
    "merge_events",
    "split_sentences",
]

logger = logging.getLogger(__name__)

_PRECISION_RANK = {"point": 0, "town": 1, "district": 2, "governorate": 3, "country": 4}


# --- what we need from the gazetteer ----------------------------------------------------------


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


def default_place_finder(gazetteer: Gazetteer | None = None) -> PlaceFinder:
    """The project gazetteer's :func:`~geodata.geocoding.find_places`, bound to a gazetteer.

    Parameters
    ----------
    gazetteer
        Defaults to :func:`~geodata.gazetteer.load_gazetteer` (the project's file).
    """
    loaded = gazetteer if gazetteer is not None else load_gazetteer()

    def finder(sentence: str) -> Sequence[MentionLike]:
        return find_places(sentence, loaded)

    return finder


# --- records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """One report of an event: the article and the sentence it was read from."""

    article: str
    sentence: str
    outlet: str = ""
    url: str = ""
    published: dt.date | None = None


@dataclass(frozen=True)
class Event:
    """One event, possibly reported by several articles (``sources``, first one first).

    ``date`` is ``None`` when nothing could date it (no publication date either); ``place_*`` fields
    are empty and ``lon``/``lat`` ``None`` when it could not be located.
    """

    kind: str
    status: str
    date: DateInterval | None
    place: str = ""
    place_id: str = ""
    lon: float | None = None
    lat: float | None = None
    geo_precision: str = ""
    uncertainty_km: float | None = None
    actors: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    confidence: float = 0.5
    place_country: str = ""
    date_source: str = "text"

    @property
    def event_id(self) -> str:
        """A stable id: a hash of kind, dates, place and the first quote."""
        start, end = (self.date.start, self.date.end) if self.date else ("", "")
        quote = self.sources[0].sentence if self.sources else ""
        key = "|".join(map(str, (self.kind, start, end, self.place_id, quote)))
        return "ev-" + hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]

    @property
    def articles(self) -> tuple[str, ...]:
        """File names of the reporting articles, first source first, no repeats."""
        return tuple(dict.fromkeys(source.article for source in self.sources))


@dataclass(frozen=True)
class EventRun:
    """The result of a run: merged events, every problem met, and the articles read."""

    events: tuple[Event, ...]
    problems: tuple[Problem, ...]
    articles: tuple[Article, ...]

    @property
    def unlocated(self) -> int:
        """How many events have no place."""
        return sum(event.lon is None for event in self.events)


# --- sentences --------------------------------------------------------------------------------

# No sentence splitter ships with our dependencies (nltk's punkt needs a model download), and news
# prose needs only this: a full stop ends a sentence unless it closes a known abbreviation or an
# initial.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*\s+(?=[\"“‘'(\[]?[A-Z0-9])")


_LAST_WORD = re.compile(r"([\w.]+)\.?$")


def split_sentences(paragraph: str) -> tuple[str, ...]:
    """Split a paragraph into sentences, keeping "U.S.", "Sept. 17", "Nov. 1" inside one."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        before = paragraph[start : match.start() + 1]
        word = _LAST_WORD.search(before[-40:])  # "$" makes a search scan the whole prefix
        token = word.group(1).lower().rstrip(".") if word else ""
        if paragraph[match.start()] == "." and (
            token in ABBREVIATIONS or (len(token) == 1 and token.isalpha())
        ):
            continue
        sentences.append(paragraph[start : match.end()].strip())
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return tuple(sentences)


# --- triggers ---------------------------------------------------------------------------------


class _Trigger(NamedTuple):
    # A NamedTuple, not a frozen dataclass: one is made per lexicon match, and a frozen
    # dataclass's __init__ costs several times more.
    kind: str
    start: int
    end: int
    strong: bool


def _words_of(text: str) -> list[str]:
    return [w.strip(".,;:!?\"“”'’()") for w in text.split()]


# Every word _negated_or_hedged looks for, in a lower-cased sentence ("May" counts here too; the
# check itself tells the month from the modal).
_MODAL_WORDS = sorted({*NEGATION_WORDS, *HEDGE_WORDS, *HEDGE_AFTER_WORDS, "may"})
_ANY_MODAL = re.compile(
    rf"\b(?=[{''.join(sorted({w[0] for w in _MODAL_WORDS}))}])(?:{'|'.join(map(re.escape, _MODAL_WORDS))})\b"
)


def _negated_or_hedged(before: str, after: str) -> bool:
    """Whether the few words around a trigger negate it ("failed to agree", "the absence of a
    full agreement") or make it hypothetical ("may even attempt to target the patrols")."""
    words = _words_of(" ".join(before.split()[-6:]))  # only the last words are read
    if any(w.lower() in NEGATION_WORDS for w in words[-4:]):
        return True
    # "may" is a modal only in lower case: "May" is the month.
    if any(w.lower() in HEDGE_WORDS or w == "may" for w in words):
        return True
    return any(w in HEDGE_AFTER_WORDS for w in _words_of(" ".join(after.split()[:3])))


# All lexicons in one pattern, one named group per entry: a single pass over the sentence. The
# lexicons are lower case, and matching a lower-cased copy is faster than IGNORECASE.
# Every entry opens with a word boundary; stating it once in front, followed by a look-ahead for a
# letter, lets the matcher reject most positions at once instead of trying each entry there (three
# times faster on news text, same matches).
def _one_pass(patterns: Sequence[str], prefix: str) -> str:
    if not all(p.startswith(r"\b") for p in patterns):
        raise ValueError("every lexicon entry must start with a word boundary")
    return r"\b(?=[A-Za-z])(?:" + "|".join(f"(?P<{prefix}{i}>{p[2:]})" for i, p in enumerate(patterns)) + ")"


_TRIGGER_ALTERNATIVES = _one_pass([pattern.pattern for _, pattern, _ in LEXICON], "t")
_ANY_TRIGGER = re.compile(_TRIGGER_ALTERNATIVES)
_GROUPS = {f"t{i}": (kind, strong) for i, (kind, _, strong) in enumerate(LEXICON)}
_ANY_TRIGGER_ANY_CASE = re.compile(_TRIGGER_ALTERNATIVES, re.IGNORECASE)


def _raw_triggers(sentence: str) -> list[_Trigger]:
    """Every lexicon match in ``sentence`` that is neither negated nor hedged, in order."""
    lowered = sentence.lower()
    if len(lowered) == len(sentence):  # same offsets (lower() can lengthen, e.g. "İ")
        matches = _ANY_TRIGGER.finditer(lowered)
    else:
        matches = _ANY_TRIGGER_ANY_CASE.finditer(sentence)
    found: list[_Trigger] = []
    doubtful = wishful = None
    for match in matches:
        if doubtful is None:
            # Most sentences with a trigger have no negation, hedge or wish at all: then no match
            # needs the words around it read.
            doubtful = _ANY_MODAL.search(lowered) is not None
            wishful = IRREALIS_ANYWHERE.search(lowered) is not None
        kind, strong = _GROUPS[match.lastgroup or "t0"]
        start, end = match.span()
        if kind == "deployment" and match.group(0) in MOVEMENT_WORDS and not FORCES.search(lowered):
            continue  # people on the move, not forces
        stative = kind == "deployment" and match.group(0).endswith("ed")
        if doubtful or wishful or stative:
            before = sentence[max(0, start - 80) : start]
            if doubtful and _negated_or_hedged(before, sentence[end : end + 40]):
                continue
            if wishful and IRREALIS.search(before):
                continue
            if stative and STATIVE_BEFORE.search(before):
                continue  # "the third zone is deployed in Eastern Ghouta": a state, not an arrival
        found.append(_Trigger(kind, start, end, strong))
    return found


def _with_cues(triggers: Sequence[_Trigger], clause: str, *, dated: bool) -> list[_Trigger]:
    """Drop nouns ("patrols") unless the clause has a date, an action or a future cue."""
    if all(t.strong for t in triggers):
        return list(triggers)
    if dated or ACTION_CUE.search(clause) or is_future(clause):
        return list(triggers)
    return [t for t in triggers if t.strong]


def _ranked(triggers: Sequence[_Trigger], sentence: str, start: int) -> list[_Trigger]:
    """Content triggers of a clause, the likeliest news first.

    A strong trigger beats a noun ("a suicide bomber rammed ... a joint patrol" is an attack), and
    a definite noun opening the clause ("The talks came a week after ...") refers back to an event
    already reported, so it comes last; otherwise the first named comes first. When the clause
    describes the terms of an agreement ("The deal envisages the withdrawal of ..."), only the
    agreement is a candidate.
    """
    content = [t for t in triggers if t.kind != "statement"]
    terms = [t for t in content if t.kind == "agreement" and TERMS_AFTER.match(sentence[t.end : t.end + 20])]
    if terms:
        return terms[:1]  # the terms themselves ("the withdrawal of ...") are not events
    return sorted(content, key=lambda t: (_refers_back(t, sentence, start), not t.strong, t.start))


def _refers_back(trigger: _Trigger, sentence: str, start: int) -> bool:
    return bool(
        ANAPHORIC_OPENING.match(sentence[start : trigger.start])
        and LINKING_AFTER.match(sentence[trigger.end : trigger.end + 12])
    )


# --- actors -----------------------------------------------------------------------------------


# One pass for the whole lexicon; group i is actor i.
_ANY_ACTOR = re.compile(_one_pass([p.pattern for _, p in ACTOR_LEXICON], "a"))


def _actors(sentence: str, mentions: Sequence[MentionLike]) -> tuple[str, ...]:
    found = {int((m.lastgroup or "a0")[1:]) for m in _ANY_ACTOR.finditer(sentence)}
    names = [ACTOR_LEXICON[i][0] for i in sorted(found)]
    places = {m.text for m in mentions}
    for match in NAME.finditer(sentence):
        words = match.group(0).split()
        while words and words[0] in NOT_NAMES:
            words.pop(0)
        if len(words) >= 2 and not any(w in NOT_NAMES for w in words):
            person = _ascii(" ".join(words))
            if person not in places:
                names.append(person)
    return tuple(dict.fromkeys(names))


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# --- places -----------------------------------------------------------------------------------

_VENUE_BEFORE = re.compile(r"(?i)\b(?:in|at)\s+(?:[A-Z][\w’'-]*(?:'s|’s)\s+)?$")


def _located(mentions: Sequence[MentionLike]) -> list[MentionLike]:
    return [m for m in mentions if m.role == "location"]


def _finest(mentions: Sequence[MentionLike]) -> MentionLike | None:
    if not mentions:
        return None
    # Prefer places in Syria (this is a Syria atlas; "Moscow" in an Idlib patrol story is rarely
    # the site), then the finest precision, then the first named.
    ranked = sorted(
        enumerate(mentions),
        key=lambda im: (
            im[1].place.country != "SY",
            _PRECISION_RANK.get(im[1].geo_precision, 9),
            im[0],
        ),
    )
    return ranked[0][1]


def _choose_place(
    trigger: _Trigger, sentence: str, mentions: Sequence[MentionLike], span: tuple[int, int]
) -> MentionLike | None:
    """The event's place among the sentence's mentions inside ``span`` (the clause or quote).

    Talks and agreements take their venue: the "in"/"at" place nearest the trigger ("held summit
    talks with Iran in Russia's Sochi"), else a place naming them ("the Sochi agreement"), else the
    first place. Other events take their site: the finest place, preferring places in Syria.
    """
    inside = [m for m in mentions if span[0] <= m.start and m.end <= span[1]]
    # "Syria's Idlib", "Russia's Sochi": the possessor only qualifies the place that follows.
    possessed = {m.start for m in inside}
    inside = [
        m
        for m in inside
        if not any(m.end + len(g) == o for o in possessed for g in ("'s ", "’s "))
        or sentence[m.end : m.end + 3] not in ("'s ", "’s ")
    ]
    located = _located(inside)
    if not _held_somewhere(trigger, sentence):
        # A capital named as a venue ("informed Moscow of the attack") is not where a strike,
        # patrol or flight took place.
        return _finest([m for m in located if getattr(m.place, "kind", "") != "venue"])
    venues = [
        m
        for m in located
        if _VENUE_BEFORE.search(sentence[max(0, m.start - 40) : m.start])
        and not SUBJECT_BEFORE.search(sentence[max(0, m.start - 60) : m.start])
    ]
    if venues:
        # A town rather than a region ("agreed on a ceasefire in Idlib ... in Moscow"), and one
        # following its event ("talks ... in Sochi", "signed in Astana"), nearest first.
        return min(
            venues,
            key=lambda m: (
                _PRECISION_RANK.get(m.geo_precision, 9) > _PRECISION_RANK["town"],
                m.start < trigger.start,
                _distance(m, trigger),
            ),
        )
    named = [m for m in inside if m.role == "name"]
    if named:
        return min(named, key=lambda m: (_distance(m, trigger), m.start))
    fine = [m for m in located if m.geo_precision != "country"]
    candidates = fine or located
    return candidates[0] if candidates else None


_IN_FORCE = re.compile(r"(?i)ceasefire|cease-fire|truce|effect|force")


def _held_somewhere(trigger: _Trigger, sentence: str) -> bool:
    """Whether the event has a venue (talks, a signing) rather than a site.

    A ceasefire taking effect or announced for an area is placed in that area, like a patrol.
    """
    if trigger.kind == "talks":
        return True
    return trigger.kind == "agreement" and not _IN_FORCE.search(sentence[trigger.start : trigger.end])


def _distance(mention: MentionLike, trigger: _Trigger) -> int:
    return max(mention.start - trigger.end, trigger.start - mention.end, 0)


_QUOTE = re.compile(r"[\"“][^\"“”]{3,}[\"”]|^[^\"“”]*[\"”]")


def _quote_span(sentence: str, position: int) -> tuple[int, int] | None:
    """The quotation the character at ``position`` is in, if any."""
    if '"' not in sentence and "“" not in sentence and "”" not in sentence:
        return None
    for match in _QUOTE.finditer(sentence):
        if match.start() <= position < match.end():
            return match.start(), match.end()
    return None


# --- one article ------------------------------------------------------------------------------


_TOWN_ANAPHORA = re.compile(r"\b[Tt]he (?:city|town)\b(?! of)")


class _Context:
    """An article's sentences, with their places and dates worked out only when asked for.

    Most sentences report no event: their places and dates are needed only when an event nearby
    lacks its own (the previous sentence's date, the paragraph's place, the article's main place).
    """

    def __init__(self, article: Article, find_places: PlaceFinder) -> None:
        self.article = article
        self.find_places = find_places
        self.paragraphs = [split_sentences(p) for p in article.body]
        self._places: dict[tuple[int, int], Sequence[MentionLike]] = {}
        self._dates: dict[tuple[int, int], tuple[DateMention, ...]] = {}
        self._main: list[MentionLike | None] = []
        self.dateline_place: MentionLike | None = None
        if article.dateline_place:
            self.dateline_place = _finest(_located(find_places(article.dateline_place)))

    def places(self, p: int, i: int) -> Sequence[MentionLike]:
        if (p, i) not in self._places:
            self._places[p, i] = self.find_places(self.paragraphs[p][i])
        return self._places[p, i]

    def dates(self, p: int, i: int) -> tuple[DateMention, ...]:
        if (p, i) not in self._dates:
            published = self.article.published
            sentence = self.paragraphs[p][i]
            self._dates[p, i] = find_dates(sentence, reference=published) if published else ()
        return self._dates[p, i]

    def last_date(self, p: int, i: int) -> DateInterval | None:
        """The first date of the nearest earlier sentence of the paragraph that has one."""
        for j in range(i - 1, -1, -1):
            dates = self.dates(p, j)
            if dates:
                return dates[0].interval
        return None

    def last_place(self, p: int, i: int) -> MentionLike | None:
        """The finest sub-country place of the nearest earlier sentence of the paragraph.

        When the sentence says "the city" or "the town", the last town named before it, even
        inside a name ("the Manbij road map ... gained control of the city").
        """
        if _TOWN_ANAPHORA.search(self.paragraphs[p][i]):
            for j in range(i - 1, -1, -1):
                towns = [m for m in self.places(p, j) if m.geo_precision == "town"]
                if towns and towns[-1].role != "actor":
                    return towns[-1]
        for j in range(i - 1, -1, -1):
            located = _finest(_located(self.places(p, j)))
            if located is not None and located.geo_precision != "country":
                return located
        return None

    def referent(self, p: int, i: int) -> MentionLike | None:
        """The place "the town" or "the area" refers back to, in this paragraph or an earlier one.

        "The town" and "the city" take the last town named (a region, a governorate or a road is
        not one); "the area" the last place below governorate level. Nothing when none was named:
        better unlocated than placed in an unrelated governorate.
        """
        sentence = self.paragraphs[p][i]
        towns_only = _TOWN_ANAPHORA.search(sentence) is not None
        finest = ("town",) if towns_only else ("point", "town", "district")
        for q in range(p, -1, -1):
            last = i if q == p else len(self.paragraphs[q])
            for j in range(last - 1, -1, -1):
                found = [m for m in self.places(q, j) if m.role != "actor" and m.geo_precision in finest]
                if found:
                    return found[-1]
        return None

    def main_place(self) -> MentionLike | None:
        """The sub-country place the body names most often (the first of equals)."""
        if not self._main:
            counts: Counter[str] = Counter()
            first: dict[str, MentionLike] = {}
            for p, sentences in enumerate(self.paragraphs):
                for i in range(len(sentences)):
                    for mention in _located(self.places(p, i)):
                        if mention.geo_precision != "country":
                            counts[mention.place.place_id] += 1
                            first.setdefault(mention.place.place_id, mention)
            order = list(first)
            best = max(counts, key=lambda k: (counts[k], -order.index(k)), default=None)
            self._main.append(first[best] if best is not None else None)
        return self._main[0]


@dataclass
class _Draft:
    kind: str
    status: str
    date: DateInterval | None
    date_explicit: bool
    place: MentionLike | None
    place_explicit: bool
    actor_text: str
    mentions: Sequence[MentionLike]
    strong: bool
    held: bool = False  # talks or a signing: placed at a venue, never by the context
    venue: bool = False  # placed at a venue abroad named in the sentence


def extract_from_articles(
    articles: Iterable[Article], find_places: PlaceFinder
) -> tuple[tuple[Event, ...], tuple[Problem, ...]]:
    """Events of ``articles`` (merged across them) and the problems met on the way."""
    events: list[Event] = []
    problems: list[Problem] = []
    with _cycle_collector_paused():
        for article in articles:
            found = _article_events(article, find_places)
            if not found and article.body:
                problems.append(Problem(article.file, "no event found", severity="warning"))
            events.extend(found)
        return merge_events(events), tuple(problems)


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of a run.

    A run allocates a great many short-lived objects (matches, tuples, records) and no reference
    cycles, so reference counting frees them all; but the allocations keep triggering the cyclic
    collector, whose full passes also walk everything the process holds, the gazetteer's indexes
    included. Pausing it makes the run about a tenth faster (bench/README.md). It is switched
    back on afterwards, even on error, and only if it was on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _article_events(article: Article, find_places: PlaceFinder) -> list[Event]:
    context = _Context(article, find_places)
    events: list[Event] = []
    for p, sentences in enumerate(context.paragraphs):
        for i, sentence in enumerate(sentences):
            raw = _raw_triggers(sentence)
            if not raw:
                continue  # no event can come from it; its places and dates may never be needed
            referent = context.referent(p, i) if AREA_ANAPHORA.search(sentence) else None
            drafts = _sentence_drafts(
                sentence, context.places(p, i), context.dates(p, i), article, raw, referent=referent
            )
            events.extend(_finish(draft, sentence, context, p, i) for draft in drafts)
    return events


def _sentence_drafts(
    sentence: str,
    mentions: Sequence[MentionLike],
    dates: Sequence[DateMention],
    article: Article,
    raw: Sequence[_Trigger] | None = None,
    *,
    referent: MentionLike | None = None,
) -> list[_Draft]:
    """The events of one sentence: a background one from a leading clause, then one per clause
    that reports something of its own, then the statement when it has its own date or is all
    the sentence reports.

    ``referent`` is the place "the town" or "the area" refers back to, if the sentence says so.
    """
    raw = _raw_triggers(sentence) if raw is None else raw
    anaphor = AREA_ANAPHORA.search(sentence) if referent is not None else None
    drafts: list[_Draft] = []
    main_from = 0
    leading = LEADING_CLAUSE.match(sentence)
    if leading:
        background = [t for t in raw if t.end <= leading.end() and t.kind in ("talks", "agreement")]
        if background or leading.group(1) == "According to":
            main_from = leading.end()
        if background and leading.group(1) != "According to":
            draft = _draft(background[0], sentence, mentions, dates, article, (0, main_from))
            # Background needs its own date: "Under the additional protocol to the 2018 Sochi
            # memorandum, ..." names an old agreement, not one made at publication.
            if _viable(draft) and draft.date_explicit:
                drafts.append(draft)
    span = (main_from, len(sentence))
    dated = any(d.start >= main_from for d in dates)
    main = [t for t in raw if t.start >= main_from]
    triggers = _with_cues(main, sentence[main_from:], dated=dated)
    statement, own_dates = _statement_dates(triggers, dates)
    usable = [d for d in dates if d not in own_dates]
    content: list[_Draft] = []
    for clause, candidates in _clause_triggers(sentence, span, triggers, dates):
        previous = content[-1] if content else None
        for trigger in candidates:
            own = _dates_of(trigger, raw, usable, sentence)
            draft = _draft(trigger, sentence, mentions, own, article, clause, anaphor=anaphor)
            if leading and main_from and sentence.startswith("Since") and draft.date is None:
                draft = _since_clause(draft, dates, article, main_from)
            draft = _completed(draft, previous, referent)
            if _viable(draft):
                if previous is None or not _repeats(draft, previous):
                    content.append(draft)
                break
    drafts.extend(content)
    if statement is not None and (own_dates or not drafts):
        draft = _draft(statement, sentence, mentions, own_dates or dates, article, span)
        if _viable(draft):
            drafts.append(draft)
    return drafts


def _clause_triggers(
    sentence: str, span: tuple[int, int], triggers: Sequence[_Trigger], dates: Sequence[DateMention]
) -> list[tuple[tuple[int, int], list[_Trigger]]]:
    """The clauses of ``span`` that may report an event, each with its triggers best first.

    The first clause with a content trigger always counts; a later one ("..., and its membership
    was finalised after the guarantors met in Ankara in September") only with a strong trigger or
    a date of its own.
    Each clause runs until the next counted one, so a date or place is read in its own clause.
    """
    inner = [m.end() for m in CLAUSE_CUT.finditer(sentence, span[0], span[1])]
    if not inner:  # one clause, as most sentences
        content = [t for t in triggers if span[0] <= t.start < span[1] and t.kind != "statement"]
        return [(span, _ranked(content, sentence, span[0]))] if content else []
    cuts = [span[0], *inner, span[1]]
    found: list[tuple[int, list[_Trigger]]] = []
    for start, end in itertools.pairwise(cuts):
        inside = [t for t in triggers if start <= t.start < end and t.kind != "statement"]
        dated = any(start <= d.start < end for d in dates)
        if inside and (not found or dated or any(t.strong for t in inside)):
            found.append((start, inside))
    result: list[tuple[tuple[int, int], list[_Trigger]]] = []
    for k, (start, inside) in enumerate(found):
        end = found[k + 1][0] if k + 1 < len(found) else span[1]
        begin = span[0] if k == 0 else start
        result.append(((begin, end), _ranked(inside, sentence, start)))
    return result


def _completed(draft: _Draft, previous: _Draft | None, referent: MentionLike | None) -> _Draft:
    """A later clause shares the date of the first ("... on Tuesday, and forces shelled ..."); an
    event with no place of its own takes the place "the town" or "the area" refers to."""
    if previous is not None and draft.date is None and previous.date is not None:
        draft = replace(draft, date=previous.date, date_explicit=previous.date_explicit)
    vague = draft.place is None or draft.place.geo_precision == "country"
    if vague and referent is not None and draft.kind not in ("talks", "agreement"):
        draft = replace(draft, place=referent, place_explicit=True)
    return draft


def _repeats(draft: _Draft, previous: _Draft) -> bool:
    """Whether a later clause only goes on about the event of the clause before."""
    same_place = draft.place is None or (
        previous.place is not None and draft.place.place.place_id == previous.place.place.place_id
    )
    return draft.kind == previous.kind and same_place


def _dates_of(
    trigger: _Trigger, raw: Sequence[_Trigger], dates: Sequence[DateMention], sentence: str
) -> list[DateMention]:
    """The dates that may date ``trigger``: not those nearer another kind of event word.

    In "Rebels have completed the withdrawal ..., meeting the deadline of the deal struck last
    month", "last month" dates the deal. With no date of its own, the event takes the date of
    the report ("..., the ministry said on Wednesday"), else any date of the sentence.
    """
    if len({t.kind for t in raw}) < 2:
        return list(dates)
    mine = [d for d in dates if min(raw, key=lambda t: _gap(t, d.start, d.end)).kind == trigger.kind]
    if mine:
        return mine
    reported = [d for d in dates if _REPORTED.search(sentence[max(0, d.start - 60) : d.start])]
    return reported or list(dates)


def _gap(trigger: _Trigger, start: int, end: int) -> int:
    return max(start - trigger.end, trigger.start - end, 0)


def _viable(draft: _Draft) -> bool:
    """Keep an event only when the sentence itself dates it or places it below country level."""
    placed = draft.place is not None and draft.place.geo_precision != "country"
    if draft.kind == "statement":
        return draft.date_explicit
    return draft.date_explicit or placed


def _statement_dates(
    triggers: Sequence[_Trigger], dates: Sequence[DateMention]
) -> tuple[_Trigger | None, list[DateMention]]:
    """The reporting trigger, and the dates that belong to it rather than to what it reports.

    In "Last month, X announced that joint patrols will be conducted", "last month" dates the
    announcement: it stands before the reporting verb, and the reported event comes after it.
    """
    statement = next((t for t in triggers if t.kind == "statement"), None)
    if statement is None:
        return None, []
    content_after = any(t.kind != "statement" and t.start > statement.end for t in triggers)
    if not content_after:
        return statement, []
    return statement, [d for d in dates if d.end <= statement.start]


def _since_clause(draft: _Draft, dates: Sequence[DateMention], article: Article, main_from: int) -> _Draft:
    # "Since the Sochi agreement in September, ... have lost their lives": from then until
    # publication.
    in_clause = [d for d in dates if d.end <= main_from]
    if not in_clause or article.published is None:
        return draft
    start = in_clause[0].point.start
    interval = DateInterval(start, max(start, article.published), "range")
    return replace(draft, date=interval, date_explicit=True, status="ongoing")


_SAID_END = re.compile(r"\bthat\b|[,;:]")


def _draft(
    trigger: _Trigger,
    sentence: str,
    mentions: Sequence[MentionLike],
    dates: Sequence[DateMention],
    article: Article,
    span: tuple[int, int],
    *,
    anaphor: re.Match[str] | None = None,
) -> _Draft:
    quote = _quote_span(sentence, trigger.start)
    place_span = quote or span
    if trigger.kind == "statement":
        # Where it was said, not what it was about: "X revealed that talks ... in Idlib".
        said = _SAID_END.search(sentence, trigger.end, span[1])
        place_span = (span[0], said.start() if said else span[1])
    place = _choose_place(trigger, sentence, mentions, place_span)
    # "deployed police to posts around the town on Tuesday, after talks ... in Qamishli": the
    # town referred to is nearer the event word than the place named.
    if (
        place is not None
        and anaphor is not None
        and not _held_somewhere(trigger, sentence)
        and _gap(trigger, anaphor.start(), anaphor.end()) < _gap(trigger, place.start, place.end)
    ):
        place = None
    venue = _held_somewhere(trigger, sentence) and place is not None and place.place.country != "SY"
    clause_dates = [d for d in dates if span[0] <= d.start < span[1]]
    date = _choose_date(trigger, sentence, clause_dates)
    status = _status(trigger, sentence, span, date, article.published, quote)
    return _Draft(
        kind=trigger.kind,
        status=status,
        date=date,
        date_explicit=date is not None,
        place=place,
        place_explicit=place is not None,
        actor_text=sentence[span[0] : span[1]],
        mentions=mentions,
        strong=trigger.strong,
        held=_held_somewhere(trigger, sentence),
        venue=venue,
    )


_REPORTED = re.compile(
    r"(?i)\b(?:said|told|announced|stated|reported|revealed|confirmed|added)\b[^.;]{0,40}$"
)


def _choose_date(trigger: _Trigger, sentence: str, dates: Sequence[DateMention]) -> DateInterval | None:
    """The date nearest the trigger, skipping dates of the report ("told X on April 28")."""
    if not dates:
        return None
    if trigger.kind != "statement":
        own = [d for d in dates if not _REPORTED.search(sentence[max(0, d.start - 60) : d.start])]
        dates = own or dates
    nearest = min(dates, key=lambda d: min(abs(d.start - trigger.end), abs(trigger.start - d.end)))
    # An agreement or a meeting happens at a point: "Since May 2017, a memorandum signed in
    # Astana ..." dates the signing to May 2017, not to the whole span since.
    point_like = trigger.kind in ("agreement", "talks", "statement")
    return nearest.point if point_like else nearest.interval


_PERFECT = re.compile(r"\bha(?:ve|s)\s+(?:been\s+)?\w+")


def _status(
    trigger: _Trigger,
    sentence: str,
    span: tuple[int, int],
    date: DateInterval | None,
    published: dt.date | None,
    quote: tuple[int, int] | None,
) -> str:
    clause = sentence[span[0] : span[1]]
    if trigger.kind == "statement":
        clause = sentence[span[0] : trigger.end]  # "announced that X will ...": the announcing is past
    if quote is not None:
        clause = sentence[quote[0] : quote[1]]
    if published is not None and date is not None and date.start > published:
        return "planned"
    if is_future(clause) or PLANNED.search(clause):
        return "planned"
    since = date is not None and published is not None and "since" in clause.lower()
    if since and date is not None and published is not None and date.start < published <= date.end:
        return "ongoing"
    # "7,000 people have left the town since the fighting began in late November": a perfect
    # with "since" runs up to publication, whatever the date names.
    perfect = _PERFECT.search(clause) is not None
    if since and perfect and date is not None and published is not None and date.start < published:
        return "ongoing" if trigger.kind not in ("agreement", "talks") else "occurred"
    if ONGOING.search(clause) and trigger.kind != "agreement":
        return "ongoing"
    return "occurred"


def _finish(draft: _Draft, sentence: str, context: _Context, p: int, i: int) -> Event:
    """Complete a draft from context: a place and a date when the sentence gave none."""
    article = context.article
    place = draft.place
    place_explicit = draft.place_explicit
    if draft.kind == "statement" and (place is None or place.geo_precision == "country"):
        place = context.dateline_place or place
    elif draft.held and not draft.venue and _reported_from_venue(draft, context):
        # "MOSCOW - Putin and Erdogan agreed on Thursday on a ceasefire in Idlib": no venue in the
        # sentence, a same-week report datelined abroad: the dateline is the venue.
        place, place_explicit = context.dateline_place, True
    elif place is None and not draft.held and not AREA_ANAPHORA.search(sentence):
        # (When the sentence refers back to "the town" and no town was named before, it stays
        # unlocated: the article's main place may be a governorate it does not mean.)
        place = context.last_place(p, i) or context.main_place()
    date, date_explicit, date_source = draft.date, draft.date_explicit, "text"
    last_date = context.last_date(p, i) if date is None else None
    if last_date is not None:
        date, date_source = last_date, "context"
    elif date is None and article.published is not None:
        date, date_source = _undated(draft.status, article.published), "publication"
    confidence = 0.45 + 0.2 * date_explicit + 0.2 * place_explicit + 0.1 * draft.strong
    source = Source(article.file, sentence, article.outlet, article.url, article.published)
    return Event(
        kind=draft.kind,
        status=draft.status,
        date=date,
        place=place.place.name if place else "",
        place_id=place.place.place_id if place else "",
        lon=place.place.lon if place else None,
        lat=place.place.lat if place else None,
        geo_precision=place.geo_precision if place else "",
        uncertainty_km=place.uncertainty_km if place else None,
        actors=_actors(draft.actor_text, draft.mentions),
        sources=(source,),
        confidence=round(min(confidence, 0.95), 2),
        place_country=place.place.country if place else "",
        date_source=date_source,
    )


def _reported_from_venue(draft: _Draft, context: _Context) -> bool:
    dateline, published = context.dateline_place, context.article.published
    if dateline is None or dateline.place.country == "SY" or published is None:
        return False
    return draft.date is not None and abs((published - draft.date.end).days) <= 3


def _undated(status: str, published: dt.date) -> DateInterval:
    # No date in the text: a reported event happened in the days before publication; a planned
    # one is due in the weeks after. Both are ranges, so the map does not pretend to know the day.
    if status == "planned":
        return DateInterval(published, published + dt.timedelta(days=30), "range")
    return DateInterval(published - dt.timedelta(days=6), published, "range")


# --- merging ----------------------------------------------------------------------------------


def _same_status(a: str, b: str) -> bool:
    return a == b or {a, b} == {"occurred", "ongoing"}


def _dates_match(a: Event, b: Event, a_articles: set[str]) -> bool:
    if a.date is None or b.date is None:
        return a.date is b.date
    if not (a.date.contains(b.date) or b.date.contains(a.date)):
        return False
    if max(a.date.days, b.date.days) > 31:
        return False  # "since September" and "yesterday" are not one event
    # A date guessed from publication says nothing about which event another article means.
    guessed = "publication" in (a.date_source, b.date_source)
    return not guessed or not a_articles.isdisjoint(b.articles)


def _places_match(a: Event, b: Event) -> bool:
    if not a.place_id or not b.place_id or a.place_id == b.place_id:
        return True
    # A country contains its places: "visiting Russia" and "talks in Moscow" can be one event.
    country_level = "country" in (a.geo_precision, b.geo_precision)
    return country_level and a.place_country == b.place_country


def _loose_match(a: Event, b: Event, a_articles: set[str]) -> bool:
    """Talks and agreements are often placed by their subject, not their venue, in one report;
    and an undated mention of "the talks" means the talks its own article dates."""
    if a.kind not in ("talks", "agreement") or a.date is None or b.date is None:
        return False
    guessed = "publication" in (a.date_source, b.date_source)
    if guessed and not a_articles.isdisjoint(b.articles):
        return True
    narrow = a.date if a.date.days <= b.date.days else b.date
    shared = len(set(a.actors) & set(b.actors))
    country_level = "country" in (a.geo_precision, b.geo_precision)
    return narrow.days <= 31 and (shared >= 2 or country_level)


def _mergeable(a: Event, b: Event, a_articles: set[str]) -> bool:
    if a.kind == "statement" and len(set(a.actors) & set(b.actors)) < 2:
        return False  # two statements are one only when the same speakers made them
    return (
        a.kind == b.kind
        and _same_status(a.status, b.status)
        and _dates_match(a, b, a_articles)
        and (_places_match(a, b) or _loose_match(a, b, a_articles))
    )


def _combine(a: Event, b: Event, *, new_article: bool) -> Event:
    """``a`` with what ``b`` adds (date, place, actors); the caller gathers the sources."""
    # Keep the narrowest date the text gave; a date guessed from publication only as a last resort.
    date, date_source = min(
        ((a.date, a.date_source), (b.date, b.date_source)),
        key=lambda d: (_DATE_SOURCE_RANK[d[1]], d[0].days if d[0] else 1 << 30),
    )
    best = a if _place_rank(a) <= _place_rank(b) else b
    confidence = max(a.confidence, b.confidence) + (0.05 if new_article else 0)
    return replace(
        a,
        date=date,
        status=a.status if a.status == b.status else "occurred",
        place=best.place,
        place_id=best.place_id,
        lon=best.lon,
        lat=best.lat,
        geo_precision=best.geo_precision,
        uncertainty_km=best.uncertainty_km,
        place_country=best.place_country,
        actors=tuple(dict.fromkeys(a.actors + b.actors)),
        confidence=round(min(confidence, 0.95), 2),
        date_source=date_source,
    )


_DATE_SOURCE_RANK = {"text": 0, "context": 1, "publication": 2}


def _place_rank(event: Event) -> tuple[int, float]:
    return (_PRECISION_RANK.get(event.geo_precision, 9), -event.confidence)


def merge_events(events: Iterable[Event]) -> tuple[Event, ...]:
    """Merge reports of the same event (same kind and status, nested dates, compatible places).

    The first report stays first in ``sources``; the merged event keeps the narrowest date and the
    finest place of its reports. Order of the result follows the first report of each event.
    """
    merged: list[Event] = []
    sources: list[list[Source]] = []  # gathered apart: re-tupling them on every merge is quadratic
    articles: list[set[str]] = []
    # A merge needs one kind, nested dates of at most 31 days (so a shared month) and compatible
    # places, so each event is compared only with the clusters filed under its own keys.
    buckets: dict[tuple[object, ...], list[int]] = {}
    for event in events:
        lookups, filings = _bucket_keys(event)
        candidates = sorted({i for key in lookups for i in buckets.get(key, ())})
        target = next((i for i in candidates if _mergeable(merged[i], event, articles[i])), None)
        if target is not None:
            new_article = not articles[target].issuperset(event.articles)
            merged[target] = _combine(merged[target], event, new_article=new_article)
            sources[target].extend(event.sources)
            articles[target].update(event.articles)
            continue
        merged.append(event)
        sources.append(list(event.sources))
        articles.append(set(event.articles))
        for key in filings:
            buckets.setdefault(key, []).append(len(merged) - 1)
    return tuple(
        event if len(src) == len(event.sources) else replace(event, sources=tuple(src))
        for event, src in zip(merged, sources, strict=True)
    )


def _bucket_keys(event: Event) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    """Keys to look up partners under, and keys to file the event under."""
    if event.date is None:
        months: list[int | None] = [None]
    elif event.date.days > 31:
        return [], []  # too wide to be merged with anything
    else:
        first = event.date.start.year * 12 + event.date.start.month
        last = event.date.end.year * 12 + event.date.end.month
        months = list(range(first, last + 1))
    lookups: list[tuple[object, ...]] = []
    filings: list[tuple[object, ...]] = []
    for month in months:
        base = (event.kind, month)
        filings.append((*base, "all"))
        if event.kind in ("talks", "agreement") or not event.place_id:
            lookups.append((*base, "all"))  # loosely placed: any place may match
            filings.append((*base, "loose"))
            continue
        lookups += [(*base, "id", event.place_id), (*base, "loose")]
        filings += [(*base, "id", event.place_id), (*base, "in", event.place_country)]
        if event.geo_precision == "country":
            lookups.append((*base, "in", event.place_country))
            filings.append((*base, "country", event.place_country))
        else:
            lookups.append((*base, "country", event.place_country))
    return lookups, filings


# --- running and output -----------------------------------------------------------------------


def extract_events(folder: Path = settings.SEEDS_DIR, *, find_places: PlaceFinder | None = None) -> EventRun:
    """Read every article in ``folder`` and extract their events.

    Parameters
    ----------
    folder
        A folder of ``.txt`` articles, with or without ``manifest.csv``.
    find_places
        Finds the places of a sentence; defaults to the project gazetteer.
    """
    finder = find_places or default_place_finder()
    with _cycle_collector_paused():
        articles, problems = read_articles(folder)
        events, event_problems = extract_from_articles(articles, finder)
    return EventRun(events, problems + event_problems, articles)


def _properties(event: Event) -> dict[str, object]:
    first = event.sources[0] if event.sources else Source("", "")
    return {
        "event_id": event.event_id,
        "kind": event.kind,
        "status": event.status,
        "date_start": event.date.start.isoformat() if event.date else None,
        "date_end": event.date.end.isoformat() if event.date else None,
        "date_precision": event.date.precision if event.date else None,
        "place": event.place or None,
        "place_id": event.place_id or None,
        "geo_precision": event.geo_precision or None,
        "uncertainty_km": event.uncertainty_km,
        "actors": ", ".join(event.actors),
        "article": first.article,
        "also_reported_in": ", ".join(event.articles[1:]),
        "outlet": first.outlet,
        "url": first.url,
        "published": first.published.isoformat() if first.published else None,
        "quote": first.sentence,
        "confidence": event.confidence,
    }


def events_frame(events: Iterable[Event]) -> gpd.GeoDataFrame:
    """Events as a GeoDataFrame in EPSG:4326: ``EVENT_PROPERTIES`` columns plus ``geometry``.

    Rows are sorted by start date, kind and id (undated last), so output is deterministic.
    Unlocated events have a null geometry.
    """
    ordered = sorted(
        events,
        key=lambda e: (e.date is None, e.date.start if e.date else dt.date.min, e.kind, e.event_id),
    )
    records = [_properties(event) for event in ordered]
    geometry = [
        Point(round(e.lon, settings.COORD_DECIMALS), round(e.lat, settings.COORD_DECIMALS))
        if e.lon is not None and e.lat is not None
        else None
        for e in ordered
    ]
    frame = gpd.GeoDataFrame(records, columns=list(EVENT_PROPERTIES), geometry=geometry, crs=settings.WGS84)
    return frame
