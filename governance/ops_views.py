"""The Jobs page (runs and outcomes, "run now") and marking notifications read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from governance.db import db
from governance.forms import ConfirmForm
from governance.jobs import jobs, last_runs, recent_runs, run_job
from governance.notifications import mark_read
from governance.permissions import ALL_ROLES, STAFF, requires

ops = Blueprint("ops", __name__)


@ops.route("/jobs")
@requires(*STAFF)
def jobs_page() -> Any:
    return render_template("governance/jobs.html", jobs=jobs(), last=last_runs(db.session),
                           runs=recent_runs(db.session), confirm=ConfirmForm())


@ops.route("/jobs/<name>/run", methods=["POST"])
@requires(*STAFF)
def run_now(name: str) -> Any:
    if name not in jobs():
        return redirect(url_for("ops.jobs_page"))
    if ConfirmForm().validate_on_submit():
        run = run_job(name, trigger=f"user:{current_user.id}")
        flash(f"{name}: {run.status}" + (f" — {run.message}" if run.message else ""),
              "success" if run.status == "ok" else "danger")
    return redirect(url_for("ops.jobs_page"))


@ops.route("/notifications/<int:notification_id>/read", methods=["POST"])
@requires(*ALL_ROLES)
def read_notification(notification_id: int) -> Any:
    if ConfirmForm().validate_on_submit() and mark_read(db.session, current_user, notification_id):
        db.session.commit()
    return redirect(url_for("main.dashboard"))
