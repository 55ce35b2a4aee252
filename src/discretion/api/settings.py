"""The service's settings, read once from the environment."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

__all__ = ["Settings"]


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from outside; ``from_env`` documents each variable."""

    database_url: str | None = None
    profile: str = "mit"
    secret_key: str = ""
    demo: bool = False
    cookie_secure: bool = True
    session_hours: int = 8
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scope: str = "openid profile email"
    public_rate_limit: int = 30
    public_rate_window: int = 60
    trust_forwarded: bool = False
    principal_cache_seconds: float = 5.0

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings.

        DISCRETION_DATABASE_URL, DISCRETION_PROFILE: the store and the profile.
        (DISCRETION_SQLITE_BUSY_MS, how long SQLite waits for another process's
        lock, is read by the store itself, for every door.)
        DISCRETION_SECRET_KEY: signs session cookies; every process of one
        deployment needs the same one (a random one is made if unset, which
        signs everyone out at each restart).
        DISCRETION_DEMO=1: the demo sign-in (pick a demo person).
        DISCRETION_COOKIE_SECURE=0: send cookies over plain http (local use only).
        DISCRETION_OIDC_ISSUER, DISCRETION_OIDC_CLIENT_ID, DISCRETION_OIDC_CLIENT_SECRET:
        OpenID Connect sign-in.
        DISCRETION_PUBLIC_RATE=N/SECONDS: the public directory's limit per client.
        DISCRETION_TRUST_FORWARDED=1: take the client's address from X-Forwarded-For
        (only behind a proxy that sets it).
        DISCRETION_PRINCIPAL_CACHE_SECONDS: how long a process remembers who a token
        or session is (default 5): a revoked token stops working within that time.
        """
        rate = os.environ.get("DISCRETION_PUBLIC_RATE", "30/60")
        try:
            limit_text, _, window_text = rate.partition("/")
            limit, window = int(limit_text), int(window_text or "60")
        except ValueError:
            raise ValueError(
                f"DISCRETION_PUBLIC_RATE=`{rate}` is not N/SECONDS, e.g. 30/60"
            ) from None
        return cls(
            database_url=os.environ.get("DISCRETION_DATABASE_URL") or None,
            profile=os.environ.get("DISCRETION_PROFILE") or "mit",
            secret_key=os.environ.get("DISCRETION_SECRET_KEY") or secrets.token_urlsafe(32),
            demo=_flag("DISCRETION_DEMO", False),
            cookie_secure=_flag("DISCRETION_COOKIE_SECURE", True),
            oidc_issuer=os.environ.get("DISCRETION_OIDC_ISSUER") or None,
            oidc_client_id=os.environ.get("DISCRETION_OIDC_CLIENT_ID") or None,
            oidc_client_secret=os.environ.get("DISCRETION_OIDC_CLIENT_SECRET") or None,
            public_rate_limit=limit,
            public_rate_window=window,
            trust_forwarded=_flag("DISCRETION_TRUST_FORWARDED", False),
            principal_cache_seconds=float(
                os.environ.get("DISCRETION_PRINCIPAL_CACHE_SECONDS") or 5.0
            ),
        )

    @property
    def oidc_enabled(self) -> bool:
        """Return whether OpenID Connect sign-in is configured."""
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)
