"""The tables and words beside the map: the summary line, zones in force with their area and
events, events not on the map, the events table and the weekly counts behind the timeline chart.

These are plain pandas frames computed from the same filtered layers the map draws, so every number
in a panel can be checked against the map; the tables shown to people have headings in words and
article titles instead of file names (:func:`events_table`, :func:`zones_table`). Areas are measured
in an equal-area projection (``EQUAL_AREA_CRS``); events are matched to zones in
``settings.METRIC_CRS`` with their uncertainty radius, so an event that may or may not lie in a zone
is counted apart from one that surely does.

Text that did not come from our own code (file names, zone ids, link parameters, CSV cells) goes
into Markdown through :func:`markdown_text`, so it shows as the characters it is and never becomes a
link, an image or formatting.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geodata import csv_rows, settings
from geodata.export import EVENT_LAYERS
from geodata.layers import EVENT_STYLES, also_reported, events_on_map, missing
from geodata.view import MapView

if TYPE_CHECKING:
    import altair as alt

#: Equal-area CRS for zone areas (WGS 84 / NSIDC EASE-Grid 2.0 Global).
EQUAL_AREA_CRS: str = "EPSG:6933"
#: Headings of the events table, by property, in display order.
EVENT_HEADINGS: dict[str, str] = {
    "date_start": "From",
    "date_end": "To",
    "kind": "What",
    "status": "Status",
    "place": "Where",
    "geo_precision": "Located to",
    "quote": "Sentence",
    "article": "Article",
    "outlet": "Outlet",
    "url": "Link",
    "also_reported_in": "Also reported in",
    "layer": "From where",
    "event_id": "Event id",
}
#: The columns of the events table on a small screen (no sideways scrolling on a phone).
COMPACT_COLUMNS: tuple[str, ...] = ("date_start", "kind", "place")
#: Headings of the zones table, by column of :func:`zone_panel`, in display order.
ZONE_HEADINGS: dict[str, str] = {
    "name": "Zone",
    "kind": "Kind",
    "agreement": "Agreement",
    "valid_from": "In force from",
    "valid_to": "Until",
    "area_km2": "Area (km²)",
    "events_inside": "Events inside",
    "events_uncertain": "Events perhaps inside",
    "zone_id": "Zone id",
}
#: Headings of the articles table, by column of ``geodata.loading.Loaded.articles``, in display order.
ARTICLE_HEADINGS: dict[str, str] = {
    "title": "Title",
    "extraction_error": "Extraction error",
    "outlet": "Outlet",
    "published": "Published",
    "events": "Events",
    "added_at": "Added",
    "added_by": "Added by",
    "url": "Link",
    "name": "Name",
}
#: How the event families are named in the tables.
FAMILY_NAMES: dict[str, str] = {"events": "our articles", "imported": "imported file"}


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
    radius = located["uncertainty_km"].fillna(0).clip(lower=0).to_numpy(dtype=float)
    # Imported datasets code most events at a few thousand towns: each distinct (point, radius) is
    # projected, buffered and matched once, then its pairs are given to all its events (1,000,000
    # ACLED rows: 150,000 sites); the discs are the same as buffering every event. The sites are
    # found by hashing (csv_rows.distinct_rows; sorting the rows took 3 s at 1,000,000 events), and
    # projecting only the sites saves the 1 s of projecting every event.
    site_of_event, first_of_site = csv_rows.distinct_rows(
        [located.geometry.x, located.geometry.y, pd.Series(radius, index=located.index)]
    )
    sites = gpd.GeoSeries(located.geometry.to_numpy()[first_of_site], crs=located.crs)
    discs = shapely.buffer(
        sites.to_crs(settings.METRIC_CRS).to_numpy(), radius[first_of_site] * 1000, quad_segs=16
    )
    zone_geoms = areal.geometry.to_crs(settings.METRIC_CRS).to_numpy()
    # The tree holds the discs and the few zones query it: each zone is prepared once for its many
    # discs (a tree of zones queried with every disc prepares every disc: 1.3-2 s at 150,000 sites).
    # Intersection is symmetric and a zone contains exactly the discs that are within it.
    zone_pos, site_pos = shapely.STRtree(discs).query(zone_geoms, predicate="intersects")
    surely = shapely.contains(zone_geoms[zone_pos], discs[site_pos])
    # Each event's pairs are its site's, in zone order, events in their order (as a stable sort of
    # the pairs by event and zone), gathered with arrays instead of a merge and sort of every pair.
    by_site = np.lexsort((zone_pos, site_pos))
    counts = np.bincount(site_pos, minlength=len(first_of_site))
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    per_event = counts[site_of_event]
    event = np.repeat(np.arange(len(located)), per_event)
    offset = np.arange(len(event)) - np.repeat(np.cumsum(per_event) - per_event, per_event)
    pair = by_site[starts[site_of_event][event] + offset]
    return pd.DataFrame(
        {
            "event_id": located["event_id"].take(event).to_numpy(),
            "zone_id": areal["zone_id"].take(zone_pos[pair]).to_numpy(),
            "surely": surely[pair].astype(bool),
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
    table = table.sort_values("date_start", kind="stable").reset_index(drop=True)
    table["kind"] = table["kind"].map(_words)
    if "layer" in table:
        table["layer"] = table["layer"].map(lambda family: FAMILY_NAMES.get(family, family))
    headings = {"why not on the map": "Why not on the map", **EVENT_HEADINGS}
    return table.rename(columns=headings)


def shown_events(shown: Mapping[str, gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """The events of every event family in ``shown`` (ours and imported), with a ``layer`` column."""
    frames = [shown[family].assign(layer=family) for family in EVENT_LAYERS if family in shown]
    if not frames:
        return gpd.GeoDataFrame({"layer": []}, geometry=gpd.GeoSeries(crs=settings.WGS84))
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), geometry="geometry", crs=settings.WGS84)


def events_table(
    events: gpd.GeoDataFrame, *, titles: Mapping[str, str] | None = None, compact: bool = False
) -> pd.DataFrame:
    """The events as people read them, newest first: headings in words (``EVENT_HEADINGS``), kinds
    without underscores, article titles (``titles``: file name -> title) instead of file names, and
    the family (``layer``, when our events and imported ones are mixed) in words. ``compact`` keeps
    only date, kind and place (``COMPACT_COLUMNS``), for small screens."""
    ordered = events.sort_values(["date_start", "event_id"], ascending=[False, True])
    wanted = COMPACT_COLUMNS if compact else tuple(EVENT_HEADINGS)
    table = pd.DataFrame(ordered[[c for c in wanted if c in ordered.columns]]).reset_index(drop=True)
    known = titles or {}
    if "kind" in table:
        table["kind"] = table["kind"].map(_words)
    if "layer" in table:
        table["layer"] = table["layer"].map(lambda family: FAMILY_NAMES.get(family, family))
    if "article" in table:
        table["article"] = table["article"].map(lambda file: _title(file, known))
    if "also_reported_in" in table:
        table["also_reported_in"] = table["also_reported_in"].map(lambda files: _titles(files, known))
    return table.rename(columns=EVENT_HEADINGS)


def articles_table(articles: pd.DataFrame) -> pd.DataFrame:
    """The articles behind the events as people read them (``ARTICLE_HEADINGS``): those the
    pipeline failed on first, with their error, then the most recently added."""
    table = articles[[c for c in ARTICLE_HEADINGS if c in articles.columns]].copy()
    failed = table["extraction_error"].notna() if "extraction_error" in table else False
    table = table.assign(_failed=failed, _order=range(len(table)))
    table = table.sort_values(["_failed", "_order"], ascending=False, kind="stable")
    table = table.drop(columns=["_failed", "_order"]).reset_index(drop=True)
    for column in ("published", "added_at"):
        if column in table:
            table[column] = table[column].map(lambda v: None if missing(v) else str(v)[:16])
    return table.rename(columns=ARTICLE_HEADINGS)


def zones_table(panel: pd.DataFrame) -> pd.DataFrame:
    """:func:`zone_panel` as people read it: headings in words, kinds without underscores."""
    table = panel[[c for c in ZONE_HEADINGS if c in panel.columns]].copy()
    table["kind"] = table["kind"].map(_words)
    return table.rename(columns=ZONE_HEADINGS)


def _words(value: object) -> object:
    return value.replace("_", " ") if isinstance(value, str) else value


def _title(file: object, titles: Mapping[str, str]) -> object:
    if missing(file):
        return None
    return titles.get(str(file)) or str(file)


def _titles(files: object, titles: Mapping[str, str]) -> object:
    names = [str(_title(file, titles)) for file in also_reported(files)]
    return "; ".join(names) if names else None


def summary(shown: Mapping[str, gpd.GeoDataFrame], view: MapView) -> str:
    """One line saying what the map shows: the day, the zones in force (observation posts apart),
    the events of the window and the imported ones, in words ("1 event", "12 observation posts")."""
    zones = shown.get("zones")
    posts = 0 if zones is None else int((zones["kind"] == "observation_post").sum())
    areas = 0 if zones is None else len(zones) - posts
    line = f"{view.day.day} {view.day:%B %Y}: {_count(areas, 'zone')} in force"
    if posts:
        line += f" and {_count(posts, 'observation post')}"
    events = shown.get("events")
    line += f"; {_count(0 if events is None else len(events), 'event')}"
    if "imported" in shown:
        line += f" and {_count(len(shown['imported']), 'imported event')}"
    if view.window_days is None:
        return line + " up to that day."
    return line + f" in the {view.window_days} days up to that day."


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def markdown_text(text: object) -> str:
    """``text`` as Markdown that shows exactly its characters: one inline code span.

    Escaping punctuation is not enough: Streamlit's renderer (GFM) turns any ``https://...`` or
    ``www....`` left in plain text into a link, escapes or not; inside a code span nothing is a link,
    an image, emphasis or math. The fence is one backtick longer than any run of backticks in the
    text, so the text cannot close it; line breaks become spaces.
    """
    body = " ".join(str(text).splitlines())
    fence = "`" * (max((len(run) for run in re.findall(r"`+", body)), default=0) + 1)
    return f"{fence} {body} {fence}"


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


def timeline_chart(counts: pd.DataFrame, day: dt.date) -> alt.LayerChart:
    """Events per week by kind (:func:`weekly_counts`) as stacked bars in the kinds' colours, the
    legend under the chart (every kind visible), and the day shown as a red rule."""
    # Imported when drawn: altair takes ~0.2 s to import, which the first map does not wait for.
    import altair as alt

    kinds = [kind for kind in EVENT_STYLES if kind in set(counts["kind"])]
    colours = alt.Scale(domain=kinds, range=[EVENT_STYLES[kind].colour for kind in kinds])
    legend = alt.Legend(orient="bottom", columns=4, title=None, labelLimit=200)
    bars = (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            x=alt.X("week:T", title="week"),
            y=alt.Y("events:Q", title="events"),
            color=alt.Color("kind:N", scale=colours, legend=legend),
        )
    )
    marker = alt.Chart(pd.DataFrame({"day": [pd.Timestamp(day)]})).mark_rule(color="red").encode(x="day:T")
    chart: alt.LayerChart = (bars + marker).properties(height=150)
    return chart
