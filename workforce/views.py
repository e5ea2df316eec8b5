"""The annotator's workbench: their panel, "Next task", the task page and its actions, and the
JSON API the page uses (next task, heartbeats). Thin: every rule lives in assignment.py / tasks.py."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user

from governance.db import db, utcnow
from governance.errors import PortalError
from governance.forms import ConfirmForm
from governance.models import Dataset, Role, Vendor
from governance.permissions import requires
from governance.transfers import may_process
from pii.forms import LeakForm
from pii.models import Item, ItemStatus
from workforce import tasks as actions
from workforce.assignment import NoTask, finish_and_reopen, next_task
from workforce.checkins import ANSWERS, checkins_for, record_checkin
from workforce.models import Task, TaskStatus
from workforce.panel import annotator_panel

work = Blueprint("work", __name__)


@work.route("/work")
@requires(Role.ANNOTATOR)
def bench() -> Any:
    panel = annotator_panel(db.session, current_user, utcnow())
    return render_template("workforce/bench.html", panel=panel, confirm=ConfirmForm(), answers=ANSWERS)


@work.route("/work/next", methods=["POST"])
@requires(Role.ANNOTATOR)
def take_next() -> Any:
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("work.bench"))
    outcome = next_task(db.session, current_user, utcnow())
    db.session.commit()
    if isinstance(outcome, NoTask):
        flash(outcome.message, "warning")
        return redirect(url_for("work.bench"))
    if outcome.notice:
        flash(outcome.notice, "info")
    return redirect(url_for("work.task", task_id=outcome.task.id))


def _still_servable(task: Task) -> str | None:
    """Why an open task may no longer be shown (item gone or quarantined, lawful path lost), or None."""
    item = db.session.get(Item, task.item_id) if task.item_id else None
    if item is None or item.status != ItemStatus.ACTIVE:
        return "That item was withdrawn from the queue."
    decision = may_process(db.session, db.session.get(Dataset, task.dataset_id),
                           db.session.get(Vendor, task.vendor_id), utcnow().date())
    return None if decision.allowed else "That dataset may no longer be sent to your vendor; the task was withdrawn."


@work.route("/work/tasks/<int:task_id>")
@requires(Role.ANNOTATOR)
def task(task_id: int) -> Any:
    found = actions.own_task_or_404(db.session, current_user, task_id)
    if found.status != TaskStatus.ASSIGNED:
        flash(f"That task is {found.status.value}.", "info")
        return redirect(url_for("work.bench"))
    problem = _still_servable(found)
    if problem:
        finish_and_reopen(db.session, found.id, None, TaskStatus.WITHDRAWN, utcnow())
        db.session.commit()
        flash(problem, "warning")
        return redirect(url_for("work.bench"))
    item = db.session.get(Item, found.item_id)
    dataset = db.session.get(Dataset, found.dataset_id)
    template = "workforce/warning.html" if found.severity and not found.warning_acknowledged else "workforce/task.html"
    return render_template(template, task=found, item=item, dataset=dataset, labels=item.labels or dataset.labels,
                           confirm=ConfirmForm(), leak_form=LeakForm(), skip_reasons=actions.SKIP_REASONS,
                           flag_categories=actions.FLAG_CATEGORIES)


def _act(task_id: int, action: Any, *args: Any, success: str | None = None, then_next: bool = True) -> Any:
    """Run one task action for the signed-in annotator: commit, or show the plain reason and change nothing."""
    found = actions.own_task_or_404(db.session, current_user, task_id)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("work.task", task_id=task_id))
    try:
        action(db.session, current_user, found, *args, utcnow())
    except PortalError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
        return redirect(url_for("work.task", task_id=task_id))
    db.session.commit()
    if success:
        flash(success, "success")
    return take_next() if then_next else redirect(url_for("work.task", task_id=task_id))


@work.route("/work/tasks/<int:task_id>/acknowledge", methods=["POST"])
@requires(Role.ANNOTATOR)
def acknowledge(task_id: int) -> Any:
    return _act(task_id, actions.acknowledge_warning, then_next=False)


@work.route("/work/tasks/<int:task_id>/decline", methods=["POST"])
@requires(Role.ANNOTATOR)
def decline(task_id: int) -> Any:
    return _act(task_id, actions.decline, success="Declined, with no penalty. Here is something else.")


@work.route("/work/tasks/<int:task_id>/submit", methods=["POST"])
@requires(Role.ANNOTATOR)
def submit(task_id: int) -> Any:
    form = {"labels": request.form.getlist("labels"), **{k: v for k, v in request.form.items() if k != "labels"}}
    return _act(task_id, actions.submit, form, success="Submitted.")


@work.route("/work/tasks/<int:task_id>/skip", methods=["POST"])
@requires(Role.ANNOTATOR)
def skip(task_id: int) -> Any:
    return _act(task_id, actions.skip, request.form.get("reason", ""), success="Skipped.")


@work.route("/work/tasks/<int:task_id>/flag", methods=["POST"])
@requires(Role.ANNOTATOR)
def flag(task_id: int) -> Any:
    return _act(task_id, actions.flag, request.form.get("category", ""),
                success="Thank you. The item is now marked sensitive for everyone.")


@work.route("/work/tasks/<int:task_id>/leak", methods=["POST"])
@requires(Role.ANNOTATOR)
def leak(task_id: int) -> Any:
    return _act(task_id, actions.leak, request.form.get("entity_type", ""),
                success="Thank you: the item was taken out of every queue and compliance will review it.")


@work.route("/api/tasks/next", methods=["POST"])
@requires(Role.ANNOTATOR)
def api_next() -> Any:
    outcome = next_task(db.session, current_user, utcnow())
    db.session.commit()
    if isinstance(outcome, NoTask):
        return jsonify(code=outcome.code, message=outcome.message,
                       resets_at=outcome.resets_at.isoformat() if outcome.resets_at else None), 409
    found = outcome.task
    item = db.session.get(Item, found.item_id)
    warning = bool(found.severity and not found.warning_acknowledged)
    return jsonify(task_id=found.id, kind=found.kind, severity=found.severity, categories=found.categories,
                   content_warning=warning, payload=None if warning else item.redacted, notice=outcome.notice)


@work.route("/api/tasks/<int:task_id>/heartbeat", methods=["POST"])
@requires(Role.ANNOTATOR)
def api_heartbeat(task_id: int) -> Any:
    found = actions.own_task_or_404(db.session, current_user, task_id)
    try:
        seconds = actions.heartbeat(db.session, current_user, found, utcnow())
    except PortalError as exc:
        db.session.rollback()
        return jsonify(error=exc.message), 409
    db.session.commit()
    return jsonify(active_seconds=seconds)


@work.route("/work/checkin", methods=["POST"])
@requires(Role.ANNOTATOR)
def checkin() -> Any:
    if ConfirmForm().validate_on_submit():
        try:
            record_checkin(db.session, current_user, request.form.get("answer", ""),
                           request.form.get("wants_contact") == "y", request.form.get("note", ""), utcnow())
        except PortalError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
        else:
            db.session.commit()
            flash("Thank you. Only your vendor's welfare contact reads this; it never affects your work.", "success")
    return redirect(url_for("work.bench"))


@work.route("/wellbeing")
@requires(Role.VENDOR_MANAGER)
def checkins() -> Any:
    rows = db.session.execute(checkins_for(current_user, utcnow())).all()
    return render_template("workforce/checkins.html", rows=rows, answers=ANSWERS)
