"""Wilson intervals and the significance tests behind the reports' ▲/▼ marks."""

from __future__ import annotations

import pytest

from incidentlog.core import stats


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion", table I.
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_published_intervals(
    successes: int, trials: int, low: float, high: float
) -> None:
    interval = stats.wilson(successes, trials)
    assert interval == pytest.approx((low, high), abs=5e-5)


def test_wilson_is_symmetric_and_stays_in_bounds() -> None:
    low, high = stats.wilson(3, 5) or (None, None)
    mirror_low, mirror_high = stats.wilson(2, 5) or (None, None)
    assert low == pytest.approx(1 - mirror_high)
    assert high == pytest.approx(1 - mirror_low)
    assert stats.wilson(10, 10) == pytest.approx((0.7225, 1.0), abs=5e-5)
    for trials in range(1, 40):
        assert stats.wilson(0, trials)[0] == 0.0  # type: ignore[index]
        assert stats.wilson(trials, trials)[1] == 1.0  # type: ignore[index]


def test_no_trials_has_no_rate_and_no_interval() -> None:
    assert stats.rate(0, 0) is None
    assert stats.wilson(0, 0) is None
    assert stats.rate(1, 4) == 0.25


def test_two_proportion_p_values() -> None:
    # 60% of 50 against 40% of 50: pooled 0.5, se 0.1, z = 2.
    assert stats.two_proportion_p(30, 50, 20, 50) == pytest.approx(0.0455, abs=5e-5)
    # 80% of 70 against 60% of 80: z = 0.2 / 0.07547 = 2.650.
    assert stats.two_proportion_p(56, 70, 48, 80) == pytest.approx(0.00805, abs=5e-5)
    assert stats.two_proportion_p(5, 10, 5, 10) == pytest.approx(1.0)
    # The test is two-sided: the order of the groups does not matter.
    assert stats.two_proportion_p(20, 50, 30, 50) == stats.two_proportion_p(30, 50, 20, 50)


def test_two_proportion_edge_cases() -> None:
    assert stats.two_proportion_p(0, 0, 3, 4) is None
    assert stats.two_proportion_p(4, 4, 6, 6) == 1.0  # all on the spot on both sides
    assert stats.two_proportion_p(0, 4, 0, 6) == 1.0


def test_small_numbers_are_not_significant() -> None:
    # 3 of 4 against 1 of 4 looks like +50 points but is well within chance.
    p_value = stats.two_proportion_p(3, 4, 1, 4)
    assert p_value is not None and p_value > 0.05
    assert not stats.significant(p_value)
    assert stats.significant(stats.two_proportion_p(30, 50, 15, 50))
    assert not stats.significant(None)


def test_difference_in_differences() -> None:
    # Attendees 50% -> 90%, others 50% -> 50%: +40 points beyond the others.
    effect, p_value = stats.difference_in_differences((20, 40), (36, 40), (20, 40), (20, 40)) or (
        None,
        None,
    )
    assert effect == pytest.approx(0.4)
    assert p_value is not None and p_value < 0.01
    # Everyone rose by 40 points: a seasonal change, no effect of the training.
    effect, p_value = stats.difference_in_differences((20, 40), (36, 40), (20, 40), (36, 40)) or (
        None,
        None,
    )
    assert effect == pytest.approx(0.0)
    assert p_value == pytest.approx(1.0)
    assert stats.difference_in_differences((0, 0), (1, 2), (1, 2), (1, 2)) is None


def test_difference_in_differences_at_all_or_nothing() -> None:
    # 0% -> 100% with the others flat: the variance is smoothed, never zero.
    found = stats.difference_in_differences((0, 10), (10, 10), (0, 10), (0, 10))
    assert found is not None
    assert found[0] == pytest.approx(1.0)
    assert 0 < found[1] < 0.05
