"""Tests for geodata.sentences: spaCy sentences with their place in the article."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from geodata.sentences import parse_paragraphs, split_sentences


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
