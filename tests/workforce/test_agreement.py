"""Quality statistics checked against published worked examples (each cited where it is used)."""

from __future__ import annotations

import random
import statistics

import pytest

from workforce.agreement import (
    RubberStampThresholds,
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_from_counts,
    gold_accuracy,
    krippendorff_alpha,
    load_quality_thresholds,
    rework_rate,
    rubber_stamp_flag,
)


def two_raters(table: list[list[int]], labels: tuple[str, str] = ("yes", "no")) -> tuple[list, list]:
    """Expand a 2x2 agreement table (rows: rater A, columns: rater B) into the two raters' label lists."""
    a: list[str] = []
    b: list[str] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [labels[i]] * count
            b += [labels[j]] * count
    return a, b


# --- Cohen's kappa ------------------------------------------------------------------------------------


def test_cohen_kappa_wikipedia_grant_applications_example() -> None:
    # Wikipedia, "Cohen's kappa", Simple example: 50 grant applications read by A and B; both said yes
    # 20 times, A yes / B no 5, A no / B yes 10, both no 15. p_o = 0.7, p_e = 0.5, kappa = 0.4.
    a, b = two_raters([[20, 5], [10, 15]])
    assert cohen_kappa(a, b) == pytest.approx(0.4)


@pytest.mark.parametrize(
    ("table", "kappa"),
    [
        # Wikipedia, "Cohen's kappa", Same percentages but different numbers: 60 of 100 agree in both,
        # yet kappa is 0.1304 for the first table and 0.2593 for the second.
        ([[45, 15], [25, 15]], 0.1304),
        ([[25, 35], [5, 35]], 0.2593),
    ],
)
def test_cohen_kappa_wikipedia_equal_agreement_examples(table: list[list[int]], kappa: float) -> None:
    assert cohen_kappa(*two_raters(table)) == pytest.approx(kappa, abs=5e-5)


def test_cohen_kappa_skips_unlabelled_items_and_is_undefined_without_variation() -> None:
    a, b = two_raters([[20, 5], [10, 15]])
    assert cohen_kappa([*a, None, "yes"], [*b, "no", None]) == pytest.approx(0.4)
    assert cohen_kappa(["x", "x", "x"], ["x", "x", "x"]) is None
    assert cohen_kappa([], []) is None
    with pytest.raises(ValueError, match="same items"):
        cohen_kappa(["x"], ["x", "y"])


# --- Fleiss' kappa ------------------------------------------------------------------------------------

# Wikipedia, "Fleiss' kappa", Worked example (after Fleiss 1971): 10 subjects, 14 raters, 5 categories.
# P-bar = 0.378, P-bar_e = 0.213, kappa = 0.210.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_wikipedia_worked_example_from_counts() -> None:
    assert fleiss_kappa_from_counts(FLEISS_TABLE) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_wikipedia_worked_example_from_labels() -> None:
    items = [[f"c{j + 1}" for j, count in enumerate(row) for _ in range(count)] for row in FLEISS_TABLE]
    for labels in items:
        random.Random(7).shuffle(labels)  # noqa: S311 (test data, not secrets)  # which rater said what does not matter
    assert fleiss_kappa(items) == pytest.approx(0.210, abs=5e-4)


def test_fleiss_kappa_with_two_raters_equals_scotts_pi_not_cohens_kappa() -> None:
    # With 2 raters Fleiss' kappa is Scott's pi (Fleiss 1971): chance from pooled shares. For the
    # 50-application table pooled "yes" is 55/100, so pi = (0.7 - 0.505) / 0.495.
    a, b = two_raters([[20, 5], [10, 15]])
    assert fleiss_kappa(list(zip(a, b, strict=True))) == pytest.approx((0.7 - 0.505) / 0.495)


def test_fleiss_kappa_refuses_items_with_different_numbers_of_ratings() -> None:
    with pytest.raises(ValueError, match="same number of ratings"):
        fleiss_kappa([["a", "b", "a"], ["a", "b"]])
    assert fleiss_kappa([]) is None
    assert fleiss_kappa([["a", "a"], ["a", "a"]]) is None


# --- Krippendorff's alpha ----------------------------------------------------------------------------

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: nominal data, 4 observers
# (A-D) x 12 units, with missing values (None). Published result: alpha (nominal) = 0.743, from 40
# pairable values; unit 12 has a single value and cannot be paired.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],  # observer A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],  # observer B
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],  # observer C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],  # observer D
]


def by_unit(reliability_data: list[list]) -> list[list]:
    """Observers x units (Krippendorff's layout) to one label list per unit."""
    return [list(unit) for unit in zip(*reliability_data, strict=True)]


def test_krippendorff_alpha_2011_nominal_example_with_missing_values() -> None:
    assert krippendorff_alpha(by_unit(KRIPPENDORFF_2011)) == pytest.approx(0.743, abs=5e-4)


def test_krippendorff_alpha_is_label_agnostic_and_ignores_unpairable_units() -> None:
    names = {1: "spam", 2: "ham", 3: "toxic", 4: "ok", 5: "unsure"}
    renamed = [[names.get(x) for x in unit] for unit in by_unit(KRIPPENDORFF_2011)]
    assert krippendorff_alpha(renamed) == pytest.approx(krippendorff_alpha(by_unit(KRIPPENDORFF_2011)))
    assert krippendorff_alpha([["a"], [None, "b"]]) is None
    assert krippendorff_alpha([["a", "a"], ["a", "a", "a"]]) is None


def test_krippendorff_alpha_is_one_for_perfect_agreement() -> None:
    assert krippendorff_alpha([["a", "a"], ["b", "b", None], ["c", "c", "c"]]) == pytest.approx(1.0)


# --- gold, rework, rubber-stamping -------------------------------------------------------------------


def test_gold_accuracy_and_rework_rate() -> None:
    assert gold_accuracy([("a", "a"), ("b", "a"), ("c", "c"), ("d", "d")]) == 0.75
    assert gold_accuracy([]) is None
    assert rework_rate(3, 40) == 0.075
    assert rework_rate(0, 0) is None
    with pytest.raises(ValueError, match="rejected <= reviewed"):
        rework_rate(5, 4)


def scripted_annotator(count: int, accept_share: float, seconds: float, seed: int) -> tuple[float, float]:
    """(acceptance rate, median seconds) of ``count`` scripted pre-labelled items."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    accepted = [i < round(count * accept_share) for i in range(count)]
    durations = [seconds * rng.uniform(0.8, 1.2) for _ in range(count)]
    return sum(accepted) / count, statistics.median(durations)


DATASET_MEDIAN = 30.0  # seconds per item over the other annotators


def test_rubber_stamper_accepting_99_percent_at_a_third_of_the_median_time_is_flagged() -> None:
    rate, median = scripted_annotator(200, 0.99, DATASET_MEDIAN / 3, seed=1)
    assert rubber_stamp_flag(rate, median, DATASET_MEDIAN, 200)


def test_careful_annotator_accepting_70_percent_at_the_median_time_is_not_flagged() -> None:
    rate, median = scripted_annotator(200, 0.70, DATASET_MEDIAN, seed=2)
    assert not rubber_stamp_flag(rate, median, DATASET_MEDIAN, 200)


def test_too_few_items_are_never_flagged() -> None:
    rate, median = scripted_annotator(20, 0.99, DATASET_MEDIAN / 3, seed=3)
    assert not rubber_stamp_flag(rate, median, DATASET_MEDIAN, 20)


@pytest.mark.parametrize(
    ("rate", "median", "flagged"),
    [
        (0.99, 20.0, False),  # accepts nearly everything but takes the time to read
        (0.80, 5.0, False),  # fast but corrects the model often
        (0.95, 5.0, False),  # the threshold itself is not "above"
        (0.96, 15.0, False),  # exactly half the median is not "below"
        (0.96, 14.9, True),
        (None, 5.0, False),
    ],
)
def test_rubber_stamp_needs_both_high_acceptance_and_speed(
    rate: float | None, median: float, flagged: bool
) -> None:
    assert rubber_stamp_flag(rate, median, DATASET_MEDIAN, 100) is flagged


def test_thresholds_come_from_config_and_may_be_overridden() -> None:
    assert load_quality_thresholds() == RubberStampThresholds(0.95, 0.5, 50)
    stricter = load_quality_thresholds({"min_items": 10})
    assert rubber_stamp_flag(0.99, 10.0, DATASET_MEDIAN, 20, stricter)
    with pytest.raises(ValueError, match="Unknown"):
        load_quality_thresholds({"min_item": 10})
    with pytest.raises(ValueError, match="rates in"):
        load_quality_thresholds({"max_time_ratio": 1.5})
