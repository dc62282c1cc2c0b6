"""Negation, denial and modality: whether a trigger reports an event, and whether it is planned.

Each rule reads the cues of the trigger's own clause (:mod:`geodata.cues`), never a fixed window
of characters:

- **negated**: a negation a few tokens before the trigger in its clause ("has not withdrawn any of
  its posts", "failed to agree", "the absence of an agreement"), or right after it ("the talks were
  postponed"); or a denial anywhere before it in the sentence, whose scope runs to the end of the
  sentence ("denied that its troops had withdrawn from Morek"), or a relative clause right after
  it that denies it ("the raid, which the army denied"). The denial itself stays a
  ``statement``.
- **hypothetical**: a hedge a few tokens before ("may even attempt to attack") or right after
  ("a joint patrol could be ...", but not in a relative clause: "agreements that could end the
  fighting" were reached), or a condition anywhere before it in its clause ("if talks fail",
  "whether militants carried out the attack"); "would" after the trigger unless it says the event
  takes place ("an offensive would set off a catastrophe" vs "the talks would be held").
- **wished**: a demand or wish earlier in the clause ("Ankara wants the army to pull back").
- **stative**: "is/are" + participle of a stative verb ("the zone is deployed in ...",
  "troops are stationed ...").
- **generic**: a present-tense verb after a pronoun ("they strike only armed factions").
- **reference** and **background**: an event already reported ("It was the third meeting ...",
  "carry out the existing agreements") or told in a pluperfect relative clause ("where it had
  first been set up"). A purpose ("a roadmap meant to let forces take control") is hypothetical,
  and what something prevents ("shielded the region from an offensive") negated.
- **planned**: "would" before the trigger in reported speech or with a future date ("said they
  would meet next Thursday"): kept, with status ``planned`` (other future cues, "will", "plan to",
  "agreed to", "next week", make the status ``planned`` in :mod:`geodata.draft_status`).

Anything else is **asserted**. Only asserted and planned triggers become events.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from geodata.cues import Cue, Cues
from geodata.lexicon import lemma, trigger_patterns
from geodata.triggers import Trigger

__all__ = ["Mood", "mood"]

Mood = Literal[
    "asserted",
    "planned",
    "negated",
    "hypothetical",
    "wished",
    "stative",
    "generic",
    "reference",
    "background",
]

# How far before a trigger (in tokens) a negation or a hedge reaches: "has not yet fully withdrawn".
_SCOPE = 6
# How far after it: "the talks were postponed", "a joint patrol could be".
_SCOPE_AFTER = 4
# How far a condition reaches: its whole clause ("whether militants in the zone carried out ...").
_CLAUSE = 25
_VERB_LIKE = frozenset(
    {"is", "are", "was", "were", "has", "have", "had", "said", "says", "that", "and", "but"}
)
_SUBORDINATORS = frozenset({"as", "while", "when", "because", "after", "since"})
_DENIAL_STOPS = frozenset({";", "but", "while", "whereas"})


def mood(trigger: Trigger, cues: Cues, *, dated_future: bool | Callable[[], bool] = False) -> Mood:
    """The mood of ``trigger`` in its sentence.

    ``dated_future`` says whether the sentence names a date after publication (it makes a bare
    "would" a plan rather than a hypothesis); a function is asked only when that matters, so the
    caller need not find the sentence's dates for a trigger that is negated or hedged.
    """
    if _negated(trigger, cues):
        return "negated"
    would = _would(trigger, cues)
    if would is not None:
        if would == "planned":
            return "planned"
        return "planned" if (dated_future() if callable(dated_future) else dated_future) else would
    if cues.before("hedge", trigger.first, tokens=_SCOPE, same_clause=False):
        return "hypothetical"
    if cues.before("condition", trigger.first, tokens=_CLAUSE, same_clause=True):
        return "hypothetical"  # "whether militants carried out the attack", "if talks fail"
    if cues.before("purpose", trigger.first, tokens=_CLAUSE, same_clause=True):
        return "hypothetical"  # "a roadmap meant to let Turkish-vetted forces take control"
    if cues.before("prevention", trigger.first, tokens=_CLAUSE, same_clause=True):
        return "negated"  # "has shielded the region from a new government offensive"
    if _hedged_after(trigger, cues):
        return "hypothetical"
    wishes = cues["wish"]
    if any(
        cue.last <= trigger.first and not _semicolon_between(cues, cue.last, trigger.first) for cue in wishes
    ):
        return "wished"
    if trigger_patterns()[trigger.pattern].stative and _stative(trigger, cues):
        return "stative"
    if _generic(trigger, cues):
        return "generic"
    if _longstanding(trigger, cues):
        return "background"  # "forces have long besieged Idlib": a state of long standing
    if _refers_back(trigger, cues):
        return "reference"
    if _background(trigger, cues):
        return "background"
    return "asserted"


def _refers_back(trigger: Trigger, cues: Cues) -> bool:
    """ "It was the third meeting between them": a description of an event already reported;
    "the need to carry out the existing agreements": an agreement in force, not a new one."""
    if cues.before("copula_reference", trigger.first, tokens=8) is not None:
        return True
    return (
        trigger.kind == "agreement"
        and cues.before("implementation", trigger.first, tokens=_CLAUSE) is not None
    )


def _background(trigger: Trigger, cues: Cues) -> bool:
    """An event in a relative clause in the pluperfect ("the post was still where it had first
    been set up"): background to the news, told to explain it."""
    relative = cues.before("relative_clause", trigger.first, tokens=_SCOPE, same_clause=True)
    return relative is not None and any(relative.last <= c.first < trigger.first for c in cues["pluperfect"])


# How far after a trigger a relative clause's denial may come, in tokens (", which X denied").
_DENIED_AFTER = 10
_DENYING_PRONOUNS = frozenset({"which", "that"})


def _negated(trigger: Trigger, cues: Cues) -> bool:
    if cues.before("negation", trigger.first, tokens=_SCOPE):
        return True
    if trigger.kind != "statement" and cues.after("negation", trigger.last, tokens=_SCOPE_AFTER):
        return True
    doc = cues.sentence.doc
    for cue in cues["denial"]:
        if cue.first >= trigger.last and cue.first - trigger.last <= _DENIED_AFTER:
            # "the ground attack, which rebel sources denied": a relative clause denies it.
            between = {doc[i].lower_ for i in range(trigger.last, cue.first)}
            if not between.isdisjoint(_DENYING_PRONOUNS) and not cues.before("negation", cue.first, tokens=3):
                return True
        if cue.last > trigger.first or cues.before("negation", cue.first, tokens=3):
            continue
        # The denial reaches to the end of the sentence, but not past "but" or a semicolon.
        if not any(doc[i].lower_ in _DENIAL_STOPS for i in range(cue.last, trigger.first)):
            return True
    return False


def _would(trigger: Trigger, cues: Cues) -> Mood | None:
    """ "would" before the trigger ("said they would meet next Thursday"): a plan when reported,
    else a hypothesis. "would" after it ("an offensive would set off a catastrophe"): a plan only
    when it says the event takes place ("the talks would be held")."""
    doc = cues.sentence.doc
    after = cues.after("would", trigger.last, tokens=3) or _predicate_would(trigger, cues)
    if after is not None and not _relative_between(cues, trigger.last, after.first):
        starts = any(after.last <= cue.first <= after.last + 1 for cue in cues["plan_start"])
        return "planned" if starts else "hypothetical"
    before = cues.before("would", trigger.first, tokens=_SCOPE, same_clause=False)
    if before is None or doc[before.first].lower_ == "'d":
        return None
    reported = any(cue.last <= before.first for name in ("report", "future") for cue in cues[name])
    return "planned" if reported else "hypothetical"


def _predicate_would(trigger: Trigger, cues: Cues) -> Cue | None:
    """ "Pulling out of the exposed position would take several days": "would" as the verb of the
    phrase the trigger opens, past its complements, with no break, relative pronoun or other
    verb-like cue on the way."""
    found = cues.after("would", trigger.last, tokens=_SCOPE_AFTER + 4)
    if found is None or cues.break_between(trigger.last, found.first):
        return None
    doc = cues.sentence.doc
    if any(doc[k].lower_ in _VERB_LIKE for k in range(trigger.last, found.first)):
        return None
    return found


def _hedged_after(trigger: Trigger, cues: Cues) -> bool:
    """A modal right after the trigger ("a joint patrol could be ..."), not in a relative clause
    ("agreements that could bring the fighting to an end")."""
    after = cues.after("hedge", trigger.last, tokens=3)
    return after is not None and not _relative_between(cues, trigger.last, after.first)


def _relative_between(cues: Cues, first: int, last: int) -> bool:
    return any(first <= cue.first < last for cue in cues["relative_pronoun"])


def _generic(trigger: Trigger, cues: Cues) -> bool:
    """A present-tense verb after a pronoun ("they strike only armed factions"): a habit or a
    claim, not an event."""
    pronoun = next((cue for cue in cues["pronoun_subject"] if cue.last == trigger.first), None)
    if trigger.last - trigger.first != 1 or pronoun is None:
        return False
    if pronoun.first > 0 and cues.sentence.doc[pronoun.first - 1].lower_ in _SUBORDINATORS:
        return False  # "as they flee the offensive": what they are doing, not a habit
    word = cues.sentence.doc[trigger.first].lower_
    return word == lemma(word)


def _longstanding(trigger: Trigger, cues: Cues) -> bool:
    """ "have long besieged", "has long backed": a perfect with "long" tells a lasting state."""
    doc = cues.sentence.doc
    k = trigger.first
    return (
        k >= 2
        and doc[k - 1].lower_ == "long"
        and doc[k - 2].lower_ in ("has", "have", "had")
        and k - 2 >= cues.sentence.first
    )


def _semicolon_between(cues: Cues, first: int, last: int) -> bool:
    if ";" not in cues.sentence.text:
        return False  # the common case, without a Token made for each word
    doc = cues.sentence.doc
    return any(doc[i].text == ";" for i in range(first, last))


def _stative(trigger: Trigger, cues: Cues) -> bool:
    word = cues.sentence.doc[trigger.first].lower_
    participle = word != lemma(word) and word.endswith(("ed", "en", "wn"))
    return participle and cues.before("be_present", trigger.first, tokens=1, same_clause=False) is not None
