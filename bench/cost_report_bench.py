"""Benchmark: the cost and throughput report over 1,000,000 completed tasks (SQLite or PostgreSQL).

Run from the project root:
    python -m bench.cost_report_bench [--tasks 1000000] [--repeat 5]
    python -m bench.cost_report_bench --database-url postgresql://postgres@127.0.0.1:5432/bench --reset

Seeds eight vendors in four regions with a year of submitted tasks (bulk insert; COPY on PostgreSQL),
then times the report service, the page (as a vendor manager over half the tasks and as an admin
over all of them) and the CSV and PDF downloads. Aim (issue 6): the cost page under 1 s.
``--reset`` drops and recreates the public schema of the PostgreSQL database given: never point it
at a database you want to keep.
"""

from __future__ import annotations

import argparse
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, text

from bench.report_data import insert_tasks, seed_world, task_rows
from config.settings import Settings, normalise_database_url
from governance import migrate
from governance.db import db, make_engine
from governance.models import User
from reports.cost import cost_report
from reports.filters import resolve_filter

FIRST_DAY = date(2026, 1, 1)
DAYS = 365


def prepare(url: str, tasks: int, reset: bool) -> dict[str, Any]:
    """Migrate an empty database and fill it; returns the seeded ids."""
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        _reset_postgres(engine, reset)
    migrate.upgrade(engine)
    world = seed_world(engine)
    began = time.perf_counter()
    written = insert_tasks(engine, task_rows(world, tasks, FIRST_DAY, DAYS))
    # Statistics as a live database would have them (autovacuum on PostgreSQL; ANALYZE on SQLite).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE tasks" if engine.dialect.name == "postgresql" else "ANALYZE"))
    print(f"seeded {written:,} tasks in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    engine.dispose()
    return world


def _reset_postgres(engine: Any, reset: bool) -> None:
    with engine.connect() as conn:
        tables = conn.execute(text("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")).scalar()
    if tables and not reset:
        sys.exit("The database is not empty; pass --reset to drop its public schema (benchmark databases only).")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def timed(func: Callable[[], Any], repeat: int) -> dict[str, float]:
    """Median and best wall time of ``func`` over ``repeat`` runs, after one warm-up run."""
    func()
    runs = []
    for _ in range(repeat):
        began = time.perf_counter()
        func()
        runs.append(time.perf_counter() - began)
    return {"median_s": round(statistics.median(runs), 3), "best_s": round(min(runs), 3)}


def _client(app: Any, user_id: int) -> Any:
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(user_id)
        session["_fresh"] = True
    return client


def _get(client: Any, path: str, query: dict[str, str]) -> Callable[[], None]:
    def run() -> None:
        response = client.get(path, query_string=query)
        assert response.status_code == 200, (path, response.status_code)
        response.get_data()
    return run


def measure(url: str, world: dict[str, Any], repeat: int, instance: Path) -> dict[str, Any]:
    from app import create_app

    app = create_app(Settings(mode="test", instance_path=instance, database_url=url,
                              secret_key=secrets.token_urlsafe(32), master_key=secrets.token_bytes(32)))
    period = (FIRST_DAY, FIRST_DAY + timedelta(days=DAYS - 1))
    query = {"date_from": period[0].isoformat(), "date_to": period[1].isoformat()}
    results: dict[str, Any] = {"backend": make_engine(url).dialect.name}
    with app.app_context():
        session = db.session
        manager = session.get(User, world["manager"])
        scope = {v.id for v in manager.managed_vendors}
        staff_filter = resolve_filter(session, None, period)
        manager_filter = resolve_filter(session, scope, period)
        results["tasks_in_period"] = cost_report(session, staff_filter).total.items
        results["service_admin_all"] = timed(lambda: cost_report(session, staff_filter), repeat)
        results["service_manager_half"] = timed(lambda: cost_report(session, manager_filter), repeat)
        results["plan"] = _plan(session, period, world)
    manager_client, admin_client = _client(app, world["manager"]), _client(app, world["admin"])
    results["page_manager"] = timed(_get(manager_client, "/reports/cost", query), repeat)
    results["page_admin"] = timed(_get(admin_client, "/reports/cost", query), repeat)
    results["page_manager_one_region"] = timed(_get(manager_client, "/reports/cost",
                                                    {**query, "region": "south_asia"}), repeat)
    results["csv_manager"] = timed(_get(manager_client, "/reports/cost.csv", query), max(1, repeat // 2))
    results["pdf_manager"] = timed(_get(manager_client, "/reports/cost.pdf", query), max(1, repeat // 2))
    results["welfare_page_manager"] = timed(_get(manager_client, "/reports/welfare", query), max(1, repeat // 2))
    return results


PLANNED = ("SELECT vendor_id, dataset_id, min(kind), max(kind), count(*), sum(active_seconds) FROM tasks "
           "WHERE status = 'submitted' AND vendor_id IN :vendors AND dataset_id IN :datasets "
           "AND submitted_at >= :a AND submitted_at < :b GROUP BY vendor_id, dataset_id")


def _plan(session: Any, period: tuple[date, date], world: dict[str, Any]) -> list[str]:
    """How the database answers the main grouped query of reports/cost_queries.py."""
    from reports.sql import day_bounds

    start, end = day_bounds(*period)
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:  # SQLite keeps UTC timestamps as text
        start, end = (t.strftime("%Y-%m-%d %H:%M:%S.%f") for t in (start, end))
    statement = text(("EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN ") + PLANNED).bindparams(
        bindparam("vendors", expanding=True), bindparam("datasets", expanding=True))
    rows = session.execute(statement, {"vendors": world["vendors"], "datasets": world["datasets"], "a": start,
                                       "b": end})
    return [row[-1] if sqlite else row[0] for row in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--reset", action="store_true", help="drop the PostgreSQL database's public schema first")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="cost-bench-"))
    url = normalise_database_url(args.database_url) if args.database_url else f"sqlite:///{workdir / 'bench.db'}"
    world = prepare(url, args.tasks, args.reset)
    results = measure(url, world, args.repeat, workdir / "instance")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
