"""Team pages for vendor managers (their vendors only; admins and compliance see all, compliance under
pseudonyms), the compliance view of flags, and the reviewer's queue. Thin: parse, call, render."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from governance.db import db, utcnow
from governance.errors import PortalError
from governance.models import Dataset, Role
from governance.permissions import STAFF, requires, vendor_scope
from workforce import quality as q
from workforce import team as t
from workforce.agreement import load_quality_thresholds
from workforce.review import (
    REJECT_REASONS,
    get_task_for_review_or_404,
    review_queue,
    review_task,
    reviewer_profile,
)
from workforce.team_forms import PERIODS, PeriodForm, ReviewForm

A, C, V, N = Role.ADMIN, Role.COMPLIANCE_OFFICER, Role.VENDOR_MANAGER, Role.ANNOTATOR
team = Blueprint("team", __name__, url_prefix="/team")
review = Blueprint("review", __name__, url_prefix="/review")
QUALITY_DAYS = 30


def _period() -> tuple[PeriodForm, q.Window]:
    form = PeriodForm(request.args)
    now = utcnow()
    return form, q.Window(now - timedelta(days=form.window_days()), now)


def _labels(scope: q.Scope) -> t.PersonLabels:
    labels = t.person_labels(db.session, current_user, scope, current_app.extensions["portal"].master_key)
    if not labels.named:
        db.session.commit()  # the pseudonym key's root secret may have just been created: keep it stable
    return labels


def _dataset_names(ids: set[int]) -> dict[int, str]:
    return dict(db.session.execute(select(Dataset.id, Dataset.name).where(Dataset.id.in_(ids))).all())


def _quality_window(now: datetime) -> q.Window:
    return q.Window(now - timedelta(days=QUALITY_DAYS), now)


@team.route("/")
@requires(A, C, V)
def roster() -> Any:
    now, scope = utcnow(), vendor_scope(current_user)
    rows = q.annotator_dataset_quality(db.session, scope, _quality_window(now))
    people = t.roster(db.session, scope, now, q.per_annotator(rows))
    return render_template("workforce/team_roster.html", rows=people, labels=_labels(scope),
                           quality_days=QUALITY_DAYS, tab="roster")


@team.route("/throughput")
@requires(A, C, V)
def throughput() -> Any:
    form, window = _period()
    scope = vendor_scope(current_user)
    report = t.throughput(db.session, scope, window, _labels(scope))
    return render_template("workforce/team_throughput.html", report=report, form=form,
                           period=PERIODS.get(form.days.data, PERIODS["30"]), tab="throughput")


@team.route("/quality")
@requires(A, C, V)
def quality() -> Any:
    form, window = _period()
    scope = vendor_scope(current_user)
    rows = q.annotator_dataset_quality(db.session, scope, window)
    datasets = q.per_dataset(rows)
    agreement = q.dataset_agreement(db.session, scope, window)
    return render_template("workforce/team_quality.html", form=form, rows=rows, datasets=datasets,
                           agreement=agreement, flags=q.rubber_stamp_flags(rows), labels=_labels(scope),
                           names=_dataset_names(set(datasets) | set(agreement)),
                           vendor_names=t.vendor_names(db.session, scope),
                           thresholds=load_quality_thresholds(),
                           period=PERIODS.get(form.days.data, PERIODS["30"]), tab="quality")


@team.route("/annotators/<int:annotator_id>")
@requires(A, V)
def annotator(annotator_id: int) -> Any:
    now, scope = utcnow(), vendor_scope(current_user)
    person = t.get_annotator_or_404(db.session, annotator_id, scope)
    rows = q.annotator_dataset_quality(db.session, scope, _quality_window(now), annotator_ids=[person.id])
    caps = t.daily_caps(db.session, [person.vendor]) if person.vendor else {}
    return render_template("workforce/team_annotator.html", person=person,
                           record=t.annotator_record(db.session, person, now), rows=rows,
                           overall=q.per_annotator(rows).get(person.id),
                           names=_dataset_names({r.dataset_id for r in rows}),
                           daily_cap=caps.get(person.vendor_id), quality_days=QUALITY_DAYS, tab="roster")


@team.route("/welfare")
@requires(A, C, V)
def welfare() -> Any:
    since = t.week_start(current_user, utcnow())
    by_vendor, by_team = t.refusals_by_vendor_and_team(db.session, vendor_scope(current_user), since)
    return render_template("workforce/team_welfare.html", by_vendor=by_vendor, by_team=by_team, since=since,
                           tab="welfare")


@team.route("/flags")
@requires(*STAFF)
def flags() -> Any:
    now = utcnow()
    window = _quality_window(now)
    rows = q.annotator_dataset_quality(db.session, None, window)
    return render_template("workforce/team_flags.html", flags=q.rubber_stamp_flags(rows),
                           labels=_labels(None),
                           names=_dataset_names({r.dataset_id for r in rows}),
                           content=t.content_flags_by_vendor(db.session, None, window.since),
                           vendor_names=t.vendor_names(db.session), quality_days=QUALITY_DAYS, tab="flags")


# ------------------------------------------------------------------------------------------ review


def _reviewer_or_403() -> Any:
    user = current_user._get_current_object()
    if reviewer_profile(db.session, user) is None:
        abort(403)
    return user


@review.route("/")
@requires(N)
def queue() -> Any:
    reviewer = _reviewer_or_403()
    entries = review_queue(db.session, reviewer, utcnow().date())
    return render_template("workforce/review_queue.html", entries=entries, form=ReviewForm(),
                           reasons=REJECT_REASONS)


@review.route("/tasks/<int:task_id>", methods=["POST"])
@requires(N)
def decide(task_id: int) -> Any:
    reviewer = _reviewer_or_403()
    task = get_task_for_review_or_404(db.session, task_id, reviewer)
    form = ReviewForm()
    if not form.validate_on_submit():
        flash("Choose accept or reject.", "danger")
        return redirect(url_for("review.queue"))
    try:
        review_task(db.session, reviewer, task, form.outcome.data or "", form.reason.data or None, utcnow())
    except PortalError as exc:
        db.session.rollback()
        flash(exc.message, "danger")
    else:
        db.session.commit()
        rejected = task.review_outcome == "rejected"
        flash("Rejected: the work goes back for rework." if rejected else "Accepted.", "success")
    return redirect(url_for("review.queue"))
