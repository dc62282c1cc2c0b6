"""The command line: ``python -m geodata validate | export | events | import``.

Each subcommand calls the same library functions the app uses, prints its result or a report, and
exits 0 on success, 1 when the data has errors (or rows were skipped), 2 on a usage error or a file
that cannot be written: ``error: ...`` in words, never a traceback.

``--out`` names a file, or a folder when it ends with ``/`` or is an existing folder: the folder is
created if needed and the file gets its usual name inside it. Every file is written atomically.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import geopandas as gpd
from rich.console import Console
from rich.progress import track

from geodata import _atomic, articles, events, export, formats, gazetteer, imports, settings, zones
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
    out.add_argument("--seeds", type=Path, default=settings.SEEDS_DIR, help="article folder (events)")
    out.add_argument(
        "--imported",
        type=Path,
        action="append",
        default=[],
        metavar="FILE",
        help="ACLED/UCDP CSV (repeatable)",
    )
    out.add_argument(
        "--out", help="output file, or folder ending in / (default: a name saying what it holds)"
    )
    out.set_defaults(run=_export)

    ev = sub.add_parser("events", help="read events out of the articles, as RFC 7946 GeoJSON")
    ev.add_argument("--seeds", type=Path, default=settings.SEEDS_DIR, help="article folder")
    ev.add_argument("--out", help="output file, or folder ending in / (default: standard output)")
    ev.set_defaults(run=_events)

    load = sub.add_parser("import", help="read an ACLED or UCDP GED CSV export and write it as GeoJSON")
    load.add_argument("file", type=Path, help="the CSV file")
    load.add_argument("--format", choices=imports.DATASETS, help="its layout (default: from the header)")
    load.add_argument(
        "--out", help="GeoJSON file or folder/ to write (default: imported_<format>_<name>.geojson)"
    )
    load.set_defaults(run=_import)
    return parser


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
    )
    frames, problems, sources = _load_layers(args, view)
    _report(problems)
    selected = formats.layers_for(export.select(frames, view), args.format)
    out = _output(args.out, export.export_name(view, suffix=formats.SUFFIXES[args.format]))
    info = export.describe(view, selected, fmt=args.format, name=out.name, sources=sources)
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
    if "events" in view.layers:
        extracted = _extract(args.seeds)
        frames["events"] = events.events_frame(extracted.events)
        problems.extend(extracted.problems)
        sources.append(args.seeds)
    if "imported" in view.layers:
        imported = imports.load_event_files(args.imported)
        frames["imported"] = imported.events
        problems.extend(imported.problems)
        sources.extend(args.imported)
    if "reference" in view.layers:
        frames["reference"] = export.reference_frame()
        sources.extend([settings.OUTLINE_FILE, settings.GOVERNORATES_FILE])
    return frames, problems, sources


def _import(args: argparse.Namespace) -> int:
    try:
        run = imports.read_events(args.file, fmt=args.format)
    except DataError as exc:
        _report(exc.problems)
        return 1
    dataset = run.events["dataset"].iloc[0] if len(run.events) else args.format or "events"
    out = _output(args.out, f"imported_{dataset}_{args.file.stem}.geojson")
    export.write_geojson(export.feature_collection({"imported": run.events}), out)
    for problem in run.problems:
        print(f"skipped {problem.feature}: {problem.message}", file=sys.stderr)
    print(
        f"{args.file.name}: {run.rows_read} rows read, {len(run.events)} loaded, {run.skipped} skipped; "
        f"wrote {out}"
    )
    return 1 if run.problems else 0


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


if __name__ == "__main__":
    sys.exit(main())
