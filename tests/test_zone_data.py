"""Data lint and fact checks over the real zone layers in ``zones/``.

The files are read with json and shapely directly, so these checks hold whatever the loader does.
Places and dates come from ``shared/reference/zone-facts.md`` (sections 1-6; coordinates are the
GeoNames cities500 points given there, lon/lat order here) and are cited per case.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point, shape
from shapely.geometry.base import BaseGeometry

from geodata import settings
from geodata.schema import ZONE_KIND_GEOMETRIES, ZONE_PROPERTIES, ZoneProperties
from geodata.temporal import in_force
from geodata.zones import load_zones

REQUIRED_KINDS: dict[str, str] = {
    "astana-zone-1-idlib": "de_escalation_zone",
    "astana-zone-2-northern-homs": "de_escalation_zone",
    "astana-zone-3-eastern-ghouta": "de_escalation_zone",
    "astana-zone-4-south": "de_escalation_zone",
    "sochi-2018-idlib-dmz": "demilitarized_zone",
    "moscow-2020-m4-corridor": "security_corridor",
    "moscow-2020-m4-patrol-route": "patrol_route",
    "sochi-2019-northeast-patrol-strip": "patrol_area",
    "manbij-roadmap-2018-patrol-area": "patrol_area",
    **{f"turkish-op-{n:02d}": "observation_post" for n in range(1, 13)},
}

Feature = tuple[str, dict[str, Any], dict[str, Any]]  # file name, properties, raw geometry


@cache
def _features() -> tuple[Feature, ...]:
    found = []
    for path in sorted(settings.ZONES_DIR.glob("*.geojson")):
        data = json.loads(path.read_text(encoding="utf-8"))
        found.extend((path.name, f["properties"], f["geometry"]) for f in data["features"])
    return tuple(found)


@cache
def _zones() -> dict[str, BaseGeometry]:
    return {props["zone_id"]: shape(geom) for _, props, geom in _features()}


@cache
def _props() -> dict[str, dict[str, Any]]:
    return {props["zone_id"]: props for _, props, _ in _features()}


@cache
def _outline() -> BaseGeometry:
    data = json.loads(settings.OUTLINE_FILE.read_text(encoding="utf-8"))
    return shapely.union_all([shape(f["geometry"]) for f in data["features"]])


def _ids() -> list[str]:
    return [props["zone_id"] for _, props, _ in _features()]


def _metric(geom: BaseGeometry) -> BaseGeometry:
    transformer = Transformer.from_crs(settings.WGS84, settings.METRIC_CRS, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


# --- lint -------------------------------------------------------------------------------------------


def test_zone_files_are_plain_rfc7946_collections() -> None:
    paths = sorted(settings.ZONES_DIR.glob("*.geojson"))
    assert paths, "no zone files"
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection", path.name
        assert "crs" not in data, f"{path.name}: RFC 7946 has no crs member"
        assert data["features"], f"{path.name}: empty"


@pytest.mark.parametrize("zone_id", sorted(REQUIRED_KINDS))
def test_required_zone_present_exactly_once_with_its_kind(zone_id: str) -> None:
    assert Counter(_ids())[zone_id] == 1
    assert _props()[zone_id]["kind"] == REQUIRED_KINDS[zone_id]


def test_zone_ids_are_unique_across_files() -> None:
    duplicated = [zone_id for zone_id, n in Counter(_ids()).items() if n > 1]
    assert duplicated == []


def test_properties_are_exactly_the_schema_and_validate() -> None:
    for name, props, _ in _features():
        assert list(props) == list(ZONE_PROPERTIES), f"{name}: {props['zone_id']}"
        ZoneProperties.model_validate(props)


def test_geometry_type_matches_kind() -> None:
    for name, props, geom in _features():
        assert geom["type"] in ZONE_KIND_GEOMETRIES[props["kind"]], f"{name}: {props['zone_id']}"


def test_geometries_are_valid_and_not_empty() -> None:
    for zone_id, geom in _zones().items():
        assert geom.is_valid, f"{zone_id}: {shapely.is_valid_reason(geom)}"
        assert not geom.is_empty, zone_id


def test_exterior_rings_counter_clockwise_and_holes_clockwise() -> None:
    for _, props, geom in _features():
        if geom["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for rings in polygons:
            assert shapely.LinearRing(rings[0]).is_ccw, props["zone_id"]
            assert not any(shapely.LinearRing(hole).is_ccw for hole in rings[1:]), props["zone_id"]


def test_coordinates_have_at_most_six_decimals() -> None:
    for zone_id, geom in _zones().items():
        coords = shapely.get_coordinates(geom)
        assert np.array_equal(np.round(coords, settings.COORD_DECIMALS), coords), zone_id


#: Zones clipped to the outline grown by 0.4 km (zones/build_zones.py, BORDER_TOWN_MARGIN_M) so that
#: border towns whose GeoNames point lies just outside the OCHA outline are inside them.
BORDER_FOLLOWING = {"sochi-2019-northeast-patrol-strip"}


def test_everything_lies_inside_syria() -> None:
    outline = _outline()
    for zone_id, geom in _zones().items():
        if geom.geom_type == "Point":
            assert outline.contains(geom), zone_id
        elif zone_id not in BORDER_FOLLOWING:
            stray = _metric(geom.difference(outline)).area / 1e6
            assert stray < 0.01, f"{zone_id}: {stray:.3f} km2 outside the outline"


@pytest.mark.parametrize("zone_id", sorted(BORDER_FOLLOWING))
def test_border_following_zones_reach_at_most_0_4_km_past_the_outline(zone_id: str) -> None:
    # Below the loader's tolerance, so `python -m geodata validate` still accepts them.
    outline = _metric(_outline())
    vertices = shapely.points(shapely.get_coordinates(_metric(_zones()[zone_id])))
    farthest_km = float(shapely.distance(vertices, outline).max()) / 1000.0
    assert 0.3 < farthest_km < 0.41  # 0.4 km plus buffer facets and rounding
    assert farthest_km < settings.OUTLINE_TOLERANCE_KM


def test_coordinates_are_lon_lat_within_syria() -> None:
    for zone_id, geom in _zones().items():
        lon_min, lat_min, lon_max, lat_max = geom.bounds
        assert lon_min > 35.5, zone_id
        assert lon_max < 42.5, zone_id
        assert lat_min > 32.2, zone_id
        assert lat_max < 37.4, zone_id


def test_dates_are_ordered_and_end_reason_goes_with_end() -> None:
    for zone_id, props in _props().items():
        signed = dt.date.fromisoformat(props["signed"])
        valid_from = dt.date.fromisoformat(props["valid_from"])
        assert signed <= valid_from, zone_id
        if props["valid_to"] is None:
            assert props["end_reason"] is None, zone_id
        else:
            assert valid_from <= dt.date.fromisoformat(props["valid_to"]), zone_id
            assert props["end_reason"], zone_id


def test_every_feature_names_a_source_url_and_an_honest_accuracy() -> None:
    for zone_id, props in _props().items():
        assert "http" in props["sources"], zone_id
        assert props["accuracy_km"] > 0, zone_id
        assert props["method"].strip(), zone_id


def test_zaytunah_post_is_flagged_as_disputed() -> None:
    props = _props()["turkish-op-08"]
    assert props["accuracy_km"] >= 20
    assert "disputed" in props["notes"].lower()


def test_loader_reads_the_real_zones_without_problems() -> None:
    zone_set = load_zones(settings.ZONES_DIR)
    assert [str(p) for p in zone_set.problems] == []
    assert set(zone_set.zones["zone_id"]) == set(_ids())


# --- places reported inside and outside ------------------------------------------------------------

# (zone_id, place, lon, lat, expected inside). Coordinates: zone-facts section 6 (GeoNames) unless noted.
PLACES: list[tuple[str, str, float, float, bool]] = [
    # Zone 1 (facts section 1)
    ("astana-zone-1-idlib", "Idlib", 36.63393, 35.93062, True),
    ("astana-zone-1-idlib", "Jisr al-Shughur", 36.31983, 35.81418, True),
    ("astana-zone-1-idlib", "Maarat al-Numan", 36.67693, 35.6483, True),
    ("astana-zone-1-idlib", "Khan Shaykhun", 36.65095, 35.44208, True),
    ("astana-zone-1-idlib", "Salqin", 36.45244, 36.13865, True),
    ("astana-zone-1-idlib", "Harim", 36.52078, 36.21176, True),
    ("astana-zone-1-idlib", "al-Atarib", 36.82504, 36.13907, True),
    ("astana-zone-1-idlib", "Darat Izza", 36.85216, 36.28247, True),
    ("astana-zone-1-idlib", "Morek", 36.6897, 35.37615, True),
    ("astana-zone-1-idlib", "Kafr Zita", 36.6033, 35.37425, True),
    ("astana-zone-1-idlib", "Qalaat al-Madiq", 36.39085, 35.41465, True),
    ("astana-zone-1-idlib", "Abu al-Duhur (until Jan 2018)", 37.0448, 35.74058, True),
    ("astana-zone-1-idlib", "Aleppo", 37.16117, 36.20124, False),
    ("astana-zone-1-idlib", "Afrin", 36.86954, 36.51194, False),
    ("astana-zone-1-idlib", "Azaz", 37.04628, 36.58662, False),
    ("astana-zone-1-idlib", "al-Bab", 37.5157, 36.37051, False),
    ("astana-zone-1-idlib", "Hama", 36.75783, 35.13179, False),
    ("astana-zone-1-idlib", "Mhardeh", 36.5725, 35.2479, False),
    ("astana-zone-1-idlib", "Suqaylabiyah", 36.39359, 35.36674, False),
    ("astana-zone-1-idlib", "Kernaz (government-held 2017-19, memory)", 36.48773, 35.38972, False),
    ("astana-zone-1-idlib", "Jindayris (Afrin district, GeoNames)", 36.6889, 36.3950, False),
    ("astana-zone-1-idlib", "Nubl (government enclave, GeoNames)", 36.9929, 36.3787, False),
    ("astana-zone-1-idlib", "Latakia", 35.79011, 35.53168, False),
    ("astana-zone-1-idlib", "Hmeimim air base", 35.945, 35.41167, False),
    # Idlib DMZ (facts section 2)
    ("sochi-2018-idlib-dmz", "Khan Shaykhun", 36.65095, 35.44208, True),
    ("sochi-2018-idlib-dmz", "Morek", 36.6897, 35.37615, True),
    ("sochi-2018-idlib-dmz", "al-Tamanah", 36.74816, 35.45846, True),
    ("sochi-2018-idlib-dmz", "Kafr Zita", 36.6033, 35.37425, True),
    ("sochi-2018-idlib-dmz", "Qalaat al-Madiq", 36.39085, 35.41465, True),
    ("sochi-2018-idlib-dmz", "Maarat al-Numan", 36.67693, 35.6483, False),
    ("sochi-2018-idlib-dmz", "Idlib", 36.63393, 35.93062, False),
    ("sochi-2018-idlib-dmz", "Ariha", 36.60964, 35.81374, False),
    ("sochi-2018-idlib-dmz", "Binnish", 36.7138, 35.95664, False),
    ("sochi-2018-idlib-dmz", "Harim", 36.52078, 36.21176, False),
    ("sochi-2018-idlib-dmz", "Abu al-Duhur (government-held from Jan 2018)", 37.0448, 35.74058, False),
    ("sochi-2018-idlib-dmz", "Hama", 36.75783, 35.13179, False),
    # M4 corridor (facts section 3)
    ("moscow-2020-m4-corridor", "Ariha", 36.60964, 35.81374, True),
    ("moscow-2020-m4-corridor", "Jisr al-Shughur", 36.31983, 35.81418, True),
    ("moscow-2020-m4-corridor", "Mhambal", 36.4721, 35.78735, True),
    ("moscow-2020-m4-corridor", "Bdama", 36.19649, 35.81151, True),
    ("moscow-2020-m4-corridor", "Idlib", 36.63393, 35.93062, False),
    ("moscow-2020-m4-corridor", "Binnish", 36.7138, 35.95664, False),
    ("moscow-2020-m4-corridor", "Ihsim", 36.55631, 35.72078, False),
    ("moscow-2020-m4-corridor", "Maarat al-Numan", 36.67693, 35.6483, False),
    ("moscow-2020-m4-corridor", "Latakia", 35.79011, 35.53168, False),
    # Idlib area left after the March 2020 ceasefire (facts section 2: places taken in 2019-20)
    ("moscow-2020-idlib-ceasefire-area", "Idlib", 36.63393, 35.93062, True),
    ("moscow-2020-idlib-ceasefire-area", "Ariha", 36.60964, 35.81374, True),
    ("moscow-2020-idlib-ceasefire-area", "Jisr al-Shughur", 36.31983, 35.81418, True),
    ("moscow-2020-idlib-ceasefire-area", "Sarmin", 36.72501, 35.90403, True),
    ("moscow-2020-idlib-ceasefire-area", "Taftanaz", 36.78579, 35.99832, True),
    ("moscow-2020-idlib-ceasefire-area", "al-Atarib", 36.82504, 36.13907, True),
    ("moscow-2020-idlib-ceasefire-area", "Maarat al-Numan (taken 28 Jan 2020)", 36.67693, 35.6483, False),
    ("moscow-2020-idlib-ceasefire-area", "Saraqib (government from 2 Mar 2020)", 36.80591, 35.86447, False),
    ("moscow-2020-idlib-ceasefire-area", "Khan Shaykhun (taken 21 Aug 2019)", 36.65095, 35.44208, False),
    ("moscow-2020-idlib-ceasefire-area", "Kafr Nabl", 36.56449, 35.61376, False),
    ("moscow-2020-idlib-ceasefire-area", "Aleppo", 37.16117, 36.20124, False),
    # North-east strip (facts section 5). Darbasiyah's GeoNames point is 0.29 km outside the OCHA
    # outline; the strip is clipped to the outline grown by 0.4 km so that it is inside.
    ("sochi-2019-northeast-patrol-strip", "Darbasiyah (first joint patrol)", 40.65199, 37.07279, True),
    ("sochi-2019-northeast-patrol-strip", "Amuda", 40.93, 37.10417, True),
    ("sochi-2019-northeast-patrol-strip", "al-Malikiyah", 42.14006, 37.17701, True),
    ("sochi-2019-northeast-patrol-strip", "Kobani", 38.35347, 36.89095, True),
    ("sochi-2019-northeast-patrol-strip", "Qamishli", 41.23142, 37.05215, False),
    ("sochi-2019-northeast-patrol-strip", "Tal Abyad", 38.95382, 36.69648, False),
    ("sochi-2019-northeast-patrol-strip", "Ras al-Ain", 40.07055, 36.85034, False),
    ("sochi-2019-northeast-patrol-strip", "Suluk", 39.1299, 36.59596, False),
    ("sochi-2019-northeast-patrol-strip", "Tal Tamr", 40.37079, 36.65556, False),
    ("sochi-2019-northeast-patrol-strip", "al-Hasakah", 40.74772, 36.50237, False),
    ("sochi-2019-northeast-patrol-strip", "Jarablus (west of the Euphrates)", 38.01111, 36.8175, False),
    ("sochi-2019-northeast-patrol-strip", "Manbij", 37.95495, 36.52815, False),
    # Manbij roadmap area: the Manbij Military Council pocket west of the Euphrates, 2018.
    ("manbij-roadmap-2018-patrol-area", "Manbij", 37.95495, 36.52815, True),
    (
        "manbij-roadmap-2018-patrol-area",
        "Abu Qalqal (GeoNames; memory)",
        38.11984,
        36.43806,
        True,
    ),
    (
        "manbij-roadmap-2018-patrol-area",
        "al-Arimah (GeoNames; government, memory)",
        37.72113,
        36.47296,
        False,
    ),
    ("manbij-roadmap-2018-patrol-area", "Jarablus", 38.01111, 36.8175, False),
    ("manbij-roadmap-2018-patrol-area", "al-Bab", 37.5157, 36.37051, False),
    ("manbij-roadmap-2018-patrol-area", "Tal Rifaat", 37.09471, 36.47229, False),
    (
        "manbij-roadmap-2018-patrol-area",
        "al-Ghandurah (GeoNames; memory)",
        37.73251,
        36.66945,
        False,
    ),
    (
        "manbij-roadmap-2018-patrol-area",
        "al-Khafsah (GeoNames; memory)",
        38.02172,
        36.2311,
        False,
    ),
    ("manbij-roadmap-2018-patrol-area", "Sirrin (GeoNames; east bank)", 38.29788, 36.58838, False),
    ("manbij-roadmap-2018-patrol-area", "Kobani (east bank)", 38.35347, 36.89095, False),
    # Zone 2
    ("astana-zone-2-northern-homs", "Rastan", 36.73241, 34.92667, True),
    ("astana-zone-2-northern-homs", "Talbiseh", 36.73092, 34.84072, True),
    ("astana-zone-2-northern-homs", "Kafr Laha (Houla)", 36.49582, 34.89469, True),
    ("astana-zone-2-northern-homs", "al-Ghanto (GeoNames 8335)", 36.6961, 34.822, True),
    ("astana-zone-2-northern-homs", "Homs", 36.72339, 34.72682, False),
    ("astana-zone-2-northern-homs", "Hama", 36.75783, 35.13179, False),
    ("astana-zone-2-northern-homs", "Salamiyah (GeoNames)", 37.0532, 35.0113, False),
    ("astana-zone-2-northern-homs", "al-Qusayr (GeoNames)", 36.5803, 34.5078, False),
    # Zone 3
    ("astana-zone-3-eastern-ghouta", "Douma", 36.4027, 33.57175, True),
    ("astana-zone-3-eastern-ghouta", "Harasta", 36.36515, 33.55869, True),
    ("astana-zone-3-eastern-ghouta", "Arbin", 36.36635, 33.53719, True),
    ("astana-zone-3-eastern-ghouta", "Kafr Batna", 36.37273, 33.51168, True),
    ("astana-zone-3-eastern-ghouta", "Nashabiyah", 36.48569, 33.51051, True),
    ("astana-zone-3-eastern-ghouta", "Damascus", 36.29128, 33.5102, False),
    ("astana-zone-3-eastern-ghouta", "al-Dumayr (GeoNames)", 36.6938, 33.6439, False),
    # Zone 4
    ("astana-zone-4-south", "Busra al-Sham", 36.48163, 32.5174, True),
    ("astana-zone-4-south", "Jasim", 36.06093, 32.99125, True),
    ("astana-zone-4-south", "Nawa", 36.03905, 32.88646, True),
    ("astana-zone-4-south", "Tafas", 36.06654, 32.73709, True),
    ("astana-zone-4-south", "Tasil (Yarmouk Basin)", 35.96973, 32.83395, True),
    ("astana-zone-4-south", "Daraa (al-Balad side)", 36.10213, 32.61889, True),
    ("astana-zone-4-south", "Nasib crossing", 36.20, 32.55, True),
    ("astana-zone-4-south", "Quneitra (old town)", 35.82461, 33.12595, True),
    ("astana-zone-4-south", "Izra (GeoNames)", 36.2507, 32.8671, False),
    ("astana-zone-4-south", "al-Sanamayn (GeoNames)", 36.1832, 33.0719, False),
    ("astana-zone-4-south", "Sheikh Miskin (GeoNames)", 36.1605, 32.8267, False),
    ("astana-zone-4-south", "Khan Arnabah", 35.89158, 33.18378, False),
    ("astana-zone-4-south", "al-Mismiyah (GeoNames; government road to Suwayda)", 36.39402, 33.12902, False),
    ("astana-zone-4-south", "Damascus", 36.29128, 33.5102, False),
]


@pytest.mark.parametrize(
    ("zone_id", "place", "lon", "lat", "inside"), PLACES, ids=[f"{z}-{p}" for z, p, *_ in PLACES]
)
def test_place_inside_or_outside_zone(zone_id: str, place: str, lon: float, lat: float, inside: bool) -> None:
    assert _zones()[zone_id].contains(Point(lon, lat)) is inside, place


def test_darbasiyah_lies_outside_the_outline_itself() -> None:
    # Why the strip is clipped to a grown outline: if this ever fails (a better outline), the
    # margin in build_zones.py may no longer be needed.
    assert not _outline().contains(Point(40.65199, 37.07279))


@pytest.mark.parametrize(("post", "encircled"), [(n, n in (3, 4, 5, 6, 7, 9, 10, 11)) for n in range(1, 13)])
def test_posts_encircled_in_2019_20_are_outside_the_2020_area(post: int, encircled: bool) -> None:
    # Facts section 4: the posts listed as encircled (ISW, Nov 2020) were in government-held land.
    area = _zones()["moscow-2020-idlib-ceasefire-area"]
    assert area.contains(_zones()[f"turkish-op-{post:02d}"]) is not encircled


def test_observation_posts_lie_in_the_idlib_zone() -> None:
    # The posts ring the zone's perimeter on the opposition side.
    zone_1 = _zones()["astana-zone-1-idlib"]
    for n in range(1, 13):
        post = _zones()[f"turkish-op-{n:02d}"]
        assert zone_1.contains(post), n


# --- distance-defined zones measure what their agreements say -------------------------------------


def test_m4_corridor_is_six_km_either_side_of_the_route() -> None:
    corridor, route = _zones()["moscow-2020-m4-corridor"], _zones()["moscow-2020-m4-patrol-route"]
    # The route ends on the corridor's flat ends, so compare lengths rather than strict containment.
    assert route.intersection(corridor).length / route.length > 0.999
    farthest = _metric(corridor).hausdorff_distance(_metric(route)) / 1000.0
    assert 5.9 < farthest < 6.1


def test_dmz_lies_inside_zone_one() -> None:
    dmz, zone_1 = _zones()["sochi-2018-idlib-dmz"], _zones()["astana-zone-1-idlib"]
    assert _metric(dmz.difference(zone_1)).area / 1e6 < 0.01


def test_northeast_strip_is_within_ten_km_of_the_border() -> None:
    strip = _metric(_zones()["sochi-2019-northeast-patrol-strip"])
    border = _metric(_outline().boundary)
    # Every vertex of the strip lies within 10 km (plus rounding) of Syria's boundary.
    distances = shapely.distance(shapely.points(shapely.get_coordinates(strip)), border)
    assert float(distances.max()) / 1000.0 < 10.05


# --- in force on a day (valid_from <= day <= valid_to) ----------------------------------------------

DAYS: list[tuple[str, str, bool]] = [
    ("astana-zone-1-idlib", "2017-05-05", False),
    ("astana-zone-1-idlib", "2017-05-06", True),
    ("astana-zone-1-idlib", "2019-01-01", True),
    ("astana-zone-2-northern-homs", "2017-08-03", True),
    ("astana-zone-2-northern-homs", "2018-05-01", True),
    ("astana-zone-2-northern-homs", "2018-06-01", False),
    ("astana-zone-3-eastern-ghouta", "2017-12-01", True),
    ("astana-zone-3-eastern-ghouta", "2018-06-01", False),
    ("astana-zone-4-south", "2017-07-09", True),
    ("astana-zone-4-south", "2018-07-15", True),
    ("astana-zone-4-south", "2018-08-15", False),
    ("sochi-2018-idlib-dmz", "2018-09-16", False),
    ("sochi-2018-idlib-dmz", "2018-10-15", True),
    ("sochi-2018-idlib-dmz", "2020-03-05", True),
    ("sochi-2018-idlib-dmz", "2020-03-06", False),
    ("moscow-2020-m4-corridor", "2020-03-05", False),
    ("moscow-2020-m4-corridor", "2020-03-06", True),
    ("moscow-2020-m4-corridor", "2022-01-01", True),
    ("moscow-2020-idlib-ceasefire-area", "2020-03-05", False),
    ("moscow-2020-idlib-ceasefire-area", "2023-01-01", True),
    ("moscow-2020-m4-patrol-route", "2020-03-14", False),
    ("moscow-2020-m4-patrol-route", "2020-07-22", True),
    ("moscow-2020-m4-patrol-route", "2020-09-15", False),
    ("sochi-2019-northeast-patrol-strip", "2019-10-22", False),
    ("sochi-2019-northeast-patrol-strip", "2019-11-01", True),
    ("sochi-2019-northeast-patrol-strip", "2020-06-01", True),
    ("manbij-roadmap-2018-patrol-area", "2018-10-31", False),
    ("manbij-roadmap-2018-patrol-area", "2018-11-01", True),
    ("manbij-roadmap-2018-patrol-area", "2019-12-01", False),
    ("turkish-op-01", "2017-10-01", False),
    ("turkish-op-01", "2018-01-01", True),
    ("turkish-op-09", "2019-09-01", True),
    ("turkish-op-09", "2021-06-01", False),
    ("turkish-op-11", "2020-12-01", False),
    ("turkish-op-12", "2018-05-15", False),
    ("turkish-op-12", "2018-05-16", True),
]


@pytest.mark.parametrize(("zone_id", "day", "expected"), DAYS, ids=[f"{z}-{d}" for z, d, _ in DAYS])
def test_in_force_on_day(zone_id: str, day: str, expected: bool) -> None:
    props = _props()[zone_id]
    valid_to = dt.date.fromisoformat(props["valid_to"]) if props["valid_to"] else None
    valid_from = dt.date.fromisoformat(props["valid_from"])
    assert in_force(valid_from, valid_to, dt.date.fromisoformat(day)) is expected


def test_all_twelve_posts_stood_in_june_2018() -> None:
    day = dt.date(2018, 6, 1)
    for n in range(1, 13):
        props = _props()[f"turkish-op-{n:02d}"]
        valid_to = dt.date.fromisoformat(props["valid_to"]) if props["valid_to"] else None
        assert in_force(dt.date.fromisoformat(props["valid_from"]), valid_to, day), n


def test_zone_files_are_where_the_readme_says() -> None:
    readme = (settings.ZONES_DIR / "README.md").read_text(encoding="utf-8")
    for path in Path(settings.ZONES_DIR).glob("*.geojson"):
        assert f"`{path.name}`" in readme, path.name
