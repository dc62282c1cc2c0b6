"""Rebuild ``gazetteer/gazetteer.csv`` from its inputs, deterministically.

Run from the project root: ``python gazetteer/build_gazetteer.py``. Inputs (see README.md):

- ``gazetteer/sources/geonames_cities500_SY.tsv``: Syrian populated places (GeoNames, CC BY 4.0);
- ``reference/syria_governorates.geojson`` and ``reference/syria_outline.geojson``: the 14
  governorates and Syria's outline (UN OCHA COD-AB, CC BY 3.0 IGO);
- ``gazetteer/hand_added.csv``: sites, routes, regions, missing villages, foreign venues and
  countries, each with its source;
- ``gazetteer/extra_aliases.csv``: press spellings added to GeoNames and OCHA records.

The same inputs always give the same bytes (rows sorted by ``place_id``, fixed rounding).
"""

from __future__ import annotations

import csv
import json
import math
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pyproj
import shapely

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from geodata import settings  # noqa: E402
from geodata._toponym_words import DEMONYMS, ENGLISH_STOPWORDS  # noqa: E402
from geodata.gazetteer import COLUMNS, normalise  # noqa: E402

GEONAMES_FILE = HERE / "sources" / "geonames_cities500_SY.tsv"
HAND_FILE = HERE / "hand_added.csv"
ALIASES_FILE = HERE / "extra_aliases.csv"
OUT_FILE = HERE / "gazetteer.csv"
GEONAMES_SOURCE = "GeoNames cities500 {id} (CC BY 4.0, GeoNames (geonames.org))"
OCHA_SOURCE = "UN OCHA / UNCS COD-AB Syria v02 (2020-12-17), CC BY 3.0 IGO"
#: Damascus is the seat of SY01, but SY01 *is* the city: a bare "Damascus" stays a town.
NOT_A_REGIONAL_SEAT = {"170654"}
_TO_METRIC = pyproj.Transformer.from_crs(settings.WGS84, settings.METRIC_CRS, always_xy=True)


#: Smallest radius by GeoNames feature code (most district seats have population 0 in cities500).
_CODE_RADIUS_KM = {"PPLC": 10.0, "PPLA": 4.0, "PPLA2": 2.5}


def _town_radius_km(population: int, feature_code: str) -> float:
    # Rough urban radius by population class: the point is a centre, the town has an extent.
    floor = _CODE_RADIUS_KM.get(feature_code, 1.5)
    for threshold, km in ((1_000_000, 10.0), (200_000, 6.0), (50_000, 4.0), (10_000, 2.5)):
        if population >= threshold:
            return max(km, floor)
    return floor


def _is_latin_alias(alias: str) -> bool:
    """Keep Latin-script names written by people: GeoNames also lists machine romanisations of
    Arabic/CJK names in lower case ("adlb", "yi de li bo") and codes ("ALP"); drop those."""
    letters = [c for c in alias if c.isalpha()]
    if not letters or not any(c.isupper() for c in letters):
        return False
    if (alias.isupper() and len(alias) <= 4) or len(normalise(alias)) < 3:
        return False
    return all(unicodedata.name(c, "").startswith("LATIN") for c in letters)


def _usable(alias: str) -> bool:
    key = normalise(alias)
    return bool(key) and key not in DEMONYMS and key not in ENGLISH_STOPWORDS


def _dedupe(aliases: list[str]) -> list[str]:
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


def _representative(geom: shapely.Geometry) -> tuple[float, float, float]:
    """Point and radius of a polygon: the centroid if it falls inside (else a point on the
    surface), and the distance from it to the farthest vertex, rounded up to whole km, so the
    whole polygon lies within ``uncertainty_km`` of the point."""
    point = geom.centroid if geom.contains(geom.centroid) else geom.point_on_surface()
    metric_point = _metric(point)
    vertices = shapely.points(shapely.get_coordinates(_metric(geom)))
    farthest = float(shapely.distance(metric_point, vertices).max()) / 1000
    return round(point.x, 6), round(point.y, 6), float(math.ceil(farthest))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _governorates() -> tuple[list[dict[str, object]], list[tuple[str, shapely.Geometry]]]:
    data = json.loads(settings.GOVERNORATES_FILE.read_text(encoding="utf-8"))
    rows, polygons = [], []
    for feature in data["features"]:
        props = feature["properties"]
        geom = shapely.geometry.shape(feature["geometry"])
        lon, lat, radius = _representative(geom)
        polygons.append((props["pcode"], geom))
        rows.append(
            {
                "place_id": props["pcode"],
                "name": props["name"],
                "kind": "governorate",
                "geo_precision": "governorate",
                "lon": lon,
                "lat": lat,
                "uncertainty_km": radius,
                "admin1": props["pcode"],
                "country": "SY",
                "seat_of": "",
                "population": 0,
                "feature_code": "ADM1",
                "aliases": [props["name"], props["name_ar"]],
                "source": OCHA_SOURCE,
            }
        )
    return rows, polygons


def _syria() -> dict[str, object]:
    data = json.loads(settings.OUTLINE_FILE.read_text(encoding="utf-8"))
    lon, lat, radius = _representative(shapely.geometry.shape(data["features"][0]["geometry"]))
    return {
        "place_id": "country:SY",
        "name": "Syria",
        "kind": "country",
        "geo_precision": "country",
        "lon": lon,
        "lat": lat,
        "uncertainty_km": radius,
        "admin1": "",
        "country": "SY",
        "seat_of": "",
        "population": 0,
        "feature_code": "PCLI",
        "aliases": ["Syria"],
        "source": OCHA_SOURCE + " (outline; point inside it, radius to the farthest vertex)",
    }


def _admin1(lon: float, lat: float, polygons: list[tuple[str, shapely.Geometry]]) -> str:
    point = shapely.Point(lon, lat)
    for pcode, geom in polygons:
        if geom.contains(point):
            return pcode
    # Coastal points can fall just outside the simplified polygons: take the nearest one.
    return min(polygons, key=lambda item: item[1].distance(point))[0]


def _geonames(polygons: list[tuple[str, shapely.Geometry]]) -> list[dict[str, object]]:
    rows = []
    with GEONAMES_FILE.open(encoding="utf-8", newline="") as handle:
        for rec in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE):
            lon, lat = float(rec["longitude"]), float(rec["latitude"])
            population = int(rec["population"] or 0)
            admin1 = _admin1(lon, lat, polygons)
            seat = rec["feature_code"] == "PPLA" and rec["geonameid"] not in NOT_A_REGIONAL_SEAT
            alternates = [a for a in rec["alternatenames"].split(",") if _is_latin_alias(a)]
            rows.append(
                {
                    "place_id": f"gn:{rec['geonameid']}",
                    "name": rec["name"],
                    "kind": "town",
                    "geo_precision": "town",
                    "lon": lon,
                    "lat": lat,
                    "uncertainty_km": _town_radius_km(population, rec["feature_code"]),
                    "admin1": admin1,
                    "country": "SY",
                    "seat_of": admin1 if seat else "",
                    "population": population,
                    "feature_code": rec["feature_code"],
                    "aliases": [rec["name"], rec["asciiname"], *alternates],
                    "source": GEONAMES_SOURCE.format(id=rec["geonameid"]),
                }
            )
    return rows


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


def _hand_added(polygons: list[tuple[str, shapely.Geometry]]) -> list[dict[str, object]]:
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
        source = rec["source"] + (f" — {rec['note']}" if rec["note"] else "")
        rows.append(
            {
                "place_id": rec["place_id"],
                "name": rec["name"],
                "kind": rec["kind"],
                "geo_precision": rec["geo_precision"],
                "lon": lon,
                "lat": lat,
                "uncertainty_km": float(rec["uncertainty_km"]),
                "admin1": _admin1(lon, lat, polygons) if syrian else "",
                "country": rec["country"],
                "seat_of": "",
                "population": 0,
                "feature_code": rec["feature_code"],
                "aliases": [rec["name"], *rec["aliases"].split("|")],
                "source": source,
            }
        )
    if errors:
        raise SystemExit("\n".join(errors))
    return rows


def _add_press_aliases(rows: dict[str, dict[str, object]]) -> None:
    for rec in _read_csv(ALIASES_FILE):
        if rec["place_id"] not in rows:
            raise SystemExit(f"{ALIASES_FILE.name}: unknown place_id {rec['place_id']!r}")
        row = rows[rec["place_id"]]
        extra = rec["aliases"].split("|")
        if row["place_id"].startswith("gn:"):  # type: ignore[union-attr]
            row["name"] = extra[0]  # a press spelling reads better than "Ma‘arrat an Nu‘mān"
        row["aliases"] = [*row["aliases"], *extra]  # type: ignore[misc]


def build() -> list[dict[str, object]]:
    """Return the gazetteer rows, sorted by ``place_id``."""
    governorates, polygons = _governorates()
    rows = {r["place_id"]: r for r in [*governorates, _syria(), *_geonames(polygons)]}
    for row in _hand_added(polygons):
        if row["place_id"] in rows:
            raise SystemExit(f"{HAND_FILE.name}: duplicate place_id {row['place_id']!r}")
        rows[str(row["place_id"])] = row
    _add_press_aliases(rows)  # type: ignore[arg-type]
    for row in rows.values():
        aliases = _dedupe([str(row["name"]), *row["aliases"]])  # type: ignore[misc]
        # The name stays even when unusable for matching ("At Tall" is just "Tall"): the
        # validator then reports it, and the gazetteer does not index it.
        row["aliases"] = "|".join(aliases or [str(row["name"])])
    return [rows[key] for key in sorted(rows)]  # type: ignore[index]


def main() -> None:
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
