"""The review page (editors only): placeholder replaced in the next commit."""

from __future__ import annotations

import streamlit as st

st.title("Review")
