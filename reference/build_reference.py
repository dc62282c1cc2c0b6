"""Rebuild the reference layer (Syria's outline and governorates) from the OCHA COD-AB files.

Run from the project root: ``python reference/build_reference.py ../shared/data``.
The committed GeoJSON files are the source of truth; this script records how they were made.
Governorates are simplified with ``shapely.coverage_simplify`` (shared borders stay shared, no
slivers) to keep the map page light; the outline is kept at full resolution because zones are
clipped to it and validated against it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import geopandas as gpd
import shapely

HERE = Path(__file__).resolve().parent
ATTRIBUTION = "UN OCHA / UNCS, COD-AB Syria v02 (2020-12-17), CC BY 3.0 IGO"
SIMPLIFY_DEG = 0.002  # about 200 m: invisible at the zoom levels the governorates are read at


def _write(gdf: gpd.GeoDataFrame, path: Path) -> None:
    geoms = shapely.orient_polygons(shapely.set_precision(gdf.geometry.values, 1e-6))
    gdf = gdf.set_geometry(list(geoms), crs=gdf.crs)
    data = json.loads(gdf.to_json(drop_id=True))
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")


def main(shared_data: Path) -> None:
    adm1 = gpd.read_file(shared_data / "syr_adm1_ocha_cod_2020.geojson")
    adm0 = gpd.read_file(shared_data / "syr_adm0_from_ocha_adm1.geojson")
    outline = gpd.GeoDataFrame(
        {"name": ["Syria"], "pcode": ["SY"], "source": [ATTRIBUTION]},
        geometry=adm0.geometry.values,
        crs="EPSG:4326",
    )
    simplified = shapely.coverage_simplify(adm1.geometry.values, SIMPLIFY_DEG)
    governorates = gpd.GeoDataFrame(
        {
            "pcode": adm1["ADM1_PCODE"],
            "name": adm1["ADM1_EN"],
            "name_ar": adm1["ADM1_AR"],
            "source": ATTRIBUTION,
        },
        geometry=list(simplified),
        crs="EPSG:4326",
    ).sort_values("pcode")
    _write(outline, HERE / "syria_outline.geojson")
    _write(governorates, HERE / "syria_governorates.geojson")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parent.parent / "shared" / "data")
