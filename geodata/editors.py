"""Who may change the store's events: editor accounts, signing in, and the identity writes need.

The operator keeps the accounts in a file outside the checkout: ``$ATLAS_EDITORS_FILE``, else
``editors.json`` in the user's config folder (``~/.config/deescalation-atlas/`` on Linux, from
platformdirs). It holds each editor's name and an Argon2id hash of their password, made by
argon2-cffi's :class:`~argon2.PasswordHasher` (its defaults: RFC 9106's low-memory parameter
set, 64 MiB and 3 passes); never a password. ``python -m geodata editors add NAME`` prompts for
the password twice. There is no default account: with no file, nobody can sign in.

:func:`sign_in` is the only way to get an :class:`Editor`: the review functions that write
(:mod:`geodata.review`) take one and check its seal, which only this module can make (an HMAC
with a key drawn when the process starts), that it has not expired and that the account still
exists. A page cannot write without a signed-in editor, and a value put into its session state
or its URL is never an ``Editor``.

A failed sign-in (unknown name or wrong password) costs the same: the password is checked against
a real hash either way (argon2's verification compares in constant time), then the caller waits
:data:`FAILED_DELAY` seconds, doubled for each further failure of that name in a row, up to
:data:`MAX_DELAY`. Each failure is logged (logger ``geodata.editors``, WARNING) with the name
tried, the time and the count, never the password.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import argon2
import platformdirs
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geodata import settings
from geodata._errors import AtlasError, UsageError

__all__ = [
    "ENV_VAR",
    "FAILED_DELAY",
    "MAX_DELAY",
    "MIN_PASSWORD",
    "SESSION",
    "Account",
    "Editor",
    "NotSignedInError",
    "SignInError",
    "add_editor",
    "editors_path",
    "list_editors",
    "remove_editor",
    "require",
    "sign_in",
]

log = logging.getLogger(__name__)

ENV_VAR = "ATLAS_EDITORS_FILE"
#: Seconds a failed sign-in waits; doubled for each further failure of the same name in a row.
FAILED_DELAY = 1.0
#: The longest wait after failed sign-ins.
MAX_DELAY = 30.0
#: Shortest password accepted by ``editors add`` (NIST SP 800-63B asks for at least 8).
MIN_PASSWORD = 10
#: How long a sign-in lasts.
SESSION = dt.timedelta(hours=12)
_FORMAT = "deescalation-atlas editors 1"
_NAME = re.compile(r"\w[\w.\- ]{0,62}\w|\w")
_HASHER = argon2.PasswordHasher()
#: The key of this process's seals: an Editor made by another process (or by hand) is no editor.
_KEY = secrets.token_bytes(32)


class SignInError(AtlasError):
    """The name and password do not match an editor account (which of the two is not said)."""


class NotSignedInError(AtlasError):
    """A write was attempted without a valid signed-in editor."""


@dataclass(frozen=True)
class Account:
    """One editor account as the file lists it (no hash)."""

    name: str
    added_at: dt.datetime


@dataclass(frozen=True)
class Editor:
    """A signed-in editor: what the review functions that write need. Made only by :func:`sign_in`.

    Attributes
    ----------
    name
        The account's name (what the history records as ``by``).
    signed_in_at, expires_at
        When the sign-in happened and until when it is valid (:data:`SESSION`).
    accounts
        The accounts file it was checked against (a write checks the account is still there).
    """

    name: str
    signed_in_at: dt.datetime
    expires_at: dt.datetime
    accounts: Path
    seal: str = field(repr=False)


def editors_path(path: Path | str | None = None) -> Path:
    """The accounts file: ``path``, else ``$ATLAS_EDITORS_FILE``, else ``editors.json`` in the
    user's config folder.

    Raises
    ------
    UsageError
        The file would be inside the project's checkout (where it could be committed).
    """
    chosen = path or os.environ.get(ENV_VAR)
    if chosen:
        resolved = Path(chosen).expanduser().resolve()
    else:
        resolved = Path(platformdirs.user_config_dir("deescalation-atlas", appauthor=False)) / "editors.json"
    if resolved.is_relative_to(settings.ROOT):
        raise UsageError(
            f"the editors file {resolved} is inside the project's folder; keep it outside "
            f"(set {ENV_VAR} to a path elsewhere)"
        )
    return resolved


def _read(path: Path) -> dict[str, dict[str, str]]:
    """The accounts by name (hash, added_at); none when there is no file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read the editors file {path}: {exc}") from exc
    if (
        not isinstance(data, dict)
        or data.get("format") != _FORMAT
        or not isinstance(data.get("editors"), dict)
    ):
        raise UsageError(f"{path} is not a De-escalation Atlas editors file")
    editors: dict[str, dict[str, str]] = data["editors"]
    return editors


def _write(path: Path, editors: dict[str, dict[str, str]]) -> None:
    """Write the accounts atomically, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    text = json.dumps({"format": _FORMAT, "editors": editors}, indent=2, ensure_ascii=False) + "\n"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UsageError(f"cannot write the editors file {path}: {exc.strerror or exc}") from exc


def _check_name(name: str) -> str:
    if not _NAME.fullmatch(name):
        raise UsageError(f"editor name {name!r}: use 1 to 64 letters, digits, '.', '-', '_' or inner spaces")
    return name


def add_editor(name: str, password: str, *, path: Path | str | None = None, replace: bool = False) -> Path:
    """Add an editor account (or, with ``replace``, set a new password); returns the file.

    Raises
    ------
    UsageError
        A bad name, a password shorter than :data:`MIN_PASSWORD`, or the name taken.
    """
    _check_name(name)
    if len(password) < MIN_PASSWORD:
        raise UsageError(f"the password must have at least {MIN_PASSWORD} characters")
    target = editors_path(path)
    editors = _read(target)
    if name in editors and not replace:
        raise UsageError(f"there is already an editor {name!r} in {target}")
    added = editors.get(name, {}).get("added_at") or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    editors[name] = {"hash": _HASHER.hash(password), "added_at": added}
    _write(target, editors)
    return target


def remove_editor(name: str, *, path: Path | str | None = None) -> Path:
    """Remove an editor account; their current sign-ins stop working at once."""
    target = editors_path(path)
    editors = _read(target)
    if name not in editors:
        raise UsageError(f"there is no editor {name!r} in {target}")
    del editors[name]
    _write(target, editors)
    return target


def list_editors(*, path: Path | str | None = None) -> list[Account]:
    """The editor accounts, by name."""
    editors = _read(editors_path(path))
    return [
        Account(name, dt.datetime.fromisoformat(entry["added_at"])) for name, entry in sorted(editors.items())
    ]


# --- signing in ------------------------------------------------------------------------------

_failures: dict[str, int] = {}
_failures_lock = threading.Lock()
_dummy_hash: list[str] = []


def _dummy() -> str:
    # A real hash of a random password, so an unknown name costs what a known one does.
    if not _dummy_hash:
        _dummy_hash.append(_HASHER.hash(secrets.token_urlsafe(16)))
    return _dummy_hash[0]


def _seal(name: str, signed_in_at: dt.datetime, expires_at: dt.datetime, accounts: Path) -> str:
    message = "\x1f".join((name, signed_in_at.isoformat(), expires_at.isoformat(), str(accounts)))
    return hmac.new(_KEY, message.encode("utf-8"), hashlib.sha256).hexdigest()


def sign_in(
    name: str, password: str, *, path: Path | str | None = None, delay: float = FAILED_DELAY
) -> Editor:
    """Check an editor's name and password and return their :class:`Editor`.

    Parameters
    ----------
    delay
        Seconds to wait after a failure (doubled for each further failure of the name in a row,
        up to :data:`MAX_DELAY`).

    Raises
    ------
    SignInError
        Unknown name or wrong password (after the wait; logged).
    """
    target = editors_path(path)
    entry = _read(target).get(name)
    stored = entry["hash"] if entry else _dummy()
    try:
        ok = _HASHER.verify(stored, password) and entry is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    if not ok:
        with _failures_lock:
            count = _failures[name] = _failures.get(name, 0) + 1
        log.warning(
            "failed sign-in as editor %r at %s (%d in a row)",
            name,
            dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            count,
        )
        time.sleep(min(delay * 2 ** (count - 1), MAX_DELAY))
        raise SignInError("unknown editor name or wrong password")
    with _failures_lock:
        _failures.pop(name, None)
    assert entry is not None
    if _HASHER.check_needs_rehash(entry["hash"]):  # argon2's parameters grew: store a fresh hash
        add_editor(name, password, path=target, replace=True)
    moment = dt.datetime.now(dt.UTC)
    expires = moment + SESSION
    log.info("editor %r signed in", name)
    return Editor(name, moment, expires, target, _seal(name, moment, expires, target))


def require(editor: object, *, accounts: Sequence[str] | None = None) -> str:
    """The name of a valid signed-in editor, for a write; else :class:`NotSignedInError`.

    Valid: an :class:`Editor` this process's :func:`sign_in` made (its seal checks), not expired,
    whose account is still in its accounts file (``accounts``: the names, when the caller has
    read them already).
    """
    if not isinstance(editor, Editor):
        raise NotSignedInError("changing events needs an editor signed in (python -m geodata editors)")
    expected = _seal(editor.name, editor.signed_in_at, editor.expires_at, editor.accounts)
    if not hmac.compare_digest(expected, editor.seal):
        raise NotSignedInError("this editor identity was not made by signing in")
    if dt.datetime.now(dt.UTC) >= editor.expires_at:
        raise NotSignedInError(f"the sign-in of {editor.name!r} has expired; sign in again")
    names = accounts if accounts is not None else list(_read(editor.accounts))
    if editor.name not in names:
        raise NotSignedInError(f"there is no editor {editor.name!r} any more; ask the operator")
    return editor.name
