"""Kinds of batch. A kind checks the batch's parameters before a byte of the body is read, and
answers its lines a chunk at a time; the bulk machinery knows nothing else about it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ...domain.partners import Partner
from ...storage.batch_repositories import Batch, BatchLine


@dataclass(frozen=True)
class LineResult:
    seq: int
    outcome: str  # the kind's outcome slug; "invalid" for a line that could not be read
    result: Mapping[str, Any]  # signed by the processor before it is stored


class BatchKind(Protocol):
    name: str  # "comparison"

    def parameters(self, sender: Partner, query: Mapping[str, str], path: Mapping[str, str]) -> dict:
        """The batch's parameters, checked before the body is read (InvalidInput, /query/…)."""

    def answer(self, batch: Batch, lines: list[BatchLine]) -> Callable[[Any], list[LineResult]]:
        """Prepare the answer to a chunk of lines outside any transaction (ask partners, apply
        rules); return ``commit(uow)``, run in the transaction that stores the line results,
        which writes what the answers imply and returns them."""


class BatchKinds:
    def __init__(self, kinds: Mapping[str, BatchKind] | None = None) -> None:
        self._kinds = dict(kinds or {})

    def register(self, kind: BatchKind) -> None:
        self._kinds[kind.name] = kind

    def __getitem__(self, name: str) -> BatchKind:
        return self._kinds[name]

    def get(self, name: str) -> BatchKind | None:
        return self._kinds.get(name)
