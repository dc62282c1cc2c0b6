"""Atomic writes: the target holds the old file or the new one, whatever happens while writing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from geodata import _atomic
from geodata._errors import OutputError

ROOT = Path(__file__).resolve().parent.parent


def test_write_bytes_replaces_the_file(tmp_path: Path) -> None:
    target = tmp_path / "x.geojson"
    target.write_bytes(b"old")
    _atomic.write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left


def test_write_bytes_takes_chunks(tmp_path: Path) -> None:
    target = tmp_path / "x.txt"
    _atomic.write_bytes(target, iter([b"a", b"b", b"c"]))
    assert target.read_bytes() == b"abc"


def test_an_error_while_writing_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "x.geojson"
    target.write_bytes(b"old and good")

    def chunks() -> Iterator[bytes]:
        yield b"half of the new"
        raise RuntimeError("the export broke midway")

    with pytest.raises(RuntimeError, match="midway"):
        _atomic.write_bytes(target, chunks())
    assert target.read_bytes() == b"old and good"
    assert list(tmp_path.iterdir()) == [target]


def test_replacing_yields_a_path_beside_the_target(tmp_path: Path) -> None:
    target = tmp_path / "x.gpkg"
    with _atomic.replacing(target) as temp:
        assert (temp.parent, temp.suffix, temp.name[0]) == (tmp_path, ".gpkg", ".")
        assert not temp.exists()  # the writer creates it (GDAL does)
        temp.write_bytes(b"gpkg")
        assert not target.exists()
    assert target.read_bytes() == b"gpkg"


def test_replacing_removes_sqlite_side_files_on_error(tmp_path: Path) -> None:
    target = tmp_path / "x.gpkg"

    def half_written() -> None:
        with _atomic.replacing(target) as temp:
            temp.write_bytes(b"half")
            temp.with_name(temp.name + "-journal").write_bytes(b"journal")
            raise ValueError("broke")

    with pytest.raises(ValueError, match="broke"):
        half_written()
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match=r"cannot write .*x\.geojson: the folder .*nope does not exist"):
        _atomic.write_bytes(tmp_path / "nope" / "x.geojson", b"{}")


def test_the_permissions_of_a_replaced_file_are_kept(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    target.write_bytes(b"old")
    target.chmod(0o640)
    _atomic.write_bytes(target, b"new")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    target = tmp_path / "x.csv"
    _atomic.write_bytes(target, b"new")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask  # not tempfile's 0600


def test_a_full_disk_is_said_in_words() -> None:
    # /dev/full answers every write with ENOSPC, a real full disk as the kernel reports it; a device
    # is written in place (it cannot be renamed over).
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with pytest.raises(OutputError, match="cannot write /dev/full: the disk is full"):
        _atomic.write_bytes(Path("/dev/full"), b"x" * 10)


def test_a_file_size_limit_keeps_the_old_file(tmp_path: Path) -> None:
    # The kernel refuses writes past RLIMIT_FSIZE (EFBIG) in a child process: the write fails midway.
    target = tmp_path / "x.geojson"
    target.write_bytes(b"old and good")
    script = textwrap.dedent(
        f"""
        import resource
        from pathlib import Path
        from geodata import _atomic
        from geodata._errors import OutputError
        resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))
        try:
            _atomic.write_bytes(Path({str(target)!r}), b"x" * 5_000_000)
        except OutputError as exc:
            print(exc)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "larger than this system allows (the file already there is unchanged)" in result.stdout
    assert target.read_bytes() == b"old and good"
    assert list(tmp_path.iterdir()) == [target]
