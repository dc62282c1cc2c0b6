"""Write an export selection in each format GIS users asked for, with a record of what it holds.

- ``geojson``: one RFC 7946 FeatureCollection (:func:`geodata.export.feature_collection`), each
  feature with its OGC JSON-FG ``time`` member.
- ``geojsonseq``: RFC 8142 GeoJSON text sequence, one Feature per record (``RS`` + JSON + ``LF``), for
  streaming; GDAL's ``GeoJSONSeq`` driver reads it (suffix ``.geojsons``). No ``time`` member here
  (see :func:`geojson_seq`).
- ``gpkg``: a GeoPackage for QGIS with one layer per family and geometry type (``zones_polygons``,
  ``zones_lines``, ``zones_points``, ``events_points``, ``events_unlocated`` (no geometry),
  ``imported_points``, ``reference_polygons``); lines and polygons are promoted to Multi* so each
  layer has one type. Dates are GeoPackage DATE fields, so QGIS's temporal controller can animate
  them ("separate fields for start and end": ``valid_from``/``valid_to`` for zones,
  ``date_start``/``date_end`` for events). The ``export_metadata`` table (key, value) says what the
  file holds.
- ``csv``: the event families only, one row per event with ``lon``/``lat`` columns (empty when the
  event has no place).

The text formats get a sidecar ``<file name>.meta.json`` with the same keys as ``export_metadata``.
"""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyogrio

from geodata import settings
from geodata._errors import UsageError
from geodata.export import (
    DATE_COLUMNS,
    EVENT_LAYERS,
    ExportInfo,
    clean_geometry,
    dumps,
    feature_collection,
)

log = logging.getLogger(__name__)

FORMATS: tuple[str, ...] = ("geojson", "geojsonseq", "gpkg", "csv")
#: File name suffix of each format.
SUFFIXES: dict[str, str] = {"geojson": "geojson", "geojsonseq": "geojsons", "gpkg": "gpkg", "csv": "csv"}
#: Media type of each format, for downloads.
MEDIA_TYPES: dict[str, str] = {
    "geojson": "application/geo+json",
    "geojsonseq": "application/geo+json-seq",
    "gpkg": "application/geopackage+sqlite3",
    "csv": "text/csv",
}
#: RFC 8142 record separator, written before each feature of a GeoJSON text sequence.
RS = "\x1e"
#: Name of the GeoPackage table that records what the file holds.
METADATA_TABLE = "export_metadata"

_GEOMETRY_PARTS = {
    "Point": "points",
    "MultiPoint": "points",
    "LineString": "lines",
    "MultiLineString": "lines",
    "Polygon": "polygons",
    "MultiPolygon": "polygons",
}


def write(selected: Mapping[str, gpd.GeoDataFrame], path: Path, *, fmt: str, info: ExportInfo) -> list[Path]:
    """Write ``selected`` (from :func:`geodata.export.select`) to ``path`` as ``fmt``.

    Returns
    -------
    list of Path
        The files written: the export, and its ``.meta.json`` sidecar for the text formats.
    """
    _check_format(fmt)
    if fmt == "gpkg":
        write_gpkg(selected, path, info=info)
        return [path]
    path.write_bytes(render(selected, fmt=fmt, info=info))
    meta = sidecar_path(path)
    meta.write_text(json.dumps(info.as_dict(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return [path, meta]


def render(selected: Mapping[str, gpd.GeoDataFrame], *, fmt: str, info: ExportInfo) -> bytes:
    """The bytes of ``selected`` in ``fmt`` (what the app's download buttons serve)."""
    _check_format(fmt)
    if fmt == "geojson":
        return dumps(feature_collection(selected)).encode("utf-8")
    if fmt == "geojsonseq":
        return geojson_seq(selected).encode("utf-8")
    if fmt == "csv":
        return events_csv(selected).encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        write_gpkg(selected, path, info=info)
        return path.read_bytes()


def sidecar_path(path: Path) -> Path:
    """Where the metadata of the export at ``path`` goes: ``<file name>.meta.json``.

    The whole name is kept (``x.geojson.meta.json``) so exports of one view in several formats
    do not share, and overwrite, one sidecar.
    """
    return path.with_name(path.name + ".meta.json")


def layers_for(selected: Mapping[str, gpd.GeoDataFrame], fmt: str) -> dict[str, gpd.GeoDataFrame]:
    """The part of ``selected`` that ``fmt`` holds: CSV holds the event families only."""
    if fmt != "csv":
        return dict(selected)
    return {layer: frame for layer, frame in selected.items() if layer in EVENT_LAYERS}


def geojson_seq(selected: Mapping[str, gpd.GeoDataFrame]) -> str:
    """RFC 8142 text: each Feature as ``RS``, compact JSON, ``LF``.

    The features carry no JSON-FG ``time`` member: GDAL 3.12 no longer recognises a sequence whose
    features have one (it takes them for JSON-FG, which has no sequence form). The dates are in
    the properties.
    """
    features = feature_collection(selected, time_member=False)["features"]
    return "".join(RS + dumps(feature) for feature in features)


def events_csv(selected: Mapping[str, gpd.GeoDataFrame]) -> str:
    """CSV of the event families in ``selected``: ``layer``, their properties, then ``lon``, ``lat``.

    Raises
    ------
    UsageError
        If none of the selected layers holds events.
    """
    tables = []
    for layer, frame in selected.items():
        if layer not in EVENT_LAYERS:
            log.warning("csv holds events only: layer '%s' is left out", layer)
            continue
        table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        points = [clean_geometry(geom) for geom in frame.geometry.values]
        table.insert(0, "layer", layer)
        table["lon"] = [None if p is None else p.coords[0][0] for p in points]
        table["lat"] = [None if p is None else p.coords[0][1] for p in points]
        tables.append(table)
    if not tables:
        raise UsageError("csv holds events (lon/lat columns); export zones and reference as geojson or gpkg")
    merged = pd.concat(tables, ignore_index=True)
    ordered = [c for c in merged.columns if c not in ("lon", "lat")] + ["lon", "lat"]
    return str(merged[ordered].to_csv(index=False, lineterminator="\n"))


def write_gpkg(selected: Mapping[str, gpd.GeoDataFrame], path: Path, *, info: ExportInfo) -> None:
    """Write a GeoPackage: one layer per family and geometry type, plus the metadata table."""
    if path.exists():
        path.unlink()  # pyogrio would add layers to an existing file
    metadata = {key: "" if value is None else str(value) for key, value in info.as_dict().items()}
    for family, frame in selected.items():
        for part, rows in _split_by_geometry(frame).items():
            _write_gpkg_layer(_gpkg_table(rows), path, f"{family}_{part}")
    table = pd.DataFrame({"key": list(metadata), "value": list(metadata.values())})
    # A table, not GDAL dataset metadata: GDAL puts that in a ``.aux.xml`` sidecar once layers exist.
    pyogrio.write_dataframe(table, path, layer=METADATA_TABLE, driver="GPKG")


def gpkg_layer_name(family: str, geom_type: str | None) -> str:
    """The GeoPackage layer a feature of ``family`` with ``geom_type`` goes to."""
    return f"{family}_{_GEOMETRY_PARTS.get(geom_type or '', 'unlocated')}"


def _split_by_geometry(frame: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    cleaned = gpd.GeoSeries([clean_geometry(g) for g in frame.geometry.values], crs=settings.WGS84)
    parts = cleaned.geom_type.map(_GEOMETRY_PARTS).fillna("unlocated").to_numpy()
    frame = frame.set_geometry(cleaned.set_axis(frame.index))
    return {part: frame[parts == part] for part in dict.fromkeys(parts)}


def _gpkg_table(rows: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    table = rows.copy()
    for column in table.columns:
        if column == table.geometry.name:
            continue
        if column in DATE_COLUMNS:
            # A DATE field (not text) is what QGIS's temporal controller lists as a date.
            days = pd.to_datetime(table[column], format="ISO8601", errors="raise")
            table[column] = days.dt.date.astype(pd.ArrowDtype(pa.date32()))
        elif table[column].dtype == object or pd.api.types.is_string_dtype(table[column]):
            table[column] = table[column].astype(pd.ArrowDtype(pa.string()))
    return table


def _write_gpkg_layer(table: gpd.GeoDataFrame, path: Path, layer: str) -> None:
    if layer.endswith("_unlocated"):
        attributes = pd.DataFrame(table.drop(columns=table.geometry.name))
        pyogrio.write_dataframe(attributes, path, layer=layer, driver="GPKG", use_arrow=True)
        return
    pyogrio.write_dataframe(
        table,
        path,
        layer=layer,
        driver="GPKG",
        use_arrow=True,
        promote_to_multi=not layer.endswith("_points"),
    )


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
