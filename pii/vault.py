"""Envelope encryption for raw item payloads (DESIGN rule 1): one AES-256 data key per dataset,
wrapped by the master key; each payload sealed with AES-256-GCM under its dataset's data key.

Pure functions over bytes; the database glue (storing wrapped keys, shredding, rotation) lives with
the models. Destroying a dataset's wrapped key makes all its payloads unreadable (crypto-shredding).

Key wrapping uses AES-GCM rather than AES-KW (RFC 3394) because GCM authenticates associated data:
the wrapped key is bound to its key id (the dataset), so a wrapped key copied onto another dataset's
row fails to unwrap instead of silently decrypting. A random 96-bit nonce is safe here: a master key
wraps one key per dataset and per rotation, far below GCM's 2^32 random-nonce limit.

Formats: ``nonce (12 bytes) || ciphertext || tag (16 bytes)`` for both wrapped keys and payloads.
Associated data carries a purpose label as well as the id, so a wrapped key can never be accepted as
a payload or the other way round.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

KEY_BYTES = 32
NONCE_BYTES = 12
TAG_BYTES = 16
_KEY_WRAP_LABEL = b"governance-portal/data-key/v1\x1f"
_PAYLOAD_LABEL = b"governance-portal/item-payload/v1\x1f"


class VaultError(Exception):
    """Encryption or decryption failed. Messages name the operation, never key material or plaintext."""


def new_data_key() -> bytes:
    """A fresh random 256-bit data key (one per dataset)."""
    return AESGCM.generate_key(bit_length=KEY_BYTES * 8)


def wrap_key(data_key: bytes, master_key: bytes, key_id: str) -> bytes:
    """Encrypt ``data_key`` under ``master_key``, bound to ``key_id`` (e.g. the dataset id)."""
    _check_key(data_key, "data key")
    return _seal(master_key, data_key, _KEY_WRAP_LABEL + key_id.encode("utf-8"), "master key")


def unwrap_key(wrapped: bytes, master_key: bytes, key_id: str) -> bytes:
    """Recover a data key; fails on a wrong master key, a different key id or any tampering."""
    data_key = _open(master_key, wrapped, _KEY_WRAP_LABEL + key_id.encode("utf-8"), "data key", "master key")
    _check_key(data_key, "unwrapped data key")
    return data_key


def rewrap_key(wrapped: bytes, old_master_key: bytes, new_master_key: bytes, key_id: str) -> bytes:
    """Re-wrap a data key under a new master key (rotation); payloads need no re-encryption."""
    return wrap_key(unwrap_key(wrapped, old_master_key, key_id), new_master_key, key_id)


def encrypt_payload(data_key: bytes, item_id: str, plaintext: bytes) -> bytes:
    """Seal a raw payload, bound to ``item_id`` so a ciphertext moved to another row will not open."""
    return _seal(data_key, plaintext, _PAYLOAD_LABEL + item_id.encode("utf-8"), "data key")


def decrypt_payload(data_key: bytes, item_id: str, sealed: bytes) -> bytes:
    """Open a payload sealed by ``encrypt_payload`` for the same item with the same data key."""
    return _open(data_key, sealed, _PAYLOAD_LABEL + item_id.encode("utf-8"), "payload", "data key")


def _seal(key: bytes, plaintext: bytes, associated_data: bytes, key_name: str) -> bytes:
    _check_key(key, key_name)
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


def _open(key: bytes, sealed: bytes, associated_data: bytes, what: str, key_name: str) -> bytes:
    _check_key(key, key_name)
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        raise VaultError(f"the {what} ciphertext is truncated")
    nonce, body = sealed[:NONCE_BYTES], sealed[NONCE_BYTES:]
    try:
        return AESGCM(key).decrypt(nonce, body, associated_data)
    except InvalidTag:
        raise VaultError(
            f"the {what} could not be decrypted: wrong key, bound to another id, or tampered with"
        ) from None


def _check_key(key: bytes, name: str) -> None:
    if not isinstance(key, bytes | bytearray) or len(key) != KEY_BYTES:
        raise VaultError(f"the {name} must be {KEY_BYTES} bytes")
