"""What an annotator does with a task: bad input gets a plain message and changes nothing; active time
excludes idle gaps; flags make an item sensitive for everyone; declining carries no penalty."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from governance.db import db, utcnow
from governance.errors import PortalError
from pii.models import Item
from tests.conftest import csrf_token, sign_in
from workforce import tasks as actions
from workforce.assignment import Served, next_task
from workforce.models import ContentFlag, Task, TaskStatus


def serve(shop: dict, who: str = "linh", now: Any = None) -> Task:
    outcome = next_task(db.session, shop[who], now or utcnow())
    assert isinstance(outcome, Served), outcome
    db.session.commit()
    return outcome.task


def test_a_label_outside_the_set_is_refused_and_nothing_changes(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"])
    task = serve(shop)
    with pytest.raises(PortalError, match="not in this dataset's label set"):
        actions.submit(db.session, shop["linh"], task, {"labels": ["spam"]}, utcnow())
    db.session.rollback()
    assert db.session.get(Task, task.id).status == TaskStatus.ASSIGNED


def test_someone_elses_task_answers_404(app: Any, shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"])
    task = serve(shop)
    minh = sign_in(app.test_client(), shop["minh"])
    token = csrf_token(minh, "/work")
    assert minh.get(f"/work/tasks/{task.id}").status_code == 404
    assert minh.post(f"/work/tasks/{task.id}/submit", data={"labels": "billing", "csrf_token": token}).status_code == 404
    assert db.session.get(Task, task.id).status == TaskStatus.ASSIGNED


def test_submitting_twice_is_refused(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"])
    task = serve(shop)
    actions.submit(db.session, shop["linh"], task, {"labels": ["billing"]}, utcnow())
    db.session.commit()
    with pytest.raises(PortalError, match="already submitted"):
        actions.submit(db.session, shop["linh"], task, {"labels": ["other"]}, utcnow())
    assert db.session.get(Task, task.id).answer == {"labels": ["billing"]}


def test_a_heartbeat_for_a_finished_task_is_409(app: Any, shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"])
    task = serve(shop)
    actions.submit(db.session, shop["linh"], task, {"labels": ["billing"]}, utcnow())
    db.session.commit()
    linh = sign_in(app.test_client(), shop["linh"])
    response = linh.post(f"/api/tasks/{task.id}/heartbeat", headers={"X-CSRFToken": csrf_token(linh, "/work")})
    assert response.status_code == 409 and "already submitted" in response.get_json()["error"]


def test_a_skip_needs_a_reason(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"])
    task = serve(shop)
    with pytest.raises(PortalError, match="Choose why"):
        actions.skip(db.session, shop["linh"], task, "", utcnow())
    actions.skip(db.session, shop["linh"], task, "unclear", utcnow())
    assert task.status == TaskStatus.SKIPPED and db.session.get(Item, task.item_id).open_slots == 1


def test_active_time_leaves_out_idle_gaps(shop: dict, add_items: Any) -> None:
    add_items(shop["dataset"])
    start = utcnow()
    task = serve(shop, now=start)
    for seconds in (30, 60, 90):  # steady heartbeats: 90 s of work
        actions.heartbeat(db.session, shop["linh"], task, start + timedelta(seconds=seconds))
    actions.heartbeat(db.session, shop["linh"], task, start + timedelta(seconds=90 + 600))  # away for 10 min
    actions.submit(db.session, shop["linh"], task, {"labels": ["billing"]}, start + timedelta(seconds=720))
    assert task.active_seconds == 90 + 30  # the 600 s gap is not counted


def test_a_flag_makes_the_item_sensitive_for_everyone_after(shop: dict, add_items: Any) -> None:
    item = add_items(shop["dataset"])[0]
    task = serve(shop)
    actions.flag(db.session, shop["linh"], task, "violence", utcnow())
    db.session.commit()
    flagged = db.session.get(Item, item.id)
    assert "violence" in flagged.sensitivity and flagged.severity >= 2
    assert db.session.query(ContentFlag).count() == 1
    again = serve(shop, "minh")
    assert again.item_id == item.id and again.severity >= 2 and not again.warning_acknowledged


def test_declining_a_warning_returns_the_item_without_penalty(shop: dict, add_items: Any) -> None:
    item = add_items(shop["dataset"], severity=2, categories=("violence",))[0]
    task = serve(shop)
    with pytest.raises(PortalError, match="Open the content"):
        actions.submit(db.session, shop["linh"], task, {"labels": ["billing"]}, utcnow())
    actions.decline(db.session, shop["linh"], task, utcnow())
    db.session.commit()
    assert db.session.get(Task, task.id).status == TaskStatus.DECLINED
    assert db.session.get(Item, item.id).open_slots == 1
    assert serve(shop, "minh").item_id == item.id


@pytest.mark.parametrize(("form", "message"), [
    ({"ranking": "1,1", "helpfulness": "3", "harmlessness": "3", "honesty": "3"}, "exactly once"),
    ({"ranking": "2,1", "helpfulness": "9", "harmlessness": "3", "honesty": "3"}, "from 1 to 5"),
    ({"ranking": "a,b"}, "list such as"),
])
def test_preference_answers_are_checked(shop: dict, make_dataset: Any, add_items: Any, form: dict,
                                        message: str) -> None:
    dataset = make_dataset("Pairs", vendors=[shop["vendor"]], task_kind="preference", gold_rate=0)
    item = add_items(dataset)[0]
    item.redacted = {"prompt": "Write to <PERSON_1>", "responses": ["a", "b"]}
    db.session.commit()
    task = serve(shop)
    with pytest.raises(PortalError, match=message):
        actions.submit(db.session, shop["linh"], task, form, utcnow())
    answer = {"ranking": "2,1", "helpfulness": "4", "harmlessness": "5", "honesty": "4"}
    actions.submit(db.session, shop["linh"], task, answer, utcnow())
    assert task.answer == {"ranking": [2, 1], "ratings": {"helpfulness": 4, "harmlessness": 5, "honesty": 4}}
