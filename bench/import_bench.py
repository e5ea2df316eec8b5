"""End-to-end import benchmark: redact + encrypt + index + insert through the portal's own import,
on 1 and 2 worker processes, with recall and precision scored from the spans the import stored.

    python -m bench.import_bench [--docs 2400] [--database-url postgresql://postgres@127.0.0.1/bench]

Run ``python -m bench.pii_bench`` for the comparison with the plain Presidio loop (same corpus).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence

from sqlalchemy import select

from bench.corpus import Document, generate
from bench.harness import make_app
from bench.pii_bench import Pred, RunResult, print_report, score


def run(database_url: str, docs: Sequence[Document], workers: int) -> RunResult:
    from governance.audit import SYSTEM
    from governance.datasets import DatasetInput, create_dataset
    from governance.db import db, utcnow
    from pii.imports import run_now
    from pii.ingest import create_job
    from pii.models import Item

    app, _ = make_app(database_url, pii_workers=workers)
    with app.app_context():
        dataset = create_dataset(db.session, SYSTEM, DatasetInput("bench", "sft", "consent"), utcnow())
        job = create_job(db.session, SYSTEM, dataset, "bench.jsonl", False)
        db.session.commit()
        data = "\n".join(json.dumps({"id": d.doc_id, "kind": "classification", "text": d.text}) for d in docs)
        started = time.perf_counter()
        job = run_now(SYSTEM, job.id, data.encode("utf-8"))
        elapsed = time.perf_counter() - started
        assert job.status.value == "done", job.message
        spans = dict(db.session.execute(select(Item.external_id, Item.spans)).all())
    predictions = [[Pred(s["start"], s["end"], s["entity_type"]) for s in spans[d.doc_id]] for d in docs]
    return RunResult(f"import, {workers} process{'es' if workers > 1 else ''}", elapsed, predictions,
                     [elapsed * 1000 / len(docs)] * len(docs))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="End-to-end import benchmark")
    parser.add_argument("--docs", type=int, default=2400)
    parser.add_argument("--database-url", default=None, help="default: a new SQLite file")
    parser.add_argument("--workers", default="1,2")
    args = parser.parse_args(argv)
    docs = generate(args.docs, 7)
    runs = []
    for workers in (int(w) for w in args.workers.split(",")):
        url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
        result = run(url, docs, workers)
        chars = sum(len(d.text) for d in docs)
        print(f"{result.name}: {len(docs) / result.seconds:.1f} docs/s, {chars / result.seconds:,.0f} chars/s "
              f"({result.seconds:.1f} s, model load included)")
        runs.append((result, score(docs, result)))
    print_report(docs, runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
