"""When to try a failed delivery again: exponential backoff with full jitter, capped.

    delay(n) = uniform(0, min(cap, base * 2**(n-1)))      after the n-th failed attempt

Full jitter (rather than "equal" or none) spreads the retries of many deliveries that failed
together — a recipient that was down — so they do not return as one burst. A ``Retry-After``
from the recipient is a floor: the delay is never shorter than what it asked for, but it is
still capped, so a recipient cannot park a delivery for a day.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    base_delay: float = 2.0  # seconds
    max_delay: float = 600.0  # seconds
    uniform: Callable[[float, float], float] = field(default=random.uniform, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base_delay < 0 or self.max_delay < self.base_delay:
            raise ValueError("need max_attempts ≥ 1 and 0 ≤ base_delay ≤ max_delay")

    @classmethod
    def from_settings(cls, settings) -> RetryPolicy:
        return cls(
            max_attempts=getattr(settings, "delivery_max_attempts", 8),
            base_delay=float(getattr(settings, "delivery_base_delay_seconds", 2)),
            max_delay=float(getattr(settings, "delivery_max_delay_seconds", 600)),
        )

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.max_attempts

    def delay(self, attempts: int, retry_after: float | None = None) -> timedelta:
        """The wait after ``attempts`` failed attempts (1 for the first failure)."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** min(max(attempts - 1, 0), 62))
        seconds = self.uniform(0.0, ceiling)
        if retry_after is not None:
            seconds = max(seconds, min(float(retry_after), self.max_delay))
        return timedelta(seconds=seconds)
