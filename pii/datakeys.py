"""Per-dataset data keys in the database: created on first import, wrapped by the master key,
re-wrapped on rotation, destroyed to crypto-shred a dataset."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from governance.errors import PortalError
from governance.keyring import rewrap_root
from governance.models import Dataset
from pii.vault import new_data_key, rewrap_key, unwrap_key, wrap_key


class KeyShredded(PortalError):
    """The dataset's data key was destroyed: its raw payloads can never be read again."""

    status_code = 410


def ensure_data_key(session: Session, dataset: Dataset, master_key: bytes) -> bytes:
    """The dataset's data key, created (and stored wrapped) if it has none yet."""
    if dataset.wrapped_key is None:
        if dataset.key_id is not None:
            raise KeyShredded(f"The data key of {dataset.name} was destroyed; nothing more can be stored in it.")
        key = new_data_key()
        dataset.key_id = f"dk-{dataset.id}-{uuid.uuid4().hex[:12]}"
        dataset.wrapped_key = wrap_key(key, master_key, dataset.key_id)
        session.flush()
        return key
    return data_key(dataset, master_key)


def data_key(dataset: Dataset, master_key: bytes) -> bytes:
    """Unwrap the dataset's data key; a shredded dataset raises :class:`KeyShredded`."""
    if dataset.wrapped_key is None or dataset.key_id is None:
        raise KeyShredded(f"The raw data of {dataset.name} has been destroyed.")
    return unwrap_key(dataset.wrapped_key, master_key, dataset.key_id)


def shred(session: Session, dataset: Dataset) -> str | None:
    """Destroy the wrapped data key (crypto-shredding); return the id of the key destroyed.

    The key id stays on the row as a record of which key existed; without the wrapped key every
    ciphertext of the dataset is unreadable, whatever copies of the rows survive in backups.
    """
    destroyed = dataset.key_id if dataset.wrapped_key is not None else None
    dataset.wrapped_key = None
    session.flush()
    return destroyed


def rotate_master_key(session: Session, old_master: bytes, new_master: bytes) -> int:
    """Re-wrap every data key and the root secret under a new master key; payloads are untouched."""
    count = 0
    for dataset in session.scalars(select(Dataset).where(Dataset.wrapped_key.is_not(None))):
        dataset.wrapped_key = rewrap_key(dataset.wrapped_key, old_master, new_master, dataset.key_id)
        count += 1
    rewrap_root(session, old_master, new_master)
    session.flush()
    return count
