"""Who may submit through the guard: the ``--auth-file`` and checking a password against it.

The file holds one ``user:hash`` a line; blank lines and lines starting with
``#`` are skipped. A hash is ``scrypt$N$r$p$SALT$KEY`` (SALT and KEY in
base64), as ``hash_password`` makes it::

    python -c "from discretion.mail.passwords import hash_password as h; print('ada:' + h('...'))"

The guard offers AUTH PLAIN and LOGIN only after STARTTLS.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

__all__ = ["Authenticator", "AuthFileError", "Login", "hash_password", "load_auth_file"]

_N, _R, _P, _KEY = 2**14, 8, 1, 32
_MAXMEM = 64 * 2**20


class AuthFileError(ValueError):
    """The auth file cannot be read or a line of it is not ``user:hash``."""


@dataclass(frozen=True, slots=True)
class Login:
    """Who authenticated on a session (kept without the password)."""

    login: str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(password: bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password, salt=salt, n=n, r=r, p=p, dklen=_KEY, maxmem=_MAXMEM)


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """Return the scrypt hash of ``password`` as the auth file holds it."""
    salt = os.urandom(16) if salt is None else salt
    key = _derive(password.encode("utf-8"), salt, _N, _R, _P)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(key)}"


def _parse_hash(text: str) -> tuple[int, int, int, bytes, bytes]:
    scheme, n, r, p, salt, key = text.split("$")
    if scheme != "scrypt":
        raise ValueError(scheme)
    return int(n), int(r), int(p), base64.b64decode(salt, validate=True), base64.b64decode(key)


def load_auth_file(path: Path) -> dict[str, str]:
    """Return the users of an auth file and their hashes.

    Raises:
        AuthFileError: the file cannot be read, or a line is malformed (named by number only).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise AuthFileError(f"cannot read the auth file `{path}`: {error}") from None
    users: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        user, _, hashed = line.strip().partition(":")
        try:
            _parse_hash(hashed)
        except (ValueError, binascii.Error):
            raise AuthFileError(
                f"line {number} of `{path}` is not `user:scrypt$N$r$p$SALT$KEY`; "
                "make the hash with discretion.mail.passwords.hash_password"
            ) from None
        if not user:
            raise AuthFileError(f"line {number} of `{path}` names no user")
        users[user] = hashed
    return users


_DUMMY = hash_password("not a password", salt=b"\0" * 16)


class Authenticator:
    """The aiosmtpd authenticator for AUTH PLAIN and LOGIN against the auth file's users."""

    def __init__(self, users: Mapping[str, str]) -> None:
        self.users = dict(users)

    def is_valid(self, user: str, password: bytes) -> bool:
        """Return whether ``password`` is ``user``'s (in about the same time when no such user)."""
        n, r, p, salt, key = _parse_hash(self.users.get(user, _DUMMY))
        matches = hmac.compare_digest(_derive(password, salt, n, r, p), key)
        return matches and user in self.users

    def __call__(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        user = auth_data.login.decode("utf-8", "replace")
        if not self.is_valid(user, auth_data.password):
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=Login(user))
