"""Sentences of an article's body: the first stage of the events pipeline.

An article's paragraphs are tokenised by spaCy's rule-based English tokenizer, whose exceptions
keep "U.S.", "Sept." or "Nov." whole (see :mod:`geodata.lexicon`), and split into sentences by
spaCy's ``sentencizer`` rule with two corrections of ours (:func:`sentence_starts`), never across
a paragraph break. Each :class:`Sentence` keeps where it is in the article (paragraph, index,
character span in the paragraph), so an event can point back at its quote, and the token span the
later stages match their patterns on.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from typing import NamedTuple

import numpy as np
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span

from geodata.lexicon import nlp

__all__ = ["SEPARATOR", "Sentence", "parse_article", "parse_paragraphs", "sentence_starts", "split_sentences"]


class Sentence(NamedTuple):
    """One sentence of an article's body.

    Parameters
    ----------
    text
        The sentence as written (no surrounding white space).
    paragraph, number
        Paragraph number in ``Article.body`` and sentence number in that paragraph, from 0.
    start, end
        Character span of ``text`` in its paragraph.
    doc, first, last
        The article's spaCy ``Doc`` and the sentence's token span ``[first, last)`` in it.
    offsets
        Where each token of ``doc`` starts and ends in the doc's text (shared by all sentences).
    origin
        Where the sentence starts in the doc's text.
    """

    # A NamedTuple, not a frozen dataclass: one is made per sentence of every article, and a
    # frozen dataclass's __init__ costs several times more.
    text: str
    paragraph: int
    number: int
    start: int
    end: int
    doc: Doc
    first: int
    last: int
    offsets: tuple[list[int], list[int]]
    origin: int

    @property
    def span(self) -> Span:
        """The sentence's tokens as a spaCy ``Span``."""
        return self.doc[self.first : self.last]

    def char(self, token_index: int) -> int:
        """Character offset in ``text`` where the doc token ``token_index`` starts."""
        return self.offsets[0][token_index] - self.origin

    def char_end(self, token_index: int) -> int:
        """Character offset in ``text`` where the doc token ``token_index`` ends."""
        return self.offsets[1][token_index] - self.origin


#: What joins paragraphs into the one text spaCy reads per article.
SEPARATOR = "\n\n"

_OPENERS = frozenset({"“", "‘", "(", "[", '"', "'"})


_FINAL = frozenset(Sentencizer.default_punct_chars)  # each one character


def sentence_starts(doc: Doc) -> list[int]:
    """The indices of the tokens that start a sentence, in order (``0`` first, if any token).

    spaCy's ``sentencizer`` rule: a sentence starts at the first token after a sentence-final
    mark (``Sentencizer.default_punct_chars``) that is neither punctuation nor such a mark. It is
    worked out here on the ``Doc``'s arrays because spaCy's component makes a Python ``Token`` for
    every token, which took longer than tokenising; ``tests/test_sentences.py`` checks that the
    two agree. Then two corrections of ours: a sentence never starts with a lower-case word ("...
    the No. 3 post" or "6 p.m. local time" stay whole when an abbreviation is missing from the
    tokenizer's exceptions), and an opening quote or bracket after a full stop starts the next
    sentence, not the end of the last one.
    """
    columns = doc.to_array(_COLUMNS)
    offsets = columns[:, 1].tolist()
    return _starts(doc.text, columns, offsets, (columns[:, 1] + columns[:, 2]).tolist())


# What is read of each token (each column of ``Doc.to_array`` costs as much as a pass in Python
# over a few hundred tokens, so no more than these).
_COLUMNS: list[int | str] = ["IS_PUNCT", "IDX", "LENGTH"]


def _starts(text: str, columns: np.ndarray, offsets: list[int], ends: list[int]) -> list[int]:
    """:func:`sentence_starts` from the doc's text, ``_COLUMNS`` and where each token starts and
    ends (``Doc.text`` is rebuilt from the tokens on every call, so the caller passes the text
    it tokenised)."""
    if not len(columns):
        return []
    # Sentence-final marks and openers are one character: only one-character tokens are read.
    single = np.flatnonzero(columns[:, 2] == 1).tolist()
    final = np.zeros(len(columns), dtype=bool)
    final[[i for i in single if text[offsets[i]] in _FINAL]] = True
    words = np.flatnonzero(~final & (columns[:, 0] == 0))
    # The sentencizer's "seen a final mark" flag, at each word: a mark since the word before.
    marks = np.concatenate(([0], np.cumsum(final)))
    previous = np.concatenate(([0], words[:-1] + 1))
    starts = words[marks[words] > marks[previous]].tolist()
    openers = {i for i in single if text[offsets[i]] in _OPENERS}
    found = [0]
    for i in starts:
        if text[offsets[i] : offsets[i] + 1].islower():
            continue
        k = i
        while k > 1 and k - 1 in openers and ends[k - 2] < offsets[k - 1]:  # a space between
            k -= 1
        found.append(k)
    return found


def parse_article(paragraphs: Sequence[str]) -> tuple[Doc, tuple[tuple[Sentence, ...], ...]]:
    """Tokenise an article's paragraphs as one ``Doc`` and split it into sentences.

    One ``Doc`` per article rather than one per paragraph: spaCy's per-document overhead was half
    of the tokenising time. A sentence never crosses a paragraph break, and the white space
    between paragraphs belongs to no sentence.
    """
    text = SEPARATOR.join(paragraphs)
    doc = nlp().make_doc(text)
    found: list[list[Sentence]] = [[] for _ in paragraphs]
    if not len(doc):
        return doc, tuple(tuple(p) for p in found)
    bases = []
    position = 0
    for paragraph in paragraphs:
        bases.append(position)
        position += len(paragraph) + len(SEPARATOR)
    columns = doc.to_array(_COLUMNS)
    offsets = columns[:, 1].tolist()
    ends = (columns[:, 1] + columns[:, 2]).tolist()
    starts = set(_starts(text, columns, offsets, ends))
    # A paragraph's first token starts a sentence, whatever the one before ended with.
    starts.update(bisect.bisect_left(offsets, base) for base in bases[1:])
    bounds = sorted(i for i in starts if i < len(doc))
    for first, last in zip(bounds, [*bounds[1:], len(doc)], strict=True):
        # White space tokens (spaCy's tokens are all white space or none) belong to no sentence.
        while first < last and text[offsets[first]].isspace():
            first += 1
        while last > first and text[offsets[last - 1]].isspace():
            last -= 1
        if first == last:
            continue
        origin, end = offsets[first], ends[last - 1]
        words = text[origin:end]
        if not words.strip():
            continue
        p = bisect.bisect_right(bases, origin) - 1
        base = bases[p]
        number = len(found[p])
        found[p].append(
            Sentence(words, p, number, origin - base, end - base, doc, first, last, (offsets, ends), origin)
        )
    return doc, tuple(tuple(p) for p in found)


def parse_paragraphs(paragraphs: Iterable[str]) -> tuple[tuple[Sentence, ...], ...]:
    """The sentences of each paragraph, in order."""
    return parse_article(list(paragraphs))[1]


def split_sentences(paragraph: str) -> tuple[str, ...]:
    """Split a paragraph into sentences, keeping "U.S.", "Sept. 17", "Nov. 1" inside one."""
    (sentences,) = parse_paragraphs([paragraph])
    return tuple(s.text for s in sentences if s.text)
