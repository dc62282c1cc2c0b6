"""The command line: ``python -m geodata validate | export | events | import | add | reextract | store``,
and ``editors | review | evaluate`` (:mod:`geodata.cli_review`).

Each subcommand calls the same library functions the app uses, prints its result or a report, and
exits 0 on success, 1 when the data has errors (or rows were skipped), 2 on a usage error, a file
that cannot be written or a store that cannot be used: ``error: ...`` in words, never a traceback.
``add``, ``reextract``, ``import``, ``store`` and ``export`` work on the event store (``--store``,
default ``$ATLAS_STORE`` or the user's data folder; see ``geodata.store_open``).

``--out`` names a file, or a folder when it ends with ``/`` or is an existing folder: the folder is
created if needed and the file gets its usual name inside it. Every file is written atomically.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import geopandas as gpd
from rich.console import Console
from rich.progress import track

from geodata import (
    _atomic,
    articles,
    cli_review,
    events,
    export,
    formats,
    gazetteer,
    imports,
    intake,
    loading,
    point_cache,
    settings,
    zones,
)
from geodata import store as event_store
from geodata._errors import AtlasError, DataError, OutputError, Problem, UsageError
from geodata.temporal import parse_day

#: Above this many articles, a progress bar is shown on a terminal.
PROGRESS_MIN_ARTICLES = 50


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except AtlasError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m geodata", description=__doc__)
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    check = sub.add_parser("validate", help="check zones/ and report every problem")
    check.add_argument("--zones", type=Path, default=settings.ZONES_DIR, help="zone folder")
    check.add_argument("--seeds", type=Path, default=settings.SEEDS_DIR, help="article folder")
    check.set_defaults(run=_validate)

    out = sub.add_parser("export", help="write a view of the layers as geojson, geojsonseq, gpkg or csv")
    out.add_argument(
        "--layers",
        action="append",
        default=[],
        help=f"comma-separated, from {','.join(export.LAYERS)} (default: {','.join(export.DEFAULT_LAYERS)})",
    )
    out.add_argument("--date", type=_day, help="as-of date YYYY-MM-DD (default: everything)")
    out.add_argument("--window", type=_window, default=30, help="events window in days, or 'all'")
    out.add_argument("--kinds", action="append", default=[], help="comma-separated zone and/or event kinds")
    out.add_argument("--zone", metavar="ZONE_ID", help="only this zone, and the events inside it")
    out.add_argument("--bbox", type=_bbox, metavar="W,S,E,N", help="only features meeting this box")
    out.add_argument("--format", choices=formats.FORMATS, default="geojson", help="output format")
    out.add_argument("--zones", type=Path, default=settings.ZONES_DIR, help="zone folder")
    out.add_argument("--seeds", type=Path, help="read the events from this article folder, not the store")
    out.add_argument(
        "--imported",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="ACLED/UCDP CSV (repeatable; default: the store's imported events)",
    )
    out.add_argument(
        "--out", help="output file, or folder ending in / (default: a name saying what it holds)"
    )
    _review_filter_options(out)
    _store_options(out)
    out.set_defaults(run=_export, store_version=None)

    ev = sub.add_parser("events", help="read events out of the articles, as RFC 7946 GeoJSON")
    ev.add_argument("--seeds", type=Path, default=settings.SEEDS_DIR, help="article folder")
    ev.add_argument("--out", help="output file, or folder ending in / (default: standard output)")
    ev.set_defaults(run=_events)

    load = sub.add_parser("import", help="read ACLED or UCDP GED CSV exports into the store")
    load.add_argument("files", type=Path, nargs="+", metavar="FILE", help="the CSV file(s)")
    load.add_argument("--format", choices=imports.DATASETS, help="their layout (default: from the header)")
    load.add_argument(
        "--out", help="also write one file's imported events as GeoJSON (a file, or a folder ending in /)"
    )
    _store_options(load)
    load.set_defaults(run=_import_to_store)
    _store_commands(sub)
    cli_review.add_commands(sub)
    return parser


def _review_filter_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--reviewed-only",
        action="store_true",
        help="only the events a person accepted, corrected or added (imported events pass)",
    )
    parser.add_argument(
        "--include-rejected",
        action="store_true",
        help="keep the events a person rejected (left out by default)",
    )


def _window(value: str) -> int | None:
    if value == "all":
        return None
    try:
        days = int(value)
    except ValueError:
        days = 0
    if days < 1:
        raise argparse.ArgumentTypeError(
            f"the window is a number of days (1 or more) or 'all', not {value!r}"
        )
    return days


def _day(value: str) -> dt.date:
    try:
        return parse_day(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _output(out: str | None, name: str) -> Path:
    """The file to write: ``out``, or ``name`` inside it when it names a folder (created if needed).

    A path ending in ``/`` is a folder even when it does not exist yet (``--out exports/``); a file
    path whose folder does not exist is an error, not a folder made on a guess.
    """
    if out is None:
        return Path(name)
    path = Path(out)
    if not out.endswith(("/", os.sep)) and not path.is_dir():
        return path
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder {path}: {exc.strerror or exc}") from exc
    return path / name


def _report(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"{problem.severity}: {problem}", file=sys.stderr)


def _validate(args: argparse.Namespace) -> int:
    zone_set = zones.load_zones(args.zones)
    _report(zone_set.problems)
    errors = zone_set.errors
    print(
        f"zones: {len(zone_set.files)} files, {len(zone_set.zones)} features loaded, "
        f"{len(errors)} errors, {len(zone_set.problems) - len(errors)} warnings"
    )
    read, seed_problems = articles.validate_seeds(args.seeds)
    _report(seed_problems)
    seed_errors = [p for p in seed_problems if p.severity == "error"]
    print(
        f"seeds: {len(read)} articles read, {len(seed_errors)} errors, "
        f"{len(seed_problems) - len(seed_errors)} warnings"
    )
    gazetteer_problems = gazetteer.validate_gazetteer()
    _report(gazetteer_problems)
    gazetteer_errors = [p for p in gazetteer_problems if p.severity == "error"]
    print(
        f"gazetteer: {len(gazetteer_errors)} errors, "
        f"{len(gazetteer_problems) - len(gazetteer_errors)} warnings"
    )
    return 1 if errors or seed_errors or gazetteer_errors else 0


def _bbox(value: str) -> export.BBox:
    try:
        return export.parse_bbox(value)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _export(args: argparse.Namespace) -> int:
    view = export.ExportView(
        layers=export.layer_names(args.layers) or export.DEFAULT_LAYERS,
        day=args.date,
        window_days=args.window,
        kinds=export.layer_names(args.kinds),
        zone_id=args.zone,
        bbox=args.bbox,
        reviewed_only=args.reviewed_only,
        include_rejected=args.include_rejected,
    )
    frames, problems, sources = _load_layers(args, view)
    _report(problems)
    selected = formats.layers_for(export.select(frames, view), args.format)
    out = _output(args.out, export.export_name(view, suffix=formats.SUFFIXES[args.format]))
    info = export.describe(
        view, selected, fmt=args.format, name=out.name, sources=sources, store=args.store_version
    )
    written = formats.write(selected, out, fmt=args.format, info=info)
    counts = ", ".join(f"{len(frame)} {layer}" for layer, frame in selected.items())
    print(f"wrote {', '.join(map(str, written))}: {counts}; dataset {info.dataset_version}")
    return 1 if any(p.severity == "error" for p in problems) else 0


def _load_layers(
    args: argparse.Namespace, view: export.ExportView
) -> tuple[dict[str, gpd.GeoDataFrame], list[Problem], list[Path]]:
    """Load the layers the view needs, with their problems and the input paths (for the version)."""
    frames: dict[str, gpd.GeoDataFrame] = {}
    problems: list[Problem] = []
    sources: list[Path] = []
    if "zones" in view.layers or view.zone_id:
        zone_set = zones.load_zones(args.zones)
        frames["zones"] = zone_set.zones
        problems.extend(zone_set.problems)
        sources.append(args.zones)
    if "events" in view.layers and args.seeds is not None:
        extracted = _extract(args.seeds)
        frames["events"] = events.events_frame(extracted.events)
        problems.extend(extracted.problems)
        sources.append(args.seeds)
    if "imported" in view.layers and args.imported:
        imported = imports.load_event_files(args.imported)
        frames["imported"] = imported.events
        problems.extend(imported.problems)
        sources.extend(args.imported)
    frames |= _store_layers(args, view, frames)
    if "reference" in view.layers:
        frames["reference"] = export.reference_frame()
        sources.extend([settings.OUTLINE_FILE, settings.GOVERNORATES_FILE])
    return frames, problems, sources


def _extract(folder: Path) -> events.EventRun:
    """Run the events pipeline on ``folder``, with a progress bar on a terminal for long runs."""
    read, problems = articles.read_articles(folder)
    finder = events.default_place_finder()
    if sys.stderr.isatty() and len(read) >= PROGRESS_MIN_ARTICLES:
        found, event_problems = events.extract_from_articles(
            track(read, description="reading articles", console=_stderr_console()), finder
        )
    else:
        found, event_problems = events.extract_from_articles(read, finder)
    return events.EventRun(found, problems + event_problems, read)


def _stderr_console() -> Console:
    return Console(stderr=True)


def _events(args: argparse.Namespace) -> int:
    run = _extract(args.seeds)
    _report(run.problems)
    text = export.dumps(export.feature_collection({"events": events.events_frame(run.events)}))
    out = _output(args.out, "events.geojson") if args.out else None
    if out is not None:
        _atomic.write_text(out, text)
    else:
        sys.stdout.write(text)
    errors = sum(p.severity == "error" for p in run.problems)
    warnings = len(run.problems) - errors
    print(
        f"events: {len(run.articles)} articles read, {len(run.events)} events, "
        f"{run.unlocated} unlocated, {errors} errors, {warnings} warnings"
        + (f"; wrote {out}" if out else ""),
        file=sys.stderr,
    )
    return 1 if errors else 0


# --- the event store -----------------------------------------------------------------------------


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="PATH|URL",
        help="the event store: a .gpkg file or postgresql://user@host/db "
        "(default: $ATLAS_STORE, else atlas.gpkg in the user's data folder)",
    )
    parser.add_argument("--by", default=None, help="who is making the change (default: $ATLAS_USER or login)")


def _store_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    add = sub.add_parser(
        "add", help="add articles (.txt, saved .html pages, or seed-style folders) to the store"
    )
    add.add_argument("paths", type=Path, nargs="+", metavar="FILE|DIR", help="article files or folders")
    add.add_argument("--published", type=parse_day, help="publication date YYYY-MM-DD (files only)")
    add.add_argument("--outlet", default="", help="the outlet that published it (files only)")
    add.add_argument("--url", default="", help="its address (files only)")
    add.add_argument(
        "--title", default="", help="its title, when the file does not start with it (files only)"
    )
    _store_options(add)
    add.set_defaults(run=_add)

    again = sub.add_parser("reextract", help="run the current pipeline over the stored articles")
    _store_options(again)
    again.set_defaults(run=_reextract)

    store = sub.add_parser("store", help="the store itself: info, dump, load, upgrade")
    actions = store.add_subparsers(required=True, metavar="ACTION")
    info = actions.add_parser("info", help="where the store is and what it holds")
    _store_options(info)
    info.set_defaults(run=_store_info)
    dump = actions.add_parser("dump", help="back the whole store up to a GeoPackage file")
    dump.add_argument("file", type=Path, help="the .gpkg file to write")
    _store_options(dump)
    dump.set_defaults(run=_store_dump)
    load = actions.add_parser("load", help="restore a dump into an empty store (or --replace everything)")
    load.add_argument("file", type=Path, help="a .gpkg file written by store dump")
    load.add_argument("--replace", action="store_true", help="replace everything the store holds")
    _store_options(load)
    load.set_defaults(run=_store_load)
    upgrade = actions.add_parser("upgrade", help="upgrade the store's schema to this version's")
    _store_options(upgrade)
    upgrade.set_defaults(run=_store_upgrade)


def _open(args: argparse.Namespace, *, seeds: bool = True) -> event_store.Store:
    return event_store.open_store(args.store, seeds=settings.SEEDS_DIR if seeds else None)


def _by(args: argparse.Namespace) -> str:
    return str(args.by or event_store.default_user())


def _store_layers(
    args: argparse.Namespace, view: export.ExportView, loaded: dict[str, gpd.GeoDataFrame]
) -> dict[str, gpd.GeoDataFrame]:
    """The event layers the view needs that no --seeds folder or --imported file gave: from the store."""
    wanted = [layer for layer in ("events", "imported") if layer in view.layers and layer not in loaded]
    if not wanted:
        return {}
    with _open(args) as store:
        stored = store.frames()
        args.store_version = store.token()
    layers = {"events": stored["events"], "imported": stored.get("imported", imports.empty_frame())}
    return {layer: layers[layer] for layer in wanted}


def _add(args: argparse.Namespace) -> int:
    folders = [path for path in args.paths if path.is_dir()]
    given = args.published or args.outlet or args.url or args.title
    if folders and given:
        raise UsageError(
            "--published, --outlet, --url and --title are for files; a folder's manifest.csv gives them"
        )
    items, problems = _add_inputs(args)
    _report(problems)
    counts = {"added": 0, "duplicate": 0, "failed": 0}
    with _open(args) as store:
        results: Iterable[event_store.AddResult] = store.add_articles(items, by=_by(args))
        if sys.stderr.isatty() and len(items) >= PROGRESS_MIN_ARTICLES:
            results = track(results, total=len(items), description="adding", console=_stderr_console())
        for result in results:
            counts[result.status] += 1
            print(_added_line(result))
        where, revision = store.where, store.revision()
    unread = sum(p.severity == "error" for p in problems)
    print(
        f"{counts['added']} added, {counts['duplicate']} already stored, {counts['failed']} stored with an "
        f"extraction error, {unread} unreadable; store {where} (revision {revision})"
    )
    return 1 if unread or counts["failed"] else 0


def _add_inputs(
    args: argparse.Namespace,
) -> tuple[list[intake.ArticleInput | tuple[intake.ArticleInput, articles.Article]], list[Problem]]:
    items: list[intake.ArticleInput | tuple[intake.ArticleInput, articles.Article]] = []
    problems: list[Problem] = []
    for path in args.paths:
        if path.is_dir():
            found, folder_problems = intake.read_folder(path)
            items.extend(found)
            problems.extend(folder_problems)
            continue
        if not path.exists():
            problems.append(Problem(str(path), "no such file"))
            continue
        item, file_problems = intake.read_file(
            path, published=args.published, outlet=args.outlet, url=args.url, title=args.title
        )
        problems.extend(file_problems)
        if item is not None:
            items.append(item)
    return items, problems


def _added_line(result: event_store.AddResult) -> str:
    if result.status == "duplicate" and result.duplicate_of is not None:
        number, name, title = result.duplicate_of
        return f"skipped {result.name}: already stored as article {number}, {name} ({title!r})"
    if result.status == "failed":
        return f"stored {result.name} with an extraction error (reextract retries it): {result.error}"
    merged = result.events - result.new_events
    news = f"{result.new_events} new, {merged} merged into stored events"
    return f"added {result.name}: {result.events} events ({news})"


def _reextract(args: argparse.Namespace) -> int:
    with _open(args) as store:
        report = store.reextract(by=_by(args))
        where = store.where
    for item in report.articles:
        if item.error:
            print(f"{item.name}: extraction failed: {item.error}", file=sys.stderr)
        elif item.added or item.changed or item.removed or item.kept or item.disagreements or item.retried:
            retried = " (failed before, read now)" if item.retried else ""
            print(
                f"{item.name}: {item.added} added, {item.changed} changed, {item.removed} removed, "
                f"{item.kept} reviewed kept as they are, {item.disagreements} disagreements listed{retried}"
            )
    print(
        f"reextract: {len(report.articles)} articles, {report.added} events added, {report.changed} changed, "
        f"{report.removed} removed, {report.kept} reviewed events kept, {report.disagreements} disagreements "
        "listed for review, "
        f"{len(report.failed)} articles failed; "
        f"store {where}"
    )
    return 1 if report.failed else 0


def _import_to_store(args: argparse.Namespace) -> int:
    if args.out is not None and len(args.files) > 1:
        raise UsageError("--out writes one file's events; give one FILE with it")
    code = 0
    with _open(args) as store:
        for path in args.files:
            try:
                run = imports.read_events(path, fmt=args.format)
            except DataError as exc:
                _report(exc.problems)
                code = 1
                continue
            for problem in run.problems:
                print(f"skipped {problem.feature}: {problem.message}", file=sys.stderr)
            result = store.import_events(run, path, by=_by(args))
            wrote = ""
            if args.out is not None:
                dataset = run.events["dataset"].iloc[0] if len(run.events) else args.format or "events"
                out = _output(args.out, f"imported_{dataset}_{path.stem}.geojson")
                export.write_geojson(export.feature_collection({"imported": run.events}), out)
                wrote = f"; wrote {out}"
            print(
                f"{path.name}: {run.rows_read} rows read, {len(run.events)} loaded, {run.skipped} skipped; "
                f"stored in {store.where} ({result.replaced} replacing stored ones){wrote}"
            )
            code = code or (1 if run.problems else 0)
        # The app's next first map reads the imported events' points instead of encoding them all.
        point_cache.kept(loading.store_points_path(store, store.imported_token()), store.imported)
    return code


def _store_info(args: argparse.Namespace) -> int:
    with _open(args) as store:
        listed = store.articles()
        frames = store.frames()
        print(f"store: {store.where} ({store.backend}), token {store.token()}")
        print(
            f"articles: {len(listed)} ({int(listed['extraction_error'].notna().sum()) if len(listed) else 0} "
            f"with an extraction error); events: {len(frames['events'])}; "
            f"imported events: {len(frames.get('imported', ()))}"
        )
    return 0


def _store_dump(args: argparse.Namespace) -> int:
    with _open(args) as store:
        counts = store.dump(args.file)
        where = store.where
    rows = ", ".join(f"{n} {table}" for table, n in counts.items() if table != "atlas_store")
    print(f"wrote {args.file}: {rows} (from {where})")
    return 0


def _store_load(args: argparse.Namespace) -> int:
    with _open(args, seeds=False) as store:
        result = store.load(args.file, by=_by(args), replace=args.replace)
        where = store.where
    rows = ", ".join(f"{n} {table}" for table, n in result.counts.items())
    print(f"loaded {args.file} into {where}: {rows} (store {result.store_id}, revision {result.revision})")
    return 0


def _store_upgrade(args: argparse.Namespace) -> int:
    store = event_store.open_store(args.store, seeds=None, upgrade=True)
    with store:
        print(f"store {store.where} is at the newest schema")
    return 0


if __name__ == "__main__":
    sys.exit(main())
