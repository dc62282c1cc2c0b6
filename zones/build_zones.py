"""Build the committed zone layers in ``zones/`` from the hand-digitised sources in ``zones/digitised/``.

Run from the project root::

    python zones/build_zones.py            # rewrite zones/*.geojson
    python zones/build_zones.py --out DIR  # write somewhere else (the tests do this)

Everything in the output comes from ``zones/digitised/``: the vertices we traced by hand (zone
polygons, the Sept 2018 Idlib contact line, the M4, the edges of the Manbij pocket, the Qamishli
city polygon, the limits of the north-east strip, the observation posts) and
``zone-properties.json`` (every property of every feature, and which file it goes to). The
distance-defined zones are derived here, in the metric CRS of ``geodata.settings``, so their widths
are exactly the agreed distances measured from our traced lines:

- the Idlib DMZ: a 15 km one-sided buffer on the opposition side of the contact line, inside zone 1;
- the M4 corridor: 6 km either side of the traced M4, flat at both ends;
- the north-east patrol strip: 10 km from the Turkish border, which is the OCHA outline's own
  boundary (walked west from the Tigris tripoint), minus Qamishli city.

The Idlib area left after the March 2020 ceasefire is zone 1 cut by a hand-traced envelope of the
opposition-held side of the 2020 line. The Manbij roadmap area is the polygon closed by three traced
edges: the Sajur line, the government line and the Euphrates.

Every polygon is clipped to Syria's outline, snapped to 6 decimals, checked valid, and written with
counter-clockwise exterior rings (RFC 7946). The north-east strip, which follows the border, is
clipped to the outline grown by ``BORDER_TOWN_MARGIN_M`` instead: the OCHA border line is off by a
few hundred metres in places, enough to leave a border town's GeoNames point (Darbasiyah) just
outside. The output is deterministic, so the committed files can be compared with a fresh build
(``tests/test_zone_build.py``).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry

if __package__ in (None, ""):
    # Run as ``python zones/build_zones.py``: the project root is not on sys.path then.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from geodata import _atomic, settings
from geodata.schema import ZONE_PROPERTIES

log = logging.getLogger(__name__)

DIGITISED_DIR: Path = Path(__file__).resolve().parent / "digitised"

#: Agreed widths, in metres.
DMZ_DEPTH_M = 15_000.0
M4_HALF_WIDTH_M = 6_000.0
NE_STRIP_DEPTH_M = 10_000.0

#: How far past the outline the border-following zones are clipped (metres, metric CRS): enough to take
#: in Darbasiyah's GeoNames point (0.29 km outside the OCHA outline), and below the loader's
#: ``settings.OUTLINE_TOLERANCE_KM`` so the result still validates.
BORDER_TOWN_MARGIN_M = 400.0

#: Zones clipped to the outline grown by ``BORDER_TOWN_MARGIN_M`` rather than to the outline itself.
BORDER_FOLLOWING_ZONES = frozenset({"sochi-2019-northeast-patrol-strip"})

#: The north-east strip's border walk stops west of this longitude (well past the Euphrates).
_BORDER_WALK_STOP_LON = 37.9

Geometries = dict[str, BaseGeometry]


def build(
    out_dir: Path,
    *,
    digitised_dir: Path = DIGITISED_DIR,
    outline_file: Path = settings.OUTLINE_FILE,
    governorates_file: Path = settings.GOVERNORATES_FILE,
) -> dict[str, dict[str, Any]]:
    """Build every zone file into ``out_dir`` and return the collections written, by file name.

    Parameters
    ----------
    out_dir
        Folder to write the ``*.geojson`` zone files into (created if missing).
    digitised_dir
        Folder of the hand-digitised sources and ``zone-properties.json``.
    outline_file, governorates_file
        Syria's outline (the clip) and the OCHA governorates (building blocks of the Astana zones).

    Returns
    -------
    dict
        ``{file name: FeatureCollection}`` exactly as written.
    """
    geometries = build_geometries(digitised_dir, outline_file, governorates_file)
    records = _read_json(digitised_dir / "zone-properties.json")["zones"]
    collections: dict[str, dict[str, Any]] = {}
    for record in records:
        props = record["properties"]
        feature = {
            "type": "Feature",
            "properties": {key: props[key] for key in ZONE_PROPERTIES},
            "geometry": mapping(geometries[props["zone_id"]]),
        }
        collection = collections.setdefault(record["file"], {"type": "FeatureCollection", "features": []})
        collection["features"].append(feature)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, collection in collections.items():
        _atomic.write_text(out_dir / name, _dumps(collection))  # a failed build never leaves half a file
        log.info("wrote %s (%d features)", name, len(collection["features"]))
    return collections


def build_geometries(digitised_dir: Path, outline_file: Path, governorates_file: Path) -> Geometries:
    """Every zone's finished geometry (clipped, valid, 6 decimals, CCW), by ``zone_id``."""
    outline = shapely.union_all([shape(f["geometry"]) for f in _features(outline_file)])
    governorates = {f["properties"]["pcode"]: shape(f["geometry"]) for f in _features(governorates_file)}
    raw: Geometries = {}
    raw.update(astana_zones(_features(digitised_dir / "astana-zone-parts.geojson"), governorates))
    contact_line = _line(digitised_dir / "idlib-contact-line-2018-09.geojson")
    raw["sochi-2018-idlib-dmz"] = idlib_dmz(contact_line, raw["astana-zone-1-idlib"])
    m4 = _line(digitised_dir / "m4-highway-tronba-ain-al-havr.geojson")
    raw["moscow-2020-m4-corridor"] = _metric_buffer(m4, M4_HALF_WIDTH_M, cap_style="flat")
    raw["moscow-2020-m4-patrol-route"] = m4
    front_2020 = shape(_features(digitised_dir / "idlib-front-2020-03.geojson")[0]["geometry"])
    raw["moscow-2020-idlib-ceasefire-area"] = front_2020.intersection(raw["astana-zone-1-idlib"])
    raw["sochi-2019-northeast-patrol-strip"] = northeast_strip(
        outline,
        limits={
            f["properties"]["limit_id"]: float(f["geometry"]["coordinates"][0])
            for f in _features(digitised_dir / "northeast-strip-limits.geojson")
        },
        hole=shape(_features(digitised_dir / "qamishli-city.geojson")[0]["geometry"]),
    )
    raw["manbij-roadmap-2018-patrol-area"] = polygon_from_edges(
        _features(digitised_dir / "manbij-pocket-2018.geojson")
    )
    for post in _features(digitised_dir / "turkish-observation-posts.geojson"):
        raw[post["properties"]["zone_id"]] = shape(post["geometry"])
    grown = grown_outline(outline, BORDER_TOWN_MARGIN_M)
    return {
        zone_id: finish(geom, grown if zone_id in BORDER_FOLLOWING_ZONES else outline)
        for zone_id, geom in raw.items()
    }


def grown_outline(outline: BaseGeometry, margin_m: float) -> BaseGeometry:
    """The outline grown by ``margin_m`` (metric CRS), which must stay below the loader's tolerance."""
    if margin_m >= settings.OUTLINE_TOLERANCE_KM * 1000.0:
        raise ValueError(
            f"margin {margin_m} m is not below the outline tolerance ({settings.OUTLINE_TOLERANCE_KM} km)"
        )
    return _metric_buffer(outline, margin_m)


def polygon_from_edges(edges: Iterable[Mapping[str, Any]]) -> Polygon:
    """The polygon closed by LineString features traced in order, each starting where the last ended.

    Raises
    ------
    ValueError
        If an edge is not a LineString or does not start where the previous one ended (the last
        edge must end where the first starts).
    """
    lines = [(edge["properties"].get("edge_id", "?"), shape(edge["geometry"])) for edge in edges]
    ring: list[tuple[float, ...]] = []
    for edge_id, line in lines:
        if not isinstance(line, LineString):
            raise ValueError(f"edge {edge_id}: expected a LineString, got {line.geom_type}")
        coords = list(line.coords)
        if ring and coords[0] != ring[-1]:
            raise ValueError(f"edge {edge_id} starts at {coords[0]}, not where the previous edge ends")
        ring.extend(coords[1:] if ring else coords)
    if not ring or ring[0] != ring[-1]:
        raise ValueError("the edges do not close: the last edge must end where the first starts")
    polygon = Polygon(ring)
    if not polygon.is_valid:
        raise ValueError(f"the edges cross: {shapely.is_valid_reason(polygon)}")
    return polygon


def astana_zones(parts: Iterable[Mapping[str, Any]], governorates: Mapping[str, BaseGeometry]) -> Geometries:
    """Union of each zone's ``add`` parts minus its ``subtract`` parts.

    A part with ``clip_pcodes`` (space-separated OCHA pcodes) is first intersected with those
    governorates, so a loose hand-drawn shape can stand for "this governorate, up to the front".
    """
    added: dict[str, list[BaseGeometry]] = {}
    removed: dict[str, list[BaseGeometry]] = {}
    for part in parts:
        props = part["properties"]
        geom = shape(part["geometry"])
        if props["clip_pcodes"]:
            blocks = [governorates[pcode] for pcode in props["clip_pcodes"].split()]
            geom = geom.intersection(shapely.union_all(blocks))
        target = added if props["op"] == "add" else removed
        target.setdefault(props["zone_id"], []).append(geom)
    return {
        zone_id: shapely.union_all(geoms).difference(shapely.union_all(removed.get(zone_id, [])))
        for zone_id, geoms in added.items()
    }


def idlib_dmz(contact_line: LineString, zone_1: BaseGeometry) -> BaseGeometry:
    """The DMZ: ``DMZ_DEPTH_M`` on the left (opposition) side of the contact line, within zone 1."""
    # shapely's single-sided buffer keeps the left side for a positive distance.
    strip = _metric_buffer(contact_line, DMZ_DEPTH_M, single_sided=True)
    return strip.intersection(zone_1)


def northeast_strip(
    outline: BaseGeometry, *, limits: Mapping[str, float], hole: BaseGeometry
) -> BaseGeometry:
    """``NE_STRIP_DEPTH_M`` south of the Turkish border, west and east of the Peace Spring area."""
    border = turkish_border_east_of(outline, _BORDER_WALK_STOP_LON)
    pieces = []
    for west, east in ((limits["west"], limits["peace-spring-west"]), (limits["peace-spring-east"], 180.0)):
        stretch = border.intersection(box(west, -90.0, east, 90.0))
        band = _metric_buffer(stretch, NE_STRIP_DEPTH_M)
        pieces.append(band.intersection(box(west, -90.0, east, 90.0)))
    return shapely.union_all(pieces).difference(hole)


def turkish_border_east_of(outline: BaseGeometry, stop_lon: float) -> LineString:
    """Syria's border with Turkey from the Tigris tripoint west to ``stop_lon``.

    The outline's easternmost vertex is the Tigris tripoint with Turkey and Iraq; walking the
    counter-clockwise exterior ring forward from it runs north-west along the Tigris and then west
    along the Turkish border.
    """
    mainland = max(_polygons(outline), key=lambda p: p.area)
    ring = shapely.orient_polygons(mainland).exterior
    coords = np.asarray(ring.coords)[:-1]
    start = int(np.argmax(coords[:, 0]))
    walk = np.roll(coords, -start, axis=0)
    stop = int(np.argmax(walk[:, 0] < stop_lon))
    return LineString(walk[: stop + 1])


def finish(geom: BaseGeometry, outline: BaseGeometry) -> BaseGeometry:
    """Clip polygons to ``outline`` (Syria's, or the grown one); snap to 6 decimals; orient rings CCW."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        geom = _only_polygons(shapely.make_valid(geom).intersection(outline))
    scale = 10.0**-settings.COORD_DECIMALS
    # set_precision snaps to the grid and repairs what snapping breaks; the np.round afterwards
    # only removes float noise so every coordinate prints with at most 6 decimals.
    snapped = shapely.set_precision(geom, scale)
    snapped = shapely.transform(snapped, lambda xy: np.round(xy, settings.COORD_DECIMALS))
    if snapped.geom_type in ("Polygon", "MultiPolygon"):
        snapped = shapely.orient_polygons(_only_polygons(snapped))
    if not snapped.is_valid or snapped.is_empty:
        raise ValueError(f"geometry invalid or empty after snapping: {shapely.is_valid_reason(snapped)}")
    return snapped


def _only_polygons(geom: BaseGeometry) -> BaseGeometry:
    polygons = _polygons(geom)
    return polygons[0] if len(polygons) == 1 else MultiPolygon(polygons)


def _polygons(geom: BaseGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.is_empty else []
    return [p for part in getattr(geom, "geoms", []) for p in _polygons(part)]


def _metric_buffer(geom: BaseGeometry, distance_m: float, **kwargs: Any) -> BaseGeometry:
    to_metric = _transformer(settings.WGS84, settings.METRIC_CRS)
    to_wgs84 = _transformer(settings.METRIC_CRS, settings.WGS84)
    buffered = shapely.buffer(shapely.transform(geom, to_metric), distance_m, **kwargs)
    back: BaseGeometry = shapely.transform(buffered, to_wgs84)
    return back


def _transformer(source: str, target: str) -> Callable[[np.ndarray], np.ndarray]:
    transformer = Transformer.from_crs(source, target, always_xy=True)

    def apply(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return apply


def _line(path: Path) -> LineString:
    geom = shape(_features(path)[0]["geometry"])
    if not isinstance(geom, LineString):
        raise ValueError(f"{path.name}: expected a LineString, got {geom.geom_type}")
    return geom


def _features(path: Path) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = _read_json(path)["features"]
    return features


def _read_json(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _dumps(collection: Mapping[str, Any]) -> str:
    # One feature per line keeps diffs of the committed files readable.
    features = ",\n".join(json.dumps(f, ensure_ascii=False) for f in collection["features"])
    return '{"type": "FeatureCollection", "features": [\n' + features + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    """Command line: build the zone files (default: into ``zones/``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=settings.ZONES_DIR, help="output folder")
    args = parser.parse_args(argv)
    collections = build(args.out)
    for name, collection in collections.items():
        print(f"{args.out / name}: {len(collection['features'])} features")
    return 0


if __name__ == "__main__":
    sys.exit(main())
