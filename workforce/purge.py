"""What the deletion engine clears in the workforce tables: the annotators' answers.

A task's answer may quote the item it was about (a rewrite, a transcript), so it goes with the item.
Everything cost, welfare and quality reports need stays: times, active seconds, status, outcomes,
gold correctness, vendor, annotator and dataset. Tasks still open on a purged item are withdrawn.
"""

from __future__ import annotations

from sqlalchemy import case, null, or_, select, update
from sqlalchemy.orm import Session

from governance.deletion import register_purger
from workforce.models import Task, TaskStatus

# Retention only: the last task id this process cleared per dataset. A cleared task stays in every
# index of ``tasks`` (its outcome must survive), so without a keyset each batch would re-read all
# the tasks done before it and a sweep would grow with the square of the dataset's size.
_cleared_up_to: dict[int, int] = {}


def _holding_content():
    # An open task would go on to receive an answer about content that no longer exists.
    return or_(Task.answer.is_not(None), Task.status == TaskStatus.ASSIGNED)


def _dataset_column(session: Session, whole_dataset: bool):
    # A whole-dataset pass on SQLite: lacking ANALYZE statistics, it picks the (dataset_id,
    # submitted_at) index and sorts the whole dataset for every batch; "+ 0" hides that index so it
    # walks the primary key from the keyset on. PostgreSQL chooses from its statistics. An erasure
    # (a few items) is best served by the dataset index, so it keeps it.
    sqlite = session.get_bind().dialect.name == "sqlite"
    return Task.dataset_id + 0 if whole_dataset and sqlite else Task.dataset_id


def _next_ids(session: Session, dataset_id: int, item_ids: list[int] | None, after: int, batch_size: int) -> list[int]:
    column = _dataset_column(session, whole_dataset=item_ids is None)
    query = select(Task.id).where(column == dataset_id, Task.id > after, _holding_content())
    if item_ids is not None:
        query = query.where(Task.item_id.in_(item_ids))
    return list(session.scalars(query.order_by(Task.id).limit(batch_size)))


def purge_task_answers(session: Session, dataset_id: int, item_ids: list[int] | None, batch_size: int) -> int:
    """NULL the answers of one batch of the dataset's tasks (or of the tasks on the listed items).

    The keyset only skips ahead; before saying "done" a last pass from the start picks up anything
    a rolled-back batch left behind, so a stale cursor can cost time but never leave an answer.
    """
    after = _cleared_up_to.get(dataset_id, 0) if item_ids is None else 0
    ids = _next_ids(session, dataset_id, item_ids, after, batch_size)
    if not ids and after:
        _cleared_up_to.pop(dataset_id, None)
        ids = _next_ids(session, dataset_id, item_ids, 0, batch_size)
    if not ids:
        return 0
    if item_ids is None:
        _cleared_up_to[dataset_id] = ids[-1]
    withdrawn = case((Task.status == TaskStatus.ASSIGNED, TaskStatus.WITHDRAWN.value), else_=Task.status)
    result = session.execute(
        update(Task).where(Task.id.in_(ids), _holding_content())
        .values(answer=null(), status=withdrawn)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def register_workforce_purgers() -> None:
    """Hand the deletion engine this package's purger (after items, before the subject index)."""
    register_purger("task_answers", purge_task_answers, order=50)
