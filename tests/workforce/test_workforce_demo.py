"""The demo's six weeks of history: fast, deterministic, idempotent, and showing what the journeys need
(a rubber-stamper at Saigon Data Labs, two S3-trained annotators) without breaking the welfare rules."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from governance import accounts
from governance.db import db, utcnow
from governance.demo import seed_demo
from governance.models import User
from tests.conftest import _password_hash
from workforce import quality as q
from workforce.demo import (
    FRESH_TODAY,
    QUIET_MINUTES,
    RUBBER_STAMPER,
    S3_TRAINED,
    demo_people,
    plan_history,
    seed_workforce_history,
)
from workforce.models import AnnotatorProfile, ContentFlag, Task, WelfareRefusal
from workforce.team import zone


@pytest.fixture
def demo(app: Any, monkeypatch: pytest.MonkeyPatch, fast_engine: Any) -> Any:
    """The whole demo (vendors, people, datasets, items, then the work history as its registered step),
    with the test run's cached password hash and the fixture NLP engine to keep it quick."""
    monkeypatch.setattr(accounts, "hash_password", lambda _password: _password_hash())
    app.extensions["pii_engine"] = fast_engine
    now = utcnow()
    seed_demo(db.session)
    db.session.commit()
    return now


@pytest.fixture(scope="module")
def fast_engine() -> Any:
    from pii.engine import OfflineSpacyNlpEngine, build_engine, offline_tld_extractor
    from pii.settings import load_pii_settings
    from tests.pii.conftest import fixture_pipeline

    return build_engine(load_pii_settings(), OfflineSpacyNlpEngine(fixture_pipeline), offline_tld_extractor(None))


def test_demo_history(demo: Any) -> None:
    now = demo
    written = db.session.scalar(select(func.count()).select_from(Task))
    assert written > 10_000
    assert seed_workforce_history(db.session, utcnow()) == 0  # idempotent
    assert db.session.scalar(select(func.count()).select_from(WelfareRefusal)) > 0

    names = {u.id: u.display_name for u in db.session.scalars(select(User))}
    rows = q.annotator_dataset_quality(db.session, None, q.Window(now - timedelta(days=30), now))
    assert {names[r.annotator_id] for r in q.rubber_stamp_flags(rows)} == {RUBBER_STAMPER}

    trained = {names[p.user_id] for p in db.session.scalars(
        select(AnnotatorProfile).where(AnnotatorProfile.s3_trained_on.is_not(None)))}
    assert trained == set(S3_TRAINED)
    s3_query = select(Task.annotator_id).where(Task.severity >= 3).distinct()
    s3_workers = {names[a] for a in db.session.scalars(s3_query)}
    assert s3_workers <= set(S3_TRAINED)
    _assert_welfare_rules_kept(now, names)


def _assert_welfare_rules_kept(now: Any, names: dict[int, str]) -> None:
    """At most 3 sensitive items in a row, under 8 h a local day, nothing in the last quiet minutes,
    and the journey's annotator has not worked yet today."""
    tasks = db.session.execute(select(Task.annotator_id, Task.served_at, Task.finished_at, Task.severity,
                                      Task.active_seconds).order_by(Task.annotator_id, Task.served_at)).all()
    users = {u.id: u for u in db.session.scalars(select(User))}
    run: dict[int, int] = defaultdict(int)
    last_end: dict[int, Any] = {}
    per_day: dict[tuple[int, Any], int] = defaultdict(int)
    for annotator, served, finished, severity, seconds in tasks:
        if annotator in last_end and served - last_end[annotator] >= timedelta(minutes=5):
            run[annotator] = 0
        run[annotator] = run[annotator] + 1 if severity >= 2 else 0
        assert run[annotator] <= 3, names[annotator]  # rotation: at most 3 sensitive items in a row
        last_end[annotator] = finished
        per_day[(annotator, finished.astimezone(zone(users[annotator].time_zone)).date())] += seconds
        assert finished <= now - timedelta(minutes=QUIET_MINUTES)
    assert max(per_day.values()) < 8 * 3600
    today = {name: now.astimezone(zone(u.time_zone)).date() for name, u in
             ((n, next(u for u in users.values() if u.display_name == n)) for n in FRESH_TODAY)}
    assert not [k for k in per_day if names[k[0]] in today and k[1] == today[names[k[0]]]]


def test_the_plan_is_deterministic(demo: None) -> None:
    now = utcnow()
    people = demo_people(db.session)
    first, second = plan_history(people, now), plan_history(people, now)
    assert first.tasks == second.tasks and first.items == second.items and first.refusals == second.refusals
