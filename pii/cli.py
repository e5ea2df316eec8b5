"""Command line: ``datasets create|import``, ``pii scan`` and ``keys rotate``."""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from governance import audit
from governance.audit import SYSTEM
from governance.cli import fail
from governance.datasets import DatasetInput, create_dataset
from governance.db import db, utcnow
from governance.errors import PortalError
from governance.keys import MasterKeyError, decode_master_key, encode_master_key
from governance.models import Dataset
from pii.datakeys import rotate_master_key
from pii.imports import engine_for, run_now
from pii.ingest import create_job
from pii.models import ImportStatus
from pii.scan import ScanInputError, scan_lines


@click.group("datasets")
def datasets_group() -> None:
    """Datasets and their imports."""


@datasets_group.command("create")
@click.argument("name")
@click.option("--purpose", default="sft", show_default=True)
@click.option("--lawful-basis", default="legitimate_interests", show_default=True)
@click.option("--kind", "task_kind", default="classification", show_default=True)
@click.option("--labels", default="", help="Comma-separated label set (classification).")
@click.option("--retention-days", type=int, default=None)
@with_appcontext
def datasets_create(name: str, purpose: str, lawful_basis: str, task_kind: str, labels: str,
                    retention_days: int | None) -> None:
    """Create a dataset (its retention clock starts now)."""
    data = DatasetInput(name, purpose, lawful_basis, task_kind, [x.strip() for x in labels.split(",") if x.strip()],
                        retention_days=retention_days)
    try:
        with db.unit_of_work() as session:
            dataset = create_dataset(session, SYSTEM, data, utcnow())
    except PortalError as exc:
        fail(exc.message)
    click.echo(f"Created dataset #{dataset.id} {dataset.name}, retained until {dataset.expires_at:%Y-%m-%d}.")


@datasets_group.command("import")
@click.option("--dataset", "dataset_name", required=True, help="Name of an existing dataset.")
@click.option("--skip-invalid", is_flag=True, help="Import the valid lines and report the bad ones.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def datasets_import(dataset_name: str, skip_invalid: bool, file: Path) -> None:
    """Import a JSONL or CSV FILE into a dataset, with a progress bar and a summary."""
    if not file.is_file():
        fail(f"{file} does not exist or is not a file.")
    dataset = db.session.scalars(select(Dataset).where(Dataset.name == dataset_name)).first()
    if dataset is None:
        fail(f"No dataset named {dataset_name!r} (create it with `flask --app app datasets create`).")
    try:
        job = create_job(db.session, SYSTEM, dataset, file.name, skip_invalid)
        db.session.commit()
    except PortalError as exc:
        db.session.rollback()
        fail(exc.message)
    data = file.read_bytes()
    with click.progressbar(length=max(1, data.count(b"\n")), label="Importing", file=sys.stderr) as bar:
        last = [0]

        def progress(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - last[0])
            last[0] = done

        job = run_now(SYSTEM, job.id, data, progress)
    _print_summary(job)
    sys.exit(0 if job.status == ImportStatus.DONE else 1)


def _print_summary(job) -> None:
    click.echo(f"{job.status.value}: {job.message}")
    click.echo(f"  items imported: {job.imported}   flagged sensitive: {job.sensitive}   "
               f"lines rejected: {len(job.rejected or [])}")
    for kind, count in sorted((job.entity_counts or {}).items()):
        click.echo(f"  {kind:<16} {count}")
    for bad in job.rejected or []:
        click.echo(f"  line {bad['line']}: {bad['reason']}", err=True)


@click.group("pii")
def pii_group() -> None:
    """Personal-data detection."""


@pii_group.command("scan")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@with_appcontext
def pii_scan(file) -> None:
    """Print one JSON line per input line {"id","text"}: spans and redacted text (the import's engine)."""
    try:
        for result in scan_lines(file, engine_for(current_app._get_current_object())):
            click.echo(json.dumps(result, ensure_ascii=False))
    except ScanInputError as exc:
        fail(str(exc))
    except UnicodeDecodeError:
        fail("The file is not valid UTF-8.")


@click.group("keys")
def keys_group() -> None:
    """Encryption keys."""


@keys_group.command("rotate")
@click.option("--new-key-stdin", is_flag=True, help="Read the new master key (URL-safe base64) from stdin.")
@with_appcontext
def keys_rotate(new_key_stdin: bool) -> None:
    """Re-wrap every data key and the root secret under a new master key; payloads are untouched."""
    settings = current_app.extensions["portal"]
    try:
        new_key = decode_master_key(sys.stdin.readline()) if new_key_stdin else secrets.token_bytes(32)
    except MasterKeyError as exc:
        fail(str(exc))
    with db.unit_of_work() as session:
        count = rotate_master_key(session, settings.master_key, new_key)
        audit.record(session, audit.chain_key(session, new_key), SYSTEM, "keys.rotated", "key_ring", "master",
                     {"data_keys": count})
    click.echo(f"Re-wrapped {count} data key(s) and the root secret under the new master key.")
    _store_new_key(settings, new_key, new_key_stdin)


def _store_new_key(settings, new_key: bytes, supplied: bool) -> None:
    key_file = Path(settings.instance_path) / "master.key"
    if os.environ.get("PORTAL_MASTER_KEY") or supplied or not key_file.exists():
        click.echo("Set PORTAL_MASTER_KEY to the new key before the next start:" if not supplied else
                   "Set PORTAL_MASTER_KEY to the key you supplied before the next start.")
        if not supplied:
            click.echo(encode_master_key(new_key))
        return
    tmp = key_file.with_suffix(".new")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(encode_master_key(new_key) + "\n")
    tmp.replace(key_file)
    click.echo(f"The new key replaced {key_file} (0600).")


commands = [datasets_group, pii_group, keys_group]
