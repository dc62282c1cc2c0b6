"""Tests for geodata._toponym_matching: the normalised layout the automaton scans, and matches."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geodata._toponym_matching import HYPHENS, Tokens, _joins, _layout, _word_layout, find_matches
from geodata.gazetteer import Gazetteer


def _word_by_word(tokens: Tokens) -> tuple[str, dict[int, int], dict[int, int]]:
    """The layout as the rule states it, reading every word in turn (the oracle)."""
    pieces, offset, starts, ends = [" "], 1, {}, {}
    barrier, previous = True, ""
    for k, (gap, raw) in enumerate(zip(tokens.gaps, tokens.raws, strict=False)):
        if not barrier and gap != " " and not _joins(gap, previous):
            pieces.append("| ")
            offset, barrier = offset + 2, True
        previous = raw
        outside, text, possessive = _word_layout(raw)
        if (outside and gap[-1:] not in HYPHENS) or (not text and possessive):
            if not barrier:
                pieces.append("| ")
                offset, barrier = offset + 2, True
            continue
        if not text:
            continue
        starts[offset] = k
        offset += len(text)
        ends[offset] = k
        pieces += [text, " "]
        offset += 1
        barrier = False
    return "".join(pieces), starts, ends


WORDS = [
    "Idlib", "Deir", "ez", "zor", "al", "Bab", "the", "shelled", "near", "northern", "air", "base",
    "Hmeimim", "city", "of", "rural", "Damascus", "U", "S", "'s", "’s", "Sochi", "M4", "highway",
    "was", "villages", "Kafr", "Nabl", "and",
]  # fmt: skip
GAPS = [" ", " ", " ", "-", " - ", ", ", ". ", "; ", " (", "’ ", "–"]


@settings(max_examples=200, deadline=None)  # no timing: the machine is shared
@given(st.lists(st.tuples(st.sampled_from(GAPS), st.sampled_from(WORDS)), max_size=20))
def test_the_layout_reads_only_words_that_may_be_names_but_equals_the_word_by_word_rule(
    pieces: list[tuple[str, str]],
) -> None:
    sentence = "".join(gap + word for gap, word in pieces).strip()
    tokens = Tokens(sentence)
    assert _layout(tokens) == _word_by_word(tokens)


def test_skipped_words_are_barriers_and_hyphen_joined_words_are_read() -> None:
    text, starts, _ = _layout(Tokens("Troops shelled Deir ez-zor and the Hmeimim air base yesterday."))
    # "Troops" is capitalised, "ez" an article inside a name, "zor" hyphen-joined.
    assert text == " trops | deir zor | hmeimim air base | "
    assert sorted(starts.values()) == [0, 2, 4, 7, 8, 9]


def test_matches_are_the_longest_names_left_to_right(gazetteer: Gazetteer) -> None:
    tokens = Tokens("Troops shelled Deir ez-Zor and the Hmeimim air base.")
    found = [(m.first, m.last) for m in find_matches(tokens, gazetteer)]
    assert found == [(2, 4), (7, 9)]
