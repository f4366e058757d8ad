"""Backoff: full jitter within the exponential ceiling, the cap, Retry-After as a floor."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.delivery import RetryPolicy
from gateway.settings import Settings


def bounds_recorder():
    seen: list[tuple[float, float]] = []

    def uniform(low: float, high: float) -> float:
        seen.append((low, high))
        return high

    return seen, uniform


@pytest.mark.parametrize(("attempts", "ceiling"), [(1, 2), (2, 4), (3, 8), (6, 64), (9, 300), (80, 300)])
def test_ceiling_doubles_per_attempt_up_to_the_cap(attempts, ceiling):
    seen, uniform = bounds_recorder()
    policy = RetryPolicy(max_attempts=100, base_delay=2, max_delay=300, uniform=uniform)
    assert policy.delay(attempts) == timedelta(seconds=ceiling)
    assert seen == [(0.0, ceiling)]


@given(attempts=st.integers(1, 200), base=st.floats(0, 30), cap=st.floats(30, 3600),
       draw=st.floats(0, 1))
def test_delay_is_within_zero_and_the_ceiling(attempts, base, cap, draw):
    policy = RetryPolicy(max_attempts=10, base_delay=base, max_delay=cap,
                         uniform=lambda low, high: low + (high - low) * draw)
    delay = policy.delay(attempts).total_seconds()
    assert 0 <= delay <= min(cap, base * 2 ** (attempts - 1)) + 1e-6


def test_real_jitter_spreads_delays():
    policy = RetryPolicy(max_attempts=8, base_delay=2, max_delay=600)
    delays = {policy.delay(5).total_seconds() for _ in range(50)}
    assert len(delays) > 40 and all(0 <= d <= 32 for d in delays)


@pytest.mark.parametrize(("retry_after", "expected"), [(120, 120), (0, 0), (5000, 600)])
def test_retry_after_is_a_floor_but_still_capped(retry_after, expected):
    policy = RetryPolicy(max_attempts=8, base_delay=2, max_delay=600, uniform=lambda lo, hi: lo)
    assert policy.delay(1, retry_after).total_seconds() == expected


def test_a_jittered_delay_longer_than_retry_after_is_kept():
    policy = RetryPolicy(max_attempts=8, base_delay=100, max_delay=600, uniform=lambda lo, hi: hi)
    assert policy.delay(2, 10).total_seconds() == 200


def test_exhaustion_counts_attempts_made():
    policy = RetryPolicy(max_attempts=3)
    assert [policy.exhausted(n) for n in (1, 2, 3, 4)] == [False, False, True, True]


@pytest.mark.parametrize("options", [{"max_attempts": 0}, {"base_delay": -1},
                                     {"base_delay": 10, "max_delay": 5}])
def test_nonsense_policies_are_refused(options):
    with pytest.raises(ValueError):
        RetryPolicy(**options)


def test_policy_comes_from_settings():
    settings = Settings(delivery_max_attempts=4, delivery_base_delay_seconds=3,
                        delivery_max_delay_seconds=90)
    policy = RetryPolicy.from_settings(settings)
    assert (policy.max_attempts, policy.base_delay, policy.max_delay) == (4, 3.0, 90.0)


def test_settings_read_the_environment():
    settings = Settings.from_env({"GOVGATE_DELIVERY_MAX_ATTEMPTS": "5",
                                  "GOVGATE_DELIVERY_LEASE_SECONDS": "7"})
    assert settings.delivery_max_attempts == 5 and settings.delivery_lease_seconds == 7
