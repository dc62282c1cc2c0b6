"""Re-extraction: run the current pipeline over every stored article and update the machine's events.

The new run reads each article again (articles whose extraction failed are retried), merges the
events in the order the articles were added, and is matched to the stored events by report key
(:mod:`geodata.store_events`): first by an event's first report, then by any of its reports.

- A matched machine event whose fields or reports differ is **changed** (its row version goes up).
- A new event with no match is **added**; a stored machine event with no match is **removed**
  (unless one of its articles failed this time: then it is kept until the article reads again).
- An event a person has reviewed (``review`` not ``machine``) is never touched: not its fields, not
  its reports. When the machine now sees it differently it is counted as **kept**.

Everything happens in one transaction: an interrupted ``reextract`` changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from geodata import events as pipeline
from geodata.articles import ManifestRow, parse_article
from geodata.events import Event
from geodata.store_events import MergeIndex, Report, pipeline_version, plan_merge, report_keys
from geodata.store_tables import articles, event_sources
from geodata.store_write import Txn, delete_events, insert_events, update_event

__all__ = ["ArticleChanges", "ReextractReport", "reextract"]


@dataclass(frozen=True)
class ArticleChanges:
    """What re-extraction changed among the events one article reports."""

    article_id: int
    name: str
    added: int
    changed: int
    removed: int
    kept: int
    error: str | None
    retried: bool  # its extraction had failed before


@dataclass(frozen=True)
class ReextractReport:
    """The whole run: per article, and the totals (an event is counted once in the totals)."""

    articles: tuple[ArticleChanges, ...]
    added: int
    changed: int
    removed: int
    kept: int

    @property
    def failed(self) -> tuple[ArticleChanges, ...]:
        """Articles whose extraction fails now."""
        return tuple(a for a in self.articles if a.error)


def reextract(txn: Txn, merge: MergeIndex, finder: pipeline.PlaceFinder) -> ReextractReport:
    """Re-read every stored article and bring the machine's events up to date (inside ``txn``)."""
    rows = txn.conn.execute(sa.select(articles).order_by(articles.c.id)).mappings().all()
    found: list[tuple[Event, list[Report]]] = []
    failed: dict[str, str] = {}
    for row in rows:
        events, problems, error = _extract(row, finder)
        if error:
            failed[row["name"]] = error
        keyed = report_keys(row["content_hash"], events)
        found.extend(zip(events, keyed, strict=True))
        _update_article(txn, row, events, problems, error)
    canon = plan_merge([], found).inserts
    ids = {row["name"]: row["id"] for row in rows}
    owner = {r.key: event_id for event_id, reports in merge.reports.items() for r in reports}
    matched = _match(canon, owner)
    frozen_keys = {r.key for event_id in merge.frozen for r in merge.reports[event_id]}
    touched: Counter[tuple[str, str]] = Counter()

    removed = [
        event_id
        for event_id in merge.events
        if event_id not in matched.values()
        and event_id not in merge.frozen
        and not any(r.article in failed for r in merge.reports[event_id])
    ]
    for event_id in removed:
        _count(touched, "removed", merge.reports[event_id])
    delete_events(txn, removed, merge, note="no longer found by the pipeline")

    updates, inserts = [], []
    for i, (event, reports) in enumerate(canon):
        own = [r for r in reports if r.key not in frozen_keys]
        target = matched.get(i)
        if target is not None and target in merge.frozen:
            _count(touched, "kept", reports)
        elif not own:
            continue  # every report belongs to an event a person reviewed
        elif target is None:
            inserts.append((event, own))
            _count(touched, "added", own)
        elif event != merge.events[target] or [r.key for r in own] != [r.key for r in merge.reports[target]]:
            updates.append((target, event, own))
            _count(touched, "changed", [*own, *merge.reports[target]])
    if updates:  # reports may move between events: free their keys first
        moving = [target for target, _, _ in updates]
        txn.conn.execute(sa.delete(event_sources).where(event_sources.c.event_id.in_(moving)))
    for target, event, own in updates:
        update_event(txn, target, event, own, ids, merge)
    insert_events(txn, inserts, ids, merge)
    txn.record(
        "reextract", "store", None, note=f"pipeline {pipeline_version()}",
        after={"added": len(inserts), "changed": len(updates), "removed": len(removed)},
    )  # fmt: skip
    per_article = tuple(
        ArticleChanges(
            row["id"],
            row["name"],
            touched[(row["name"], "added")],
            touched[(row["name"], "changed")],
            touched[(row["name"], "removed")],
            touched[(row["name"], "kept")],
            failed.get(row["name"]),
            bool(row["extraction_error"]),
        )
        for row in rows
    )
    kept = sum(1 for i, target in matched.items() if target in merge.frozen)
    return ReextractReport(per_article, len(inserts), len(updates), len(removed), kept)


def _extract(
    row: sa.RowMapping, finder: pipeline.PlaceFinder
) -> tuple[tuple[Event, ...], list[str], str | None]:
    given = row["published"] if row["date_source"] == "manifest" else None
    manifest = ManifestRow(row["name"], given, row["outlet"], row["url"] or "")
    article, problems = parse_article(row["text"], row["name"], manifest_row=manifest)
    if article is None:
        return (), [str(p) for p in problems], "; ".join(p.message for p in problems) or "cannot be read"
    try:
        events, more = pipeline.extract_from_articles([article], finder)
    except Exception as exc:  # one article's failure is stored with it; the others go on
        return (), [str(p) for p in problems], f"{type(exc).__name__}: {exc}"
    return tuple(events), [str(p) for p in [*problems, *more]], None


def _update_article(
    txn: Txn, row: sa.RowMapping, events: tuple[Event, ...], problems: list[str], error: str | None
) -> None:
    values = {
        "extraction_error": error,
        "pipeline_version": pipeline_version(),
        "events": len(events),
        "warnings": problems,
    }
    if all(row[k] == v for k, v in values.items()):
        return
    txn.conn.execute(sa.update(articles).where(articles.c.id == row["id"]).values(**values))
    before = {k: row[k] for k in values}
    txn.record("reextract", "article", row["id"], key=row["content_hash"], before=before, after=values)


def _match(canon: list[tuple[Event, list[Report]]], owner: dict[str, int]) -> dict[int, int]:
    """New event index -> stored event id: by first report key, then by any report key."""
    matched: dict[int, int] = {}
    used: set[int] = set()
    for by_first in (True, False):
        for i, (_, reports) in enumerate(canon):
            if i in matched:
                continue
            keys = reports[:1] if by_first else reports[1:]
            target = next((owner[r.key] for r in keys if r.key in owner and owner[r.key] not in used), None)
            if target is not None:
                matched[i] = target
                used.add(target)
    return matched


def _count(touched: Counter[tuple[str, str]], what: str, reports: Iterable[Report]) -> None:
    for name in {r.article for r in reports}:
        touched[(name, what)] += 1
