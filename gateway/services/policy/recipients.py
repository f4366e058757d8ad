"""Finding the partners that receive a message: by role and administrative division."""

from __future__ import annotations

from ...domain.partners import Partner, Role
from ...errors import FieldError, InvalidInput


class NoRecipient(InvalidInput):
    status = 422
    reason = "no_recipient"


def _division_chain(code: str) -> list[str]:
    """The division itself, then its prefecture, then its province (GB/T 2260 hierarchy)."""
    chain = [code, code[:4] + "00", code[:2] + "0000"]
    return list(dict.fromkeys(chain))


def in_division(uow, role: Role, division_code: str) -> list[Partner]:
    """Active partners with ``role`` registered for exactly ``division_code``."""
    return uow.partners.active_in(role.value, [division_code])


def nearest(uow, role: Role, division_code: str, pointer: str) -> Partner:
    """The partner with ``role`` for the division, or else for its prefecture, or province.

    Loans are handled where the business is started (不受户籍所在地限制, 86号-16); a county
    without its own system is served by the prefecture's.
    """
    chain = _division_chain(division_code)
    found = uow.partners.active_in(role.value, chain)
    if found:  # one query for the whole chain; the nearest level wins, then the lowest id
        return min(found, key=lambda p: chain.index(p.division_code))
    raise NoRecipient(
        f"no active {role.value} partner is registered for division {division_code} or above it",
        errors=[FieldError(pointer, f"no {role.value} partner serves this division")],
    )
