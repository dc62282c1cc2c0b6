"""Re-extraction: run the current pipeline over every stored article and update the machine's events.

The new run reads every stored article again, in the order they were added, in one pipeline run
(as ``python -m geodata events`` reads a folder; articles whose extraction failed are retried), and
is matched to the stored events by report key (:mod:`geodata.store_events`): first a new event
whose first report is a stored event's first report, then by its first report anywhere, then by
any of its reports, and last (for events a person reviewed) by the article and sentence alone, so
a pipeline that now reads a person's sentence as another kind still finds the person's event.

- A matched machine event whose fields or reports differ is **changed** (its row version goes up).
- A new event with no match is **added**; a stored machine event with no match is **removed**
  (unless one of its articles failed this time: then it is kept until the article reads again).
- An event a person has reviewed (``review`` not ``machine``) keeps the person's version: fields,
  review state, version, and the reports the person left it with. Matched, it is counted as
  **kept by review**; new reports the machine now gives it are linked to it (to a rejected event
  only those from its own sentences: a report elsewhere is a new claim, and comes as a new machine
  event for review). A merged event's parts match the merged event; a split-off part matches by
  its own reports; an added event by its sentence.
- When the machine's proposal for an accepted, edited or added event differs from the one the
  person decided on (``events.machine``, or the last one listed) and from the person's version,
  or when it no longer finds an event it used to propose, a **disagreement** is listed
  (``disagreements``; :func:`geodata.review_queue.disagreement_list`), never applied; a newer
  one supersedes an older open one of the same event.

Everything happens in one transaction: an interrupted ``reextract`` changes nothing.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from geodata import events as pipeline
from geodata.articles import Article, parse_article
from geodata.events import Event
from geodata.manifest import ManifestRow
from geodata.review_state import proposal
from geodata.store_add import extract_batch
from geodata.store_events import MergeIndex, MergeSession, Report, event_row, pipeline_version, report_keys
from geodata.store_tables import articles, disagreements, events
from geodata.store_write import FIRST_NEW_ID, Txn, allocate_ids, write_session

__all__ = ["ArticleChanges", "ReextractReport", "parse_stored", "reextract"]


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
    disagreements: int = 0


@dataclass(frozen=True)
class ReextractReport:
    """The whole run: per article, and the totals (an event is counted once in the totals).

    ``kept`` counts the reviewed events the new run found again (their people's versions kept);
    ``disagreements`` the new "machine disagrees" items listed for review.
    """

    articles: tuple[ArticleChanges, ...]
    added: int
    changed: int
    removed: int
    kept: int
    disagreements: int = 0

    @property
    def failed(self) -> tuple[ArticleChanges, ...]:
        """Articles whose extraction fails now."""
        return tuple(a for a in self.articles if a.error)


def reextract(txn: Txn, merge: MergeIndex, finder: pipeline.PlaceFinder) -> ReextractReport:
    """Re-read every stored article and bring the machine's events up to date (inside ``txn``)."""
    rows = txn.conn.execute(sa.select(articles).order_by(articles.c.id)).mappings().all()
    read, problems = [], {}
    for row in rows:
        article, article_problems = parse_stored(row)
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
    matched = _match(canon, merge)
    frozen_keys = {r.key for event_id in merge.frozen for r in merge.reports[event_id]}
    leftovers = _leftovers(canon, matched, merge, frozen_keys)
    taken = set(matched.values()) | {holder for _, holder in leftovers.values() if holder is not None}
    touched: Counter[tuple[str, str]] = Counter()
    session = MergeSession(merge, first_new_id=FIRST_NEW_ID)
    stored = list(merge.events)
    for event_id in stored:
        gone = event_id not in taken and event_id not in merge.frozen
        if gone and not any(r.article in failed for r in merge.reports[event_id]):
            _count(touched, "removed", merge.reports[event_id])
            session.delete(event_id)
    changed = inserted = kept = 0
    proposals: dict[int, Event] = {}
    for i, (event, reports) in enumerate(canon):
        own = [r for r in reports if r.key not in frozen_keys]
        target = matched.get(i)
        if target is not None and target in merge.frozen:
            kept += 1
            _count(touched, "kept", reports)
            proposals[target] = event
            if target not in merge.closed:
                session.link(target, own)  # the person's event gains the machine's new reports
                continue
            mine = {_sentence(r.key) for r in merge.reports[target]}
            session.link(target, [r for r in own if _sentence(r.key) in mine])
            if i not in leftovers:
                continue
            own, target = leftovers[i]  # reports elsewhere: a claim of their own, a machine event
        if not own:
            continue  # every report belongs to an event a person reviewed
        if len(own) != len(reports):  # the event as its own reports tell it (first report first)
            event = dataclasses.replace(event, sources=tuple(r.source for r in own))
        if target is None:
            inserted += 1
            session.insert(event, own)
            _count(touched, "added", own)
        elif event != merge.events[target] or [r.key for r in own] != [r.key for r in merge.reports[target]]:
            changed += 1
            _count(touched, "changed", [*own, *merge.reports[target]])
            session.replace(target, event, own)
    write_session(txn, session, ids, removed_note="no longer found by the pipeline")
    removed = len(session.deleted)
    unsure = {i for i in merge.frozen if any(r.article in failed for r in merge.reports[i])}
    listed = _disagreements(txn, merge, proposals, unsure)
    for event_id in listed:
        _count(touched, "disagreements", merge.reports[event_id])
    txn.record(
        "reextract", "store", None, note=f"pipeline {pipeline_version()}",
        after={"added": inserted, "changed": changed, "removed": removed, "kept": kept,
               "disagreements": len(listed)},
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
            touched[(row["name"], "disagreements")],
        )
        for row in rows
    )
    return ReextractReport(per_article, inserted, changed, removed, kept, len(listed))


def _sentence(key: str) -> str:
    """A report key's article and sentence part (``<article>:<sentence>``)."""
    return key.rsplit(":", 2)[0]


def _leftovers(
    canon: list[tuple[Event, list[Report]]],
    matched: Mapping[int, int],
    merge: MergeIndex,
    frozen_keys: set[str],
) -> dict[int, tuple[list[Report], int | None]]:
    """For new events matched to a rejected event: their reports from other sentences (a claim of
    their own), and the machine event that holds them now (``None``: none does, it is new)."""
    owner = {r.key: event_id for event_id, reports in merge.reports.items() for r in reports}
    taken = set(matched.values())
    found: dict[int, tuple[list[Report], int | None]] = {}
    for i, target in sorted(matched.items()):
        if target not in merge.closed:
            continue
        mine = {_sentence(r.key) for r in merge.reports[target]}
        rest = [r for r in canon[i][1] if r.key not in frozen_keys and _sentence(r.key) not in mine]
        if not rest:
            continue
        holders = [owner.get(r.key) for r in rest]
        holder = next(
            (h for h in holders if h is not None and h not in taken and h not in merge.frozen), None
        )
        if holder is not None:
            taken.add(holder)
        found[i] = (rest, holder)
    return found


def _disagreements(
    txn: Txn, merge: MergeIndex, proposals: Mapping[int, Event], unsure: set[int]
) -> list[int]:
    """List what the machine now proposes against accepted, edited and added events; returns their ids.

    ``unsure`` are events one of whose articles failed this time: that the machine does not find
    them says nothing.
    """
    people = sorted(merge.frozen - merge.closed)
    if not people:
        return []
    conn = txn.conn
    rows = {r["id"]: r for r in conn.execute(sa.select(events).where(events.c.id.in_(people))).mappings()}
    last: dict[int, Any] = {}
    for found_item in conn.execute(sa.select(disagreements).order_by(disagreements.c.id)).mappings():
        last[found_item["event_id"]] = found_item["machine"]
    version = pipeline_version()
    listed: list[int] = []
    items: list[dict[str, Any]] = []
    for event_id in people:
        row = rows[event_id]
        baseline = last[event_id] if event_id in last else row["machine"]
        found = proposals.get(event_id)
        if found is None and event_id in unsure:
            continue
        new = proposal(event_row(found, version=version, now=txn.now)) if found is not None else None
        person = proposal(row)
        if new in (baseline, person) or (new is None and baseline is None):
            continue
        names = [n for n in person if new is not None and new[n] != person[n]]
        fields = {
            n: {"machine": new[n] if new else None, "person": person[n], "before": (baseline or {}).get(n)}
            for n in names
        }
        listed.append(event_id)
        items.append(
            {"event_id": event_id, "revision": txn.revision, "found_at": txn.now, "pipeline_version": version,
             "fields": fields, "machine": new, "status": "open"}
        )  # fmt: skip
    if items:
        conn.execute(
            sa.update(disagreements)
            .where(disagreements.c.event_id.in_(listed), disagreements.c.status == "open")
            .values(status="superseded")
        )
        new_ids = allocate_ids(conn, disagreements, len(items))
        conn.execute(
            sa.insert(disagreements), [item | {"id": i} for item, i in zip(items, new_ids, strict=True)]
        )
        for item, item_id in zip(items, new_ids, strict=True):
            change = {"disagreement": item_id, "fields": item["fields"]}
            txn.record(
                "disagree", "event", item["event_id"], after=change, note=f"pipeline {version} disagrees"
            )
    return listed


def parse_stored(row: Mapping[Any, Any]) -> tuple[Article | None, list[str]]:
    """A stored article (its ``articles`` row) as the pipeline reads it, and what was wrong with it."""
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


def _match(canon: list[tuple[Event, list[Report]]], merge: MergeIndex) -> dict[int, int]:
    """New event index -> stored event id, each stored event matched at most once.

    In order: the new event's first report is a stored event's first report; its first report is
    one of a stored event's; any of its reports is; and, for events a person reviewed, one of its
    reports is of a sentence the event's reports are of (a rejected event: of the same kind too).
    """
    owner = {r.key: event_id for event_id, reports in merge.reports.items() for r in reports}
    first = {reports[0].key: event_id for event_id, reports in merge.reports.items() if reports}
    sentences: dict[str, list[tuple[int, str]]] = {}
    for event_id in sorted(merge.frozen):
        for r in merge.reports[event_id]:
            sentences.setdefault(_sentence(r.key), []).append((event_id, r.kind))
    matched: dict[int, int] = {}
    used: set[int] = set()

    def by_first(reports: list[Report]) -> list[int]:
        return [first[r.key] for r in reports[:1] if r.key in first]

    def by_first_anywhere(reports: list[Report]) -> list[int]:
        return [owner[r.key] for r in reports[:1] if r.key in owner]

    def by_any(reports: list[Report]) -> list[int]:
        return [owner[r.key] for r in reports[1:] if r.key in owner]

    def by_sentence(reports: list[Report]) -> list[int]:
        return [
            event_id
            for r in reports
            for event_id, kind in sentences.get(_sentence(r.key), ())
            if event_id not in merge.closed or kind == r.kind
        ]

    for rule in (by_first, by_first_anywhere, by_any, by_sentence):
        for i, (_, reports) in enumerate(canon):
            if i in matched:
                continue
            target = next((t for t in rule(reports) if t not in used), None)
            if target is not None:
                matched[i] = target
                used.add(target)
    return matched


def _count(touched: Counter[tuple[str, str]], what: str, reports: Iterable[Report]) -> None:
    for name in {r.article for r in reports}:
        touched[(name, what)] += 1
