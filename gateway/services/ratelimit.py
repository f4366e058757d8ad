"""Fixed-window rate limits, counted in the database so every gateway process shares them."""

from __future__ import annotations

from ..errors import RateLimited
from .ports import Clock, UnitOfWorkFactory


class RateLimiter:
    def __init__(self, uow_factory: UnitOfWorkFactory, clock: Clock, *, limit: int, window: int):
        self._uow = uow_factory
        self._clock = clock
        self.limit = limit
        self.window = window

    def hit(self, bucket: str) -> None:
        """Count one request for ``bucket``; raise RateLimited once the window is full."""
        now = int(self._clock().timestamp())
        window_start = now - now % self.window
        with self._uow() as uow:
            count = uow.rate_windows.hit(bucket, window_start)
        if count > self.limit:
            retry_after = max(1, window_start + self.window - now)
            raise RateLimited(
                f"more than {self.limit} requests in {self.window} s; retry in {retry_after} s",
                retry_after=retry_after,
            )
