"""The gazetteer: named places with a representative point and an uncertainty radius.

The curated file ``gazetteer/gazetteer.csv`` (built by ``gazetteer/build_gazetteer.py`` from
GeoNames, the OCHA governorates and hand-added rows) is loaded into a :class:`Gazetteer`, which
finds places by any of their aliases. Aliases and queries meet after one shared
:func:`normalise`, so "Ma'arrat an-Nu'man", "Maarat al-Numan" and "MAARRAT AL NUMAN" are the same
key. :func:`validate_gazetteer` checks the file for the CLI's ``validate`` command.
"""

from __future__ import annotations

import csv
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Final

import ahocorasick

from geodata import settings
from geodata._errors import DataError, Problem
from geodata._toponym_words import DEMONYMS, ENGLISH_STOPWORDS, drop_final_h
from geodata.schema import GEO_PRECISIONS

logger = logging.getLogger(__name__)

#: Feature kinds a gazetteer row may have.
KINDS: Final[tuple[str, ...]] = (
    "town",
    "governorate",
    "region",
    "site",
    "route",
    "country",
    "venue",
)

#: Columns of ``gazetteer.csv``, in the order they are written.
COLUMNS: Final[tuple[str, ...]] = (
    "place_id",
    "name",
    "kind",
    "geo_precision",
    "lon",
    "lat",
    "uncertainty_km",
    "admin1",
    "country",
    "seat_of",
    "population",
    "feature_code",
    "aliases",
    "alternates",
    "source",
)

#: Columns a gazetteer file may leave out (read as empty).
OPTIONAL_COLUMNS: Final[frozenset[str]] = frozenset({"alternates"})

#: OCHA pcodes of the 14 governorates.
PCODES: Final[frozenset[str]] = frozenset(f"SY{i:02d}" for i in range(1, 15))

#: Directions in which Syria and each governorate have a part feature ("southern Idlib").
PART_DIRECTIONS: Final[tuple[str, ...]] = (
    "north",
    "south",
    "east",
    "west",
    "northeast",
    "northwest",
    "southeast",
    "southwest",
    "central",
)

#: ``feature_code`` of the directional parts of Syria and its governorates (see :func:`part_id`).
PART_CODE: Final[str] = "PART"

#: ``admin1`` of a foreign place: ISO country code, a dot, the GeoNames admin1 code ("TR.31").
_FOREIGN_ADMIN1: Final = re.compile(r"[A-Z]{2}\.[0-9A-Za-z]+")


def part_id(parent_id: str, direction: str) -> str:
    """Return the ``place_id`` of the part of a feature lying towards a direction.

    The one rule that names part features, shared by the gazetteer build and the resolver:
    ``part_id("SY07", "south") == "part:SY07:south"`` ("southern Idlib").

    Parameters
    ----------
    parent_id
        The ``place_id`` of Syria (``country:SY``) or of a governorate (``SY07``).
    direction
        One of :data:`PART_DIRECTIONS`.
    """
    return f"part:{parent_id}:{direction}"


#: How far (km) a Syrian feature's point may lie outside the outline (coastal rounding).
OUTLINE_TOLERANCE_KM: Final[float] = 2.0

# Apostrophes, ayn and hamza marks: removed without a space ("Ma'arrat" -> "maarrat").
_MARKS: Final[str] = "'’‘`´ʿʾʻʼʽ′ˈ"
_MARKS_TABLE: Final = str.maketrans("", "", _MARKS)
# Letters NFKD leaves alone but that readers treat as plain Latin letters.
_LETTERS_TABLE: Final = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe"}
)
_NON_WORD: Final = re.compile(r"[\W_]+")
#: Arabic definite articles as transliterated (al-, el-, and the sun-letter forms).
ARTICLES: Final[frozenset[str]] = frozenset(
    [
        "al",
        "el",
        "ad",
        "ar",
        "as",
        "at",
        "az",
        "an",
        "ash",
        "ath",
        "adh",
        "ed",
        "er",
        "es",
        "et",
        "ez",
        "en",
        "esh",
        "ech",
        "ej",
    ]
)


# Combining marks below U+3100 (Latin, Greek, Cyrillic, Hebrew, Arabic, Indic scripts, symbols):
# deleted by one str.translate. Text with characters above that takes the general path.
_COMBINING: Final = {cp: None for cp in range(0x300, 0x3100) if unicodedata.combining(chr(cp))}
_DOUBLE_LETTER: Final = re.compile(r"([^\W\d_])\1+")


def _fold(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    if max(decomposed) < "\u3100":
        return decomposed.translate(_COMBINING)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def normalise(text: str) -> str:
    """Return the matching key of a place name or of a piece of text.

    The one normalisation shared by aliases and queries: Unicode NFKD with diacritics removed,
    case folded, apostrophes and ayn/hamza marks (’‘'`ʿʾ) dropped, hyphens and all other
    punctuation turned into spaces, doubled letters (not digits) collapsed ("Maarrat" ->
    "marat"), a final h after a vowel dropped ("Darbasiyah" -> "darbasiya", words of five
    letters or more), Arabic article tokens (al, el, ad, ar, as, at, az, an, ash, ...) removed,
    whitespace collapsed.
    The function is idempotent: ``normalise(normalise(s)) == normalise(s)``.

    Parameters
    ----------
    text
        Any text.

    Returns
    -------
    str
        Space-separated lower-case tokens; empty if nothing but articles and punctuation.
    """
    folded = _fold(text.translate(_MARKS_TABLE)).casefold()
    folded = _fold(folded).translate(_LETTERS_TABLE).translate(_MARKS_TABLE)
    # Transliterations disagree on doubled letters (Maarrat/Maarat, Raqqa/Raqa): one letter each.
    # Digits are left alone ("post 11" is not "post 1").
    folded = _DOUBLE_LETTER.sub(r"\1", folded)
    # ... and on a final silent h after a vowel (Darbasiyah/Darbasiya, Hasakah/Hasaka).
    folded = drop_final_h(folded)
    return " ".join(t for t in _NON_WORD.split(folded) if t and t not in ARTICLES)


@dataclass(frozen=True)
class Place:
    """One gazetteer feature.

    Parameters
    ----------
    place_id
        Stable identifier: ``gn:<geonameid>``, an OCHA pcode (``SY07``), ``country:<ISO2>``,
        ``admin1:<ISO2>.<code>`` (a foreign province), ``border:SY-<ISO2>``,
        ``part:<parent>:<direction>`` (see :func:`part_id`), or ``<kind>:<slug>`` for
        hand-added rows.
    name
        Display name (a common English spelling).
    kind
        One of :data:`KINDS`.
    lon, lat
        Representative point, WGS84 degrees.
    uncertainty_km
        Radius around the point within which the feature lies.
    admin1
        OCHA pcode of the governorate the point is in (Syrian features); for foreign places the
        GeoNames province as ``<ISO2>.<admin1 code>`` ("TR.31", Hatay); else "".
    country
        ISO 3166-1 alpha-2 code.
    source
        Where the row comes from (dataset and record, URL, or "[memory]").
    geo_precision
        The precision a mention of this place gets: one of ``schema.GEO_PRECISIONS``.
    aliases
        Names it is known by, as written (the name included): its own names and our press
        spellings.
    alternates
        Further names from GeoNames' alternate names of a foreign place (exonyms,
        transliterations: "Al Mawsil", "Hawler"). They are matched like aliases, but weigh
        less: see :meth:`Gazetteer.is_alternate`.
    population
        GeoNames population (0 when unknown).
    feature_code
        GeoNames feature code, or our own short code for hand-added rows.
    seat_of
        For the seat of a governorate or province, the ``place_id`` of that governorate or
        province (``SY07``, ``admin1:TR.31``), else "".
    """

    place_id: str
    name: str
    kind: str
    lon: float
    lat: float
    uncertainty_km: float
    admin1: str
    country: str
    source: str
    geo_precision: str = "town"
    aliases: tuple[str, ...] = ()
    population: int = 0
    feature_code: str = ""
    seat_of: str = ""
    alternates: tuple[str, ...] = ()


class Gazetteer:
    """Places indexed by the normalised form of every alias.

    Parameters
    ----------
    places
        The features; ``place_id`` must be unique.

    Notes
    -----
    Aliases that normalise to a demonym ("Syrian") or to a common English word ("Tell") are not
    indexed: such words in a sentence are not place names. Nor are the names of directional parts
    ("southern Idleb"): the resolver reaches a part from its parent's name and the direction
    written before or after it, whatever the spelling. Every key also goes into an
    Aho-Corasick automaton (pyahocorasick), so :meth:`find_keys` finds all the keys in a
    normalised text in one pass, however many places the gazetteer holds.
    """

    def __init__(self, places: Iterable[Place]) -> None:
        self._places: dict[str, Place] = {}
        index: dict[str, list[Place]] = {}
        alternate: set[tuple[str, str]] = set()
        for place in places:
            if place.place_id in self._places:
                raise ValueError(f"duplicate place_id {place.place_id!r}")
            self._places[place.place_id] = place
            if place.feature_code == PART_CODE:
                continue  # reached through its parent's name and a direction, not its own name
            own = dict.fromkeys(normalise(a) for a in (place.name, *place.aliases))
            others = dict.fromkeys(k for k in map(normalise, place.alternates) if k not in own)
            for key in [*own, *others]:
                if key and key not in DEMONYMS and key not in ENGLISH_STOPWORDS:
                    index.setdefault(key, []).append(place)
            alternate.update((key, place.place_id) for key in others)
        self._index: dict[str, tuple[Place, ...]] = {k: tuple(v) for k, v in index.items()}
        self._alternate: frozenset[tuple[str, str]] = frozenset(alternate)
        self._automaton = ahocorasick.Automaton()
        for key in self._index:
            # Padded with spaces, so a key only matches whole tokens of a normalised text.
            self._automaton.add_word(f" {key} ", key)
        if self._index:
            self._automaton.make_automaton()

    def find_keys(self, text: str) -> Iterator[tuple[int, int, str]]:
        """Find every alias key in a normalised text, overlaps included.

        Parameters
        ----------
        text
            Tokens as :func:`normalise` writes them, each preceded and followed by a space
            (``" khan shaykhun idlib "``); any other character (``"|"``) keeps a key from
            running across it.

        Yields
        ------
        tuple of (int, int, str)
            Start and end offsets of the key's tokens in ``text`` and the key, in order of the
            end offset.
        """
        if not self._index:
            return
        for last, key in self._automaton.iter(text):
            yield last - len(key), last, key

    def is_alternate(self, key: str, place: Place) -> bool:
        """Whether ``place`` carries the normalised ``key`` only among its alternate names.

        Such a name ("Salem" for Jerusalem, "Khalil" for Hebron) is weak evidence: the
        resolver needs the place's country in the context before it trusts it.
        """
        return (key, place.place_id) in self._alternate

    @property
    def index(self) -> Mapping[str, tuple[Place, ...]]:
        """Read-only mapping from normalised alias to the places that carry it."""
        return MappingProxyType(self._index)

    def lookup(self, name: str) -> tuple[Place, ...]:
        """Return the places one of whose aliases normalises like ``name`` (maybe none)."""
        return self._index.get(normalise(name), ())

    def get(self, place_id: str) -> Place | None:
        """Return the place with this id, or None."""
        return self._places.get(place_id)

    def __getitem__(self, place_id: str) -> Place:
        return self._places[place_id]

    def __contains__(self, place_id: object) -> bool:
        return place_id in self._places

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def __len__(self) -> int:
        return len(self._places)


def _float(row: Mapping[str, str], column: str, problems: list[str]) -> float:
    try:
        return float(row[column])
    except (TypeError, ValueError):
        problems.append(f"{column} is not a number: {row.get(column)!r}")
        return float("nan")


def _row_to_place(row: Mapping[str, str]) -> tuple[Place | None, list[str]]:
    """Parse one CSV row; return the place (or None) and what is wrong with the row."""
    problems: list[str] = []
    lon = _float(row, "lon", problems)
    lat = _float(row, "lat", problems)
    uncertainty = _float(row, "uncertainty_km", problems)
    if not problems:
        if not -180 <= lon <= 180 or not -90 <= lat <= 90:
            problems.append(f"coordinates out of range: lon={lon}, lat={lat}")
        if not uncertainty > 0:
            problems.append(f"uncertainty_km must be > 0, got {uncertainty}")
    for column in ("place_id", "name", "source", "country"):
        if not (row.get(column) or "").strip():
            problems.append(f"{column} is empty")
    if row.get("kind") not in KINDS:
        problems.append(f"unknown kind {row.get('kind')!r} (allowed: {', '.join(KINDS)})")
    if row.get("geo_precision") not in GEO_PRECISIONS:
        problems.append(f"unknown geo_precision {row.get('geo_precision')!r}")
    population = (row.get("population") or "0").strip() or "0"
    if not population.isdigit():
        problems.append(f"population is not a whole number: {population!r}")
    admin1 = (row.get("admin1") or "").strip()
    if (row.get("country") or "").strip() == "SY":
        if admin1 and admin1 not in PCODES:
            problems.append(f"admin1 {admin1!r} is not an OCHA governorate pcode")
    elif admin1 and not _FOREIGN_ADMIN1.fullmatch(admin1):
        problems.append(f"admin1 {admin1!r} of a foreign place is not <country>.<GeoNames admin1 code>")
    if problems:
        return None, problems
    aliases = tuple(a.strip() for a in (row.get("aliases") or "").split("|") if a.strip())
    alternates = tuple(a.strip() for a in (row.get("alternates") or "").split("|") if a.strip())
    place = Place(
        place_id=row["place_id"].strip(),
        name=row["name"].strip(),
        kind=row["kind"],
        lon=lon,
        lat=lat,
        uncertainty_km=uncertainty,
        admin1=admin1,
        country=row["country"].strip(),
        source=row["source"].strip(),
        geo_precision=row["geo_precision"],
        aliases=aliases,
        population=int(population),
        feature_code=(row.get("feature_code") or "").strip(),
        seat_of=(row.get("seat_of") or "").strip(),
        alternates=alternates,
    )
    return place, []


def _read(path: Path) -> tuple[list[tuple[int, Place]], list[Problem]]:
    """Read the gazetteer file; return (line number, place) pairs and every problem found."""
    name = str(path)
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as exc:
        return [], [Problem(name, f"cannot read the gazetteer: {exc}")]
    places: list[tuple[int, Place]] = []
    problems: list[Problem] = []
    with handle:
        reader = csv.DictReader(handle)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or ()) and c not in OPTIONAL_COLUMNS]
        if missing:
            return [], [Problem(name, f"missing columns: {', '.join(missing)}")]
        seen: dict[str, int] = {}
        line = reader.line_num
        for row in reader:
            start, line = line + 1, reader.line_num
            place, messages = _row_to_place(row)
            problems += [Problem(name, m, feature=f"line {start}") for m in messages]
            if place is None:
                continue
            if place.place_id in seen:
                problems.append(
                    Problem(
                        name,
                        f"duplicate place_id {place.place_id!r} (first on line {seen[place.place_id]})",
                        feature=f"line {start}",
                    )
                )
                continue
            seen[place.place_id] = start
            places.append((start, place))
    return places, problems


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    """Load the gazetteer file.

    Parameters
    ----------
    path
        The CSV file; ``settings.GAZETTEER_FILE`` when omitted.

    Returns
    -------
    Gazetteer

    Raises
    ------
    DataError
        Listing every broken row (file, line, what is wrong).
    """
    path = settings.GAZETTEER_FILE if path is None else path
    rows, problems = _read(path)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise DataError(errors)
    logger.debug("loaded %d places from %s", len(rows), path)
    return Gazetteer(place for _, place in rows)


def _outline_problems(path: Path, rows: list[tuple[int, Place]], outline_file: Path) -> list[Problem]:
    # shapely/pyproj are imported here: loading the gazetteer does not need them.
    import numpy as np
    import pyproj
    import shapely

    geometries = [
        shapely.geometry.shape(f["geometry"])
        for f in json.loads(outline_file.read_text(encoding="utf-8"))["features"]
    ]
    to_metric = pyproj.Transformer.from_crs(settings.WGS84, settings.METRIC_CRS, always_xy=True)
    outline = shapely.transform(
        shapely.union_all(geometries),
        lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1])),
    )
    syrian = [(line, p) for line, p in rows if p.country == "SY" and p.kind != "country"]
    xs, ys = to_metric.transform([p.lon for _, p in syrian], [p.lat for _, p in syrian])
    distances = shapely.distance(outline, shapely.points(list(zip(xs, ys, strict=True))))
    return [
        Problem(
            str(path),
            f"{place.place_id} ({place.name}) lies {km:.1f} km outside Syria's outline "
            f"(lon={place.lon}, lat={place.lat}; lon/lat swapped?)",
            feature=f"line {line}",
        )
        for (line, place), km in zip(syrian, distances / 1000, strict=True)
        if km > OUTLINE_TOLERANCE_KM
    ]


#: Precisions of features that lie inside one governorate (Syrian ones must name it).
_LOCAL: Final = frozenset({"point", "town", "district"})


def _alias_problems(path: Path, rows: list[tuple[int, Place]]) -> list[Problem]:
    problems = []
    ids = {place.place_id for _, place in rows}
    for line, place in rows:
        if place.country == "SY" and place.geo_precision in _LOCAL and not place.admin1:
            problems.append(Problem(str(path), f"{place.place_id} has no admin1", f"line {line}"))
        if place.seat_of and place.seat_of not in ids:
            problems.append(
                Problem(
                    str(path), f"{place.place_id} is the seat of unknown {place.seat_of!r}", f"line {line}"
                )
            )
        if not place.aliases:
            problems.append(Problem(str(path), f"{place.place_id} has no aliases", f"line {line}"))
        for alias in place.aliases:
            key = normalise(alias)
            if key in DEMONYMS or key in ENGLISH_STOPWORDS or not key:
                problems.append(
                    Problem(
                        str(path),
                        f"alias {alias!r} of {place.place_id} is a demonym, a common word or "
                        "empty once normalised; it is ignored",
                        feature=f"line {line}",
                        severity="warning",
                    )
                )
    return problems


def validate_gazetteer(path: Path | None = None, *, outline_file: Path | None = None) -> list[Problem]:
    """Check the gazetteer file and return every problem found (empty list when clean).

    Checks: required columns; per row numbers parse, coordinates in range, ``uncertainty_km`` >
    0, ``kind`` and ``geo_precision`` known, ``place_id`` unique, ``source``/``name`` present;
    Syrian features have an ``admin1`` pcode and lie inside Syria's outline (within
    :data:`OUTLINE_TOLERANCE_KM`; a lon/lat swap fails here); aliases that will be ignored
    (demonyms, common English words) are reported as warnings.

    Parameters
    ----------
    path
        The CSV file; ``settings.GAZETTEER_FILE`` when omitted.
    outline_file
        Syria's outline (GeoJSON); ``settings.OUTLINE_FILE`` when omitted.

    Returns
    -------
    list of Problem
        Each naming the file and the line.
    """
    path = settings.GAZETTEER_FILE if path is None else path
    outline_file = settings.OUTLINE_FILE if outline_file is None else outline_file
    rows, problems = _read(path)
    if rows:
        problems += _alias_problems(path, rows)
        problems += _outline_problems(path, rows, outline_file)
    return problems
