"""Open a GeoPackage in real QGIS, headless, and report what an exporter would see, as JSON.

Run by ``tests/test_qml.py`` under Debian's ``/usr/bin/python3`` (``python3-qgis``; QGIS cannot be
imported from the project's virtualenv) with ``QT_QPA_PLATFORM=offscreen``::

    /usr/bin/python3 tests/qgis_check.py FILE.gpkg DAY WINDOW_DAYS

Each layer is opened as QGIS desktop adds a layer: ``QgsVectorLayer(uri, name, "ogr")``, then
``loadDefaultStyle()`` (``QgsAppLayerHandling::postProcessAddedLayer`` does this; the constructor alone
applies the default style but then resets the temporal settings to the provider's defaults).

For every layer of the file (as QGIS lists them, styles table excluded): whether it is valid, its
feature count, the default style QGIS found and applied (renderer type, attribute and the colour of
each category), the temporal settings, and the ids of the features the temporal controller shows for
the temporal controller's frame an exporter would set — one day, DAY, for zones; the WINDOW_DAYS days
ending on DAY for events — computed with the filter QGIS's own renderer uses
(``QgsVectorLayerTemporalProperties.createFilterString``). Also every message QGIS logged and
every GDAL warning or error raised while opening the file directly with OGR.
"""

from __future__ import annotations

import datetime as dt
import json
import sys

from osgeo import gdal, ogr
from qgis.core import (
    QgsApplication,
    QgsDateTimeRange,
    QgsFeatureRequest,
    QgsProviderRegistry,
    QgsVectorLayer,
    QgsVectorLayerTemporalContext,
)
from qgis.PyQt.QtCore import QDate, QDateTime, QTime

# Layers QGIS lists in a GeoPackage that are tables of the export, not data the exporter styles.
STYLE_TABLE = "layer_styles"


def gdal_messages(path: str) -> list[str]:
    """Warnings and errors GDAL raises while opening ``path`` and reading every layer's schema."""
    seen: list[str] = []

    def handler(level: int, _number: int, message: str) -> None:
        if level >= gdal.CE_Warning:
            seen.append(message)

    gdal.PushErrorHandler(handler)
    try:
        source = ogr.Open(path)
        for index in range(source.GetLayerCount()):
            layer = source.GetLayer(index)
            layer.GetLayerDefn()
            layer.GetFeatureCount()
        source = None
    finally:
        gdal.PopErrorHandler()
    return seen


def describe(layer: QgsVectorLayer, day: dt.date, window: int) -> dict[str, object]:
    message, loaded = layer.loadDefaultStyle()
    renderer = layer.renderer()
    info: dict[str, object] = {
        "style": {"loaded": loaded, "message": message},
        "valid": layer.isValid(),
        "features": layer.featureCount(),
        "renderer": renderer.type() if renderer else None,
        "attribute": renderer.classAttribute()
        if renderer and renderer.type() == "categorizedSymbol"
        else None,
        "categories": {},
    }
    if renderer is not None and renderer.type() == "categorizedSymbol":
        info["categories"] = {
            str(c.value()): {
                "fill": c.symbol().color().name(),
                "alpha": c.symbol().color().alpha(),
                "outline": outline_colour(c.symbol()),
            }
            for c in renderer.categories()
        }
    temporal = layer.temporalProperties()
    info["temporal"] = {
        "active": temporal.isActive(),
        "mode": int(temporal.mode()),
        "start": temporal.startField(),
        "end": temporal.endField(),
        "limit": int(temporal.limitMode()),
    }
    ids = None
    if temporal.isActive():
        key = "zone_id" if "zone_id" in layer.fields().names() else "event_id"
        first = day if key == "zone_id" else day - dt.timedelta(days=window - 1)
        begin = QDateTime(QDate(first.year, first.month, first.day), QTime(0, 0))
        after = day + dt.timedelta(days=1)
        end = QDateTime(QDate(after.year, after.month, after.day), QTime(0, 0))
        context = QgsVectorLayerTemporalContext()
        context.setLayer(layer)
        expression = temporal.createFilterString(context, QgsDateTimeRange(begin, end, True, False))
        request = QgsFeatureRequest().setFilterExpression(expression)
        ids = sorted(str(feature[key]) for feature in layer.getFeatures(request))
        info["filter"] = expression
    info["shown"] = ids
    return info


def outline_colour(symbol) -> str | None:  # type: ignore[no-untyped-def]
    layer = symbol.symbolLayer(0)
    return layer.strokeColor().name() if hasattr(layer, "strokeColor") else None


def main() -> None:
    path, day_text, window_text = sys.argv[1:4]
    day, window = dt.date.fromisoformat(day_text), int(window_text)
    app = QgsApplication([], False)
    app.initQgis()
    logged: list[str] = []
    QgsApplication.messageLog().messageReceived.connect(
        lambda message, tag, level: logged.append(f"{tag}: {message} ({int(level)})")
    )
    metadata = QgsProviderRegistry.instance().providerMetadata("ogr")
    names = [sub.name() for sub in QgsProviderRegistry.instance().querySublayers(path)]
    layers = {}
    for name in names:
        if name == STYLE_TABLE:
            continue
        uri = metadata.encodeUri({"path": path, "layerName": name})
        layers[name] = describe(QgsVectorLayer(uri, name, "ogr"), day, window)
    report = {"layers": layers, "qgis_log": logged, "gdal": gdal_messages(path)}
    print(json.dumps(report))
    app.exitQgis()


if __name__ == "__main__":
    main()
