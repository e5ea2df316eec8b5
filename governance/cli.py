"""Command line: ``flask --app app db|users|audit|demo …`` (names relied on by operators: keep them)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from werkzeug.serving import run_simple
from flask.cli import with_appcontext

from governance import audit, migrate
from governance.accounts import UserInput, create_user
from governance.audit import SYSTEM
from governance.db import db
from governance.errors import PortalError
from governance.models import Role


def fail(message: str, code: int = 2) -> None:
    """Print a clear message to stderr and exit non-zero (no traceback for user errors)."""
    click.echo(f"Error: {message}", err=True)
    sys.exit(code)


@click.group("db")
def db_group() -> None:
    """Database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply migrations up to REVISION."""
    migrate.upgrade(db.engine, revision)
    click.echo(f"Database at revision {migrate.current_revision(db.engine)}.")


@click.group("users")
def users_group() -> None:
    """User accounts."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--vendor", "vendors", multiple=True, help="Vendor name; repeat for a vendor manager.")
@click.option("--name", "display_name", default=None, help="Display name (defaults to the e-mail's local part).")
@click.option("--time-zone", default="UTC", show_default=True)
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input.")
@with_appcontext
def users_create(email: str, role: str, vendors: tuple[str, ...], display_name: str | None, time_zone: str,
                 password_stdin: bool) -> None:
    """Create an account; the password is read from stdin so it never lands in shell history."""
    password = sys.stdin.readline().rstrip("\r\n")
    data = UserInput(email=email, display_name=display_name or email.split("@")[0], role=Role(role),
                     vendor_names=list(vendors), time_zone=time_zone, password=password)
    try:
        with db.unit_of_work() as session:
            user = create_user(session, SYSTEM, data)
    except PortalError as exc:
        fail(exc.message)
    click.echo(f"Created {user.role.value} #{user.id}.")


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit chain."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Recompute the chain; print OK or the first broken event (exit 1)."""
    with db.unit_of_work() as session:
        result = audit.verify(session, audit.chain_key(session, current_app.extensions["portal"].master_key))
    click.echo(result.summary())
    sys.exit(0 if result.ok else 1)


@click.group("jobs")
def jobs_group() -> None:
    """Scheduled jobs."""


@jobs_group.command("list")
@with_appcontext
def jobs_list() -> None:
    """List the jobs with their schedules."""
    from governance.jobs import jobs

    for spec in jobs().values():
        click.echo(f"{spec.name:<24} {spec.schedule:<28} {spec.description}")


@jobs_group.command("run")
@click.argument("name")
@with_appcontext
def jobs_run(name: str) -> None:
    """Run one job now and print its outcome (exit 1 if it failed)."""
    from governance.jobs import run_job

    try:
        run = run_job(name, trigger="cli")
    except PortalError as exc:
        fail(exc.message)
    summary = " ".join(f"{k}={v}" for k, v in run.summary.items())
    click.echo(f"{name}: {run.status} {summary} {run.message}".rstrip())
    sys.exit(0 if run.status == "ok" else 1)


@click.command("scheduler")
@with_appcontext
def scheduler_command() -> None:
    """Run the scheduler as its own process (production); only one process acts at a time."""
    import time

    from governance.scheduler import PortalScheduler

    scheduler = PortalScheduler(current_app._get_current_object())
    scheduler.start()
    click.echo(f"Scheduler running as {scheduler.leadership.holder} (Ctrl+C stops it).")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        scheduler.stop()


@click.command("demo")
@click.option("--seed-only", is_flag=True, help="Migrate and load demo data, then exit.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Do not run the scheduled jobs inside the server.")
@with_appcontext
def demo(seed_only: bool, host: str, port: int, no_scheduler: bool) -> None:
    """Migrate, load the demo data (idempotent) and serve the portal."""
    from governance.demo import DEMO_LOGINS, seed_demo

    migrate.upgrade(db.engine)
    with db.unit_of_work() as session:
        created = seed_demo(session)
    click.echo("Demo data loaded." if created else "Demo data already present.")
    click.echo("\nDemo sign-ins (password for every account: see below):")
    for role, email in DEMO_LOGINS:
        click.echo(f"  {role:<20} {email}")
    from governance.demo import DEMO_PASSWORD

    click.echo(f"  password             {DEMO_PASSWORD}\n")
    if seed_only:
        return
    serve(host, port, scheduler=not no_scheduler)


def serve(host: str, port: int, scheduler: bool) -> None:
    """The development server, with the scheduler embedded (the default for the one-command demo)."""
    app = current_app._get_current_object()
    embedded = None
    if scheduler:
        from governance.scheduler import PortalScheduler

        embedded = PortalScheduler(app)
        embedded.start()
    click.echo(f"Portal running on http://{host}:{port}  (Ctrl+C stops it)")
    try:
        # Werkzeug directly: Flask ignores app.run() inside a `flask` command.
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    finally:
        if embedded is not None:
            embedded.stop()


commands = [db_group, users_group, audit_group, jobs_group, scheduler_command, demo]
