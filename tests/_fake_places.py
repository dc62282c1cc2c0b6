"""A tiny stand-in for the project gazetteer, written for the tests.

It knows a handful of places and answers with the real ``Place`` and ``Mention`` records, as
``find_places`` does, so the events tests do not depend on the real gazetteer's coverage.
Coordinates are approximate and only used as numbers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from geodata.gazetteer import Place
from geodata.geocoding import Mention

_PLACES = {
    "Idlib": ("governorate", 36.63, 35.93, 50.0, "Idlib", "SY"),
    "Aleppo": ("town", 37.16, 36.20, 10.0, "Aleppo", "SY"),
    "Manbij": ("town", 37.95, 36.53, 5.0, "Aleppo", "SY"),
    "Hmeimim": ("point", 35.95, 35.40, 2.0, "Lattakia", "SY"),
    "Afrin": ("town", 36.87, 36.51, 5.0, "Aleppo", "SY"),
    "Latakia": ("town", 35.79, 35.52, 5.0, "Lattakia", "SY"),
    "Saraqib": ("town", 36.80, 35.86, 3.0, "Idlib", "SY"),
    "Raqqa": ("town", 39.01, 35.95, 5.0, "Ar-Raqqa", "SY"),
    "Syria": ("country", 38.5, 35.0, 300.0, "", "SY"),
    "Moscow": ("town", 37.62, 55.75, 20.0, "", "RU"),
    "Sochi": ("town", 39.72, 43.60, 10.0, "", "RU"),
    "Ankara": ("town", 32.85, 39.93, 15.0, "", "TR"),
    "Tehran": ("town", 51.39, 35.69, 20.0, "", "IR"),
    "Astana": ("town", 71.45, 51.17, 15.0, "", "KZ"),
    "Russia": ("country", 37.6, 55.7, 1000.0, "", "RU"),
    "Turkey": ("country", 32.8, 39.9, 500.0, "", "TR"),
    "Iran": ("country", 51.4, 35.7, 500.0, "", "IR"),
}
_CAPITALS = frozenset({"Moscow", "Ankara", "Tehran", "Astana"})
_NAME_AFTER = re.compile(r"^(?:'s|’s)?\s+(?:agreement|process|road map|deal|summit|memorandum)", re.I)
_PATTERN = re.compile(r"\b(" + "|".join(sorted(_PLACES, key=len, reverse=True)) + r")\b")


def fake_find_places(sentence: str) -> Sequence[Mention]:
    """Mentions of the known places in ``sentence``; a name before "agreement" etc. is a name."""
    found = []
    for match in _PATTERN.finditer(sentence):
        name = match.group(1)
        kind, lon, lat, km, admin1, country = _PLACES[name]
        code = "PPLC" if name in _CAPITALS else ""
        place = Place(
            f"test:{name.lower()}", name, kind, lon, lat, km, admin1, country, "test", feature_code=code
        )
        role = "name" if _NAME_AFTER.match(sentence[match.end() :]) else "location"
        found.append(Mention(name, match.start(), match.end(), place, kind, km, role))
    return tuple(found)
