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
    error_idioms: dict[str, Callable[..., Any]] = field(default_factory=dict)
