"""The command line of review: ``editors``, ``review`` and ``evaluate`` (wired in by ``__main__``).

``editors add NAME`` (the password asked twice), ``editors list``, ``editors remove NAME``;
``review list|show|history`` for anyone; ``review accept|reject|edit|merge|split|add|undo|resolve``
for an editor: ``--editor NAME``, and the password from a prompt, or for scripts from the
``ATLAS_EDITOR_PASSWORD`` environment variable. ``evaluate`` scores the current pipeline against
the reviewed events. Text from articles is printed with control characters shown as escapes, so
an article cannot drive the terminal.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from geodata import editors, evaluate, review, review_queue
from geodata import store as event_store
from geodata._errors import UsageError
from geodata.schema import DATE_PRECISIONS, EVENT_KINDS, EVENT_STATUSES, GEO_PRECISIONS
from geodata.temporal import parse_day

__all__ = ["PASSWORD_ENV", "add_commands"]

#: Where scripts give an editor's password (the prompt is used when it is not set).
PASSWORD_ENV = "ATLAS_EDITOR_PASSWORD"


def _plain(value: object) -> str:
    """Text for the terminal: control characters (escape sequences, carriage returns) escaped."""
    text = "" if value is None else str(value)
    return "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode() for ch in text
    )


def _store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store", metavar="PATH|URL", help="the event store (default: $ATLAS_STORE or the user's)"
    )


def _editor_options(parser: argparse.ArgumentParser) -> None:
    _store_option(parser)
    parser.add_argument(
        "--editor",
        required=True,
        metavar="NAME",
        help=f"your editor name (password: prompt or ${PASSWORD_ENV})",
    )
    parser.add_argument("--note", default="", help="why (kept in the history)")


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``editors``, ``review`` and ``evaluate`` to the CLI's subcommands."""
    accounts = sub.add_parser("editors", help="editor accounts (who may review events)")
    actions = accounts.add_subparsers(required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add an editor (the password is asked twice)")
    add.add_argument("name")
    add.add_argument("--replace", action="store_true", help="set a new password for an existing editor")
    add.set_defaults(run=_editors_add)
    listed = actions.add_parser("list", help="the editors and when they were added")
    listed.set_defaults(run=_editors_list)
    remove = actions.add_parser("remove", help="remove an editor (their sign-ins stop at once)")
    remove.add_argument("name")
    remove.set_defaults(run=_editors_remove)
    for parser in (add, listed, remove):
        parser.add_argument(
            "--file", help=f"the accounts file (default: ${editors.ENV_VAR} or the user's config)"
        )

    rv = sub.add_parser("review", help="review the store's events: list, show, accept, reject, edit, undo")
    steps = rv.add_subparsers(required=True, metavar="ACTION")
    queue = steps.add_parser("list", help="events to review, most needed first")
    queue.add_argument("--article", type=int, help="only events of this article id")
    queue.add_argument("--kind", action="append", default=[], choices=EVENT_KINDS)
    queue.add_argument("--from", dest="date_from", type=parse_day, help="events ending on or after this day")
    queue.add_argument("--to", dest="date_to", type=parse_day, help="events starting on or before this day")
    queue.add_argument("--all", action="store_true", help="reviewed events too")
    queue.add_argument("--limit", type=int, default=50)
    _store_option(queue)
    queue.set_defaults(run=_list)
    show = steps.add_parser("show", help="one event: fields, reports, candidates, disagreements, history")
    show.add_argument("id", type=int)
    _store_option(show)
    show.set_defaults(run=_show)
    past = steps.add_parser("history", help="an event's history")
    past.add_argument("id", type=int)
    _store_option(past)
    past.set_defaults(run=_history)
    places = steps.add_parser("places", help="search the gazetteer by name or alias (for --place-id)")
    places.add_argument("text")
    places.add_argument("--limit", type=int, default=10)
    places.set_defaults(run=_places)
    _write_commands(steps)

    ev = sub.add_parser("evaluate", help="score the current pipeline against the reviewed events")
    _store_option(ev)
    ev.set_defaults(run=_evaluate)


def _write_commands(steps: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ok = steps.add_parser("accept", help="confirm an event as it stands")
    ok.add_argument("id", type=int)
    no = steps.add_parser("reject", help="mark an event as not an event")
    no.add_argument("id", type=int)
    no.add_argument("--reason", required=True)
    fix = steps.add_parser("edit", help="correct an event's fields")
    fix.add_argument("id", type=int)
    _field_options(fix)
    join = steps.add_parser("merge", help="make two events one (the second's reports join the first)")
    join.add_argument("id", type=int)
    join.add_argument("other", type=int)
    part = steps.add_parser("split", help="make the reports with these keys a new event")
    part.add_argument("id", type=int)
    part.add_argument("keys", nargs="+", metavar="REPORT_KEY")
    new = steps.add_parser("add", help="add an event the pipeline missed, from a sentence of an article")
    new.add_argument("article", type=int, help="the article id")
    new.add_argument("--paragraph", type=int, required=True, help="paragraph number (review show lists them)")
    new.add_argument(
        "--start", type=int, required=True, help="first character of the sentence in the paragraph"
    )
    new.add_argument("--end", type=int, required=True, help="one past its last character")
    _field_options(new)
    back = steps.add_parser("undo", help="undo a review action (its id is in the history)")
    back.add_argument("action", type=int)
    settle = steps.add_parser("resolve", help="settle a 'machine disagrees' item")
    settle.add_argument("item", type=int)
    settle.add_argument(
        "--take", action="store_true", help="take the machine's version (default: keep yours)"
    )
    for parser, run in ((ok, _accept), (no, _reject), (fix, _edit), (join, _merge), (part, _split),
                        (new, _add), (back, _undo), (settle, _resolve)):  # fmt: skip
        _editor_options(parser)
        if parser not in (new, back):
            parser.add_argument(
                "--version", type=int, help="the version you reviewed (default: the current one)"
            )
        parser.set_defaults(run=run)


def _field_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", choices=EVENT_KINDS)
    parser.add_argument("--status", choices=EVENT_STATUSES)
    parser.add_argument("--date", metavar="DAY|START..END", help="the event's date or dates")
    parser.add_argument("--precision", choices=DATE_PRECISIONS, help="the dates' precision")
    parser.add_argument("--place-id", help="a gazetteer place id (search: review places TEXT)")
    parser.add_argument(
        "--lonlat", metavar="LON,LAT", help="a point, with --geo-precision and --uncertainty-km"
    )
    parser.add_argument("--place", help="the place's name")
    parser.add_argument("--geo-precision", choices=GEO_PRECISIONS)
    parser.add_argument("--uncertainty-km", type=float)
    parser.add_argument("--unlocated", action="store_true", help="the event has no known place")
    parser.add_argument("--actors", help="actors separated by ';'")


def _changes(args: argparse.Namespace) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("kind", "status", "place", "geo_precision", "uncertainty_km"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.date:
        start, _, end = args.date.partition("..")
        changes |= {"date_start": parse_day(start), "date_end": parse_day(end or start)}
    if args.precision:
        changes["date_precision"] = args.precision
    if args.place_id:
        changes["place_id"] = args.place_id
    if args.lonlat:
        try:
            lon, lat = (float(v) for v in args.lonlat.split(","))
        except ValueError as exc:
            raise UsageError(f"--lonlat {args.lonlat!r} is not LON,LAT") from exc
        changes |= {"lon": lon, "lat": lat}
    if args.unlocated:
        changes["place_id"] = None
    if args.actors is not None:
        changes["actors"] = [a.strip() for a in args.actors.split(";") if a.strip()]
    return changes


# --- editors ---------------------------------------------------------------------------------------


def _editors_add(args: argparse.Namespace) -> int:
    first = getpass.getpass(f"password for {args.name}: ")
    second = getpass.getpass("the same password again: ")
    if first != second:
        raise UsageError("the two passwords differ; nothing was changed")
    path = editors.add_editor(args.name, first, path=args.file, replace=args.replace)
    print(f"editor {args.name} {'updated' if args.replace else 'added'} in {path}")
    return 0


def _editors_list(args: argparse.Namespace) -> int:
    found = editors.list_editors(path=args.file)
    for account in found:
        print(f"{account.name}\tadded {account.added_at:%Y-%m-%d %H:%M} UTC")
    print(f"{len(found)} editors in {editors.editors_path(args.file)}", file=sys.stderr)
    return 0


def _editors_remove(args: argparse.Namespace) -> int:
    path = editors.remove_editor(args.name, path=args.file)
    print(f"editor {args.name} removed from {path}")
    return 0


def _sign_in(args: argparse.Namespace) -> editors.Editor:
    password = os.environ.get(PASSWORD_ENV)
    if password is None:
        password = getpass.getpass(f"password for {args.editor}: ")
    return editors.sign_in(args.editor, password)


# --- review ----------------------------------------------------------------------------------------


def _open(args: argparse.Namespace) -> event_store.Store:
    return event_store.open_store(args.store)


def _list(args: argparse.Namespace) -> int:
    filters = review_queue.QueueFilter(
        article_id=args.article, kinds=tuple(args.kind), date_from=args.date_from, date_to=args.date_to,
        include_reviewed=args.all,
    )  # fmt: skip
    with _open(args) as store:
        found = review_queue.review_queue(store, filters)
    print("id\tversion\treview\tkind\tdates\tplace\tpriority\twhy")
    for item in found[: args.limit]:
        dates = f"{item.date_start}..{item.date_end}" if item.date_start else "undated"
        print(
            f"{item.id}\t{item.version}\t{item.review}\t{item.kind}\t{dates}\t{_plain(item.place or '-')}\t"
            f"{item.priority:g}\t{_plain('; '.join(item.reasons))}"
        )
    print(f"{len(found)} events to review", file=sys.stderr)
    return 0


def _show(args: argparse.Namespace) -> int:
    with _open(args) as store:
        detail = review_queue.event_detail(store, args.id)
    event = detail.event
    for name in ("id", "event_id", "version", "review", "kind", "status", "date_start", "date_end",
                 "date_precision", "date_source", "place", "place_id", "geo_precision", "uncertainty_km",
                 "lon",
                 "lat", "actors", "confidence", "pipeline_version"):  # fmt: skip
        print(f"{name}: {_plain(event[name])}")
    for report in detail.reports:
        print(f"\nreport {report.key} (the machine read it as {report.machine_kind})")
        print(f"  article {report.article_id} {_plain(report.article)}: {_plain(report.title)}")
        print(f"  {_plain(report.outlet)} {_plain(report.url)} {report.published or ''}")
        if (
            report.paragraph_text is not None
            and report.span_start is not None
            and report.span_end is not None
        ):
            text = report.paragraph_text
            start, end = report.span_start, report.span_end
            marked = f"{text[:start]}[[{text[start:end]}]]{text[end:]}"
            print(f"  paragraph {report.paragraph}, characters {start}-{end}: {_plain(marked)}")
        else:
            print(f"  sentence: {_plain(report.sentence)}")
        for candidate in report.candidates:
            mark = "*" if candidate.chosen else " "
            print(
                f"  {mark} {candidate.place_id} {_plain(candidate.name)} "
                f"({candidate.kind}, {candidate.country})"
            )
    for item in detail.disagreements:
        print(f"\nthe machine disagrees (item {item.id}, pipeline {item.pipeline_version}):")
        if item.machine is None:
            print("  it no longer finds this event")
        for name, (machine, person) in item.fields.items():
            print(f"  {name}: machine {_plain(machine)}, yours {_plain(person)}")
    _print_history(detail.history)
    return 0


def _history(args: argparse.Namespace) -> int:
    with _open(args) as store:
        _print_history(review_queue.event_history(store, args.id))
    return 0


def _print_history(entries: Sequence[review_queue.HistoryEntry]) -> None:
    print("\nhistory:")
    for entry in entries:
        action = f" (action {entry.action_id}" + (
            f", undone by {entry.undone_by})" if entry.undone_by else ")"
        )
        when = f"{entry.at:%Y-%m-%d %H:%M:%S}"
        print(f"  {when} {_plain(entry.by)} {entry.action}{action if entry.action_id else ''}"
              f"{': ' + _plain(entry.note) if entry.note else ''}")  # fmt: skip
        for name, (old, new) in entry.changed.items():
            if name not in ("reports", "machine", "created_at"):
                print(f"      {name}: {_plain(old)} -> {_plain(new)}")


def _current(store: event_store.Store, event_id: int, given: int | None) -> int:
    if given is not None:
        return given
    return int(review_queue.event_detail(store, event_id).event["version"])


def _write(
    args: argparse.Namespace, act: Callable[[event_store.Store, editors.Editor], review.ActionResult]
) -> int:
    editor = _sign_in(args)
    with _open(args) as store:
        result = act(store, editor)
    versions = ", ".join(
        f"event {i}: {'gone' if v is None else f'version {v}'}" for i, v in result.versions.items()
    )
    print(f"{result.action} done (action {result.action_id}; {versions})")
    return 0


def _accept(args: argparse.Namespace) -> int:
    return _write(
        args,
        lambda s, e: review.accept(s, e, args.id, version=_current(s, args.id, args.version), note=args.note),
    )


def _reject(args: argparse.Namespace) -> int:
    return _write(
        args,
        lambda s, e: review.reject(
            s, e, args.id, reason=args.reason, version=_current(s, args.id, args.version)
        ),
    )


def _edit(args: argparse.Namespace) -> int:
    changes = _changes(args)
    if not changes:
        raise UsageError("say what to change (--kind, --date, --place-id, ...)")
    return _write(
        args,
        lambda s, e: review.edit(
            s, e, args.id, changes, version=_current(s, args.id, args.version), note=args.note
        ),
    )


def _merge(args: argparse.Namespace) -> int:
    def act(s: event_store.Store, e: editors.Editor) -> review.ActionResult:
        versions = (_current(s, args.id, args.version), _current(s, args.other, None))
        return review.merge(s, e, args.id, args.other, versions=versions, note=args.note)

    return _write(args, act)


def _split(args: argparse.Namespace) -> int:
    return _write(
        args,
        lambda s, e: review.split(
            s, e, args.id, args.keys, version=_current(s, args.id, args.version), note=args.note
        ),
    )


def _add(args: argparse.Namespace) -> int:
    changes = _changes(args)
    span = review.TextSpan(args.paragraph, args.start, args.end)
    return _write(args, lambda s, e: review.add_event(s, e, args.article, span, changes, note=args.note))


def _undo(args: argparse.Namespace) -> int:
    return _write(args, lambda s, e: review.undo(s, e, args.action, note=args.note))


def _resolve(args: argparse.Namespace) -> int:
    def act(s: event_store.Store, e: editors.Editor) -> review.ActionResult:
        found = [d for d in review_queue.disagreement_list(s, status=None) if d.id == args.item]
        item = found[0] if found else None
        if item is None:
            raise UsageError(f"there is no disagreement {args.item}")
        version = _current(s, item.event_id, args.version)
        return review.resolve(s, e, args.item, take_machine=args.take, version=version, note=args.note)

    return _write(args, act)


def _places(args: argparse.Namespace) -> int:
    from geodata.place_search import project_gazetteer, search_places

    for m in search_places(args.text, project_gazetteer(), limit=args.limit):
        alias = f" (as {m.matched})" if m.matched != m.name else ""
        print(
            f"{m.place_id}\t{_plain(m.name)}{_plain(alias)}\t{m.kind}, {m.country}\t{m.lon:.5f},{m.lat:.5f}"
        )
    return 0


# --- evaluate --------------------------------------------------------------------------------------


def _evaluate(args: argparse.Namespace) -> int:
    with _open(args) as store:
        scores = evaluate.evaluate(store)
    if not scores.gold:
        print(
            "no reviewed events in the store yet: accept, correct or add some first "
            "(python -m geodata review)"
        )
        return 0
    print(
        f"pipeline {scores.pipeline_version} against {scores.gold} reviewed events and {scores.known_false} "
        f"rejected claims in {scores.articles} articles ({dt.date.today()}):"
    )
    print(scores.table())
    return 0
