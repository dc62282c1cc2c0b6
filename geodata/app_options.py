"""Where the app's options point (``streamlit run app.py -- ...``), read with the standard library
alone: the app's light path (:mod:`geodata.map_cache`) needs them before the data stack is imported.

The options name the zone folder, the event store (``--store PATH|URL``, else ``$ATLAS_STORE``, else
the user's file; see :mod:`geodata.store_open`) and, as with ``python -m geodata export``, folders
and files that take the place of the store's layers for this run: ``--seeds DIR`` (article events
from a folder) and ``--events FILE`` (imported events from ACLED/UCDP files); ``--tiles`` draws
OpenStreetMap tiles beneath the base map. :mod:`geodata.loading` reads what they name.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geodata import settings

__all__ = ["Inputs", "app_inputs"]


@dataclass(frozen=True)
class Inputs:
    """Where the app's data come from, with fingerprints (name, size, time) of the files it reads,
    so caches notice edited files.

    Attributes
    ----------
    store
        The event store as given (a path or URL; ``$ATLAS_STORE`` or the default file when not).
    seeds
        An article folder whose events replace the store's (``None``: the store's).
    imported
        ACLED/UCDP files whose events replace the store's imported ones (empty: the store's).
    """

    zones: Path
    store: str
    seeds: Path | None
    imported: tuple[Path, ...]
    tiles: bool
    key: tuple[tuple[str, int, int], ...]

    @property
    def uses_store(self) -> bool:
        """Whether any layer comes from the store."""
        return self.seeds is None or not self.imported

    @property
    def events_from_store(self) -> bool:
        """Whether the article events are the store's (so articles added to it show)."""
        return self.seeds is None


def app_inputs(argv: Sequence[str]) -> Inputs:
    """The app's options (what follows ``--`` in ``streamlit run app.py -- ...``)."""
    parser = argparse.ArgumentParser(prog="streamlit run app.py --")
    parser.add_argument("--zones", type=Path, default=settings.ZONES_DIR, help="zone folder")
    parser.add_argument("--store", help="the event store: a .gpkg file or postgresql://user@host/db")
    parser.add_argument("--seeds", type=Path, help="read the article events from this folder, not the store")
    parser.add_argument(
        "--events", type=Path, action="append", default=[], help="ACLED/UCDP CSV, instead of the store's"
    )
    parser.add_argument("--tiles", action="store_true", help="OpenStreetMap tiles (needs the internet)")
    args = parser.parse_known_args(list(argv))[0]
    store = args.store or os.environ.get(settings.STORE_ENV_VAR) or str(settings.default_store_path())
    files = [*args.zones.glob("*"), *(args.seeds.glob("*") if args.seeds else ()), *args.events]
    key = tuple((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(files) if p.is_file())
    return Inputs(args.zones, store, args.seeds, tuple(args.events), args.tiles, key)
