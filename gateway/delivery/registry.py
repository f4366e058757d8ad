"""Format name → the channel that speaks it; filled in by the composition root.

The worker never imports an adapter: it asks the registry for the recipient's ``format``. The
canonical HTTP channel is registered under ``canonical``; adapters for partners' own formats
register under their own names (see docs/partner-formats in the shared notes).

A format whose wire encoding cannot carry every Unicode character (GBK XML, say) registers a
``text_rule`` with its channel: ``rule(text)`` says why ``text`` cannot travel in the format,
or None. The use cases ask ``refusal(format, text)`` before they accept a message, so text a
recipient can never receive is refused at the edge instead of dying in the outbox — and the
core never names an encoding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from ..domain.partners import CANONICAL_FORMAT
from .errors import NonRetryable
from .ports import PartnerChannel

TextRule = Callable[[str], "str | None"]  # why the text cannot travel in a format, or None


class AdapterRegistry:
    def __init__(self, canonical: PartnerChannel | None = None) -> None:
        self._channels: dict[str, PartnerChannel] = {}
        self._text_rules: dict[str, TextRule] = {}
        if canonical is not None:
            self.register(CANONICAL_FORMAT, canonical)

    def register(self, format_name: str, channel: PartnerChannel, *,
                 text_rule: TextRule | None = None) -> None:
        if format_name in self._channels:
            raise ValueError(f"format {format_name!r} already has a channel")
        self._channels[format_name] = channel
        if text_rule is not None:
            self._text_rules[format_name] = text_rule

    def text_rule(self, format_name: str) -> TextRule | None:
        """The rule text must meet to travel in ``format_name``; None when any text can."""
        return self._text_rules.get(format_name)

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
