"""The naive baseline of ``bench_scale.py``: today's usual stack, rebuilt on every slider step.

A Streamlit app with one slider that, on every run, builds a new ``folium.Map`` holding one
``folium.GeoJson`` of the window's imported events (with their notes, as a popup) and hands it to
``st_folium``: the map's script changes, so the map's frame is rebuilt on each step. The map's
script ends by setting ``window.__naiveDay``, which the benchmark waits for.

Run: ``streamlit run bench/naive_app.py -- --events FILE`` (query parameters ``date``, ``window``).
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import sys
from pathlib import Path

import folium
import geopandas as gpd
import streamlit as st
from branca.element import MacroElement
from jinja2 import Template
from streamlit_folium import st_folium

from geodata import imports, layers, settings, view


class DayMarker(MacroElement):
    """Sets ``window.__naiveDay`` once the map's layers are added."""

    _template = Template(
        "{% macro script(this, kwargs) %}window.__naiveDay = {{ this.day|tojson }};{% endmacro %}"
    )

    def __init__(self, day: str) -> None:
        super().__init__()
        self.day = day


@st.cache_resource
def load(path: str) -> gpd.GeoDataFrame:
    return imports.load_event_files([Path(path)]).events


parser = argparse.ArgumentParser()
parser.add_argument("--events", required=True)
events = load(parser.parse_known_args(sys.argv[1:])[0].events)
if "day" not in st.session_state:
    st.session_state.day = dt.date.fromisoformat(st.query_params.get("date", "2019-03-08"))
window = view.parse_window(st.query_params.get("window", "30"))
day = st.slider("As of", min_value=dt.date(2017, 1, 1), max_value=dt.date(2024, 12, 31), key="day")
current = view.MapView(day, window)
rows = layers.events_on_map(layers.events_in_window(events, current))
fmap = folium.Map(location=[35.0, 38.8], zoom_start=7, tiles=None, prefer_canvas=True)
# The shipped Leaflet, inlined (the page may load nothing from outside; folium's other libraries are unused).
leaflet = settings.LEAFLET_DIR
fmap.default_js = [
    (
        "leaflet",
        "data:text/javascript;base64," + base64.b64encode((leaflet / "leaflet.js").read_bytes()).decode(),
    )
]
fmap.default_css = [
    (
        "leaflet_css",
        "data:text/css;base64," + base64.b64encode((leaflet / "leaflet.css").read_bytes()).decode(),
    )
]
folium.GeoJson(
    rows[["event_id", "kind", "date_start", "date_end", "place", "quote", "geometry"]],
    marker=folium.CircleMarker(radius=4, fill=True),
    popup=folium.GeoJsonPopup(fields=["kind", "date_start", "place", "quote"]),
).add_to(fmap)
DayMarker(day.isoformat()).add_to(fmap)
st.caption(f"{len(rows)} events")
st_folium(fmap, key="map", height=600, use_container_width=True, returned_objects=[])
