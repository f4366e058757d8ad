"""The ports the use cases depend on. The storage adapter and the test fakes implement them."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol


class UnitOfWork(Protocol):
    partners: object
    keys: object
    grants: object
    tokens: object
    audit: object
    rate_windows: object

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc: object) -> None: ...


UnitOfWorkFactory = Callable[..., UnitOfWork]  # (readonly: bool = False) -> UnitOfWork
Clock = Callable[[], datetime]
