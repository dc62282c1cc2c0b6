"""Checking what a person changes in an event (``geodata/review_changes.py``); with a store in
``tests/test_review.py``."""

from __future__ import annotations

import datetime as dt

import pytest

from geodata._errors import UsageError
from geodata.place_search import project_gazetteer
from geodata.review_changes import validated

ROW = {"date_start": dt.date(2019, 3, 8), "date_end": dt.date(2019, 3, 8), "date_precision": "day"}


def test_a_place_by_gazetteer_id_brings_its_point_precision_and_uncertainty() -> None:
    values = validated({"place_id": "SY07"}, ROW, project_gazetteer())
    assert (values["place"], values["geo_precision"], values["place_country"]) == (
        "Idleb",
        "governorate",
        "SY",
    )
    assert values["uncertainty_km"] > 10
    assert values["place_source"] == "person"
    given = validated({"place_id": "SY07", "uncertainty_km": 5, "place": "Idlib"}, ROW, project_gazetteer())
    assert (given["place"], given["uncertainty_km"]) == ("Idlib", 5.0)


def test_dates_move_together_and_say_their_precision() -> None:
    later = validated({"date_start": "2019-03-20"}, ROW, project_gazetteer())
    assert (later["date_start"], later["date_end"], later["date_source"]) == (
        dt.date(2019, 3, 20), dt.date(2019, 3, 20), "person",
    )  # fmt: skip
    span = validated({"date_start": "2019-03-01", "date_end": "2019-03-31", "date_precision": "month"}, ROW,
                     project_gazetteer())  # fmt: skip
    assert span["date_precision"] == "month"
    undated = validated({"date_start": None, "date_end": None}, ROW, project_gazetteer())
    assert (undated["date_start"], undated["date_precision"]) == (None, None)
    with pytest.raises(UsageError, match="give both date_start and date_end"):
        validated({"date_end": None}, ROW, project_gazetteer())
    with pytest.raises(UsageError, match="is not a date"):
        validated({"date_start": "8 March"}, ROW, project_gazetteer())


def test_actors_are_names_and_unknown_fields_are_named() -> None:
    assert validated({"actors": "Turkey"}, ROW, project_gazetteer())["actors"] == ["Turkey"]
    assert validated({"actors": [" Russia ", ""]}, ROW, project_gazetteer())["actors"] == ["Russia"]
    with pytest.raises(UsageError, match="cannot change review, version"):
        validated({"version": 9, "review": "accepted"}, ROW, project_gazetteer())
