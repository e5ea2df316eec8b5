"""Erasure lookup benchmark: find a data subject among 1,000,000 subject tokens, as the erasure page
does — typed identifiers → HMAC tokens → matches per dataset (the preview) and the matching item
ids (what execution erases). Aim (issue 4): under 50 ms.

    python -m bench.erasure_bench [--tokens 1000000] [--lookups 300]
                                  [--database-url postgresql://postgres@127.0.0.1:5432/deletion_bench]

PostgreSQL: the database's schema is dropped and re-created; use one kept for benchmarks.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from bench.harness import make_app
from bench.deletion_data import seed_dataset, seed_items, subject

DATASETS = 4
TOKENS_PER_ITEM = 3


def _seed(tokens: int) -> int:
    """Items spread over four datasets, three tokens each (e-mail, phone, name); returns item count."""
    from flask import current_app

    from governance.db import db
    from pii.subjects import token_key

    hmac_key = token_key(db.session, current_app.extensions["portal"].master_key)
    db.session.commit()
    items = -(-tokens // TOKENS_PER_ITEM)
    per_dataset = -(-items // DATASETS)
    with db.engine.begin() as conn:
        for n in range(DATASETS):
            dataset_id = seed_dataset(conn, f"Bench dataset {n + 1}", datetime.now(UTC) + timedelta(days=365))
            count = min(per_dataset, items - n * per_dataset)
            seed_items(conn, dataset_id, count, None, hmac_key, first_subject=n * per_dataset)
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE subject_tokens"))
    return items


def _typed(n: int) -> dict[str, str]:
    """How an officer would type subject n: e-mail in capitals, phone without the country code."""
    person = subject(n)
    return {"email": person["email"].upper(), "phone": "+48 " + person["phone"][3:]}


def _time(call: Callable[[], object], repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def _summary(label: str, timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    return f"{label:<48} median {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms   (n={len(ordered)})"


def run(database_url: str | None, tokens: int, lookups: int) -> None:
    app, url = make_app(database_url)
    with app.app_context():
        from flask import current_app

        from governance.db import db
        from governance.deletion import subject_index
        from governance.erasure import preview
        from governance.ops_models import ErasureRequest
        from pii.models import SubjectToken

        print(f"database: {url.split('@')[-1]} ({db.dialect})")
        started = time.perf_counter()
        items = _seed(tokens)
        stored = db.session.scalar(select(func.count()).select_from(SubjectToken))
        print(f"seeded {items:,} items and {stored:,} subject tokens in {time.perf_counter() - started:.0f} s")
        master_key, index = current_app.extensions["portal"].master_key, subject_index()
        rng = random.Random(7)  # noqa: S311  (benchmark sampling, not security)
        hits = [_typed(rng.randrange(items)) for _ in range(lookups)]
        misses = [{"email": f"nobody{n}@elsewhere.example", "phone": f"+44 20 7946 {n:04d}"} for n in range(lookups)]

        def lookup(typed: dict[str, str], full: bool) -> object:
            found = index.tokens_for(db.session, master_key, email=typed["email"], phone=typed["phone"], name=None)
            rows = preview(db.session, ErasureRequest(tokens=sorted(found)))
            if full:
                index.items_matching(db.session, found)
            db.session.rollback()
            return rows

        assert lookup(hits[0], False), "a seeded subject was not found"
        lookup(misses[0], True)  # warm the caches once
        hit_iter, miss_iter = iter(hits), iter(misses)
        print(_summary("preview (tokens + counts per dataset), found",
                       _time(lambda: lookup(next(hit_iter), False), lookups)))
        hit_iter = iter(hits)
        print(_summary("preview + matching item ids, found", _time(lambda: lookup(next(hit_iter), True), lookups)))
        print(_summary("preview + matching item ids, not found", _time(lambda: lookup(next(miss_iter), True), lookups)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Erasure lookup benchmark")
    parser.add_argument("--tokens", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    args = parser.parse_args(argv)
    run(args.database_url, args.tokens, args.lookups)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
