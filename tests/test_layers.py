"""The pure map builder: feature groups, what is drawn on a day, tooltips, popups, escaping, and the
standalone page that needs nothing from the internet."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import folium
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata import imports, layers, settings, view
from tests import builders

ALL = frozenset(view.LAYER_KEYS)


def drawn(groups: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Features by group label (:func:`geodata.layers.layer_features`)."""
    return groups


def ids(features: dict[str, list[dict[str, Any]]], family: str) -> set[str]:
    return {
        f["properties"]["id"]
        for group in features.values()
        for f in group
        if f["properties"]["layer"] == family
    }


def features(
    day: str, window: int | None = 30, visible: frozenset[str] = ALL, **kwargs: Any
) -> dict[str, Any]:
    current = view.MapView(dt.date.fromisoformat(day), window, visible)
    return layers.layer_features(builders.sample_zones(), builders.sample_events(), current, **kwargs)


def make(day: str, window: int | None = 30, visible: frozenset[str] = ALL, **kwargs: Any) -> folium.Map:
    current = view.MapView(dt.date.fromisoformat(day), window, visible)
    return layers.build_map(builders.sample_zones(), builders.sample_events(), current, **kwargs)


def test_one_named_group_per_kind_with_something_to_draw() -> None:
    assert set(features("2019-03-20", 90)) == {
        "De-escalation zones",
        "Demilitarized zone",
        "Observation posts",
        "Patrol routes",
        "Patrols",
        "Attacks",
    }


def test_zones_are_drawn_only_while_in_force() -> None:
    assert ids(features("2018-10-14"), "zones") == {"dez-1", "op-1"}
    assert ids(features("2019-03-08"), "zones") == {"dez-1", "dmz-1", "op-1", "route-1"}
    assert ids(features("2020-01-01"), "zones") == {"dmz-1", "route-1"}


def test_events_follow_the_window() -> None:
    assert ids(features("2019-03-20", 7), "events") == {"e2"}
    assert ids(features("2019-03-31", 30), "events") == {"e1", "e2"}
    assert ids(features("2019-03-31", None), "events") == {"e1", "e2", "e3"}


def test_talks_abroad_and_unlocated_events_are_not_drawn() -> None:
    drawn_now = features("2019-12-31", None)
    assert "e4" not in ids(drawn_now, "events")  # Sochi
    assert "e5" not in ids(drawn_now, "events")  # no location


def test_hidden_kinds_and_reference_are_not_drawn() -> None:
    groups = features("2019-03-20", 90, visible=ALL - {"patrol", "demilitarized_zone", view.REFERENCE})
    assert "Patrols" not in groups
    assert "Demilitarized zone" not in groups
    assert layers.REFERENCE_STYLE.label not in groups
    with_reference = drawn(features("2019-03-20", reference=layers.load_reference()))
    assert len(with_reference[layers.REFERENCE_STYLE.label]) == 15  # 14 governorates + outline


def test_lon_lat_order_reaches_the_map() -> None:
    feature = next(f for f in drawn(features("2019-03-20"))["Patrols"] if f["id"] == "e1")
    assert feature["geometry"]["coordinates"] == pytest.approx([36.8, 35.86])


def test_zone_tooltip_names_everything_a_reader_needs() -> None:
    zone = next(f for f in drawn(features("2019-03-20"))["Demilitarized zone"] if f["id"] == "dmz-1")
    tip = zone["properties"]["tip"]
    for text in ("Zone dmz-1", "Sochi memorandum", "2018-10-15 – no end recorded", "± 5 km", "example.org"):
        assert text in tip


def test_approximate_zone_is_dashed_with_a_band_and_precise_is_not() -> None:
    bands = ids(features("2019-03-20"), "bands")
    assert "band-dmz-1" in bands
    assert "band-dez-1" not in bands
    assert layers._zone_style("#000", {"properties": {"kind": "x", "approximate": True}})["dashArray"]
    assert "dashArray" not in layers._zone_style("#000", {"properties": {"kind": "x", "approximate": False}})


def test_region_event_is_a_circle_of_its_uncertainty_and_town_event_a_point() -> None:
    by_id = {f["id"]: f for fs in drawn(features("2019-03-20", None)).values() for f in fs}
    assert by_id["e3"]["properties"]["radius_m"] == 40_000
    assert by_id["e1"]["properties"]["radius_m"] is None
    region = layers._event_style(by_id["e3"])
    assert region["radius"] == 40_000


def test_planned_event_is_hollow_and_dashed() -> None:
    by_id = {f["id"]: f for fs in drawn(features("2019-03-25")).values() for f in fs}
    planned = layers._event_style(by_id["e2"])
    occurred = layers._event_style(by_id["e1"])
    assert planned["dashArray"]
    assert planned["fillOpacity"] < occurred["fillOpacity"]
    assert "dashArray" not in occurred


def test_older_events_are_fainter() -> None:
    current = view.MapView(dt.date(2019, 3, 31), 30)
    assert layers.event_opacity("2019-03-31", current) == 1
    assert layers.event_opacity("2019-03-02", current) < layers.event_opacity("2019-03-20", current)
    assert layers.event_opacity("2018-01-01", current) == pytest.approx(layers.OLDEST_OPACITY)


def test_popup_has_sentence_source_link_precision_and_other_articles() -> None:
    record = builders.sample_events().iloc[2].to_dict()
    popup = layers.event_popup_html(record)
    assert "2019-02-01 – 2019-02-28 (month)" in popup
    assert "Idlib Governorate (governorate, ± 40 km)" in popup
    link = '<a href="https://example.org/news/1" target="_blank" rel="noopener noreferrer">Test Wire</a>'
    assert link in popup
    assert "002_other.txt" in popup
    assert '<a href="https://example.org/news/2"' in popup


def test_article_text_is_shown_as_text_never_as_markup() -> None:
    record = builders.sample_events().iloc[2].to_dict()
    popup = layers.event_popup_html(record)
    assert "<img" not in popup
    assert "&lt;img src=x onerror=alert(1)&gt;" in popup
    assert "`" not in popup
    assert "${" not in popup


def test_rendered_map_carries_no_raw_markup_from_articles() -> None:
    page = make("2019-03-20", None).get_root().render()
    assert "<img src=x" not in page
    assert "onerror=alert(1)>" not in page


def test_only_http_links_become_links() -> None:
    assert layers.link("javascript:alert(1)", "x") == "x"
    assert layers.link('https://a.example/"onmouseover="x', "t").count('"') == 6  # quotes escaped


@given(st.text())
def test_escape_is_inert_in_html_and_js_templates_and_loses_nothing(text: str) -> None:
    escaped = layers.escape(text)
    assert not set(escaped) & set("<>\"'`$\\")
    assert html.unescape(escaped) == text


def test_legend_lists_visible_kinds_present_in_the_data() -> None:
    legend = layers.legend_html(view.MapView(dt.date(2019, 3, 8)), kinds={"patrol", "de_escalation_zone"})
    assert "Patrols" in legend
    assert "De-escalation zones" in legend
    assert "Attacks" not in legend
    assert "UN OCHA" in legend


def test_tiles_can_be_left_out() -> None:
    with_tiles = make("2019-03-20").get_root().render()
    without = make("2019-03-20", tiles=False).get_root().render()
    assert "tile.openstreetmap.org" in with_tiles
    assert "tile.openstreetmap.org" not in without


def test_imported_events_are_their_own_group_following_their_toggle_and_kinds() -> None:
    imported = imports.load_event_files([settings.ROOT / "tests/data/acled_small.csv"]).events
    current = view.MapView(dt.date(2019, 3, 31), 30)
    group = layers.layer_features(
        builders.sample_zones(), builders.sample_events(), current, imported=imported
    )[layers.IMPORTED_STYLE.label]
    assert {f["properties"]["layer"] for f in group} == {"imported"}
    assert {f["id"] for f in group} == {"acled:SYR1001", "acled:SYR1002", "acled:SYR1003", "acled:SYR1004"}
    no_attacks = view.MapView(current.day, 30, ALL - {"attack"})
    groups = layers.layer_features(
        builders.sample_zones(), builders.sample_events(), no_attacks, imported=imported
    )
    assert "acled:SYR1001" not in {f["id"] for f in groups[layers.IMPORTED_STYLE.label]}
    hidden = view.MapView(current.day, 30, ALL - {"imported"})
    groups = layers.layer_features(
        builders.sample_zones(), builders.sample_events(), hidden, imported=imported
    )
    assert layers.IMPORTED_STYLE.label not in groups


def test_standalone_page_inlines_the_shipped_leaflet_and_links_nothing() -> None:
    page = layers.standalone_html(make("2019-03-20", tiles=False))
    assert (settings.STATIC_DIR / "leaflet" / "leaflet.js").read_text(encoding="utf-8") in page
    assert not re.findall(r"<(?:script|link|img)\b[^>]*(?:src|href)=[\"']?https?://", page)  # nothing loaded
    assert "url(http" not in page
    assert "cdn.jsdelivr" not in page
    assert "code.jquery" not in page


def test_zone_tooltip_names_outlets_and_popup_links_every_source() -> None:
    record = builders.zone(
        "z", sources="TASS, 6 May 2017, https://tass.com/a | PA-X, text, https://pax.example/b"
    )
    tip = layers.zone_tooltip_html(record)
    assert "TASS; PA-X" in tip
    assert "href" not in tip
    popup = layers.zone_tooltip_html(record, links=True)
    assert (
        '<a href="https://tass.com/a" target="_blank" rel="noopener noreferrer">TASS, 6 May 2017</a>' in popup
    )
    assert '<a href="https://pax.example/b"' in popup


def test_the_map_draws_every_feature_it_is_given() -> None:
    page = make("2019-03-20", 90, reference=layers.load_reference()).get_root().render()
    for group in features("2019-03-20", 90, reference=layers.load_reference()).values():
        assert all(f'"id": "{feature["id"]}"' in page for feature in group)


def test_opacity_counts_from_the_start_when_an_event_has_no_end() -> None:
    current = view.MapView(dt.date(2019, 3, 31), 30)
    assert layers.event_opacity(None, current, date_start="2019-03-31") == 1
    assert layers.event_opacity(None, current, date_start="2018-01-01") == pytest.approx(
        layers.OLDEST_OPACITY
    )
    assert layers.event_opacity(None, current) == 1
