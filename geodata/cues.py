"""Cues of a sentence: where its negations, hedges, future markers, reporting verbs... are.

The cue words and phrases are spaCy ``Matcher`` patterns in ``lexicon/cues.jsonl`` (see its
README), matched once per article (:func:`geodata.lexicon.match_doc`); :func:`sentence_cues`
files a sentence's matches by name, and the later stages ask questions
such as "is there a negation in the few tokens before this trigger, in the same clause?".
Positions are token indices in the paragraph's ``Doc`` and character offsets in the sentence.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import NamedTuple

from geodata.lexicon import DocMatches, match_doc, read_group
from geodata.sentences import Sentence

__all__ = ["Cue", "Cues", "sentence_cues"]


class Cue(NamedTuple):
    """One cue match: token span ``[first, last)`` in the doc, character span in the sentence."""

    first: int
    last: int
    start: int
    end: int


class Cues(dict[str, Sequence[Cue]]):
    """The cues found in one sentence, by name, each name's in order of position.

    A ``dict`` holding every cue name of ``lexicon/cues.jsonl`` (an empty tuple for the names the
    sentence lacks), so that asking (hundreds of times per article, mostly for names the
    sentence lacks) is a plain look-up with no Python call; a name the lexicon lacks is
    answered by ``__missing__``. ``found`` are the sentence's :class:`Cue` records by name.
    """

    def __init__(self, sentence: Sentence, found: dict[str, list[Cue]]) -> None:
        # Every name first, then the sentence's own: two C-level updates. (Making the records of
        # a name when it was first asked for cost a Python call per name and sentence, about
        # twenty per sentence: 5 % of the pipeline.)
        super().__init__(_no_cues())
        self.update(found)
        self.sentence = sentence
        # What later stages work out once per sentence from these cues (roles: token look-ups).
        self.memo: dict[str, object] = {}
        self._breaks = [cue.first for cue in found.get("clause_break", ())]

    def __bool__(self) -> bool:
        return True

    def __missing__(self, name: str) -> Sequence[Cue]:
        found: Sequence[Cue] = ()
        self[name] = found
        return found

    def has(self, name: str, start: int = 0, end: int | None = None) -> bool:
        """Whether a ``name`` cue starts within characters ``[start, end)``."""
        stop = len(self.sentence.text) if end is None else end
        return any(start <= cue.start < stop for cue in self[name])

    def within(self, name: str, start: int, end: int) -> Iterator[Cue]:
        """The ``name`` cues starting within characters ``[start, end)``."""
        return (cue for cue in self[name] if start <= cue.start < end)

    def before(self, name: str, token: int, *, tokens: int, same_clause: bool = True) -> Cue | None:
        """The nearest ``name`` cue ending at most ``tokens`` tokens before doc token ``token``."""
        nearest = None
        for cue in self[name]:
            if cue.last <= token and token - cue.last < tokens:
                if same_clause and self.break_between(cue.last, token):
                    continue
                if nearest is None or cue.last > nearest.last:
                    nearest = cue
        return nearest

    def after(self, name: str, token: int, *, tokens: int) -> Cue | None:
        """The nearest ``name`` cue starting at most ``tokens`` tokens after doc token ``token``,
        in the same clause."""
        for cue in self[name]:  # in order of position
            if token <= cue.first and cue.first - token < tokens and not self.break_between(token, cue.first):
                return cue
        return None

    def break_between(self, first: int, last: int) -> bool:
        """Whether a clause break (comma, semicolon, "but", ...) lies in doc tokens ``[first, last)``."""
        return any(first <= i < last for i in self._breaks)


def sentence_cues(sentence: Sentence, matches: DocMatches | None = None) -> Cues:
    """The cues of ``sentence``, from its doc's lexicon matches (matched here when not given)."""
    matches = match_doc(sentence.doc) if matches is None else matches
    starts, ends = sentence.offsets
    shift = sentence.origin
    found: dict[str, list[Cue]] = {}
    for name, first, last in matches.within("cue", sentence.first, sentence.last):
        cue = Cue(first, last, starts[first] - shift, ends[last - 1] - shift)
        named = found.get(name)
        if named is None:
            found[name] = [cue]
        else:
            named.append(cue)
    return Cues(sentence, found)


@cache
def _no_cues() -> dict[str, Sequence[Cue]]:
    """Every cue name of the lexicon, with no cue."""
    return dict.fromkeys((name for name, _ in read_group("cue")), ())
