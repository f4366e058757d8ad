"""Admitting a signed partner request, and finishing it with a receipt and evidence.

    admit(scope)            Idempotency-Key present (POST) → RFC 9421 verification → access
                            right → idempotency claim (or the stored response of a retry)
    handler                 may ``exchange.stage(work)`` writes to run at commit
    finish(scope, response) sign the receipt; for an accepted POST, in ONE transaction:
                            staged writes + evidence entry + completed idempotency record
"""

from __future__ import annotations

import base64
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import http_sf
from sqlalchemy.exc import IntegrityError

from ... import errors
from ...contract import PartnerOperation
from ...domain.partners import Partner
from ...evidence.canonical import format_timestamp
from ...evidence.chain import Direction, MessageRecord
from ...evidence.leaf import checked_leaf_hash
from ...exchange.idempotency import (
    KEY_PATTERN,
    MAX_KEY_LENGTH,
    Claim,
    StoredResponse,
    parse_key,
)
from ...exchange.message_log import Appended
from ...signatures import (
    Headers,
    HttpRequest,
    HttpResponse,
    Rejection,
    ResponseSigner,
    SignatureRejected,
    VerifiedRequest,
)
from ...signatures.components import ComponentId
from ...signatures.fields import tagged_label
from ...signatures.profile import REPLAY_TAG, REQUEST_TAG
from ...signatures.signer import sign_components
from ..problems import PROBLEM_JSON, field_errors, idiom_renderer, problem_body
from ..target import target_uri

log = logging.getLogger("govgate.exchange")
RECEIPT_LABEL = "govgate"  # ResponseSigner's label for the receipt
LOG_LABEL, LOG_TAG = "govgate-log", "govgate-log"

# Headers of a completed response that a replay repeats (the rest belong to one delivery).
REPLAYED_HEADERS = {"content-type", "content-digest", "signature-input", "signature", "location", "log-leaf"}


@dataclass
class Exchange:
    partner_id: str
    operation: PartnerOperation
    request: HttpRequest
    verified: VerifiedRequest
    message_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    claim: Claim | None = None
    staged: list[Callable] = field(default_factory=list)
    sender: Partner | None = None  # as the access check read it, for the handler to reuse

    def stage(self, work: Callable) -> None:
        """Run ``work(uow)`` in the transaction that records this message's evidence."""
        self.staged.append(work)

    @property
    def is_message(self) -> bool:
        return self.request.method == "POST"


def http_request(scope, settings) -> HttpRequest:
    headers = Headers([(k.decode("latin-1"), v.decode("latin-1")) for k, v in scope.get("headers", [])])
    uri = target_uri(scope, settings.public_base_url, settings.trusted_proxy_networks)
    return HttpRequest(scope["method"], uri, headers, scope.get("govgate.body", b""))


def idempotency_key(request: HttpRequest) -> str:
    raw = request.headers.get("idempotency-key")
    if raw is None or not raw.strip(" \t"):
        raise errors.InvalidInput(
            "POST requests need an Idempotency-Key header", reason="idempotency_key_missing",
            status=400, pointers_absolute=True,
            errors=[errors.FieldError("/header/idempotency-key", "is required on POST")])
    key = parse_key(raw)
    if key is None:
        raise errors.InvalidInput(
            f"the Idempotency-Key must be 1 to {MAX_KEY_LENGTH} visible ASCII characters "
            '(without " or \\), bare or quoted', reason="idempotency_key_invalid",
            status=400, pointers_absolute=True,
            errors=[errors.FieldError("/header/idempotency-key", f"does not match {KEY_PATTERN}")])
    return key


class SignedExchange:
    def __init__(self, container) -> None:
        self.c = container

    def admit(self, scope, operation: PartnerOperation) -> Exchange | StoredResponse:
        with self.c.tracing.span("govgate.admit", {"govgate.operation": operation.name}) as span:
            admitted = self._admit(scope, operation)
            if isinstance(admitted, StoredResponse):
                span.set_attribute("govgate.idempotency.replayed", True)
            else:
                span.set_attribute("govgate.partner_id", admitted.partner_id)
                span.set_attribute("govgate.signature.keyid", admitted.verified.keyid)
                if admitted.is_message:
                    span.set_attribute("govgate.message_id", admitted.message_id)
            return admitted

    def _admit(self, scope, operation: PartnerOperation) -> Exchange | StoredResponse:
        c = self.c
        request = http_request(scope, c.settings)
        scope["govgate.state"]["http_request"] = request
        key = idempotency_key(request) if request.method == "POST" else None
        refused: errors.GovgateError | None = None
        sender = outcome = None
        # A read (key, access: cached rows, usually no statement) and the crypto, then one short
        # write (the nonce, which finds a replay, and the claim): SQLite's write lock is held only
        # for the write, and PostgreSQL commits once.
        with c.uow(readonly=True) as uow:
            nonce = c.nonces.deferred()
            verified = c.verifier.within(c.key_registry.within(uow), nonce).verify(request)
            try:
                sender = self._check_access(uow, verified.partner_id, operation)
            except errors.GovgateError as error:
                refused = error
        with c.uow() as uow:
            if not nonce.record_in(uow):  # a copy that arrived meanwhile was recorded first
                raise SignatureRejected(Rejection.NONCE_REPLAYED)
            if refused is None and key is not None:
                try:
                    outcome = c.idempotency.begin(verified.partner_id, "POST", operation.name, key,
                                                  request.body, uow)
                except errors.GovgateError as error:
                    refused = error  # the nonce still commits: a copy of a refused request is a replay
        if refused is not None:
            raise refused
        if isinstance(outcome, StoredResponse):
            scope["govgate.state"]["replay_label"] = verified.label
            return outcome
        return Exchange(verified.partner_id, operation, request, verified, claim=outcome, sender=sender)

    def replay(self, scope, stored: StoredResponse) -> HttpResponse:
        """The stored answer, its original receipt untouched, plus a second gateway signature
        (tag ``govgate-replay``) that binds it to *this* retry: the original receipt names the
        first request's signature, which the retrying partner no longer holds."""
        state = scope["govgate.state"]
        response = HttpResponse(stored.status, Headers(stored.headers), stored.body)
        _, key = self.c.keystore.current()
        fields = ResponseSigner(key, tag=REPLAY_TAG, label="govgate-replay", clock=self.c.clock).sign(
            response, state["http_request"], state["replay_label"])
        headers = response.headers.copy()
        headers.set("Signature-Input", f"{headers.get('signature-input')}, {fields.signature_input}")
        headers.set("Signature", f"{headers.get('signature')}, {fields.signature}")
        return HttpResponse(response.status, headers, response.body)

    def check_access(self, uow, partner_id: str, operation: PartnerOperation) -> Partner | None:
        return self._check_access(uow, partner_id, operation)

    def sign(self, response: HttpResponse, request: HttpRequest, label: str | None, *,
             digest: str | None = None):
        """(signed response, fields): the receipt of ``response``; ``digest`` for a streamed body."""
        _, key = self.c.keystore.current()
        fields = ResponseSigner(key, clock=self.c.clock).sign(response, request, label, digest=digest)
        headers = response.headers.copy()
        for name, value in fields.headers():
            headers.set(name, value)
        return HttpResponse(response.status, headers, response.body), fields

    def _check_access(self, uow, partner_id: str, operation: PartnerOperation) -> Partner | None:
        """The partner's role must fit the operation, and (deny by default) it needs a grant.
        Returns the partner as read for the check (None when the operation needs no check)."""
        if not operation.roles and not operation.grant_required:
            return None
        partner = uow.partners.get(partner_id)
        roles = {role.value for role in partner.roles} if partner else set()
        if operation.roles and not roles & operation.roles:
            raise errors.Forbidden(
                f"{operation.name} is for partners with the role {' or '.join(sorted(operation.roles))}",
                reason="role_not_permitted")
        if operation.grant_required and not self.c.access.may_call(uow, partner_id, operation.name, self.c.clock()):
            raise errors.Forbidden(f"{partner_id} holds no grant for {operation.name}", reason="not_granted")
        return partner

    def finish(self, scope, response: HttpResponse) -> HttpResponse:
        """The signed response to send; records the evidence of an accepted message."""
        with self.c.tracing.span("govgate.receipt", {"http.response.status_code": response.status}):
            return self._finish(scope, response)

    def _finish(self, scope, response: HttpResponse) -> HttpResponse:
        state = scope["govgate.state"]
        exchange: Exchange | None = state.get("exchange")
        request = state.get("http_request") or http_request(scope, self.c.settings)
        label = exchange.verified.label if exchange else tagged_label(request.headers, REQUEST_TAG)
        signed, fields = self._sign(response, request, label)
        if exchange is not None and exchange.is_message and 200 <= response.status < 300:
            try:
                named, appended = self._record(exchange, signed, fields)
            except errors.GovgateError as error:
                failure = error
            except IntegrityError:
                failure = errors.Conflict("the message clashes with one accepted meanwhile; retry",
                                          reason="concurrent_conflict")
            else:
                return self._with_proof(signed, named, request, appended,
                                        _wait_preference(request, self.c.settings))
            signed, fields = self._sign(_problem(failure, scope, self.c), request, label)
        if exchange is not None and exchange.claim is not None:
            self._release(exchange.claim)
        return signed

    def sign_only(self, scope, response: HttpResponse) -> HttpResponse:
        """The last resort when finishing failed: the answer signed, nothing recorded."""
        state = scope["govgate.state"]
        exchange: Exchange | None = state.get("exchange")
        if exchange is not None and exchange.claim is not None:
            self._release(exchange.claim)
        request = state.get("http_request") or http_request(scope, self.c.settings)
        label = exchange.verified.label if exchange else tagged_label(request.headers, REQUEST_TAG)
        return self._sign(response, request, label)[0]

    def _release(self, claim: Claim) -> None:
        """Free the key for the retry. If even that fails (the database is gone), the claim's
        lease frees it (exchange.idempotency.LEASE); the answer is sent regardless."""
        try:
            self.c.idempotency.release(claim)
        except Exception:
            log.exception("the Idempotency-Key claim %s could not be released", claim.record_id)

    def _sign(self, response: HttpResponse, request: HttpRequest, label: str | None):
        _, key = self.c.keystore.current()
        fields = ResponseSigner(key, clock=self.c.clock).sign(response, request, label)
        headers = response.headers.copy()
        for name, value in fields.headers():
            headers.set(name, value)
        return HttpResponse(response.status, headers, response.body), fields

    def _record(self, exchange: Exchange, response: HttpResponse, fields) -> tuple[HttpResponse, Appended]:
        """Write the message's evidence; the answer to send (the receipt plus the leaf it names)."""
        c, verified, request = self.c, exchange.verified, exchange.request
        record = MessageRecord(
            recorded_at=format_timestamp(c.clock()),
            message_id=exchange.message_id,
            partner_id=exchange.partner_id,
            key_fingerprint=c.key_registry.fingerprint(verified.keyid),
            operation=exchange.operation.name,
            direction=Direction.INBOUND.value,
            method=request.method,
            target_uri=request.target_uri,
            body=request.body,
            content_digest=request.headers.get("content-digest"),
            signature_input=f"{verified.label}={verified.signature_input}",
            signature=f"{verified.label}=:{base64.b64encode(verified.signature).decode()}:",
            covered_components=dict(verified.components),
            response_status=response.status,
            response_content_digest=fields.content_digest,
            response_signature_input=fields.signature_input,
            response_signature=fields.signature,
            response_components=base_components(fields.signature_base),
        )
        leaf = checked_leaf_hash(record)
        named = self._log_signed(response, request, leaf)
        stored = StoredResponse(named.status, [(k, v) for k, v in named.headers.items()
                                               if k.lower() in REPLAYED_HEADERS], named.body)
        with c.uow() as uow:
            for work in exchange.staged:
                work(uow)
            appended = c.message_log.append(uow, record, leaf)
            if exchange.claim is not None:
                c.idempotency.complete(uow, exchange.claim, stored, exchange.message_id)
        return named, appended

    def _log_signed(self, receipt: HttpResponse, request: HttpRequest, leaf: bytes,
                    proven: dict | None = None) -> HttpResponse:
        """The receipt plus its entry's leaf hash (and, once integrated, the inclusion proof)
        under a second gateway signature, ``govgate-log``, that also covers the receipt's: the
        receipt is inside the leaf, so it cannot name the leaf itself."""
        c = self.c
        headers = receipt.headers.copy()
        headers.set("Log-Leaf", http_sf.ser(leaf))
        covered = [ComponentId.of("@status"), ComponentId.of("log-leaf"),
                   ComponentId.of("signature", key=RECEIPT_LABEL)]
        if proven is not None:
            headers.set("Log-Inclusion", http_sf.ser({
                "index": proven["leaf_index"], "size": proven["tree_size"], "proof": (proven["proof"], {})}))
            headers.set("Log-Checkpoint", http_sf.ser(proven["checkpoint"].encode()))
            covered += [ComponentId.of("log-inclusion"), ComponentId.of("log-checkpoint")]
        _, key = c.keystore.current()
        unsigned = HttpResponse(receipt.status, headers, receipt.body)
        params = {"created": int(c.clock().timestamp()), "keyid": key.keyid, "tag": LOG_TAG}
        fields = sign_components(key, LOG_LABEL, covered, params, unsigned, request, None)
        headers.set("Signature-Input", f"{headers.get('signature-input')}, {fields.signature_input}")
        headers.set("Signature", f"{headers.get('signature')}, {fields.signature}")
        return HttpResponse(receipt.status, headers, receipt.body)

    def _with_proof(self, receipt: HttpResponse, named: HttpResponse, request: HttpRequest,
                    appended: Appended, wait: int | None) -> HttpResponse:
        """``Prefer: wait=N``: wait up to N s for integration and answer with the proof."""
        if wait is None:
            return named
        c = self.c
        proven = None
        if c.message_log.wait_for_index(appended.entry_id, wait) is not None:
            with c.uow(readonly=True) as uow:
                proven = c.message_log.inclusion(uow, uow.message_log.by_id(appended.entry_id))
        answer = named if proven is None else self._log_signed(receipt, request, appended.leaf_hash, proven)
        headers = answer.headers.copy()
        headers.set("Preference-Applied", f"wait={wait}")
        return HttpResponse(answer.status, headers, answer.body)


def _wait_preference(request: HttpRequest, settings) -> int | None:
    """``Prefer: wait=N`` (RFC 7240 §4.3), capped at log_max_wait_seconds; None without it."""
    for header in request.headers.get_all("prefer"):
        for preference in header.split(","):
            name, _, value = preference.strip().partition("=")
            if name.strip().lower() == "wait" and value.strip().isdigit():
                return min(int(value.strip()), settings.log_max_wait_seconds)
    return None


def base_components(signature_base: str) -> dict[str, str]:
    """Identifier → value for each line of a signature base, ``@signature-params`` excluded."""
    covered = {}
    for line in signature_base.split("\n"):
        identifier, _, value = line.partition(": ")
        if identifier != '"@signature-params"':
            covered[identifier] = value
    return covered


def _problem(error: errors.GovgateError, scope, container=None) -> HttpResponse:
    import json

    retry = ([("retry-after", str(error.retry_after))]
             if isinstance(error, (errors.Unavailable, errors.RateLimited)) else [])
    render = idiom_renderer(scope, container)
    if render is not None:  # the operation answers in a partner's idiom (x-govgate-idiom)
        content_type, body = render(error.status, error.reason, error.detail, field_errors(error))
        return HttpResponse(error.status, Headers([("content-type", content_type), *retry]), body)
    body = json.dumps(problem_body(error.status, error.reason, error.detail, scope.get("govgate.request_id")),
                      ensure_ascii=False).encode()
    return HttpResponse(error.status, Headers([("content-type", PROBLEM_JSON), *retry]), body)


def internal_error(scope, container=None) -> HttpResponse:
    """The 500 problem (or the idiom's) for a failure no handler mapped."""
    return _problem(errors.GovgateError("an internal error occurred; quote the request_id"),
                    scope, container)
