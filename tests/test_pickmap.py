"""The review page's pick map (``geodata.pickmap``): what its mount carries, how a click is read,
and how the point form is checked (in the form's words, with the limits every write applies).
The page itself is driven in ``tests/test_review_browser.py``."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata import livemap, pickmap, review_changes
from geodata._errors import UsageError
from geodata.review_queue import Candidate

HOSTILE = "<img src=x onerror=alert(1)> [x](http://evil) <script>alert(2)</script>"
EVENT: dict[str, Any] = {
    "id": 7,
    "kind": "patrol",
    "place": "Saraqib",
    "geo_precision": "town",
    "uncertainty_km": 2.0,
    "lon": 36.80591,
    "lat": 35.86447,
}


def test_the_map_carries_the_place_its_circle_and_the_other_candidates_as_plain_text() -> None:
    chosen = Candidate("gn:164816", "Saraqib", "town", "SY", 36.80591, 35.86447, 2.0, chosen=True)
    other = Candidate("gn:1", HOSTILE, "town", "SY", 36.6, 35.9, 5.0, chosen=False)
    nowhere = Candidate("gn:2", "No point", "region", "SY", None, None, None, chosen=False)
    config = pickmap.map_config(EVENT | {"place": HOSTILE}, [chosen, other, nowhere])
    assert config["role"] == "pick"
    assert config["id"] == 7
    assert config["event"]["lon"] == EVENT["lon"]
    assert config["event"]["km"] == 2.0
    assert config["event"]["label"] == f"{HOSTILE} (town, ±2 km)"  # text; the page adds it as text
    assert [c["label"] for c in config["candidates"]] == [f"candidate: {HOSTILE} (town, gn:1)"]
    assert config["preview"] is None
    assert config["datasets"] == ["basemap"]
    west, south, east, north = config["frame"]
    assert west < EVENT["lon"] < east
    assert south < EVENT["lat"] < north
    assert json.loads(json.dumps(config)) == config  # all of it travels as JSON


def test_the_map_starts_on_the_event_else_its_candidates_else_syria() -> None:
    unlocated = EVENT | {"lon": None, "lat": None}
    far = Candidate("gn:524901", "Moscow", "city", "RU", 37.6, 55.75, 10.0, chosen=False)
    assert pickmap.map_config(unlocated, [])["frame"] == list(livemap.FRAME)
    assert pickmap.map_config(unlocated, [])["event"] is None
    west, south, east, north = pickmap.map_config(unlocated, [far])["frame"]
    assert west < 37.6 < east
    assert south < 55.75 < north


def test_the_preview_is_the_point_being_placed_with_its_uncertainty() -> None:
    config = pickmap.map_config(EVENT, [], preview=pickmap.Point(36.9, 35.7, 3.0))
    assert (config["preview"]["lon"], config["preview"]["lat"], config["preview"]["km"]) == (36.9, 35.7, 3.0)
    assert "not saved yet" in config["preview"]["label"]


@given(
    st.floats(-179, 179),
    st.floats(-80, 80),
    st.floats(0, 500),
)
def test_the_frame_holds_the_whole_circle(lon: float, lat: float, km: float) -> None:
    west, south, east, north = pickmap.frame(lon, lat, km)
    reach = max(km, pickmap.MIN_VIEW_KM)
    # The circle's northmost and eastmost points (on a sphere of the same degree length).
    assert north - lat == pytest.approx(reach / pickmap.KM_PER_DEGREE) or north == 85.0
    assert (east - lon) * pickmap.KM_PER_DEGREE * math.cos(math.radians(lat)) == pytest.approx(reach)
    assert west < lon < east
    assert south < lat < north


@pytest.mark.parametrize(
    ("value", "point"),
    [
        ({"lon": 36.8059149, "lat": 35.8644651}, (36.80591, 35.86447)),
        ({"lon": 36, "lat": 35}, (36.0, 35.0)),
        ({"lon": "36", "lat": 35}, None),
        ({"lon": float("nan"), "lat": 35}, None),
        ({"lon": True, "lat": 35}, None),
        ({"lon": 200.0, "lat": 35}, None),
        ({"lon": 36.0}, None),
        ("36,35", None),
        (None, None),
    ],
)
def test_a_click_is_read_as_a_rounded_point_on_earth(
    value: object, point: tuple[float, float] | None
) -> None:
    assert pickmap.picked_point(value) == point


def form(**changes: Any) -> dict[str, Any]:
    return {"lon": 36.8, "lat": 35.8, "geo_precision": "town", "uncertainty_km": 1.0} | changes


def test_a_valid_point_has_no_problem_and_is_previewed() -> None:
    assert pickmap.point_problems(form()) == []
    assert pickmap.point_problems({"kind": "patrol"}) == []  # no point part: nothing to check
    assert pickmap.preview_point(form(uncertainty_km=4)) == pickmap.Point(36.8, 35.8, 4.0)


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"lon": 200.0}, "Longitude 200 is outside -180 to 180 degrees."),
        ({"lat": -95.5}, "Latitude -95.5 is outside -90 to 90 degrees."),
        ({"lat": None}, "Latitude is missing: a point needs both Longitude and Latitude."),
        ({"lon": None}, "Longitude is missing: a point needs both Latitude and Longitude."),
        ({"lon": float("inf")}, "Longitude inf is not a number."),
        ({"geo_precision": None}, "Precision: choose one of point, town, district, governorate, country."),
        ({"uncertainty_km": -1.0}, "Uncertainty (km) must be a number from 0 to 20000."),
        ({"uncertainty_km": None}, "Uncertainty (km) must be a number from 0 to 20000."),
    ],
)
def test_a_bad_point_is_named_by_its_field(changes: dict[str, Any], words: str) -> None:
    assert pickmap.point_problems(form(**changes)) == [words]
    assert pickmap.preview_point(form(**changes)) is None


def test_every_problem_is_said_at_once() -> None:
    problems = pickmap.point_problems(form(lon=500.0, lat=None, uncertainty_km=-2.0))
    assert [p.split(" ")[0] for p in problems] == ["Longitude", "Latitude", "Uncertainty"]


@given(st.floats(-400, 400, allow_nan=False), st.floats(-100, 100, allow_nan=False), st.floats(-5, 25_000))
def test_the_form_check_agrees_with_the_check_of_every_write(lon: float, lat: float, km: float) -> None:
    """The form refuses exactly what ``review_changes`` (every write) refuses: one rule."""
    changes = {"lon": lon, "lat": lat, "geo_precision": "point", "uncertainty_km": km}
    try:
        review_changes.validated(changes, {}, None)  # type: ignore[arg-type]  # a point needs no gazetteer
        refused = False
    except UsageError:
        refused = True
    assert bool(pickmap.point_problems(changes)) == refused


def test_the_script_is_leaflet_the_live_maps_code_and_ours() -> None:
    script = pickmap.script()
    assert script.startswith("/* @preserve\n * Leaflet 1.9.4")
    assert script.index("var AtlasLive") < script.index("var AtlasPick")  # the base map is the live map's
    assert script.rstrip().endswith(
        "export default function (component) { return AtlasPick.mount(component); }"
    )
    assert "import(" not in script.split("var AtlasLive", 1)[1]
    assert "innerHTML" not in script.split("var AtlasPick", 1)[1]  # names go in as text
    css = pickmap.stylesheet()
    assert ".leaflet-container" in css
    assert ".atlas-label" in css
    assert ".atlas-pick" in css
    assert "url(http" not in css
