"""Team, review and staffing endpoints for the deny-by-default matrix (tests/test_permissions.py)."""

from __future__ import annotations

from typing import Any

from governance.db import db, utcnow
from governance.models import Role, User
from pii.models import Item, ItemStatus
from tests.conftest import _password_hash
from workforce.models import AnnotatorProfile, Task, TaskStatus

A, C, V, N = Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER, Role.ANNOTATOR
EXPECTED = {
    "team.roster": frozenset({A, C, V}),
    "team.throughput": frozenset({A, C, V}),
    "team.quality": frozenset({A, C, V}),
    "team.welfare": frozenset({A, C, V}),
    "team.annotator": frozenset({A, V}),
    "team.flags": frozenset({A, C}),
    "review.queue": frozenset({N}),
    "review.decide": frozenset({N}),
    "staffing.profiles": frozenset({A}),
    "staffing.edit_profile": frozenset({A}),
    "staffing.policies": frozenset({A}),
    "staffing.edit_policy": frozenset({A}),
}


def extend_world(world: dict[str, Any]) -> None:
    """The world's annotator becomes a reviewer; a colleague at the same vendor has work to review."""
    annotator, vendor, dataset = world["users"][N], world["vendor"], world["dataset"]
    profile = (db.session.get(AnnotatorProfile, annotator.id)
               or AnnotatorProfile(user_id=annotator.id, opt_outs=[]))
    profile.is_reviewer = True
    colleague = User(email="colleague@team.example", display_name="Colleague", role=Role.ANNOTATOR,
                     vendor_id=vendor.id, password_hash=_password_hash(), time_zone="UTC", active=True,
                     failed_logins=0)
    item = Item(dataset_id=dataset.id, external_id="team-1", kind="classification", status=ItemStatus.ACTIVE,
                redacted={"text": "My parcel is late, <PERSON_1>"}, spans=[], entity_counts={},
                sensitivity=[], open_slots=0)
    db.session.add_all([profile, colleague, item])
    db.session.flush()
    now = utcnow()
    task = Task(item_id=item.id, dataset_id=dataset.id, vendor_id=vendor.id, annotator_id=colleague.id,
                kind="classification", status=TaskStatus.SUBMITTED, served_at=now, last_seen_at=now,
                finished_at=now, submitted_at=now, active_seconds=40, answer={"labels": ["delivery"]})
    db.session.add(task)
    db.session.commit()
    world.update(team_colleague=colleague, review_task=task)


PATHS = {
    "team.annotator": lambda w: f"/team/annotators/{w['users'][N].id}",
    "review.decide": lambda w: f"/review/tasks/{w['review_task'].id}",
    "staffing.edit_profile": lambda w: f"/staffing/annotators/{w['users'][N].id}",
    "staffing.edit_policy": lambda w: f"/staffing/vendors/{w['vendor'].id}/policy",
}
