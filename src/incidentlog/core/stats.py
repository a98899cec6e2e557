"""The little statistics the reports need, in pure Python.

Rates on small numbers lie: 3 of 4 is "75%" but could easily be a 30% agent on a lucky
week. Every rate a report shows therefore carries a 95% Wilson interval, and a change is
called significant only when a two-sided test at the 5% level says so.
"""

from __future__ import annotations

import math

Z95 = 1.959963984540054
"""The two-sided 95% quantile of the normal distribution."""

ALPHA = 0.05
"""Significance level for every "significant" flag."""


def rate(successes: int, trials: int) -> float | None:
    """successes / trials, or None when there were no trials."""
    return successes / trials if trials else None


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion (None when there were no trials).

    Unlike the textbook p ± z·se it stays inside [0, 1] and behaves at 0/n and n/n.
    """
    if trials <= 0:
        return None
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    # At 0/n and n/n the bound is exactly 0 or 1; rounding would leave 1e-17 behind.
    low = 0.0 if successes <= 0 else max(0.0, centre - half)
    high = 1.0 if successes >= trials else min(1.0, centre + half)
    return low, high


def _two_sided_p(z: float) -> float:
    """P(|Z| >= |z|) for a standard normal Z."""
    return math.erfc(abs(z) / math.sqrt(2))


def two_proportion_p(x1: int, n1: int, x2: int, n2: int) -> float | None:
    """Two-sided p-value of the pooled two-proportion z-test of x1/n1 against x2/n2.

    None when either side has no trials; 1.0 when both are all-or-nothing alike.
    """
    if n1 <= 0 or n2 <= 0:
        return None
    pooled = (x1 + x2) / (n1 + n2)
    variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if variance <= 0:
        return 1.0
    return _two_sided_p((x1 / n1 - x2 / n2) / math.sqrt(variance))


def _smoothed_variance(x: int, n: int) -> float:
    # The "plus two" estimate keeps the variance positive at 0/n and n/n.
    p = (x + 1) / (n + 2)
    return p * (1 - p) / n


def difference_in_differences(
    trained_before: tuple[int, int],
    trained_after: tuple[int, int],
    others_before: tuple[int, int],
    others_after: tuple[int, int],
) -> tuple[float, float] | None:
    """(effect, two-sided p) of the trained group's change beyond the others' change.

    Each argument is (successes, trials). The effect is
    (trained_after − trained_before) − (others_after − others_before) in rate points;
    the test is a z-test on it with the four groups taken as independent.
    None when any group has no trials.
    """
    groups = (trained_before, trained_after, others_before, others_after)
    if any(n <= 0 for _, n in groups):
        return None
    tb, ta, ob, oa = (x / n for x, n in groups)
    effect = (ta - tb) - (oa - ob)
    se = math.sqrt(sum(_smoothed_variance(x, n) for x, n in groups))
    return effect, _two_sided_p(effect / se)


def significant(p_value: float | None) -> bool:
    return p_value is not None and p_value < ALPHA


def _poisson_start(mean: float) -> int:
    """Where the Poisson(mean) sums may start: the mass below is under 1e-30. Summing in
    log space from here keeps a busy store's mean of thousands from underflowing exp()."""
    return max(0, int(mean - 12 * math.sqrt(mean) - 10))


def poisson_cdf(k: int, mean: float) -> float:
    """P(X <= k) for X ~ Poisson(mean)."""
    if k < 0:
        return 0.0
    if mean <= 0:
        return 1.0
    j = _poisson_start(mean)
    log_pmf = -mean + j * math.log(mean) - math.lgamma(j + 1)
    total = 0.0
    while j <= k:
        total += math.exp(log_pmf)
        j += 1
        log_pmf += math.log(mean) - math.log(j)
    return min(1.0, total)


def poisson_upper(mean: float, level: float = 0.99) -> int:
    """The smallest k with P(X <= k) >= level for X ~ Poisson(mean): a count above it has
    less than a (1 - level) chance of happening by chance alone."""
    if mean <= 0:
        return 0
    k = _poisson_start(mean)
    log_pmf = -mean + k * math.log(mean) - math.lgamma(k + 1)
    total = math.exp(log_pmf)
    while total < level:
        k += 1
        log_pmf += math.log(mean) - math.log(k)
        total += math.exp(log_pmf)
    return k
