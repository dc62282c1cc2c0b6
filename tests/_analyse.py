"""Helpers for the stage tests, written for the tests: one sentence through the first stages."""

from __future__ import annotations

from geodata.cues import Cues, sentence_cues
from geodata.sentences import Sentence, parse_paragraphs
from geodata.triggers import Trigger, doc_triggers, sentence_triggers


def analyse(text: str) -> tuple[Sentence, Cues, list[Trigger]]:
    """The first sentence of ``text``, its cues and its triggers."""
    (sentences,) = parse_paragraphs([text])
    sentence = sentences[0]
    cues = sentence_cues(sentence)
    return sentence, cues, sentence_triggers(sentence, doc_triggers(sentence.doc), cues)


def trigger_words(text: str) -> list[tuple[str, str]]:
    """(kind, words) of each trigger of the first sentence of ``text``."""
    sentence, _, triggers = analyse(text)
    return [(t.kind, sentence.text[t.start : t.end]) for t in triggers]
