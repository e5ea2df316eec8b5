"""The portal's root secret, stored wrapped by the master key, and the sub-keys derived from it.

Why not derive the audit-chain and subject-token keys from the master key itself: the master key
must be rotatable, and a chain or token key that changed with it would break every HMAC already
written. The root secret never changes; rotation only re-wraps it (``flask --app app keys rotate``).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import LargeBinary, String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from governance.db import Base, UtcDateTime, utcnow
from governance.keys import derive_key, unwrap_secret, wrap_secret

ROOT = "root"
_cache: dict[tuple[bytes, bytes], bytes] = {}


class WrappedSecret(Base):
    """A secret of the portal, encrypted under the master key (label bound as associated data)."""

    __tablename__ = "key_ring"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def root_secret(session: Session, master_key: bytes) -> bytes:
    """The root secret, created on first use (concurrent first users agree on one)."""
    row = session.get(WrappedSecret, ROOT)
    if row is None:
        row = _create_root(session, master_key)
    cache_key = (master_key, row.wrapped)
    if cache_key not in _cache:
        _cache[cache_key] = unwrap_secret(master_key, row.wrapped, f"key_ring:{ROOT}")
    return _cache[cache_key]


def _create_root(session: Session, master_key: bytes) -> WrappedSecret:
    row = WrappedSecret(name=ROOT, wrapped=wrap_secret(master_key, secrets.token_bytes(32), f"key_ring:{ROOT}"),
                        created_at=utcnow())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        row = session.scalars(select(WrappedSecret).where(WrappedSecret.name == ROOT)).one()
    return row


def purpose_key(session: Session, master_key: bytes, purpose: str) -> bytes:
    """The sub-key for ``purpose`` (``audit-chain``, ``subject-tokens`` …)."""
    return derive_key(root_secret(session, master_key), purpose)


def rewrap_root(session: Session, old_master: bytes, new_master: bytes) -> None:
    """Re-encrypt the root secret under a new master key (part of key rotation)."""
    row = session.get(WrappedSecret, ROOT)
    if row is None:
        return
    secret = unwrap_secret(old_master, row.wrapped, f"key_ring:{ROOT}")
    row.wrapped = wrap_secret(new_master, secret, f"key_ring:{ROOT}")
    row.rotated_at = utcnow()
