"""Write an export selection in each format GIS users asked for, with a record of what it holds.

- ``geojson``: one RFC 7946 FeatureCollection (:func:`geodata.export.feature_collection`), each
  feature with its OGC JSON-FG ``time`` member.
- ``geojsonseq``: RFC 8142 GeoJSON text sequence, one Feature per record (``RS`` + JSON + ``LF``), for
  streaming; GDAL's ``GeoJSONSeq`` driver reads it (suffix ``.geojsons``). No ``time`` member here
  (see :func:`geojson_seq`).
- ``gpkg``: a GeoPackage 1.2 for QGIS with one layer per family and geometry type
  (``zones_polygons``, ``zones_lines``, ``zones_points``, ``events_points``, ``events_unlocated`` (no
  geometry), ``imported_points``, ``reference_polygons``); lines and polygons are promoted to Multi*
  so each layer has one type. Dates are GeoPackage DATE fields, so QGIS's temporal controller can
  animate them ("separate fields for start and end": ``valid_from``/``valid_to`` for zones,
  ``date_start``/``date_end`` for events). The ``export_metadata`` table (key, value) says what the
  file holds; the ``layer_styles`` table holds each layer's QGIS style in the app's colours, with its
  temporal settings (:mod:`geodata.qml`). Version 1.2, not GDAL's default 1.4: nothing we write needs
  more, and QGIS 3.22 (GDAL 3.6) warns on every layer of a 1.4 file that it "may only be partially
  supported".
- ``csv``: the event families only, one row per event with ``lon``/``lat`` columns (empty when the
  event has no place). Text cells are formula-safe (:func:`formula_safe`).

The text formats get a sidecar ``<file name>.meta.json`` with the same keys as ``export_metadata``.
Every file is written atomically (:mod:`geodata._atomic`): an export that fails or is killed midway
leaves the file that was there before, never a truncated one.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyogrio
import pyogrio.errors
import shapely

from geodata import _atomic, qml, settings
from geodata._errors import UsageError
from geodata.export import (
    DATE_COLUMNS,
    EVENT_LAYERS,
    ExportInfo,
    clean_geometries,
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
#: GeoPackage version written (GDAL's ``VERSION`` creation option).
GPKG_VERSION = "1.2"
#: Features serialised per piece of a GeoJSON file (the file reaches the disk piece by piece).
GEOJSON_BATCH = 2000

# A text cell a spreadsheet would take for a formula (OWASP, "CSV Injection"): one that starts with
# = + - @, a tab or a carriage return, also after leading spaces (spreadsheets may trim them), and the
# full-width = + - @ some spreadsheets read like the ASCII ones. RE2 syntax (Arrow's regex engine).
_FORMULA_START = r"^(?:[\t\r]|[ \t\n\r\f\v]*[=+\-@\x{FF1D}\x{FF0B}\x{FF0D}\x{FF20}])"
# ...unless the whole cell is a plain number such as -12.5 or +3, which a spreadsheet reads as that
# number and never evaluates.
_PLAIN_NUMBER = r"^[ \t\n\r\f\v]*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?[ \t\n\r\f\v]*$"

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

    Each file is written atomically: on any error (no such folder, a full disk) the file already
    at ``path`` is left as it was.

    Returns
    -------
    list of Path
        The files written: the export, and its ``.meta.json`` sidecar for the text formats.

    Raises
    ------
    OutputError
        If a file cannot be written.
    """
    _check_format(fmt)
    if fmt == "gpkg":
        write_gpkg(selected, path, info=info)
        return [path]
    _atomic.write_bytes(path, (chunk.encode("utf-8") for chunk in _text_chunks(selected, fmt)))
    meta = sidecar_path(path)
    _atomic.write_text(meta, json.dumps(info.as_dict(), indent=2, ensure_ascii=False) + "\n")
    return [path, meta]


def render(selected: Mapping[str, gpd.GeoDataFrame], *, fmt: str, info: ExportInfo) -> bytes:
    """The bytes of ``selected`` in ``fmt`` (what the app's download buttons serve)."""
    _check_format(fmt)
    if fmt != "gpkg":
        return "".join(_text_chunks(selected, fmt)).encode("utf-8")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.gpkg"
        _build_gpkg(selected, path, info=info)
        return path.read_bytes()


def _text_chunks(selected: Mapping[str, gpd.GeoDataFrame], fmt: str) -> Iterator[str]:
    """The text of a text format, in pieces (everything is checked before the first piece)."""
    if fmt == "csv":
        yield events_csv(selected)
    elif fmt == "geojsonseq":
        yield geojson_seq(selected)
    else:
        # The bytes of dumps(feature_collection(selected)), a batch of features at a time.
        features = feature_collection(selected)["features"]
        yield '{"type":"FeatureCollection","features":['
        for start in range(0, len(features), GEOJSON_BATCH):
            batch = ",".join(dumps(f).rstrip("\n") for f in features[start : start + GEOJSON_BATCH])
            yield ("," if start else "") + batch
        yield "]}\n"


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
        table.insert(0, "layer", layer)
        table["lon"], table["lat"] = _lon_lat(frame.geometry)
        tables.append(table)
    if not tables:
        raise UsageError("csv holds events (lon/lat columns); export zones and reference as geojson or gpkg")
    merged = pd.concat(tables, ignore_index=True)
    ordered = [c for c in merged.columns if c not in ("lon", "lat")] + ["lon", "lat"]
    merged = merged[ordered]
    for column in merged.columns:
        if merged[column].dtype == object or pd.api.types.is_string_dtype(merged[column]):
            merged[column] = formula_safe(merged[column])
    # RFC 4180 line ends (CRLF): then a cell holding a lone CR or LF is quoted, not taken for a row end.
    return str(merged.to_csv(index=False, lineterminator="\r\n"))


def formula_safe(values: pd.Series) -> pd.Series:
    """``values`` with every text a spreadsheet would run as a formula made inert.

    As OWASP recommends ("CSV Injection"), a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
    or a carriage return (also after leading spaces, and the full-width ``＝ ＋ － ＠``) gets a
    leading apostrophe, which spreadsheets read as "this cell is text". A cell that is a plain
    number (``-12.5``, ``+3``) stays as it is: a spreadsheet reads it as that number and evaluates
    nothing. Numbers (``lon``, ``lat``, ``fatalities``) are not text and are never touched.

    ``defusedcsv`` (PyPI), made for this, misses the tab, the carriage return and leading spaces,
    and rewrites every ``|`` in such cells, so this small rule is our own.
    """
    text = _as_text(values)
    risky = pc.and_(
        pc.match_substring_regex(text, _FORMULA_START),
        pc.invert(pc.match_substring_regex(text, _PLAIN_NUMBER)),
    )
    flagged = risky.fill_null(False).to_numpy(zero_copy_only=False)
    if not flagged.any():
        return values
    safe = values.astype(object)
    safe[flagged] = "'" + safe[flagged]
    return safe


def _as_text(values: pd.Series) -> pa.Array:
    """The text cells of ``values`` as an Arrow string array, null where a cell is not text."""
    try:
        text = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: only the str cells are text
        text = pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())
    if not (pa.types.is_string(text.type) or pa.types.is_large_string(text.type)):
        return pa.nulls(len(values), type=pa.string())
    return text


def _lon_lat(geometry: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Longitude and latitude of point geometries as written (6 decimals), NaN where there is none."""
    points = clean_geometries(geometry.values)
    return shapely.get_x(points), shapely.get_y(points)


def write_gpkg(selected: Mapping[str, gpd.GeoDataFrame], path: Path, *, info: ExportInfo) -> None:
    """Write a GeoPackage: one layer per family and geometry type, the metadata and the QGIS styles.

    The file is built under a temporary name beside ``path`` and renamed over it when complete, so
    a file already at ``path`` stays whole until then (and stays as it was if writing fails).

    Raises
    ------
    OutputError
        If the file cannot be written.
    """
    with _atomic.replacing(path) as temp:
        try:
            _build_gpkg(selected, temp, info=info)
        except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError) as exc:
            # GDAL does not say why a write failed in errno terms; a full disk is the usual cause.
            raise _atomic.failure(
                path, f"the GeoPackage writer failed, is the disk full? (GDAL: {exc})"
            ) from exc


def _build_gpkg(selected: Mapping[str, gpd.GeoDataFrame], path: Path, *, info: ExportInfo) -> None:
    """Write a new GeoPackage at ``path`` (which must not exist yet)."""
    metadata = {key: "" if value is None else str(value) for key, value in info.as_dict().items()}
    written: list[tuple[str, str, str | None]] = []
    for family, frame in selected.items():
        for part, rows in _split_by_geometry(frame).items():
            layer = f"{family}_{part}"
            _write_gpkg_layer(_gpkg_table(rows), path, layer, create=not written)
            written.append((family, part, pyogrio.read_info(path, layer=layer)["geometry_name"] or None))
    table = pd.DataFrame({"key": list(metadata), "value": list(metadata.values())})
    # A table, not GDAL dataset metadata: GDAL puts that in a ``.aux.xml`` sidecar once layers exist.
    _write_table(table, path, METADATA_TABLE, create=not written)
    styles = qml.styles_table(written, when=dt.datetime.now(dt.UTC))
    if not styles.empty:
        _write_table(styles, path, qml.STYLE_TABLE, create=False)


def _write_table(table: pd.DataFrame, path: Path, layer: str, *, create: bool) -> None:
    options = {"dataset_options": {"VERSION": GPKG_VERSION}} if create else {}
    pyogrio.write_dataframe(table, path, layer=layer, driver="GPKG", **options)


def gpkg_layer_name(family: str, geom_type: str | None) -> str:
    """The GeoPackage layer a feature of ``family`` with ``geom_type`` goes to."""
    return f"{family}_{_GEOMETRY_PARTS.get(geom_type or '', 'unlocated')}"


def _split_by_geometry(frame: gpd.GeoDataFrame) -> dict[str, gpd.GeoDataFrame]:
    cleaned = gpd.GeoSeries(clean_geometries(frame.geometry.values), crs=settings.WGS84)
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


def _write_gpkg_layer(table: gpd.GeoDataFrame, path: Path, layer: str, *, create: bool) -> None:
    # The version is set when the file is created; later layers join that file.
    options = {"dataset_options": {"VERSION": GPKG_VERSION}} if create else {}
    if layer.endswith("_unlocated"):
        attributes = pd.DataFrame(table.drop(columns=table.geometry.name))
        pyogrio.write_dataframe(attributes, path, layer=layer, driver="GPKG", use_arrow=True, **options)
        return
    pyogrio.write_dataframe(
        table,
        path,
        layer=layer,
        driver="GPKG",
        use_arrow=True,
        promote_to_multi=not layer.endswith("_points"),
        **options,
    )


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise UsageError(f"unknown format '{fmt}'; choose from {', '.join(FORMATS)}")
