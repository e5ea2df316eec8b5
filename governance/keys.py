"""Key material: the master key, key wrapping, and per-purpose sub-keys.

The master key (``PORTAL_MASTER_KEY`` or a 0600 file in the instance folder) is a key-encryption key:
it wraps the per-dataset data keys and the portal's root secret (see ``governance/keyring.py``), and
nothing is derived from it directly, so rotating it means re-wrapping a handful of keys while the
audit chain and the subject tokens stay valid. Each purpose gets its own sub-key of the root secret
through HKDF, so a key leaked for one purpose (say, the audit chain) says nothing about another.
"""

from __future__ import annotations

import base64
import binascii
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MASTER_KEY_BYTES = 32


class MasterKeyError(ValueError):
    """The configured master key is not 32 bytes of URL-safe base64."""


def decode_master_key(text: str) -> bytes:
    """Decode a master key written as URL-safe base64 (the form ``keys generate`` prints)."""
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise MasterKeyError("the master key is not valid URL-safe base64") from exc
    if len(raw) != MASTER_KEY_BYTES:
        raise MasterKeyError(f"the master key must decode to {MASTER_KEY_BYTES} bytes, not {len(raw)}")
    return raw


def encode_master_key(raw: bytes) -> str:
    """Encode raw key bytes the way ``decode_master_key`` reads them."""
    return base64.urlsafe_b64encode(raw).decode("ascii")


def derive_key(master_key: bytes, purpose: str, length: int = 32) -> bytes:
    """Derive the sub-key for ``purpose`` (e.g. ``"audit-chain"``, ``"subject-tokens"``).

    HKDF-SHA256 with the purpose as ``info``: deterministic, so the same master key always yields
    the same sub-key, and independent across purposes.
    """
    hkdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=purpose.encode("utf-8"))
    return hkdf.derive(master_key)


def wrap_secret(master_key: bytes, secret: bytes, label: str) -> bytes:
    """Encrypt a key under the master key (AES-256-GCM, ``label`` bound as associated data).

    AES-GCM rather than RFC 3394 key wrap because it authenticates the label too: a wrapped key
    copied to another row or purpose fails to unwrap.
    """
    nonce = secrets.token_bytes(12)
    return nonce + AESGCM(master_key).encrypt(nonce, secret, label.encode("utf-8"))


def unwrap_secret(master_key: bytes, wrapped: bytes, label: str) -> bytes:
    """Reverse :func:`wrap_secret`; raise :class:`KeyUnwrapError` if key, label or bytes are wrong."""
    try:
        return AESGCM(master_key).decrypt(wrapped[:12], wrapped[12:], label.encode("utf-8"))
    except (InvalidTag, ValueError) as exc:
        raise KeyUnwrapError(f"cannot unwrap the key for {label}: wrong master key or damaged data") from exc


class KeyUnwrapError(ValueError):
    """A wrapped key did not open with the configured master key."""
