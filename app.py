"""De-escalation Atlas: Syria's de-escalation zones on a map, as of a chosen date.

Run with ``streamlit run app.py``. This file only wires widgets to the ``geodata`` library.
"""

from __future__ import annotations

import datetime as dt

import folium
import geopandas as gpd
import streamlit as st
from streamlit_folium import st_folium

from geodata import settings, zones

st.set_page_config(page_title="De-escalation Atlas", layout="wide")


@st.cache_data
def load() -> zones.ZoneSet:
    return zones.load_zones()


@st.cache_data
def reference() -> gpd.GeoDataFrame:
    return gpd.read_file(settings.GOVERNORATES_FILE)


def zone_map(shown: gpd.GeoDataFrame, governorates: gpd.GeoDataFrame) -> folium.Map:
    fmap = folium.Map(location=[35.0, 38.5], zoom_start=7, tiles="OpenStreetMap")
    folium.GeoJson(
        governorates,
        name="Governorates (UN OCHA)",
        style_function=lambda _: {"color": "#555", "weight": 1, "fillColor": "#f4f1ea", "fillOpacity": 0.6},
    ).add_to(fmap)
    if not shown.empty:
        folium.GeoJson(
            shown.drop(columns=["file"]),
            name="Zones in force",
            tooltip=folium.GeoJsonTooltip(["name", "agreement", "valid_from", "valid_to", "accuracy_km"]),
        ).add_to(fmap)
    folium.LayerControl().add_to(fmap)
    return fmap


zone_set = load()
for problem in zone_set.problems:
    st.warning(str(problem))
st.title("De-escalation Atlas")
first, last = zones.date_range(zone_set.zones) or (dt.date(2017, 5, 4), dt.date(2020, 12, 31))
day = st.slider("As of", min_value=first, max_value=last, value=min(dt.date(2019, 3, 1), last))
shown = zones.zones_in_force(zone_set.zones, day)
st.caption(f"{len(shown)} zones in force on {day:%d %B %Y}")
st_folium(zone_map(shown, reference()), height=640, use_container_width=True, returned_objects=[])
