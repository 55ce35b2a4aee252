"""The disclosure log's key: one secret outside the database, and what is derived from it.

Operators keep one secret, ``DISCRETION_LOG_KEY``. HKDF-SHA256 derives two
keys from it under distinct labels: the HMAC-SHA256 key that chains the log's
entries, and the seed of the Ed25519 key that signs checkpoints. The public
half of the signing key may be handed to anyone (``discretion log public-key``);
its key id is the first 16 hex digits of the SHA-256 of the raw 32-byte public
key, so whoever holds the public key can compute the id.

With ``DISCRETION_DEMO=1`` and no ``DISCRETION_LOG_KEY``, the log is keyed with
``DEMO_LOG_KEY``: it is published here, so a demo log protects nothing and
must never hold real data.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from discretion.services.errors import LogKeyMissingError

__all__ = [
    "DEMO_LOG_KEY",
    "MIN_LENGTH",
    "MISSING",
    "LogKey",
    "key_id_of",
    "log_key_for",
    "log_key_from_env",
    "require",
]

DEMO_LOG_KEY = "discretion-demo-log-key: published, for synthetic demo data only"
MIN_LENGTH = 32
MISSING = (
    "no disclosure-log key: set DISCRETION_LOG_KEY to a secret of at least 32 characters kept "
    "outside the database (DISCRETION_DEMO=1 uses the published demo key, on demo data only)"
)
_CHAIN_LABEL = b"discretion disclosure log chain v1"
_SIGNING_LABEL = b"discretion disclosure log checkpoint signing v1"
_TRUE = ("1", "true", "yes", "on")


def _derive(secret: bytes, label: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(secret)


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """Return the key id of a public key: 16 hex digits of the SHA-256 of its raw bytes."""
    raw = public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


class LogKey:
    """The keys derived from one ``DISCRETION_LOG_KEY``; its repr shows the key id only.

    Args:
        secret: the operator's secret, at least ``MIN_LENGTH`` characters.

    Raises:
        LogKeyMissingError: the secret is too short to be one.
    """

    def __init__(self, secret: str) -> None:
        if len(secret) < MIN_LENGTH:
            raise LogKeyMissingError(
                f"DISCRETION_LOG_KEY has {len(secret)} characters; use at least {MIN_LENGTH}, "
                "e.g. python3 -c 'import secrets; print(secrets.token_urlsafe(32))'"
            )
        material = secret.encode()
        self._chain = _derive(material, _CHAIN_LABEL)
        self._signer = Ed25519PrivateKey.from_private_bytes(_derive(material, _SIGNING_LABEL))
        self.public_key = self._signer.public_key()
        self.key_id = key_id_of(self.public_key)

    def __repr__(self) -> str:
        return f"LogKey(key_id={self.key_id!r})"

    def mac(self, data: bytes) -> str:
        """Return the hex HMAC-SHA256 of ``data`` under the chain key."""
        return hmac.new(self._chain, data, hashlib.sha256).hexdigest()

    def sign(self, message: bytes) -> str:
        """Return the hex Ed25519 signature of ``message``."""
        return self._signer.sign(message).hex()

    def public_key_pem(self) -> str:
        """Return the public key as PEM (SubjectPublicKeyInfo), as OpenSSL and others read it."""
        return self.public_key.public_bytes(
            Encoding.PEM, PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def public_key_hex(self) -> str:
        """Return the raw 32-byte public key in hex."""
        return self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def log_key_for(secret: str | None, demo: bool) -> LogKey | None:
    """Return the log key: the secret's, else the demo key on the demo, else None."""
    secret = (secret or "").strip()
    if secret:
        return LogKey(secret)
    return LogKey(DEMO_LOG_KEY) if demo else None


def log_key_from_env(environ: Mapping[str, str] | None = None) -> LogKey | None:
    """Return the key ``DISCRETION_LOG_KEY`` (or ``DISCRETION_DEMO=1``) gives, or None.

    Raises:
        LogKeyMissingError: DISCRETION_LOG_KEY is set but too short.
    """
    env = os.environ if environ is None else environ
    demo = env.get("DISCRETION_DEMO", "").strip().lower() in _TRUE
    return log_key_for(env.get("DISCRETION_LOG_KEY"), demo)


def require(key: LogKey | None) -> LogKey:
    """Return the key, or refuse to go on without one.

    Raises:
        LogKeyMissingError: there is none.
    """
    if key is None:
        raise LogKeyMissingError(MISSING)
    return key
