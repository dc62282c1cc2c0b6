"""The actors an event's clause names: who took part, the speaker of a statement first.

The named actors of ``lexicon/actors.jsonl`` and people's names (runs of capitalised words not in
``lexicon/not_names.txt``) in the event's clause, the speaker of a statement (the words before its
verb) first, else in the lexicon's order.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import cache

from geodata.lexicon import DocMatches, actor_labels, match_doc, not_names
from geodata.place_mentions import MentionLike
from geodata.sentences import Sentence

__all__ = ["actors"]

_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:al-|bin\s+)?[A-Z][\w’'-]*[a-z])+")


def actors(
    sentence: Sentence,
    span: tuple[int, int],
    mentions: Sequence[MentionLike],
    *,
    speaker: tuple[int, int] | None = None,
    matches: DocMatches | None = None,
) -> tuple[str, ...]:
    """The actors named in characters ``span`` of the sentence; those in ``speaker`` (the words
    naming who made a statement) first. ``matches`` are the doc's lexicon matches, when the
    caller has them (:func:`~geodata.lexicon.match_doc`)."""
    matches = match_doc(sentence.doc) if matches is None else matches
    named: list[tuple[int, str]] = []
    for name, first, _ in sorted(matches.within("actor", sentence.first, sentence.last)):
        start = sentence.char(first)
        if span[0] <= start < span[1]:
            named.append((start, name))
    # People's names: no model here to find them (a blank pipeline has no NER), so runs of
    # capitalised words that are not titles, offices or places.
    places = {m.text for m in mentions}
    stop = not_names()
    text = sentence.text
    for match in _NAME.finditer(text, span[0], span[1]):
        words = match.group(0).split()
        while words and words[0] in stop:
            words.pop(0)
        if len(words) >= 2 and not any(w in stop for w in words):
            person = _ascii(" ".join(words))
            if person not in places:
                named.append((match.start(), person))
    if speaker is not None:
        named.sort(key=lambda item: not speaker[0] <= item[0] < speaker[1])
    else:
        order = _actor_order()
        named.sort(key=lambda item: (item[1] not in order, order.get(item[1], 0)))
    return tuple(dict.fromkeys(name for _, name in named))


@cache
def _actor_order() -> dict[str, int]:
    return {name: i for i, name in enumerate(actor_labels())}


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))
