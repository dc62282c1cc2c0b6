"""Sentences of an article's body: the first stage of the events pipeline.

Paragraphs are tokenised by spaCy's rule-based English tokenizer, whose exceptions keep "U.S.",
"Sept." or "Nov." whole, and split by spaCy's ``sentencizer`` (see :mod:`geodata.lexicon`). Each
:class:`Sentence` keeps where it is in the article (paragraph, index, character span in the
paragraph), so an event can point back at its quote, and the spaCy ``Span`` the later stages match
their patterns on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from spacy.tokens import Doc, Span

from geodata.lexicon import nlp

__all__ = ["Sentence", "parse_paragraphs", "sentences_of", "split_sentences"]


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
        The paragraph's spaCy ``Doc`` and the sentence's token span ``[first, last)`` in it.
    offsets
        Where each token of ``doc`` starts and ends in the paragraph (shared by its sentences).
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

    @property
    def span(self) -> Span:
        """The sentence's tokens as a spaCy ``Span``."""
        return self.doc[self.first : self.last]

    def char(self, token_index: int) -> int:
        """Character offset in ``text`` where the doc token ``token_index`` starts."""
        return self.offsets[0][token_index] - self.start

    def char_end(self, token_index: int) -> int:
        """Character offset in ``text`` where the doc token ``token_index`` ends."""
        return self.offsets[1][token_index] - self.start


def sentences_of(doc: Doc, paragraph: int) -> tuple[Sentence, ...]:
    """The non-empty sentences of a parsed paragraph, in order."""
    if not len(doc):
        return ()
    marks = doc.to_array(["SENT_START", "IDX", "LENGTH"])
    starts = [i for i, flag in enumerate(marks[:, 0].tolist()) if flag == 1 or i == 0]
    offsets = marks[:, 1].tolist()
    ends = (marks[:, 1] + marks[:, 2]).tolist()
    text = doc.text
    found: list[Sentence] = []
    for first, last in zip(starts, [*starts[1:], len(doc)], strict=True):
        start, end = offsets[first], ends[last - 1]
        words = text[start:end]
        if words.strip():
            found.append(
                Sentence(words, paragraph, len(found), start, end, doc, first, last, (offsets, ends))
            )
    return tuple(found)


def parse_paragraphs(paragraphs: Iterable[str]) -> tuple[tuple[Sentence, ...], ...]:
    """The sentences of each paragraph, in order."""
    return tuple(sentences_of(doc, p) for p, doc in enumerate(nlp().pipe(paragraphs)))


def split_sentences(paragraph: str) -> tuple[str, ...]:
    """Split a paragraph into sentences, keeping "U.S.", "Sept. 17", "Nov. 1" inside one."""
    (sentences,) = parse_paragraphs([paragraph])
    return tuple(s.text for s in sentences if s.text)


def sentence_texts(paragraphs: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    """The sentence texts of each paragraph (a convenience for callers without spans)."""
    return tuple(tuple(s.text for s in p) for p in parse_paragraphs(paragraphs))
