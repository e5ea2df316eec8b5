"""Key material derived from the portal's master key.

One master key (``PORTAL_MASTER_KEY`` or a 0600 file in the instance folder) is the root of every
secret the portal uses; each purpose gets its own sub-key through HKDF so that a key leaked for one
purpose (say, the audit chain) says nothing about another (say, subject tokens).
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import hashes
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
