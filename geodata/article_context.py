"""An article being read for events: its sentences, and their places, dates and cues on demand.

Most sentences report no event: their places and dates are needed only when an event nearby lacks
its own (the previous sentence's date, the place "the town" refers to, the paragraph's or the
article's main place, the venue of talks reported just before). :class:`ArticleContext` parses the
body once (:mod:`geodata.sentences`, :mod:`geodata.triggers`) and works out the rest when asked.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Sequence

from geodata.articles import Article
from geodata.cues import Cue, Cues, sentence_cues
from geodata.dates import DateInterval, DateMention, find_dated, find_dates
from geodata.event_dates import is_deadline, is_report_date
from geodata.lexicon import match_doc, trigger_patterns
from geodata.place_mentions import MentionLike, PlaceFinder, finest, located, vague
from geodata.reference_time import anaphoric_phrases, anchored, reference_of
from geodata.roles import venue_in
from geodata.sentences import Sentence, parse_article
from geodata.triggers import TriggerMatch, doc_triggers

__all__ = ["ArticleContext", "anaphor"]


class ArticleContext:
    """An article's sentences, with their places, dates and cues worked out only when asked for.

    Most sentences report no event: their places and dates are needed only when an event nearby
    lacks its own (the previous sentence's date, the paragraph's place, the article's main place).
    """

    def __init__(self, article: Article, find_places: PlaceFinder) -> None:
        self.article = article
        self.find_places = find_places
        self.doc, self.paragraphs = parse_article(article.body)
        self.lexicon = match_doc(self.doc)  # every lexicon match of the article, in one pass
        self.matches = doc_triggers(self.doc, self.lexicon)  # every trigger of the article, in order
        self._match_starts = [m.first for m in self.matches]
        self._places: dict[tuple[int, int], Sequence[MentionLike]] = {}
        self._dates: dict[tuple[int, int], tuple[DateMention, ...]] = {}
        self._cues: dict[tuple[int, int], Cues] = {}
        self._dates_read = (0, 0)  # the sentences before this one have their dates worked out
        self._main: list[MentionLike | None] = []
        self.dateline_place: MentionLike | None = None
        if article.dateline_place:
            self.dateline_place = finest(located(find_places(article.dateline_place)))
        # The venue of the latest talks or agreement: (paragraph, sentence, place).
        self.last_venue: tuple[int, int, MentionLike] | None = None

    def release(self) -> None:
        """Drop what later stages memoised per sentence (``Cues.memo``), whose look-ups point back
        at their ``Cues``: without these reference cycles, reference counting frees the article
        as soon as it is read, instead of the cyclic collector walking all of them after a run
        (the pipeline pauses it; that walk was a tenth of the pipeline's time)."""
        for cues in self._cues.values():
            cues.memo.clear()

    def places(self, p: int, i: int) -> Sequence[MentionLike]:
        if (p, i) not in self._places:
            self._places[p, i] = self.find_places(self.paragraphs[p][i].text)
        return self._places[p, i]

    def dates(self, p: int, i: int) -> tuple[DateMention, ...]:
        """The date phrases of sentence ``i`` of paragraph ``p``, resolved: against publication,
        and those counting from the narrative's reference time ("two days later", "the
        following day") against the last date told before them (:mod:`geodata.reference_time`)."""
        if (p, i) not in self._dates:
            published = self.article.published
            text = self.paragraphs[p][i].text
            # A page dated only by the latest date its text tells was published then or after.
            inferred = self.article.date_source == "inferred"
            # A page with no date still dates what names its year ("set up in 2018").
            found = find_dates(text, reference=published, nearest=inferred) if published else find_dated(text)
            phrases = anaphoric_phrases(text) if published else ()
            if phrases:
                found = anchored(found, phrases, self.reference_time(p, i))
            self._dates[p, i] = found
        return self._dates[p, i]

    def reference_time(self, p: int, i: int) -> DateInterval | None:
        """The narrative's reference time when sentence ``i`` of paragraph ``p`` starts: the last
        date told in the nearest earlier sentence of the article that tells one.

        The sentences before are read in order first, so that a chain ("On March 3 ... The next
        day ... Two days later ...") counts each step from the one before, without recursion.
        """
        self._read_dates_up_to(p, i)
        for q in range(p, -1, -1):
            for j in range((i if q == p else len(self.paragraphs[q])) - 1, -1, -1):
                told = self._told(q, j)
                if told is not None:
                    return told
        return None

    def _told(self, q: int, j: int) -> DateInterval | None:
        """The time sentence ``j`` of paragraph ``q`` moves the narrative to: its last date that
        is not when something was reported ("..., the ministry said on Tuesday") or a deadline."""
        dates = self._dates[q, j]
        if not dates:
            return None
        cues = self.cues(q, j)
        told = [d for d in dates if not (is_report_date(d, cues) or is_deadline(d, cues))]
        return reference_of(told or dates)

    def _read_dates_up_to(self, p: int, i: int) -> None:
        while self._dates_read < (p, i):
            q, j = self._dates_read
            self._dates_read = (q, j + 1) if j + 1 < len(self.paragraphs[q]) else (q + 1, 0)
            if j < len(self.paragraphs[q]):
                self.dates(q, j)

    def cues(self, p: int, i: int) -> Cues:
        if (p, i) not in self._cues:
            self._cues[p, i] = sentence_cues(self.paragraphs[p][i], self.lexicon)
        return self._cues[p, i]

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
        if anaphor(self.cues(p, i), "town_anaphora") is not None:
            for j in range(i - 1, -1, -1):
                towns = [m for m in self.places(p, j) if m.geo_precision == "town"]
                if towns and towns[-1].role != "actor":
                    return towns[-1]
        for j in range(i - 1, -1, -1):
            place = finest(located(self.places(p, j)))
            if place is not None and not vague(place):
                return place
        return None

    def referent(self, p: int, i: int, before: int = 0) -> MentionLike | None:
        """The place "the town" or "the area" refers back to: in the sentence before character
        ``before``, else in this paragraph or an earlier one.

        "The town" and "the city" take the last town named (a region, a governorate or a road is
        not one); "the area" the last place below governorate level. Nothing when none was named:
        better unlocated than placed in an unrelated governorate.
        """
        towns_only = anaphor(self.cues(p, i), "town_anaphora") is not None
        fine = ("town",) if towns_only else ("point", "town", "district")
        # First a place named earlier in the same sentence ("... in southern Idlib, speeding up
        # the displacement from the area"); the governorate is what "the area" means there.
        here = [m for m in self.places(p, i) if m.end <= before and m.role == "location" and not vague(m)]
        if here and not towns_only:
            return here[-1]
        for q in range(p, -1, -1):
            last = i if q == p else len(self.paragraphs[q])
            for j in range(last - 1, -1, -1):
                found = [m for m in self.places(q, j) if m.role != "actor" and m.geo_precision in fine]
                if found:
                    return found[-1]
        return None

    def main_place(self) -> MentionLike | None:
        """The sub-country place the body names most often (the first of equals), counted in the
        lead paragraph and the sentences that report events (geocoding every sentence of a long
        article for this was a fifth of the pipeline's time)."""
        if not self._main:
            counts: Counter[str] = Counter()
            first: dict[str, MentionLike] = {}
            for p, sentences in enumerate(self.paragraphs):
                for i, sentence in enumerate(sentences):
                    if p > 0 and not self.matches_in(sentence):
                        continue
                    for mention in located(self.places(p, i)):
                        if not vague(mention):
                            counts[mention.place.place_id] += 1
                            first.setdefault(mention.place.place_id, mention)
            order = {key: k for k, key in enumerate(first)}
            best = max(counts, key=lambda k: (counts[k], -order[k]), default=None)
            self._main.append(first[best] if best is not None else None)
        return self._main[0]

    def neighbour_venue(self, p: int, i: int) -> MentionLike | None:
        """The venue of talks or an agreement reported in a sentence next to sentence ``i`` of
        paragraph ``p``: the one before, the one after, the second before, or across a paragraph
        break."""
        if self.last_venue is not None:
            q, j, place = self.last_venue
            if q == p and 0 < i - j <= 2:
                return place
        for q, j in self._neighbours(p, i):
            if self._held_trigger_in(q, j):
                venue = venue_in(self.paragraphs[q][j], self.places(q, j), self.cues(q, j))
                if venue is not None:
                    return venue
        return None

    def _neighbours(self, p: int, i: int) -> list[tuple[int, int]]:
        count = len(self.paragraphs[p])
        found = [(p, i - 1), (p, i + 1), (p, i - 2)]
        if i == 0 and p > 0 and self.paragraphs[p - 1]:
            found.append((p - 1, len(self.paragraphs[p - 1]) - 1))
        if i == count - 1 and p + 1 < len(self.paragraphs) and self.paragraphs[p + 1]:
            found.append((p + 1, 0))
        return [(q, j) for q, j in found if 0 <= j < len(self.paragraphs[q])]

    def matches_in(self, sentence: Sentence) -> list[TriggerMatch]:
        """The trigger matches that start in ``sentence``."""
        low = bisect.bisect_left(self._match_starts, sentence.first)
        high = bisect.bisect_left(self._match_starts, sentence.last)
        return self.matches[low:high]

    def _held_trigger_in(self, q: int, j: int) -> bool:
        patterns = trigger_patterns()
        held = ("talks", "agreement")
        return any(patterns[m.pattern].kind in held for m in self.matches_in(self.paragraphs[q][j]))

    def town_in(self, country: str) -> MentionLike | None:
        """The town (or finer place) of ``country`` the body names most often, first of equals."""
        counts: Counter[str] = Counter()
        first: dict[str, MentionLike] = {}
        for p, sentences in enumerate(self.paragraphs):
            for i in range(len(sentences)):
                for mention in located(self.places(p, i)):
                    if mention.place.country == country and mention.geo_precision in ("point", "town"):
                        counts[mention.place.place_id] += 1
                        first.setdefault(mention.place.place_id, mention)
        order = {key: k for k, key in enumerate(first)}
        best = max(counts, key=lambda k: (counts[k], -order[k]), default=None)
        return first[best] if best is not None else None


def anaphor(cues: Cues, name: str) -> Cue | None:
    """The first "the town"/"the area" cue not followed by "of" ("the town of Saraqib" names it)."""
    doc = cues.sentence.doc
    for cue in cues[name]:
        if cue.last >= len(doc) or doc[cue.last].lower_ != "of":
            return cue
    return None
