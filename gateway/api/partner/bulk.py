"""The streaming edge of the bulk exchange (x-govgate-bulk operations in the contract).

These requests are served here, outside the layers that buffer a whole body or response:

    ingest    POST, NDJSON body of up to 100,000 lines: the signature is verified from the
              headers (Content-Digest and Content-Type must be covered), the body is streamed
              into the batch in bounded memory while its digest is computed, and only a batch
              received whole with a matching digest is accepted — in one transaction with its
              evidence entry (the signed digest, a manifest as body). Anything else refuses the
              batch whole. A retry with the same Idempotency-Key gets the batch's status.
    download  GET, the results as NDJSON, streamed page by page; Content-Digest is the digest
              sealed when the batch was done, so the gateway's signature covers every byte.

Errors are problem+json signed like every answer to a signed request.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from urllib.parse import parse_qsl

from anyio import to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from ... import errors
from ...contract import PartnerOperation
from ...evidence.canonical import format_timestamp
from ...evidence.chain import Direction, MessageRecord
from ...services.bulk.reception import BatchReception, BulkLimits, begin
from ...signatures import Headers, HttpResponse, Rejection, SignatureRejected
from ...signatures.digest import StreamingDigest
from ...signatures.fields import tagged_label
from ...signatures.profile import REQUEST_TAG
from ...storage.batch_repositories import DONE
from ..middleware import has_control_character
from ..problems import PROBLEM_JSON, problem_body
from .batches import batch_status
from .exchange import base_components, http_request, idempotency_key

NDJSON = "application/x-ndjson"
HANDOFF_BYTES = 256 * 1024  # chunks are handed to a worker thread in pieces of about this size


def _pattern(path: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\\{(\w+)\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$")


class BulkMiddleware:
    def __init__(self, app: ASGIApp, container, limits: BulkLimits) -> None:
        self.app, self.c, self.limits = app, container, limits
        self.routes = [(o.method, _pattern(o.path), o) for o in container.partner_operations.values() if o.bulk]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # A path with a control character goes on to the edge's path check (400 path_invalid).
        if scope["type"] == "http" and not has_control_character(scope["path"]):
            for method, pattern, operation in self.routes:
                match = pattern.match(scope["path"])
                if match and scope["method"] == method:
                    await self._serve(scope, receive, send, operation, match.groupdict())
                    return
        await self.app(scope, receive, send)

    async def _serve(self, scope, receive, send, operation: PartnerOperation, path: dict) -> None:
        scope["govgate.request_id"] = request_id = uuid.uuid4().hex
        request = http_request(scope, self.c.settings)
        # Until verified, a refusal is bound to the request's govgate-request signature, as on
        # every other partner path (api/partner/exchange.py).
        label = tagged_label(request.headers, REQUEST_TAG)
        try:
            verified, sender = await to_thread.run_sync(self._admit, request, operation)
            label = verified.label
            if operation.bulk == "ingest":
                await self._ingest(scope, receive, send, request, verified, sender, operation, path)
            else:
                await self._download(send, request, verified, sender, path)
        except errors.GovgateError as error:
            await self._problem(send, request, label, error, request_id)

    def _admit(self, request, operation: PartnerOperation):
        c = self.c
        if request.method == "POST":
            idempotency_key(request)  # present and well-formed, before anything else
        with c.uow(readonly=True) as uow:
            nonce = c.nonces.deferred()
            verified = c.verifier.within(c.key_registry.within(uow), nonce).verify(
                request, body_follows=request.method == "POST")
            refused, sender = None, None
            try:
                sender = c.signed_exchange.check_access(uow, verified.partner_id, operation)
                sender = sender or uow.partners.get(verified.partner_id)
            except errors.GovgateError as error:
                refused = error
        with c.uow() as uow:
            if not nonce.record_in(uow):
                raise SignatureRejected(Rejection.NONCE_REPLAYED)
        if refused is not None:
            raise refused
        return verified, sender

    async def _ingest(self, scope, receive, send, request, verified, sender, operation, path) -> None:
        c = self.c
        if (request.headers.get("content-type") or "").split(";")[0].strip().lower() != NDJSON:
            raise errors.InvalidInput(f"a batch is sent as {NDJSON}", reason="unsupported_media_type",
                                      status=415)
        kind = c.batch_kinds[operation.batch_kind]
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        params = await to_thread.run_sync(kind.parameters, sender, query, path)
        digest = StreamingDigest(request.headers.get("content-digest"))
        key = idempotency_key(request)
        batch, fresh = await to_thread.run_sync(begin, c.uow, sender.id, kind.name, key, params, digest,
                                                c.clock())
        if not fresh:  # the same batch again: its status, nothing received twice
            await _drain(receive)
            await self._send_json(send, request, verified.label, 200, batch_status(batch),
                                  [("Idempotency-Replayed", "true")])
            return
        reception = BatchReception(c.uow, batch, digest, self.limits)
        try:
            await self._receive(receive, reception)
            await to_thread.run_sync(reception.end)
        except (errors.GovgateError, _Disconnected) as error:
            await to_thread.run_sync(reception.refuse, error)
            if isinstance(error, _Disconnected):
                return  # nobody is left to answer
            raise
        answer = {**batch_status(batch), "state": "received", "lines_total": reception.lines,
                  "lines_done": 0, "bytes": digest.length}
        response, fields = self._json_response(request, verified.label, 202, answer)
        record = self._evidence(request, verified, operation, batch, reception, response, fields)

        def accept() -> None:
            with c.uow() as uow:  # received and in the evidence log, or neither
                reception.accept(uow, c.clock())
                c.message_log.append(uow, record)

        try:
            await to_thread.run_sync(accept)
        except Exception as error:
            await to_thread.run_sync(reception.refuse, error)
            raise
        await _send(send, response)

    async def _receive(self, receive, reception: BatchReception) -> None:
        pending, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _Disconnected()
            chunk = message.get("body", b"")
            if chunk:
                pending.append(chunk)
                size += len(chunk)
            more = message.get("more_body", False)
            if size >= HANDOFF_BYTES or (not more and pending):
                data, pending, size = b"".join(pending), [], 0
                await to_thread.run_sync(reception.feed, data)
            if not more:
                return

    async def _download(self, send, request, verified, sender, path) -> None:
        c = self.c
        batch_id = path["batch_id"]
        with c.uow(readonly=True) as uow:
            batch = uow.batches.get(batch_id)
        if batch is None or batch.partner_id != sender.id:
            raise errors.NotFound(f"no batch {batch_id} of yours", reason="batch_not_found")
        if batch.state != DONE:
            error = errors.Conflict(f"batch {batch_id} is {batch.state}: results come when it is done",
                                    reason="batch_not_done")
            error.extra = {"lines_done": batch.lines_done, "lines_total": batch.lines_total}
            raise error
        head = HttpResponse(200, Headers([("Content-Type", NDJSON)]), b"")
        signed, _ = c.signed_exchange.sign(head, request, verified.label, digest=batch.results_digest)
        headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in signed.headers.items()]
        await send({"type": "http.response.start", "status": 200, "headers": headers})

        def page(after: int):
            with c.uow(readonly=True) as uow:
                return uow.batches.lines(batch_id, after, 2000)

        after = 0
        while True:
            lines = await to_thread.run_sync(page, after)
            if not lines:
                break
            after = lines[-1].seq
            body = "".join(line.result + "\n" for line in lines).encode()
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    def _evidence(self, request, verified, operation, batch, reception, response, fields) -> MessageRecord:
        c = self.c
        manifest = json.dumps({"batch_id": batch.id, "kind": batch.kind, "params": batch.params,
                               "lines": reception.lines, "bytes": reception.digest.length,
                               "content_digest": reception.digest.value}, sort_keys=True).encode()
        return MessageRecord(
            recorded_at=format_timestamp(c.clock()), message_id=batch.id, partner_id=verified.partner_id,
            key_fingerprint=c.key_registry.fingerprint(verified.keyid), operation=operation.name,
            direction=Direction.INBOUND.value, method=request.method, target_uri=request.target_uri,
            body=manifest, content_digest=None,  # the batch's digest is in the signed components
            signature_input=f"{verified.label}={verified.signature_input}",
            signature=f"{verified.label}=:{base64.b64encode(verified.signature).decode()}:",
            covered_components=dict(verified.components), response_status=response.status,
            response_content_digest=fields.content_digest,
            response_signature_input=fields.signature_input, response_signature=fields.signature,
            response_components=base_components(fields.signature_base))

    def _json_response(self, request, label, status: int, document: dict, extra=()):
        body = json.dumps(document, ensure_ascii=False).encode()
        content_type = PROBLEM_JSON if status >= 400 else "application/json"
        response = HttpResponse(status, Headers([("Content-Type", content_type), *extra]), body)
        return self.c.signed_exchange.sign(response, request, label)

    async def _send_json(self, send, request, label, status, document, extra=()) -> None:
        response, _ = await to_thread.run_sync(self._json_response, request, label, status, document, extra)
        await _send(send, response)

    async def _problem(self, send, request, label, error: errors.GovgateError, request_id) -> None:
        extra = dict(error.extra or {})
        if isinstance(error, errors.InvalidInput) and error.errors:
            prefix = "" if error.pointers_absolute else "/body"
            extra["errors"] = [{"pointer": prefix + f.pointer, "detail": f.detail} for f in error.errors]
        headers = [("Retry-After", str(error.retry_after))] if isinstance(error, errors.Unavailable) else []
        document = problem_body(error.status, error.reason, error.detail, request_id, **extra)
        await self._send_json(send, request, label, error.status, document, headers)


class _Disconnected(Exception):
    reason = "batch_incomplete"
    detail = "the connection closed before the batch was received whole"


async def _drain(receive) -> None:
    while True:
        message = await receive()
        if message["type"] == "http.disconnect" or not message.get("more_body", False):
            return


async def _send(send, response: HttpResponse) -> None:
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in response.headers.items()
               if k.lower() != "content-length"]
    headers.append((b"content-length", str(len(response.body)).encode()))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})
