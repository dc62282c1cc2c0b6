"""The prepared map kept on disk, so that a freshly started app sends its first map before the data
stack (pandas, geopandas, shapely, SQLAlchemy: 1.3-1.7 s of imports) is loaded.

What the map page needs before the map is sent is small and fixed once the data are prepared: the
datasets as their mounts carry them (:class:`geodata.livemap.Dataset`: JSON texts, the imported
events' packed columns), the slider's dates and the stops of Prev/Next. The app writes them here
(:func:`keep`) after preparing them (:func:`geodata.map_datasets.prepare`), under a :func:`key`
that is a fingerprint of everything the map shows, and a fresh server reads them back
(:func:`read`) with the standard library alone.

The key (:class:`Key`) covers, so that a stale map cannot be shown:

- the store's token (its id and revision, which every write bumps, and its schema revision),
  read from the file with :mod:`sqlite3`, read-only: the same ``<id>@<revision>`` as
  :meth:`geodata.store.Store.token`. A PostgreSQL store, a missing file or one that cannot be read
  has no key: the app then takes its usual path, which opens the store;
- the app's options (:attr:`geodata.app_options.Inputs.key`: the names, sizes and times of the zone
  files, of ``--seeds`` and ``--events`` files; the folders and files given);
- the data files the map is made of beside them (base map, reference layer, and the gazetteer and
  word lists the article events of ``--seeds`` are read with), by name, size and time;
- the code: a hash of the library's Python source and of the installed packages' names and
  versions (their ``*.dist-info`` folders), so a new version of either prepares the map again.

``--tiles`` is not part of it: the map's configuration (:func:`geodata.livemap.map_config`) is made
on every run, and only the datasets are kept.

The file is written atomically (:mod:`geodata._atomic`) and carries its key and a digest of its
content; a missing, partial, corrupt or foreign file reads as ``None`` (logged), never as an error,
and the app prepares the map as before. One file is kept per store and zone folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import logging
import os
import sqlite3
import struct
import sysconfig
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from geodata import _atomic, livemap, settings
from geodata._errors import OutputError
from geodata.app_options import Inputs

__all__ = ["FORMAT", "KeptMap", "Key", "keep", "key", "path_for", "read", "store_token"]

log = logging.getLogger(__name__)

#: Changes whenever this file's layout changes, so older files are not read.
FORMAT: str = "1"
_MAGIC = b"atlas-map\n"
_LENGTH = struct.Struct("<Q")


@dataclass(frozen=True)
class Key:
    """The fingerprint of one version of the map's inputs.

    Attributes
    ----------
    digest
        A hash of everything the map shows (the file is named and checked by it).
    folder
        Where the map of this store and zone folder is kept.
    token
        The store's token as :meth:`geodata.store.Store.token` gives it (``None``: no layer comes
        from the store), so the app keeps a map only when it prepared it from that same version.
    """

    digest: str
    folder: Path
    token: str | None


@dataclass(frozen=True)
class KeptMap:
    """What the map page sends before the map: the datasets, the slider's dates, the stops."""

    datasets: tuple[livemap.Dataset, ...]
    dates: livemap.DateRange
    stops: tuple[dt.date, ...]


def store_token(where: str) -> tuple[str, str] | None:
    """The token (``<id>@<revision>``) and schema revision of the store file ``where``, read
    read-only with :mod:`sqlite3`; ``None`` for a database URL, a missing file, or one that cannot
    be read (not a store, locked, damaged: the app's usual path says why)."""
    if "://" in where:
        return None
    path = Path(where).expanduser().resolve()  # as geodata.store_open.store_url names the file
    if not path.is_file():
        return None
    try:
        with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=2)) as conn:
            store_id, revision = conn.execute("SELECT store_id, revision FROM atlas_store").fetchone()
            (schema,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except (sqlite3.Error, TypeError, ValueError) as exc:
        log.info("no kept map for %s: %s", path, exc)
        return None
    return f"{store_id}@{revision}", str(schema)


def key(source: Inputs) -> Key | None:
    """The fingerprint of what the map of ``source`` shows; ``None`` when it cannot be taken
    cheaply (a store that is not a readable file), so no kept map applies."""
    token = schema = None
    if source.uses_store:
        found = store_token(source.store)
        if found is None:
            return None
        token, schema = found
    parts = {
        "format": FORMAT,
        "code": code_version(),
        "data": _files(_data_files()),
        "options": [list(entry) for entry in source.key],
        "zones": str(source.zones.resolve()),
        "store": source.store if source.uses_store else None,
        "token": token,
        "schema": schema,
        "seeds": None if source.seeds is None else str(source.seeds.resolve()),
        "imported": [str(path.resolve()) for path in source.imported],
    }
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()
    place = f"{source.store if source.uses_store else ''}|{source.zones.resolve()}"
    folder = settings.default_cache_dir() / "maps" / hashlib.sha256(place.encode()).hexdigest()[:16]
    return Key(digest, folder, token)


@cache
def code_version() -> str:
    """A hash of the library's Python source and of the installed packages (once per process: the
    code a process runs is the code it loaded)."""
    digest = hashlib.sha256()
    for path in sorted(settings.PACKAGE_DIR.rglob("*.py")):
        digest.update(str(path.relative_to(settings.PACKAGE_DIR)).encode() + b"\0" + path.read_bytes())
    paths = sysconfig.get_paths()
    digest.update("\n".join(installed([Path(paths["purelib"]), Path(paths["platlib"])])).encode())
    return digest.hexdigest()


def installed(folders: Iterable[Path]) -> list[str]:
    """The installed distributions in ``folders`` (site-packages), as their ``*.dist-info`` folders'
    names, which carry each one's version: an upgrade of pandas or spaCy changes them. Listing the
    folders is a millisecond; asking ``importlib.metadata`` for every version would read hundreds of
    files."""
    names: set[str] = set()
    for folder in set(folders):
        with contextlib.suppress(OSError):
            names.update(name for name in os.listdir(folder) if name.endswith(".dist-info"))
    return sorted(names)


def _data_files() -> list[Path]:
    folders = [settings.BASEMAP_DIR, settings.REFERENCE_DIR, settings.LEXICON_DIR]
    return [settings.GAZETTEER_FILE, *(p for folder in folders for p in folder.rglob("*"))]


def _files(paths: Iterable[Path]) -> list[list[object]]:
    found = []
    for path in sorted(paths):
        with contextlib.suppress(OSError):  # a file that is gone is left out: the key still changes
            if path.is_file():
                info = path.stat()
                found.append([str(path), info.st_size, info.st_mtime_ns])
    return found


def path_for(found: Key) -> Path:
    """The file that holds the map of ``found``."""
    return found.folder / f"map-{found.digest[:32]}.bin"


def keep(found: Key, token: str | None, kept: KeptMap) -> bool:
    """Write ``kept`` (prepared from the store's version ``token``) as the map of ``found``,
    atomically, and remove the folder's other maps; nothing is written when ``token`` is not the
    version ``found`` was taken of (the store changed in between). Whether it was written; a
    file that cannot be written is logged, not raised (the next server prepares the map again)."""
    if token != found.token:
        return False
    blobs, entries = [], []
    for dataset in kept.datasets:
        packed = isinstance(dataset.data, bytes)
        blob = dataset.data if isinstance(dataset.data, bytes) else str(dataset.data["json"]).encode()
        entries.append({"name": dataset.name, "version": dataset.version, "bytes": packed, "size": len(blob)})
        blobs.append(blob)
    body = b"".join(blobs)
    header = {
        "format": FORMAT,
        "key": found.digest,
        "datasets": entries,
        "core": [day.isoformat() for day in kept.dates.core],
        "full": [day.isoformat() for day in kept.dates.full],
        "stops": [day.isoformat() for day in kept.stops],
        "digest": hashlib.blake2b(body, digest_size=16).hexdigest(),
    }
    text = json.dumps(header, separators=(",", ":")).encode()
    path = path_for(found)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic.write_bytes(path, _MAGIC + _LENGTH.pack(len(text)) + text + body)
        for old in path.parent.glob("map-*.bin"):
            if old != path:
                old.unlink(missing_ok=True)
    except (OSError, OutputError) as exc:
        log.warning("cannot keep the prepared map in %s: %s", path.parent, exc)
        return False
    return True


def read(found: Key) -> KeptMap | None:
    """The map kept for ``found``; ``None`` when there is none, or its file is partial, corrupt, of
    another format or of another key (logged, never raised)."""
    path = path_for(found)
    try:
        data = path.read_bytes()
        if not data.startswith(_MAGIC):
            raise ValueError("not a kept map")
        (length,) = _LENGTH.unpack_from(data, len(_MAGIC))
        start = len(_MAGIC) + _LENGTH.size + length
        header = json.loads(data[len(_MAGIC) + _LENGTH.size : start])
        body = data[start:]
        if header["format"] != FORMAT or header["key"] != found.digest:
            raise ValueError("a map of another version")
        if hashlib.blake2b(body, digest_size=16).hexdigest() != header["digest"]:
            raise ValueError("its content does not match its digest")
        datasets, at = [], 0
        for entry in header["datasets"]:
            blob, at = body[at : at + entry["size"]], at + entry["size"]
            datasets.append(_dataset(entry, blob))
        if at != len(body):
            raise ValueError("its datasets do not fill it")
        dates = livemap.DateRange(_days(header["core"]), _days(header["full"]))
        stops = tuple(dt.date.fromisoformat(day) for day in header["stops"])
        return KeptMap(tuple(datasets), dates, stops)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, IndexError, struct.error) as exc:
        log.warning("ignoring the kept map %s (%s); preparing it again", path, exc)
        return None


def _dataset(entry: dict[str, object], blob: bytes) -> livemap.Dataset:
    name, version = str(entry["name"]), str(entry["version"])
    if entry["bytes"]:
        return livemap.Dataset(name, version, blob)
    dataset = livemap.text_dataset(name, blob.decode())
    if dataset.version != version:
        raise ValueError(f"dataset {name!r} does not match its version")
    return dataset


def _days(values: Sequence[str]) -> tuple[dt.date, dt.date]:
    first, last = (dt.date.fromisoformat(value) for value in values)
    return first, last
