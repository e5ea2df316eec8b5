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


def _holding_content():
    # An open task would go on to receive an answer about content that no longer exists.
    return or_(Task.answer.is_not(None), Task.status == TaskStatus.ASSIGNED)


def purge_task_answers(session: Session, dataset_id: int, item_ids: list[int] | None, batch_size: int) -> int:
    """NULL the answers of one batch of the dataset's tasks (or of the tasks on the listed items)."""
    query = select(Task.id).where(Task.dataset_id == dataset_id, _holding_content())
    if item_ids is not None:
        query = query.where(Task.item_id.in_(item_ids))
    ids = list(session.scalars(query.order_by(Task.id).limit(batch_size)))
    if not ids:
        return 0
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
