"""Build the offline basemap layers in ``basemap/`` from their sources.

Run from the project root::

    python basemap/build_basemap.py            # rewrite basemap/*.geojson
    python basemap/build_basemap.py --out DIR  # write somewhere else (the tests do this)

- ``roads.geojson``: the M4 and M5, section by section, from ``digitised/roads.json``: each section
  is drawn through the gazetteer points of the places it lists, through waypoints given there, or
  along a line digitised elsewhere in the project (the zones' M4 from Tronba to Ain al-Havr, copied
  vertex for vertex).
- ``borders.geojson``: Syria's land borders, one line per neighbour, cut out of the OCHA outline
  (``reference/syria_outline.geojson``): the mainland's exterior ring, counter-clockwise, is cut at
  the six points of ``digitised/border-cuts.geojson`` (the tripoints and the two places where a
  land border meets the sea), each snapped to the nearest vertex of the ring; the stretch that
  starts at a cut is the border with the neighbour the cut names (none for the coast). Lines are
  simplified by ``BORDER_SIMPLIFY_DEG`` for the browser.
- ``labels.geojson``: place labels from the gazetteer (``gazetteer/gazetteer.csv``) with a minimum
  zoom: the rule of :func:`desired_zoom` asks for one, ``digitised/label-priorities.csv`` brings the
  places that matter for this atlas forward, and :func:`geodata.labelling.assign_min_zoom` pushes a
  label to the first zoom where it overlaps no label placed before it. Governorate names sit at the
  gazetteer's representative points; the neighbouring countries' names at the points of
  ``digitised/country-labels.csv``.

Coordinates are written with ``geodata.basemap.DISPLAY_DECIMALS`` decimals. The output is
deterministic, so the committed files can be compared with a fresh build
(``tests/test_basemap.py``).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from pyproj.enums import TransformDirection
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.ops import polylabel

if __package__ in (None, ""):
    # Run as ``python basemap/build_basemap.py``: the project root is not on sys.path then.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geodata import basemap, labelling, settings
from geodata.gazetteer import Gazetteer, Place, load_gazetteer, normalise

log = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
DIGITISED_DIR: Path = HERE / "digitised"

#: Douglas-Peucker tolerance for the border lines (degrees; about 50 m, under a pixel up to zoom 11).
BORDER_SIMPLIFY_DEG = 0.0005
#: A border cut point must lie this close to the outline (degrees; about 3 km).
MAX_CUT_SNAP_DEG = 0.03

#: Places labelled: Syrian towns, and foreign towns inside this box (west, south, east, north).
LABEL_BOUNDS = (34.5, 31.5, 43.0, 38.0)
#: Foreign towns smaller than this get no label unless label-priorities.csv lists them: the
#: gazetteer holds every village of the neighbourhood, the map names the towns around Syria.
MIN_FOREIGN_POPULATION = 20_000
#: GeoNames feature codes left unlabelled: sections of a city (PPLX), historical (PPLH) and
#: abandoned (PPLQ) places.
UNLABELLED_CODES = frozenset({"PPLX", "PPLH", "PPLQ"})
#: Hand-added places placed from memory more loosely than this (km) get no label: a name on the
#: map claims more precision than a +-5 km guess has.
MAX_LABEL_UNCERTAINTY_KM = 3.0
#: Other places tried for a governorate's name (Web Mercator metres).
INNER_GRID_M = 15_000.0
INNER_MARGIN_M = 10_000.0
MAX_INNER_POINTS = 40
BIG_CITY_POPULATION = 200_000
CITY_POPULATION = 100_000
#: Governorates not labelled: Damascus governorate is the city itself, which has its own label.
UNLABELLED_GOVERNORATES = frozenset({"SY01"})

#: Order of kinds among labels asking for the same zoom (earlier ones are placed first).
_KIND_ORDER = {"capital": 0, "country": 1, "city": 2, "governorate": 4, "town": 5}
_PRIORITY_ORDER = 3  # an atlas place (label-priorities.csv) after the cities, before governorates

_MERCATOR = Transformer.from_crs(settings.WGS84, "EPSG:3857", always_xy=True)

SOURCE_URLS = {
    "borders": "UN OCHA / UNCS, COD-AB Syria v02 (2020-12-17), CC BY 3.0 IGO, "
    "https://data.humdata.org/dataset/cod-ab-syr (via reference/syria_outline.geojson)",
}


@dataclass(frozen=True)
class Candidate:
    """A label before placement."""

    label_id: str
    name: str
    kind: str
    positions: tuple[tuple[float, float], ...]
    desired_zoom: int
    rule: str
    source: str
    order: tuple[int, int, int, str]


def build(
    out_dir: Path,
    *,
    digitised_dir: Path = DIGITISED_DIR,
    gazetteer_file: Path = settings.GAZETTEER_FILE,
    outline_file: Path = settings.OUTLINE_FILE,
    governorates_file: Path = settings.GOVERNORATES_FILE,
    project_root: Path = settings.ROOT,
) -> dict[str, dict[str, Any]]:
    """Build the three basemap layers into ``out_dir`` and return them by file name, as written.

    Parameters
    ----------
    out_dir
        Folder to write ``roads.geojson``, ``borders.geojson`` and ``labels.geojson`` into.
    digitised_dir
        Folder of ``roads.json``, ``border-cuts.geojson``, ``label-priorities.csv`` and
        ``country-labels.csv``.
    gazetteer_file, outline_file, governorates_file
        The gazetteer (place points), Syria's outline (the borders) and the OCHA governorates
        (where a governorate's name may go when its representative point is taken).
    project_root
        Root that the ``line`` paths in ``roads.json`` are relative to.
    """
    gazetteer = load_gazetteer(gazetteer_file)
    collections = {
        basemap.ROADS_FILE: _collection(
            build_roads(_read_json(digitised_dir / "roads.json"), gazetteer, project_root)
        ),
        basemap.BORDERS_FILE: _collection(
            build_borders(
                _outline(outline_file), _read_json(digitised_dir / "border-cuts.geojson")["features"]
            )
        ),
        basemap.LABELS_FILE: _collection(
            build_labels(
                gazetteer,
                governorates={
                    f["properties"]["pcode"]: shape(f["geometry"])
                    for f in _read_json(governorates_file)["features"]
                },
                priorities=_read_csv(digitised_dir / "label-priorities.csv"),
                countries=_read_csv(digitised_dir / "country-labels.csv"),
            )
        ),
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, collection in collections.items():
        (out_dir / name).write_text(_dumps(collection), encoding="utf-8")
        log.info("wrote %s (%d features)", name, len(collection["features"]))
    return collections


# --- roads -----------------------------------------------------------------------------------


def build_roads(source: Mapping[str, Any], gazetteer: Gazetteer, project_root: Path) -> list[dict[str, Any]]:
    """One LineString feature per section of ``roads.json``, drawn through its ``via`` list."""
    features = []
    for road in source["roads"]:
        coords, names = _route_vertices(road, gazetteer, project_root)
        props = {key: road[key] for key in ("road_id", "ref", "shared_with", "name")}
        props["via"] = " - ".join(names)
        props.update({key: road[key] for key in ("accuracy_km", "sources", "method", "notes")})
        features.append(_feature(props, LineString(coords)))
    return features


def _route_vertices(
    road: Mapping[str, Any], gazetteer: Gazetteer, project_root: Path
) -> tuple[list[tuple[float, float]], list[str]]:
    coords: list[tuple[float, float]] = []
    names: list[str] = []
    for step in road["via"]:
        if isinstance(step, str):
            place = gazetteer.get(step)
            if place is None:
                raise ValueError(f"roads.json: {road['road_id']}: {step!r} is not in the gazetteer")
            coords.append((place.lon, place.lat))
            names.append(f"{place.name} ({step})")
        elif "line" in step:
            line = shape(_read_json(project_root / step["line"])["features"][0]["geometry"])
            coords.extend((float(x), float(y)) for x, y in line.coords)
            names.append(f"the line of {step['line']}")
        else:
            coords.append((float(step["lon"]), float(step["lat"])))
            names.append(f"waypoint {step['lon']}, {step['lat']} ({step['why']})")
    # Consecutive duplicates (a section starting where a copied line starts) add nothing.
    deduplicated = [c for i, c in enumerate(coords) if i == 0 or c != coords[i - 1]]
    return deduplicated, names


# --- borders ---------------------------------------------------------------------------------


def build_borders(outline: BaseGeometry, cuts: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Syria's land borders, one feature per neighbour, cut out of the outline's mainland ring.

    Raises
    ------
    ValueError
        If a cut point is farther than ``MAX_CUT_SNAP_DEG`` from the ring, or two cuts snap to the
        same vertex.
    """
    mainland = max(_polygons(outline), key=lambda p: p.area)
    ring = np.asarray(shapely.orient_polygons(mainland).exterior.coords)[:-1]
    snapped = []
    for cut in cuts:
        x, y = cut["geometry"]["coordinates"]
        distances = np.hypot(ring[:, 0] - x, ring[:, 1] - y)
        index = int(np.argmin(distances))
        if distances[index] > MAX_CUT_SNAP_DEG:
            raise ValueError(
                f"border-cuts: {cut['properties']['cut_id']} is {distances[index]:.3f} deg off the outline"
            )
        snapped.append((index, cut["properties"]))
    snapped.sort(key=lambda item: item[0])
    if len({index for index, _ in snapped}) != len(snapped):
        raise ValueError("border-cuts: two cut points snap to the same outline vertex")
    features = []
    for k, (start, props) in enumerate(snapped):
        if not props["starts"]:
            continue  # the coast
        end = snapped[(k + 1) % len(snapped)][0]
        stretch = np.vstack([ring[start:], ring[: end + 1]]) if end < start else ring[start : end + 1]
        line = shapely.simplify(LineString(stretch), BORDER_SIMPLIFY_DEG)
        features.append(_feature(_border_properties(props, snapped[(k + 1) % len(snapped)][1]), line))
    return sorted(features, key=lambda f: f["properties"]["border_id"])


def _border_properties(start: Mapping[str, Any], end: Mapping[str, Any]) -> dict[str, Any]:
    neighbour = start["starts"]
    return {
        "border_id": f"syria-{neighbour.lower()}",
        "neighbour": neighbour,
        "name": f"Syria - {neighbour} border",
        "accuracy_km": 0.5,
        "sources": SOURCE_URLS["borders"],
        "method": (
            f"The OCHA outline's mainland ring, counter-clockwise, from the cut point {start['cut_id']} "
            f"to {end['cut_id']} (basemap/digitised/border-cuts.geojson, each snapped to the nearest "
            f"outline vertex); Douglas-Peucker simplified at {BORDER_SIMPLIFY_DEG} deg; "
            f"{basemap.DISPLAY_DECIMALS} decimals."
        ),
        "notes": (
            f"Ends: {start['basis']} / {end['basis']} The OCHA line is off by a few hundred metres in "
            "places (zones/README.md). The boundaries do not imply official endorsement or "
            "acceptance by the United Nations."
        ),
    }


# --- labels ----------------------------------------------------------------------------------


def build_labels(
    gazetteer: Gazetteer,
    *,
    governorates: Mapping[str, BaseGeometry],
    priorities: list[dict[str, str]],
    countries: list[dict[str, str]],
) -> list[dict[str, Any]]:
    """Point features for every label that fits by ``labelling.MAX_ZOOM``, in placement order."""
    candidates = sorted(
        [
            *town_candidates(gazetteer, priorities),
            *governorate_candidates(gazetteer, governorates),
            *country_candidates(gazetteer, countries),
        ],
        key=lambda c: (c.desired_zoom, c.order),
    )
    decimals = basemap.DISPLAY_DECIMALS
    positions = [tuple((round(x, decimals), round(y, decimals)) for x, y in c.positions) for c in candidates]
    placements = labelling.assign_min_zoom(
        [c.name for c in candidates],
        [c.kind for c in candidates],
        positions,
        [c.desired_zoom for c in candidates],
    )
    features = []
    for candidate, options, (zoom, position, anchor) in zip(candidates, positions, placements, strict=True):
        if zoom < 0:
            log.info(
                "no room for %s (%s) up to zoom %d", candidate.name, candidate.label_id, labelling.MAX_ZOOM
            )
            continue
        moved = "" if position == 0 else f"; moved off its point (taken) to candidate {position}"
        props = {
            "label_id": candidate.label_id,
            "name": candidate.name,
            "kind": candidate.kind,
            "min_zoom": zoom,
            "anchor": anchor,
            "desired_zoom": candidate.desired_zoom,
            "rule": candidate.rule + moved,
            "source": candidate.source,
        }
        features.append(_feature(props, Point(options[position])))
    return features


def town_candidates(gazetteer: Gazetteer, priorities: list[dict[str, str]]) -> list[Candidate]:
    """Syrian towns and nearby foreign towns of the gazetteer, with the zoom the rule asks for."""
    priority = {row["place_id"]: (int(row["min_zoom"]), n, row["reason"]) for n, row in enumerate(priorities)}
    for place_id, (_, _, reason) in priority.items():
        if place_id not in gazetteer:
            raise ValueError(f"label-priorities.csv: {place_id} ({reason}) is not in the gazetteer")
    west, south, east, north = LABEL_BOUNDS
    result = []
    for place in gazetteer:
        if place.kind != "town" or place.feature_code in UNLABELLED_CODES:
            continue
        if place.place_id.startswith("town:") and place.uncertainty_km > MAX_LABEL_UNCERTAINTY_KM:
            continue
        if place.country != "SY" and not (west <= place.lon <= east and south <= place.lat <= north):
            continue
        if (
            place.country != "SY"
            and place.population < MIN_FOREIGN_POPULATION
            and place.place_id not in priority
        ):
            continue
        zoom, rule = desired_zoom(place)
        order = _KIND_ORDER[town_kind(place)]
        if place.place_id in priority:
            wanted, rank, reason = priority[place.place_id]
            if wanted < zoom:
                zoom, rule, order = wanted, f"atlas place: {reason}", _PRIORITY_ORDER
            order = min(order, _PRIORITY_ORDER)
            rank_in_file = rank
        else:
            rank_in_file = 0
        result.append(
            Candidate(
                label_id=place.place_id,
                name=place.name,
                kind=town_kind(place),
                positions=((place.lon, place.lat),),
                desired_zoom=zoom,
                rule=rule,
                source=f"gazetteer {place.place_id}: {place.source}",
                order=(order, -place.population, rank_in_file, place.name),
            )
        )
    return result


def town_kind(place: Place) -> str:
    """``capital`` (GeoNames PPLC), ``city`` (a governorate seat or 100,000 people), else ``town``."""
    if place.feature_code == "PPLC":
        return "capital"
    if place.feature_code == "PPLA" or place.population >= CITY_POPULATION:
        return "city"
    return "town"


def desired_zoom(place: Place) -> tuple[int, str]:
    """The zoom from which a town's label should show, by rank and size, and the rule that says so."""
    if place.country != "SY":
        return 9, "town in a neighbouring country, near the border"
    if place.feature_code == "PPLC":
        return 6, "capital"
    if place.population >= BIG_CITY_POPULATION:
        return 6, f"city of {BIG_CITY_POPULATION:,} people or more"
    if place.feature_code == "PPLA":
        return 7, "governorate seat"
    if place.population >= 50_000:
        return 8, "town of 50,000 people or more"
    if place.population >= 15_000 or place.feature_code == "PPLA2":
        return 9, "town of 15,000 people or more, or district seat"
    return 10, "other town"


def governorate_candidates(gazetteer: Gazetteer, polygons: Mapping[str, BaseGeometry]) -> list[Candidate]:
    """Governorate names at the gazetteer's representative points (zoom 7), or elsewhere inside.

    The representative point is often the centroid, close to the seat of the same name; when it
    is taken, the name may go to one of :func:`inner_points` of the OCHA polygon instead.
    """
    seats = {place.seat_of: place for place in gazetteer if place.seat_of}
    result = []
    for place in gazetteer:
        if place.kind != "governorate" or place.place_id in UNLABELLED_GOVERNORATES:
            continue
        name, naming = governorate_name(place, seats.get(place.place_id))
        result.append(
            Candidate(
                label_id=place.place_id,
                name=name,
                kind="governorate",
                positions=((place.lon, place.lat), *inner_points(polygons[place.place_id])),
                desired_zoom=7,
                rule=f"governorate; {naming}",
                source=f"gazetteer {place.place_id}: {place.source}",
                order=(_KIND_ORDER["governorate"], 0, 0, name),
            )
        )
    return result


def inner_points(polygon: BaseGeometry) -> list[tuple[float, float]]:
    """Other places for an area's name: its pole of inaccessibility, then a grid well inside it.

    Computed in Web Mercator, the projection the map is drawn in: the pole (``shapely.ops.polylabel``)
    is the point farthest from the edges; the grid points (every ``INNER_GRID_M``) at least
    ``INNER_MARGIN_M`` inside the edges follow, nearest to the pole first.
    """
    mercator = shapely.transform(polygon, _lonlat_to_mercator)
    largest = max(_polygons(mercator), key=lambda p: p.area)
    pole = polylabel(largest, tolerance=500.0)
    inside = largest.buffer(-INNER_MARGIN_M)
    x0, y0, x1, y1 = largest.bounds
    grid = shapely.points(
        np.array(np.meshgrid(np.arange(x0, x1, INNER_GRID_M), np.arange(y0, y1, INNER_GRID_M)))
        .reshape(2, -1)
        .T
    )
    grid = grid[shapely.contains(inside, grid)]
    ordered = [pole, *sorted(grid, key=lambda p: (pole.distance(p), p.x, p.y))][: MAX_INNER_POINTS + 1]
    lonlat = shapely.transform(shapely.multipoints(ordered), _mercator_to_lonlat)
    return [(float(p.x), float(p.y)) for p in lonlat.geoms]


def governorate_name(governorate: Place, seat: Place | None) -> tuple[str, str]:
    """The seat's display name when the governorate is named after it (one spelling on the map)."""
    if seat is not None and normalise(seat.name) in {
        normalise(a) for a in (governorate.name, *governorate.aliases)
    }:
        return seat.name, f"named like its seat {seat.place_id} (OCHA: {governorate.name})"
    return governorate.name, "OCHA name"


def country_candidates(gazetteer: Gazetteer, countries: list[dict[str, str]]) -> list[Candidate]:
    """Neighbouring countries' names at the points of ``country-labels.csv``."""
    result = []
    for row in countries:
        place = gazetteer.get(f"country:{row['country']}")
        if place is None or place.name != row["name"]:
            raise ValueError(
                f"country-labels.csv: {row['country']} {row['name']!r} does not match the gazetteer"
            )
        result.append(
            Candidate(
                label_id=place.place_id,
                name=place.name,
                kind="country",
                positions=((float(row["lon"]), float(row["lat"])),),
                desired_zoom=int(row["min_zoom"]),
                rule="neighbouring country",
                source=(
                    f"name: gazetteer {place.place_id}; "
                    f"position: basemap/digitised/country-labels.csv ({row['basis']})"
                ),
                order=(_KIND_ORDER["country"], 0, 0, place.name),
            )
        )
    return result


# --- files -----------------------------------------------------------------------------------


def _feature(props: Mapping[str, Any], geometry: BaseGeometry) -> dict[str, Any]:
    rounded = shapely.transform(geometry, lambda xy: np.round(xy, basemap.DISPLAY_DECIMALS))
    return {"type": "Feature", "properties": dict(props), "geometry": mapping(rounded)}


def _collection(features: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features}


def _outline(path: Path) -> BaseGeometry:
    return shapely.union_all([shape(f["geometry"]) for f in _read_json(path)["features"]])


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return []


def _lonlat_to_mercator(xy: np.ndarray) -> np.ndarray:
    x, y = _MERCATOR.transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def _mercator_to_lonlat(xy: np.ndarray) -> np.ndarray:
    x, y = _MERCATOR.transform(xy[:, 0], xy[:, 1], direction=TransformDirection.INVERSE)
    return np.column_stack([x, y])


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _dumps(collection: Mapping[str, Any]) -> str:
    # One feature per line keeps diffs of the committed files readable.
    features = ",\n".join(json.dumps(f, ensure_ascii=False) for f in collection["features"])
    return '{"type": "FeatureCollection", "features": [\n' + features + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: build the basemap layers (default: into ``basemap/``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=settings.BASEMAP_DIR, help="output folder")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for name, collection in build(args.out).items():
        print(f"{args.out / name}: {len(collection['features'])} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
