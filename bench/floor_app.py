"""Streamlit's own floor for ``bench_scale.py``: a slider whose value reaches the page, nothing else.

One slider and one ``st.html`` script that sets ``window.__floorDay`` to the slider's day: a key
press on the slider -> rerun -> page is the least any slider step of a Streamlit app can cost on
this machine, measured in the same run as the apps.

Run: ``streamlit run bench/floor_app.py``.
"""

from __future__ import annotations

import datetime as dt
import json

import streamlit as st

if "day" not in st.session_state:
    st.session_state.day = dt.date.fromisoformat(st.query_params.get("date", "2019-03-08"))
day = st.slider("As of", min_value=dt.date(2017, 1, 1), max_value=dt.date(2024, 12, 31), key="day")
st.html(f"<script>window.__floorDay = {json.dumps(day.isoformat())};</script>", unsafe_allow_javascript=True)
