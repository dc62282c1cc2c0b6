"""The server's timing marks (``geodata/timing.py``): written only when ``$ATLAS_TIMINGS`` names a
file, on the wall clock, in order, and read back even after a partial last line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from geodata import timing


def test_nothing_is_written_without_the_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(timing.ENV_VAR, raising=False)
    monkeypatch.chdir(tmp_path)
    timing.mark("map page")
    with timing.span("base"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_marks_are_on_the_wall_clock_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "marks.jsonl"
    monkeypatch.setenv(timing.ENV_VAR, str(path))
    before = time.time()
    timing.mark("map page")
    with timing.span("prepared"):
        time.sleep(0.01)
    after = time.time()
    marks = timing.read_marks(path)
    assert [name for name, _ in marks] == ["map page", "prepared:start", "prepared:end"]
    times = [t for _, t in marks]
    assert before <= times[0] <= times[1] < times[2] <= after
    assert times[2] - times[1] >= 0.01


def test_a_span_ends_when_its_block_raises(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "marks.jsonl"
    monkeypatch.setenv(timing.ENV_VAR, str(path))
    with pytest.raises(KeyError), timing.span("load"):
        raise KeyError("x")
    assert [name for name, _ in timing.read_marks(path)] == ["load:start", "load:end"]


def test_timed_keeps_the_function_and_its_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "marks.jsonl"
    monkeypatch.setenv(timing.ENV_VAR, str(path))

    @timing.timed("base")
    def base(source: str, _token: str | None = None) -> str:
        """Zones and events."""
        return source.upper()

    assert base("zones", _token="t") == "ZONES"
    assert base.__name__ == "base"
    assert base.__doc__ == "Zones and events."
    assert [name for name, _ in timing.read_marks(path)] == ["base:start", "base:end"]


def test_reading_skips_a_partial_line_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "marks.jsonl"
    assert timing.read_marks(path) == []
    path.write_text('{"name": "map page", "t": 12.5, "pid": 1}\n{"name": "map se', encoding="utf-8")
    assert timing.read_marks(path) == [("map page", 12.5)]
