"""Next-task latency: 100,000 queued items, 200 annotators, median and p95 of ``next_task``.

    python -m bench.next_task_bench [--items 100000] [--annotators 200] [--requests 2000]
                                    [--database-url postgresql://postgres@127.0.0.1/bench]

Each request serves a task and the annotator submits it at once (so the next request is a fresh
claim, not a resume); only the ``next_task`` call is timed, including its commit.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

from sqlalchemy import insert, update

from bench.harness import make_app


def build(database_url: str, n_items: int, n_annotators: int):
    from governance.db import db, utcnow
    from governance.dpas import required_clauses
    from governance.models import Dataset, DatasetAssignment, Dpa, Role, TransferMechanism, User, Vendor
    from pii.models import Item

    app, _ = make_app(database_url)
    with app.app_context():
        session, now = db.session, utcnow()
        vendor = Vendor(name="Saigon Data Labs", country="VN", city="", hourly_rate_usd=18)
        session.add(vendor)
        session.flush()
        session.add(Dpa(vendor_id=vendor.id, reference="DPA-1", signed_on=now.date() - timedelta(days=10),
                        expires_on=now.date() + timedelta(days=300), storage_countries=["VN"],
                        transfer_mechanism=TransferMechanism.SCC, scc_module=2,
                        tia_completed_on=now.date() - timedelta(days=5), art28_clauses=list(required_clauses())))
        datasets = []
        for i in range(4):
            dataset = Dataset(name=f"Queue {i}", purpose="sft", lawful_basis="consent", retention_days=365,
                              expires_at=now + timedelta(days=365), labels=["a", "b"], gold_rate=0.05)
            session.add(dataset)
            session.flush()
            session.add(DatasetAssignment(dataset_id=dataset.id, vendor_id=vendor.id))
            datasets.append(dataset)
        rng = random.Random(1)  # noqa: S311 (reproducible benchmark data)
        rows = [{"dataset_id": datasets[i % 4].id, "external_id": f"q{i}", "kind": "classification",
                 "status": "active", "redacted": {"text": "Hello <PERSON_1>"}, "spans": [], "entity_counts": {},
                 "sensitivity": ["violence"] if rng.random() < 0.1 else [],
                 "severity": 2 if rng.random() < 0.1 else 0, "is_gold": rng.random() < 0.05,
                 "open_slots": 1, "created_at": now} for i in range(n_items)]
        for start in range(0, n_items, 5000):
            session.execute(insert(Item), rows[start:start + 5000])
        users = [{"email": f"a{i}@bench.example", "display_name": f"A{i}", "role": Role.ANNOTATOR,
                  "vendor_id": vendor.id, "password_hash": "x", "time_zone": "Asia/Ho_Chi_Minh", "active": True,
                  "failed_logins": 0, "created_at": now} for i in range(n_annotators)]
        session.execute(insert(User), users)
        session.commit()
    return app


def measure(app, n_annotators: int, requests: int) -> list[float]:
    from governance.db import db, utcnow
    from governance.models import User
    from workforce.assignment import Served, next_task
    from workforce.models import Task, TaskStatus

    timings = []
    with app.app_context():
        people = db.session.query(User).all()
        rng = random.Random(2)  # noqa: S311 (reproducible benchmark data)
        for _ in range(requests):
            person = people[rng.randrange(n_annotators)]
            now = utcnow()
            started = time.perf_counter()
            outcome = next_task(db.session, person, now)
            db.session.commit()
            timings.append((time.perf_counter() - started) * 1000)
            if isinstance(outcome, Served):
                db.session.execute(update(Task).where(Task.id == outcome.task.id).values(
                    status=TaskStatus.SUBMITTED, finished_at=now, submitted_at=now, active_seconds=20))
                db.session.commit()
    return timings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Next-task latency benchmark")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    started = time.perf_counter()
    app = build(url, args.items, args.annotators)
    print(f"setup: {args.items} items, {args.annotators} annotators in {time.perf_counter() - started:.1f} s ({url.split(':')[0]})")
    timings = measure(app, args.annotators, args.requests)
    timings.sort()
    print(f"next_task over {len(timings)} requests: median {statistics.median(timings):.1f} ms, "
          f"p95 {timings[int(0.95 * len(timings)) - 1]:.1f} ms, max {timings[-1]:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
