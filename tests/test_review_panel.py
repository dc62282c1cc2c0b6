"""The review page's pieces made without Streamlit: the sentence highlighted in its paragraph with
every character of the article escaped, links only for http(s), the change an edit form asks for,
the tables (queue with reasons, history, conflict) and the small offline map of a place."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geodata import review_panel
from geodata.review import TextSpan
from geodata.review_queue import ArticleText, HistoryEntry, QueueItem, Report, SentenceSpan

HOSTILE = "<img src=x onerror=alert(1)> [x](http://evil) <script>alert(2)</script> &amp; **bold**"


def report(paragraph: str | None, sentence: str, span: tuple[int, int] | None, **more: Any) -> Report:
    fields: dict[str, Any] = {
        "key": "k:1", "article_id": 1, "article": "a.txt", "title": "T", "outlet": "O", "url": "",
        "published": None, "paragraph": 0 if paragraph is not None else None, "paragraph_text": paragraph,
        "sentence": sentence, "span_start": span[0] if span else None, "span_end": span[1] if span else None,
        "machine_kind": "patrol", "trigger": "patrol", "date_text": "", "place_text": "", "candidates": (),
    }  # fmt: skip
    return Report(**(fields | more))


class Tags(HTMLParser):
    """The tags and the text of an HTML fragment, as a browser's parser reads them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(markup: str) -> Tags:
    tags = Tags()
    tags.feed(markup)
    tags.close()
    return tags


def test_the_sentence_is_marked_in_its_paragraph_and_hostile_text_stays_text() -> None:
    sentence = f"Troops patrolled {HOSTILE}."
    paragraph = f"Before it. {sentence} After it <b>x</b>."
    start = paragraph.index(sentence)
    markup = review_panel.sentence_html(report(paragraph, sentence, (start, start + len(sentence))))
    tags = parsed(markup)
    assert tags.tags == ["p", "mark"]  # only ours: no img, script, b or a
    assert "".join(tags.text) == paragraph  # every character of the article, as text
    assert "[x](http://evil)" in markup  # not Markdown either: the characters as they are


@given(st.text(max_size=60), st.text(min_size=1, max_size=40), st.text(max_size=60))
def test_any_text_comes_back_as_the_same_characters(before: str, sentence: str, after: str) -> None:
    paragraph = before + sentence + after
    markup = review_panel.sentence_html(
        report(paragraph, sentence, (len(before), len(before) + len(sentence)))
    )
    tags = parsed(markup)
    assert tags.tags == ["p", "mark"]
    assert "".join(tags.text) == paragraph


def test_a_wrong_or_missing_span_still_marks_the_sentence() -> None:
    paragraph = "One. Two <i>three</i>. Four."
    marked = review_panel.sentence_html(report(paragraph, "Two <i>three</i>.", (0, 3)))
    assert "<mark>Two &lt;i&gt;three&lt;/i&gt;.</mark>" in marked
    alone = review_panel.sentence_html(report(None, HOSTILE, None))
    assert parsed(alone).tags == ["p", "mark"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.example.org/a?b=1", "https://www.example.org/a?b=1"),
        ("HTTP://example.org", "HTTP://example.org"),
        ("javascript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//evil.example/x", None),
        ("evil.example", None),
        ("https://", None),
        ("", None),
        (None, None),
    ],
)
def test_only_http_addresses_become_links(url: str | None, expected: str | None) -> None:
    assert review_panel.safe_url(url) == expected


EVENT = {
    "id": 7, "kind": "patrol", "status": "occurred", "date_start": dt.date(2019, 3, 8),
    "date_end": dt.date(2019, 3, 8), "date_precision": "day", "place": "Moscow", "place_id": "gn:524901",
    "lon": 37.6, "lat": 55.75, "geo_precision": "town", "uncertainty_km": 10.0, "actors": ["Russia"],
}  # fmt: skip


def test_an_edit_asks_only_for_what_the_form_changed() -> None:
    same = {k: EVENT[k] for k in ("kind", "status", "date_start", "date_end", "date_precision")}
    assert review_panel.edit_changes(EVENT, same | {"actors": ["Russia"]}) == {}
    changed = review_panel.edit_changes(
        EVENT,
        same | {"date_start": dt.date(2019, 3, 7), "place_id": "gn:164816", "actors": ["Russia", "Turkey"]},
    )
    assert changed == {
        "date_start": dt.date(2019, 3, 7),
        "place_id": "gn:164816",
        "actors": ["Russia", "Turkey"],
    }
    point = review_panel.edit_changes(
        EVENT,
        same | {"lon": 36.7, "lat": 35.9, "geo_precision": "point", "uncertainty_km": 1.0, "place": None},
    )
    assert point == {
        "lon": 36.7,
        "lat": 35.9,
        "geo_precision": "point",
        "uncertainty_km": 1.0,
        "place_id": None,
    }
    assert review_panel.edit_changes(EVENT, {"place_id": "gn:524901"}) == {}  # the same place


def item(**more: Any) -> QueueItem:
    fields: dict[str, Any] = {
        "id": 3, "event_id": "e3", "version": 2, "review": "machine", "kind": "talks", "status": "planned",
        "date_start": dt.date(2019, 3, 1), "date_end": dt.date(2019, 3, 31), "place": None,
        "geo_precision": None, "confidence": 0.4123, "articles": ("a.txt", "b.txt"), "priority": 5.0,
        "reasons": ("unlocated", "low confidence (0.41)"),
    }  # fmt: skip
    return QueueItem(**(fields | more))


def test_the_queue_table_says_why_each_event_is_there() -> None:
    table = review_panel.queue_table([item(), item(id=4, place="Idlib", date_start=None, date_end=None)])
    assert list(table["Id"]) == [3, 4]
    first = table.iloc[0]
    assert first["Why"] == "unlocated; low confidence (0.41)"
    assert first["Dates"] == "2019-03-01 to 2019-03-31"
    assert first["Place"] == "unlocated"
    assert first["Articles"] == "a.txt; b.txt"
    assert table.iloc[1]["Dates"] == "undated"
    assert review_panel.event_label(item()) == "#3 talks (planned), 2019-03-01 to 2019-03-31, unlocated"
    assert list(review_panel.queue_table([]).columns) == list(table.columns)


def test_the_queue_names_articles_by_their_titles_when_known() -> None:
    table = review_panel.queue_table([item()], {"a.txt": "Patrols resume, <b>says</b> ministry", "b.txt": ""})
    assert (
        table.iloc[0]["Articles"] == "Patrols resume, <b>says</b> ministry; b.txt"
    )  # shown as text by st.dataframe


def test_history_lists_who_did_what_and_what_changed() -> None:
    entry = HistoryEntry(
        11, dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC), "ana", "edit", "per the ministry", 5, None,
        {"place": ("Moscow", "Saraqib"), "version": (1, 2), "machine": (None, {"x": 1})}, None, None,
    )  # fmt: skip
    (row,) = review_panel.history_table([entry]).to_dict("records")
    assert row["By"] == "ana"
    assert row["Action id"] == 5
    assert row["Changed"] == "place: Moscow → Saraqib; version: 1 → 2"
    assert row["Note"] == "per the ministry"


def test_a_conflict_shows_both_versions_field_by_field() -> None:
    table = review_panel.conflict_table(
        {"date_start": dt.date(2019, 3, 7)}, EVENT | {"version": 3, "geom": b""}
    )
    rows = {r["Field"]: r for r in table.to_dict("records")}
    assert rows["date_start"]["Your change (not saved)"] == "2019-03-07"
    assert rows["date_start"]["Saved now"] == "2019-03-08"
    assert rows["version"]["Saved now"] == "3"
    assert "geom" not in rows


def test_sentences_to_choose_from_carry_their_spans() -> None:
    paragraphs = ("First one. Second <b>one</b>.", "x" * 300)
    spans = ((SentenceSpan(0, 0, 10), SentenceSpan(1, 11, 29)), (SentenceSpan(0, 0, 300),))
    text = ArticleText(1, "a.txt", "T", "O", "", None, "h", paragraphs, spans)
    options = review_panel.sentence_options(text)
    assert [label for label, _ in options][:2] == ["¶0.0: First one.", "¶0.1: Second <b>one</b>."]
    assert options[1][1] == TextSpan(0, 11, 29)
    assert len(options[2][0]) == len("¶1.0: ") + review_panel.CHOICE_CHARS


def test_an_html_table_holds_every_cell_as_text() -> None:
    frame = review_panel.history_table(
        [
            HistoryEntry(
                1, dt.datetime(2026, 1, 2, tzinfo=dt.UTC), "ana", "reject", HOSTILE, 3, None, {}, None, None
            )
        ]
    )
    markup = review_panel.html_table(frame, caption="<b>History</b>")
    tags = parsed(markup)
    assert set(tags.tags) == {"table", "caption", "thead", "tbody", "tr", "th", "td"}
    assert HOSTILE in tags.text
    assert "<b>History</b>" in tags.text


def test_the_event_summary_is_one_row_in_words() -> None:
    (row,) = review_panel.event_summary(
        EVENT | {"review": "edited", "version": 3, "confidence": 0.8}, seen=2
    ).to_dict("records")
    assert row["What"] == "patrol (occurred)"
    assert row["When"] == "2019-03-08"
    assert row["Where"] == "Moscow"
    assert row["Place precision"] == "town ±10 km"
    assert row["Version"] == "3 (opened at 2)"


def test_actors_are_the_comma_separated_names_trimmed() -> None:
    assert review_panel.actor_names(" Turkey, Russia ,, ") == ["Turkey", "Russia"]
    assert review_panel.actor_names("") == []


def test_only_undone_actions_of_a_person_can_be_undone() -> None:
    at = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)

    def entry(number: int, action: str, action_id: int | None, undone_by: int | None) -> HistoryEntry:
        return HistoryEntry(number, at, "ana", action, None, action_id, undone_by, {}, None, None)

    entries = [
        entry(1, "edit", 5, None),  # can be undone
        entry(2, "accept", 6, 8),  # undone already
        entry(3, "extract", None, None),  # the machine's
        entry(4, "undo", 8, None),  # an undo is not undone by a button
        entry(5, "reject", 9, None),
    ]
    assert review_panel.undoable_actions(entries) == {5: "edit", 9: "reject"}


def test_the_versions_seen_follow_an_action() -> None:
    seen = {1: 3, 2: 7}
    assert review_panel.versions_seen(seen, {1: 4, 2: None, 5: 1}) == {1: 4, 5: 1}
    assert seen == {1: 3, 2: 7}  # a new mapping


def test_the_added_event_is_the_one_that_exists() -> None:
    assert review_panel.added_event({12: 1}) == 12
    with pytest.raises(ValueError, match="unpack"):
        review_panel.added_event({12: None})
