"""POST /benefit-claims/…: a person's claim (86号-11…15) in a channel's own idiom.

Each endpoint is the shared inbound handler (``inbound.receive``) with the channel's idiom:
translated to the canonical ``PersonApplication``, decided by ``services/measures/applications``
exactly as a canonical claim, answered (and refused) in the idiom. The idioms are registered by
their adapters: ``hr_coded`` (adapters/social_security/claims.py), ``national_platform``,
``ecard``.
"""

from __future__ import annotations

from . import inbound


def submit_coded_claim(body=None):  # body: connexion's copy; the idiom reads the exact received bytes
    return inbound.receive("hr_coded")


def submit_national_platform_claim(body=None):
    return inbound.receive("national_platform")


def submit_ecard_claim(body=None):
    return inbound.receive("ecard")
