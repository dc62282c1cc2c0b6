"""The tables beside the map: zones in force with their area and events, events not on the map,
the events table and the weekly counts behind the timeline chart.

These are plain pandas frames computed from the same filtered layers the map draws, so every number
in a panel can be checked against the map. Areas are measured in an equal-area projection
(``EQUAL_AREA_CRS``); events are matched to zones in ``settings.METRIC_CRS`` with their uncertainty
radius, so an event that may or may not lie in a zone is counted apart from one that surely does.
"""

from __future__ import annotations

from collections.abc import Mapping

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geodata import settings
from geodata.export import EVENT_LAYERS
from geodata.layers import events_on_map

#: Equal-area CRS for zone areas (WGS 84 / NSIDC EASE-Grid 2.0 Global).
EQUAL_AREA_CRS: str = "EPSG:6933"
#: Columns of the events table, in display order (``layer`` when imported events are mixed in).
TABLE_COLUMNS: tuple[str, ...] = (
    "layer",
    "date_start",
    "date_end",
    "date_precision",
    "kind",
    "status",
    "place",
    "geo_precision",
    "quote",
    "outlet",
    "url",
    "also_reported_in",
    "event_id",
)


def zone_panel(
    zones: gpd.GeoDataFrame, events: gpd.GeoDataFrame, *, membership: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One row per zone: name, kind, agreement, dates, area in km² and the events inside it.

    Parameters
    ----------
    zones
        The zones to describe (usually those in force on the view's day).
    events
        The events to count (usually those of the window).
    membership
        :func:`zone_membership` of these zones (or more) and these events (or more), computed once
        for a whole dataset; without it the events are matched to the zones here (which costs
        seconds at 100,000 events).

    Returns
    -------
    pandas.DataFrame
        ``zone_id, name, kind, agreement, valid_from, valid_to, area_km2, events_inside,
        events_uncertain``. ``events_inside`` counts events whose whole uncertainty circle lies in the
        zone; ``events_uncertain`` those whose circle only overlaps it. Area and counts are null for
        observation posts and routes.
    """
    panel = pd.DataFrame(zones[["zone_id", "name", "kind", "agreement", "valid_from", "valid_to"]])
    areal = zones.geom_type.isin(["Polygon", "MultiPolygon"])
    area = zones.geometry.to_crs(EQUAL_AREA_CRS).area / 1e6
    panel["area_km2"] = area.where(areal).round(1)
    if membership is None:
        membership = zone_membership(zones, events)
    pairs = membership[_isin(membership["event_id"], events["event_id"])]
    counts = pd.crosstab(pairs["zone_id"], pairs["surely"]).reindex(columns=[True, False], fill_value=0)
    counts = counts.reindex(zones["zone_id"], fill_value=0)
    panel["events_inside"] = counts[True].to_numpy()
    panel["events_uncertain"] = counts[False].to_numpy()
    for column in ("events_inside", "events_uncertain"):
        panel[column] = panel[column].where(areal.to_numpy()).astype("Int64")
    return panel.reset_index(drop=True)


def _isin(values: pd.Series, wanted: pd.Series) -> np.ndarray:
    # pandas' own isin on string columns loops in Python (0.4 s for 100,000 ids); Arrow's is_in
    # does the same in C++ (8 ms).
    found = pc.is_in(pa.array(values, type=pa.string()), value_set=pa.array(wanted, type=pa.string()))
    return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)


def zone_membership(zones: gpd.GeoDataFrame, events: gpd.GeoDataFrame) -> pd.DataFrame:
    """Which drawable events touch which areal zones: ``event_id, zone_id, surely``.

    An event's uncertainty circle (``uncertainty_km`` around it) is matched against each polygon
    zone in ``settings.METRIC_CRS``; ``surely`` is true when the whole circle lies in the zone.
    The pairs do not depend on the day or the window, so the app computes them once per dataset
    and :func:`zone_panel` only counts the pairs of the events shown.
    """
    columns = {"event_id": pd.Series(dtype=object), "zone_id": pd.Series(dtype=object), "surely": []}
    areal = zones[zones.geom_type.isin(["Polygon", "MultiPolygon"])]
    located = events_on_map(events)
    if areal.empty or located.empty:
        return pd.DataFrame(columns)
    metric = located.to_crs(settings.METRIC_CRS)
    radius = metric["uncertainty_km"].fillna(0).clip(lower=0).to_numpy(dtype=float) * 1000
    # Imported datasets code most events at a few thousand towns: each distinct (point, radius) is
    # buffered and matched once, then its pairs are given to all its events (100,000 ACLED rows:
    # 0.1 s instead of 1.8 s); the discs are the same as buffering every event.
    keys = np.column_stack([metric.geometry.x.to_numpy(), metric.geometry.y.to_numpy(), radius])
    sites, site_of_event = np.unique(keys, axis=0, return_inverse=True)
    discs = shapely.buffer(shapely.points(sites[:, 0], sites[:, 1]), sites[:, 2], quad_segs=16)
    zone_geoms = areal.geometry.to_crs(settings.METRIC_CRS).to_numpy()
    site_pos, zone_pos = shapely.STRtree(zone_geoms).query(discs, predicate="intersects")
    surely = shapely.within(discs[site_pos], zone_geoms[zone_pos])
    site_pairs = pd.DataFrame({"site": site_pos, "zone": zone_pos, "surely": surely})
    events_at = pd.DataFrame({"event": np.arange(len(located)), "site": site_of_event.ravel()})
    pairs = events_at.merge(site_pairs, on="site").sort_values(["event", "zone"], kind="stable")
    return pd.DataFrame(
        {
            "event_id": located["event_id"].to_numpy()[pairs["event"].to_numpy()],
            "zone_id": areal["zone_id"].to_numpy()[pairs["zone"].to_numpy()],
            "surely": pairs["surely"].to_numpy(dtype=bool),
        }
    )


def off_map(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """The events the map cannot draw, with the reason: not located, or outside Syria (talks in
    Sochi, Moscow or Astana), so nothing is silently missing."""
    drawn = events_on_map(events).index
    rest = events.loc[~events.index.isin(drawn)]
    geoms = rest.geometry
    located = geoms.notna() & ~geoms.is_empty
    reason = located.map({True: "outside Syria", False: "not located"})
    columns = ["layer", "date_start", "kind", "status", "place", "outlet", "url", "event_id"]
    table = pd.DataFrame(rest[[c for c in columns if c in rest.columns]])
    table.insert(0, "why not on the map", reason)
    return table.sort_values("date_start", kind="stable").reset_index(drop=True)


def shown_events(shown: Mapping[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """The events of every event family in ``shown`` (ours and imported), with a ``layer`` column."""
    frames = [shown[family].assign(layer=family) for family in EVENT_LAYERS if family in shown]
    if not frames:
        return gpd.GeoDataFrame({"layer": []}, geometry=gpd.GeoSeries(crs=settings.WGS84))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=settings.WGS84)


def events_table(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """The events as a plain table (the ``TABLE_COLUMNS`` it has), newest first."""
    table = pd.DataFrame(events[[c for c in TABLE_COLUMNS if c in events.columns]])
    return table.sort_values(["date_start", "event_id"], ascending=[False, True]).reset_index(drop=True)


def newest(events: gpd.GeoDataFrame, count: int) -> gpd.GeoDataFrame:
    """The events whose ``date_start`` is among the ``count`` newest (ties kept, so it may hold a few
    more): what the events table shows of a long window, picked without sorting whole rows."""
    if len(events) <= count:
        return events
    dates = events["date_start"].fillna("")
    threshold = dates.sort_values(ascending=False).iloc[count - 1]
    return events[(dates >= threshold).to_numpy()]


def weekly_counts(events: pd.DataFrame) -> pd.DataFrame:
    """Events per week (weeks start on Monday, by ``date_start``) and kind: ``week, kind, events``."""
    if events.empty:
        return pd.DataFrame({"week": pd.Series(dtype="datetime64[ns]"), "kind": [], "events": []})
    start = pd.to_datetime(events["date_start"])
    week = start - pd.to_timedelta(start.dt.day_of_week, unit="D")
    counts = pd.DataFrame({"week": week, "kind": events["kind"]}).value_counts().rename("events")
    return counts.reset_index().sort_values(["week", "kind"]).reset_index(drop=True)
