"""Tests for geodata.lexicon: the lexicon files load, lemmas both ways, fast pattern matching."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.matcher import Matcher

from geodata import lexicon
from geodata.lexicon import PatternSet, lemma, lemma_forms, nlp
from geodata.sentences import parse_article


def test_every_lexicon_file_loads_and_every_trigger_has_a_known_kind() -> None:
    from geodata.schema import EVENT_KINDS

    found = lexicon.match_doc(nlp()("US troops did not withdraw from the observation posts."))
    assert [m[0] for m in found["actor"]] == ["United States"]
    assert ("negation", 3, 4) in found["cue"]
    assert [lexicon.trigger_patterns()[int(m[0][1:])].kind for m in found["trigger"]] == ["deployment"]
    assert found["non_event"] == [("non_event", 7, 9)]
    assert {p.kind for p in lexicon.trigger_patterns()} <= set(EVENT_KINDS)
    assert "Syrian government" in lexicon.actor_labels()
    assert {"President", "Monday"} <= lexicon.not_names()


def test_a_trigger_that_becomes_another_kind_names_a_known_kind_and_known_cues() -> None:
    from geodata.schema import EVENT_KINDS

    cue_names = {row["cue"] for row in lexicon.read_jsonl("cues.jsonl")}
    switching = [p for p in lexicon.trigger_patterns() if p.becomes]
    assert switching
    for pattern in switching:
        kind, when, unless = pattern.becomes
        assert kind in EVENT_KINDS
        assert kind != pattern.kind
        assert when in cue_names
        assert not unless or unless in cue_names


def test_a_bad_line_is_named_with_its_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "x.jsonl").write_text('{"cue": "a", "pattern": []}\n{oops\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"x\.jsonl, line 2"):
        list(lexicon.read_jsonl("x.jsonl", tmp_path))


def test_lemmas_both_ways() -> None:
    assert lemma("retaken") == lemma("retook") == lemma("Retaken") == "retake"
    assert {"retake", "retook", "retaken", "retakes", "retaking"} <= set(lemma_forms("retake"))
    assert lemma("Saraqib") == "saraqib"  # unknown words are their own lemma


def _matches(
    patterns: list[tuple[str, list[dict[str, object]]]], text: str
) -> tuple[set[object], set[object]]:
    doc = nlp()(text)
    matcher = Matcher(nlp().vocab)
    for key, pattern in patterns:
        matcher.add(key, [pattern])
    strings = nlp().vocab.strings
    return {(strings[k], a, b) for k, a, b in matcher(doc)}, set(PatternSet(patterns)(doc))


PATTERNS: list[tuple[str, list[dict[str, object]]]] = [
    ("one", [{"LOWER": {"IN": ["talks", "summit"]}}]),
    ("two", [{"LOWER": "joint"}, {"LOWER": "patrol", "OP": "?"}, {"LOWER": {"IN": ["in", "near"]}}]),
    ("case", [{"ORTH": "US"}]),
    ("any", [{"LOWER": "pulled"}, {"IS_ALPHA": True, "OP": "?"}, {"LOWER": "back"}]),
    ("any2", [{"LOWER": "joint"}, {"IS_ALPHA": True, "OP": "?"}, {"LOWER": {"IN": ["patrol", "patrols"]}}]),
]
# A complex pattern ending with a word no phrase stands for: its windows are always matched.
UNTAILED = [*PATTERNS, ("title", [{"LOWER": "in"}, {"IS_TITLE": True}])]


@settings(max_examples=60)
@given(
    words=st.lists(
        st.sampled_from(
            [
                "talks",
                "Summit",
                "joint",
                "patrol",
                "patrols",
                "in",
                "near",
                "Idlib",
                "US",
                "us",
                "pulled",
                "them",
                "back",
                ".",
            ]
        ),
        max_size=25,
    )
)
def test_a_pattern_set_finds_what_spacy_matcher_finds(words: list[str]) -> None:
    for patterns in (PATTERNS, UNTAILED):
        expected, found = _matches(patterns, " ".join(words))
        assert found == expected


def test_complex_matches_as_long_as_the_longest_pattern_are_found_at_every_anchor() -> None:
    # Windows are as long as the longest complex pattern: a match filling one, a shorter one
    # starting inside it and one starting at the last tokens of the text.
    patterns: list[tuple[str, list[dict[str, object]]]] = [
        ("long", [{"LOWER": "pulled"}, *[{"IS_ALPHA": True, "OP": "?"}] * 3, {"LOWER": "back"}]),
        ("short", [{"LOWER": "pulled"}, {"IS_ALPHA": True, "OP": "?"}, {"LOWER": "back"}]),
    ]
    text = "They pulled the tanks pulled back, then pulled all their units back and pulled back"
    expected, found = _matches(patterns, text)
    assert found == expected
    assert {key for key, _, _ in found} == {"long", "short"}


def test_lemma_patterns_match_every_form() -> None:
    patterns = PatternSet([("retake", [{"LEMMA": "retake"}])])
    doc = nlp()("Troops retook Saraqib; it was retaken again. Retaking it took days.")
    assert [doc[a:b].text for _, a, b in patterns(doc)] == ["retook", "retaken", "Retaking"]


def test_the_data_folder_has_a_readme_naming_every_file() -> None:
    from geodata.settings import LEXICON_DIR

    readme = (LEXICON_DIR / "README.md").read_text(encoding="utf-8")
    for path in LEXICON_DIR.iterdir():
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, path.name
    for path in LEXICON_DIR.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            assert isinstance(json.loads(line)["pattern"], list)


_WORDS = "not the town of said , . would be held talks pulled them back US troops observation posts in"


@cache
def _single(group: str) -> PatternSet:
    return PatternSet(lexicon.read_group(group))


@settings(max_examples=60, deadline=None)
@given(
    words=st.lists(
        st.sampled_from([*_WORDS.split(), "Idlib", "Russian", "will", "agreed", "to"]), max_size=40
    )
)
def test_one_pass_over_the_doc_finds_what_each_file_finds_in_each_sentence(words: list[str]) -> None:
    doc, (sentences,) = parse_article([" ".join(words)])
    found = lexicon.match_doc(doc)
    for group in lexicon.GROUPS:
        assert found[group] == _single(group)(doc)
        for sentence in sentences:
            assert sorted(found.within(group, sentence.first, sentence.last)) == _single(group)(sentence.span)


def test_a_match_lies_within_tokens_when_both_its_ends_do() -> None:
    found = lexicon.DocMatches({"cue": [("a", 0, 2), ("b", 1, 3), ("c", 1, 2), ("d", 3, 4)]})
    assert found.within("cue", 1, 3) == [("b", 1, 3), ("c", 1, 2)]
    assert found.within("cue", 0, 2) == [("a", 0, 2), ("c", 1, 2)]
    assert found["cue"] == [("a", 0, 2), ("b", 1, 3), ("c", 1, 2), ("d", 3, 4)]
