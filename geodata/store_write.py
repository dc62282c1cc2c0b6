"""Writing inside one store transaction: the revision, history rows, articles, events and their links.

Every write goes through a :class:`Txn`: it bumps the store's revision first (which on PostgreSQL
also queues concurrent writers on that one row), collects a history row for every change, and
writes them in the same transaction, so a change and its record land together or not at all.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.engine.row import RowMapping

from geodata.events import Event, Source
from geodata.store_events import MergeIndex, Report, event_from_row, event_row, pipeline_version
from geodata.store_tables import articles, event_sources, events, history, now, store_info

__all__ = ["ArticleIndex", "Txn", "begin", "load_articles_index", "load_merge_index"]

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
    ) -> None:
        """Note a change; written by :meth:`flush` in the same transaction."""
        self.history.append(
            {
                "revision": self.revision, "at": self.now, "by": self.by, "action": action,
                "entity": entity, "entity_id": entity_id, "key": key, "note": note,
                "before": jsonable(before) if before is not None else None,
                "after": jsonable(after) if after is not None else None,
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


def jsonable(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row as JSON values: dates as ISO text, geometry left out (``lon``/``lat`` carry it)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if key == "geom":
            continue
        if isinstance(value, dt.date | dt.datetime):
            value = value.isoformat()
        elif isinstance(value, float) and math.isnan(value):
            value = None
        out[key] = value
    return out


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
        articles.c.name, articles.c.outlet, articles.c.url, articles.c.published,
    )  # fmt: skip
    links: dict[int, list[tuple[Source, Report]]] = {}
    query = (
        sa.select(*link_cols)
        .join(articles, articles.c.id == event_sources.c.article_id)
        .order_by(event_sources.c.event_id, event_sources.c.position)
    )
    for r in conn.execute(query):
        source = Source(r.name, r.sentence, r.outlet, r.url or "", r.published)
        report = Report(r.key, r.name, r.sentence, r.sentence_hash, r.kind, r.ordinal)
        links.setdefault(r.event_id, []).append((source, report))
    for row in conn.execute(sa.select(events).order_by(events.c.id)).mappings():
        found = links.get(row["id"], [])
        event = event_from_row(row, [s for s, _ in found])
        index.put(row["id"], event, [r for _, r in found], frozen=row["review"] != "machine")
    return index


# --- events and links ---------------------------------------------------------------------------


def _link_rows(
    event_id: int, reports: Sequence[Report], ids: Mapping[str, int], start: int = 0
) -> list[dict[str, Any]]:
    return [
        {
            "event_id": event_id, "article_id": ids[r.article], "position": start + i, "key": r.key,
            "sentence": r.sentence, "sentence_hash": r.sentence_hash, "kind": r.kind, "ordinal": r.ordinal,
        }
        for i, r in enumerate(reports)
    ]  # fmt: skip


def event_values(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The describing fields of an ``events`` row (for history)."""
    return {name: row[name] for name in _EVENT_FIELDS if name in row}


def fetch_events(conn: Connection, ids: Iterable[int]) -> dict[int, RowMapping]:
    """``events`` rows by id."""
    wanted = list(ids)
    if not wanted:
        return {}
    rows = conn.execute(sa.select(events).where(events.c.id.in_(wanted))).mappings()
    return {row["id"]: row for row in rows}


def insert_events(
    txn: Txn, found: Sequence[tuple[Event, Sequence[Report]]], ids: Mapping[str, int], index: MergeIndex
) -> list[int]:
    """Insert new machine events and their links; returns their ids."""
    if not found:
        return []
    version = pipeline_version()
    rows = [
        event_row(event, version=version, now=txn.now) | {"key": reports[0].key, "created_at": txn.now}
        for event, reports in found
    ]
    stmt = sa.insert(events).returning(events.c.id, sort_by_parameter_order=True)
    new_ids = list(txn.conn.execute(stmt, rows).scalars())
    links = [
        link for i, (_, reports) in zip(new_ids, found, strict=True) for link in _link_rows(i, reports, ids)
    ]
    txn.conn.execute(sa.insert(event_sources), links)
    for event_id, row, (event, reports) in zip(new_ids, rows, found, strict=True):
        index.put(event_id, event, reports)
        txn.record("add", "event", event_id, key=row["key"], after=event_values(row))
    return new_ids


def update_event(
    txn: Txn,
    event_id: int,
    event: Event,
    reports: Sequence[Report],
    ids: Mapping[str, int],
    index: MergeIndex,
) -> None:
    """Replace a machine event's fields and links (its row version goes up by one)."""
    before = fetch_events(txn.conn, [event_id])[event_id]
    row = event_row(event, version=pipeline_version(), now=txn.now) | {"key": reports[0].key}
    txn.conn.execute(
        sa.update(events).where(events.c.id == event_id).values(**row, version=events.c.version + 1)
    )
    txn.conn.execute(sa.delete(event_sources).where(event_sources.c.event_id == event_id))
    txn.conn.execute(sa.insert(event_sources), _link_rows(event_id, reports, ids))
    index.put(event_id, event, reports)
    after = dict(event_values(before)) | event_values(row) | {"version": before["version"] + 1}
    txn.record("update", "event", event_id, key=row["key"], before=event_values(before), after=after)


def link_reports(
    txn: Txn, event_id: int, reports: Sequence[Report], ids: Mapping[str, int], index: MergeIndex
) -> None:
    """Add reports to an event a person has reviewed, leaving its fields as the person left them."""
    known = {r.key for r in index.reports[event_id]}
    extra = [r for r in reports if r.key not in known]
    if not extra:
        return
    start = len(index.reports[event_id])
    txn.conn.execute(sa.insert(event_sources), _link_rows(event_id, extra, ids, start))
    old = index.events[event_id]
    sources = old.sources + tuple(Source(r.article, r.sentence) for r in extra)
    index.put(event_id, replace(old, sources=sources), index.reports[event_id] + extra, frozen=True)
    txn.record("link", "event", event_id, after={"reports": [r.key for r in extra]})


def delete_events(txn: Txn, event_ids: Sequence[int], index: MergeIndex, *, note: str) -> None:
    """Delete machine events (and their links), keeping each one's last state in the history."""
    rows = fetch_events(txn.conn, event_ids)
    if not rows:
        return
    txn.conn.execute(sa.delete(event_sources).where(event_sources.c.event_id.in_(list(rows))))
    txn.conn.execute(sa.delete(events).where(events.c.id.in_(list(rows))))
    for event_id, row in rows.items():
        index.drop(event_id)
        txn.record("remove", "event", event_id, key=row["key"], before=event_values(row), note=note)
