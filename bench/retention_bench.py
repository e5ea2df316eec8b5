"""Retention sweep benchmark: one expired dataset of 100,000 items (encrypted raw payload, redacted
payload, spans, 3 subject tokens and one answered task each) deleted by the real sweep — key
shredded, content purged in batches, certificate issued. Aim (issue 4): under 60 s.

    python -m bench.retention_bench [--items 100000] [--batch-size 1000]
                                    [--database-url postgresql://postgres@127.0.0.1:5432/deletion_bench]

PostgreSQL: the database's schema is dropped and re-created; use one kept for benchmarks.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bench.harness import make_app
from bench.deletion_data import seed_dataset, seed_items, seed_people, seed_tasks


def _seed(items: int) -> int:
    from governance.db import db
    from governance.models import Dataset
    from pii.datakeys import ensure_data_key
    from pii.subjects import token_key

    master_key = _master_key()
    with db.engine.begin() as conn:
        vendor, annotator = seed_people(conn)
        dataset_id = seed_dataset(conn, "Expired bench dataset", datetime.now(UTC) - timedelta(hours=1))
    dataset = db.session.get(Dataset, dataset_id)
    data_key, hmac_key = ensure_data_key(db.session, dataset, master_key), token_key(db.session, master_key)
    db.session.commit()
    with db.engine.begin() as conn:
        tokens = seed_items(conn, dataset_id, items, data_key, hmac_key)
        tasks = seed_tasks(conn, dataset_id, vendor, annotator)
    print(f"seeded {items:,} items, {tokens:,} subject tokens, {tasks:,} tasks")
    return dataset_id


def _master_key() -> bytes:
    from flask import current_app

    return current_app.extensions["portal"].master_key


def _timed_purgers(spent: dict[str, float]) -> None:
    """Wrap each registered purger to add up the time spent inside it (the rest is commits)."""
    from governance import deletion

    for name, registered in list(deletion._PURGERS.items()):
        def timed(session, dataset_id, item_ids, size, _func=registered.func, _name=name):  # noqa: ANN001
            started = time.perf_counter()
            try:
                return _func(session, dataset_id, item_ids, size)
            finally:
                spent[_name] += time.perf_counter() - started
        deletion._PURGERS[name] = deletion._Registered(name, timed, registered.order)


def run(database_url: str | None, items: int, batch_size: int) -> None:
    app, url = make_app(database_url)
    with app.app_context():
        from governance.db import db
        from governance.ops_models import DeletionCertificate
        from governance.retention import sweep

        print(f"database: {url.split('@')[-1]} ({db.dialect}), batch size {batch_size}")
        started = time.perf_counter()
        _seed(items)
        print(f"seeding took {time.perf_counter() - started:.1f} s")
        spent: dict[str, float] = defaultdict(float)
        _timed_purgers(spent)
        started = time.perf_counter()
        summary = sweep(db.session, datetime.now(UTC), batch_size=batch_size)
        elapsed = time.perf_counter() - started
        certificate = db.session.scalars(select(DeletionCertificate)).one()
        print(f"sweep: {elapsed:.2f} s for {summary['items']:,} items "
              f"({summary['items'] / elapsed:,.0f} items/s); certificate {certificate.reference} {certificate.counts}")
        for name, seconds in spent.items():
            print(f"  inside purger {name}: {seconds:.2f} s")
        print(f"  commits, key shredding, certificate, audit: {elapsed - sum(spent.values()):.2f} s")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Retention sweep benchmark")
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args(argv)
    run(args.database_url, args.items, args.batch_size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
