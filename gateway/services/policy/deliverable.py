"""Text every recipient can receive, checked before a message is accepted.

A recipient whose format cannot carry some text (its adapter registered a text rule with its
channel: GBK XML, for instance) would never receive the message — it would go dead in the
outbox after the sender already holds a signed receipt. So each string of the payload is
checked against the rule of every recipient's format, and the message is refused with 422,
each bad field pointed at. The rules come from the adapter registry; nothing here names an
encoding.
"""

from __future__ import annotations

from collections.abc import Callable

from ...errors import FieldError, InvalidInput
from ...strict_json import MAX_POINTERS, strings
from .common import Outcome

TextRuleOf = Callable[[str], "Callable[[str], str | None] | None"]  # format → its rule, or None


def refuse_undeliverable_text(uow, outcome: Outcome, text_rule_of: TextRuleOf) -> None:
    rules = {}
    for recipient_id in outcome.recipients:
        partner = uow.partners.get(recipient_id)
        rule = text_rule_of(partner.format) if partner is not None else None
        if rule is not None:
            rules.setdefault(partner.format, (rule, partner.id))
    if not rules:
        return
    errors: list[FieldError] = []
    for pointer, text in strings(outcome.message.payload):
        if text.isascii() and text.isprintable():  # every format carries printable ASCII
            continue
        for format_name, (rule, partner_id) in rules.items():
            why = rule(text)
            if why:
                errors.append(FieldError(pointer, f"{why}: recipient {partner_id} ({format_name}) "
                                                  "could not receive it"))
                break
    if errors:
        raise InvalidInput("the message holds text a recipient's format cannot carry",
                           reason="text_not_deliverable", errors=errors[:MAX_POINTERS])
