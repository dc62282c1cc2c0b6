"""Paths and constants shared by the library.

``ROOT`` is the project checkout; the data folders below it each carry a README with the
provenance of every file:

- ``ZONES_DIR``: the hand-digitised zone layers (one GeoJSON FeatureCollection per agreement).
- ``SEEDS_DIR``: the news articles the events are read from, plus ``manifest.csv``.
- ``REFERENCE_DIR``: Syria's outline and its 14 governorates (UN OCHA COD-AB), the offline base layer.
- ``BASEMAP_DIR``: the rest of the offline basemap: M4/M5 highways, international borders, place labels.
- ``GAZETTEER_FILE``: the curated gazetteer (GeoNames, OCHA, hand-added places) used for geocoding.
- ``LEXICON_DIR``: the events pipeline's word lists and spaCy Matcher patterns (JSONL).

``COORD_DECIMALS`` is the coordinate precision of everything we write (6 decimals, ~0.1 m).
``METRIC_CRS`` is the projected CRS used wherever we measure or buffer (UTM 37N covers western
and central Syria; the north-east strip is measured in it too, with < 0.1 % scale error).
``OUTLINE_TOLERANCE_KM`` is how far a zone may stray outside the outline before validation fails.
"""

from __future__ import annotations

from pathlib import Path

ROOT: Path = Path(__file__).resolve().parent.parent
ZONES_DIR: Path = ROOT / "zones"
SEEDS_DIR: Path = ROOT / "seeds"
REFERENCE_DIR: Path = ROOT / "reference"
OUTLINE_FILE: Path = REFERENCE_DIR / "syria_outline.geojson"
GOVERNORATES_FILE: Path = REFERENCE_DIR / "syria_governorates.geojson"
BASEMAP_DIR: Path = ROOT / "basemap"
GAZETTEER_FILE: Path = ROOT / "gazetteer" / "gazetteer.csv"
LEXICON_DIR: Path = ROOT / "lexicon"

WGS84: str = "EPSG:4326"
METRIC_CRS: str = "EPSG:32637"
COORD_DECIMALS: int = 6
OUTLINE_TOLERANCE_KM: float = 0.5
