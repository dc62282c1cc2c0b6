"""Re-extraction: run the current pipeline over every stored article and update the machine's events.

The new run reads every stored article again, in the order they were added, in one pipeline run
(as ``python -m geodata events`` reads a folder; articles whose extraction failed are retried), and
is matched to the stored events by report key
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
from geodata.articles import Article, ManifestRow, parse_article
from geodata.events import Event
from geodata.store_add import extract_batch
from geodata.store_events import MergeIndex, MergeSession, Report, pipeline_version, report_keys
from geodata.store_tables import articles
from geodata.store_write import FIRST_NEW_ID, Txn, write_session

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
    read, problems = [], {}
    for row in rows:
        article, article_problems = _parse(row)
        problems[row["name"]] = article_problems
        if article is not None:
            read.append(article)
    found, more, failed = extract_batch(read, finder)
    failed |= {
        row["name"]: "; ".join(problems[row["name"]]) or "cannot be read"
        for row in rows
        if row["name"] not in {a.file for a in read}
    }
    for row in rows:
        name = row["name"]
        count = sum(name in event.articles for event in found)
        warnings = problems[name] + [str(p) for p in more if p.file == name]
        _update_article(txn, row, count, warnings, failed.get(name))
    canon = list(
        zip(found, report_keys(found, {row["name"]: row["content_hash"] for row in rows}), strict=True)
    )
    ids = {row["name"]: row["id"] for row in rows}
    owner = {r.key: event_id for event_id, reports in merge.reports.items() for r in reports}
    matched = _match(canon, owner)
    frozen_keys = {r.key for event_id in merge.frozen for r in merge.reports[event_id]}
    touched: Counter[tuple[str, str]] = Counter()
    session = MergeSession(merge, first_new_id=FIRST_NEW_ID)
    stored = list(merge.events)
    for event_id in stored:
        gone = event_id not in matched.values() and event_id not in merge.frozen
        if gone and not any(r.article in failed for r in merge.reports[event_id]):
            _count(touched, "removed", merge.reports[event_id])
            session.delete(event_id)
    changed = inserted = kept = 0
    for i, (event, reports) in enumerate(canon):
        own = [r for r in reports if r.key not in frozen_keys]
        target = matched.get(i)
        if target is not None and target in merge.frozen:
            kept += 1
            _count(touched, "kept", reports)
        elif not own:
            continue  # every report belongs to an event a person reviewed
        elif target is None:
            inserted += 1
            session.insert(event, own)
            _count(touched, "added", own)
        elif event != merge.events[target] or [r.key for r in own] != [r.key for r in merge.reports[target]]:
            changed += 1
            _count(touched, "changed", [*own, *merge.reports[target]])
            session.replace(target, event, own)
    write_session(txn, session, ids, removed_note="no longer found by the pipeline")
    removed = len(session.deleted)
    txn.record(
        "reextract", "store", None, note=f"pipeline {pipeline_version()}",
        after={"added": inserted, "changed": changed, "removed": removed},
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
    return ReextractReport(per_article, inserted, changed, removed, kept)


def _parse(row: sa.RowMapping) -> tuple[Article | None, list[str]]:
    given = row["published"] if row["date_source"] == "manifest" else None
    manifest = ManifestRow(row["name"], given, row["outlet"], row["url"] or "")
    article, problems = parse_article(row["text"], row["name"], manifest_row=manifest)
    return article, [str(p) for p in problems]


def _update_article(txn: Txn, row: sa.RowMapping, count: int, problems: list[str], error: str | None) -> None:
    values = {
        "extraction_error": error,
        "pipeline_version": pipeline_version(),
        "events": count,
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
