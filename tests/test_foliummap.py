"""The folium map of one view: feature groups, what is drawn on a day, styles, the legend, and the
standalone page that needs nothing from the internet."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import folium
import pytest

from geodata import foliummap, imports, layers, settings, view
from tests import builders

ALL = frozenset(view.LAYER_KEYS)


def drawn(groups: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Features by group label (:func:`geodata.foliummap.layer_features`)."""
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
    return foliummap.layer_features(builders.sample_zones(), builders.sample_events(), current, **kwargs)


def make(day: str, window: int | None = 30, visible: frozenset[str] = ALL, **kwargs: Any) -> folium.Map:
    current = view.MapView(dt.date.fromisoformat(day), window, visible)
    return foliummap.build_map(builders.sample_zones(), builders.sample_events(), current, **kwargs)


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
    assert foliummap._zone_style("#000", {"properties": {"kind": "x", "approximate": True}})["dashArray"]
    assert "dashArray" not in foliummap._zone_style(
        "#000", {"properties": {"kind": "x", "approximate": False}}
    )


def test_region_event_is_a_circle_of_its_uncertainty_and_town_event_a_point() -> None:
    by_id = {f["id"]: f for fs in drawn(features("2019-03-20", None)).values() for f in fs}
    assert by_id["e3"]["properties"]["radius_m"] == 40_000
    assert by_id["e1"]["properties"]["radius_m"] is None
    region = foliummap._event_style(by_id["e3"])
    assert region["radius"] == 40_000


def test_planned_event_is_hollow_and_dashed() -> None:
    by_id = {f["id"]: f for fs in drawn(features("2019-03-25")).values() for f in fs}
    planned = foliummap._event_style(by_id["e2"])
    occurred = foliummap._event_style(by_id["e1"])
    assert planned["dashArray"]
    assert planned["fillOpacity"] < occurred["fillOpacity"]
    assert "dashArray" not in occurred


def test_rendered_map_carries_no_raw_markup_from_articles() -> None:
    page = make("2019-03-20", None).get_root().render()
    assert "<img src=x" not in page
    assert "onerror=alert(1)>" not in page


def test_legend_lists_visible_kinds_present_in_the_data() -> None:
    legend = foliummap.legend_html(view.MapView(dt.date(2019, 3, 8)), kinds={"patrol", "de_escalation_zone"})
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
    group = foliummap.layer_features(
        builders.sample_zones(), builders.sample_events(), current, imported=imported
    )[layers.IMPORTED_STYLE.label]
    assert {f["properties"]["layer"] for f in group} == {"imported"}
    assert {f["id"] for f in group} == {"acled:SYR1001", "acled:SYR1002", "acled:SYR1003", "acled:SYR1004"}
    no_attacks = view.MapView(current.day, 30, ALL - {"attack"})
    groups = foliummap.layer_features(
        builders.sample_zones(), builders.sample_events(), no_attacks, imported=imported
    )
    assert "acled:SYR1001" not in {f["id"] for f in groups[layers.IMPORTED_STYLE.label]}
    hidden = view.MapView(current.day, 30, ALL - {"imported"})
    groups = foliummap.layer_features(
        builders.sample_zones(), builders.sample_events(), hidden, imported=imported
    )
    assert layers.IMPORTED_STYLE.label not in groups


def test_standalone_page_inlines_the_shipped_leaflet_and_links_nothing() -> None:
    page = foliummap.standalone_html(make("2019-03-20", tiles=False))
    assert (settings.LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8") in page
    assert not re.findall(r"<(?:script|link|img)\b[^>]*(?:src|href)=[\"']?https?://", page)  # nothing loaded
    assert "url(http" not in page
    assert "cdn.jsdelivr" not in page
    assert "code.jquery" not in page


def test_the_map_draws_every_feature_it_is_given() -> None:
    page = make("2019-03-20", 90, reference=layers.load_reference()).get_root().render()
    for group in features("2019-03-20", 90, reference=layers.load_reference()).values():
        assert all(f'"id": "{feature["id"]}"' in page for feature in group)
