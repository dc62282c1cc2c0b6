"""Tiny synthetic zones and events for the app and map tests (written for the tests, not real data).

``events_frame`` builds a GeoDataFrame with exactly ``geodata.schema.EVENT_PROPERTIES`` and a Point (or
null) geometry in EPSG:4326, the shape ``geodata.events.events_frame`` returns; ``zones_frame`` builds
one like ``geodata.zones.load_zones(...).zones``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, Point, box, mapping

from geodata import settings
from geodata.schema import EVENT_PROPERTIES, ZONE_PROPERTIES

XSS = "<img src=x onerror=alert(1)> `${alert(2)}` \\` end"


def event(event_id: str, **overrides: Any) -> dict[str, Any]:
    """One event record with sensible defaults (a patrol near Saraqib on 2019-03-08)."""
    record: dict[str, Any] = {
        "event_id": event_id,
        "kind": "patrol",
        "status": "occurred",
        "date_start": "2019-03-08",
        "date_end": "2019-03-08",
        "date_precision": "day",
        "place": "Saraqib",
        "place_id": "geonames:163345",
        "geo_precision": "town",
        "uncertainty_km": 2.0,
        "actors": "Russia; Turkey",
        "article": "001_test.txt",
        "also_reported_in": None,
        "outlet": "Test Wire",
        "url": "https://example.org/news/1",
        "published": "2019-03-08",
        "quote": "Joint patrols began near Saraqib.",
        "confidence": 0.8,
        "review": "machine",
        "lonlat": (36.8, 35.86),
    }
    record.update(overrides)
    return record


def events_frame(records: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """A GeoDataFrame of events: ``EVENT_PROPERTIES`` columns plus Point geometry (``lonlat=None``: null)."""
    geometry = [Point(r["lonlat"]) if r.get("lonlat") else None for r in records]
    data = {name: [r.get(name) for r in records] for name in EVENT_PROPERTIES}
    frame = gpd.GeoDataFrame(data, geometry=geometry, crs=settings.WGS84)
    frame["uncertainty_km"] = frame["uncertainty_km"].astype("float64")
    frame["confidence"] = frame["confidence"].astype("float64")
    return frame


def sample_events() -> gpd.GeoDataFrame:
    """Five events: a located patrol, a planned patrol, a region-level attack, talks in Sochi, an
    unlocated statement, and one whose quote carries an HTML/JS injection."""
    return events_frame(
        [
            event("e1"),
            event(
                "e2",
                status="planned",
                date_start="2019-03-20",
                date_end="2019-03-25",
                date_precision="range",
                lonlat=(36.63, 35.93),
                place="Idlib",
            ),
            event(
                "e3",
                kind="attack",
                date_start="2019-02-01",
                date_end="2019-02-28",
                date_precision="month",
                geo_precision="governorate",
                uncertainty_km=40.0,
                place="Idlib Governorate",
                lonlat=(36.6, 35.8),
                quote=XSS,
                also_reported_in="002_other.txt; https://example.org/news/2",
            ),
            event(
                "e4",
                kind="talks",
                date_start="2019-02-14",
                date_end="2019-02-14",
                place="Sochi",
                geo_precision="town",
                lonlat=(39.72, 43.6),
            ),
            event(
                "e5",
                kind="statement",
                date_start="2018-09-17",
                date_end="2018-09-17",
                place="",
                geo_precision="country",
                uncertainty_km=None,
                lonlat=None,
            ),
        ]
    )


def zone(zone_id: str, **overrides: Any) -> dict[str, Any]:
    """One zone record with defaults (a precise de-escalation zone in force 2017-05-06 – 2019-12-31)."""
    record: dict[str, Any] = {
        "zone_id": zone_id,
        "name": f"Zone {zone_id}",
        "kind": "de_escalation_zone",
        "agreement": "Astana memorandum",
        "signed": "2017-05-04",
        "valid_from": "2017-05-06",
        "valid_to": "2019-12-31",
        "end_reason": "test end",
        "parties": "Russia; Turkey; Iran",
        "sources": "https://example.org/zone",
        "accuracy_km": 0.5,
        "method": "synthetic",
        "notes": "",
        "file": "test.geojson",
        "geometry": box(36.4, 35.6, 37.0, 36.1),
    }
    record.update(overrides)
    return record


def zones_frame(records: list[dict[str, Any]]) -> gpd.GeoDataFrame:
    """A GeoDataFrame of zones shaped like ``load_zones(...).zones``."""
    columns = [*ZONE_PROPERTIES, "file"]
    frame = gpd.GeoDataFrame(
        {c: [r[c] for r in records] for c in columns},
        geometry=[r["geometry"] for r in records],
        crs=settings.WGS84,
    )
    frame["accuracy_km"] = frame["accuracy_km"].astype("float64")
    return frame


def sample_zones() -> gpd.GeoDataFrame:
    """Four zones: a precise de-escalation zone (until 2019-12-31), an approximate DMZ (from
    2018-10-15, open-ended), an observation post and a patrol route (from 2019-03-08)."""
    return zones_frame(
        [
            zone("dez-1"),
            zone(
                "dmz-1",
                kind="demilitarized_zone",
                agreement="Sochi memorandum",
                signed="2018-09-17",
                valid_from="2018-10-15",
                valid_to=None,
                end_reason=None,
                accuracy_km=5.0,
                geometry=box(36.45, 35.5, 37.2, 36.05),
            ),
            zone("op-1", kind="observation_post", accuracy_km=1.0, geometry=Point(36.9, 35.5)),
            zone(
                "route-1",
                kind="patrol_route",
                valid_from="2019-03-08",
                signed="2019-03-01",
                valid_to=None,
                end_reason=None,
                accuracy_km=2.0,
                geometry=LineString([(36.3, 35.7), (36.9, 35.8)]),
            ),
        ]
    )


def write_zone_file(folder: Path, name: str, frame: gpd.GeoDataFrame) -> Path:
    """Write ``frame`` (from :func:`zones_frame`) as a valid zone file: ``ZONE_PROPERTIES`` only,
    6 decimals, counter-clockwise rings."""
    features = []
    for record, geom in zip(frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True):
        clean = shapely.orient_polygons(shapely.set_precision(geom, 1e-6))
        properties = {key: (None if pd.isna(record[key]) else record[key]) for key in ZONE_PROPERTIES}
        features.append({"type": "Feature", "properties": properties, "geometry": mapping(clean)})
    path = folder / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    return path


def with_column(source: Path, target: Path, name: str, value: str, *, at: int = 0) -> Path:
    """A copy of the CSV ``source`` at ``target`` with one more column, ``name`` (which the header
    may name already, in the same spelling), holding ``value`` in every row, at position ``at``."""
    table = pd.read_csv(source, dtype=str, keep_default_na=False)
    table.insert(at, name, value, allow_duplicates=True)
    table.to_csv(target, index=False)
    return target
