"""The command line of review (``geodata/cli_review.py``): editors, review and evaluate.

``editors add`` is run in a real pseudo-terminal (its password prompts read the terminal, as
getpass does); the review commands take the password from ``ATLAS_EDITOR_PASSWORD`` as scripts do.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from geodata import editors
from geodata.__main__ import main
from geodata.cli_review import PASSWORD_ENV
from geodata.store import open_store
from tests.conftest import EDITOR_PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def in_terminal(argv: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run ``python -m geodata ARGV`` on a pseudo-terminal, answering each password prompt in turn."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the pseudo-terminal is its controlling terminal
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "geodata", *argv], env)
    output, answered, deadline = b"", 0, time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        while answered < min(output.lower().count(b"password"), len(answers)):
            os.write(fd, answers[answered].encode() + b"\n")
            answered += 1
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace")


def test_editors_add_asks_twice_then_list_and_remove(tmp_path: Path) -> None:
    accounts = tmp_path / "editors.json"
    env = os.environ | {"PYTHONPATH": str(ROOT), editors.ENV_VAR: str(accounts)}
    code, out = in_terminal(["editors", "add", "ana"], ["a long password 1", "a long password 2"], env)
    assert code == 2
    assert "the two passwords differ" in out
    assert not accounts.exists()
    code, out = in_terminal(["editors", "add", "ana"], ["a long password 1"] * 2, env)
    assert code == 0, out
    assert "a long password" not in out  # not echoed
    assert f"editor ana added in {accounts}" in out
    assert json.loads(accounts.read_text())["editors"]["ana"]["hash"].startswith("$argon2id$")
    os.environ[editors.ENV_VAR] = str(accounts)
    try:
        assert main(["editors", "list"]) == 0
        assert main(["editors", "remove", "ana"]) == 0
        assert editors.list_editors() == []
    finally:
        del os.environ[editors.ENV_VAR]


def test_review_from_the_command_line(
    new_store_url: Callable[[], str],
    accounts_file: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = new_store_url()
    open_store(store).close()
    assert main(["review", "list", "--store", store, "--limit", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("id\tversion\treview")
    first = int(out[1].split("\t")[0])
    assert main(["review", "show", str(first), "--store", store]) == 0
    shown = capsys.readouterr().out
    assert "[[" in shown  # the sentence marked in its paragraph
    assert "history:" in shown

    monkeypatch.setenv(PASSWORD_ENV, "not the password")
    assert main(["review", "accept", str(first), "--store", store, "--editor", "ana"]) == 2
    assert "unknown editor name or wrong password" in capsys.readouterr().err

    monkeypatch.setenv(PASSWORD_ENV, EDITOR_PASSWORD)
    assert main(["review", "edit", str(first), "--date", "2019-04-01..2019-04-03", "--place-id", "gn:164816",
                 "--store", store, "--editor", "ana", "--note", "from the ministry's map"]) == 0  # fmt: skip
    assert "edit done (action 1; event" in capsys.readouterr().out
    assert main(["review", "edit", str(first), "--kind", "attack", "--version", "1", "--store", store,
                 "--editor", "ben"]) == 2  # fmt: skip
    assert "changed by someone else" in capsys.readouterr().err
    assert main(["review", "reject", str(first + 1), "--reason", "not an event", "--store", store,
                 "--editor", "ben"]) == 0  # fmt: skip
    assert main(["review", "undo", "1", "--store", store, "--editor", "ana"]) == 0
    capsys.readouterr()
    assert main(["review", "history", str(first), "--store", store]) == 0
    history = capsys.readouterr().out
    undone_by = re.search(r"ana edit \(action 1, undone by (\d+)\): from the ministry's map", history)
    assert undone_by is not None
    assert f"ana undo (action {undone_by.group(1)})" in history
    assert main(["review", "places", "Khan Sheikhoun"]) == 0
    assert "gn:168325\tKhan Shaykhun (as Khan-Sheikhoun)" in capsys.readouterr().out

    out_file = Path(store).parent / "x.geojson" if "://" not in store else accounts_file.parent / "x.geojson"
    assert main(["export", "--layers", "events", "--store", store, "--out", str(out_file)]) == 0
    ids = {f["properties"]["review"] for f in json.loads(out_file.read_text())["features"]}
    assert ids == {"machine"}
    assert (
        main(["export", "--layers", "events", "--include-rejected", "--store", store, "--out", str(out_file)])
        == 0
    )
    ids = {f["properties"]["review"] for f in json.loads(out_file.read_text())["features"]}
    assert ids == {"machine", "rejected"}


def test_evaluate_scores_the_pipeline_against_the_reviewed_events(
    new_store_url: Callable[[], str], accounts_file: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    store = new_store_url()
    open_store(store).close()
    assert main(["evaluate", "--store", store]) == 0
    assert "no reviewed events in the store yet" in capsys.readouterr().out
    monkeypatch.setenv(PASSWORD_ENV, EDITOR_PASSWORD)
    main(["review", "list", "--store", store, "--all"])
    rows = [line.split("\t") for line in capsys.readouterr().out.splitlines()[1:]]
    patrols = [int(r[0]) for r in rows if r[3] == "patrol"]
    statement = next(int(r[0]) for r in rows if r[3] == "statement")
    for event_id in patrols[:2]:
        assert main(["review", "accept", str(event_id), "--store", store, "--editor", "ana"]) == 0
    assert (
        main(["review", "edit", str(patrols[2]), "--date", "2010-01-01", "--store", store, "--editor", "ana"])
        == 0
    )
    assert (
        main(["review", "reject", str(statement), "--reason", "opinion", "--store", store, "--editor", "ana"])
        == 0
    )
    capsys.readouterr()
    assert main(["evaluate", "--store", store]) == 0
    out = capsys.readouterr().out
    assert "against 3 reviewed events and 1 rejected claims" in out
    [patrol_line] = [line for line in out.splitlines() if line.startswith("patrol")]
    assert patrol_line.split() == ["patrol", "3", "3", "1.00", "1.00", "0.67", "1.00"]
    [total] = [line for line in out.splitlines() if line.startswith("all")]
    assert total.split()[1:5] == ["3", "3", "1.00", "0.75"]  # the rejected statement is still found
