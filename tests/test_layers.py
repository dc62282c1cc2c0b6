"""Styles, tooltips, popups, fading and escaping: how the map's layers look and read."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata import layers, view
from tests import builders


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


def test_only_http_links_become_links() -> None:
    assert layers.link("javascript:alert(1)", "x") == "x"
    assert layers.link('https://a.example/"onmouseover="x', "t").count('"') == 6  # quotes escaped


@given(st.text())
def test_escape_is_inert_in_html_and_js_templates_and_loses_nothing(text: str) -> None:
    escaped = layers.escape(text)
    assert not set(escaped) & set("<>\"'`$\\")
    assert html.unescape(escaped) == text


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


def test_opacity_counts_from_the_start_when_an_event_has_no_end() -> None:
    current = view.MapView(dt.date(2019, 3, 31), 30)
    assert layers.event_opacity(None, current, date_start="2019-03-31") == 1
    assert layers.event_opacity(None, current, date_start="2018-01-01") == pytest.approx(
        layers.OLDEST_OPACITY
    )
    assert layers.event_opacity(None, current) == 1


def test_a_rejected_event_is_never_drawn() -> None:
    events = builders.sample_events()
    drawn = set(layers.events_on_map(events)["event_id"])
    rejected = sorted(drawn)[0]
    events.loc[events["event_id"] == rejected, "review"] = "rejected"
    assert set(layers.events_on_map(events)["event_id"]) == drawn - {rejected}
