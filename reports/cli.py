"""``flask --app app reports audit|cost|welfare --from D --to D --out FILE`` and ``reports verify FILE``.

The same files as the page's downloads, issued by the portal itself (recorded, digest in the audit
chain) — for scheduled runs outside the built-in monthly job. Mistakes a person can make (a date
that is not a date, a folder that does not exist, an unknown vendor) end with one clear line on
stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from governance import audit
from governance.cli import fail
from governance.db import db, utcnow
from governance.errors import PortalError
from governance.models import Dataset, Vendor
from governance.regions import regions
from reports.export import write_atomically
from reports.filters import OutOfScope, ReportFilter, resolve_filter
from reports.issue import verify_copy
from reports.produce import SYSTEM_READER, issue_file

@click.group("reports")
def reports_group() -> None:
    """Audit, cost and welfare reports as PDF or CSV."""


def _date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date written YYYY-MM-DD, such as 2026-01-31 (got {value!r}).")
        raise  # fail() exits; this only tells type checkers the function never falls through


def _out_path(value: str, allowed: tuple[str, ...]) -> Path:
    path = Path(value).expanduser()
    if path.is_dir():
        fail(f"--out names a folder ({path}); give a file name inside it.")
    if path.suffix.lower().lstrip(".") not in allowed:
        fail(f"--out must end in {' or '.join('.' + a for a in allowed)} (got {path.name!r}).")
    if not path.parent.is_dir():
        fail(f"The folder {path.parent} does not exist; create it first.")
    if not os.access(path.parent, os.W_OK):
        fail(f"The folder {path.parent} is not writable.")
    return path


def _vendor_id(session, value: str) -> int:
    vendor = session.get(Vendor, int(value)) if value.isdigit() else session.scalar(
        select(Vendor).where(func.lower(Vendor.name) == value.strip().lower()))
    if vendor is None:
        fail(f"No vendor named or numbered {value!r}.")
    return vendor.id


def _dataset_id(session, value: str) -> int:
    dataset = session.get(Dataset, int(value)) if value.isdigit() else session.scalar(
        select(Dataset).where(func.lower(Dataset.name) == value.strip().lower()))
    if dataset is None:
        fail(f"No dataset named or numbered {value!r}.")
    return dataset.id


def _region(value: str | None) -> str | None:
    if not value:
        return None
    known = regions()
    by_label = {r.label.lower(): code for code, r in known.items()}
    code = value if value in known else by_label.get(value.strip().lower())
    if code is None:
        fail(f"Unknown region {value!r}; choose one of {', '.join(sorted(known))}.")
    return code


def produce_to_file(kind: str, flt: ReportFilter, path: Path) -> tuple[int, str]:
    """Issue the report, write it, then commit the record (no record of a file that was never written)."""
    file_format = path.suffix.lower().lstrip(".")
    with db.unit_of_work() as session:
        content, record = issue_file(session, kind, file_format, flt, SYSTEM_READER,
                                     current_app.extensions["portal"].master_key, utcnow())
        write_atomically(path, content)
        return len(content), record.sha256


def _run(kind: str, date_from: str, date_to: str, out: str, vendors: tuple[str, ...] = (),
         region: str | None = None, dataset: str | None = None) -> None:
    path = _out_path(out, ("pdf", "csv"))
    period = (_date(date_from, "--from"), _date(date_to, "--to"))
    session = db.session
    try:
        flt = resolve_filter(session, None, period, [_vendor_id(session, v) for v in vendors], _region(region),
                             _dataset_id(session, dataset) if dataset else None)
    except (PortalError, OutOfScope) as exc:
        fail(getattr(exc, "message", "That vendor or dataset does not exist."))
    size, digest = produce_to_file(kind, flt, path)
    click.echo(f"Wrote {path} ({size:,} bytes), SHA-256 {digest}; recorded in the audit chain.")


def _common(command):
    command = click.option("--out", "out", required=True, help="Output file: .pdf or .csv.")(command)
    command = click.option("--to", "date_to", required=True, help="Last day, YYYY-MM-DD (included).")(command)
    return click.option("--from", "date_from", required=True, help="First day, YYYY-MM-DD.")(command)


@reports_group.command("audit")
@_common
@click.option("--vendor", "vendors", multiple=True, help="Vendor name or id (repeatable).")
@click.option("--region", default=None, help="Region code or name.")
@click.option("--dataset", default=None, help="Dataset name or id.")
@with_appcontext
def audit_command(date_from: str, date_to: str, out: str, vendors: tuple[str, ...], region: str | None,
                  dataset: str | None) -> None:
    """The audit report for a period (chain check, reveals, deletions, DPAs, refusals)."""
    _run("audit", date_from, date_to, out, vendors, region, dataset)


@reports_group.command("cost")
@_common
@click.option("--vendor", "vendors", multiple=True, help="Vendor name or id (repeatable).")
@click.option("--region", default=None, help="Region code or name.")
@click.option("--dataset", default=None, help="Dataset name or id.")
@with_appcontext
def cost_command(date_from: str, date_to: str, out: str, vendors: tuple[str, ...], region: str | None,
                 dataset: str | None) -> None:
    """Cost and throughput by vendor, region, month, dataset and task kind."""
    _run("cost", date_from, date_to, out, vendors, region, dataset)


@reports_group.command("welfare")
@_common
@click.option("--vendor", "vendors", multiple=True, help="Vendor name or id (repeatable).")
@click.option("--region", default=None, help="Region code or name.")
@click.option("--dataset", default=None, help="Dataset name or id.")
@with_appcontext
def welfare_command(date_from: str, date_to: str, out: str, vendors: tuple[str, ...], region: str | None,
                    dataset: str | None) -> None:
    """The welfare report, annotators pseudonymised."""
    _run("welfare", date_from, date_to, out, vendors, region, dataset)


@reports_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def verify_command(file: Path) -> None:
    """Say whether FILE was issued by this portal, and when (exit 1 if not)."""
    with db.unit_of_work() as session:
        result = verify_copy(session, file.read_bytes(),
                             audit.chain_key(session, current_app.extensions["portal"].master_key))
    click.echo(result.message)
    raise SystemExit(0 if result.issued else 1)


commands = [reports_group]
