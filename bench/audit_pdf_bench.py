"""Benchmark: the audit report as PDF for periods of 10,000 and 100,000 events.

Run from the project root:
    python -m bench.audit_pdf_bench [--events 10000 100000] [--database-url URL --reset]

Each size gets a fresh database whose chain holds that many events in January 2026 (hashed like
``audit.record`` and bulk-inserted), with matching reveals, deletion certificates and erasure requests.
Times: chain verification alone, the report as data, the whole PDF (verify + queries + layout +
WeasyPrint, as a download does) and the HTML page. Aim (issue 6): the 10,000-event PDF under 15 s.
"""

from __future__ import annotations

import argparse
import io
import json
import secrets
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from bench.cost_report_bench import _client, _reset_postgres
from bench.report_data import add_reveals_and_deletions, append_chain, seed_world
from config.settings import Settings, normalise_database_url
from governance import audit, migrate
from governance.db import db, make_engine, utcnow
from reports.filters import resolve_filter
from reports.produce import SYSTEM_READER, build_document, issue_file

PERIOD = (date(2026, 1, 1), date(2026, 1, 31))


def _seconds(func: Any) -> tuple[float, Any]:
    began = time.perf_counter()
    value = func()
    return round(time.perf_counter() - began, 2), value


def run_size(url: str, events: int, reset: bool, instance: Path) -> dict[str, Any]:
    from app import create_app

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        _reset_postgres(engine, reset)
    migrate.upgrade(engine)
    world = seed_world(engine)
    app = create_app(Settings(mode="test", instance_path=instance, database_url=url,
                              secret_key=secrets.token_urlsafe(32), master_key=secrets.token_bytes(32)))
    master = app.extensions["portal"].master_key
    with app.app_context():
        key = audit.chain_key(db.session, master)
        db.session.commit()
        seeded, _ = _seconds(lambda: append_chain(engine, key, events, PERIOD[0], 31, world))
        add_reveals_and_deletions(engine, world, PERIOD[0], 31)
        session = db.session
        flt = resolve_filter(session, None, PERIOD)
        verify_s, result = _seconds(lambda: audit.verify(session, key, record_checkpoint=False))
        document_s, _ = _seconds(lambda: build_document(session, "audit", flt, SYSTEM_READER, master, PERIOD[1]))
        pdf_s, (content, _record) = _seconds(lambda: issue_file(session, "audit", "pdf", flt, SYSTEM_READER, master,
                                                                 utcnow()))
        session.commit()
    page_s, response = _seconds(lambda: _client(app, world["officer"]).get(
        "/reports/audit", query_string={"date_from": "2026-01-01", "date_to": "2026-01-31"}))
    assert response.status_code == 200 and result.ok
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(content)).pages)
    engine.dispose()
    return {"backend": engine.dialect.name, "events": events, "seed_s": seeded, "verify_s": verify_s,
            "report_data_s": document_s, "pdf_s": pdf_s, "pdf_pages": pages, "pdf_bytes": len(content),
            "page_s": page_s}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--database-url", default=None, help="PostgreSQL URL (default: temporary SQLite files)")
    parser.add_argument("--reset", action="store_true", help="drop the PostgreSQL database's public schema first")
    args = parser.parse_args(argv)
    results = []
    for events in args.events:
        workdir = Path(tempfile.mkdtemp(prefix="audit-bench-"))
        url = normalise_database_url(args.database_url) if args.database_url else f"sqlite:///{workdir / 'b.db'}"
        results.append(run_size(url, events, args.reset, workdir / "instance"))
        print(json.dumps(results[-1]), file=sys.stderr)
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
