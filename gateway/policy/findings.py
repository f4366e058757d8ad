"""A policy finding: why a request breaks (or brushes against) a measure of 86号.

Findings are values, not exceptions: a caller rejecting a request lists every finding at once
(e.g. a 422 problem with one entry per finding) instead of stopping at the first.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """``reason`` is a stable machine slug, ``measure`` the citation (``86号-16``),
    ``detail`` a sentence for people; ``subject`` names what it is about (an insurance type,
    a person id) when there is more than one candidate."""

    reason: str
    measure: str
    detail: str
    subject: str | None = None
