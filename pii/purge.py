"""What the deletion engine destroys in the PII tables: item content, subject tokens, data keys.

Registered with :mod:`governance.deletion` by :func:`register_pii_purgers` (called from
``pii.wiring``). Each purger selects at most one batch of rows that still hold content and clears
them with ``UPDATE … WHERE id IN (…)``, so a re-run after an interruption only sees what is left.
Cleared items leave the ``(dataset_id, status)`` index range and deleted tokens leave the table, so
each batch reads only rows still to do: a sweep stays linear in the size of the dataset.
"""

from __future__ import annotations

from sqlalchemy import delete, null, select, update
from sqlalchemy.orm import Session

from governance.deletion import register_key_destroyer, register_purger, register_subject_index
from governance.models import Dataset
from pii.datakeys import shred
from pii.models import Item, ItemStatus, SubjectToken
from pii.subject_index import PiiSubjectIndex

# Statuses of items whose content is still there; ERASED and PURGED items have none left.
HOLDING_CONTENT = tuple(s for s in ItemStatus if s not in (ItemStatus.ERASED, ItemStatus.PURGED))


def purge_items(session: Session, dataset_id: int, item_ids: list[int] | None, batch_size: int) -> int:
    """Clear raw, redacted, spans, gold answer and pre-label of one batch of items.

    ``item_ids`` None is the retention sweep (status PURGED); a list is an erasure (status ERASED).
    What reports need about an item (kind, entity counts, sensitivity, severity, gold flag) stays.
    """
    query = select(Item.id).where(Item.dataset_id == dataset_id, Item.status.in_(HOLDING_CONTENT))
    if item_ids is not None:
        query = query.where(Item.id.in_(item_ids))
    ids = list(session.scalars(query.limit(batch_size)))  # any order: the index serves the first rows left
    if not ids:
        return 0
    status = ItemStatus.PURGED if item_ids is None else ItemStatus.ERASED
    result = session.execute(
        update(Item).where(Item.id.in_(ids), Item.status.in_(HOLDING_CONTENT))
        .values(raw_ciphertext=null(), redacted=null(), spans=null(), gold_answer=null(), prelabel=null(),
                open_slots=0, status=status)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def purge_subject_tokens(session: Session, dataset_id: int, item_ids: list[int] | None, batch_size: int) -> int:
    """Delete one batch of subject tokens of the dataset (or of the listed items)."""
    query = select(SubjectToken.id).where(SubjectToken.dataset_id == dataset_id)
    if item_ids is not None:
        query = query.where(SubjectToken.item_id.in_(item_ids))
    ids = list(session.scalars(query.limit(batch_size)))
    if not ids:
        return 0
    result = session.execute(delete(SubjectToken).where(SubjectToken.id.in_(ids))
                             .execution_options(synchronize_session=False))
    return result.rowcount


def destroy_data_key(session: Session, dataset_id: int) -> str | None:
    """Crypto-shred the dataset's data key; the id of the key destroyed, or None if already gone."""
    dataset = session.get(Dataset, dataset_id)
    return shred(session, dataset) if dataset is not None else None


def register_pii_purgers() -> None:
    """Hand the deletion engine this package's purgers, key destroyer and subject index.

    Tokens purge last (order 90): while an erasure is unfinished, its items must stay findable.
    """
    register_purger("items", purge_items, order=10)
    register_purger("subject_tokens", purge_subject_tokens, order=90)
    register_key_destroyer("data_key", destroy_data_key)
    register_subject_index(PiiSubjectIndex())
