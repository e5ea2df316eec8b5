"""The assignment engine: lawful datasets only, atomic claims, welfare refusals with reasons."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from governance.db import db, utcnow
from governance.models import Dpa
from pii.models import Item, ItemStatus
from workforce.assignment import ABANDON_AFTER, NoTask, Served, next_task
from workforce.models import AnnotatorProfile, Task, TaskStatus, WelfareRefusal
from workforce.tasks import submit


def served(outcome: Any) -> Task:
    assert isinstance(outcome, Served), outcome
    return outcome.task


def finish(task: Task, minutes: float, now: Any) -> None:
    task.status, task.finished_at, task.submitted_at = TaskStatus.SUBMITTED, now, now
    task.served_at = now - timedelta(minutes=minutes)
    task.active_seconds = int(minutes * 60)
    db.session.commit()


def test_serves_an_item_of_an_assigned_lawful_dataset_once(shop: dict, add_items: Any) -> None:
    item = add_items(shop["dataset"])[0]
    now = utcnow()
    task = served(next_task(db.session, shop["linh"], now))
    assert task.item_id == item.id and task.vendor_id == shop["vendor"].id
    db.session.commit()
    other = next_task(db.session, shop["minh"], now)
    assert isinstance(other, NoTask) and other.code == "queue_empty"


def test_the_current_task_is_resumed_not_doubled(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"], 3)
    now = utcnow()
    first = served(next_task(db.session, shop["linh"], now))
    again = next_task(db.session, shop["linh"], now)
    assert again.resumed and again.task.id == first.id


def test_an_expired_dpa_stops_the_next_task_at_once(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"], 3)
    now = utcnow()
    first = served(next_task(db.session, shop["linh"], now))
    finish(first, 2, now)
    dpa = db.session.get(Dpa, shop["dpa"].id)
    dpa.expires_on = now.date() - timedelta(days=1)
    db.session.commit()
    refused = next_task(db.session, shop["linh"], now)
    assert isinstance(refused, NoTask) and refused.code == "no_lawful_work"


def test_an_open_task_is_withdrawn_when_its_dpa_lapses(shop: dict, add_items: Any, app: Any) -> None:
    from tests.conftest import sign_in

    add_items(shop["dataset"], 2)
    task = served(next_task(db.session, shop["linh"], utcnow()))
    db.session.commit()
    db.session.get(Dpa, shop["dpa"].id).expires_on = utcnow().date() - timedelta(days=1)
    db.session.commit()
    client = sign_in(app.test_client(), shop["linh"])
    page = client.get(f"/work/tasks/{task.id}", follow_redirects=True).get_data(as_text=True)
    assert "withdrawn" in page
    assert db.session.get(Task, task.id).status == TaskStatus.WITHDRAWN


def test_items_of_unassigned_datasets_are_never_served(shop: dict, add_items: Any, make_dataset: Any) -> None:
    add_items(make_dataset("Someone else's"), 5)
    assert next_task(db.session, shop["linh"], utcnow()).code == "queue_empty"


def test_an_abandoned_task_returns_to_the_queue(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"])
    now = utcnow()
    task = served(next_task(db.session, shop["linh"], now))
    db.session.commit()
    assert next_task(db.session, shop["minh"], now + timedelta(minutes=1)).code == "queue_empty"
    later = now + ABANDON_AFTER + timedelta(minutes=1)
    again = served(next_task(db.session, shop["minh"], later))
    assert again.item_id == task.item_id
    assert db.session.get(Task, task.id).status == TaskStatus.ABANDONED


def test_overlap_items_go_to_k_different_annotators(shop: dict, add_items: Any, make_user: Any) -> None:
    item = add_items(shop["dataset"], slots=2)[0]
    now = utcnow()
    first = served(next_task(db.session, shop["linh"], now))
    finish(first, 1, now)
    assert next_task(db.session, shop["linh"], now).code == "queue_empty"  # never twice to the same person
    second = served(next_task(db.session, shop["minh"], now))
    assert second.item_id == item.id
    db.session.commit()
    third = make_user("annotator", vendor=shop["vendor"])
    assert next_task(db.session, third, now).code == "queue_empty"


def test_gold_items_are_mixed_in_at_the_gold_rate(shop: dict, add_items: Any) -> None:
    import random

    shop["dataset"].gold_rate = 1
    db.session.commit()
    add_items(shop["dataset"], 3)
    gold = add_items(shop["dataset"], 1, gold={"labels": ["billing"]})[0]
    task = served(next_task(db.session, shop["linh"], utcnow(), random.Random(1)))
    assert task.item_id == gold.id and task.is_gold


def test_daily_cap_refuses_with_a_local_reset_and_is_counted(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"], 20)
    now = utcnow()
    for hour in range(8):
        task = served(next_task(db.session, shop["linh"], now))
        finish(task, 58, now - timedelta(hours=7 - hour))
    refused = next_task(db.session, shop["linh"], now)
    db.session.commit()
    assert isinstance(refused, NoTask)
    assert refused.code in ("daily_cap", "rest_break", "short_break"), refused
    assert db.session.scalar(select(func.count()).select_from(WelfareRefusal)) == 1


def test_rotation_after_three_sensitive_items(shop: dict, add_items: Any) -> None:
    sensitive = add_items(shop["dataset"], 5, severity=2, categories=("violence",))
    calm = add_items(shop["dataset"], 2)
    now = utcnow()
    for i in range(3):
        task = served(next_task(db.session, shop["linh"], now - timedelta(minutes=9 - 3 * i)))
        assert task.item_id in {s.id for s in sensitive}
        finish(task, 2, now - timedelta(minutes=7 - 3 * i))
    outcome = next_task(db.session, shop["linh"], now)
    assert served(outcome).item_id in {c.id for c in calm}
    assert "in a row" in outcome.notice


def test_opted_out_categories_are_never_served(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"], 3, severity=2, categories=("violence",))
    db.session.add(AnnotatorProfile(user_id=shop["linh"].id, opt_outs=["violence"]))
    db.session.commit()
    assert next_task(db.session, shop["linh"], utcnow()).code == "queue_empty"


def test_s3_items_only_to_trained_annotators(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"], 2, severity=3, categories=("child_safety",))
    assert next_task(db.session, shop["linh"], utcnow()).code == "queue_empty"


def test_thirty_annotators_at_once_never_share_a_task(shop: dict, add_items: Any, make_user: Any, app: Any) -> None:
    add_items(shop["dataset"], 20)
    people = [make_user("annotator", vendor=shop["vendor"]) for _ in range(30)]
    ids = [p.id for p in people]
    results: list[Any] = []
    errors: list[BaseException] = []

    def ask(user_id: int) -> None:
        try:
            with app.app_context():
                from governance.models import User

                session = db.session
                outcome = next_task(session, session.get(User, user_id), utcnow())
                session.commit()
                results.append(outcome.task.item_id if isinstance(outcome, Served) else None)
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001  (asserted below)
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    taken = [r for r in results if r is not None]
    assert len(taken) == 20 and len(set(taken)) == 20
    assert db.session.scalar(select(func.count()).select_from(Item).where(Item.open_slots > 0)) == 0


def test_the_api_returns_only_redacted_content(shop: dict, add_items: Any, app: Any) -> None:
    from tests.conftest import sign_in

    add_items(shop["dataset"])
    client = sign_in(app.test_client(), shop["linh"])
    token = _csrf(client)
    body = client.post("/api/tasks/next", headers={"X-CSRFToken": token}).get_json()
    assert body["payload"] == {"text": "Hello <PERSON_1>, item 0"}
    assert set(body) >= {"task_id", "kind", "content_warning"}


def _csrf(client: Any) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/work")


def test_a_submitted_gold_answer_is_graded(shop: dict, add_items: Any) -> None:
    item = add_items(shop["dataset"], gold="billing", prelabel={"labels": ["billing"]})[0]
    task = served(next_task(db.session, shop["linh"], utcnow()))
    assert task.item_id == item.id
    submit(db.session, shop["linh"], task, {"labels": ["billing"]}, utcnow())
    assert task.gold_correct is True and task.status == TaskStatus.SUBMITTED


def test_quarantined_items_are_not_served(shop: dict, add_items: Any) -> None:
    item = add_items(shop["dataset"])[0]
    db.session.get(Item, item.id).status = ItemStatus.QUARANTINED
    db.session.commit()
    assert next_task(db.session, shop["linh"], utcnow()).code == "queue_empty"
