"""The event store (``geodata/store.py`` and its modules), on both backends with the same tests.

Every test taking ``new_store_url`` runs twice: on an embedded GeoPackage file and on a fresh
database of the real PostGIS server ``.ci/run`` starts (``ATLAS_TEST_POSTGIS_URL``). Nothing is
mocked; where a test needs the pipeline to fail or to change (a bug, an upgrade), it wraps the real
``extract_from_articles``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pyogrio
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from geopandas.testing import assert_geodataframe_equal
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from geodata import events, imports, review, settings, store_open
from geodata._errors import ConflictError, StoreError
from geodata.editors import Editor
from geodata.intake import ArticleInput, ArticleMeta, read_folder
from geodata.store import Store, open_store
from geodata.store_tables import STORE_TABLES
from geodata.store_write import batches
from tests.conftest import ACLED_CSV, UCDP_CSV

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = Path(__file__).parent / "data" / "heldout"

PATROL_A = """Joint patrol near Saraqib
Turkish and Russian troops conducted a joint patrol near Saraqib on 8 March 2019, the Turkish defence \
ministry said in a statement on Friday.
The patrol lasted several hours and passed without incident, the ministry said.
"""
PATROL_B = """Patrols in Idlib province
Russian and Turkish forces carried out a joint patrol near Saraqib on 8 March 2019, according to the \
Russian defence ministry.
Residents said the convoy moved slowly along the highway.
"""
META_A = ArticleMeta("a.txt", dt.date(2019, 3, 9), "Outlet A", "https://a.example/1")
META_B = ArticleMeta("b.txt", dt.date(2019, 3, 10), "Outlet B", "https://b.example/2")


@pytest.fixture
def empty_store(new_store_url: Callable[[], str]) -> Iterator[Store]:
    with open_store(new_store_url(), seeds=None) as store:
        yield store


@pytest.fixture
def seeded_store(new_store_url: Callable[[], str]) -> Iterator[Store]:
    with open_store(new_store_url()) as store:
        yield store


def seeds_frame() -> Any:
    return events.events_frame(events.extract_events(settings.SEEDS_DIR).events)


def rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every store table, by table, in id order."""
    with store._transaction() as conn:
        return {
            t.name: [dict(r) for r in conn.execute(sa.select(t).order_by(*t.primary_key.columns)).mappings()]
            for t in STORE_TABLES
        }


# --- what the store holds ----------------------------------------------------------------------


def test_a_new_store_holds_the_seeds_as_the_pipeline_reads_them(seeded_store: Store) -> None:
    frames = seeded_store.frames()
    assert set(frames) == {"events"}  # no imported events yet
    assert_geodataframe_equal(frames["events"], seeds_frame())
    listed = seeded_store.articles()
    assert list(listed["name"]) == sorted(p.name for p in settings.SEEDS_DIR.glob("*.txt"))
    assert listed["extraction_error"].isna().all()
    assert set(listed["added_by"]) == {"seeds"}


@pytest.fixture
def articles_folder(tmp_path: Path) -> Path:
    """The seeds and the held-out articles in one folder (19 articles, events shared between them)."""
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in [*settings.SEEDS_DIR.iterdir(), *HELDOUT.glob("*.txt")]:
        shutil.copy(path, folder / path.name)
    return folder


def test_articles_added_together_give_the_pipelines_events(empty_store: Store, articles_folder: Path) -> None:
    found, _ = read_folder(articles_folder)
    assert {r.status for r in empty_store.add_articles(found, by="test")} == {"added"}
    expected = events.events_frame(events.extract_events(articles_folder).events)
    assert_geodataframe_equal(empty_store.frames()["events"], expected)


def test_articles_added_one_by_one_merge_into_stored_events_and_reextract_gives_the_pipelines(
    empty_store: Store, articles_folder: Path
) -> None:
    found, _ = read_folder(articles_folder)
    for item, article in found:  # one transaction each: every event merges into stored ones
        [result] = empty_store.add_articles([(item, article)], by="test")
        assert result.status == "added"
    expected = events.events_frame(events.extract_events(articles_folder).events)
    one_by_one = empty_store.frames()["events"]
    # Merging is order-dependent: an article's own events are merged before they meet the stored
    # ones, so a few may come out apart that one run over the folder joins (or the reverse).
    assert abs(len(one_by_one) - len(expected)) <= 3
    empty_store.reextract(by="test")  # one run over every stored article, as over the folder
    assert_geodataframe_equal(empty_store.frames()["events"], expected)


def test_one_event_reported_by_two_articles_is_one_event_listing_both(empty_store: Store) -> None:
    first = empty_store.add_article(PATROL_A, META_A, by="ana")
    second = empty_store.add_article(PATROL_B, META_B, by="ben")
    assert (first.status, first.new_events) == ("added", 1)
    assert (second.status, second.events, second.new_events) == ("added", 1, 0)
    [event] = empty_store.frames()["events"].to_dict("records")
    assert (event["kind"], event["date_start"], event["place"]) == ("patrol", "2019-03-08", "Saraqib")
    assert (event["article"], event["also_reported_in"]) == ("a.txt", "b.txt")


def test_the_same_article_is_not_stored_twice_and_the_match_is_named(empty_store: Store) -> None:
    empty_store.add_article(PATROL_A, META_A, by="ana")
    rewrapped = "  " + PATROL_A.replace(" near ", "\nnear ", 0).replace("\n", " \r\n") + "\n\n"
    same_text = empty_store.add_article(rewrapped, ArticleMeta("copy.txt"), by="ben")
    same_url = empty_store.add_article(PATROL_B, ArticleMeta("other.txt", url=META_A.url), by="ben")
    for result in (same_text, same_url):
        assert result.status == "duplicate"
        assert result.duplicate_of == (1, "a.txt", "Joint patrol near Saraqib")
    assert len(empty_store.articles()) == 1
    twice = list(empty_store.add_articles([ArticleInput(PATROL_B, META_B)] * 2, by="ben"))
    assert [r.status for r in twice] == ["added", "duplicate"]
    assert twice[1].duplicate_of == (twice[0].article_id, "b.txt", "Patrols in Idlib province")


def test_a_name_taken_by_another_article_is_made_unique(empty_store: Store) -> None:
    empty_store.add_article(PATROL_A, META_A, by="ana")
    other = empty_store.add_article(PATROL_B, ArticleMeta("a.txt"), by="ben")
    assert other.status == "added"
    assert other.name.startswith("a-")
    assert other.name.endswith(".txt")
    assert set(empty_store.frames()["events"]["also_reported_in"]) == {other.name}


def test_preview_saves_nothing_and_saving_it_reads_nothing_again(
    empty_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = empty_store.token()
    preview = empty_store.preview(PATROL_A, META_A)
    assert empty_store.token() == before
    assert list(preview.frame["kind"]) == ["patrol"]

    def no_second_run(*args: object, **kwargs: object) -> None:
        raise AssertionError("the preview's extraction should have been reused")

    monkeypatch.setattr(events, "extract_from_articles", no_second_run)
    result = empty_store.add_article(PATROL_A, META_A, by="ana", preview=preview)
    assert (result.status, result.new_events) == ("added", 1)
    assert empty_store.token() != before
    assert empty_store.preview(PATROL_A, META_A).duplicate_of == (1, "a.txt", "Joint patrol near Saraqib")


def test_the_token_changes_with_every_write_and_only_then(seeded_store: Store) -> None:
    token = seeded_store.token()
    seeded_store.frames()
    seeded_store.articles()
    assert seeded_store.token() == token
    seeded_store.add_article(PATROL_A, META_A, by="ana")
    assert seeded_store.token() != token
    assert seeded_store.token().startswith(token.split("@")[0] + "@")


# --- failures and re-extraction -----------------------------------------------------------------


def failing_on(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline crashes on the article called ``name`` (as a pipeline bug would)."""
    real = events.extract_from_articles

    def extract(articles: Any, find_places: Any) -> Any:
        articles = list(articles)
        if any(article.file == name for article in articles):
            raise RuntimeError(f"pipeline bug on {name}")
        return real(articles, find_places)

    monkeypatch.setattr(events, "extract_from_articles", extract)


def test_an_article_that_fails_is_stored_with_its_error_and_retried(
    empty_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    failing_on("b.txt", monkeypatch)
    results = list(
        empty_store.add_articles([ArticleInput(PATROL_A, META_A), ArticleInput(PATROL_B, META_B)], by="t")
    )
    assert [r.status for r in results] == ["added", "failed"]
    assert results[1].error == "RuntimeError: pipeline bug on b.txt"
    listed = empty_store.articles().set_index("name")
    assert listed.loc["b.txt", "extraction_error"] == "RuntimeError: pipeline bug on b.txt"
    assert empty_store.frames()["events"]["also_reported_in"].tolist() == [""]

    report = empty_store.reextract(by="t")  # still failing: kept as it is
    assert [a.name for a in report.failed] == ["b.txt"]
    monkeypatch.undo()
    report = empty_store.reextract(by="t")
    assert not report.failed
    b = next(a for a in report.articles if a.name == "b.txt")
    assert b.retried
    assert b.changed == 1
    assert empty_store.articles()["extraction_error"].isna().all()
    assert empty_store.frames()["events"]["also_reported_in"].tolist() == ["b.txt"]


def test_reextract_changes_only_machine_events_and_keeps_peoples_decisions(
    seeded_store: Store, monkeypatch: pytest.MonkeyPatch, ana: Editor
) -> None:
    assert seeded_store.reextract(by="t").added == 0  # nothing new: nothing changes
    table = seeded_store.frames()["events"]
    with seeded_store._transaction() as conn:
        stored = pd.DataFrame(
            conn.execute(sa.select(sa.table("events", sa.column("id"), sa.column("event_id")))).all()
        )
    ids = dict(zip(stored["event_id"], stored["id"], strict=True))
    talks = table[table["kind"] == "talks"]["event_id"].tolist()
    edited_id, rejected_id = ids[talks[0]], ids[talks[1]]
    review.edit(seeded_store, ana, edited_id, {"place": "Ankara"}, version=1, note="venue was Ankara")
    review.reject(seeded_store, ana, rejected_id, reason="not an event", version=1)
    before = rows(seeded_store)

    real = events.extract_from_articles

    def upgraded(articles: Any, find_places: Any) -> Any:  # a "new pipeline": no talks, surer of the rest
        found, problems = real(articles, find_places)
        kept = [e for e in found if e.kind != "talks"]
        return tuple(dataclasses.replace(e, confidence=min(e.confidence + 0.01, 1.0)) for e in kept), problems

    monkeypatch.setattr(events, "extract_from_articles", upgraded)
    report = seeded_store.reextract(by="t")
    machine_talks = len(talks) - 2
    assert report.removed == machine_talks
    assert report.changed == len(table) - len(talks)
    assert report.kept == 0  # the new pipeline proposes nothing for the reviewed talks
    after = {r["id"]: r for r in rows(seeded_store)["events"]}
    for event_id in (edited_id, rejected_id):
        old = next(r for r in before["events"] if r["id"] == event_id)
        assert after[event_id] == old  # untouched: fields, review, version
    assert after[edited_id]["place"] == "Ankara"
    assert after[rejected_id]["review"] == "rejected"
    assert sum(a.removed for a in report.articles) >= machine_talks

    monkeypatch.undo()
    report = seeded_store.reextract(by="t")
    assert report.added == machine_talks
    assert report.kept == 2  # the machine sees both again; the people's versions stand
    assert {r["id"]: r for r in rows(seeded_store)["events"]}[edited_id]["place"] == "Ankara"


# --- people's changes, history ------------------------------------------------------------------


def test_two_editors_saving_one_event_get_a_conflict_and_lose_nothing(
    new_store_url: Callable[[], str], ana: Editor, ben: Editor
) -> None:
    url = new_store_url()
    with open_store(url, seeds=None) as first:
        first.add_article(PATROL_A, META_A, by="ana")
    with open_store(url) as ana_store, open_store(url) as ben_store:  # two sessions, one event
        saved = review.edit(ana_store, ana, 1, {"place": "Sarmin"}, version=1, note="closer reading")
        assert saved.versions == {1: 2}
        with pytest.raises(ConflictError) as caught:
            review.edit(ben_store, ben, 1, {"status": "planned"}, version=1)
        assert caught.value.mine == {"status": "planned"}
        assert caught.value.theirs["place"] == "Sarmin"
        assert "changed by someone else" in str(caught.value)
        edits = ana_store.history(entity="event", entity_id=1)
        edits = edits[edits["action"] == "edit"]
        assert len(edits) == 1
        [edit] = edits.to_dict("records")
        assert (edit["by"], edit["note"]) == ("ana", "closer reading")
        assert (edit["before"]["place"], edit["after"]["place"]) == ("Saraqib", "Sarmin")
        assert review.edit(ben_store, ben, 1, {"status": "planned"}, version=2).versions == {1: 3}


def test_every_write_and_its_history_share_a_revision(empty_store: Store) -> None:
    empty_store.add_article(PATROL_A, META_A, by="ana")
    empty_store.add_article(PATROL_B, META_B, by="ben")
    history = empty_store.history()
    assert list(history["revision"]) == sorted(history["revision"])
    assert set(history["revision"]) == {1, 2}
    added = history[(history["entity"] == "article") & (history["action"] == "add")]
    assert list(added["by"]) == ["ana", "ben"]
    assert added.iloc[0]["after"]["new_events"] == [1]  # the event came with the first article
    link = history[history["action"] == "link"]
    assert link.empty  # machine events gain reports by update, reviewed ones by link
    update = history[history["action"] == "update"].iloc[0]
    assert update["before"]["also_reported_in"] == ""
    assert update["after"]["also_reported_in"] == "b.txt"
    assert empty_store.revision() == 2


# --- imported events ----------------------------------------------------------------------------


def test_imported_events_come_back_as_the_import_frame(empty_store: Store) -> None:
    for path in (ACLED_CSV, UCDP_CSV):
        result = empty_store.import_events(imports.read_events(path), path, by="t")
        assert result.replaced == 0
    expected = imports.load_event_files([ACLED_CSV, UCDP_CSV]).events
    assert_geodataframe_equal(empty_store.frames()["imported"], expected)
    again = empty_store.import_events(imports.read_events(ACLED_CSV), ACLED_CSV, by="t")
    assert again.replaced == again.loaded == 5
    assert len(empty_store.frames()["imported"]) == len(expected)
    runs = empty_store.history(entity="imports")
    assert list(runs["note"]) == ["acled_small.csv", "ucdp_small.csv", "acled_small.csv"]


def test_the_imported_snapshot_gives_the_same_layer_and_follows_imports(
    new_store_url: Callable[[], str], tmp_path: Path
) -> None:
    url = new_store_url()
    with open_store(url, seeds=None, cache=tmp_path) as store, open_store(url, cache=False) as uncached:
        store.import_events(imports.read_events(UCDP_CSV), UCDP_CSV, by="t")
        built = store.frames()["imported"]  # the snapshot the import left
        [snapshot] = list(tmp_path.glob("frames/*/imported-*.arrow"))
        with open_store(url, cache=tmp_path) as other:  # another process: reads the snapshot
            read = other.frames()["imported"]
        assert_geodataframe_equal(read, built)
        assert_geodataframe_equal(read, uncached.frames()["imported"])
        store.import_events(imports.read_events(ACLED_CSV), ACLED_CSV, by="t")
        assert len(store.frames()["imported"]) == 8  # a new import: a new snapshot
        assert not snapshot.exists()
        [snapshot] = list(tmp_path.glob("frames/*/imported-*.arrow"))
        snapshot.write_bytes(b"not arrow")  # a damaged snapshot is read again from the store
        with open_store(url, cache=tmp_path) as other:
            assert_geodataframe_equal(other.frames()["imported"], uncached.frames()["imported"])


def test_the_imported_layer_is_kept_in_memory_until_an_import_changes_it(empty_store: Store) -> None:
    empty_store.import_events(imports.read_events(UCDP_CSV), UCDP_CSV, by="t")
    token, layer = empty_store.imported_token(), empty_store.frames()["imported"]
    empty_store.add_article(PATROL_A, META_A, by="t")  # an article: the imported layer is the same
    assert empty_store.imported_token() == token
    assert empty_store.frames()["imported"] is layer
    empty_store.import_events(imports.read_events(ACLED_CSV), ACLED_CSV, by="t")
    assert empty_store.imported_token() != token
    assert len(empty_store.frames()["imported"]) == len(layer) + 5


# --- backup and restore -------------------------------------------------------------------------


def test_dump_and_load_give_back_every_row(
    seeded_store: Store, new_store_url: Callable[[], str], tmp_path: Path, ana: Editor
) -> None:
    seeded_store.add_article(PATROL_A, META_A, by="ana")
    seeded_store.import_events(imports.read_events(ACLED_CSV), ACLED_CSV, by="t")
    review.edit(seeded_store, ana, 1, {"actors": ["Russia", "Turkey, and allies"]}, version=1)
    review.reject(seeded_store, ana, 2, reason="not an event", version=1)
    dump = tmp_path / "backup.gpkg"
    counts = seeded_store.dump(dump)
    assert counts["articles"] == 6
    assert counts["imported"] == 5
    assert {name for name, _ in pyogrio.list_layers(dump)} >= {"events", "imported", "articles", "history"}
    with open_store(new_store_url(), seeds=None) as restored:
        result = restored.load(dump, by="restorer")
        original, back = rows(seeded_store), rows(restored)
        for table in STORE_TABLES:
            if table.name == "history":
                assert back["history"][:-1] == original["history"]
                assert back["history"][-1]["action"] == "load"
            elif table.name != "atlas_store":
                assert back[table.name] == original[table.name], table.name
        assert back["atlas_store"][0]["store_id"] == original["atlas_store"][0]["store_id"]
        assert result.store_id == original["atlas_store"][0]["store_id"]
        assert restored.revision() > seeded_store.revision()
        for layer, frame in seeded_store.frames().items():
            assert_geodataframe_equal(restored.frames()[layer], frame)
        restored.add_article(PATROL_B, META_B, by="ben")  # ids go on above the loaded ones
        with pytest.raises(StoreError, match="is not empty"):
            restored.load(dump, by="restorer")
        restored.load(dump, by="restorer", replace=True)
        assert len(restored.articles()) == 6


# --- schema versions ----------------------------------------------------------------------------


def alembic(store: Store, action: str, revision: str) -> None:
    with store._transaction(write=True) as conn:
        getattr(command, action)(store_open._config(conn), revision)


# SQLAlchemy reflects PostGIS's geometry type as unknown; only the column names are compared here.
@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry'")
def test_an_older_store_is_upgraded_and_keeps_its_rows(new_store_url: Callable[[], str]) -> None:
    url = new_store_url()
    with open_store(url) as store:
        alembic(store, "downgrade", "0001_store")  # a store as the first release wrote it
        with store._transaction() as conn:
            columns = {c["name"] for c in sa.inspect(conn).get_columns("events")}
        assert "review" not in columns
    if make_backend(url) == "postgresql":
        with pytest.raises(StoreError, match=r"Run: python -m geodata store upgrade --store"):
            open_store(url)
        upgraded = open_store(url, upgrade=True)
    else:
        upgraded = open_store(url)
        assert Path(url).with_name(Path(url).name + ".before-0001_store").is_file()
    with upgraded:
        assert_geodataframe_equal(upgraded.frames()["events"], seeds_frame())
        stored = rows(upgraded)["events"]
        assert {(r["review"], r["version"]) for r in stored} == {("machine", 1)}
        assert upgraded.history(entity="store")["action"].tolist() == ["upgrade"]


@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry'")
def test_a_store_of_the_previous_schema_gains_review_actions_and_keeps_its_reviews(
    new_store_url: Callable[[], str], ana: Editor
) -> None:
    url = new_store_url()
    with open_store(url) as store:
        review.reject(store, ana, 1, reason="not an event", version=1)
        alembic(store, "downgrade", "0003_report_details")  # the store as issue 12 left it
        with store._transaction() as conn:
            tables = set(sa.inspect(conn).get_table_names())
            columns = {c["name"] for c in sa.inspect(conn).get_columns("events")}
        assert not {"review_actions", "disagreements"} & tables
        assert "machine" not in columns
    with open_store(url, upgrade=True) as upgraded:
        [event] = [r for r in rows(upgraded)["events"] if r["id"] == 1]
        assert (event["review"], event["version"], event["machine"]) == ("rejected", 2, None)
        assert rows(upgraded)["review_actions"] == []
        assert "review" in upgraded.frames()["events"].columns
        assert review.accept(upgraded, ana, 1, version=2).versions == {1: 3}  # the new tables work
        if upgraded.backend == "sqlite":
            assert {name for name, _ in pyogrio.list_layers(url)} >= {"review_actions", "disagreements"}


def make_backend(url: str) -> str:
    return str(store_open.store_url(url).get_backend_name())


def test_a_store_of_a_newer_version_is_refused(new_store_url: Callable[[], str]) -> None:
    url = new_store_url()
    with open_store(url, seeds=None) as store, store._transaction(write=True) as conn:
        version = sa.table("alembic_version", sa.column("version_num"))
        conn.execute(sa.update(version).values(version_num="9999_future"))
    with pytest.raises(StoreError, match="'9999_future', written by a newer version"):
        open_store(url)


def test_the_head_revision_is_alembics_head() -> None:
    assert ScriptDirectory(str(store_open.MIGRATIONS)).get_current_head() == store_open.HEAD_REVISION


def test_a_store_at_the_head_opens_without_alembic(tmp_path: Path) -> None:
    """Opening a current store reads its revision with one plain query (the app's first map does
    not wait for Alembic's imports); an older one still goes through Alembic and is upgraded."""
    path = tmp_path / "atlas.gpkg"
    open_store(path, seeds=None, cache=False).close()
    check = (
        "import sys\n"
        "from geodata.store import open_store\n"
        f"open_store({str(path)!r}, cache=False).close()\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('alembic', 'mako')))\n"
    )
    env = os.environ | {"PYTHONPATH": str(settings.ROOT)}
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=env, check=True)
    assert done.stdout.strip() == "[]"
    with open_store(path, cache=False) as store:
        alembic(store, "downgrade", "0003_report_details")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True, env=env, check=True)
    assert "'alembic'" in done.stdout
    with open_store(path, cache=False) as store, store._transaction() as conn:
        assert store_open.schema_revision(conn, store.where) == store_open.HEAD_REVISION


@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry'")
def test_the_migrations_build_exactly_the_tables_the_code_uses(empty_store: Store) -> None:
    with empty_store._transaction() as conn:
        inspector = sa.inspect(conn)
        for table in STORE_TABLES:
            columns = [c["name"] for c in inspector.get_columns(table.name)]
            assert columns == [c.name for c in table.columns], table.name
            indexes = {i["name"] for i in inspector.get_indexes(table.name)}
            spatial = {i.name for i in table.indexes if str(i.name).endswith("_geom")}
            expected = {i.name for i in table.indexes} - (
                spatial if empty_store.backend == "sqlite" else set()
            )
            assert expected <= indexes, table.name


# --- stores that cannot be used -----------------------------------------------------------------


def test_a_file_that_is_not_a_store_is_named(tmp_path: Path) -> None:
    text = tmp_path / "notes.gpkg"
    text.write_text("just some notes\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"notes.gpkg is not a De-escalation Atlas store"):
        open_store(text)
    other = tmp_path / "other.gpkg"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE parcels (id INTEGER PRIMARY KEY, owner TEXT)")
    with pytest.raises(
        StoreError, match=r"other.gpkg is not a De-escalation Atlas store \(it holds other tables: parcels\)"
    ):
        open_store(other)
    with pytest.raises(StoreError, match="is a folder"):
        open_store(str(tmp_path))


def test_a_database_that_is_not_a_store_is_named(postgis_server: Any) -> None:
    from tests.conftest import drop_postgis_database, new_postgis_database

    url = new_postgis_database(postgis_server)
    try:
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            sa.Table("parcels", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True)).create(conn)
        engine.dispose()
        with pytest.raises(
            StoreError, match=r"is not a De-escalation Atlas store \(it holds other tables: parcels\)"
        ):
            open_store(url)
    finally:
        drop_postgis_database(postgis_server, url)


def test_a_database_without_postgis_says_what_to_ask_for(postgis_server: Any) -> None:
    from tests.conftest import drop_postgis_database, new_postgis_database

    url = new_postgis_database(postgis_server, template="template0")
    try:
        with pytest.raises(
            StoreError, match=r"has no PostGIS; ask its administrator to run CREATE EXTENSION postgis"
        ):
            open_store(url, seeds=None)
    finally:
        drop_postgis_database(postgis_server, url)


def test_an_unreachable_server_is_said_so(tmp_path: Path) -> None:
    url = f"postgresql://atlas@/atlas?host={tmp_path}&port=5999"  # no server has this socket
    with pytest.raises(
        StoreError, match=r"cannot reach the PostGIS store postgresql\+psycopg://atlas@/atlas"
    ):
        open_store(url, timeout=2)


def test_a_locked_store_is_said_so(tmp_path: Path) -> None:
    path = tmp_path / "atlas.gpkg"
    open_store(path, seeds=None).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another program is writing: reading still works
    try:
        with open_store(path, seeds=None, timeout=0.2) as store:
            assert store.frames()["events"].empty
            with pytest.raises(StoreError, match=f"the store {path} is locked by another program"):
                store.add_article(PATROL_A, META_A, by="ana")
    finally:
        holder.execute("ROLLBACK")
    holder.execute("BEGIN EXCLUSIVE")  # another program is committing: not even reading
    try:
        with pytest.raises(StoreError, match="is locked by another program"):
            open_store(path, seeds=None, timeout=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder whose files cannot be written: a read-only bind mount as root (root ignores
    permission bits), else permission bits."""
    source, view = tmp_path / "source", tmp_path / "view"
    source.mkdir()
    view.mkdir()
    open_store(source / "atlas.gpkg").close()
    if os.geteuid() == 0:
        subprocess.run(["mount", "--bind", str(source), str(view)], check=True)
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        try:
            yield view
        finally:
            subprocess.run(["umount", str(view)], check=True)
    else:
        (source / "atlas.gpkg").chmod(0o444)
        source.chmod(0o555)
        try:
            yield source
        finally:
            source.chmod(0o755)


def test_a_read_only_store_can_be_shown_but_not_changed(read_only_folder: Path) -> None:
    with open_store(read_only_folder / "atlas.gpkg") as store:
        assert_geodataframe_equal(store.frames()["events"], seeds_frame())
        with pytest.raises(StoreError, match="is read-only") as caught:
            store.add_article(PATROL_A, META_A, by="ana")
        assert str(read_only_folder / "atlas.gpkg") in str(caught.value)


# --- the embedded store is a GeoPackage ---------------------------------------------------------


def test_the_embedded_store_opens_in_gdal_as_a_geopackage(tmp_path: Path) -> None:
    path = tmp_path / "atlas.gpkg"
    with open_store(path) as store:
        frame = store.frames()["events"]
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        layers = dict(pyogrio.list_layers(path))
        points = pyogrio.read_dataframe(path, layer="events")
        history = pyogrio.read_dataframe(path, layer="history", read_geometry=False)
        articles = pyogrio.read_dataframe(path, layer="articles", read_geometry=False)
    assert not [str(w.message) for w in seen]  # GDAL reads every column and value as GeoPackage
    assert layers["events"] == "Point"
    assert layers["imported"] == "Point"
    assert pyogrio.read_info(path, layer="events")["crs"] == "EPSG:4326"
    assert len(articles) == 5
    located = frame[frame.geometry.notna()].sort_values("event_id").reset_index(drop=True)
    read = points[points.geometry.notna()].sort_values("event_id").reset_index(drop=True)
    assert list(read["event_id"]) == list(located["event_id"])
    assert list(read.geometry.x) == pytest.approx(list(located.geometry.x), abs=1e-6)
    assert list(read.geometry.y) == pytest.approx(list(located.geometry.y), abs=1e-6)
    assert str(history["at"].dtype).startswith("datetime64")


# --- an interrupted add -------------------------------------------------------------------------


def write_articles(folder: Path, count: int) -> None:
    """``count`` small invented articles, each with a dated, placed event (a seeds-style folder)."""
    folder.mkdir()
    towns = ["Saraqib", "Sarmin", "Ariha", "Maarat al-Numan", "Khan Shaykhun", "Jisr al-Shughur"]
    lines = ["file,published,outlet,url"]
    for i in range(count):
        day = dt.date(2019, 1, 1) + dt.timedelta(days=i % 300)
        town = towns[i % len(towns)]
        text = (
            f"Report {i} from {town}\n"
            f"Russian and Turkish troops conducted a joint patrol near {town} on {day:%d %B %Y}, "
            f"officials said in report number {i}.\n"
            f"Shelling hit the outskirts of {town} the day before, killing {i % 7 + 2} civilians, local "
            "monitors reported.\n"
        )
        name = f"{i:05d}.txt"
        (folder / name).write_text(text, encoding="utf-8")
        lines.append(f"{name},{day + dt.timedelta(days=1)},Wire,https://wire.example/{i}")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


def count_articles(url: str) -> int:
    """Articles stored so far, read without creating anything (the add under test creates the store)."""
    resolved = store_open.store_url(url)
    if resolved.get_backend_name() == "sqlite" and not Path(str(resolved.database)).exists():
        return 0
    engine = sa.create_engine(
        resolved, connect_args={"timeout": 1} if resolved.get_backend_name() == "sqlite" else {}
    )
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(sa.table("articles"))).scalar_one()
            )
    except sa.exc.DBAPIError:
        return 0  # not created yet, or busy committing
    finally:
        engine.dispose()


def test_an_add_killed_midway_leaves_whole_batches_and_runs_again(
    new_store_url: Callable[[], str], tmp_path: Path
) -> None:
    url = new_store_url()
    folder = tmp_path / "many"
    write_articles(folder, 1000)
    command_line = [sys.executable, "-m", "geodata", "add", str(folder), "--store", url, "--by", "robot"]
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command_line, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 300
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        stored = count_articles(url)
        if stored > 5:  # the seeds, then at least one batch of the folder
            break
        time.sleep(0.05)
    assert process.poll() is None, "add finished before it could be interrupted"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)

    with open_store(url, seeds=None) as store:
        listed = store.articles()
        assert 5 < len(listed) < 1005
        assert (len(listed) - 5) % 100 == 0  # whole batches only
        history = store.history()
        assert set(history[history["entity"] == "article"]["entity_id"]) == set(listed["id"])
        with store._transaction() as conn:
            links = pd.DataFrame(
                conn.execute(sa.text("SELECT event_id, article_id FROM event_sources")).all()
            )
            event_ids = {r[0] for r in conn.execute(sa.text("SELECT id FROM events"))}
            if store.backend == "sqlite":
                assert conn.execute(sa.text("PRAGMA integrity_check")).scalar_one() == "ok"
        assert set(links["event_id"]) == event_ids  # no event without a report, no report without its event
        assert set(links["article_id"]) <= set(listed["id"])
        assert store.revision() == 1 + (len(listed) - 5) // 100

    again = subprocess.run(command_line, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert f"{1005 - len(listed)} added, {len(listed) - 5} already stored" in again.stdout
    with open_store(url, seeds=None) as store:
        assert len(store.articles()) == 1005
        resumed = store.frames()["events"]
    with open_store(new_store_url()) as clean:  # the same add, never interrupted
        found, _ = read_folder(folder)
        list(clean.add_articles(found, by="robot"))
        assert_geodataframe_equal(resumed, clean.frames()["events"])


TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=300)
LINE = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "Zs"), exclude_characters="\x00"), max_size=80
)


@st.composite
def articles_(draw: st.DrawFn) -> list[ArticleInput]:
    count = draw(st.integers(1, 4))
    found = []
    for i in range(count):
        title = draw(LINE) or f"Title {i}"
        body = draw(st.one_of(TEXT, st.just(PATROL_A.split("\n", 1)[1])))
        meta = ArticleMeta(
            draw(st.sampled_from(("a.txt", "b.txt", "ünïcode name.txt", ""))),
            draw(st.one_of(st.none(), st.dates(dt.date(1990, 1, 1), dt.date(2030, 12, 31)))),
            draw(LINE),
            draw(st.one_of(st.just(""), LINE.map(lambda s: "https://x.example/" + s))),
        )
        found.append(ArticleInput(f"{title}\n{body}", meta))
    return found


@hypothesis_settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(articles=articles_())
def test_dump_and_load_keep_any_text_exactly(
    new_store_url: Callable[[], str], tmp_path_factory: pytest.TempPathFactory, articles: list[ArticleInput]
) -> None:
    with (
        open_store(new_store_url(), seeds=None) as store,
        open_store(new_store_url(), seeds=None) as restored,
    ):
        list(store.add_articles(articles, by="ünïcode ✓"))
        dump = tmp_path_factory.mktemp("dump") / "backup.gpkg"
        store.dump(dump)
        restored.load(dump, by="test")
        original, back = rows(store), rows(restored)
        for table in STORE_TABLES:
            if table.name not in ("atlas_store", "history"):
                assert back[table.name] == original[table.name], table.name
        assert back["history"][:-1] == original["history"]


def test_batches_keep_the_order_and_hold_at_most_one_in_list_each() -> None:
    values = list(range(25_001))
    chunks = list(batches(values))
    assert [len(chunk) for chunk in chunks] == [10_000, 10_000, 5_001]
    assert [v for chunk in chunks for v in chunk] == values
    assert list(batches(("a", "b"))) == [["a", "b"]]
    assert list(batches([])) == []
