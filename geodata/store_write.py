"""Writing inside one store transaction: the revision, history rows, articles, events and their links.

Every write goes through a :class:`Txn`: it bumps the store's revision first (which on PostgreSQL
also queues concurrent writers on that one row), collects a history row for every change, and
writes them in the same transaction, so a change and its record land together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.engine.row import RowMapping

from geodata.events import Source
from geodata.store_events import MergeIndex, MergeSession, Report, event_from_row, event_row, pipeline_version
from geodata.store_tables import articles, encode_points, event_sources, events, history, now, store_info

__all__ = [
    "FIRST_NEW_ID",
    "ArticleIndex",
    "Txn",
    "allocate_ids",
    "batches",
    "begin",
    "event_values",
    "load_articles_index",
    "load_merge_index",
    "write_session",
]

#: ``events`` columns that describe the event (not its bookkeeping): what history records.
_EVENT_FIELDS = tuple(c.name for c in events.columns if c.name not in ("geom", "created_at", "updated_at"))


@dataclass
class Txn:
    """One write transaction: its connection, revision, author, time, and the history it gathers."""

    conn: Connection
    revision: int
    by: str
    now: dt.datetime
    history: list[dict[str, Any]] = field(default_factory=list)

    def record(
        self,
        action: str,
        entity: str,
        entity_id: int | None,
        *,
        key: str | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        note: str | None = None,
        action_id: int | None = None,
    ) -> None:
        """Note a change; written by :meth:`flush` in the same transaction (``action_id``: the
        person's review action it belongs to)."""
        self.history.append(
            {
                "revision": self.revision, "at": self.now, "by": self.by, "action": action,
                "entity": entity, "entity_id": entity_id, "key": key, "note": note,
                "before": dict(before) if before is not None else None,
                "after": dict(after) if after is not None else None, "action_id": action_id,
            }
        )  # fmt: skip

    def flush(self) -> None:
        """Write the gathered history rows."""
        if self.history:
            self.conn.execute(sa.insert(history), self.history)
            self.history = []


def begin(conn: Connection, by: str) -> Txn:
    """Start a write: bump the store's revision (this row is the writers' queue) and return the Txn."""
    bumped = conn.execute(
        sa.update(store_info)
        .where(store_info.c.id == 1)
        .values(revision=store_info.c.revision + 1)
        .returning(store_info.c.revision)
    ).scalar_one()
    return Txn(conn, bumped, by, now())


# --- what the writer keeps in memory ----------------------------------------------------------


@dataclass
class ArticleIndex:
    """Stored articles by name, content hash and URL (what duplicate checks and links need)."""

    ids: dict[str, int] = field(default_factory=dict)
    by_hash: dict[str, tuple[int, str, str]] = field(default_factory=dict)
    by_url: dict[str, tuple[int, str, str]] = field(default_factory=dict)

    def add(self, article_id: int, name: str, title: str, content_hash: str, url: str | None) -> None:
        self.ids[name] = article_id
        self.by_hash[content_hash] = (article_id, name, title)
        if url:
            self.by_url[url] = (article_id, name, title)


def load_articles_index(conn: Connection) -> ArticleIndex:
    """Every stored article's id, name, title, hash and URL."""
    index = ArticleIndex()
    cols = (articles.c.id, articles.c.name, articles.c.title, articles.c.content_hash, articles.c.url)
    for row in conn.execute(sa.select(*cols).order_by(articles.c.id)):
        index.add(row.id, row.name, row.title, row.content_hash, row.url)
    return index


def load_merge_index(conn: Connection) -> MergeIndex:
    """Every stored event as the pipeline's ``Event`` with its keyed reports, in stored order."""
    index = MergeIndex()
    link_cols = (
        event_sources.c.event_id, event_sources.c.key, event_sources.c.sentence,
        event_sources.c.sentence_hash, event_sources.c.kind, event_sources.c.ordinal,
        event_sources.c.paragraph, event_sources.c.sentence_index, event_sources.c.span_start,
        event_sources.c.span_end, event_sources.c.trigger, event_sources.c.date_text,
        event_sources.c.place_text, event_sources.c.candidates,
        articles.c.name, articles.c.outlet, articles.c.url, articles.c.published,
    )  # fmt: skip
    links: dict[int, list[tuple[Source, Report]]] = {}
    query = (
        sa.select(*link_cols)
        .join(articles, articles.c.id == event_sources.c.article_id)
        .order_by(event_sources.c.event_id, event_sources.c.position)
    )
    for r in conn.execute(query):
        source = Source(
            r.name, r.sentence, r.outlet, r.url or "", r.published,
            paragraph=_known(r.paragraph), sentence_index=_known(r.sentence_index),
            start=_known(r.span_start), end=_known(r.span_end), trigger=r.trigger or "",
            date_text=r.date_text or "", place_text=r.place_text or "", candidates=tuple(r.candidates or ()),
        )  # fmt: skip
        report = Report(r.key, r.name, r.sentence, r.sentence_hash, r.kind, r.ordinal, source)
        links.setdefault(r.event_id, []).append((source, report))
    for row in conn.execute(sa.select(events).order_by(events.c.id)).mappings():
        found = links.get(row["id"], [])
        event = event_from_row(row, [s for s, _ in found])
        reviewed, rejected = row["review"] != "machine", row["review"] == "rejected"
        index.put(row["id"], event, [r for _, r in found], frozen=reviewed, closed=rejected)
    return index


def _known(value: int | None) -> int:
    return -1 if value is None else value  # reports stored before schema 3 do not say


# --- events and links ---------------------------------------------------------------------------

#: Provisional ids of events not written yet start here (above any real id, so they sort last).
FIRST_NEW_ID = 1 << 62
#: Ids per ``IN (...)`` list (SQLite allows 32,766 bound values per statement).
_CHUNK = 10_000

_T = TypeVar("_T")


def batches(values: Sequence[_T]) -> Iterator[list[_T]]:
    """``values`` in order, in lists of at most ``_CHUNK``: the ids of one ``IN (...)`` list, or
    the rows of one insert."""
    for start in range(0, len(values), _CHUNK):
        yield list(values[start : start + _CHUNK])


def allocate_ids(conn: Connection, table: sa.Table, count: int) -> list[int]:
    """Ids for ``count`` new rows of ``table``, in order.

    Rows are then inserted with one plain ``executemany`` (``INSERT ... RETURNING`` of thousands of
    rows runs row by row on SQLite). Safe because a writer holds the store's write lock: SQLite's
    ``BEGIN IMMEDIATE``, or on PostgreSQL the sequence itself.
    """
    if count == 0:
        return []
    if conn.dialect.name == "postgresql":
        sequence = sa.func.pg_get_serial_sequence(table.name, "id")
        series = sa.func.generate_series(1, count).table_valued("n")
        return sorted(conn.execute(sa.select(sa.func.nextval(sequence)).select_from(series)).scalars())
    top = conn.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    if table is events:
        # SQLite would give a deleted last event's id to the next one; an id the history names
        # stays that event's (an undo may bring it back), so new ids go above those too.
        named = sa.select(sa.func.coalesce(sa.func.max(history.c.entity_id), 0)).where(
            history.c.entity == "event"
        )
        top = max(top, conn.execute(named).scalar_one())
    return list(range(top + 1, top + 1 + count))


def _link_rows(
    event_id: int, reports: Sequence[Report], ids: Mapping[str, int], start: int = 0
) -> list[dict[str, Any]]:
    return [
        {
            "event_id": event_id, "article_id": ids[r.article], "position": start + i, "key": r.key,
            "sentence": r.sentence, "sentence_hash": r.sentence_hash, "kind": r.kind, "ordinal": r.ordinal,
            "paragraph": r.source.paragraph, "sentence_index": r.source.sentence_index,
            "span_start": r.source.start, "span_end": r.source.end, "trigger": r.source.trigger,
            "date_text": r.source.date_text, "place_text": r.source.place_text,
            "candidates": list(r.source.candidates),
        }
        for i, r in enumerate(reports)
    ]  # fmt: skip


def event_values(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The describing fields of an ``events`` row (for history)."""
    return {name: row[name] for name in _EVENT_FIELDS if name in row}


def fetch_events(conn: Connection, ids: Iterable[int]) -> dict[int, RowMapping]:
    """``events`` rows by id."""
    found: dict[int, RowMapping] = {}
    for chunk in batches(list(ids)):
        found |= {
            row["id"]: row for row in conn.execute(sa.select(events).where(events.c.id.in_(chunk))).mappings()
        }
    return found


def _delete_links(conn: Connection, event_ids: Sequence[int]) -> None:
    for chunk in batches(event_ids):
        conn.execute(sa.delete(event_sources).where(event_sources.c.event_id.in_(chunk)))


def write_session(
    txn: Txn, session: MergeSession, ids: Mapping[str, int], *, removed_note: str, record_new: bool = True
) -> dict[int, int]:
    """Write what a merge session changed: deleted, updated, newly linked and new events, with history.

    Returns the real id of each new event by its provisional id; the index is renumbered too. With
    ``record_new`` false the caller records the new events itself (``add`` lists them in the
    history row of the article that reported them first: one row per article, not per event; an
    event's state at creation is the ``before`` of its first change, or its row as it is).
    """
    _delete(txn, sorted(session.deleted), note=removed_note)
    _update(txn, session.index, sorted(session.updated), ids, session.stored_reports)
    for event_id, extra in session.linked.items():
        start = len(session.index.reports[event_id]) - len(extra)
        txn.conn.execute(sa.insert(event_sources), _link_rows(event_id, extra, ids, start))
        txn.record("link", "event", event_id, after={"reports": [r.key for r in extra]})
    return _insert(txn, session.index, session.inserted, ids, record_each=record_new)


def _insert(
    txn: Txn, index: MergeIndex, provisional: Sequence[int], ids: Mapping[str, int], *, record_each: bool
) -> dict[int, int]:
    if not provisional:
        return {}
    version = pipeline_version()
    rows = [
        event_row(index.events[i], version=version, now=txn.now)
        | {"key": index.reports[i][0].key, "created_at": txn.now}
        for i in provisional
    ]
    _with_points(rows, txn.conn.dialect.name)
    real = allocate_ids(txn.conn, events, len(rows))
    txn.conn.execute(sa.insert(events), [row | {"id": i} for row, i in zip(rows, real, strict=True)])
    links = [
        link
        for i, new in zip(provisional, real, strict=True)
        for link in _link_rows(new, index.reports[i], ids)
    ]
    txn.conn.execute(sa.insert(event_sources), links)
    for i, new, row in zip(provisional, real, rows, strict=True):
        index.put(new, index.events[i], index.reports[i])
        index.drop(i)
        if record_each:
            txn.record("add", "event", new, key=row["key"], after=event_values(row))
    return dict(zip(provisional, real, strict=True))


def _with_points(rows: list[dict[str, Any]], dialect: str) -> None:
    encoded = encode_points([r["lon"] for r in rows], [r["lat"] for r in rows], dialect)
    for row, geom in zip(rows, encoded, strict=True):
        row["geom"] = geom


def _update(
    txn: Txn,
    index: MergeIndex,
    event_ids: Sequence[int],
    ids: Mapping[str, int],
    stored: Mapping[int, Sequence[Report]],
) -> None:
    """Replace machine events' fields and links (each row's version goes up by one).

    The history keeps the fields that changed, before and after (with the row version).
    """
    if not event_ids:
        return
    before = fetch_events(txn.conn, event_ids)
    version = pipeline_version()
    rows = [
        event_row(index.events[i], version=version, now=txn.now)
        | {"key": index.reports[i][0].key, "version": before[i]["version"] + 1}
        for i in event_ids
    ]
    _with_points(rows, txn.conn.dialect.name)
    by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for i, row in zip(event_ids, rows, strict=True):
        old, new = event_values(before[i]), event_values(row)
        changed = tuple(name for name, value in new.items() if old.get(name) != value)
        # Only what changed is written (the geometry with lon/lat), grouped so each set is one executemany.
        columns = changed + (("geom",) if "lon" in changed or "lat" in changed else ()) + ("updated_at",)
        by_columns[columns].append({name: row[name] for name in columns} | {"b_id": i})
        txn.record(
            "update", "event", i, key=row["key"],
            before={name: old[name] for name in changed}, after={name: new[name] for name in changed},
        )  # fmt: skip
    for group in by_columns.values():
        txn.conn.execute(sa.update(events).where(events.c.id == sa.bindparam("b_id")), group)
    _relink(txn, index, event_ids, ids, stored)


def _relink(
    txn: Txn,
    index: MergeIndex,
    event_ids: Sequence[int],
    ids: Mapping[str, int],
    stored: Mapping[int, Sequence[Report]],
) -> None:
    """Bring updated events' link rows to their reports: append new ones where the stored ones are
    still the first, in order (the usual case: a new article reports a stored event); else rewrite."""
    rewrite, links = [], []
    for i in event_ids:
        old, new = [r.key for r in stored.get(i, ())], index.reports[i]
        if old and [r.key for r in new[: len(old)]] == old:
            links += _link_rows(i, new[len(old) :], ids, start=len(old))
        else:
            rewrite.append(i)
            links += _link_rows(i, new, ids)
    _delete_links(txn.conn, rewrite)
    if links:
        txn.conn.execute(sa.insert(event_sources), links)


def _delete(txn: Txn, event_ids: Sequence[int], *, note: str) -> None:
    """Delete machine events and their links, keeping each one's last state in the history."""
    if not event_ids:
        return
    rows = fetch_events(txn.conn, event_ids)
    _delete_links(txn.conn, event_ids)
    for chunk in batches(event_ids):
        txn.conn.execute(sa.delete(events).where(events.c.id.in_(chunk)))
    for event_id, row in rows.items():
        txn.record("remove", "event", event_id, key=row["key"], before=event_values(row), note=note)
