"""The datasets' component (``geodata.livemap.data_script``), shared by the pages' maps: the live
map on the map page and the pick map on the review page. A dataset mounted here reaches the page
once (later runs send only a reference) and is held there once for every map that draws it."""

from __future__ import annotations

import streamlit as st

from geodata import livemap

ATLAS_DATA = st.components.v2.component("atlas_data", js=livemap.data_script())


def send(dataset: livemap.Dataset, key: str) -> None:
    """Mount ``dataset`` (an invisible element) under the widget key ``key``."""
    ATLAS_DATA(key=key, data=dataset.data, height=0, width=1)
