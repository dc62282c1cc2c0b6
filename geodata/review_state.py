"""An event's whole state as a review action sees it: capture, compare, restore (inside a write).

A review action records each event it touches as it was before and after: every ``events`` column
but the geometry (``store_write.event_values``), ``created_at``, and ``reports``, the event's link
rows (``event_sources``) in order, each whole. That is enough to put the event back exactly,
reports included, which is what an undo does (:func:`restore`); it is also what the page shows as
the event's history. :func:`proposal` is the part a person may change (what "the machine
disagrees" compares).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from shapely.geometry import Point
from sqlalchemy.engine import Connection
from sqlalchemy.engine.row import RowMapping

from geodata import settings
from geodata._errors import ConflictError, StoreError
from geodata.store_tables import UtcDateTime, articles, event_sources, events
from geodata.store_write import event_values

__all__ = [
    "PROPOSAL_FIELDS",
    "check_version",
    "derived_fields",
    "fetch",
    "proposal",
    "relink",
    "restore",
    "snapshot",
]

#: The fields a person may change and a later run may propose differently, in the order shown.
PROPOSAL_FIELDS: tuple[str, ...] = (
    "kind", "status", "date_start", "date_end", "date_precision", "place", "place_id", "geo_precision",
    "uncertainty_km", "lon", "lat", "actors",
)  # fmt: skip
#: Link columns a snapshot keeps (all but the row id and the event it belongs to).
_LINK_FIELDS = tuple(c.name for c in event_sources.columns if c.name not in ("id", "event_id"))


def fetch(conn: Connection, event_id: int) -> RowMapping | None:
    """The ``events`` row, or ``None``."""
    return conn.execute(sa.select(events).where(events.c.id == event_id)).mappings().first()


def check_version(conn: Connection, event_id: int, version: int, mine: Mapping[str, Any]) -> RowMapping:
    """The event's row, if it is still at ``version``; else :class:`ConflictError` with both sides.

    ``mine`` is the change the person asked for (kept in the error, so the page can offer it again).
    """
    row = fetch(conn, event_id)
    if row is None:
        raise StoreError(f"there is no event {event_id} (it may have been merged into another or undone)")
    if row["version"] != version:
        raise ConflictError(
            f"event {event_id} was changed by someone else (now version {row['version']}, yours was "
            f"based on {version}); nothing was saved",
            mine=dict(mine),
            theirs=event_values(row),
        )
    return row


def _json_ready(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, settings.COORD_DECIMALS)
    if isinstance(value, tuple):
        return list(value)
    return value


def proposal(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The person-changeable fields of an event, JSON-ready (ISO dates, floats at 6 decimals)."""
    return {name: _json_ready(row[name]) for name in PROPOSAL_FIELDS}


def links(conn: Connection, event_id: int) -> list[dict[str, Any]]:
    """An event's link rows (without ids), in order."""
    query = (
        sa.select(*(event_sources.c[name] for name in _LINK_FIELDS))
        .where(event_sources.c.event_id == event_id)
        .order_by(event_sources.c.position, event_sources.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def snapshot(conn: Connection, event_id: int) -> dict[str, Any] | None:
    """The event's whole state (row, ``created_at`` and ``reports``), or ``None`` if there is none."""
    row = fetch(conn, event_id)
    if row is None:
        return None
    return event_values(row) | {"created_at": row["created_at"], "reports": links(conn, event_id)}


def derived_fields(conn: Connection, event_id: int) -> dict[str, Any]:
    """The fields that follow from an event's reports: the first one's article, outlet, URL,
    publication date and sentence, and the other reporting articles (as the pipeline writes them)."""
    query = (
        sa.select(
            articles.c.name, articles.c.outlet, articles.c.url, articles.c.published, event_sources.c.sentence
        )
        .join(articles, articles.c.id == event_sources.c.article_id)
        .where(event_sources.c.event_id == event_id)
        .order_by(event_sources.c.position, event_sources.c.id)
    )
    found = conn.execute(query).all()
    if not found:
        raise StoreError(f"event {event_id} has no report left")
    first = found[0]
    names = list(dict.fromkeys(r.name for r in found))
    return {
        "article": first.name,
        "also_reported_in": ", ".join(names[1:]),
        "outlet": first.outlet,
        "url": first.url or "",
        "published": first.published,
        "quote": first.sentence,
    }


def relink(conn: Connection, event_id: int, keys: Sequence[str], *, start: int) -> None:
    """Move the reports with ``keys`` to ``event_id``, placed from ``start`` on in the given order."""
    for offset, key in enumerate(keys):
        conn.execute(
            sa.update(event_sources)
            .where(event_sources.c.key == key)
            .values(event_id=event_id, position=start + offset)
        )


def _typed(values: Mapping[str, Any], table: sa.Table) -> dict[str, Any]:
    """Values read back from the history's JSON, as the columns take them (dates, moments)."""
    out: dict[str, Any] = {}
    for name, value in values.items():
        column = table.c[name]
        if isinstance(value, str) and isinstance(column.type, UtcDateTime):
            out[name] = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, sa.Date):
            out[name] = dt.date.fromisoformat(value)
        else:
            out[name] = value
    return out


def with_point(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with the geometry that goes with their ``lon``/``lat`` (when they set them)."""
    if "lon" in values or "lat" in values:
        lon, lat = values.get("lon"), values.get("lat")
        values["geom"] = Point(lon, lat) if lon is not None and lat is not None else None
    return values


def restore(
    conn: Connection,
    states: Mapping[int, Mapping[str, Any] | None],
    *,
    versions: Mapping[int, int],
    now: dt.datetime,
) -> None:
    """Bring events to recorded states (``None``: the event is not to exist), reports included.

    ``states`` are snapshots as the history holds them (JSON); each restored event gets the
    version in ``versions``. Reports the states name are taken from wherever they are now and
    put back where the states say; an event's other reports (linked later by the machine) stay.
    """
    keys = {r["key"] for state in states.values() if state for r in state["reports"]}
    if keys:
        conn.execute(sa.delete(event_sources).where(event_sources.c.key.in_(sorted(keys))))
    gone = [event_id for event_id, state in states.items() if state is None]
    if gone:
        conn.execute(sa.delete(event_sources).where(event_sources.c.event_id.in_(gone)))
        conn.execute(sa.delete(events).where(events.c.id.in_(gone)))
    for event_id, state in states.items():
        if state is None:
            continue
        fields = {k: v for k, v in state.items() if k not in ("reports", "geom")}
        values = with_point(_typed(fields, events)) | {"version": versions[event_id], "updated_at": now}
        values["id"] = event_id
        if fetch(conn, event_id) is None:
            clash = conn.execute(sa.select(events.c.id).where(events.c.key == values["key"])).first()
            if clash is not None:
                raise StoreError(f"cannot bring back event {event_id}: its key is now event {clash.id}'s")
            conn.execute(sa.insert(events).values(**values))
        else:
            conn.execute(sa.update(events).where(events.c.id == event_id).values(**values))
        rows = [_typed(r, event_sources) | {"event_id": event_id} for r in state["reports"]]
        if rows:
            conn.execute(sa.insert(event_sources), rows)


def event_ids_of(states: Iterable[Mapping[str, Any] | None]) -> list[int]:
    """The ids of the events in some snapshots."""
    return [int(s["id"]) for s in states if s is not None]
