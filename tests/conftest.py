"""Fixtures shared by the tests: small synthetic layers, the gazetteers, and the event stores of both
backends."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pyproj
import pytest
import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.engine import URL, make_url

from geodata import export, imports, settings, zones
from geodata.articles import read_article
from geodata.gazetteer import Gazetteer, load_gazetteer
from geodata.geocoding import Mention, find_places
from geodata.schema import EVENT_PROPERTIES

DATA = Path(__file__).parent / "data"
ZONES_DIR = DATA / "export_zones"
ACLED_CSV = DATA / "acled_small.csv"
UCDP_CSV = DATA / "ucdp_small.csv"
ARTICLES = DATA / "articles"
#: A body sentence long enough to be read as an article's body (for articles written by a test).
BODY = "Joint patrols resumed near the town on Friday after a pause of several weeks, officials said.\n"


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    """The project gazetteer, read once for the whole run."""
    return load_gazetteer()


@pytest.fixture(scope="session")
def tiny() -> Gazetteer:
    """Six synthetic places (``tests/data/gazetteer_tiny.csv``)."""
    return load_gazetteer(DATA / "gazetteer_tiny.csv")


def only_place(sentence: str, gazetteer: Gazetteer) -> Mention:
    """The one place ``find_places`` finds in ``sentence`` (fails if there are more or none)."""
    (mention,) = find_places(sentence, gazetteer)
    return mention


def km_from(mention: Mention, lon: float, lat: float) -> float:
    """Distance on the WGS84 ellipsoid from a mention's point to ``lon``/``lat``, in km."""
    return float(pyproj.Geod(ellps="WGS84").inv(mention.lon, mention.lat, lon, lat)[2]) / 1000


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` (UTF-8) as ``folder/name`` and return its path."""
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def read(name: str) -> tuple[Any, ...]:
    """``read_article`` of a fixture in ``tests/data/articles``."""
    return read_article(ARTICLES / name)


def event(event_id: str, kind: str, start: str, end: str, **changes: Any) -> dict[str, Any]:
    """One synthetic event row with every ``EVENT_PROPERTIES`` column."""
    row: dict[str, Any] = {
        "event_id": event_id,
        "kind": kind,
        "status": "occurred",
        "date_start": start,
        "date_end": end,
        "date_precision": "day" if start == end else "range",
        "place": "Saraqib",
        "place_id": "163345",
        "geo_precision": "town",
        "uncertainty_km": 5.0,
        "actors": "Russia; Turkey",
        "article": "001_test.txt",
        "also_reported_in": None,
        "outlet": "Test Outlet",
        "url": "https://example.org/article",
        "published": end,
        "quote": "A sentence written for the tests.",
        "confidence": 0.8,
        "review": "machine",
    }
    return row | changes


def events_frame(rows: list[tuple[dict[str, Any], Point | None]]) -> gpd.GeoDataFrame:
    """A frame shaped like ``geodata.events.events_frame``: EVENT_PROPERTIES + Point or None."""
    data = {name: [row[name] for row, _ in rows] for name in EVENT_PROPERTIES}
    return gpd.GeoDataFrame(data, geometry=[geom for _, geom in rows], crs=settings.WGS84)


@pytest.fixture(scope="session")
def sample_events() -> gpd.GeoDataFrame:
    return events_frame(
        [
            (event("ev-patrol", "patrol", "2019-03-08", "2019-03-08"), Point(36.6, 35.6)),
            (event("ev-attack", "attack", "2019-03-01", "2019-03-05"), Point(37.2, 36.2)),
            (event("ev-statement", "statement", "2019-02-01", "2019-02-01"), None),
            (event("ev-agreement", "agreement", "2020-03-05", "2020-03-05"), Point(37.1, 36.5)),
        ]
    )


@pytest.fixture(scope="session")
def sample_zones() -> gpd.GeoDataFrame:
    zone_set = zones.load_zones(ZONES_DIR)
    assert not zone_set.problems
    return zone_set.zones


@pytest.fixture(scope="session")
def sample_imported() -> gpd.GeoDataFrame:
    return imports.load_event_files([ACLED_CSV, UCDP_CSV]).events


@pytest.fixture(scope="session")
def sample_frames(
    sample_zones: gpd.GeoDataFrame, sample_events: gpd.GeoDataFrame, sample_imported: gpd.GeoDataFrame
) -> dict[str, gpd.GeoDataFrame]:
    return {
        "zones": sample_zones,
        "events": sample_events,
        "imported": sample_imported,
        "reference": export.reference_frame(),
    }


# --- the event store ------------------------------------------------------------------------------

#: The PostGIS server the store tests use (``.ci/run`` starts one with ``.ci/postgis.sh``).
POSTGIS_ENV = "ATLAS_TEST_POSTGIS_URL"


@pytest.fixture(autouse=True, scope="session")
def _session_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """No test touches the user's own store or cache: both are folders of this test session."""
    patch = pytest.MonkeyPatch()
    patch.setenv("ATLAS_STORE", str(tmp_path_factory.mktemp("store") / "atlas.gpkg"))
    patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    yield
    patch.undo()


@pytest.fixture(scope="session")
def postgis_server() -> Iterator[tuple[URL, sa.Engine]]:
    """The test PostGIS server's URL and an engine on its maintenance database (autocommit)."""
    value = os.environ.get(POSTGIS_ENV)
    if not value:
        if os.environ.get("CI"):
            pytest.fail(f"{POSTGIS_ENV} is not set: .ci/run starts PostGIS for the store tests")
        pytest.skip(f"no PostGIS ({POSTGIS_ENV}); start one with: bash .ci/postgis.sh start")
    url = make_url(value)
    engine = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    yield url, engine
    engine.dispose()


def new_postgis_database(server: tuple[URL, sa.Engine], *, template: str = "atlas") -> str:
    """A fresh database on the test server (from ``template``, which has PostGIS); its URL."""
    url, engine = server
    name = f"atlas_test_{uuid.uuid4().hex[:12]}"
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    return url.set(database=name).render_as_string(hide_password=False)


def drop_postgis_database(server: tuple[URL, sa.Engine], store_url: str) -> None:
    name = make_url(store_url).database
    with server[1].connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgis"])
def new_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], str]]:
    """Makes URLs of new, empty stores of one backend: a GeoPackage file, or a PostGIS database."""
    made: list[str] = []
    server = request.getfixturevalue("postgis_server") if request.param == "postgis" else None

    def make() -> str:
        url = str(tmp_path / f"store{len(made)}.gpkg") if server is None else new_postgis_database(server)
        made.append(url)
        return url

    yield make
    if server is not None:  # a GeoPackage goes with tmp_path
        for url in made:
            drop_postgis_database(server, url)


# --- editors ---------------------------------------------------------------------------------------

EDITOR_PASSWORD = "a long test password"


@pytest.fixture
def accounts_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An editors file of this test (``$ATLAS_EDITORS_FILE``) with the accounts ``ana`` and ``ben``."""
    from geodata import editors

    path = tmp_path / "config" / "editors.json"
    monkeypatch.setenv(editors.ENV_VAR, str(path))
    for name in ("ana", "ben"):
        editors.add_editor(name, EDITOR_PASSWORD)
    return path


@pytest.fixture
def ana(accounts_file: Path) -> Any:
    """The editor ``ana``, signed in."""
    from geodata import editors

    return editors.sign_in("ana", EDITOR_PASSWORD)


@pytest.fixture
def ben(accounts_file: Path) -> Any:
    """The editor ``ben``, signed in."""
    from geodata import editors

    return editors.sign_in("ben", EDITOR_PASSWORD)
