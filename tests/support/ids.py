"""Valid identifiers for tests, built with the domain's own check-character functions."""

from __future__ import annotations

from gateway.domain.identifiers import credit_code_check_char, org_code_check_char


def credit_code(n: int, division: str = "150500", authority: str = "11") -> str:
    """The n-th valid unified social credit code in ``division`` (authority 1, category 1)."""
    org8 = f"{n:08d}"
    org = org8 + org_code_check_char(org8)
    first17 = authority + division + org
    return first17 + credit_code_check_char(first17)
