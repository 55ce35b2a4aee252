"""The service's settings, read once from the environment."""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass

__all__ = ["Settings", "proxy_addresses"]


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    return value.strip().lower() in ("1", "true", "yes", "on")


def _number(name: str, default: float) -> float:
    text = os.environ.get(name)
    if text is None or not text.strip():
        return default
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name}=`{text}` is not a number, e.g. {default:g}") from None
    if value < 0:
        raise ValueError(f"{name}=`{text}` is negative; give 0 or more")
    return value


def proxy_addresses(text: str) -> tuple[str, ...]:
    """Return the proxy addresses and networks of a comma-separated list, checked.

    Raises:
        ValueError: an entry that is neither an address nor a network.
    """
    found = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            if "/" in entry:
                ipaddress.ip_network(entry, strict=False)
            else:
                ipaddress.ip_address(entry)
        except ValueError:
            raise ValueError(
                f"DISCRETION_TRUSTED_PROXIES: `{entry}` is not an address or network; "
                "write e.g. 10.0.0.5 or 10.0.1.0/24"
            ) from None
        found.append(entry)
    return tuple(found)


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from outside; ``from_env`` documents each variable."""

    database_url: str | None = None
    profile: str = "mit"
    secret_key: str = ""
    log_key: str | None = None
    demo: bool = False
    cookie_secure: bool = True
    session_hours: int = 8
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_scope: str = "openid profile email"
    public_rate_limit: int = 30
    public_rate_window: int = 60
    trusted_proxies: tuple[str, ...] = ()
    principal_cache_seconds: float = 5.0
    session_idle_minutes: int = 30
    max_body_bytes: int = 1 << 20

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings.

        DISCRETION_DATABASE_URL, DISCRETION_PROFILE: the store and the profile.
        (DISCRETION_SQLITE_BUSY_MS, how long SQLite waits for another process's
        lock, is read by the store itself, for every door.)
        DISCRETION_SECRET_KEY: signs session cookies; every process of one
        deployment needs the same one (a random one is made if unset, which
        signs everyone out at each restart).
        DISCRETION_LOG_KEY: keys the disclosure log's chain and signs its checkpoints;
        kept outside the database; required, except on the demo.
        DISCRETION_DEMO=1: the demo sign-in (pick a demo person), and the published
        demo log key when DISCRETION_LOG_KEY is unset.
        DISCRETION_COOKIE_SECURE=0: send cookies over plain http (local use only).
        DISCRETION_OIDC_ISSUER, DISCRETION_OIDC_CLIENT_ID, DISCRETION_OIDC_CLIENT_SECRET:
        OpenID Connect sign-in.
        DISCRETION_PUBLIC_RATE=N/SECONDS: the public directory's limit per client.
        DISCRETION_TRUSTED_PROXIES: addresses or networks (comma-separated) of the proxies
        in front of the service; X-Forwarded-For is believed from them only, and the
        client is the nearest address in it that is not one of them.
        DISCRETION_PRINCIPAL_CACHE_SECONDS: how long a process remembers who a token
        or session is (default 5): a revoked token or ended session stops working within
        that time in the other processes (at once in the one that ended it).
        DISCRETION_SESSION_HOURS, DISCRETION_SESSION_IDLE_MINUTES: a session ends this long
        after sign-in (default 8 hours), or after this long unused (default 30 minutes).
        DISCRETION_MAX_BODY_BYTES: the largest request body taken (default 1 MiB).

        Raises:
            ValueError: a setting that cannot be read, saying how to write it.
        """
        if os.environ.get("DISCRETION_TRUST_FORWARDED"):
            raise ValueError(
                "DISCRETION_TRUST_FORWARDED is gone: name the proxies instead, "
                "e.g. DISCRETION_TRUSTED_PROXIES=10.0.0.5,10.0.1.0/24"
            )
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
            log_key=os.environ.get("DISCRETION_LOG_KEY") or None,
            demo=_flag("DISCRETION_DEMO", False),
            cookie_secure=_flag("DISCRETION_COOKIE_SECURE", True),
            oidc_issuer=os.environ.get("DISCRETION_OIDC_ISSUER") or None,
            oidc_client_id=os.environ.get("DISCRETION_OIDC_CLIENT_ID") or None,
            oidc_client_secret=os.environ.get("DISCRETION_OIDC_CLIENT_SECRET") or None,
            public_rate_limit=limit,
            public_rate_window=window,
            trusted_proxies=proxy_addresses(os.environ.get("DISCRETION_TRUSTED_PROXIES", "")),
            principal_cache_seconds=_number("DISCRETION_PRINCIPAL_CACHE_SECONDS", 5.0),
            session_hours=int(_number("DISCRETION_SESSION_HOURS", 8)),
            session_idle_minutes=int(_number("DISCRETION_SESSION_IDLE_MINUTES", 30)),
            max_body_bytes=int(_number("DISCRETION_MAX_BODY_BYTES", 1 << 20)),
        )

    @property
    def oidc_enabled(self) -> bool:
        """Return whether OpenID Connect sign-in is configured."""
        return bool(self.oidc_issuer and self.oidc_client_id and self.oidc_client_secret)
