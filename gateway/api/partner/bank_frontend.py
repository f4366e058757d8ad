"""POST /bank-frontend: a bank's front-end XML, processed exactly as the canonical request.

The SignatureMiddleware has verified the signature over the XML bytes, the bank role, a grant of
the endpoint's groups (lending or subsidy) and the Idempotency-Key. Here, thinly:

    translate    the idiom registered as ``bank_frontend`` (adapters/bank) parses the package
                 and names the canonical operation it stands for (FUNNAM)
    reference    YURREF must equal the Idempotency-Key (400 otherwise)
    grant        the bank needs a grant for *that* operation too: the middleware only checked
                 the endpoint's groups, and a subsidy-only bank must not ask for qualifications
    schema       the canonical body is checked against the canonical endpoint's schema
    use case     gateway/api/partner/policy.py's ``submit`` — the canonical handlers' code path,
                 staging the writes in the exchange
    answer       the idiom's reply (RETCOD 0), or an error whose fields carry the bank's names;
                 errors reach the bank as RETCOD/ERRMSG through ``error_idioms`` (problems.py)

The core does not import the adapter: it asks ``container.inbound_idioms`` (filled by the
adapter's ``install``) for an ``InboundIdiom``.
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

IDIOM = "bank_frontend"


class InboundIdiom(Protocol):
    """A partner idiom's inbound side; its request object has ``operation``, ``schema``,
    ``body`` (canonical) and ``reference`` (the partner's business reference)."""

    def translate(self, data: bytes, partner) -> Any: ...

    def field_name(self, inbound: Any, pointer: str) -> str: ...

    def answer(self, inbound: Any, status: int, answer: dict) -> tuple[str, bytes]: ...


def receive(body=None):  # body: connexion's copy; the exact received bytes are used instead
    c, exchange = context.container(), context.exchange()
    idiom: InboundIdiom = c.inbound_idioms[IDIOM]
    with c.uow(readonly=True) as uow:
        partner = uow.partners.get(exchange.partner_id)
        inbound = idiom.translate(request.scope["govgate.body"], partner)
        if not c.access.may_call(uow, exchange.partner_id, inbound.operation, c.clock()):
            raise Forbidden(f"{exchange.partner_id} holds no grant for {inbound.operation}",
                            reason="not_granted")
    if inbound.reference != idempotency_key(exchange.request):
        raise InvalidInput("YURREF must equal the Idempotency-Key", reason="reference_mismatch", status=400)
    errors = schema_errors(inbound.schema, inbound.body)
    if errors:
        raise _in_partner_terms(idiom, inbound, InvalidInput(
            "the request does not match the contract", reason="schema_violation", status=400, errors=errors))
    try:
        answer, status = policy.submit(inbound.operation, inbound.body)
    except InvalidInput as error:
        raise _in_partner_terms(idiom, inbound, error) from None
    content_type, xml = idiom.answer(inbound, status, answer)
    return ConnexionResponse(status_code=status, content_type=content_type, body=xml)


def _in_partner_terms(idiom: InboundIdiom, inbound, error: InvalidInput) -> InvalidInput:
    """The error with its fields named as the partner names them (ERRMSG shows only detail)."""
    named = [FieldError(idiom.field_name(inbound, e.pointer), e.detail) for e in error.errors]
    if named:
        error.detail = f"{error.detail}: " + "; ".join(f"{e.pointer}: {e.detail}" for e in named[:20])
        error.errors, error.pointers_absolute = named, True
    return error
