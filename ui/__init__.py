"""Streamlit widget code of the app, thin; logic lives in geodata/."""
