"""Tests for geodata.sentences: spaCy sentences with their place in the article."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.pipeline import Sentencizer

from geodata.lexicon import nlp
from geodata.sentences import parse_paragraphs, sentence_starts, split_sentences


def test_abbreviations_do_not_end_sentences() -> None:
    text = (
        "Turkish and U.S. troops began joint patrols on Nov. 1 in the city. The deal was reached "
        "on Sept. 17 by both sides. Lt. Col. Smith of the No. 3 post said it held."
    )
    assert split_sentences(text) == (
        "Turkish and U.S. troops began joint patrols on Nov. 1 in the city.",
        "The deal was reached on Sept. 17 by both sides.",
        "Lt. Col. Smith of the No. 3 post said it held.",
    )


def test_quotes_and_question_marks_end_sentences() -> None:
    text = "“Patrolling will begin today. Russia will lead it,” he said. Why now? Nobody knows."
    assert split_sentences(text) == (
        "“Patrolling will begin today.",
        "Russia will lead it,” he said.",
        "Why now?",
        "Nobody knows.",
    )


def test_an_opening_quote_starts_the_next_sentence() -> None:
    assert split_sentences("He agreed. “We will go.” (Troops left.)") == (
        "He agreed.",
        "“We will go.”",
        "(Troops left.)",
    )


@given(
    words=st.lists(
        st.sampled_from(["U.S.", "Sept.", "patrols", "Idlib.", "He", "said", "No.", "3", "“Yes.”"]),
        max_size=30,
    )
)
def test_sentence_split_keeps_every_word(words: list[str]) -> None:
    paragraph = " ".join(words)
    assert " ".join(split_sentences(paragraph)).split() == paragraph.split()


@given(text=st.text(alphabet=st.sampled_from('ab .?!“”"()U.S'), max_size=80))
def test_each_sentence_knows_where_it_is_in_its_paragraph(text: str) -> None:
    (sentences,) = parse_paragraphs([text])
    for number, sentence in enumerate(sentences):
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.number == number
        assert sentence.paragraph == 0
        assert sentence.span.text == sentence.text


def test_paragraphs_are_numbered() -> None:
    first, second = parse_paragraphs(["One. Two.", "Three."])
    assert [(s.paragraph, s.number, s.text) for s in (*first, *second)] == [
        (0, 0, "One."),
        (0, 1, "Two."),
        (1, 0, "Three."),
    ]


@settings(max_examples=300)
@given(
    text=st.lists(
        st.sampled_from([*"ab A .?!。“”\"()[]‘’'\n;,-…", "U.S.", "No.", "e.g.", "Sept.", "  "]), max_size=60
    ).map("".join)
)
def test_sentence_starts_follow_spacys_sentencizer(text: str) -> None:
    # spaCy's component, then our two corrections the old way (token by token): the arrays
    # version must give the same starts.
    doc = Sentencizer()(nlp().make_doc(text))
    expected = [0] if len(doc) else []
    for token in list(doc)[1:]:
        if not token.is_sent_start or token.text[:1].islower():
            continue
        k = token.i
        while k > 1 and doc[k - 1].text in "“‘([\"'" and doc[k - 2].whitespace_:
            k -= 1
        expected.append(k)
    assert sentence_starts(nlp().make_doc(text)) == expected
