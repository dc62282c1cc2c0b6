"""Small English word lists that steer toponym matching and resolution.

Kept apart from :mod:`geodata.geocoding` so the gazetteer validator can use the same lists (an
alias that is a demonym is reported) and so the lists can be read and extended in one place.
Lists compared with normalised alias keys (demonyms, generic words, stopwords) hold the form
:func:`geodata.gazetteer.normalise` produces (lower case, doubled letters collapsed); the context
lists (regional, direction, locative, verb and naming words) are compared with the lower-cased
words as written.
"""

from __future__ import annotations

import re
from typing import Final


def _collapse(word: str) -> str:
    # Same spelling rules as geodata.gazetteer.normalise (kept here to avoid an import cycle: the
    # gazetteer module imports this one): doubled letters collapsed, then a final silent h.
    out: list[str] = []
    for ch in word:
        if not out or out[-1] != ch or not ch.isalpha():
            out.append(ch)
    return drop_final_h("".join(out))


# A word's final h after a vowel, in a word of five letters or more ("Hamah", not "Shah").
_FINAL_H: Final = re.compile(r"(?<=[^\W\d_]{3}[aeiou])h\b")


def drop_final_h(text: str) -> str:
    """Drop the silent h transliterations add or leave out at a word's end.

    "Darbasiyah" and "Darbasiya", "Hasakah" and "Hasaka" are one name; a final h after a vowel
    is dropped in words of five letters or more (not "Shah"). Applied after the doubled-letter
    collapse, so "Raqqah" is "raqa".
    """
    return _FINAL_H.sub("", text)


def _keys(text: str) -> frozenset[str]:
    return frozenset(_collapse(w) for w in text.split())


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Adjectives of nationality or people: never places, whatever the capital letter says.
DEMONYMS: Final = _keys(
    """syrian syrians turkish turk turks russian russians iranian iranians iraqi iraqis kurdish
    kurd kurds american americans jordanian jordanians lebanese israeli israelis saudi saudis
    egyptian egyptians qatari emirati british french german germans swiss chinese kazakh
    kazakhstani european europeans arab arabs persian turkmen circassian alawite druze
    assyrian armenian idlibi aleppan aleppine damascene western westerner westerners"""
)

#: Lower-case words allowed inside a multi-word alias ("Hmeimim air base", "M4 highway").
GENERIC_WORDS: Final = _keys(
    """city countryside suburbs air base airbase airfield airport border crossing gate highway
    motorway road international military mountain mountains hill plain basin valley district
    region canton area observation post occupied of province governorate eastern western
    northern southern east west north south"""
)

#: Lower-case words that may open a multi-word alias ("rural Damascus", "eastern Ghouta").
LEADING_WORDS: Final = _words("rural eastern western northern southern east west north south occupied")

#: Words after a place name that make it regional ("Idlib province", "Hama countryside").
REGIONAL_WORDS: Final = _words(
    """province provinces governorate governorates region regions countryside countrysides
    hinterland area areas zone"""
)

#: Words after a place that make it an administrative district around the town ("Idlib district").
DISTRICT_WORDS: Final = _words("district districts subdistrict")

#: Facilities after a governorate seat's name that mean the town ("Tartus naval base").
FACILITY_WORDS: Final = _words(
    "airport airbase port naval base prison hospital university stadium refinery dam"
)

#: Words that mark the town itself ("Idlib city", "the city of Idlib", "the town of Saraqib").
CITY_WORDS: Final = _words("city town")

#: Direction adjectives that may stand between a place and its regional word.
DIRECTIONS: Final = _words(
    """north south east west northern southern eastern western central northeastern
    northwestern southeastern southwestern northeast northwest southeast southwest rural
    northernmost southernmost"""
)

#: Words before a country that make it a location rather than an actor ("in Turkey").
LOCATIVE_PREPOSITIONS: Final = _words(
    """in inside into to from across within throughout toward towards near at via through
    outside over entered enter enters entering reached reach visited visit visiting left
    leave leaving crossed bordering borders"""
)

#: Words after a capital that make it stand for its government ("Moscow said", "Ankara will").
ACTOR_VERBS: Final = _words(
    """said says say agreed agrees agree will would has have had wants want accused accuses
    announced announces insisted insists demanded demands warned warns rejected rejects denied
    denies claimed claims backed backs supports supported sent sends launched launches began
    begins called calls hopes hoped told tells is was responded responds blamed blames urged
    urges signed signs considers considered believes believed reiterated reiterates stressed
    stresses confirmed confirms deployed deploys must should could can may might did does
    refused refuses vowed vows threatened threatens stated added noted expects expected seeks
    sought continues continued opposed opposes recalled anticipated anticipates
    expect insist demand hope hope plans planned intends intended proposed proposes offered"""
)

#: Words after a place that make it the name of an agreement or process ("Sochi agreement").
NAMING_WORDS: Final = _words(
    """agreement agreements accord accords deal deals memorandum memorandums memoranda process
    format protocol protocols declaration roadmap understanding framework arrangement
    arrangements guarantors guarantor summit summits talks meeting meetings conference
    communique communiqué platform formula"""
)

#: Capitalised words after a place that make it part of a news outlet's name ("Washington Post").
OUTLET_WORDS: Final = _words(
    "post times herald tribune journal telegraph examiner chronicle gazette direct deeply today"
)

#: Personal names that are also the name of a place abroad ("Vladimir Putin", "Ariel Sharon",
#: "David Cameron"): never read as places. Found by listing the single-word keys of the
#: built gazetteer's foreign places.
PERSONAL_NAMES: Final = _keys(
    """vladimir ariel adam alan douglas stanley hamilton wellington victoria kingston georgetown
    jamestown cameron hilal fatih aksoy soylu yildiz ozbek kartal demirci salem salman rami
    rama omar omer hatem hatim yunus yasar ozan serkan elif sara sinan diana castro
    kasim khalil halil nasir nasr hamzah akar eroglu serdar hero main male oral sir zion
    tire kite dur sis mil lid ile sal ris tir sor cana han hay hai gat gan chat eka sana"""
)
# "sana": the Syrian Arab News Agency (SANA) is named far more often than Yemen's capital, whose
# every spelling normalises to the same key.

#: Words hyphen-joined after a place that make it a modifier, not a place: "Damascus-based",
#: "Moscow-backed", "Idlib-held" (a country or capital before them stays an actor).
MODIFIER_SUFFIXES: Final = _words(
    """backed based led held allied sponsored controlled aligned brokered made run funded
    supported affiliated linked friendly"""
)

#: Words hyphen-joined before a place that make it a modifier: "pro-Damascus", "anti-Ankara".
MODIFIER_PREFIXES: Final = _words("pro anti")

#: Common English words that collide with place aliases (and the personal names above); such an
#: alias is not indexed.
#: The gazetteer build drops such aliases, and the validator warns about any left in the file.
ENGLISH_STOPWORDS: Final = (
    _keys(
        """a an the and or but if then else when where what who how why this that these those
    there here it its is was be been being are were has have had do does did will would shall
    should can could may might must not no yes all any some each every both few more most
    other such only own same so than too very just also now new old good bad big small high
    low long short last first next late early well back over under up down out off on in at
    by for from of to with without about above below between into through during before after
    again further once tell told bar hell mare may march june july august april sun war peace
    ban bin dan lot sale salt sham mark may tall tel tell ram rome ras kafr deir beit ain
    ayn jabal mount khan hill city town army state forces force camp centre center post base
    north south east west gate road border sea river lake valley plain area zone line front
    side part said says say men man women day days year years time week month aid arms
    nazi sam san sin shin hal ezra sabah soda mari rai kara susa dali safir sen hamra"""
    )
    | PERSONAL_NAMES
)
# The last line above: GeoNames alternate names of Syrian places that are also common capitalised
# words, names or outlets in the news ("Daily Sabah", "As-Safir", "Nazi"); found by listing the
# short single-word keys of the built gazetteer.

#: Words near a governorate seat's name that show the text speaks of the city ("besieged
#: Aleppo", "the streets of Raqqa", "Idlib's neighbourhoods"); compared within a few words.
CITY_CUES: Final = _words(
    """besieged siege sieged encircled encirclement streets street neighbourhood neighbourhoods
    neighborhood neighborhoods downtown citadel residents inhabitants quarter quarters mayor
    municipality old centre center bakeries bakery"""
)

#: Words just before a governorate seat's name that make it the governorate ("rural Idlib",
#: "across Idlib", "villages of Idlib").
REGIONAL_CUES: Final = _words(
    """rural across throughout villages towns villages countryside province provinces
    governorate governorates"""
)

#: Direction words and the compass direction they name ("north-western" is two words:
#: "north" then "western", read together as "northwest").
COMPASS_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys(["north", "northern", "northernmost"], "north"),
    **dict.fromkeys(["south", "southern", "southernmost"], "south"),
    **dict.fromkeys(["east", "eastern", "easternmost"], "east"),
    **dict.fromkeys(["west", "western", "westernmost"], "west"),
    **dict.fromkeys(["northeast", "northeastern"], "northeast"),
    **dict.fromkeys(["northwest", "northwestern"], "northwest"),
    **dict.fromkeys(["southeast", "southeastern"], "southeast"),
    **dict.fromkeys(["southwest", "southwestern"], "southwest"),
    **dict.fromkeys(["central", "centre", "center"], "central"),
}

#: Adjectives of nationality and the country (ISO code) they point to ("the Iraqi town of
#: Sinjar" is in Iraq).
DEMONYM_COUNTRIES: Final[dict[str, str]] = {
    **dict.fromkeys(["syrian"], "SY"),
    **dict.fromkeys(["turkish", "turkey's"], "TR"),
    **dict.fromkeys(["iraqi"], "IQ"),
    **dict.fromkeys(["lebanese"], "LB"),
    **dict.fromkeys(["jordanian"], "JO"),
    **dict.fromkeys(["israeli"], "IL"),
    **dict.fromkeys(["palestinian"], "PS"),
    **dict.fromkeys(["iranian", "persian"], "IR"),
    **dict.fromkeys(["russian"], "RU"),
    **dict.fromkeys(["greek"], "GR"),
    **dict.fromkeys(["cypriot"], "CY"),
    **dict.fromkeys(["egyptian"], "EG"),
    **dict.fromkeys(["saudi"], "SA"),
    **dict.fromkeys(["kazakh", "kazakhstani"], "KZ"),
    **dict.fromkeys(["swiss"], "CH"),
    **dict.fromkeys(["american"], "US"),
    **dict.fromkeys(["libyan"], "LY"),
}

#: Capitalised words that may follow a foreign town's name without making it a person's name
#: ("Kilis Governor", "Erbil International Airport", "Rukban Camp").
NAME_FOLLOWERS: Final = _words(
    """governor governorate province city town district airport airbase base camp crossing
    border university hospital port municipality council international military mountain
    mountains plain valley region area river dam lake prison stadium square mosque church
    refinery highway road street"""
)
