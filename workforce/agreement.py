"""Quality statistics (DESIGN rule 6): agreement, gold accuracy, rubber-stamping and rework.

Pure functions over plain Python values; the database glue collects each overlap item's labels (as
hashable values such as label strings) and calls them. Nominal data only: labels are categories, and any
two different labels disagree equally.

Why short numpy code here rather than a library:

- Cohen's and Fleiss' kappa: statsmodels has both (``statsmodels.stats.inter_rater``), but it would bring
  scipy, pandas and patsy (well over 100 MB) into the portal for two formulas of a few lines each. They
  are written out below from their published definitions (Cohen 1960; Fleiss 1971) and checked against
  the published worked examples in ``tests/workforce/test_agreement.py``.
- Krippendorff's alpha: the ``krippendorff`` package on PyPI is well kept and fast, but it is licensed
  GPL-3.0-or-later and this project is proprietary; shipping it inside the portal needs a licensing
  decision first. Nominal alpha is one coincidence matrix (Krippendorff 2011, "Computing Krippendorff's
  Alpha-Reliability"), written out below, checked against Krippendorff's own worked example and, where the
  package is installed, against the package on the same data.

A statistic that is undefined returns ``None`` rather than 0 or NaN, so a report can say "not enough
data": no usable items, or every rating in one category (chance agreement is then 1 and kappa or alpha
divides by zero).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt

from config import load_policy as load_config

CONFIG_NAME = "quality"


def cohen_kappa(rater_a: Sequence[Hashable | None], rater_b: Sequence[Hashable | None]) -> float | None:
    """Cohen's kappa for two raters who labelled the same items, in the same order.

    An item either rater left unlabelled (``None``) is skipped: kappa is defined on complete pairs.
    """
    if len(rater_a) != len(rater_b):
        raise ValueError("Cohen's kappa needs both raters' labels for the same items, in the same order.")
    pairs = [(a, b) for a, b in zip(rater_a, rater_b, strict=True) if a is not None and b is not None]
    if not pairs:
        return None
    codes = _codes(label for pair in pairs for label in pair)
    table = np.zeros((len(codes), len(codes)))
    for a, b in pairs:
        table[codes[a], codes[b]] += 1
    table /= table.sum()
    observed = float(np.trace(table))
    expected = float(table.sum(axis=1) @ table.sum(axis=0))  # both raters pick a category by chance
    return _chance_corrected(observed, expected)


def fleiss_kappa(item_labels: Sequence[Sequence[Hashable]]) -> float | None:
    """Fleiss' kappa: each item labelled by the same number (two or more) of raters, who need not be
    the same people from item to item."""
    codes = _codes(label for labels in item_labels for label in labels)
    return fleiss_kappa_from_counts(_value_counts(item_labels, codes))


def fleiss_kappa_from_counts(counts: npt.ArrayLike) -> float | None:
    """Fleiss' kappa from an items x categories table of how many raters chose each category.

    Fleiss (1971): P_i = (sum_j n_ij^2 - n) / (n(n - 1)) is the agreement on item i, p_j the share of all
    ratings in category j; kappa = (mean P_i - sum p_j^2) / (1 - sum p_j^2).
    """
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2 or table.shape[0] == 0 or table.sum() == 0:
        return None
    raters = table.sum(axis=1)
    if not np.all(raters == raters[0]) or raters[0] < 2:
        raise ValueError("Fleiss' kappa needs the same number of ratings, at least 2, for every item.")
    n = raters[0]
    per_item = (np.square(table).sum(axis=1) - n) / (n * (n - 1))
    shares = table.sum(axis=0) / table.sum()
    return _chance_corrected(float(per_item.mean()), float(np.square(shares).sum()))


def krippendorff_alpha(item_labels: Sequence[Sequence[Hashable | None]]) -> float | None:
    """Krippendorff's alpha (nominal) for items labelled by any number of coders, with missing data.

    Give each item the labels it received (``None`` for a coder who skipped it is allowed). Items left
    with fewer than two labels cannot be paired and are ignored, as Krippendorff prescribes.
    """
    present = ([label for label in row if label is not None] for row in item_labels)
    pairable = [labels for labels in present if len(labels) > 1]
    if not pairable:
        return None
    codes = _codes(label for labels in pairable for label in labels)
    return _nominal_alpha(_value_counts(pairable, codes))


def _nominal_alpha(counts: np.ndarray) -> float | None:
    """alpha = 1 - (n - 1)(n - sum_c o_cc) / (n^2 - sum_c n_c^2) from the coincidence matrix o
    (Krippendorff 2011, section C): o_ck = sum over units u of n_uc (n_uk - [c = k]) / (m_u - 1)."""
    weighted = counts / (counts.sum(axis=1, keepdims=True) - 1)
    coincidences = weighted.T @ counts - np.diag(weighted.sum(axis=0))
    per_value = coincidences.sum(axis=1)
    n = per_value.sum()
    expected = n * n - float(np.square(per_value).sum())
    if math.isclose(expected, 0.0, abs_tol=1e-12):
        return None
    return float(1 - (n - 1) * (n - np.trace(coincidences)) / expected)


def gold_accuracy(pairs: Iterable[tuple[Any, Any]]) -> float | None:
    """Share of gold items answered exactly as the gold answer, from (answer, gold answer) pairs.

    Exact equality: normalise answers (e.g. case, whitespace, label order) before calling if the task
    allows several spellings of one answer.
    """
    results = [answer == gold for answer, gold in pairs]
    return sum(results) / len(results) if results else None


def rework_rate(rejected: int, reviewed: int) -> float | None:
    """Share of reviewed tasks sent back for rework; ``None`` before anything was reviewed."""
    if rejected < 0 or reviewed < 0 or rejected > reviewed:
        raise ValueError("Rework needs 0 <= rejected <= reviewed.")
    return rejected / reviewed if reviewed else None


@dataclass(frozen=True)
class RubberStampThresholds:
    """When an annotator looks like a rubber-stamper; values and reasons in ``config/quality.toml``."""

    min_acceptance_rate: float
    max_time_ratio: float
    min_items: int


def load_quality_thresholds(overrides: Mapping[str, Any] | None = None) -> RubberStampThresholds:
    """The rubber-stamp thresholds from config, with optional overrides (tests, per-dataset tuning)."""
    values = {**load_config(CONFIG_NAME)["rubber_stamp"], **(overrides or {})}
    unknown = set(values) - {f.name for f in fields(RubberStampThresholds)}
    if unknown:
        raise ValueError(f"Unknown rubber-stamp setting(s): {', '.join(sorted(unknown))}.")
    thresholds = RubberStampThresholds(
        min_acceptance_rate=float(values["min_acceptance_rate"]),
        max_time_ratio=float(values["max_time_ratio"]),
        min_items=int(values["min_items"]),
    )
    if not (0 < thresholds.min_acceptance_rate <= 1 and 0 < thresholds.max_time_ratio <= 1
            and thresholds.min_items >= 1):
        raise ValueError("Rubber-stamp thresholds need rates in (0, 1] and at least 1 item.")
    return thresholds


def rubber_stamp_flag(
    acceptance_rate: float | None,
    median_seconds: float | None,
    dataset_median_seconds: float | None,
    item_count: int,
    thresholds: RubberStampThresholds | None = None,
) -> bool:
    """Whether an annotator likely accepts model pre-labels without checking them.

    Fires only when all hold: enough pre-labelled items answered (``item_count``, so a few lucky items do
    not brand anyone), acceptance strictly above the threshold, and median time per item strictly below
    the given fraction of the dataset's median. Speed alone or agreement with a good model alone is not
    suspicious; the two together are. Best computed with the dataset median over *other* annotators, so
    a heavy rubber-stamper does not pull the yardstick down. A flag asks a person to look; it decides
    nothing about the annotator by itself.
    """
    limits = thresholds or load_quality_thresholds()
    if acceptance_rate is None or median_seconds is None or not dataset_median_seconds:
        return False
    if item_count < limits.min_items or dataset_median_seconds <= 0:
        return False
    return (acceptance_rate > limits.min_acceptance_rate
            and median_seconds < limits.max_time_ratio * dataset_median_seconds)


def _codes(labels: Iterable[Hashable]) -> dict[Hashable, int]:
    """Column index of each distinct label, in order of first appearance."""
    return {label: index for index, label in enumerate(dict.fromkeys(labels))}


def _value_counts(
    item_labels: Sequence[Sequence[Hashable | None]], codes: Mapping[Hashable, int]
) -> np.ndarray:
    """Items x categories: how many labels of each category every item received."""
    counts = np.zeros((len(item_labels), len(codes)))
    for row, labels in enumerate(item_labels):
        for label in labels:
            if label is not None:
                counts[row, codes[label]] += 1
    return counts


def _chance_corrected(observed: float, expected: float) -> float | None:
    """(observed - expected) / (1 - expected): agreement beyond chance; undefined when chance is 1."""
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)
