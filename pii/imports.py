"""Running imports from the app: the engine and keys they use, in the foreground (CLI) or in a
background thread (web), so an import survives its page being closed."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from flask import Flask, current_app

from governance.audit import Actor
from governance.db import db
from pii.engine import PiiEngine, default_settings, get_engine
from pii.ingest import ImportContext, Progress, run_import
from pii.models import ImportJob
from pii.scan import redact_items

_RUNNING: set[int] = set()
_RUNNING_LOCK = threading.Lock()


def engine_for(app: Flask) -> PiiEngine:
    """The process-wide engine, or the one a test injected as ``app.extensions["pii_engine"]``."""
    return app.extensions.get("pii_engine") or get_engine(default_settings())


def import_context(app: Flask) -> ImportContext:
    engine = engine_for(app)

    def redact(items: Sequence[dict[str, Any]], dataset: str) -> list:
        return redact_items(items, engine, dataset=dataset)

    settings = app.extensions["portal"]
    return ImportContext(master_key=settings.master_key, settings=engine.settings, redact=redact)


def running_jobs() -> set[int]:
    with _RUNNING_LOCK:
        return set(_RUNNING)


def run_now(actor: Actor, job_id: int, data: bytes, progress: Progress | None = None) -> ImportJob:
    """Run an import in this thread (the CLI)."""
    app = current_app._get_current_object()
    with _RUNNING_LOCK:
        _RUNNING.add(job_id)
    try:
        return run_import(db.session, actor, job_id, data, import_context(app), progress)
    finally:
        with _RUNNING_LOCK:
            _RUNNING.discard(job_id)


def start_in_background(actor_id: int, job_id: int, data: bytes) -> threading.Thread:
    """Run an import in a thread with its own app context and session; return the thread."""
    app = current_app._get_current_object()
    with _RUNNING_LOCK:
        _RUNNING.add(job_id)

    def work() -> None:
        from governance.models import User

        with app.app_context():
            try:
                actor = db.session.get(User, actor_id)
                run_import(db.session, actor, job_id, data, import_context(app))
            finally:
                with _RUNNING_LOCK:
                    _RUNNING.discard(job_id)

    thread = threading.Thread(target=work, name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread
