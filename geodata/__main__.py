"""The command line: ``python -m geodata validate | export``.

Each subcommand calls the same library functions the app uses, prints its result or a report, and
exits 0 on success, 1 when the data has errors, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from geodata import export, settings, zones
from geodata._errors import AtlasError, Problem
from geodata.temporal import parse_day


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
    check.set_defaults(run=_validate)

    out = sub.add_parser("export", help="write layers as RFC 7946 GeoJSON")
    out.add_argument("--layers", action="append", default=[], help="comma-separated: zones,events")
    out.add_argument("--date", type=parse_day, help="as-of date YYYY-MM-DD (default: everything)")
    out.add_argument("--window", type=_window, default=30, help="events window in days, or 'all'")
    out.add_argument("--zones", type=Path, default=settings.ZONES_DIR, help="zone folder")
    out.add_argument("--out", type=Path, help="output file (default: a name saying what it holds)")
    out.set_defaults(run=_export)
    return parser


def _window(value: str) -> int | None:
    if value == "all":
        return None
    days = int(value)
    if days < 1:
        raise argparse.ArgumentTypeError("the window is at least 1 day")
    return days


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
    return 1 if errors else 0


def _export(args: argparse.Namespace) -> int:
    view = export.ExportView(
        layers=export.layer_names(args.layers or ["zones"]), day=args.date, window_days=args.window
    )
    zone_set = zones.load_zones(args.zones)
    _report(zone_set.problems)
    frames = {"zones": zone_set.zones}
    selected = export.select(frames, view)
    out = args.out or Path(export.export_name(view))
    export.write_geojson(export.feature_collection(selected), out)
    counts = ", ".join(f"{len(frame)} {layer}" for layer, frame in selected.items())
    print(f"wrote {out}: {counts}")
    return 1 if zone_set.errors else 0


if __name__ == "__main__":
    sys.exit(main())
