"""The language resources of the events pipeline: spaCy's English tokenizer, and our word lists.

Everything here is loaded once per process and shared:

- :func:`nlp`: a blank English spaCy pipeline (rule-based tokenizer with our abbreviations, no
  model to download);
- :func:`match_doc`: every pattern of the JSONL files of the ``lexicon/`` data folder (see its
  README; one spaCy ``Matcher`` pattern a line, mostly on lemmas: ``{"LEMMA": "retake"}``)
  matched on an article's ``Doc`` in one pass of one :class:`PatternSet`, the matches filed by
  file (:class:`DocMatches`);
- :func:`lemma` and :func:`lemma_forms`: spaCy's English lemma lookup table
  (``spacy-lookups-data``), both ways;
- :func:`not_names`: capitalised words that are not part of a person's name.

Lemmas are applied to the patterns, not to the text: a ``LEMMA`` value is spelled out into every
form the lookup table maps to it ("retake": retake, retakes, retook, retaken, retaking), and the
text is matched on lower-case forms. That is what spaCy's lookup ``lemmatizer`` followed by a
``Matcher`` on ``LEMMA`` finds (case aside: a capitalised "Retaken" matches too), at a fraction of
the cost: the lemmatizer sets every token's lemma in a Python loop, and the ``Matcher`` tries every
pattern at every token (together about 3 ms per 5 KB article here, more than the rest of the
pipeline), while a ``PhraseMatcher`` looks phrases up by hash. See :class:`PatternSet`.
"""

from __future__ import annotations

import bisect
import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Span
from spacy.util import load_language_data, registry

from geodata import settings

__all__ = [
    "GROUPS",
    "DocMatches",
    "Match",
    "PatternSet",
    "TriggerPattern",
    "actor_labels",
    "lemma",
    "lemma_forms",
    "match_doc",
    "nlp",
    "not_names",
    "read_group",
    "read_jsonl",
    "trigger_patterns",
]


def _abbreviations() -> list[str]:
    text = (settings.LEXICON_DIR / "abbreviations.txt").read_text(encoding="utf-8")
    words = [w for line in text.splitlines() if not line.startswith("#") for w in line.split()]
    return sorted({form + "." for word in words for form in (word, word.capitalize(), word.upper())})


@cache
def nlp() -> Language:
    """The shared pipeline: spaCy's English tokenizer, with our abbreviations.

    Sentences are split by :func:`geodata.sentences.sentence_starts` (spaCy's sentencizer rule on
    the ``Doc``'s arrays), not by a pipeline component.
    """
    pipeline = spacy.blank("en")
    tokenizer = pipeline.tokenizer
    if isinstance(tokenizer, Tokenizer):  # always, for a blank English pipeline
        for abbreviation in _abbreviations():
            tokenizer.add_special_case(abbreviation, [{"ORTH": abbreviation}])
    return pipeline


def read_jsonl(name: str, folder: Path | None = None) -> Iterator[dict[str, Any]]:
    """The records of ``lexicon/<name>`` (one JSON object a line; blank lines are skipped)."""
    path = (folder or settings.LEXICON_DIR) / name
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}, line {number}: not JSON ({exc.msg})") from exc


@dataclass(frozen=True)
class TriggerPattern:
    """One line of ``triggers.jsonl``.

    Parameters
    ----------
    kind
        The event kind it signals (``schema.EVENT_KINDS``).
    strong
        Whether it names an event by itself (a verb such as "shelled"); a weak one (a noun such
        as "patrols") needs a date, an action or a future cue in its clause.
    needs
        A cue the sentence must have ("forces": "entered" is a deployment only when forces move).
    stative
        Whether "is/are" + this participle is a state ("troops are stationed"), not an event.
    remote
        Whether the event happens at no place of its own (a phone call): it is placed only at a
        venue the sentence names, never by context or dateline.
    unless
        A cue the sentence must not have ("medical": the wounded evacuated to hospital are not
        people displaced).
    press
        Whether it is a statement made to the press ("told reporters", "told Reuters"): an event
        of its own, whatever else the sentence reports.
    becomes
        ``(kind, when, unless)``: the event kind it signals instead when the sentence has the cue
        ``when`` and not the cue ``unless`` (evacuating a military post is a withdrawal, not
        people displaced); empty when it always signals ``kind``.
    """

    kind: str
    strong: bool
    needs: str = ""
    stative: bool = False
    remote: bool = False
    unless: str = ""
    press: bool = False
    becomes: tuple[str, str, str] | tuple[()] = ()


def _becomes(value: dict[str, str] | None) -> tuple[str, str, str] | tuple[()]:
    if not value:
        return ()
    return (value["kind"], value["when"], value.get("unless", ""))


@cache
def trigger_patterns() -> tuple[TriggerPattern, ...]:
    """The trigger patterns' properties, in file order; Matcher key ``t<index>`` is entry index."""
    return tuple(
        TriggerPattern(
            r["kind"],
            bool(r["strong"]),
            r.get("needs", ""),
            bool(r.get("stative", False)),
            bool(r.get("remote", False)),
            r.get("unless", ""),
            bool(r.get("press", False)),
            _becomes(r.get("becomes")),
        )
        for r in read_jsonl("triggers.jsonl")
    )


Match = tuple[str, int, int]
_PLAIN_ATTRS = frozenset({"LEMMA", "LOWER", "ORTH"})
_ANCHOR = "__anchor__"  # where a complex pattern may start
_TAIL = "__tail__"  # where one may end


class PatternSet:
    """A set of spaCy ``Matcher`` patterns, matched fast.

    spaCy's ``Matcher`` tries every pattern at every token (about 0.7 ms per 5 KB article and
    pattern group here, several groups per article), while its ``PhraseMatcher`` looks phrases up
    by hash. So each pattern made only of ``LEMMA``/``LOWER``/``ORTH`` values (with ``IN`` lists
    and optional tokens) is spelled out into the phrases it matches, a lemma into every form
    spaCy's lookup table gives it, and matched with a ``PhraseMatcher``; only the few patterns
    with other attributes ("any word", ``IS_TITLE``) go to a ``Matcher``, which runs only where the
    first token of one of them occurs and the word one of them must end with follows. The matches
    are the spans the ``Matcher`` would find.
    """

    def __init__(self, records: Iterable[tuple[str, list[dict[str, Any]]]]) -> None:
        vocab = nlp().vocab
        self._lower = PhraseMatcher(vocab, attr="LOWER")
        self._orth = PhraseMatcher(vocab, attr="ORTH")
        self._complex = Matcher(vocab, validate=True)
        self._has_complex = False
        self._names: dict[int, str] = {}  # match ids to keys, without a StringStore look-up each
        self._anchor_id = vocab.strings.add(_ANCHOR)
        self._tail_id = vocab.strings.add(_TAIL)
        self._mark_ids = frozenset({self._anchor_id, self._tail_id})
        self._untailed = False  # a complex pattern may end with a word no phrase stands for
        self._window = 0  # tokens: the longest complex pattern
        for key, pattern in records:
            self.add(key, pattern)

    def add(self, key: str, pattern: list[dict[str, Any]]) -> None:
        """Add one Matcher pattern under ``key``."""
        strings = nlp().vocab.strings
        self._names[strings.add(key)] = key
        if not all(set(token) - {"OP"} <= _PLAIN_ATTRS and token.get("OP", "?") == "?" for token in pattern):
            self._complex.add(key, [[_lemmas_as_forms(token) for token in pattern]])
            self._has_complex = True
            self._window = max(self._window, len(pattern))
            self._add_phrases(_ANCHOR, [{k: v for k, v in pattern[0].items() if k != "OP"}])
            if set(pattern[-1]) <= _PLAIN_ATTRS:  # a word it must end with
                self._add_phrases(_TAIL, [pattern[-1]])
            else:
                self._untailed = True
            return
        self._add_phrases(key, pattern)

    def _add_phrases(self, key: str, pattern: list[dict[str, Any]]) -> None:
        case_sensitive = any("ORTH" in token for token in pattern)
        matcher = self._orth if case_sensitive else self._lower
        vocab = nlp().vocab
        docs = [Doc(vocab, words=list(words)) for words in _phrases(pattern, case_sensitive=case_sensitive)]
        if docs:
            matcher.add(key, docs)

    def __call__(self, doclike: Doc | Span) -> list[Match]:
        """Every match in ``doclike``: (key, first token, end token), token indices in the whole
        ``Doc`` (also for a ``Span``), in order."""
        names = self._names
        return sorted((names[k], a, b) for k, a, b in self.match_ids(doclike))

    def match_ids(self, doclike: Doc | Span) -> set[tuple[int, int, int]]:
        """Every match in ``doclike`` as (match id, first token, end token): the id is the
        vocabulary's hash of the key."""
        found = set(self._lower(doclike))
        found.update(self._orth(doclike))
        if not self._has_complex:
            return found
        marks = [m for m in found if m[0] in self._mark_ids]
        found.difference_update(marks)
        anchors = sorted({a for key, a, _ in marks if key == self._anchor_id})
        tails = sorted({a for key, a, _ in marks if key == self._tail_id})
        # Only as many tokens as the longest complex pattern from where one may start, and only
        # where the word it must end with follows: the Matcher's cost grows with the tokens it
        # is given (its set predicates run in Python on each). A match starting later in the
        # window starts at an anchor of its own and is found in that one's window. The Matcher
        # counts from the start of the span it is given.
        doc = doclike.doc if isinstance(doclike, Span) else doclike
        end = doclike.end if isinstance(doclike, Span) else len(doclike)
        for anchor in anchors:
            stop = min(end, anchor + self._window)
            tail = bisect.bisect_left(tails, anchor)
            if not self._untailed and (tail == len(tails) or tails[tail] >= stop):
                continue
            found.update((k, a + anchor, b + anchor) for k, a, b in self._complex(doc[anchor:stop]))
        return found


def _lemmas_as_forms(token: dict[str, Any]) -> dict[str, Any]:
    """A token pattern with its ``LEMMA`` spelled out as the ``LOWER`` forms of the lemma."""
    if "LEMMA" not in token:
        return token
    value = token["LEMMA"]
    lemmas = value["IN"] if isinstance(value, dict) else [value]
    rest = {k: v for k, v in token.items() if k != "LEMMA"}
    return {**rest, "LOWER": {"IN": [form for one in lemmas for form in lemma_forms(one)]}}


def _phrases(pattern: list[dict[str, Any]], *, case_sensitive: bool) -> list[tuple[str, ...]]:
    choices: list[list[str | None]] = []
    for token in pattern:
        words: list[str | None] = []
        for attr, value in token.items():
            if attr == "OP":
                continue
            values = value["IN"] if isinstance(value, dict) else [value]
            for v in values:
                words.extend(lemma_forms(v) if attr == "LEMMA" else [v if case_sensitive else v.lower()])
        if token.get("OP") == "?":
            words.append(None)
        choices.append(list(dict.fromkeys(words)))
    phrases = {tuple(w for w in combo if w is not None) for combo in itertools.product(*choices)}
    return sorted(p for p in phrases if p)


@cache
def _forms_by_lemma() -> dict[str, tuple[str, ...]]:
    forms: dict[str, list[str]] = {}
    for form, lemma in _lemma_table().items():
        forms.setdefault(lemma, []).append(form.lower())
    return {lemma: tuple(dict.fromkeys(words)) for lemma, words in forms.items()}


def lemma(word: str) -> str:
    """The lemma spaCy's English lookup table gives ``word`` (its lower case when it has none)."""
    table = _lemma_table()
    return table.get(word) or table.get(word.lower()) or word.lower()


def lemma_forms(lemma: str) -> list[str]:
    """Every form spaCy's English lookup table gives ``lemma`` ("retake": retook, retaken, ...)."""
    return list(dict.fromkeys([lemma.lower(), *_forms_by_lemma().get(lemma.lower(), ())]))


@cache
def _lemma_table() -> dict[str, str]:
    """spaCy's English lemma lookup table (``spacy-lookups-data``), form -> lemma."""
    table = load_language_data(registry.lookups.get("en")["lemma_lookup"])
    return cast(dict[str, str], table)


#: The pattern files matched on every article, by the name :class:`DocMatches` files them under.
GROUPS: dict[str, str] = {
    "trigger": "triggers.jsonl",  # keys: ``t<index into trigger_patterns()>``
    "non_event": "non_events.jsonl",  # phrases with a trigger word that report no event
    "cue": "cues.jsonl",  # keys: cue names (negation, hedges, future, reporting verbs, ...)
    "actor": "actors.jsonl",  # keys: the actors' names
}


def read_group(group: str) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """The (key, pattern) records of one of :data:`GROUPS`, keyed as :class:`DocMatches` files them."""
    records = read_jsonl(GROUPS[group])
    if group == "trigger":
        return ((f"t{i}", r["pattern"]) for i, r in enumerate(records))
    if group == "non_event":
        return (("non_event", r["pattern"]) for r in records)
    return ((r["cue" if group == "cue" else "label"], r["pattern"]) for r in records)


@cache
def _doc_matcher() -> tuple[PatternSet, dict[int, tuple[str, str]]]:
    """Every pattern file in one :class:`PatternSet`, and each match id's (group, key)."""
    strings = nlp().vocab.strings
    labels: dict[int, tuple[str, str]] = {}
    records: list[tuple[str, list[dict[str, Any]]]] = []
    for group in GROUPS:
        for key, pattern in read_group(group):
            labels[strings.add(f"{group}/{key}")] = (group, key)
            records.append((f"{group}/{key}", pattern))
    return PatternSet(records), labels


class DocMatches:
    """Every lexicon match in one ``Doc``, filed by pattern file (:data:`GROUPS`).

    Made once per article by :func:`match_doc`: one pass of one ``PhraseMatcher`` pair over the
    whole ``Doc`` costs about what a pass over one sentence did per call (the per-call and
    per-match overhead, not the tokens, dominated when each stage matched its own file on each
    sentence). A match lies in a sentence when both its ends do, as when a ``Span`` is matched.
    """

    def __init__(self, found: dict[str, list[Match]]) -> None:
        self._found = found  # per group, in order of (first token, end token)
        self._firsts = {group: [m[1] for m in matches] for group, matches in found.items()}

    def __getitem__(self, group: str) -> list[Match]:
        """The group's matches (key, first token, end token), sorted as tuples."""
        return sorted(self._found[group])

    def within(self, group: str, first: int, last: int) -> list[Match]:
        """The group's matches inside tokens ``[first, last)``, in order of position."""
        firsts = self._firsts[group]
        low, high = bisect.bisect_left(firsts, first), bisect.bisect_left(firsts, last)
        return [m for m in self._found[group][low:high] if m[2] <= last]


_BY_POSITION = itemgetter(1, 2, 0)  # (id, first, end) by first token, end token, then id


def match_doc(doc: Doc) -> DocMatches:
    """Match every pattern file on ``doc`` at once."""
    matcher, labels = _doc_matcher()
    found: dict[str, list[Match]] = {group: [] for group in GROUPS}
    for k, first, last in sorted(matcher.match_ids(doc), key=_BY_POSITION):
        group, key = labels[k]
        found[group].append((key, first, last))
    return DocMatches(found)


@cache
def actor_labels() -> tuple[str, ...]:
    """The actors' names in the order of ``actors.jsonl`` (the order events list them in)."""
    return tuple(dict.fromkeys(r["label"] for r in read_jsonl("actors.jsonl")))


@cache
def not_names() -> frozenset[str]:
    """Capitalised words that are not part of a person's name (``not_names.txt``)."""
    text = (settings.LEXICON_DIR / "not_names.txt").read_text(encoding="utf-8")
    return frozenset(word for line in text.splitlines() if not line.startswith("#") for word in line.split())
