"""The datasets' component (``geodata.livemap.data_script``), shared by the pages' maps: the live
map on the map page and the pick map on the review page. A dataset mounted here reaches the page
once (later runs send only a reference) and is held there once for every map that draws it.

The page also keeps the larger datasets in the browser (``static/datasets.js``: IndexedDB, by
version) and lists their versions in a cookie, so a new session in the same browser is sent only
the name and version of a dataset it keeps (``livemap.kept_mount``). Should the page find it missing
after all (the browser's storage cleared), it reports the version as the mount's state ``missing``,
which reruns the script, and the dataset is sent whole from then on in that session."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from geodata import livemap

ATLAS_DATA = st.components.v2.component("atlas_data", js=livemap.data_script())


def rerun() -> None:
    """A component's state changed (the map's view, click or width; a kept dataset the page found
    missing): the script's rerun reads the new value, and sends a missing dataset whole."""


def send(dataset: livemap.Dataset, key: str) -> None:
    """Mount ``dataset`` (an invisible element) under the widget key ``key``: by reference when the
    page keeps this version (its cookie, read when the session began, says so) and has not reported
    it missing, else whole."""
    state = st.session_state.get(key)  # the mount's state: what the page reported, if anything
    missing = isinstance(state, Mapping) and state.get("missing") == dataset.version
    kept = dataset.version in livemap.kept_versions(st.context.cookies.get(livemap.KEPT_COOKIE))
    data = livemap.kept_mount(dataset) if kept and not missing else dataset.data
    ATLAS_DATA(key=key, data=data, height=0, width=1, on_missing_change=rerun)
