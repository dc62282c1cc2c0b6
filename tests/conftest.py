"""Fixtures shared by the export, format, import and CLI tests: small synthetic layers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import pytest
from shapely.geometry import Point

from geodata import export, imports, settings, zones
from geodata.schema import EVENT_PROPERTIES

DATA = Path(__file__).parent / "data"
ZONES_DIR = DATA / "export_zones"
ACLED_CSV = DATA / "acled_small.csv"
UCDP_CSV = DATA / "ucdp_small.csv"


def event(event_id: str, kind: str, start: str, end: str, **changes: Any) -> dict[str, Any]:
    """One synthetic event row with every ``EVENT_PROPERTIES`` column."""
    row: dict[str, Any] = {
        "event_id": event_id,
        "kind": kind,
        "status": "occurred",
        "date_start": start,
        "date_end": end,
        "date_precision": "day" if start == end else "range",
        "place": "Saraqib",
        "place_id": "163345",
        "geo_precision": "town",
        "uncertainty_km": 5.0,
        "actors": "Russia; Turkey",
        "article": "001_test.txt",
        "also_reported_in": None,
        "outlet": "Test Outlet",
        "url": "https://example.org/article",
        "published": end,
        "quote": "A sentence written for the tests.",
        "confidence": 0.8,
    }
    return row | changes


def events_frame(rows: list[tuple[dict[str, Any], Point | None]]) -> gpd.GeoDataFrame:
    """A frame shaped like ``geodata.events.events_frame``: EVENT_PROPERTIES + Point or None."""
    data = {name: [row[name] for row, _ in rows] for name in EVENT_PROPERTIES}
    return gpd.GeoDataFrame(data, geometry=[geom for _, geom in rows], crs=settings.WGS84)


@pytest.fixture(scope="session")
def sample_events() -> gpd.GeoDataFrame:
    return events_frame(
        [
            (event("ev-patrol", "patrol", "2019-03-08", "2019-03-08"), Point(36.6, 35.6)),
            (event("ev-attack", "attack", "2019-03-01", "2019-03-05"), Point(37.2, 36.2)),
            (event("ev-statement", "statement", "2019-02-01", "2019-02-01"), None),
            (event("ev-agreement", "agreement", "2020-03-05", "2020-03-05"), Point(37.1, 36.5)),
        ]
    )


@pytest.fixture(scope="session")
def sample_zones() -> gpd.GeoDataFrame:
    zone_set = zones.load_zones(ZONES_DIR)
    assert not zone_set.problems
    return zone_set.zones


@pytest.fixture(scope="session")
def sample_imported() -> gpd.GeoDataFrame:
    return imports.load_event_files([ACLED_CSV, UCDP_CSV]).events


@pytest.fixture(scope="session")
def sample_frames(
    sample_zones: gpd.GeoDataFrame, sample_events: gpd.GeoDataFrame, sample_imported: gpd.GeoDataFrame
) -> dict[str, gpd.GeoDataFrame]:
    return {
        "zones": sample_zones,
        "events": sample_events,
        "imported": sample_imported,
        "reference": export.reference_frame(),
    }
