"""What the app's review page shows, made without Streamlit: tables, the highlighted sentence,
and the change an edit form asks for (the small map of an event's place is :mod:`geodata.pickmap`).

Everything here that comes from an article, a gazetteer or a person (sentences, titles, outlets,
URLs, actors, notes, reasons, editor names) is untrusted: :func:`sentence_html` escapes every
character of it (``html.escape``) and adds only its own ``<p>`` and ``<mark>``; tables hold it as
plain text cells; :func:`safe_url` lets only ``http``/``https`` addresses become links.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import pandas as pd

from geodata.review import TextSpan
from geodata.review_queue import ArticleText, Disagreement, HistoryEntry, QueueItem, Report

__all__ = [
    "actor_names",
    "added_event",
    "candidates_table",
    "conflict_table",
    "disagreements_table",
    "edit_changes",
    "event_label",
    "event_summary",
    "history_table",
    "html_table",
    "queue_table",
    "reports_table",
    "safe_url",
    "sentence_html",
    "sentence_options",
    "text_value",
    "undoable_actions",
    "versions_seen",
]

#: Characters of a sentence shown in a choice list before it is cut.
CHOICE_CHARS = 110


def text_value(value: Any) -> str:
    """A field's value as one line of text for a table cell (lists joined, dates in ISO)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ", ".join(text_value(v) for v in value)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def _dates(start: dt.date | None, end: dt.date | None) -> str:
    if start is None:
        return "undated"
    return start.isoformat() if end in (None, start) else f"{start.isoformat()} to {text_value(end)}"


def event_label(item: QueueItem) -> str:
    """One line naming a queue item (a choice list's entry)."""
    dates = _dates(item.date_start, item.date_end)
    return f"#{item.id} {item.kind} ({item.status}), {dates}, {item.place or 'unlocated'}"


def queue_table(items: Sequence[QueueItem], titles: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The review queue as a table, most needed first, with why each event is there; ``titles``
    (article name to title) names the articles by their titles."""
    titles = titles or {}
    rows = [
        {
            "Id": item.id,
            "Kind": item.kind,
            "Status": item.status,
            "Dates": _dates(item.date_start, item.date_end),
            "Place": item.place or "unlocated",
            "Precision": item.geo_precision or "",
            "Confidence": round(item.confidence, 2),
            "Review": item.review,
            "Articles": "; ".join(titles.get(name) or name for name in item.articles),
            "Why": "; ".join(item.reasons) or "nothing flagged; not reviewed yet",
        }
        for item in items
    ]
    columns = [
        "Id",
        "Kind",
        "Status",
        "Dates",
        "Place",
        "Precision",
        "Confidence",
        "Review",
        "Articles",
        "Why",
    ]
    return pd.DataFrame(rows, columns=columns)


def event_summary(event: Mapping[str, Any], *, seen: int | None = None) -> pd.DataFrame:
    """The event as it stands, in one row: what, when, where, how sure, and its review state."""
    radius = event.get("uncertainty_km")
    row = {
        "What": f"{event.get('kind')} ({event.get('status')})",
        "When": _dates(event.get("date_start"), event.get("date_end")),
        "Date precision": f"{event.get('date_precision') or ''} ({event.get('date_source') or ''})",
        "Where": event.get("place") or "unlocated",
        "Place precision": f"{event.get('geo_precision') or ''}" + (f" ±{radius:g} km" if radius else ""),
        "Actors": text_value(event.get("actors") or []),
        "Confidence": f"{float(event.get('confidence') or 0):.2f}",
        "Review": event.get("review"),
        "Version": f"{event.get('version')}" + (f" (opened at {seen})" if seen is not None else ""),
    }
    return pd.DataFrame([row])


def sentence_html(report: Report) -> str:
    """The report's paragraph as HTML with its sentence marked; every character of the article is
    escaped, so no article text can become markup (only our ``<p>`` and ``<mark>`` are tags)."""
    paragraph, start, end = report.paragraph_text, report.span_start, report.span_end
    if paragraph is None or start is None or end is None or paragraph[start:end] != report.sentence:
        found = paragraph.find(report.sentence) if paragraph and report.sentence else -1
        if paragraph is None or found < 0:
            return f'<p class="atlas-sentence"><mark>{html.escape(report.sentence)}</mark></p>'
        start, end = found, found + len(report.sentence)
    before, sentence, after = (
        html.escape(part) for part in (paragraph[:start], paragraph[start:end], paragraph[end:])
    )
    return f'<p class="atlas-sentence">{before}<mark>{sentence}</mark>{after}</p>'


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an ``http``/``https`` address with a host (what may become a link), else ``None``."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def reports_table(reports: Sequence[Report]) -> pd.DataFrame:
    """The event's reports: the article, where the sentence is, what the machine read in it."""
    rows = [
        {
            "Key": r.key,
            "Article": r.title or r.article,
            "Outlet": r.outlet,
            "Published": text_value(r.published),
            "Paragraph": "" if r.paragraph is None else r.paragraph,
            "Read as": r.machine_kind,
            "Trigger": r.trigger,
            "Date words": r.date_text,
            "Place words": r.place_text,
            "URL": r.url,
        }
        for r in reports
    ]
    columns = ["Key", "Article", "Outlet", "Published", "Paragraph", "Read as", "Trigger", "Date words"]
    return pd.DataFrame(rows, columns=[*columns, "Place words", "URL"])


def candidates_table(reports: Sequence[Report]) -> pd.DataFrame:
    """The gazetteer places the geocoder chose among, per report (the chosen one first)."""
    rows = [
        {
            "Report": r.key,
            "Chosen": "yes" if c.chosen else "",
            "Place": c.name,
            "Id": c.place_id,
            "Kind": c.kind,
            "Country": c.country,
            "Lon": c.lon,
            "Lat": c.lat,
            "± km": c.uncertainty_km,
        }
        for r in reports
        for c in r.candidates
    ]
    return pd.DataFrame(
        rows, columns=["Report", "Chosen", "Place", "Id", "Kind", "Country", "Lon", "Lat", "± km"]
    )


def history_table(entries: Sequence[HistoryEntry]) -> pd.DataFrame:
    """The event's history, oldest first: who, when, what, the fields changed (before → after)."""
    rows = [
        {
            "When": text_value(e.at),
            "By": e.by,
            "Action": e.action,
            "Action id": "" if e.action_id is None else e.action_id,
            "Changed": "; ".join(
                f"{k}: {text_value(a)} → {text_value(b)}"
                for k, (a, b) in e.changed.items()
                if k not in ("machine", "reports", "created_at")
            ),
            "Note": e.note or "",
            "Undone by": "" if e.undone_by is None else e.undone_by,
        }
        for e in entries
    ]
    return pd.DataFrame(rows, columns=["When", "By", "Action", "Action id", "Changed", "Note", "Undone by"])


def html_table(frame: pd.DataFrame, *, caption: str = "") -> str:
    """``frame`` as an HTML table whose every header and cell is escaped text (for a table that
    must be readable as text in the page, such as an event's history, where Markdown tables would
    render what people typed)."""
    head = "".join(f"<th>{html.escape(str(name))}</th>" for name in frame.columns)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(text_value(value))}</td>" for value in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f'<table class="atlas-table">{title}<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'


def disagreements_table(item: Disagreement) -> pd.DataFrame:
    """One "machine disagrees" item: each field, what the machine now says, the person's version."""
    rows = [
        {"Field": name, "Machine now": text_value(m), "Person's version": text_value(p)}
        for name, (m, p) in item.fields.items()
    ]
    return pd.DataFrame(rows, columns=["Field", "Machine now", "Person's version"])


def conflict_table(mine: object, theirs: object) -> pd.DataFrame:
    """A refused save beside the event as saved now, field by field (both as text; neither lost)."""
    mine_map = dict(mine) if isinstance(mine, Mapping) else {"change": mine}
    theirs_map = dict(theirs) if isinstance(theirs, Mapping) else {"event": theirs}
    theirs_map = {k: v for k, v in theirs_map.items() if k not in ("geom", "machine")}
    names = [*mine_map, *(k for k in theirs_map if k not in mine_map)]
    rows = [
        {
            "Field": n,
            "Your change (not saved)": text_value(mine_map.get(n)),
            "Saved now": text_value(theirs_map.get(n)),
        }
        for n in names
    ]
    return pd.DataFrame(rows, columns=["Field", "Your change (not saved)", "Saved now"])


def sentence_options(text: ArticleText) -> list[tuple[str, TextSpan]]:
    """Each sentence of the article as a choice (``¶ paragraph.sentence: its start``) and its span."""
    options = []
    for number, (paragraph, spans) in enumerate(zip(text.paragraphs, text.sentences, strict=True)):
        for span in spans:
            words = " ".join(paragraph[span.start : span.end].split())
            cut = words if len(words) <= CHOICE_CHARS else words[: CHOICE_CHARS - 1] + "…"
            options.append((f"¶{number}.{span.number}: {cut}", TextSpan(number, span.start, span.end)))
    return options


def edit_changes(event: Mapping[str, Any], form: Mapping[str, Any]) -> dict[str, Any]:
    """What an edit form asks to change: the fields whose value differs from the event's.

    ``form`` has ``kind``, ``status``, ``date_start``, ``date_end``, ``date_precision``,
    ``actors`` (a list) and a place: ``place_id`` (a gazetteer choice), or ``lon``/``lat`` with
    ``geo_precision`` and ``uncertainty_km``, or neither (the place is kept).
    """
    changes = {
        name: form[name]
        for name in ("kind", "status", "date_start", "date_end", "date_precision")
        if name in form and form[name] != event.get(name)
    }
    if "actors" in form and list(form["actors"]) != list(event.get("actors") or []):
        changes["actors"] = list(form["actors"])
    if form.get("place_id") and form["place_id"] != event.get("place_id"):
        changes["place_id"] = form["place_id"]
    elif form.get("lon") is not None and form.get("lat") is not None:
        point = {k: form.get(k) for k in ("lon", "lat", "geo_precision", "uncertainty_km", "place")}
        if any(point[k] != event.get(k) for k in point if point[k] is not None):
            changes |= {k: v for k, v in point.items() if v is not None} | {"place_id": None}
    return changes


def actor_names(text: str) -> list[str]:
    """The actors of the form's comma-separated field, each trimmed, empty names left out."""
    return [name.strip() for name in text.split(",") if name.strip()]


def undoable_actions(entries: Sequence[HistoryEntry]) -> dict[int, str]:
    """The actions of the history that can still be undone (id: action): a person's, not undone yet,
    and not an undo itself."""
    return {
        e.action_id: e.action
        for e in entries
        if e.action_id is not None and e.undone_by is None and e.action != "undo"
    }


def versions_seen(seen: Mapping[int, int], versions: Mapping[int, int | None]) -> dict[int, int]:
    """The row versions an editor has seen after an action that made ``versions`` (event: its new
    version; ``None``: the event is no more, and is forgotten)."""
    kept = dict(seen)
    for event_id, version in versions.items():
        if version is None:
            kept.pop(event_id, None)
        else:
            kept[event_id] = version
    return kept


def added_event(versions: Mapping[int, int | None]) -> int:
    """The id of the event an "add" action made: the one event it touched that still exists."""
    (new_id,) = [event_id for event_id, version in versions.items() if version is not None]
    return new_id
