"""Write a synthetic ACLED-layout CSV: N events over Syria, 2017-2024, for the scale benchmarks.

The rows follow ACLED's export layout exactly (``geodata.imports.ACLED_COLUMNS``) and its habits:
most events are coded at a town's own coordinates (so many share a point), some near a town
(geo_precision 2) or at a governorate capital (3); time precision is mostly the day, sometimes the
week or the month; event and sub-event types, actors and fatality counts are drawn with shares
roughly like ACLED's Syria data (shelling and air strikes dominate). Towns are the gazetteer's
populated places, weighted by population. The notes are invented template sentences (no ACLED text
is copied), and every 500th note carries markup (``<img src=x onerror=alert(1)>``) so the app's
escaping is exercised at scale.

Run: ``PYTHONPATH=. python bench/make_acled.py 100000 big.csv [--seed 1]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from geodata import settings
from geodata.imports import ACLED_COLUMNS

FIRST, LAST = dt.date(2017, 1, 1), dt.date(2024, 12, 31)
#: (event_type, sub_event_type, disorder_type, share)
TYPES: tuple[tuple[str, str, str, float], ...] = (
    ("Explosions/Remote violence", "Shelling/artillery/missile attack", "Political violence", 0.38),
    ("Explosions/Remote violence", "Air/drone strike", "Political violence", 0.16),
    ("Explosions/Remote violence", "Remote explosive/landmine/IED", "Political violence", 0.06),
    ("Battles", "Armed clash", "Political violence", 0.14),
    ("Battles", "Government regains territory", "Political violence", 0.01),
    ("Violence against civilians", "Attack", "Political violence", 0.06),
    ("Violence against civilians", "Abduction/forced disappearance", "Political violence", 0.02),
    ("Protests", "Peaceful protest", "Demonstrations", 0.08),
    ("Riots", "Violent demonstration", "Demonstrations", 0.01),
    ("Strategic developments", "Looting/property destruction", "Strategic developments", 0.03),
    ("Strategic developments", "Arrests", "Strategic developments", 0.02),
    ("Strategic developments", "Agreement", "Strategic developments", 0.01),
    ("Strategic developments", "Headquarters or base established", "Strategic developments", 0.005),
    ("Strategic developments", "Other", "Strategic developments", 0.015),
)
ACTORS: tuple[str, ...] = (
    "Military Forces of Syria (2000-)",
    "Military Forces of Russia (2000-)",
    "Military Forces of Turkey (2016-)",
    "Hayat Tahrir al-Sham",
    "SDF: Syrian Democratic Forces",
    "NLF: National Liberation Front",
    "Islamic State (Syria)",
    "Unidentified Armed Group (Syria)",
    "Protesters (Syria)",
    "Civilians (Syria)",
)
NOTES: tuple[str, ...] = (
    "On {day}, {a1} shelled the outskirts of {town}. Casualties unknown.",
    "On {day}, {a1} carried out air strikes near {town}, hitting a residential area.",
    "On {day}, {a1} and {a2} clashed on the frontline near {town}.",
    "On {day}, an IED exploded on a road near {town}; {a2} reported damage.",
    "On {day}, residents of {town} protested against living conditions, local sources said.",
    "On {day}, {a1} set up a new position near {town}, according to {a2}.",
)
SOURCES: tuple[str, ...] = ("SOHR", "Syria Direct", "Enab Baladi", "SANA", "North Press Agency")


def places() -> pd.DataFrame:
    """The gazetteer's populated places in Syria, with a drawing weight (population, at least 500)."""
    gazetteer = pd.read_csv(settings.GAZETTEER_FILE, dtype={"admin1": str})
    gazetteer = gazetteer[gazetteer["country"] == "SY"]  # the gazetteer also holds the neighbourhood
    towns = gazetteer[gazetteer["geo_precision"].isin(["town", "city", "village"])].copy()
    if towns.empty:
        towns = gazetteer[gazetteer["kind"] != "governorate"].copy()
    towns["weight"] = towns["population"].fillna(0).clip(lower=500)
    return towns.reset_index(drop=True)


def make_rows(count: int, *, seed: int = 1) -> pd.DataFrame:
    """``count`` synthetic ACLED rows (a frame with ``ACLED_COLUMNS``)."""
    rng = np.random.default_rng(seed)
    towns = places()
    pick = rng.choice(len(towns), size=count, p=(towns["weight"] / towns["weight"].sum()).to_numpy())
    town = towns.iloc[pick].reset_index(drop=True)
    shares = np.array([t[3] for t in TYPES])
    kind = rng.choice(len(TYPES), size=count, p=shares / shares.sum())
    days = rng.integers(0, (LAST - FIRST).days + 1, size=count)
    date = pd.to_datetime(FIRST) + pd.to_timedelta(np.sort(days), unit="D")
    geo = rng.choice(["1", "2", "3"], size=count, p=[0.8, 0.15, 0.05])
    jitter = np.where(geo == "2", 0.08, 0.0)
    a1 = rng.choice(ACTORS, size=count)
    a2 = rng.choice(ACTORS, size=count)
    day_text = date.strftime("%d %B %Y")
    note_pick = rng.integers(0, len(NOTES), size=count)
    notes = [
        NOTES[n].format(day=d, a1=x, a2=y, town=t)
        for n, d, x, y, t in zip(note_pick, day_text, a1, a2, town["name"], strict=True)
    ]
    for i in range(0, count, 500):
        notes[i] += " <img src=x onerror=alert(1)> ${alert(2)}"
    frame = pd.DataFrame(
        {
            "event_id_cnty": [f"SYR{100000 + i}" for i in range(count)],
            "event_date": day_text,
            "year": date.year,
            "time_precision": rng.choice(["1", "2", "3"], size=count, p=[0.85, 0.1, 0.05]),
            "disorder_type": [TYPES[k][2] for k in kind],
            "event_type": [TYPES[k][0] for k in kind],
            "sub_event_type": [TYPES[k][1] for k in kind],
            "actor1": a1,
            "actor2": a2,
            "iso": 760,
            "region": "Middle East",
            "country": "Syria",
            "admin1": town["admin1"],
            "location": town["name"],
            "latitude": (town["lat"] + rng.normal(0, 1, count) * jitter).round(4),
            "longitude": (town["lon"] + rng.normal(0, 1, count) * jitter).round(4),
            "geo_precision": geo,
            "source": rng.choice(SOURCES, size=count),
            "source_scale": "National",
            "notes": notes,
            "fatalities": rng.poisson(0.8, size=count),
            "timestamp": 1700000000,
        }
    )
    return frame.reindex(columns=list(ACLED_COLUMNS), fill_value="")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    make_rows(args.count, seed=args.seed).to_csv(args.out, index=False, quoting=csv.QUOTE_MINIMAL)
    print(f"wrote {args.count} ACLED-layout events to {args.out}")


if __name__ == "__main__":
    main()
