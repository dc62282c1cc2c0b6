"""Word lists and patterns the events pipeline reads sentences with (see :mod:`geodata.events`).

Kept apart from the pipeline's logic so the vocabulary can be reviewed and extended on its own:
abbreviations that do not end a sentence, the trigger lexicon of each event kind, the cues of
action, negation, hedging, plans and continuation, and the actor lexicon.
"""

from __future__ import annotations

import re

ABBREVIATION_WORDS = (
    "u.s u.k u.n e.u mr mrs ms dr gen lt col maj capt sgt st jan feb mar apr jun jul aug sep sept "
    "oct nov dec no nos vs etc inc co corp ltd jr sr e.g i.e a.m p.m approx dept gov rep sen prof "
    "fig mt ft rev adm brig cmdr"
)
ABBREVIATIONS = frozenset(ABBREVIATION_WORDS.split())


def words(*items: str) -> str:
    """A pattern matching any of ``items`` as whole words."""
    return r"\b(?:" + "|".join(items) + r")\b"


# Strong triggers name an event by themselves; weak ones (nouns) need an action or future cue in
# the same sentence, so "The reports of patrols are not new" is not a patrol.
LEXICON: tuple[tuple[str, re.Pattern[str], bool], ...] = tuple(
    (kind, re.compile(pattern, re.IGNORECASE), strong)
    for kind, pattern, strong in (
        ("patrol", words(r"patroll(?:ed|ing)", r"(?:will|to|jointly|would|they) patrol"), True),
        ("patrol", words(r"patrols?"), False),
        (
            "agreement",
            words(
                r"agreed",
                r"sign(?:ed|ing)",
                r"(?:agreement|deal|accord) (?:was|has been|had been) (?:reached|struck|signed)",
                r"reached an? (?:agreement|deal|accord)",
                r"(?:took|takes|take) effect",
                r"(?:came|comes|entered|enters) into (?:force|effect)",
                # "announced a conditional ceasefire": the announced truce is the event.
                r"(?:announced|declared|proclaimed) an? (?:[\w-]+ ){0,2}(?:ceasefire|cease-fire|truce)",
            ),
            True,
        ),
        (
            "agreement",
            words(
                r"agreements?",
                r"deal",
                r"memorandum",
                r"accord",
                r"road ?map",
                r"truce",
                r"ceasefire",
                r"cease-fire",
            ),
            False,
        ),
        (
            "talks",
            words(
                r"talks",
                r"meeting",
                r"met",
                r"summit",
                r"negotiations?",
                r"discussions?",
                r"visit(?:ing|ed|s)?",
                r"(?<!news )(?<!press )conference",
                r"rounds? of",
                r"(?:to )?meet",
                r"phone call",
                r"spoke by (?:tele)?phone",
            ),
            True,
        ),
        ("talks", words(r"sessions?", r"congress"), False),
        (
            "attack",
            words(
                r"attack(?:s|ed|ing)?",
                r"(?:air ?)?strikes?",
                r"struck",
                r"shell(?:ing|ed|s)",
                r"bombard\w*",
                r"bomb(?:ing|ings|ed)",
                r"raids?",
                r"killed",
                r"killing",
                r"offensive",
                r"clash(?:es|ed)",
                r"ambush\w*",
                r"explosions?",
                r"blasts?",
                r"exploded",
                r"pounded",
                r"targeted",
                r"fired (?:rockets|missiles|shells|mortars?)",
                r"car bomb",
                r"suicide (?:bomber|bombing|attack|attacker)s?",
                r"roadside bombs?",
                r"rammed",
                r"barrel bombs?",
                r"(?:missiles?|rockets?|shells?|bombs?|mortars?) (?:hit|struck|landed|fell)",
                r"detonat\w+",
                r"wounded",
                r"injured",
            ),
            True,
        ),
        (
            "displacement",
            words(
                r"fled",
                r"flee(?:ing)?",
                r"displaced",
                r"displacement",
                r"refugees?",
                r"escaped their homes",
                r"(?:people|residents|families|civilians|inhabitants|villagers) (?:have |has |had )?"
                r"(?:left|abandoned)",
                r"evacuat\w+",
                r"exodus",
            ),
            True,
        ),
        (
            "deployment",
            words(
                r"deploy\w*",
                r"reinforcements?",
                r"convoys?",
                r"observation posts?",
                r"withdr[ae]w\w*",
                r"withdrawal",
                r"pull(?:ed|ing|s)? (?:[\w-]+ ){0,3}back",
                r"pull(?:ed|ing|s)? out",
                r"pull-?out",
                r"stationed",
                r"entered",
                r"crossed into",
                r"arrived in",
                r"set up",
            ),
            True,
        ),
        (
            "other",
            words(
                r"captured",
                r"seized",
                r"recaptured",
                r"retook",
                r"(?:took|taken|gained|seized|regained) control",
                r"fell to",
                r"surrounded",
                r"encircl(?:ed|ing)",
                r"besieged",
                r"(?:troops|forces|army|rebels|fighters|militants) (?:had |have |has )?"
                r"(?:taken|took) (?!part|place)",
                r"handed over",
                r"reopen(?:ed|ing)",
            ),
            True,
        ),
        (
            "statement",
            words(
                r"announced",
                r"announces",
                r"declared",
                r"confirmed",
                r"acknowledged",
                r"revealed",
                r"stated",
                r"warned",
                r"told",
            ),
            True,
        ),
    )
)
ACTION_CUE = re.compile(
    words(
        r"conduct\w*",
        r"carr(?:y|ied|ying) out",
        r"beg[iau]n\w*",
        r"start\w*",
        r"launch\w*",
        r"h[oe]ld\w*",
        r"holding",
        r"establish\w*",
        r"resum\w*",
        r"organi[sz]\w*",
        r"reached",
        r"signed",
        r"agreed",
        r"struck",
        r"brokered",
        r"enshrines?",
        r"envisag\w+",
    ),
    re.IGNORECASE,
)
# Negation and hedging are read from the few words around a trigger: "failed to agree", "the
# absence of a full agreement", "may even attempt to target the patrols", "joint patrol could be".
NEGATION_TEXT = "not no never without fail failed fails absence deferred refused refuses yet lack"
HEDGE_TEXT = (
    "might could would wouldn't can cannot can't should if whether unless possible possibly "
    "likely chance hope hopes hoped hoping attempt attempts attempted attempting"
)
NEGATION_WORDS = frozenset(NEGATION_TEXT.split())
HEDGE_WORDS = frozenset(HEDGE_TEXT.split())
HEDGE_AFTER_WORDS = frozenset({"could", "would", "might", "may"})


# A wish or a demand is not an event: "Ankara wants the Syrian army to pull back behind ...".
_IRREALIS_WORD = (
    r"(?i)\b(?:wants?|wanted|demand(?:s|ed|ing)?|urg(?:e|es|ed|ing)|asks?|asked|calls? on|called on"
    r"|insists?|insisted)\b"
)
IRREALIS = re.compile(_IRREALIS_WORD + r"[^;.]*$")  # in the text before a trigger, same clause
# The same words, looked for once in a lower-cased sentence (faster than ignoring case).
IRREALIS_ANYWHERE = re.compile(_IRREALIS_WORD.removeprefix("(?i)"))
# Words of movement are deployments only when armed forces move: "a mother of four who arrived in
# Atmeh" or "families entered Turkey" is not one.
MOVEMENT_WORDS = frozenset({"entered", "crossed into", "arrived in"})
FORCES = re.compile(
    r"\b(?:troops?|forces?|army|armies|soldiers?|military|police|convoys?|vehicles?|tanks?|units?"
    r"|fighters?|militants?|rebels?|battalions?|brigades?|reinforcements?|columns?|commandos?"
    r"|servicemen|patrols?|militias?|factions?)\b"
)
# A present passive of a deployment word describes a state, not an arrival: "the third zone is
# deployed in Eastern Ghouta", "troops are stationed near the border".
STATIVE_BEFORE = re.compile(r"(?i)\b(?:is|are)\s+(?:\w+ly\s+)?$")
# "The talks came a week after ...", "The deployment is part of ...": a definite noun opening the
# clause refers back to an event already reported, so another trigger of the clause is the news.
ANAPHORIC_OPENING = re.compile(
    r"^\s*(?:The|This|That|These|Those|the|this|that|these|those)\s+"
    r"(?:(?:joint|latest|new|first|second|recent|planned|announced)\s+)?$"
)
# An agreement noun followed by these is the subject of a description of its terms ("The deal
# envisages the withdrawal of ..."): the agreement is what the sentence reports, not the terms.
TERMS_AFTER = re.compile(
    r"^\s+(?:envisag\w+|provides? for|provided for|calls? for|stipulat\w+|foresees|includes)\b"
)
# ... when a linking verb follows it: "The deal envisages a withdrawal" still reports the deal.
LINKING_AFTER = re.compile(r"^\s+(?:came|comes|followed|follows|is|was|are|were)\b")
# Clauses that may report an event of their own: "... in January 2018, and its membership was
# finalised after the guarantors met in Ankara in September".
CLAUSE_CUT = re.compile(r";\s+|,\s+(?:and|while|but|whereas)\s+")
# A place named after these is what an agreement or talks are about, not where they were held:
# "agreed on a ceasefire in Syria's Idlib province".
SUBJECT_BEFORE = re.compile(
    r"(?i)\b(?:ceasefire|cease-fire|truce|agreement|deal|accord|patrols?|situation|tensions?|zone"
    r"|offensive|operation|escalation|fighting|violence|attacks?)\s+(?:in|on|over|for|around)\s+"
    r"(?:the\s+)?(?:[A-Z][\w’'-]*(?:'s|’s)\s+)?$"
)
# A place referred back to: "struck government targets in the area", "the town has been shelled".
AREA_ANAPHORA = re.compile(r"\b(?:[Tt]he|[Tt]hat) (?:city|town|village|area)\b(?! of)")

LEADING_CLAUSE = re.compile(
    r"^(Since|After|Following|Before|Prior to|Ahead of|Despite|Amid|Under|During|According to)"
    r"\b[^,]{3,120},"
)
PLANNED = re.compile(
    r"(?i)\b(?=[epcaiw])(?:envisag\w+|provides? for|calls? for|aims? to|intends? to"
    r"|would (?:start|begin))\b"
)
# Ongoing at publication: present progressive ("are having talks"), or explicitly continuing.
ONGOING = re.compile(
    r"(?i)\b(?=[aihcodus])(?:(?:are|is|am|has been|have been)\s+(?:\w+ly\s+)?\w+ing|continu\w+"
    r"|ongoing|daily"
    r"|underway|under way"
    r"|still)\b"
)


ACTOR_LEXICON: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("Russia", r"\b(?:Russian?|Kremlin)\b"),
        ("Turkey", r"\b(?:Turkey|Turkish|Türkiye)\b"),
        ("Iran", r"\b(?:Iran|Iranian)\b"),
        ("Syrian government", r"\b(?:regime|Syrian (?:army|government|troops|forces)|SAA)\b"),
        ("United States", r"\b(?:U\.S\.?|US|USA|United States|American)\b"),
        ("Syrian opposition", r"\b(?:opposition|rebels?|FSA|Free Syrian Army)\b"),
        ("HTS", r"\b(?:HTS|Hay.at Tahrir al-Sham|Nusra)\b"),
        ("Kurdish forces", r"\b(?:YPG|SDF|PKK|Kurdish)\b"),
        ("Islamic State", r"\b(?:ISIS|ISIL|IS|Islamic State|Daesh)\b"),
        ("United Nations", r"\b(?:United Nations|UN)\b"),
        ("Jordan", r"\b(?:Jordan|Jordanian)\b"),
        ("Israel", r"\b(?:Israel|Israeli)\b"),
    )
)
NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:al-|bin\s+)?[A-Z][\w’'-]*[a-z])+")
# Capitalised words that start name-like runs but are titles, places of office or sentence words.
NOT_NAME_WORDS = (
    "President Presidents Ministers Officials Prime Minister Deputy Foreign Defense Defence "
    "National Special Envoy Spokesman "
    "General Gen Leader Iranian Russian Turkish Syrian American Kurdish United Nations Security "
    "Council Ministry Minister's The In On At As Since After Following According Yet However "
    "Then This That These Turkey Russia Iran Syria Israel Jordan Democratic Forces Units Party "
    "Free Army People's Protection Workers Arab "
    "News League Agency Process Round State Islamic Hay’at Hayat Tahrir Sham Coalition Kurdistan "
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May "
    "June July August September October November December Chief Commander Mr Mrs Dr Sheik "
    "Axis Resistance Baath Ba’athist Ba’ath Reuters Getty Road Map Observatory Eastern Western "
    "Northern Southern North South East West Province Governorate City"
)
NOT_NAMES = frozenset(NOT_NAME_WORDS.split())
