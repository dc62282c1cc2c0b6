"""Negation, denial and modality: whether a trigger reports an event, and whether it is planned.

Each rule reads the cues of the trigger's own clause (:mod:`geodata.cues`), never a fixed window
of characters:

- **negated**: a negation a few tokens before the trigger in its clause ("has not withdrawn any of
  its posts", "failed to agree", "the absence of an agreement"), or right after it ("the talks were
  postponed"); or a denial anywhere before it in the sentence, whose scope runs to the end of the
  sentence ("denied that its troops had withdrawn from Morek"). The denial itself stays a
  ``statement``.
- **hypothetical**: a hedge a few tokens before ("may even attempt to attack", "if talks fail") or
  after ("a joint patrol could be ...").
- **wished**: a demand or wish earlier in the clause ("Ankara wants the army to pull back").
- **stative**: "is/are" + participle of a stative verb ("the zone is deployed in ...",
  "troops are stationed ...").
- **planned**: "would" in reported speech or before a future date ("said they would meet next
  Thursday"), or a future cue in the clause ("will", "plan to", "agreed to", "scheduled",
  "next week"): kept, with status ``planned``.

Anything else is **asserted**. Only asserted and planned triggers become events.
"""

from __future__ import annotations

from typing import Literal

from geodata.cues import Cues
from geodata.lexicon import lemma, trigger_patterns
from geodata.triggers import Trigger

__all__ = ["Mood", "mood"]

Mood = Literal["asserted", "planned", "negated", "hypothetical", "wished", "stative"]

# How far before a trigger (in tokens) a negation or a hedge reaches: "has not yet fully withdrawn".
_SCOPE = 6
# How far after it: "the talks were postponed", "a joint patrol could be".
_SCOPE_AFTER = 4


def mood(trigger: Trigger, cues: Cues, *, dated_future: bool = False) -> Mood:
    """The mood of ``trigger`` in its sentence.

    ``dated_future`` says whether the sentence names a date after publication (it makes a bare
    "would" a plan rather than a hypothesis).
    """
    if _negated(trigger, cues):
        return "negated"
    if _would(trigger, cues):
        if _judged(trigger, cues):
            return "hypothetical"
        reported = any(cue.last <= trigger.first for cue in cues["report"] + cues["future"])
        return "planned" if reported or dated_future else "hypothetical"
    if cues.before("hedge", trigger.first, tokens=_SCOPE, same_clause=False):
        return "hypothetical"
    if cues.after("hedge", trigger.last, tokens=3):
        return "hypothetical"
    if any(
        cue.last <= trigger.first and not _semicolon_between(cues, cue.last, trigger.first)
        for cue in cues["wish"]
    ):
        return "wished"
    if trigger_patterns()[trigger.pattern].stative and _stative(trigger, cues):
        return "stative"
    return "asserted"


def _negated(trigger: Trigger, cues: Cues) -> bool:
    if cues.before("negation", trigger.first, tokens=_SCOPE):
        return True
    if trigger.kind != "statement" and cues.after("negation", trigger.last, tokens=_SCOPE_AFTER):
        return True
    denials = [cue for cue in cues["denial"] if cue.last <= trigger.first]
    return any(not cues.before("negation", cue.first, tokens=3) for cue in denials)


def _would(trigger: Trigger, cues: Cues) -> bool:
    return bool(
        cues.before("would", trigger.first, tokens=_SCOPE, same_clause=False)
        or cues.after("would", trigger.last, tokens=3)
    )


def _judged(trigger: Trigger, cues: Cues) -> bool:
    """ "an offensive would be the worst case": a judgement of a hypothetical event, not a plan."""
    doc = cues.sentence.doc
    after = cues.after("would", trigger.last, tokens=3)
    return after is not None and after.last < len(doc) and doc[after.last].lower_ == "be"


def _semicolon_between(cues: Cues, first: int, last: int) -> bool:
    doc = cues.sentence.doc
    return any(doc[i].text == ";" for i in range(first, last))


def _stative(trigger: Trigger, cues: Cues) -> bool:
    word = cues.sentence.doc[trigger.first].lower_
    participle = word != lemma(word) and word.endswith(("ed", "en", "wn"))
    return participle and cues.before("be_present", trigger.first, tokens=1, same_clause=False) is not None
