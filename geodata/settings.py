"""Paths and constants shared by the library.

``DATA_DIR`` holds the data folders, each with a README giving the provenance of every file. In a
checkout it is the checkout itself (``ROOT``); in an installed copy (``pip install .``) the folders
travel as package data under ``geodata/data/``; the environment variable ``ATLAS_DATA_DIR`` points the
library, the CLI and the app at another folder of the same layout. Below it:

- ``ZONES_DIR``: the hand-digitised zone layers (one GeoJSON FeatureCollection per agreement).
- ``SEEDS_DIR``: the news articles the events are read from, plus ``manifest.csv``.
- ``REFERENCE_DIR``: Syria's outline and its 14 governorates (UN OCHA COD-AB), the offline base layer.
- ``BASEMAP_DIR``: the rest of the offline basemap: M4/M5 highways, international borders, place labels.
- ``GAZETTEER_FILE``: the curated gazetteer (GeoNames, OCHA, hand-added places) used for geocoding.
- ``LEXICON_DIR``: the events pipeline's word lists and spaCy Matcher patterns (JSONL).

``STATIC_DIR`` holds the live map's script and style sheet, always inside the package;
``LEAFLET_DIR`` the Leaflet the project ships (``vendor/leaflet/`` in a checkout, package data of an
installed copy). ``COORD_DECIMALS`` is the coordinate precision of everything we write (6 decimals, ~0.1 m).
``METRIC_CRS`` is the projected CRS used wherever we measure or buffer (UTM 37N covers western
and central Syria; the north-east strip is measured in it too, with < 0.1 % scale error).
``OUTLINE_TOLERANCE_KM`` is how far a zone may stray outside the outline before validation fails.
:func:`default_store_path` and :func:`default_cache_dir` are the user's own store file and cache
folder (platformdirs); they live here, not in the store's modules, so the app's light path
(:mod:`geodata.map_cache`) finds them without importing SQLAlchemy.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR: Path = Path(__file__).resolve().parent
ROOT: Path = PACKAGE_DIR.parent
STATIC_DIR: Path = PACKAGE_DIR / "static"
# Third-party code the browser loads lives outside the library's own folder (vendor/ in a checkout).
LEAFLET_DIR: Path = (ROOT if (ROOT / "vendor").is_dir() else PACKAGE_DIR) / "vendor" / "leaflet"
#: Environment variable naming another data folder (same layout as the checkout's).
DATA_DIR_VARIABLE: str = "ATLAS_DATA_DIR"


def _data_dir() -> Path:
    configured = os.environ.get(DATA_DIR_VARIABLE, "").strip()
    if configured:
        return Path(configured).expanduser().resolve()
    if (ROOT / "zones").is_dir():
        return ROOT  # a checkout
    return PACKAGE_DIR / "data"  # an installed copy: the data folders are package data


DATA_DIR: Path = _data_dir()
ZONES_DIR: Path = DATA_DIR / "zones"
SEEDS_DIR: Path = DATA_DIR / "seeds"
REFERENCE_DIR: Path = DATA_DIR / "reference"
OUTLINE_FILE: Path = REFERENCE_DIR / "syria_outline.geojson"
GOVERNORATES_FILE: Path = REFERENCE_DIR / "syria_governorates.geojson"
BASEMAP_DIR: Path = DATA_DIR / "basemap"
GAZETTEER_FILE: Path = DATA_DIR / "gazetteer" / "gazetteer.csv"
LEXICON_DIR: Path = DATA_DIR / "lexicon"

WGS84: str = "EPSG:4326"
METRIC_CRS: str = "EPSG:32637"
COORD_DECIMALS: int = 6
OUTLINE_TOLERANCE_KM: float = 0.5

#: Environment variable naming the event store (a file path or a PostgreSQL URL).
STORE_ENV_VAR: str = "ATLAS_STORE"
#: The name of the user's own store file.
STORE_FILE: str = "atlas.gpkg"


def default_store_path() -> Path:
    """``atlas.gpkg`` in the user's data folder (``~/.local/share/deescalation-atlas`` on Linux)."""
    return Path(platformdirs.user_data_dir("deescalation-atlas", appauthor=False)) / STORE_FILE


def default_cache_dir() -> Path:
    """The user's cache folder (platformdirs): stores' snapshots of their imported events, the
    imported events' map points and the prepared map (:mod:`geodata.map_cache`)."""
    return Path(platformdirs.user_cache_dir("deescalation-atlas", appauthor=False))
