"""The demo's time: the story opens a quarter before now, and catches up before the claim.

An interest-subsidy claim names a quarter that has ended, and no loan of a quarter that ended
before its qualification can be claimed (86号-16: qualification → guarantee → loan → interest
→ subsidy). A story told in one minute of real time could never claim: its loan would be
qualified today. So the gateway, its worker, the partners' clients and the simulators all read
this one clock, which starts ``LEAD`` in the past; ``catch_up`` moves it to now (forward only,
so every timestamp stays in order) and the story claims the quarter that ended last. The story
ends in real time, so the CLI client can sign as a demo partner afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

LEAD = timedelta(days=100)  # longer than any quarter: a quarter ends between the start and now


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoryClock:
    def __init__(self, now: Callable[[], datetime] = utc_now, lead: timedelta = LEAD) -> None:
        self._now = now
        self._offset = -lead
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now() + self._offset

    def catch_up(self) -> None:
        with self._lock:
            self._offset = timedelta(0)


def last_ended_quarter(today) -> str:
    """``YYYY-Qn`` of the latest quarter that ended before ``today``."""
    quarter = (today.month - 1) // 3 + 1
    return f"{today.year - 1}-Q4" if quarter == 1 else f"{today.year}-Q{quarter - 1}"
