"""``geodata.basemap`` and the committed basemap layers in ``basemap/``.

The layers are checked against the places they must pass (gazetteer points, measured in the metric
CRS), against the zones' traced M4, and against a fresh build; the label rule is checked on the
committed labels at every zoom (the rule itself is tested in ``tests/test_labelling.py``).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point, shape
from shapely.geometry.base import BaseGeometry

from geodata import basemap, labelling, settings
from geodata._errors import DataError
from geodata.basemap import Basemap, load_basemap
from geodata.gazetteer import load_gazetteer
from geodata.labelling import overlapping_labels

BUILD_SCRIPT = settings.BASEMAP_DIR / "build_basemap.py"
LAYER_FILES = (basemap.ROADS_FILE, basemap.BORDERS_FILE, basemap.LABELS_FILE)
ZONES_M4 = settings.ZONES_DIR / "digitised" / "m4-highway-tronba-ain-al-havr.geojson"

# Gazetteer ids of the places the tests measure against.
SARAQIB, MAARAT_AL_NUMAN, KHAN_SHAYKHUN = "gn:164816", "gn:167611", "gn:168325"
HAMA, HOMS, DAMASCUS, ALEPPO = "gn:170017", "gn:169577", "gn:170654", "gn:170063"
ARIHA, JISR_AL_SHUGHUR, LATAKIA = "gn:172994", "gn:169023", "gn:173576"
KASSAB, TAL_ABYAD, RAS_AL_AIN, DARAA = "gn:168519", "gn:163750", "gn:165509", "gn:170905"
ABU_KAMAL, YARUBIYAH, NASIB, BAB_AL_SALAMA = (
    "gn:174448",
    "gn:383661",
    "site:nasib-crossing",
    "site:bab-al-salama",
)


@cache
def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_basemap", BUILD_SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def layers() -> Basemap:
    return load_basemap()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("basemap")
    _build_script().build(out)
    return out


def _km(a: BaseGeometry, b: BaseGeometry) -> float:
    pair = gpd.GeoSeries([a, b], crs=settings.WGS84).to_crs(settings.METRIC_CRS)
    return float(pair.iloc[0].distance(pair.iloc[1])) / 1000


def _point(place_id: str) -> Point:
    place = load_gazetteer()[place_id]
    return Point(place.lon, place.lat)


def _border(layers: Basemap, neighbour: str) -> BaseGeometry:
    rows = layers.borders[layers.borders["neighbour"] == neighbour]
    assert len(rows) == 1
    geom: BaseGeometry = rows.geometry.iloc[0]
    return geom


# --- the build reproduces the committed files -------------------------------------------------


def test_build_writes_exactly_the_committed_files(built: Path) -> None:
    assert sorted(p.name for p in built.glob("*.geojson")) == sorted(
        p.name for p in settings.BASEMAP_DIR.glob("*.geojson")
    )


@pytest.mark.parametrize("name", LAYER_FILES)
def test_build_reproduces_committed_file(built: Path, name: str) -> None:
    committed = json.loads((settings.BASEMAP_DIR / name).read_text(encoding="utf-8"))["features"]
    fresh = json.loads((built / name).read_text(encoding="utf-8"))["features"]
    assert [f["properties"] for f in fresh] == [f["properties"] for f in committed]
    for new, old in zip(fresh, committed, strict=True):
        assert shapely.equals_exact(shape(new["geometry"]), shape(old["geometry"]), tolerance=1e-9), new[
            "properties"
        ]


# --- coordinates --------------------------------------------------------------------------------


def test_labels_are_lon_lat(layers: Basemap) -> None:
    aleppo = layers.labels[layers.labels["label_id"] == ALEPPO].geometry.iloc[0]
    assert aleppo.x == pytest.approx(37.16, abs=0.05)  # east
    assert aleppo.y == pytest.approx(36.20, abs=0.05)  # north
    assert layers.labels.crs == settings.WGS84


@pytest.mark.parametrize("name", LAYER_FILES)
def test_coordinates_have_at_most_five_decimals(name: str) -> None:
    text = (settings.BASEMAP_DIR / name).read_text(encoding="utf-8")
    coordinates = re.findall(r"-?\d+\.\d+", text.split('"geometry"', 1)[1])
    assert coordinates
    assert all(len(c.split(".")[1]) <= basemap.DISPLAY_DECIMALS for c in coordinates)


# --- highways -----------------------------------------------------------------------------------


@pytest.mark.parametrize("place_id", [SARAQIB, MAARAT_AL_NUMAN, KHAN_SHAYKHUN, HAMA, HOMS, DAMASCUS, ALEPPO])
def test_m5_passes_its_towns(layers: Basemap, place_id: str) -> None:
    assert _km(layers.route("M5"), _point(place_id)) < 3.0


@pytest.mark.parametrize("place_id", [SARAQIB, ARIHA, JISR_AL_SHUGHUR, LATAKIA, ALEPPO])
def test_m4_passes_its_towns(layers: Basemap, place_id: str) -> None:
    assert _km(layers.route("M4"), _point(place_id)) < 3.0


def test_highways_run_border_to_border(layers: Basemap) -> None:
    m5, m4 = layers.route("M5"), layers.route("M4")
    assert isinstance(m5, LineString)  # one unbroken line, sections joined end to end
    assert isinstance(m4, LineString)
    assert {_km(Point(m5.coords[0]), _point(BAB_AL_SALAMA)), _km(Point(m5.coords[-1]), _point(NASIB))} == {
        0.0
    }
    assert _km(layers.route("M4"), _point(YARUBIYAH)) == 0.0
    assert _km(m5, _point(DARAA)) < 12.0  # passes east of the city, to the Nasib crossing


def test_m4_coincides_with_the_zones_traced_segment(layers: Basemap) -> None:
    traced = shape(json.loads(ZONES_M4.read_text(encoding="utf-8"))["features"][0]["geometry"])
    section = layers.roads.set_index("road_id").geometry["m4-ain-al-havr-tronba"]
    assert shapely.hausdorff_distance(section, traced) < 1e-9
    # and it lies on the M4 as a whole, end to end
    assert shapely.hausdorff_distance(layers.route("M4").intersection(traced.buffer(1e-7)), traced) < 1e-6


def test_m4_zone_layer_and_basemap_agree(layers: Basemap) -> None:
    zone_file = json.loads((settings.ZONES_DIR / "moscow-2020-m4.geojson").read_text(encoding="utf-8"))
    (route,) = [
        f for f in zone_file["features"] if f["properties"]["zone_id"] == "moscow-2020-m4-patrol-route"
    ]
    section = layers.roads.set_index("road_id").geometry["m4-ain-al-havr-tronba"]
    assert shapely.hausdorff_distance(section, shape(route["geometry"])) < 1e-5


def test_shared_section_counts_for_both_highways(layers: Basemap) -> None:
    shared = layers.roads[layers.roads["shared_with"] != ""]
    assert list(shared["road_id"]) == ["m5-aleppo-saraqib"]
    assert list(shared["shared_with"]) == ["M4"]


def test_route_rejects_an_unknown_highway(layers: Basemap) -> None:
    with pytest.raises(ValueError, match="M6"):
        layers.route("M6")


# --- borders ------------------------------------------------------------------------------------


@pytest.mark.parametrize("place_id", [KASSAB, TAL_ABYAD, RAS_AL_AIN])
def test_turkish_border_touches_the_border_towns(layers: Basemap, place_id: str) -> None:
    assert _km(_border(layers, "Turkey"), _point(place_id)) < 3.0


def test_turkish_border_is_not_the_southern_border(layers: Basemap) -> None:
    assert _km(_border(layers, "Turkey"), _point(DARAA)) > 300.0
    assert _km(_border(layers, "Jordan"), _point(DARAA)) < 8.0


@pytest.mark.parametrize(
    ("neighbour", "place_id", "km"),
    [("Iraq", ABU_KAMAL, 10.0), ("Iraq", YARUBIYAH, 3.0), ("Jordan", NASIB, 3.0)],
)
def test_other_borders_pass_their_border_towns(
    layers: Basemap, neighbour: str, place_id: str, km: float
) -> None:
    assert _km(_border(layers, neighbour), _point(place_id)) < km


def test_turkish_border_agrees_with_the_zones_border_walk(layers: Basemap) -> None:
    # zones/build_zones.py walks the same outline from the Tigris tripoint for the north-east strip.
    spec = importlib.util.spec_from_file_location("build_zones", settings.ZONES_DIR / "build_zones.py")
    assert spec is not None
    assert spec.loader is not None
    build_zones = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_zones)
    outline = shapely.union_all(gpd.read_file(settings.OUTLINE_FILE).geometry.values)
    walked = build_zones.turkish_border_east_of(outline, 37.9)
    ours = _border(layers, "Turkey")
    east = ours.intersection(shapely.box(walked.bounds[0], -90, 180, 90))
    # The same line both ways, up to our simplification (0.0005 degrees).
    assert shapely.distance(shapely.points(walked.coords), ours).max() < 0.0006
    assert shapely.distance(shapely.points(shapely.get_coordinates(east)), walked).max() < 0.0006
    assert walked.coords[0] == pytest.approx(ours.coords[0], abs=1e-5)


def test_borders_chain_around_syria_except_the_coast(layers: Basemap) -> None:
    ends = {
        row.neighbour: (row.geometry.coords[0], row.geometry.coords[-1])
        for row in layers.borders.itertuples()
    }
    assert sorted(ends) == ["Iraq", "Israel", "Jordan", "Lebanon", "Turkey"]
    # counter-clockwise: Iraq ends where Turkey starts, and so on round to the coast
    for before, after in [
        ("Iraq", "Turkey"),
        ("Jordan", "Iraq"),
        ("Israel", "Jordan"),
        ("Lebanon", "Israel"),
    ]:
        assert ends[before][1] == ends[after][0]
    coast = _km(Point(ends["Turkey"][1]), Point(ends["Lebanon"][0]))
    assert 100 < coast < 200  # the Mediterranean coast between them is left out


# --- labels -------------------------------------------------------------------------------------


def test_capital_before_small_towns(layers: Basemap) -> None:
    zoom = layers.labels.set_index("label_id")["min_zoom"]
    assert zoom[DAMASCUS] == labelling.MIN_ZOOM
    assert zoom[KASSAB] >= 9
    assert zoom[DAMASCUS] < zoom[KASSAB]
    assert zoom[ALEPPO] <= zoom[SARAQIB] <= zoom[KASSAB]


def test_atlas_places_show_early(layers: Basemap) -> None:
    priorities = _build_script()._read_csv(settings.BASEMAP_DIR / "digitised" / "label-priorities.csv")
    zoom = layers.labels.set_index("label_id")["min_zoom"]
    assert {row["place_id"]: int(zoom[row["place_id"]]) <= 8 for row in priorities} == {
        row["place_id"]: True for row in priorities
    }


@pytest.mark.parametrize("zoom", range(labelling.MIN_ZOOM, labelling.MAX_ZOOM + 1))
def test_no_labels_overlap(layers: Basemap, zoom: int) -> None:
    assert overlapping_labels(layers.labels, zoom) == []


def test_labels_of_every_kind_and_unique(layers: Basemap) -> None:
    labels = layers.labels
    assert labels["label_id"].is_unique
    assert set(labels["kind"]) == set(labelling.LABEL_KINDS)
    countries = set(labels.loc[labels["kind"] == "country", "name"])
    assert countries == {"Turkey", "Iraq", "Jordan", "Lebanon", "Israel"}
    assert labels["min_zoom"].between(labelling.MIN_ZOOM, labelling.MAX_ZOOM).all()
    assert (labels["min_zoom"] >= labels["desired_zoom"]).all()


def test_labels_at_a_zoom(layers: Basemap) -> None:
    counts = [len(layers.labels_at(z)) for z in range(labelling.MIN_ZOOM - 1, labelling.MAX_ZOOM + 1)]
    assert counts[0] == 0
    assert counts == sorted(counts)
    assert counts[-1] == len(layers.labels)
    assert set(layers.labels_at(6)["name"]) >= {"Damascus", "Aleppo", "Homs", "Turkey"}
    assert "Saraqib" not in set(layers.labels_at(7)["name"])
    assert "Saraqib" in set(layers.labels_at(8.5)["name"])


def test_governorates_named_like_their_seats(layers: Basemap) -> None:
    governorates = set(layers.labels.loc[layers.labels["kind"] == "governorate", "name"])
    assert {"Idlib", "Latakia", "Daraa", "Rural Damascus"} <= governorates
    assert "Idleb" not in governorates
    assert "Damascus" not in governorates  # the governorate is the city, labelled as the capital


# --- provenance and READMEs ---------------------------------------------------------------------


def test_every_feature_has_provenance(layers: Basemap) -> None:
    for frame in (layers.roads, layers.borders):
        assert (frame["accuracy_km"] > 0).all()
        assert frame["method"].str.len().gt(20).all()
        assert frame["sources"].map(lambda s: all("http" in part for part in s.split(" | "))).all()
    assert layers.labels["source"].str.startswith(("gazetteer ", "name: gazetteer ")).all()
    assert layers.labels["rule"].str.len().gt(3).all()


def test_data_readme_covers_every_file() -> None:
    readme = (settings.BASEMAP_DIR / "README.md").read_text(encoding="utf-8")
    files = [p.name for p in settings.BASEMAP_DIR.iterdir() if p.is_file() and p.name != "README.md"]
    files += [f"digitised/{p.name}" for p in (settings.BASEMAP_DIR / "digitised").iterdir()]
    for name in files:
        assert f"`{name}`" in readme, name
    sections = readme.split("\n### ")[1:]
    assert sections
    for section in sections:
        for field in ("**Source:**", "**Licence:**", "**Retrieved:**", "**Changes:**"):
            assert field in section, (section.splitlines()[0], field)
    headed = " ".join(section.splitlines()[0] for section in sections)
    for name in files:
        assert f"`{name}`" in headed, f"{name} has no provenance section"


# --- the JSON for the browser -------------------------------------------------------------------


def test_json_document(layers: Basemap) -> None:
    text = layers.to_json()
    doc = json.loads(text)
    assert doc["version"] == 1
    assert "OCHA" in doc["attribution"]
    assert "GeoNames" in doc["attribution"]
    assert {k: len(doc[k]["features"]) for k in ("roads", "borders", "labels")} == {
        "roads": len(layers.roads),
        "borders": len(layers.borders),
        "labels": len(layers.labels),
    }
    assert set(doc["labels"]["features"][0]["properties"]) == {"name", "kind", "min_zoom", "anchor"}
    assert set(doc["roads"]["features"][0]["properties"]) == {"ref", "name", "shared_with", "accuracy_km"}
    assert set(doc["borders"]["features"][0]["properties"]) == {"neighbour", "name"}
    assert set(doc["label_style"]["kinds"]) == set(labelling.LABEL_KINDS)
    assert doc["label_style"]["anchors"] == list(labelling.DOT_ANCHORS)
    assert doc["labels"]["features"][0]["geometry"]["coordinates"] == [36.29128, 33.5102]  # Damascus first
    assert text == json.dumps(doc, ensure_ascii=False, separators=(",", ":"))  # compact
    assert len(text.encode("utf-8")) < 150_000


# --- loading errors -----------------------------------------------------------------------------


def _copy_layers(tmp_path: Path) -> Path:
    for name in LAYER_FILES:
        shutil.copy(settings.BASEMAP_DIR / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, index: int, change: dict[str, Any]) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    data["features"][index]["properties"].update(change)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_load_names_every_problem(tmp_path: Path) -> None:
    folder = _copy_layers(tmp_path)
    _edit(folder / basemap.LABELS_FILE, 0, {"kind": "village"})
    _edit(folder / basemap.ROADS_FILE, 2, {"accuracy_km": "about 3"})
    (folder / basemap.BORDERS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_basemap(folder)
    found = {(Path(p.file).name, p.feature) for p in caught.value.problems}
    assert ("labels.geojson", DAMASCUS) in found
    assert ("roads.geojson", "m5-saraqib-hama") in found
    assert ("borders.geojson", None) in found
    assert "village" in str(caught.value)
    assert "accuracy_km" in str(caught.value)


def test_load_reports_a_missing_file_and_a_wrong_geometry(tmp_path: Path) -> None:
    folder = _copy_layers(tmp_path)
    (folder / basemap.ROADS_FILE).unlink()
    data = json.loads((folder / basemap.LABELS_FILE).read_text(encoding="utf-8"))
    data["features"][1]["geometry"] = {"type": "LineString", "coordinates": [[36, 35], [37, 36]]}
    (folder / basemap.LABELS_FILE).write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(DataError, match=r"roads.geojson.*cannot read") as caught:
        load_basemap(folder)
    assert any(
        "LineString" in p.message and Path(p.file).name == "labels.geojson" for p in caught.value.problems
    )


def test_load_is_cached(layers: Basemap) -> None:
    assert load_basemap() is layers
