"""Adding articles: check each against the stored ones, read it, and merge its events in.

:func:`prepare` runs before the write transaction (the pipeline is the slow part, and nothing is
locked while it runs): it finds a stored article with the same normalised text or URL, gives the
article a name no other stored article has, and runs the pipeline. :func:`store_prepared` then, in
one transaction, inserts the articles, merges their events into the stored ones
(:func:`geodata.store_events.plan_merge`) and writes the events, links and history.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import sqlalchemy as sa

from geodata import events as pipeline
from geodata._errors import Problem
from geodata.articles import Article, parse_article
from geodata.intake import ArticleInput, ArticleMeta
from geodata.store_events import MergeIndex, pipeline_version, plan_merge, report_keys
from geodata.store_tables import articles
from geodata.store_write import (
    ArticleIndex,
    Txn,
    delete_events,
    insert_events,
    link_reports,
    update_event,
)

__all__ = ["AddResult", "Prepared", "Preview", "prepare", "recheck", "store_prepared"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddResult:
    """What happened to one article given to :meth:`Store.add_articles`.

    Attributes
    ----------
    name
        Its name in the store (the given name, made unique if another article has it).
    status
        ``added``, ``failed`` (stored with its extraction error; ``reextract`` retries it) or
        ``duplicate`` (not stored: ``duplicate_of`` is the stored article's id, name and title).
    events
        Events read from it; ``new_events`` of them are new to the store, the rest merged into
        events other stored articles reported.
    """

    name: str
    status: str
    article_id: int | None = None
    duplicate_of: tuple[int, str, str] | None = None
    events: int = 0
    new_events: int = 0
    error: str | None = None
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Preview:
    """The pipeline's reading of an article, before saving (:meth:`Store.preview`)."""

    text: str
    meta: ArticleMeta
    article: Article | None
    run: pipeline.EventRun
    error: str | None
    duplicate_of: tuple[int, str, str] | None
    pipeline_version: str

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """The events found, as the ``events`` layer (``events.events_frame``)."""
        return pipeline.events_frame(self.run.events)


@dataclass
class Prepared:
    """An article checked against the store and read by the pipeline, ready to write."""

    item: ArticleInput
    digest: str
    name: str
    article: Article | None
    found: tuple[pipeline.Event, ...] = ()
    problems: tuple[Problem, ...] = ()
    error: str | None = None
    duplicate_of: tuple[int, str, str] | None = None


def prepare(
    item: ArticleInput,
    digest: str,
    known: ArticleIndex,
    taken: set[str],
    finder: pipeline.PlaceFinder,
    ready: Article | Preview | None = None,
) -> Prepared:
    """Check an article against the stored ones, name it, and run the pipeline on it (no writing)."""
    url = item.meta.url.strip()
    duplicate = known.by_hash.get(digest) or (known.by_url.get(url) if url else None)
    given = item.meta.name or f"article-{digest[:12]}.txt"
    if duplicate is not None:
        return Prepared(item, digest, given, None, duplicate_of=duplicate)
    name = _unique_name(given, set(known.ids) | taken, digest)
    if isinstance(ready, Preview) and ready.article is not None and ready.article.file == name:
        return Prepared(item, digest, name, ready.article, ready.run.events, ready.run.problems, ready.error)
    article = ready if isinstance(ready, Article) and ready.file == name else None
    problems: list[Problem] = []
    if article is None:
        row = dataclasses.replace(item.meta, name=name).manifest_row()
        article, problems = parse_article(item.text, name, manifest_row=row)
    if article is None:
        error = "; ".join(p.message for p in problems if p.severity == "error") or "cannot be read"
        return Prepared(item, digest, name, None, problems=tuple(problems), error=error)
    try:
        found, more = pipeline.extract_from_articles([article], finder)
    except Exception as exc:  # a pipeline bug on one article must not stop the rest: stored, retried
        log.exception("extraction failed on %s", name)
        return Prepared(item, digest, name, article, error=f"{type(exc).__name__}: {exc}")
    return Prepared(item, digest, name, article, tuple(found), tuple(problems) + tuple(more))


def recheck(entry: Prepared, known: ArticleIndex, finder: pipeline.PlaceFinder) -> Prepared:
    """``entry`` again after another writer changed the store since it was prepared."""
    url = entry.item.meta.url.strip()
    duplicate = known.by_hash.get(entry.digest) or (known.by_url.get(url) if url else None)
    if duplicate is not None:
        return dataclasses.replace(entry, duplicate_of=duplicate)
    if entry.name in known.ids:
        return prepare(entry.item, entry.digest, known, set(), finder)
    return entry


def store_prepared(
    txn: Txn, known: ArticleIndex, merge: MergeIndex, prepared: list[Prepared]
) -> list[AddResult]:
    """Write prepared articles and merge their events into the stored ones (inside ``txn``)."""
    results: list[AddResult] = []
    fresh: list[Prepared] = []
    batch_hashes: dict[str, Prepared] = {}
    for entry in prepared:
        url = entry.item.meta.url.strip()
        twin = batch_hashes.get(entry.digest) or (batch_hashes.get("url:" + url) if url else None)
        if entry.duplicate_of is None and twin is None:
            fresh.append(entry)
            batch_hashes[entry.digest] = entry
            if url:
                batch_hashes["url:" + url] = entry
    ids = _insert_articles(txn, fresh, known)
    keyed = {e.name: report_keys(e.digest, e.found) for e in fresh}
    new = [(event, reports) for e in fresh for event, reports in zip(e.found, keyed[e.name], strict=True)]
    plan = plan_merge(merge.candidates(event for event, _ in new), new, frozen=merge.frozen)
    delete_events(txn, [gone for gone, _ in plan.absorbed], merge, note="merged into another event")
    for target, event, reports in plan.updates:
        if target in merge.frozen:
            link_reports(txn, target, reports, known.ids, merge)
        else:
            update_event(txn, target, event, reports, known.ids, merge)
    insert_events(txn, plan.inserts, known.ids, merge)
    first_article = [reports[0].article for _, reports in plan.inserts]
    for entry in prepared:
        url = entry.item.meta.url.strip()
        if entry in fresh:
            error = entry.error
            results.append(
                AddResult(
                    entry.name,
                    "failed" if error else "added",
                    ids[entry.name],
                    None,
                    len(entry.found),
                    first_article.count(entry.name),
                    error,
                    entry.problems,
                )
            )
            continue
        match = entry.duplicate_of
        if match is None:
            twin = batch_hashes.get(entry.digest) or batch_hashes["url:" + url]
            match = (ids[twin.name], twin.name, twin.article.title if twin.article else twin.name)
        results.append(AddResult(entry.name, "duplicate", duplicate_of=match, problems=entry.problems))
    return results


def _insert_articles(txn: Txn, fresh: Sequence[Prepared], known: ArticleIndex) -> dict[str, int]:
    if not fresh:
        return {}
    version = pipeline_version()
    rows = [_article_row(e, txn, version) for e in fresh]
    stmt = sa.insert(articles).returning(articles.c.id, sort_by_parameter_order=True)
    new_ids = list(txn.conn.execute(stmt, rows).scalars())
    for article_id, row in zip(new_ids, rows, strict=True):
        known.add(article_id, row["name"], row["title"], row["content_hash"], row["url"])
        summary = {k: v for k, v in row.items() if k != "text"} | {"characters": len(row["text"])}
        txn.record("add", "article", article_id, key=row["content_hash"], after=summary)
    return {row["name"]: article_id for article_id, row in zip(new_ids, rows, strict=True)}


def _article_row(entry: Prepared, txn: Txn, version: str) -> dict[str, Any]:
    article, meta = entry.article, entry.item.meta
    title = article.title if article else (entry.item.text.strip().splitlines() or [entry.name])[0][:500]
    return {
        "name": entry.name,
        "title": title,
        "text": entry.item.text,
        "outlet": meta.outlet.strip(),
        "url": meta.url.strip() or None,
        "published": article.published if article else meta.published,
        "date_source": article.date_source if article else ("manifest" if meta.published else "none"),
        "content_hash": entry.digest,
        "added_at": txn.now,
        "added_by": txn.by,
        "extraction_error": entry.error,
        "pipeline_version": version,
        "events": len(entry.found),
        "warnings": [str(p) for p in entry.problems],
    }


def _unique_name(name: str, taken: set[str], digest: str) -> str:
    if name not in taken:
        return name
    path = Path(name)
    return f"{path.stem}-{digest[:8]}{path.suffix}"
