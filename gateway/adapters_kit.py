"""What the composition root hands each partner adapter package at installation.

Every package ``adapters/<name>`` exports ``FORMAT``, ``validate_settings(settings) -> dict``
and ``install(kit: AdapterKit) -> None``; ``install`` registers the package's delivery channel
(``kit.adapters``) and/or HR facts source (``kit.hr_facts``) under ``FORMAT``, and, for formats
that accept inbound partner requests, the function that renders an error in the partner's own
idiom (``kit.error_idioms[FORMAT]``). Adapters reach the rest of the gateway only through this
kit, never by importing the bootstrap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import requests

from .delivery.registry import AdapterRegistry
from .errors import FieldError, InvalidInput
from .policy.calendar import WorkingDayCalendar
from .queries.registry import HrFactsRegistry


@dataclass
class AdapterKit:
    adapters: AdapterRegistry  # format → PartnerChannel (deliveries)
    hr_facts: HrFactsRegistry  # format → HrFactsSource (loan-qualification queries)
    keystore: Any  # GatewayKeyStore: .current() → (kid, SigningKey); .key_dir
    key_registry: Any  # KeyRegistry: partners' registered public keys
    uow: Callable[[], Any]  # unit-of-work factory
    clock: Callable[[], datetime]
    settings: Any  # gateway.settings.Settings
    calendar: WorkingDayCalendar
    session_factory: Callable[[], requests.Session] = requests.Session
    facts: Any = None  # FactsRegistry: format → FactsSource (the measures' bulk fact queries)
    error_idioms: dict[str, Callable[..., Any]] = field(default_factory=dict)
    # idiom name → the handler of partners' inbound requests in that idiom (bank front-end)
    inbound_idioms: dict[str, Any] = field(default_factory=dict)


def settings_refused(messages: dict | list | str, detail: str) -> InvalidInput:
    """An ``InvalidInput`` for a settings schema's error messages (marshmallow's
    ``ValidationError.messages``), one ``FieldError`` per message, pointers relative to the
    settings object (``/src_node``) as ``PartnerRegistry`` expects."""
    errors: list[FieldError] = []

    def walk(node, pointer: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{pointer}/{str(key).replace('~', '~0').replace('/', '~1')}")
        elif isinstance(node, list):
            for item in node:
                walk(item, pointer)
        else:
            errors.append(FieldError(pointer, str(node)))

    walk(messages, "")
    return InvalidInput(detail, reason="validation_failed", errors=errors)
