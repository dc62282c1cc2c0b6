"""People's decisions survive the machine (``geodata/store_reextract.py``), on both store backends.

A person corrects a place and a date, rejects an event, adds one from a sentence, merges two and
splits one; ``reextract`` with the same pipeline and with a simulated upgrade (a new version whose
output differs) keeps every decision, with its history, in ``frames()`` and in the export, and
lists what the new machine proposes against the people's versions without applying it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from geodata import events, export, formats, review, view
from geodata.dates import DateInterval
from geodata.editors import Editor
from geodata.review_queue import (
    QueueFilter,
    article_text,
    disagreement_list,
    event_detail,
    event_history,
    review_queue,
)
from geodata.store import Store, open_store
from tests.test_store import META_A, META_B, PATROL_A, PATROL_B

EDITED, REJECTED = "ev-a50fcb0db1d1", "ev-f4b06e73d39d"  # a patrol around Idlib; a statement
MERGED = ("ev-0e861ef527f0", "ev-62c5e0bc8434")  # two patrols
SPLIT = "ev-c9bc3b8cce8e"  # the Sochi agreement, reported by two articles


@pytest.fixture
def store(new_store_url: Callable[[], str]) -> Iterator[Store]:
    with open_store(new_store_url()) as opened:
        yield opened


def items(store: Store) -> dict[str, Any]:
    return {i.event_id: i for i in review_queue(store, QueueFilter(include_reviewed=True))}


def decide(store: Store, ana: Editor) -> dict[str, int]:
    """The people's decisions; returns the row ids of the events they concern."""
    found = items(store)
    edited, rejected = found[EDITED], found[REJECTED]
    review.edit(
        store, ana, edited.id,
        {"place_id": "gn:164816", "date_start": "2019-04-10", "date_end": "2019-04-10"},
        version=edited.version, note="Saraqib, the day after",
    )  # fmt: skip
    review.reject(store, ana, rejected.id, reason="a comment, not an event", version=rejected.version)
    keep, other = found[MERGED[0]], found[MERGED[1]]
    review.merge(store, ana, keep.id, other.id, versions=(keep.version, other.version))
    whole = found[SPLIT]
    keys = [r.key for r in event_detail(store, whole.id).reports]
    split = review.split(store, ana, whole.id, keys[1:], version=whole.version)
    [part] = [i for i in split.versions if i != whole.id]
    text = article_text(store, 1)
    reported = {r.sentence for i in items(store).values() for r in event_detail(store, i.id).reports}
    paragraph, span = next(
        (p, s) for p, spans in enumerate(text.sentences) for s in spans
        if text.paragraphs[p][s.start : s.end] not in reported and s.end - s.start > 40
    )  # fmt: skip
    added = review.add_event(
        store, ana, 1, review.TextSpan(paragraph, span.start, span.end),
        {"kind": "deployment", "date_start": "2019-04-20", "place_id": "SY07"}, note="missed",
    )  # fmt: skip
    [added_id] = added.versions
    return {"edited": edited.id, "rejected": rejected.id, "merged": keep.id, "gone": other.id,
            "split": whole.id, "part": part, "added": added_id}  # fmt: skip


def exported(store: Store, **review_filter: bool) -> dict[str, dict[str, Any]]:
    frames = store.frames()
    selected = export.select(frames, export.ExportView(("events",), **review_filter))
    info = export.describe(export.ExportView(("events",)), selected, fmt="geojson", name="x.geojson")
    collection = json.loads(formats.render(selected, fmt="geojson", info=info))
    return {f["properties"]["event_id"]: f["properties"] for f in collection["features"]}


def test_the_same_pipeline_again_keeps_every_decision_and_lists_nothing(store: Store, ana: Editor) -> None:
    ids = decide(store, ana)
    before = store.frames()["events"]
    report = store.reextract(by="robot")
    assert (report.added, report.changed, report.removed, report.disagreements) == (0, 0, 0, 0)
    assert report.kept == 4  # the edited, rejected, merged and split events, found again
    after = store.frames()["events"]
    assert after.to_json() == before.to_json()
    assert disagreement_list(store) == []
    assert {e.action for e in event_history(store, ids["added"])} == {"add"}


def upgraded_pipeline(monkeypatch: pytest.MonkeyPatch, store: Store, ids: dict[str, int]) -> None:
    """A "new pipeline" (version 9.9.9): the edited patrol dated two days later, the added
    sentence read as a statement, the talks no longer found, everything a little surer."""
    edited_quote = event_detail(store, ids["edited"]).reports[0].sentence
    added = event_detail(store, ids["added"]).reports[0]
    real = events.extract_from_articles

    def upgraded(articles: Any, find_places: Any) -> Any:
        articles = list(articles)
        found, problems = real(articles, find_places)
        out = []
        for event in found:
            if event.kind == "talks":
                continue
            if event.sources[0].sentence == edited_quote:
                event = dataclasses.replace(
                    event, date=DateInterval(dt.date(2019, 4, 12), dt.date(2019, 4, 12), "day")
                )
            out.append(dataclasses.replace(event, confidence=min(event.confidence + 0.01, 1.0)))
        article = next(a for a in articles if a.file == added.article)
        source = events.Source(article.file, added.sentence, article.outlet, article.url, article.published,
                               paragraph=added.paragraph or 0, start=added.span_start or 0,
                               end=added.span_end or 0)  # fmt: skip
        out.append(events.Event("statement", "occurred", None, sources=(source,), confidence=0.5))
        return tuple(out), problems

    monkeypatch.setattr(events, "extract_from_articles", upgraded)
    monkeypatch.setattr(events, "PIPELINE_VERSION", "9.9.9")


def test_decisions_survive_a_pipeline_upgrade_and_its_disagreements_are_listed(
    store: Store, ana: Editor, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = decide(store, ana)
    talks = [i for i in items(store).values() if i.kind == "talks"]
    accepted = talks[0]
    review.accept(store, ana, accepted.id, version=accepted.version)
    upgraded_pipeline(monkeypatch, store, ids)
    report = store.reextract(by="robot")
    assert report.disagreements == 3  # the patrol's date, the added event's reading, the accepted talks
    assert report.removed == len(talks) - 1  # the machine's talks; the accepted one stays

    rows = exported(store, include_rejected=True)
    by_id = {row["event_id"]: row for row in rows.values()}
    edited = event_detail(store, ids["edited"]).event
    assert (edited["review"], edited["place"], edited["date_start"]) == (
        "edited",
        "Saraqib",
        dt.date(2019, 4, 10),
    )
    assert by_id[edited["event_id"]]["date_start"] == "2019-04-10"  # the person's version, exported
    assert by_id[REJECTED]["review"] == "rejected"
    assert REJECTED not in exported(store)  # left out unless asked
    added = event_detail(store, ids["added"])
    assert (added.event["review"], added.event["kind"]) == ("added", "deployment")
    assert [r.machine_kind for r in added.reports] == [
        "deployment",
        "statement",
    ]  # the machine's reading joined it
    assert by_id[added.event["event_id"]]["review"] == "added"
    assert MERGED[1] not in by_id
    assert by_id[MERGED[0]]["review"] == "edited"
    for part in ("split", "part"):
        assert by_id[event_detail(store, ids[part]).event["event_id"]]["review"] == "edited"
    assert by_id[accepted.event_id]["review"] == "accepted"
    statements = [
        r for r in by_id.values() if r["kind"] == "statement" and r["quote"] == added.reports[0].sentence
    ]
    assert statements == []  # the added sentence did not come back as a machine event

    listed = {d.event_id: d for d in disagreement_list(store)}
    assert set(listed) == {ids["edited"], ids["added"], accepted.id}
    assert listed[ids["edited"]].fields["date_start"] == ("2019-04-12", "2019-04-10")
    assert listed[ids["added"]].fields["kind"] == ("statement", "deployment")
    assert listed[accepted.id].machine is None  # the machine no longer finds it
    first = review_queue(store)[:3]
    assert {i.id for i in first} == set(listed)  # what most needs a person comes first
    assert all("the machine now disagrees" in i.reasons[0] for i in first)
    for key in ("edited", "rejected", "added", "merged", "split"):
        assert any(e.action_id for e in event_history(store, ids[key])), key

    again = store.reextract(by="robot")  # the same new pipeline: nothing new to list
    assert again.disagreements == 0
    assert len(disagreement_list(store)) == 3

    item = listed[ids["edited"]]
    review.resolve(
        store, ana, item.id, take_machine=False, version=edited["version"], note="the log says the 10th"
    )
    assert event_detail(store, ids["edited"]).event["date_start"] == dt.date(2019, 4, 10)
    added_version = event_detail(store, ids["added"]).event["version"]
    review.resolve(store, ana, listed[ids["added"]].id, take_machine=True, version=added_version)
    assert event_detail(store, ids["added"]).event["kind"] == "statement"
    assert event_detail(store, ids["added"]).event["review"] == "added"
    assert {d.event_id for d in disagreement_list(store)} == {accepted.id}
    assert store.reextract(by="robot").disagreements == 0  # settled proposals are not listed again


def test_the_map_shows_the_decisions_and_reviewed_only_keeps_them(store: Store, ana: Editor) -> None:
    ids = decide(store, ana)
    store.reextract(by="robot")
    frames = store.frames()
    current = view.MapView(dt.date(2020, 12, 31), None)
    shown = view.shown(frames, current)["events"]
    assert REJECTED not in set(shown["event_id"])
    reviewed = view.shown(frames, dataclasses.replace(current, reviewed_only=True))["events"]
    assert set(reviewed["review"]) == {"edited", "added"}
    assert event_detail(store, ids["edited"]).event["event_id"] in set(reviewed["event_id"])


def test_a_new_report_of_a_rejected_event_is_a_new_claim_not_hidden(
    new_store_url: Callable[[], str], ana: Editor
) -> None:
    with open_store(new_store_url(), seeds=None) as store:
        store.add_article(PATROL_A, META_A, by="ana")
        [event] = review_queue(store)
        review.reject(store, ana, event.id, reason="misread", version=event.version)
        result = store.add_article(PATROL_B, META_B, by="ben")
        assert result.new_events == 1  # not merged into the rejected event
        frame = store.frames()["events"].set_index("article")
        assert (frame.loc["a.txt", "review"], frame.loc["b.txt", "review"]) == ("rejected", "machine")
        report = store.reextract(by="robot")  # one run sees both reports as one event
        assert (report.added, report.removed, report.kept) == (0, 0, 1)
        frame = store.frames()["events"].set_index("article")
        assert (frame.loc["a.txt", "review"], frame.loc["b.txt", "review"]) == ("rejected", "machine")
