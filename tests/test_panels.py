"""The panels beside the map: zone areas and event counts, events not on the map, weekly counts, the
summary line, readable tables, and untrusted text kept out of Markdown."""

from __future__ import annotations

import datetime as dt
import html

import numpy as np
import pandas as pd
import pytest
import shapely
from markdown_it import MarkdownIt
from pyproj import Geod

from geodata import imports, layers, panels, settings, view
from tests import builders


def test_zone_area_is_measured_on_the_ellipsoid_scale() -> None:
    zones = builders.sample_zones()
    table = panels.zone_panel(zones, builders.sample_events())
    geodesic_km2 = abs(Geod(ellps="WGS84").geometry_area_perimeter(zones.geometry[0])[0]) / 1e6
    assert table.loc[0, "area_km2"] == pytest.approx(geodesic_km2, rel=0.001)


def test_posts_and_routes_have_no_area_or_counts() -> None:
    table = panels.zone_panel(builders.sample_zones(), builders.sample_events()).set_index("zone_id")
    measured = table.loc[["op-1", "route-1"], ["area_km2", "events_inside", "events_uncertain"]]
    assert measured.isna().all().all()


def test_events_inside_and_uncertain_are_counted_apart() -> None:
    events = builders.events_frame(
        [
            builders.event("sure", lonlat=(36.7, 35.85), uncertainty_km=1.0),
            builders.event("edge", lonlat=(36.41, 35.85), uncertainty_km=5.0),
            builders.event("region", lonlat=(36.7, 35.85), uncertainty_km=80.0, geo_precision="governorate"),
            builders.event("outside", lonlat=(38.0, 35.0), uncertainty_km=1.0),
            builders.event("unlocated", lonlat=None),
        ]
    )
    zones = builders.zones_frame([builders.zone("dez-1")])  # box 36.4-37.0 E, 35.6-36.1 N
    row = panels.zone_panel(zones, events).iloc[0]
    assert row["events_inside"] == 1
    assert row["events_uncertain"] == 2


def test_no_events_gives_zero_counts() -> None:
    zones = builders.zones_frame([builders.zone("dez-1")])
    row = panels.zone_panel(zones, builders.sample_events().iloc[0:0]).iloc[0]
    assert (row["events_inside"], row["events_uncertain"]) == (0, 0)


def test_events_off_the_map_are_listed_with_the_reason() -> None:
    table = panels.off_map(builders.sample_events())
    assert list(table["Event id"]) == ["e5", "e4"]
    assert list(table["Why not on the map"]) == ["not located", "outside Syria"]


def test_weekly_counts_start_on_monday_and_add_up() -> None:
    events = builders.sample_events()
    counts = panels.weekly_counts(events)
    assert counts["events"].sum() == len(events)
    assert (pd.to_datetime(counts["week"]).dt.day_of_week == 0).all()
    assert counts.loc[counts["kind"] == "patrol", "events"].tolist() == [1, 1]


def test_events_table_is_newest_first_in_words() -> None:
    table = panels.events_table(builders.sample_events())
    headings = [heading for key, heading in panels.EVENT_HEADINGS.items() if key != "layer"]
    assert list(table.columns) == headings  # no family column: one family only
    assert table["From"].is_monotonic_decreasing
    assert not any("_" in column for column in table.columns)


def test_events_table_names_articles_by_their_titles() -> None:
    events = builders.sample_events()
    titles = {"001_test.txt": "Joint patrols begin", "002_other.txt": "Another report"}
    table = panels.events_table(events, titles=titles).set_index("Event id")
    assert table.loc["e1", "Article"] == "Joint patrols begin"
    assert "Another report" in table.loc["e3", "Also reported in"]
    assert "002_other.txt" not in table.loc["e3", "Also reported in"]
    unknown = panels.events_table(events.assign(article="999_missing.txt")).set_index("Event id")
    assert unknown.loc["e1", "Article"] == "999_missing.txt"  # no title known: the file, not nothing


def test_the_compact_table_has_three_short_columns() -> None:
    table = panels.events_table(builders.sample_events(), compact=True)
    assert list(table.columns) == ["From", "What", "Where"]


def test_articles_table_lists_failed_articles_first_with_their_error() -> None:
    added = pd.Timestamp("2026-12-02 10:00:00")
    articles = pd.DataFrame(
        {
            "name": ["a.txt", "b.txt", "c.txt"],
            "title": ["First", "Broken", "Third"],
            "outlet": ["Wire", None, "Wire"],
            "url": ["https://a.example", None, None],
            "published": [dt.date(2019, 3, 8), None, dt.date(2019, 3, 9)],
            "events": [2, 0, 1],
            "added_at": [added, added, added],
            "added_by": ["seeds", "ana", "ana"],
            "extraction_error": [None, "ValueError: no", None],
        }
    )
    table = panels.articles_table(articles)
    assert list(table["Title"]) == ["Broken", "Third", "First"]  # failed first, then newest added
    assert table.loc[0, "Extraction error"] == "ValueError: no"
    assert table.loc[1, "Published"] == "2019-03-09"
    assert table.loc[1, "Added"] == "2026-12-02 10:00"
    assert list(table.columns) == list(panels.ARTICLE_HEADINGS.values())


def test_zones_table_is_in_words() -> None:
    table = panels.zones_table(panels.zone_panel(builders.sample_zones(), builders.sample_events()))
    assert list(table.columns)[:3] == ["Zone", "Kind", "Agreement"]
    assert "demilitarized zone" in set(table["Kind"])


def test_summary_counts_posts_apart_and_says_one_event() -> None:
    day = dt.date(2019, 3, 8)
    zones = builders.sample_zones()
    events = builders.sample_events()
    line = panels.summary({"zones": zones, "events": events.iloc[:1]}, view.MapView(day, 30))
    assert line == (
        "8 March 2019: 3 zones in force and 1 observation post; 1 event in the 30 days up to that day."
    )
    everything = panels.summary(
        {"zones": zones.iloc[:1], "events": events, "imported": events.iloc[:2]}, view.MapView(day, None)
    )
    assert everything == "8 March 2019: 1 zone in force; 5 events and 2 imported events up to that day."
    assert "(all days)" not in everything


@pytest.mark.parametrize(
    "text",
    [
        "[Session expired](https://evil.example/login)",
        "![x](https://evil.example/t.png)",
        "<img src=https://evil.example/t.png>",
        "see https://evil.example/login or www.evil.example or a@evil.example",
        "*bold* _it_ # heading `code` ``more`` $x^2$ :red[colour] | a | b |",
        "[ref]: https://evil.example\n[ref]",
    ],
)
def test_markdown_text_renders_as_exactly_its_characters(text: str) -> None:
    """A Markdown renderer with GFM autolinks (like Streamlit's) shows the text as one code span:
    the same characters, and no link, image or markup."""
    rendered = MarkdownIt("gfm-like").render(panels.markdown_text(text))
    assert rendered.startswith("<p><code>")
    assert rendered.endswith("</code></p>\n")
    for tag in ("<a ", "<img", "<em>", "<strong>", "<h1>"):
        assert tag not in rendered
    inner = rendered.removeprefix("<p><code>").removesuffix("</code></p>\n")
    assert html.unescape(inner) == text.replace("\n", " ")


def test_shown_events_mix_ours_and_imported_with_their_layer() -> None:
    imported = imports.load_event_files([settings.ROOT / "tests/data/acled_small.csv"]).events
    mixed = panels.shown_events(
        {"zones": builders.sample_zones(), "events": builders.sample_events(), "imported": imported}
    )
    assert mixed["layer"].value_counts().to_dict() == {"events": 5, "imported": 5}
    table = panels.events_table(mixed)
    assert set(table["From where"]) == {"our articles", "imported file"}
    assert panels.zone_panel(builders.sample_zones(), mixed)["events_inside"].notna().any()


def test_newest_keeps_the_newest_events_and_their_ties() -> None:
    events = builders.events_frame(
        [
            builders.event("a", date_start="2019-01-01"),
            builders.event("b", date_start="2019-03-01"),
            builders.event("c", date_start="2019-02-01"),
            builders.event("d", date_start="2019-02-01"),
        ]
    )
    assert set(panels.newest(events, 2)["event_id"]) == {"b", "c", "d"}
    assert set(panels.newest(events, 1)["event_id"]) == {"b"}
    assert len(panels.newest(events, 10)) == 4
    table = panels.events_table(panels.newest(events, 2)).head(2)
    assert list(table["Event id"]) == ["b", "c"]


def test_zone_panel_counts_the_same_with_a_precomputed_membership() -> None:
    zones, events = builders.sample_zones(), builders.sample_events()
    membership = panels.zone_membership(zones, events)
    for subset in (events, events.iloc[[0, 2]], events.iloc[0:0]):
        pd.testing.assert_frame_equal(
            panels.zone_panel(zones, subset, membership=membership), panels.zone_panel(zones, subset)
        )


def test_zone_membership_equals_matching_every_event_alone() -> None:
    """Events sharing a site (point and radius) get that site's pairs, each event's in zone order:
    the same pairs, in the same order, as buffering and matching every event on its own."""
    zones = builders.sample_zones()
    west, south, east, north = zones.total_bounds
    rng = np.random.default_rng(3)
    sites = [(round(lon, 2), round(lat, 2)) for lon, lat in zip(
        rng.uniform(west - 0.2, east + 0.2, 40), rng.uniform(south - 0.2, north + 0.2, 40), strict=True
    )]  # fmt: skip
    records = [
        builders.event(f"x{i}", lonlat=sites[i % 40 if i % 3 else (i * 7) % 40],
                       uncertainty_km=[0.5, 2.0, 25.0, None][i % 4])
        for i in range(300)
    ]  # fmt: skip
    records += [builders.event("away", lonlat=(37.6, 55.75)), builders.event("nowhere", lonlat=None)]
    events = builders.events_frame(records)
    areal = zones[zones.geom_type.isin(["Polygon", "MultiPolygon"])]
    zone_geoms = areal.geometry.to_crs(settings.METRIC_CRS)
    expected = []
    for row in layers.events_on_map(events).to_crs(settings.METRIC_CRS).itertuples():
        radius = 0.0 if pd.isna(row.uncertainty_km) else max(row.uncertainty_km, 0.0)
        disc = shapely.buffer(row.geometry, radius * 1000, quad_segs=16)
        for zone_id, zone in zip(areal["zone_id"], zone_geoms, strict=True):
            if disc.intersects(zone):
                expected.append((row.event_id, zone_id, bool(disc.within(zone))))
    found = panels.zone_membership(zones, events)
    assert list(found.itertuples(index=False, name=None)) == expected
    assert {surely for *_, surely in expected} == {True, False}  # both kinds of pair are checked
    assert len({event for event, *_ in expected}) > 50


def test_the_timeline_legend_lists_every_kind_under_the_chart() -> None:
    """The legend sits under the bars in rows, so none of the kinds is cut off at the chart's edge."""
    events = builders.events_frame(
        [builders.event(f"e{i}", kind=kind, date_start="2019-03-0" + str(i % 9 + 1)) for i, kind in enumerate(
            ["patrol", "agreement", "talks", "attack", "displacement", "statement", "deployment", "other"]
        )]
    )  # fmt: skip
    spec = panels.timeline_chart(panels.weekly_counts(events), dt.date(2019, 3, 8)).to_dict()
    colour = spec["layer"][0]["encoding"]["color"]
    assert colour["legend"]["orient"] == "bottom"
    assert colour["scale"]["domain"] == list(layers.EVENT_STYLES)
