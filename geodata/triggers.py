"""Event triggers: the words that say something happened (or will), matched on lemmas.

The patterns are spaCy ``Matcher`` patterns in ``lexicon/triggers.jsonl``, mostly on lemmas, so
one line covers every form of a verb ("retake": retook, retaken, retaking). A match is dropped
when it lies inside a phrase of ``lexicon/non_events.jsonl`` (a noun phrase such as "observation
posts", "attack helicopters", "besieged Aleppo", "take part"), and a movement word that needs
armed forces in its sentence ("entered", "arrived in") is dropped without them, and a word may
signal another kind when its sentence has a cue ("evacuated" with a military post is a
withdrawal, not people displaced). Of overlapping
matches the longest wins ("announced a ceasefire" is an agreement, not a statement).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from spacy.tokens import Doc

from geodata.cues import Cues
from geodata.lexicon import DocMatches, match_doc, trigger_patterns
from geodata.sentences import Sentence

__all__ = ["Trigger", "TriggerMatch", "doc_triggers", "sentence_triggers"]


class Trigger(NamedTuple):
    """One trigger in a sentence.

    ``start``/``end`` are character offsets in the sentence; ``first``/``last`` the token span in
    the paragraph's ``Doc``; ``pattern`` indexes :func:`geodata.lexicon.trigger_patterns`.
    """

    # A NamedTuple, not a frozen dataclass: many are made, and a frozen dataclass's __init__
    # costs several times more.
    kind: str
    start: int
    end: int
    strong: bool
    first: int
    last: int
    pattern: int


class TriggerMatch(NamedTuple):
    """A trigger pattern's match in a ``Doc``: token span and pattern index."""

    first: int
    last: int
    pattern: int


def doc_triggers(doc: Doc, found: DocMatches | None = None) -> list[TriggerMatch]:
    """Every trigger match in an article's ``Doc``, overlaps and non-events resolved, in order.

    ``found`` are the doc's lexicon matches, when the caller has them (:func:`match_doc`).
    """
    found = match_doc(doc) if found is None else found
    matches = [TriggerMatch(first, last, int(key[1:])) for key, first, last in found["trigger"]]
    if not matches:
        return []
    blocked = [(first, last) for _, first, last in found["non_event"]]
    if blocked:
        matches = [m for m in matches if not any(m.first < b1 and b0 < m.last for b0, b1 in blocked)]
    patterns = trigger_patterns()
    # Longest first, then strong before weak, then earliest: the greedy pick keeps one per span.
    ranked = sorted(matches, key=lambda m: (m.first - m.last, not patterns[m.pattern].strong, m.first))
    taken: list[TriggerMatch] = []
    used: set[int] = set()
    for match in ranked:
        tokens = range(match.first, match.last)
        if used.isdisjoint(tokens):
            taken.append(match)
            used.update(tokens)
    return sorted(taken)


def sentence_triggers(
    sentence: Sentence, matches: Sequence[TriggerMatch], cues: Cues | None
) -> list[Trigger]:
    """The triggers of ``matches`` that lie in ``sentence``, as :class:`Trigger` records.

    ``cues`` (the sentence's) are needed only when a match's pattern needs a cue.
    """
    patterns = trigger_patterns()
    found = []
    for match in matches:
        if not (sentence.first <= match.first < sentence.last):
            continue
        pattern = patterns[match.pattern]
        if pattern.needs and (cues is None or not cues[pattern.needs]):
            continue  # people on the move, not forces
        if pattern.unless and cues is not None and cues[pattern.unless]:
            continue  # the wounded taken to hospital, not people displaced
        kind = pattern.kind
        if pattern.becomes and cues is not None:
            other, when, unless = pattern.becomes
            if cues[when] and not (unless and cues[unless]):
                kind = other  # a military post evacuated: a withdrawal, not people displaced
        start, end = sentence.char(match.first), sentence.char_end(match.last - 1)
        found.append(Trigger(kind, start, end, pattern.strong, match.first, match.last, match.pattern))
    return found
