"""Adding articles: check each against the stored ones, read it, and merge its events in.

:func:`prepare_batch` runs before the write transaction (the pipeline is the slow part, and nothing is
locked while it runs): it finds a stored article with the same normalised text or URL, gives the
article a name no other stored article has, and runs the pipeline. :func:`store_prepared` then, in
one transaction, inserts the articles, merges their events into the stored ones
(:func:`geodata.store_events.plan_merge`) and writes the events, links and history.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import sqlalchemy as sa

from geodata import events as pipeline
from geodata._collector import paused
from geodata._errors import Problem
from geodata.articles import Article, parse_article
from geodata.intake import ArticleInput, ArticleMeta
from geodata.store_events import MergeIndex, MergeSession, content_hash, pipeline_version, report_keys
from geodata.store_tables import articles
from geodata.store_write import FIRST_NEW_ID, ArticleIndex, Txn, allocate_ids, write_session

__all__ = ["AddResult", "Batch", "Prepared", "Preview", "extract_batch", "prepare_batch", "store_prepared"]

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
    """An article checked against the store and parsed, ready to write.

    ``duplicate_of`` is the stored article it repeats; ``twin`` an earlier article of the same
    batch it repeats. Neither is stored again.
    """

    item: ArticleInput
    digest: str
    name: str
    article: Article | None
    problems: tuple[Problem, ...] = ()
    error: str | None = None
    duplicate_of: tuple[int, str, str] | None = None
    twin: Prepared | None = None

    @property
    def fresh(self) -> bool:
        """Whether it is to be stored (not a repeat)."""
        return self.duplicate_of is None and self.twin is None


@dataclass
class Batch:
    """Articles prepared together, and the events the pipeline read out of the fresh ones."""

    entries: list[Prepared]
    events: tuple[pipeline.Event, ...]


def prepare_batch(
    items: Sequence[tuple[ArticleInput, Article | Preview | None]],
    known: ArticleIndex,
    finder: pipeline.PlaceFinder,
) -> Batch:
    """Check articles against the stored ones and each other, name and parse them, and run the
    pipeline over the fresh ones at once (as ``events`` does over a folder). Nothing is written."""
    entries: list[Prepared] = []
    seen: dict[str, Prepared] = {}
    for item, ready in items:
        digest, url = content_hash(item.text), item.meta.url.strip()
        duplicate = known.by_hash.get(digest) or (known.by_url.get(url) if url else None)
        twin = seen.get(digest) or (seen.get("url:" + url) if url else None)
        given = item.meta.name or f"article-{digest[:12]}.txt"
        if duplicate is not None or twin is not None:
            entries.append(Prepared(item, digest, given, None, duplicate_of=duplicate, twin=twin))
            continue
        name = _unique_name(given, known.ids, seen, digest)
        entry = _parsed(item, digest, name, ready)
        seen[digest] = seen["name:" + name] = entry
        if url:
            seen["url:" + url] = entry
        entries.append(entry)
    readable = [e for e in entries if e.fresh and e.article is not None]
    ready_runs = [r for _, r in items if isinstance(r, Preview)]
    if len(items) == 1 and ready_runs and readable and ready_runs[0].article == readable[0].article:
        preview = ready_runs[0]  # the app's preview of this very article: no second extraction
        found, problems, errors = preview.run.events, preview.run.problems, {}
        if preview.error:
            errors[readable[0].name] = preview.error
    else:
        found, problems, errors = extract_batch([e.article for e in readable if e.article], finder)
    for entry in readable:
        entry.problems += tuple(p for p in problems if p.file == entry.name)
        entry.error = errors.get(entry.name)
    return Batch(entries, tuple(found))


def _parsed(item: ArticleInput, digest: str, name: str, ready: Article | Preview | None) -> Prepared:
    if isinstance(ready, Preview) and ready.article is not None and ready.article.file == name:
        return Prepared(item, digest, name, ready.article)
    if isinstance(ready, Article) and ready.file == name:
        return Prepared(item, digest, name, ready)
    row = dataclasses.replace(item.meta, name=name).manifest_row()
    article, problems = parse_article(item.text, name, manifest_row=row)
    if article is None:
        error = "; ".join(p.message for p in problems if p.severity == "error") or "cannot be read"
        return Prepared(item, digest, name, None, tuple(problems), error)
    return Prepared(item, digest, name, article, tuple(problems))


def extract_batch(
    read: Sequence[Article], finder: pipeline.PlaceFinder
) -> tuple[tuple[pipeline.Event, ...], tuple[Problem, ...], dict[str, str]]:
    """The pipeline over ``read`` at once; an article it fails on is set apart with its error."""
    if not read:
        return (), (), {}
    try:
        found, problems = pipeline.extract_from_articles(read, finder)
        return found, problems, {}
    except Exception:  # a pipeline bug on one article must not stop the rest: find it, store its error
        log.exception("the pipeline failed on a batch of %d articles; finding which", len(read))
    errors: dict[str, str] = {}
    good = []
    for article in read:
        try:
            pipeline.extract_from_articles([article], finder)
            good.append(article)
        except Exception as exc:  # stored with the article; reextract retries it
            errors[article.file] = f"{type(exc).__name__}: {exc}"
    found, problems = pipeline.extract_from_articles(good, finder)
    return found, problems, errors


def store_prepared(txn: Txn, known: ArticleIndex, merge: MergeIndex, batch: Batch) -> list[AddResult]:
    """Write the batch's fresh articles and merge their events into the stored ones (inside ``txn``)."""
    with paused():
        results = _store_prepared(txn, known, merge, batch)
        txn.flush()
    return results


def _store_prepared(txn: Txn, known: ArticleIndex, merge: MergeIndex, batch: Batch) -> list[AddResult]:
    fresh = [e for e in batch.entries if e.fresh]
    reading: dict[str, int] = {}
    for event in batch.events:
        for name in event.articles:
            reading[name] = reading.get(name, 0) + 1
    ids = _insert_articles(txn, fresh, known, reading)
    keyed = report_keys(batch.events, {e.name: e.digest for e in fresh})
    session = MergeSession(merge, first_new_id=FIRST_NEW_ID)
    for event, reports in zip(batch.events, keyed, strict=True):
        session.add(event, reports)
    new_ids = write_session(
        txn, session, known.ids, removed_note="merged into another event", record_new=False
    )
    first = [merge.reports[i][0].article for i in new_ids.values()]
    brought: dict[str, list[int]] = {}
    for event_id, name in zip(new_ids.values(), first, strict=True):
        brought.setdefault(name, []).append(event_id)
    _record_articles(txn, fresh, ids, brought)
    results = []
    for entry in batch.entries:
        if entry.fresh:
            status = "failed" if entry.error else "added"
            count, new = reading.get(entry.name, 0), first.count(entry.name)
            results.append(
                AddResult(entry.name, status, ids[entry.name], None, count, new, entry.error, entry.problems)
            )
            continue
        match = entry.duplicate_of
        if match is None and entry.twin is not None:
            twin = entry.twin
            match = (ids[twin.name], twin.name, twin.article.title if twin.article else twin.name)
        results.append(AddResult(entry.name, "duplicate", duplicate_of=match, problems=entry.problems))
    return results


def _insert_articles(
    txn: Txn, fresh: Sequence[Prepared], known: ArticleIndex, reading: Mapping[str, int]
) -> dict[str, int]:
    if not fresh:
        return {}
    version = pipeline_version()
    rows = [_article_row(e, txn, version, reading.get(e.name, 0)) for e in fresh]
    new_ids = allocate_ids(txn.conn, articles, len(rows))
    txn.conn.execute(sa.insert(articles), [row | {"id": i} for row, i in zip(rows, new_ids, strict=True)])
    for article_id, row in zip(new_ids, rows, strict=True):
        known.add(article_id, row["name"], row["title"], row["content_hash"], row["url"])
    return {row["name"]: article_id for article_id, row in zip(new_ids, rows, strict=True)}


def _record_articles(
    txn: Txn, fresh: Sequence[Prepared], ids: Mapping[str, int], new: Mapping[str, list[int]]
) -> None:
    """One history row per added article: the article (without its text) and the events it brought."""
    for entry in fresh:
        article = entry.article
        after = {
            "name": entry.name, "title": article.title if article else None, "outlet": entry.item.meta.outlet,
            "url": entry.item.meta.url or None, "published": article.published if article else None,
            "characters": len(entry.item.text), "extraction_error": entry.error,
            "new_events": new.get(entry.name, []),
        }  # fmt: skip
        txn.record("add", "article", ids[entry.name], key=entry.digest, after=after)


def _article_row(entry: Prepared, txn: Txn, version: str, count: int) -> dict[str, Any]:
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
        "events": count,
        "warnings": [str(p) for p in entry.problems],
    }


def _unique_name(name: str, stored: Mapping[str, int], batch: Mapping[str, Prepared], digest: str) -> str:
    if name not in stored and "name:" + name not in batch:
        return name
    path = Path(name)
    return f"{path.stem}-{digest[:8]}{path.suffix}"
