"""People's review of the store's events: accept, edit, reject, merge, split, add, undo, resolve.

Every function here that writes takes a signed-in :class:`~geodata.editors.Editor` (only
:func:`geodata.editors.sign_in` makes one) and the row ``version`` of each event as the person saw
it. A save based on an older version raises :class:`~geodata._errors.ConflictError` carrying the
refused change (``mine``) and the event as it is now (``theirs``): nothing is lost, nothing is
overwritten. Each action is one transaction: a row in ``review_actions`` (who, when, which events,
the note) and, for each event it touched, a history row with the event's whole state before and
after (:mod:`geodata.review_state`), so the event's history can be read and any action undone.

The first time a person acts on a machine event, the machine's proposal is kept with it
(``events.machine``): a later run of the pipeline is compared with it, never with the person's
version, which always stands (:mod:`geodata.store_reextract`). Reading (the queue, an event's
details and history) is in :mod:`geodata.review_queue` and needs no editor.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.engine.row import RowMapping

from geodata import editors
from geodata._errors import ConflictError, StoreError, UsageError
from geodata.dates import DateInterval
from geodata.events import Event, Source
from geodata.gazetteer import Gazetteer
from geodata.place_search import project_gazetteer
from geodata.review_changes import EDITABLE, validated
from geodata.review_state import (
    PROPOSAL_FIELDS,
    check_version,
    derived_fields,
    fetch,
    proposal,
    relink,
    restore,
    snapshot,
    with_point,
)
from geodata.schema import EVENT_KINDS
from geodata.store_events import sentence_hash
from geodata.store_tables import disagreements, event_sources, events, history, review_actions
from geodata.store_write import Txn, allocate_ids, event_values

if TYPE_CHECKING:
    from geodata.editors import Editor
    from geodata.store import Store

__all__ = [
    "EDITABLE",
    "ActionResult",
    "TextSpan",
    "accept",
    "add_event",
    "edit",
    "merge",
    "reject",
    "resolve",
    "split",
    "undo",
]

_PLACE_FIELDS = frozenset({"place", "place_id", "lon", "lat", "geo_precision", "uncertainty_km"})
#: The longest sentence span an added event may quote.
MAX_SPAN = 2000


@dataclass(frozen=True)
class ActionResult:
    """What a review action did.

    Attributes
    ----------
    action_id
        Its id (what :func:`undo` takes).
    revision
        The store revision it made.
    versions
        The new row version of each event it touched (``None``: the event is no more).
    """

    action_id: int
    action: str
    revision: int
    versions: Mapping[int, int | None]


@dataclass(frozen=True)
class TextSpan:
    """A selected piece of a stored article: paragraph number (as in ``Article.body``) and the
    character span in that paragraph (``start`` inclusive, ``end`` exclusive)."""

    paragraph: int
    start: int
    end: int


# --- the action frame -----------------------------------------------------------------------------


class _Action:
    """One review action inside one write transaction: its id, and the changes it records."""

    def __init__(self, txn: Txn, action_id: int, action: str, note: str | None) -> None:
        self.txn, self.id, self.action, self.note = txn, action_id, action, note
        self.versions: dict[int, int | None] = {}

    def record(
        self, event_id: int, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
    ) -> None:
        key = (after or before or {}).get("key")
        self.txn.record(
            self.action,
            "event",
            event_id,
            key=key,
            before=before,
            after=after,
            note=self.note,
            action_id=self.id,
        )
        self.versions[event_id] = after["version"] if after is not None else None

    def change(self, row: RowMapping, values: Mapping[str, Any]) -> dict[str, Any]:
        """Update one event's fields (its version goes up by one); records before and after."""
        conn = self.txn.conn
        before = snapshot(conn, row["id"])
        update = with_point(dict(values)) | {"version": row["version"] + 1, "updated_at": self.txn.now}
        if row["review"] == "machine" and "machine" not in update:
            update["machine"] = proposal(row)  # what the person decided on
        conn.execute(sa.update(events).where(events.c.id == row["id"]).values(**update))
        after = snapshot(conn, row["id"])
        assert after is not None
        self.record(row["id"], before, after)
        return after


def _act(
    store: Store,
    editor: Editor,
    action: str,
    note: str | None,
    body: Callable[[_Action], None],
    *,
    undoes: int | None = None,
) -> ActionResult:
    name = editors.require(editor)
    with store._write(name) as (txn, _state):
        (action_id,) = allocate_ids(txn.conn, review_actions, 1)
        txn.conn.execute(
            sa.insert(review_actions).values(
                id=action_id, revision=txn.revision, at=txn.now, by=name, action=action, events=[],
                note=note or None, undoes=undoes,
            )
        )  # fmt: skip
        frame = _Action(txn, action_id, action, note or None)
        body(frame)
        events_touched = sorted(frame.versions)
        txn.conn.execute(
            sa.update(review_actions).where(review_actions.c.id == action_id).values(events=events_touched)
        )
        revision = txn.revision
    store._state = None  # the writer's merge index holds the events as they were
    return ActionResult(action_id, action, revision, dict(frame.versions))


def _review_after(row: Mapping[Any, Any], wanted: str) -> str:
    """An added event stays ``added`` whatever is done to it; accepting keeps a correction."""
    if row["review"] == "added" and wanted != "rejected":
        return "added"
    if wanted == "accepted" and row["review"] == "edited":
        return "edited"
    return wanted


# --- accept, edit, reject ----------------------------------------------------------------------------


def accept(store: Store, editor: Editor, event_id: int, *, version: int, note: str = "") -> ActionResult:
    """Confirm an event as it stands (``accepted``; a corrected or added event keeps its state)."""

    def body(action: _Action) -> None:
        row = check_version(action.txn.conn, event_id, version, {"review": "accepted"})
        action.change(row, {"review": _review_after(row, "accepted")})

    return _act(store, editor, "accept", note, body)


def reject(store: Store, editor: Editor, event_id: int, *, reason: str, version: int) -> ActionResult:
    """Mark an event as not an event (``rejected``), saying why. It leaves the map and the exports,
    and later runs of the pipeline do not bring it back."""
    if not reason.strip():
        raise UsageError("say why the event is rejected (a reason is required)")

    def body(action: _Action) -> None:
        row = check_version(action.txn.conn, event_id, version, {"review": "rejected"})
        action.change(row, {"review": "rejected"})

    return _act(store, editor, "reject", reason.strip(), body)


def edit(
    store: Store,
    editor: Editor,
    event_id: int,
    changes: Mapping[str, Any],
    *,
    version: int,
    note: str = "",
    gazetteer: Gazetteer | None = None,
) -> ActionResult:
    """Correct an event's fields (``edited``).

    Parameters
    ----------
    changes
        Any of :data:`EDITABLE`. A place is given either by ``place_id`` (a gazetteer id: its
        name, point, precision and uncertainty come with it unless given too) or by ``lon`` and
        ``lat`` (a clicked point, with ``geo_precision`` and ``uncertainty_km``, and ``place`` as
        its name if known); ``place_id=None`` without a point makes the event unlocated. Dates are
        ``datetime.date`` or ISO text; ``actors`` a list of names.

    Raises
    ------
    UsageError
        An unknown field or a value out of its vocabulary or range (all problems at once).
    ConflictError
        The event changed since ``version``.
    """

    def body(action: _Action) -> None:
        row = check_version(action.txn.conn, event_id, version, changes)
        values = validated(changes, row, gazetteer or project_gazetteer())
        if all(row[name] == value for name, value in values.items() if name in row):
            raise UsageError(f"nothing to change: event {event_id} already has these values")
        action.change(row, values | {"review": _review_after(row, "edited")})

    return _act(store, editor, "edit", note, body)


# --- merge, split ------------------------------------------------------------------------------------


def merge(
    store: Store, editor: Editor, keep: int, other: int, *, versions: tuple[int, int], note: str = ""
) -> ActionResult:
    """Make two events one: ``other``'s reports join ``keep`` (after its own), ``other`` is no more.

    ``keep`` keeps its fields (``edited``); correct them with :func:`edit` afterwards if needed.
    """
    if keep == other:
        raise UsageError("an event cannot be merged with itself")

    def body(action: _Action) -> None:
        conn = action.txn.conn
        mine = {"merge": [keep, other]}
        row = check_version(conn, keep, versions[0], mine)
        check_version(conn, other, versions[1], mine)
        before_other = snapshot(conn, other)
        moving = [r["key"] for r in before_other["reports"]] if before_other else []
        count = conn.execute(sa.select(sa.func.count()).where(event_sources.c.event_id == keep)).scalar_one()
        before_keep = snapshot(conn, keep)
        relink(conn, keep, moving, start=count)
        conn.execute(sa.delete(events).where(events.c.id == other))
        values = derived_fields(conn, keep) | {"review": _review_after(row, "edited")}
        if row["review"] == "machine":
            values["machine"] = proposal(row)
        conn.execute(
            sa.update(events)
            .where(events.c.id == keep)
            .values(**values, version=row["version"] + 1, updated_at=action.txn.now)
        )
        action.record(other, before_other, None)
        action.record(keep, before_keep, snapshot(conn, keep))

    return _act(store, editor, "merge", note, body)


def split(
    store: Store, editor: Editor, event_id: int, reports: Sequence[str], *, version: int, note: str = ""
) -> ActionResult:
    """Make one event two: the reports with keys ``reports`` become a new event (``edited``, with
    the same fields to start with), the others stay. The new event's id is in the result."""

    def body(action: _Action) -> None:
        conn = action.txn.conn
        row = check_version(conn, event_id, version, {"split": list(reports)})
        before = snapshot(conn, event_id)
        assert before is not None
        own = [r["key"] for r in before["reports"]]
        moving = [k for k in own if k in set(reports)]
        if not moving or len(moving) == len(own) or len(set(reports)) != len(moving):
            raise UsageError(f"split needs some but not all of event {event_id}'s reports: {', '.join(own)}")
        staying = [k for k in own if k not in set(moving)]
        (new_id,) = allocate_ids(conn, events, 1)
        first = next(r for r in before["reports"] if r["key"] == moving[0])
        fields = {k: v for k, v in event_values(row).items() if k not in ("id", "version")}
        fields |= {
            "key": moving[0],
            "event_id": _event_id(row, first["sentence"], new_id),
            "review": "edited",
        }
        fields |= {"machine": None, "created_at": action.txn.now, "updated_at": action.txn.now, "version": 1}
        conn.execute(sa.insert(events).values(id=new_id, **with_point(dict(fields))))
        relink(conn, new_id, moving, start=0)
        relink(conn, event_id, staying, start=0)
        conn.execute(sa.update(events).where(events.c.id == new_id).values(**derived_fields(conn, new_id)))
        values = derived_fields(conn, event_id) | {"review": _review_after(row, "edited")}
        if row["review"] == "machine":
            values["machine"] = proposal(row)
        if row["key"] in moving:
            values["key"] = staying[0]
        conn.execute(
            sa.update(events)
            .where(events.c.id == event_id)
            .values(**values, version=row["version"] + 1, updated_at=action.txn.now)
        )
        action.record(event_id, before, snapshot(conn, event_id))
        action.record(new_id, None, snapshot(conn, new_id))

    return _act(store, editor, "split", note, body)


def _event_id(row: Mapping[Any, Any], sentence: str, salt: int) -> str:
    """An event id as the pipeline makes them (kind, dates, place, first quote), made unique."""
    start, end = row["date_start"], row["date_end"]
    date = DateInterval(start, end, row["date_precision"]) if start and end else None
    event = Event(
        row["kind"], row["status"], date, place_id=row["place_id"] or "", sources=(Source("", sentence),)
    )
    return f"{event.event_id}-{salt}"


# --- add ----------------------------------------------------------------------------------------------


def add_event(
    store: Store,
    editor: Editor,
    article_id: int,
    span: TextSpan,
    changes: Mapping[str, Any],
    *,
    note: str = "",
    gazetteer: Gazetteer | None = None,
) -> ActionResult:
    """Add an event the pipeline missed, reported by a selected sentence of a stored article.

    ``changes`` gives its fields as for :func:`edit` (``kind`` is required; ``status`` defaults to
    ``occurred``). The report gets a key like the machine's (article, sentence, kind, ordinal), so
    when a later pipeline finds this event in this sentence it is matched to it, and the
    person's version stands.
    """
    from geodata.review_queue import article_text  # the article as the pipeline reads it

    if "kind" not in changes:
        raise UsageError(f"an added event needs its kind: one of {', '.join(EVENT_KINDS)}")
    text = article_text(store, article_id)
    if not 0 <= span.paragraph < len(text.paragraphs):
        raise UsageError(
            f"article {article_id} has paragraphs 0 to {len(text.paragraphs) - 1}, not {span.paragraph}"
        )
    paragraph = text.paragraphs[span.paragraph]
    sentence = paragraph[span.start : span.end] if 0 <= span.start < span.end <= len(paragraph) else ""
    if not sentence.strip() or span.end - span.start > MAX_SPAN:
        raise UsageError(
            f"select the sentence in paragraph {span.paragraph} (characters 0 to {len(paragraph)}; "
            f"at most {MAX_SPAN} of them)"
        )
    blank: dict[str, Any] = dict.fromkeys(("date_start", "date_end", "date_precision"))
    values = validated({"status": "occurred", **changes}, blank, gazetteer or project_gazetteer())
    number = next((s.number for s in text.sentences[span.paragraph] if s.start <= span.start < s.end), -1)

    def body(action: _Action) -> None:
        conn = action.txn.conn
        digest = sentence_hash(sentence)
        prefix = f"{text.content_hash[:16]}:{digest[:16]}:{values['kind']}:"
        taken = set(
            conn.execute(
                sa.select(event_sources.c.key).where(event_sources.c.key.like(prefix + "%"))
            ).scalars()
        )
        ordinal = next(i for i in range(len(taken) + 1) if f"{prefix}{i}" not in taken)
        key = f"{prefix}{ordinal}"
        (new_id,) = allocate_ids(conn, events, 1)
        row = {"date_start": None, "date_end": None, "date_precision": None, "place_id": None} | values
        fields = {
            "key": key, "event_id": _event_id(row, sentence, new_id), "kind": values["kind"],
            "status": values["status"], "date_source": "person", "place_source": "person", "actors": [],
            "confidence": 1.0, "pipeline_version": None, "review": "added", "version": 1, "machine": None,
            "created_at": action.txn.now, "updated_at": action.txn.now, "article": text.name,
            "quote": sentence,
        }  # fmt: skip
        conn.execute(sa.insert(events).values(id=new_id, **with_point(fields | values)))
        conn.execute(
            sa.insert(event_sources).values(
                event_id=new_id, article_id=article_id, position=0, key=key, sentence=sentence,
                sentence_hash=digest, kind=values["kind"], ordinal=ordinal, paragraph=span.paragraph,
                sentence_index=number, span_start=span.start, span_end=span.end, trigger="", date_text="",
                place_text="", candidates=[],
            )
        )  # fmt: skip
        conn.execute(sa.update(events).where(events.c.id == new_id).values(**derived_fields(conn, new_id)))
        action.record(new_id, None, snapshot(conn, new_id))

    return _act(store, editor, "add", note, body)


# --- undo, resolve -------------------------------------------------------------------------------------


def undo(store: Store, editor: Editor, action_id: int, *, note: str = "") -> ActionResult:
    """Undo a review action: every event it touched goes back to its state before it (reports
    included), if none of them changed since; the undo is an action too (and can be undone).

    Raises
    ------
    ConflictError
        An event the action touched has changed since (undo the later action first).
    StoreError
        No such action, or it was undone already.
    """

    def body(action: _Action) -> None:
        conn = action.txn.conn
        found = (
            conn.execute(sa.select(review_actions).where(review_actions.c.id == action_id)).mappings().first()
        )
        if found is None:
            raise StoreError(f"there is no review action {action_id}")
        done = conn.execute(
            sa.select(review_actions.c.id).where(
                review_actions.c.undoes == action_id, review_actions.c.id != action.id
            )
        ).first()
        if done is not None:
            raise StoreError(
                f"action {action_id} was undone already (by action {done.id}); undo that instead"
            )
        rows = (
            conn.execute(sa.select(history).where(history.c.action_id == action_id).order_by(history.c.id))
            .mappings()
            .all()
        )
        states: dict[int, Any] = {}
        versions: dict[int, int] = {}
        for row in rows:
            if row["entity"] == "disagreement":
                conn.execute(
                    sa.update(disagreements)
                    .where(disagreements.c.id == row["entity_id"])
                    .values(**row["before"])
                )
                action.txn.record("undo", "disagreement", row["entity_id"], before=row["after"],
                                  after=row["before"], note=action.note, action_id=action.id)  # fmt: skip
                continue
            event_id, after = row["entity_id"], row["after"]
            current = fetch(conn, event_id)
            now_version = current["version"] if current is not None else None
            if (after["version"] if after else None) != now_version:
                raise ConflictError(
                    f"event {event_id} has changed since action {action_id} (now version {now_version}); "
                    "undo the later actions first",
                    mine={"undo": action_id, "event": event_id, "state": row["before"]},
                    theirs=event_values(current) if current is not None else None,
                )
            states.setdefault(event_id, row["before"])
            before = row["before"]
            base = now_version if now_version is not None else (before or {}).get("version", 0)
            versions[event_id] = int(base) + 1
        olds = {event_id: snapshot(conn, event_id) for event_id in states}
        restore(conn, states, versions=versions, now=action.txn.now)
        for event_id in states:
            action.record(event_id, olds[event_id], snapshot(conn, event_id))

    with store._transaction() as conn:  # the action row refers to it: say so before writing
        known = conn.execute(sa.select(review_actions.c.id).where(review_actions.c.id == action_id)).first()
    if known is None:
        raise StoreError(f"there is no review action {action_id}")
    return _act(store, editor, "undo", note, body, undoes=action_id)


def resolve(
    store: Store, editor: Editor, item_id: int, *, take_machine: bool, version: int, note: str = ""
) -> ActionResult:
    """Settle a "machine disagrees" item: keep the person's version, or take the machine's fields.

    Either way the machine's new proposal becomes the one the event was decided on, so the same
    proposal is not listed again.
    """

    def body(action: _Action) -> None:
        conn = action.txn.conn
        item = conn.execute(sa.select(disagreements).where(disagreements.c.id == item_id)).mappings().first()
        if item is None or item["status"] != "open":
            raise StoreError(f"there is no open disagreement {item_id}")
        machine = item["machine"]
        row = check_version(
            conn, item["event_id"], version, {"resolve": item_id, "take_machine": take_machine}
        )
        values: dict[str, Any] = {"machine": machine}
        if take_machine:
            if machine is None:
                raise UsageError("the machine no longer reports this event: reject it instead, or keep it")
            taken = {k: machine[k] for k in item["fields"] if k in PROPOSAL_FIELDS and k not in _PLACE_FIELDS}
            if _PLACE_FIELDS & set(item["fields"]):
                taken |= _place_of(machine)
            values |= validated(taken, row, project_gazetteer())
            values["review"] = _review_after(row, "edited")
        status = "taken" if take_machine else "kept"
        conn.execute(
            sa.update(disagreements)
            .where(disagreements.c.id == item_id)
            .values(status=status, resolved_by=action.id)
        )
        action.txn.record("resolve", "disagreement", item_id, before={"status": "open", "resolved_by": None},
                          after={"status": status, "resolved_by": action.id}, note=action.note,
                          action_id=action.id)  # fmt: skip
        action.change(row, values)

    return _act(store, editor, "resolve", note, body)


def _place_of(machine: Mapping[str, Any]) -> dict[str, Any]:
    """The machine's place as an edit gives it: by gazetteer id, else by point, else none."""
    if machine.get("place_id"):
        return {k: machine[k] for k in ("place_id", "place", "geo_precision", "uncertainty_km")}
    if machine.get("lon") is not None:
        return {k: machine[k] for k in ("lon", "lat", "place", "geo_precision", "uncertainty_km")}
    return {"place_id": None}
