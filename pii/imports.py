"""Running imports from the app: the engine and keys they use, in the foreground (CLI) or in a
background thread (web), so an import survives its page being closed.

With ``PORTAL_PII_WORKERS`` above 1, large imports analyse chunks in that many worker processes
(spawned, each loading the model once) while this process encrypts and inserts earlier chunks.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from flask import Flask, current_app

from governance.audit import Actor
from governance.db import db
from pii.engine import PiiEngine, default_settings, get_engine
from pii.ingest import ImportContext, Progress, run_import
from pii.models import ImportJob
from pii.redact import RedactedItem
from pii.scan import redact_items
from pii.settings import PiiSettings

_WORKER_ENGINE: PiiEngine | None = None


def engine_for(app: Flask) -> PiiEngine:
    """The process-wide engine, or the one a test injected as ``app.extensions["pii_engine"]``."""
    return app.extensions.get("pii_engine") or get_engine(default_settings())


def import_context(app: Flask) -> ImportContext:
    """Keys, settings and the chunk redactor (in-process, or a pool when workers are configured)."""
    engine = engine_for(app)
    workers = app.extensions["portal"].pii_workers
    injected = "pii_engine" in app.extensions

    def redact_chunks(chunks: list[list[dict[str, Any]]], dataset: str) -> Iterator[list[RedactedItem]]:
        if workers > 1 and not injected and len(chunks) > 1:
            return _in_workers(chunks, dataset, engine.settings, workers)
        return (redact_items(chunk, engine, dataset=dataset) for chunk in chunks)

    return ImportContext(master_key=app.extensions["portal"].master_key, settings=engine.settings,
                         redact_chunks=redact_chunks)


def _in_workers(chunks: list[list[dict[str, Any]]], dataset: str, settings: PiiSettings,
                workers: int) -> Iterator[list[RedactedItem]]:
    context = multiprocessing.get_context("spawn")  # never fork a process that has threads
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                             initargs=(settings,)) as pool:
        yield from pool.map(_redact_in_worker, chunks, [dataset] * len(chunks))


def _start_worker(settings: PiiSettings) -> None:
    global _WORKER_ENGINE
    _WORKER_ENGINE = get_engine(settings)


def _redact_in_worker(items: list[dict[str, Any]], dataset: str) -> list[RedactedItem]:
    assert _WORKER_ENGINE is not None
    return redact_items(items, _WORKER_ENGINE, dataset=dataset)


def run_now(actor: Actor, job_id: int, data: bytes, progress: Progress | None = None) -> ImportJob:
    """Run an import in this thread (the CLI)."""
    return run_import(db.session, actor, job_id, data, import_context(current_app._get_current_object()), progress)


def start_in_background(actor_id: int, job_id: int, data: bytes) -> threading.Thread:
    """Run an import in a thread with its own app context and session; return the thread."""
    app = current_app._get_current_object()

    def work() -> None:
        from governance.models import User

        with app.app_context():
            run_import(db.session, db.session.get(User, actor_id), job_id, data, import_context(app))

    thread = threading.Thread(target=work, name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread

