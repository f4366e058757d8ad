"""A partner's message in its own idiom, processed exactly as the canonical request it stands for.

Every endpoint declared with ``x-govgate-idiom`` (the bank front-end, the benefit-claim channels
of 86号-11…15) is served here. The SignatureMiddleware has verified the signature over the
received bytes, the endpoint's role and grant groups and the Idempotency-Key; then, thinly:

    translate    the idiom (``container.inbound_idioms[name]``, filled by its adapter's
                 ``install``) parses the message and names the canonical operation, schema and
                 body it stands for, checking the envelope against the partner's settings
    grant        the partner needs a grant for *that* operation too: the middleware only checked
                 the endpoint's groups
    reference    the idiom's business reference must equal the Idempotency-Key (400 otherwise)
    schema       the canonical body is checked against the canonical endpoint's schema
    use case     ``policy.submit`` — the canonical handlers' code path, staging the writes in
                 the exchange
    answer       the idiom's reply, or an error whose fields carry the partner's names; errors
                 reach the partner in its idiom through ``error_idioms`` (problems.py)

The core does not import the adapters: it asks the registries for an ``InboundIdiom``.
"""

from __future__ import annotations

from typing import Any, Protocol

from connexion import request
from connexion.lifecycle import ConnexionResponse

from ...errors import FieldError, Forbidden, InvalidInput
from .. import context
from . import policy
from .canonical_schemas import schema_errors
from .exchange import idempotency_key


class InboundIdiom(Protocol):
    """A partner idiom's inbound side; its request object has ``operation``, ``schema``,
    ``body`` (canonical), ``reference`` (the partner's business reference, named
    ``reference_field`` in its messages) and ``arguments`` (the operation's parameters)."""

    reference_field: str

    def translate(self, data: bytes, partner) -> Any: ...

    def field_name(self, inbound: Any, pointer: str) -> str: ...

    def answer(self, inbound: Any, status: int, answer: dict) -> tuple[str, bytes]: ...


def receive(idiom_name: str) -> ConnexionResponse:
    """The handler body of an ``x-govgate-idiom`` endpoint speaking ``idiom_name``."""
    c, exchange = context.container(), context.exchange()
    idiom: InboundIdiom = c.inbound_idioms[idiom_name]
    with c.uow(readonly=True) as uow:
        partner = uow.partners.get(exchange.partner_id)
        inbound = idiom.translate(request.scope["govgate.body"], partner)
        if not c.access.may_call(uow, exchange.partner_id, inbound.operation, c.clock()):
            raise Forbidden(f"{exchange.partner_id} holds no grant for {inbound.operation}",
                            reason="not_granted")
    if inbound.reference != idempotency_key(exchange.request):
        raise InvalidInput(f"{idiom.reference_field} must equal the Idempotency-Key",
                           reason="reference_mismatch", status=400)
    errors = schema_errors(inbound.schema, inbound.body)
    if errors:
        raise _in_partner_terms(idiom, inbound, InvalidInput(
            "the request does not match the contract", reason="schema_violation", status=400, errors=errors))
    try:
        answer, status = policy.submit(inbound.operation, inbound.body, **inbound.arguments)
    except InvalidInput as error:
        raise _in_partner_terms(idiom, inbound, error) from None
    content_type, data = idiom.answer(inbound, status, answer)
    return ConnexionResponse(status_code=status, content_type=content_type, body=data)


def _in_partner_terms(idiom: InboundIdiom, inbound, error: InvalidInput) -> InvalidInput:
    """The error with its fields named as the partner names them (the idiom's error renderer
    shows them after the detail)."""
    if error.errors:
        error.errors = [FieldError(idiom.field_name(inbound, e.pointer), e.detail) for e in error.errors]
        error.pointers_absolute = True
    return error
