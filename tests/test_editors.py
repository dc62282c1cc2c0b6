"""Editor accounts and signing in (``geodata/editors.py``): no default login, argon2 hashes, slow
logged failures, and an identity only signing in can make."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import time
from pathlib import Path

import argon2
import pytest

from geodata import editors, settings
from geodata._errors import UsageError
from geodata.editors import Editor, NotSignedInError, SignInError

PASSWORD = "correct horse battery"


@pytest.fixture
def accounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "editors.json"
    monkeypatch.setenv(editors.ENV_VAR, str(path))
    return path


def test_there_is_no_default_account(accounts: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert editors.list_editors() == []
    for name, password in [("admin", "admin"), ("editor", ""), ("root", "password"), ("", "")]:
        with pytest.raises(SignInError):
            editors.sign_in(name, password, delay=0)
    monkeypatch.delenv(editors.ENV_VAR)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert editors.editors_path() == tmp_path / "xdg" / "deescalation-atlas" / "editors.json"
    assert editors.list_editors() == []  # the default place holds nothing until the operator adds


def test_accounts_hold_argon2id_hashes_only_and_the_file_is_private(accounts: Path) -> None:
    editors.add_editor("ana", PASSWORD)
    editors.add_editor("ben", "another long password")
    data = json.loads(accounts.read_text(encoding="utf-8"))
    assert set(data["editors"]) == {"ana", "ben"}
    stored = data["editors"]["ana"]["hash"]
    assert stored.startswith("$argon2id$")
    assert argon2.extract_parameters(stored) == argon2.profiles.RFC_9106_LOW_MEMORY  # the defaults
    assert PASSWORD not in accounts.read_text(encoding="utf-8")
    assert accounts.stat().st_mode & 0o077 == 0
    assert [a.name for a in editors.list_editors()] == ["ana", "ben"]
    editor = editors.sign_in("ana", PASSWORD)
    assert (editor.name, editors.require(editor)) == ("ana", "ana")


def test_bad_names_short_passwords_and_taken_names_are_refused(accounts: Path) -> None:
    with pytest.raises(UsageError, match="at least 10 characters"):
        editors.add_editor("ana", "short")
    for name in ("", " ana", "a/b", "x" * 65, "ana\n"):
        with pytest.raises(UsageError, match="editor name"):
            editors.add_editor(name, PASSWORD)
    editors.add_editor("ana", PASSWORD)
    with pytest.raises(UsageError, match="already an editor 'ana'"):
        editors.add_editor("ana", PASSWORD)
    with pytest.raises(UsageError, match="no editor 'ben'"):
        editors.remove_editor("ben")


def test_the_accounts_file_must_live_outside_the_checkout() -> None:
    with pytest.raises(UsageError, match="inside the project's folder"):
        editors.editors_path(settings.ROOT / "editors.json")


def test_a_failed_sign_in_is_delayed_longer_each_time_and_logged_without_the_password(
    accounts: Path, caplog: pytest.LogCaptureFixture
) -> None:
    editors.add_editor("ana", PASSWORD)
    caplog.set_level(logging.WARNING, logger="geodata.editors")
    waits = []
    for _ in range(3):
        start = time.monotonic()
        with pytest.raises(SignInError, match="unknown editor name or wrong password"):
            editors.sign_in("ana", "wrong password!", delay=0.2)
        waits.append(time.monotonic() - start)
    # At least the delay, doubled after each failure in a row (lower bounds, never upper ones).
    assert waits[0] >= 0.2
    assert waits[1] >= 0.4
    assert waits[2] >= 0.8
    start = time.monotonic()
    with pytest.raises(SignInError):
        editors.sign_in("nobody", "whatever it is")  # an unknown name: the default delay
    assert time.monotonic() - start >= editors.FAILED_DELAY
    records = [r for r in caplog.records if r.name == "geodata.editors"]
    assert [r.getMessage().split(" at ")[0] for r in records] == ["failed sign-in as editor 'ana'"] * 3 + [
        "failed sign-in as editor 'nobody'"
    ]
    assert "(3 in a row)" in records[2].getMessage()
    stamp = records[0].getMessage().split(" at ")[1].split(" (")[0]
    assert abs(dt.datetime.fromisoformat(stamp) - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert not any("wrong password!" in r.getMessage() for r in caplog.records)
    editors.sign_in("ana", PASSWORD)  # the right password still works, and resets the count
    start = time.monotonic()
    with pytest.raises(SignInError):
        editors.sign_in("ana", "wrong again!!", delay=0.2)
    assert "(1 in a row)" in caplog.records[-1].getMessage()


def test_only_signing_in_makes_an_editor(accounts: Path) -> None:
    editors.add_editor("ana", PASSWORD)
    editor = editors.sign_in("ana", PASSWORD)
    forged = [
        "ana",
        {"name": "ana"},
        Editor("ana", editor.signed_in_at, editor.expires_at, accounts, seal="0" * 64),
        dataclasses.replace(editor, name="ben"),
        dataclasses.replace(editor, expires_at=editor.expires_at + dt.timedelta(days=30)),
        None,
    ]
    for value in forged:
        with pytest.raises(NotSignedInError):
            editors.require(value)
    assert editors.require(editor) == "ana"


def test_a_removed_editor_or_an_expired_sign_in_cannot_write(
    accounts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editors.add_editor("ana", PASSWORD)
    editor = editors.sign_in("ana", PASSWORD)
    editors.remove_editor("ana")
    with pytest.raises(NotSignedInError, match="no editor 'ana' any more"):
        editors.require(editor)
    editors.add_editor("ana", PASSWORD)
    assert editors.require(editor) == "ana"
    monkeypatch.setattr(editors, "SESSION", dt.timedelta(0))  # a sign-in that lasts no time
    with pytest.raises(NotSignedInError, match="expired"):
        editors.require(editors.sign_in("ana", PASSWORD))
