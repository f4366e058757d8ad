"""Format name → the channel that speaks it; filled in by the composition root.

The worker never imports an adapter: it asks the registry for the recipient's ``format``. The
canonical HTTP channel is registered under ``canonical``; adapters for partners' own formats
register under their own names (see docs/partner-formats in the shared notes).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..domain.partners import CANONICAL_FORMAT
from .errors import NonRetryable
from .ports import PartnerChannel


class AdapterRegistry:
    def __init__(self, canonical: PartnerChannel | None = None) -> None:
        self._channels: dict[str, PartnerChannel] = {}
        if canonical is not None:
            self.register(CANONICAL_FORMAT, canonical)

    def register(self, format_name: str, channel: PartnerChannel) -> None:
        if format_name in self._channels:
            raise ValueError(f"format {format_name!r} already has a channel")
        self._channels[format_name] = channel

    def channel_for(self, format_name: str) -> PartnerChannel:
        """Raises ``NonRetryable`` (reason ``no_adapter``) for a format nobody speaks."""
        try:
            return self._channels[format_name]
        except KeyError:
            raise NonRetryable(f"no channel is registered for the format {format_name!r}",
                               reason="no_adapter") from None

    @property
    def formats(self) -> frozenset[str]:
        return frozenset(self._channels)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._channels))
