"""Quality figures per annotator and per dataset (DESIGN rule 6), from submitted tasks.

Counts (gold answered and correct, pre-labels accepted, reviews and rejections, active seconds) are
one GROUP BY in the database. Medians of seconds per item need the values themselves: they are read as
one integer column and taken in Python, since SQLite has no median and PostgreSQL's
``percentile_cont`` would need a second code path. Agreement needs each overlap item's labels, so those
answers (only on overlap items) are read and handed to :mod:`workforce.agreement`, which owns every
formula used here.

Scope: every figure a viewer sees is computed from the tasks of the vendors in their scope, with one
exception by design: the yardstick of the rubber-stamp flag (the dataset's median time per item) is
taken over every annotator of the dataset, so a flag is the same whoever looks at it; the yardstick is
a median of medians, one number per dataset, and names nobody.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from workforce.agreement import (
    RubberStampThresholds,
    cohen_kappa,
    fleiss_kappa,
    krippendorff_alpha,
    load_quality_thresholds,
    rework_rate,
    rubber_stamp_flag,
)
from workforce.models import Task, TaskStatus

Scope = set[int] | frozenset[int] | None  # vendor ids, None = every vendor (permissions.vendor_scope)


@dataclass(frozen=True)
class Window:
    """Submitted work in [since, until): the period a quality figure describes (UTC-aware)."""

    since: datetime
    until: datetime


@dataclass(frozen=True)
class QualityRow:
    """One annotator's submitted work in one dataset (``dataset_id`` None: all their datasets)."""

    annotator_id: int
    vendor_id: int
    dataset_id: int | None
    submitted: int = 0
    active_seconds: int = 0
    gold_answered: int = 0
    gold_correct: int = 0
    prelabelled: int = 0
    prelabel_accepted: int = 0
    reviewed: int = 0
    rejected: int = 0
    median_seconds: float | None = None
    dataset_median_seconds: float | None = None
    rubber_stamp: bool = False

    @property
    def gold_accuracy(self) -> float | None:
        """Share of gold items answered correctly; ``None`` before any gold item was answered."""
        return self.gold_correct / self.gold_answered if self.gold_answered else None

    @property
    def acceptance_rate(self) -> float | None:
        """Share of pre-labelled items whose model pre-label was accepted unchanged."""
        return self.prelabel_accepted / self.prelabelled if self.prelabelled else None

    @property
    def rework_rate(self) -> float | None:
        """Rejected over reviewed (agreement.rework_rate)."""
        return rework_rate(self.rejected, self.reviewed)

    @property
    def items_per_hour(self) -> float | None:
        """Throughput on recorded active time; ``None`` when no time was recorded."""
        return self.submitted * 3600 / self.active_seconds if self.active_seconds else None


@dataclass(frozen=True)
class DatasetAgreement:
    """Agreement on a dataset's overlap items (items answered by two or more annotators).

    ``cohen`` only when exactly two annotators did all the overlap items; ``fleiss`` only when every
    item has the same number of answers; ``alpha`` whenever two answers can be paired. ``None``
    means not defined on this data (see agreement.py), shown as "not enough data".
    """

    dataset_id: int
    overlap_items: int
    raters: int
    cohen: float | None
    fleiss: float | None
    alpha: float | None


_COUNTS = ("submitted", "active_seconds", "gold_answered", "gold_correct", "prelabelled",
           "prelabel_accepted", "reviewed", "rejected")


def _submitted_in(window: Window, scope: Scope) -> list[ColumnElement[bool]]:
    """The WHERE clauses every quality query shares: submitted in the window, inside the scope."""
    clauses = [Task.status == TaskStatus.SUBMITTED, Task.submitted_at >= window.since,
               Task.submitted_at < window.until]
    if scope is not None:
        clauses.append(Task.vendor_id.in_(scope))
    return clauses


def _count_if(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _count_rows(session: Session, window: Window, scope: Scope, annotator_ids: Iterable[int] | None) -> list:
    query = select(
        Task.annotator_id, Task.vendor_id, Task.dataset_id,
        func.count().label("submitted"),
        func.coalesce(func.sum(Task.active_seconds), 0).label("active_seconds"),
        _count_if(and_(Task.is_gold.is_(True), Task.gold_correct.is_not(None))).label("gold_answered"),
        _count_if(and_(Task.is_gold.is_(True), Task.gold_correct.is_(True))).label("gold_correct"),
        _count_if(Task.prelabel_accepted.is_not(None)).label("prelabelled"),
        _count_if(Task.prelabel_accepted.is_(True)).label("prelabel_accepted"),
        _count_if(Task.review_outcome.is_not(None)).label("reviewed"),
        _count_if(Task.review_outcome == "rejected").label("rejected"),
    ).where(*_submitted_in(window, scope)).group_by(Task.annotator_id, Task.vendor_id, Task.dataset_id)
    if annotator_ids is not None:
        query = query.where(Task.annotator_id.in_(list(annotator_ids)))
    return list(session.execute(query))


def _seconds_by_person(
    session: Session, window: Window, dataset_ids: Iterable[int]
) -> dict[tuple[int, int], list[int]]:
    """Active seconds of every submitted task in these datasets (all vendors: the yardstick needs
    everyone), by (dataset, annotator)."""
    query = select(Task.dataset_id, Task.annotator_id, Task.active_seconds).where(
        *_submitted_in(window, None), Task.dataset_id.in_(list(dataset_ids)))
    seconds: dict[tuple[int, int], list[int]] = defaultdict(list)
    for dataset_id, annotator_id, value in session.execute(query):
        seconds[(dataset_id, annotator_id)].append(value or 0)
    return seconds


def dataset_yardsticks(medians: Mapping[tuple[int, int], float]) -> dict[tuple[int, int], float | None]:
    """For each (dataset, annotator): the median of the *other* annotators' median seconds.

    A median of medians counts each person once, so a prolific annotator does not set the pace for
    everyone; leaving the annotator out means a heavy rubber-stamper cannot pull the yardstick down
    towards themselves (agreement.rubber_stamp_flag recommends this).
    """
    by_dataset: dict[int, dict[int, float]] = defaultdict(dict)
    for (dataset_id, annotator_id), median in medians.items():
        by_dataset[dataset_id][annotator_id] = median
    yardsticks: dict[tuple[int, int], float | None] = {}
    for dataset_id, people in by_dataset.items():
        for annotator_id in people:
            others = [m for other, m in people.items() if other != annotator_id]
            yardsticks[(dataset_id, annotator_id)] = statistics.median(others) if others else None
    return yardsticks


def annotator_dataset_quality(
    session: Session, scope: Scope, window: Window, annotator_ids: Iterable[int] | None = None,
    thresholds: RubberStampThresholds | None = None,
) -> list[QualityRow]:
    """Quality of each annotator in each dataset they worked on in the window, with the rubber-stamp
    flag (agreement.rubber_stamp_flag against the dataset's yardstick, see :func:`dataset_yardsticks`)."""
    limits = thresholds or load_quality_thresholds()
    counted = _count_rows(session, window, scope, annotator_ids)
    seconds = _seconds_by_person(session, window, {row.dataset_id for row in counted})
    medians = {key: float(statistics.median(values)) for key, values in seconds.items() if values}
    yardsticks = dataset_yardsticks(medians)
    rows = []
    for row in counted:
        key = (row.dataset_id, row.annotator_id)
        quality = QualityRow(row.annotator_id, row.vendor_id, row.dataset_id,
                             **{name: int(getattr(row, name)) for name in _COUNTS},
                             median_seconds=medians.get(key), dataset_median_seconds=yardsticks.get(key))
        flag = rubber_stamp_flag(quality.acceptance_rate, quality.median_seconds,
                                 quality.dataset_median_seconds, quality.prelabelled, limits)
        rows.append(replace(quality, rubber_stamp=flag))
    return sorted(rows, key=lambda r: (r.annotator_id, r.dataset_id or 0))


def per_annotator(rows: Iterable[QualityRow]) -> dict[int, QualityRow]:
    """Fold an annotator's datasets into one row: counts add up, the flag holds if any dataset's does.

    The folded row has no median: a median across datasets of different kinds compares unlike work.
    """
    folded: dict[int, QualityRow] = {}
    for row in rows:
        base = folded.get(row.annotator_id) or QualityRow(row.annotator_id, row.vendor_id, None)
        folded[row.annotator_id] = replace(
            base, rubber_stamp=base.rubber_stamp or row.rubber_stamp,
            **{name: getattr(base, name) + getattr(row, name) for name in _COUNTS})
    return folded


def per_dataset(rows: Iterable[QualityRow]) -> dict[int, QualityRow]:
    """Fold a dataset's annotators into one row of totals (``annotator_id`` 0, flag: any flagged)."""
    folded: dict[int, QualityRow] = {}
    for row in rows:
        dataset_id = row.dataset_id or 0
        base = folded.get(dataset_id) or QualityRow(0, 0, dataset_id)
        folded[dataset_id] = replace(
            base, rubber_stamp=base.rubber_stamp or row.rubber_stamp,
            **{name: getattr(base, name) + getattr(row, name) for name in _COUNTS})
    return folded


def rubber_stamp_flags(rows: Iterable[QualityRow]) -> list[QualityRow]:
    """The flagged (annotator, dataset) rows, highest acceptance first (a flag asks a person to look)."""
    return sorted((r for r in rows if r.rubber_stamp), key=lambda r: -(r.acceptance_rate or 0))


# ------------------------------------------------------------------------------------------ agreement


def primary_label(answer: Any) -> Any:
    """The one value agreement is computed on: a classification's first (primary) label, or a
    preference answer's top-ranked response. ``None`` for other answers (rewrites, transcripts), which
    nominal agreement statistics cannot compare."""
    if not isinstance(answer, Mapping):
        return None
    for key in ("labels", "ranking"):
        values = answer.get(key)
        if isinstance(values, Sequence) and not isinstance(values, str) and values:
            first = values[0]
            return first if isinstance(first, str | int) and not isinstance(first, bool) else None
    return None


def _overlap_answers(session: Session, window: Window, scope: Scope) -> list:
    base = [*_submitted_in(window, scope), Task.item_id.is_not(None), Task.is_gold.is_(False)]
    overlap = (select(Task.item_id).where(*base).group_by(Task.item_id)
               .having(func.count(func.distinct(Task.annotator_id)) >= 2))
    query = (select(Task.dataset_id, Task.item_id, Task.annotator_id, Task.answer)
             .where(*base, Task.item_id.in_(overlap)).order_by(Task.item_id, Task.submitted_at, Task.id))
    return list(session.execute(query))


def agreement_from_labels(dataset_id: int, items: Mapping[int, Mapping[int, Any]]) -> DatasetAgreement:
    """Cohen / Fleiss / Krippendorff on ``items`` (item id → annotator id → label), choosing the
    statistics whose preconditions the data meet (see :class:`DatasetAgreement`)."""
    usable = {item: {a: v for a, v in labels.items() if v is not None} for item, labels in items.items()}
    usable = {item: labels for item, labels in usable.items() if len(labels) >= 2}
    raters = sorted({annotator for labels in usable.values() for annotator in labels})
    cohen = fleiss = None
    if len(raters) == 2:
        first, second = raters
        cohen = cohen_kappa([labels.get(first) for labels in usable.values()],
                            [labels.get(second) for labels in usable.values()])
    sizes = {len(labels) for labels in usable.values()}
    if len(sizes) == 1:
        fleiss = fleiss_kappa([list(labels.values()) for labels in usable.values()])
    alpha = krippendorff_alpha([list(labels.values()) for labels in usable.values()])
    return DatasetAgreement(dataset_id, len(usable), len(raters), cohen, fleiss, alpha)


def dataset_agreement(session: Session, scope: Scope, window: Window) -> dict[int, DatasetAgreement]:
    """Agreement per dataset on the overlap items answered inside the scope in the window.

    Gold items are left out (they are scored against the gold answer instead), and an annotator who
    answered an item twice counts once, with their latest answer.
    """
    items: dict[int, dict[int, dict[int, Any]]] = defaultdict(lambda: defaultdict(dict))
    for dataset_id, item_id, annotator_id, answer in _overlap_answers(session, window, scope):
        items[dataset_id][item_id][annotator_id] = primary_label(answer)
    return {dataset_id: agreement_from_labels(dataset_id, by_item) for dataset_id, by_item in items.items()}
