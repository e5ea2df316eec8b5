"""Quality figures from submitted tasks: rubber-stamp flag, agreement, gold, acceptance, rework, scope."""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pytest

from governance.db import db, utcnow
from governance.models import Role
from tests.workforce import history as h
from workforce import quality as q
from workforce.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha

N = Role.ANNOTATOR


def window(days: int = 30) -> q.Window:
    now = utcnow()
    return q.Window(now - timedelta(days=days), now + timedelta(seconds=1))


@pytest.fixture
def team(make_vendor: Any, make_dataset: Any, make_user: Any) -> dict[str, Any]:
    """Four careful annotators (about 80% acceptance, about a minute per item) and one rubber-stamper
    (99% acceptance at a third of the median time), 100 pre-labelled items each."""
    vendor = make_vendor("Saigon Data Labs", country="VN")
    dataset = make_dataset("Support chats", vendors=[vendor])
    careful = [make_user(N, vendor=vendor) for _ in range(4)]
    stamper = make_user(N, vendor=vendor)
    for seed, person in enumerate(careful):
        h.prelabelled_work(dataset, person, 100, (45, 75), 0.80, seed)
    h.prelabelled_work(dataset, stamper, 100, (15, 25), 0.99, 99)
    db.session.commit()
    return {"vendor": vendor, "dataset": dataset, "careful": careful, "stamper": stamper}


def by_person(rows: list[q.QualityRow]) -> dict[int, q.QualityRow]:
    return {r.annotator_id: r for r in rows}


def test_rubber_stamp_flag_fires_on_the_scripted_rubber_stamper_only(team: dict[str, Any]) -> None:
    rows = by_person(q.annotator_dataset_quality(db.session, None, window()))
    stamper = rows[team["stamper"].id]
    assert stamper.acceptance_rate == pytest.approx(0.99)
    assert stamper.median_seconds < stamper.dataset_median_seconds / 2
    assert stamper.rubber_stamp is True
    assert [rows[p.id].rubber_stamp for p in team["careful"]] == [False] * 4
    assert [f.annotator_id for f in q.rubber_stamp_flags(rows.values())] == [team["stamper"].id]


def test_fast_but_careful_or_accepting_but_slow_is_not_flagged(team: dict[str, Any], make_user: Any) -> None:
    fast = make_user(N, vendor=team["vendor"])
    slow = make_user(N, vendor=team["vendor"])
    h.prelabelled_work(team["dataset"], fast, 100, (15, 25), 0.80, 7)  # quick, but corrects the model often
    h.prelabelled_work(team["dataset"], slow, 100, (50, 70), 0.99, 8)  # agrees with the model, normal pace
    db.session.commit()
    rows = by_person(q.annotator_dataset_quality(db.session, None, window()))
    assert rows[fast.id].rubber_stamp is False
    assert rows[slow.id].rubber_stamp is False
    assert rows[team["stamper"].id].rubber_stamp is True


def test_too_few_items_never_brand_anyone(make_vendor: Any, make_dataset: Any, make_user: Any) -> None:
    vendor = make_vendor()
    dataset = make_dataset(vendors=[vendor])
    for seed in range(3):
        h.prelabelled_work(dataset, make_user(N, vendor=vendor), 20, (50, 70), 0.8, seed)
    newcomer = make_user(N, vendor=vendor)
    h.prelabelled_work(dataset, newcomer, 20, (10, 12), 1.0, 5)  # below min_items (50): no flag yet
    db.session.commit()
    rows = by_person(q.annotator_dataset_quality(db.session, None, window()))
    assert rows[newcomer.id].rubber_stamp is False


def test_the_yardstick_leaves_the_annotator_out() -> None:
    medians = {(1, 10): 60.0, (1, 11): 50.0, (1, 12): 70.0, (1, 13): 20.0, (2, 10): 30.0}
    yardsticks = q.dataset_yardsticks(medians)
    assert yardsticks[(1, 13)] == 60.0  # median of 60, 50, 70: the fast one does not pull it down
    assert yardsticks[(1, 10)] == 50.0  # median of 50, 70, 20
    assert yardsticks[(2, 10)] is None  # alone in the dataset: no yardstick, so no flag


def test_gold_acceptance_and_rework_per_annotator(make_vendor: Any, make_dataset: Any,
                                                   make_user: Any) -> None:
    vendor = make_vendor()
    dataset = make_dataset(vendors=[vendor])
    person = make_user(N, vendor=vendor)
    gold = h.items(dataset, 5, gold=True)
    for i, item in enumerate(gold):
        h.task(item, person, 30, gold_correct=i < 4)  # 4 of 5 gold right
    plain = h.items(dataset, 10)
    for i, item in enumerate(plain):
        review = "rejected" if i < 2 else "accepted" if i < 8 else None  # 2 of 8 reviewed rejected
        h.task(item, person, 30, accepted=i < 6, review=review)
    db.session.commit()
    row = by_person(q.annotator_dataset_quality(db.session, None, window()))[person.id]
    assert (row.submitted, row.gold_answered, row.gold_correct) == (15, 5, 4)
    assert row.gold_accuracy == pytest.approx(0.8)
    assert row.acceptance_rate == pytest.approx(0.6)
    assert row.rework_rate == pytest.approx(0.25)
    assert row.items_per_hour == pytest.approx(120.0)
    assert q.per_dataset([row])[dataset.id].gold_accuracy == pytest.approx(0.8)


def test_work_outside_the_window_or_not_submitted_does_not_count(make_vendor: Any, make_dataset: Any,
                                                                 make_user: Any) -> None:
    vendor = make_vendor()
    dataset = make_dataset(vendors=[vendor])
    person = make_user(N, vendor=vendor)
    old, skipped, recent = h.items(dataset, 3)
    h.task(old, person, at=utcnow() - timedelta(days=45))
    h.task(skipped, person, status=h.TaskStatus.SKIPPED)
    h.task(recent, person)
    db.session.commit()
    assert by_person(q.annotator_dataset_quality(db.session, None, window()))[person.id].submitted == 1


def test_scope_keeps_other_vendors_people_out_but_the_yardstick_is_shared(
        team: dict[str, Any], make_vendor: Any, make_user: Any) -> None:
    other = make_vendor("Krakow Annotation Studio", country="PL")
    outsider = make_user(N, vendor=other)
    h.prelabelled_work(team["dataset"], outsider, 60, (40, 60), 0.8, 3)
    db.session.commit()
    everyone = by_person(q.annotator_dataset_quality(db.session, None, window()))
    mine = by_person(q.annotator_dataset_quality(db.session, {team["vendor"].id}, window()))
    assert outsider.id in everyone and outsider.id not in mine
    stamper = team["stamper"].id
    assert mine[stamper].dataset_median_seconds == everyone[stamper].dataset_median_seconds
    assert mine[stamper].rubber_stamp is True


# --- agreement ------------------------------------------------------------------------------------------


@pytest.fixture
def raters(make_vendor: Any, make_dataset: Any, make_user: Any) -> dict[str, Any]:
    vendor = make_vendor()
    return {"vendor": vendor, "dataset": make_dataset(vendors=[vendor]),
            "people": [make_user(N, vendor=vendor) for _ in range(4)]}


def scripted_labels(n_items: int, n_raters: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    labels = ["billing", "delivery", "refund"]
    truth = [rng.choice(labels) for _ in range(n_items)]
    return [[t if rng.random() < 0.7 else rng.choice(labels) for _ in range(n_raters)] for t in truth]


def seed_overlap(raters: dict[str, Any], table: list[list[str | None]]) -> None:
    """Item i gets table[i][j] from rater j (None: rater j did not answer it)."""
    overlap = h.items(raters["dataset"], len(table))
    people = raters["people"]
    h.labelled({item.id: {p: label for p, label in zip(people, row, strict=False) if label is not None}
                for item, row in zip(overlap, table, strict=True)})
    db.session.commit()


def test_two_raters_give_cohen_and_alpha_equal_to_agreement_py(raters: dict[str, Any]) -> None:
    table = scripted_labels(40, 2, seed=1)
    seed_overlap(raters, table)
    result = q.dataset_agreement(db.session, None, window())[raters["dataset"].id]
    assert (result.overlap_items, result.raters) == (40, 2)
    assert result.cohen == pytest.approx(cohen_kappa([r[0] for r in table], [r[1] for r in table]))
    assert result.fleiss == pytest.approx(fleiss_kappa(table))
    assert result.alpha == pytest.approx(krippendorff_alpha(table))


def test_three_raters_give_fleiss_and_alpha_but_no_cohen(raters: dict[str, Any]) -> None:
    table = scripted_labels(30, 3, seed=2)
    seed_overlap(raters, table)
    result = q.dataset_agreement(db.session, None, window())[raters["dataset"].id]
    assert result.cohen is None
    assert result.fleiss == pytest.approx(fleiss_kappa(table))
    assert result.alpha == pytest.approx(krippendorff_alpha(table))


def test_uneven_raters_give_alpha_only(raters: dict[str, Any]) -> None:
    table: list[list[str | None]] = [list(row) for row in scripted_labels(30, 4, seed=3)]
    for row in table[::3]:
        row[3] = None  # every third item had only three answers
    seed_overlap(raters, table)
    result = q.dataset_agreement(db.session, None, window())[raters["dataset"].id]
    assert (result.cohen, result.fleiss) == (None, None)
    assert result.alpha == pytest.approx(krippendorff_alpha(table))


def test_preference_agreement_uses_the_top_ranked_response(raters: dict[str, Any], make_dataset: Any) -> None:
    raters["dataset"] = make_dataset(task_kind="preference", labels=[], vendors=[raters["vendor"]])
    tops = [[1, 1], [2, 2], [1, 2], [3, 3], [2, 2], [1, 1]]
    overlap = h.items(raters["dataset"], len(tops))
    people = raters["people"]
    answers = {item.id: dict(zip(people, row, strict=False)) for item, row in zip(overlap, tops, strict=True)}
    h.labelled(answers, kind="ranking")
    db.session.commit()
    result = q.dataset_agreement(db.session, None, window())[raters["dataset"].id]
    assert result.cohen == pytest.approx(cohen_kappa([r[0] for r in tops], [r[1] for r in tops]))


def test_single_answers_and_gold_items_are_not_overlap(raters: dict[str, Any]) -> None:
    first, second = raters["people"][:2]
    lonely = h.items(raters["dataset"], 3)
    for item in lonely:
        h.task(item, first)
    for item in h.items(raters["dataset"], 3, gold=True):
        h.task(item, first, gold_correct=True)
        h.task(item, second, gold_correct=True)
    db.session.commit()
    assert q.dataset_agreement(db.session, None, window()) == {}


@pytest.mark.parametrize(("answer", "label"), [
    ({"labels": ["refund", "billing"]}, "refund"),
    ({"ranking": [2, 1, 3], "ratings": {"helpfulness": 4}}, 2),
    ({"text": "A corrected transcript"}, None),
    ({"labels": []}, None),
    (None, None),
    ("billing", None),
])
def test_primary_label(answer: Any, label: Any) -> None:
    assert q.primary_label(answer) == label
