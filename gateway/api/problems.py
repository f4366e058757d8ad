"""Every error becomes an RFC 9457 ``application/problem+json`` response, here and only here.

``type`` is a stable URI per kind of problem (``urn:govgate:problem:<kind>``, listed in
docs/problems.md); ``reason`` is the finer machine slug; ``request_id`` lets an operator find the
log line. Nothing from a Python exception (messages of foreign errors, tracebacks, class names)
reaches the caller.
"""

from __future__ import annotations

import json
import logging

from connexion.exceptions import (
    ExtraParameterProblem,
    NonConformingResponse,
    OAuthProblem,
    ProblemException,
    UnsupportedMediaTypeProblem,
)
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from .. import errors as e
from ..contract import idiom_of
from ..domain.personal import scrub

log = logging.getLogger("govgate.problems")

PROBLEM_JSON = "application/problem+json"

KINDS: dict[int, tuple[str, str]] = {
    400: ("invalid-request", "The request is malformed"),
    401: ("unauthenticated", "Authentication failed"),
    403: ("forbidden", "Not allowed"),
    404: ("not-found", "Not found"),
    405: ("method-not-allowed", "Method not allowed"),
    408: ("request-timeout", "The request did not arrive in time"),
    409: ("conflict", "Conflict with the current state"),
    413: ("payload-too-large", "Request body too large"),
    415: ("unsupported-media-type", "Unsupported media type"),
    431: ("header-fields-too-large", "Request header fields too large"),
    422: ("validation-failed", "The request content is not acceptable"),
    429: ("rate-limited", "Too many requests"),
    500: ("internal-error", "Internal error"),
    503: ("unavailable", "Service unavailable"),
    504: ("upstream-timeout", "A partner system did not answer in time"),
}


def problem_body(status: int, reason: str, detail: str, request_id: str | None, **extra) -> dict:
    kind, title = KINDS.get(status, KINDS[500] if status >= 500 else KINDS[400])
    body = {
        "type": f"urn:govgate:problem:{kind}",
        "title": title,
        "status": status,
        "detail": scrub(detail),  # no citizen ID number in a problem, whoever raised it
        "reason": reason,
    }
    if request_id:
        body["request_id"] = request_id
    body.update({k: v for k, v in extra.items() if v is not None})
    if isinstance(body.get("errors"), list):
        body["errors"] = [{**e, "detail": scrub(e["detail"])} if isinstance(e, dict) and
                          isinstance(e.get("detail"), str) else e for e in body["errors"]]
    return body


def problem_response(status: int, reason: str, detail: str, request_id: str | None, *, headers=None, **extra):
    body = json.dumps(problem_body(status, reason, detail, request_id, **extra), ensure_ascii=False)
    return ConnexionResponse(
        status_code=status, mimetype=PROBLEM_JSON, content_type=PROBLEM_JSON,
        body=body.encode(), headers=headers or {},
    )


def _request_id(request: ConnexionRequest) -> str | None:
    return request.scope.get("govgate.request_id")


def idiom_renderer(scope, container=None):
    """The renderer of the partner idiom the request's operation speaks (``x-govgate-idiom``,
    registered by its adapter in ``container.error_idioms``), or None for problem+json.
    A renderer is ``render(status, reason, detail, errors) -> (content type, bytes)``; ``errors``
    are the problem's field errors (``[{"pointer", "detail"}]``, or None) and it never raises."""
    container = container or scope.get("govgate.container")
    renderers = getattr(container, "error_idioms", None)
    if not renderers:
        return None
    operation_id = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
    idiom = idiom_of(container.partner_operations, operation_id=operation_id, path=scope.get("path"))
    return renderers.get(idiom) if idiom else None


def _answer(request: ConnexionRequest, status: int, reason: str, detail: str, *, headers=None, **extra):
    """problem+json, or the same status in the operation's partner idiom."""
    detail = scrub(detail)  # in every idiom: no citizen ID number echoed (docs/privacy.md)
    render = idiom_renderer(request.scope)
    if render is None:
        return problem_response(status, reason, detail, _request_id(request), headers=headers, **extra)
    content_type, body = render(status, reason, detail, extra.get("errors"))
    return ConnexionResponse(status_code=status, content_type=content_type, body=body, headers=headers or {})


def field_errors(exc: e.GovgateError) -> list[dict] | None:
    """An ``InvalidInput``'s field errors as problem members, pointers rooted in the request."""
    if not isinstance(exc, e.InvalidInput) or not exc.errors:
        return None
    prefix = "" if getattr(exc, "pointers_absolute", False) else "/body"
    return [{"pointer": prefix + f.pointer, "detail": f.detail} for f in exc.errors]


def govgate_error(request: ConnexionRequest, exc: e.GovgateError) -> ConnexionResponse:
    headers = {}
    extra: dict = dict(exc.extra or {})
    if isinstance(exc, e.InvalidInput) and exc.errors:
        extra["errors"] = field_errors(exc)
    if isinstance(exc, (e.RateLimited, e.Unavailable)):
        headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, e.Unauthenticated) and request.scope.get("govgate.auth") == "bearer":
        headers["WWW-Authenticate"] = 'Bearer realm="govgate-admin"'
    if exc.status >= 500:
        log.error("request failed: %s (%s)", exc.reason, exc.detail, extra={"request_id": _request_id(request)})
    return _answer(request, exc.status, exc.reason, exc.detail, headers=headers, **extra)


def connexion_problem(request: ConnexionRequest, exc: ProblemException) -> ConnexionResponse:
    """Connexion's own problems (routing, media types, security), in our shape."""
    status = exc.status or 500
    if isinstance(exc, ExtraParameterProblem):
        reason, detail = "unknown_parameter", str(exc.detail)
    elif isinstance(exc, UnsupportedMediaTypeProblem):
        reason, detail = "unsupported_media_type", "the Content-Type of the request is not accepted here"
    elif isinstance(exc, OAuthProblem):
        reason, detail = "credentials_missing", "send an admin token: Authorization: Bearer ggat_…"
    elif isinstance(exc, NonConformingResponse):
        log.error("response does not conform to the contract: %s", exc.detail,
                  extra={"request_id": _request_id(request)})
        reason, detail = "response_nonconforming", "the gateway produced a response outside its contract"
    elif status >= 500:
        log.error("connexion problem %s: %s", status, exc.detail, extra={"request_id": _request_id(request)})
        reason, detail = "internal_error", "an internal error occurred; quote the request_id"
    else:
        reason, detail = "invalid_request", str(exc.detail or KINDS.get(status, KINDS[400])[1])
    headers = dict(exc.headers or {})
    return _answer(request, status, reason, detail, headers=headers)


def http_error(request: ConnexionRequest, exc: HTTPException) -> ConnexionResponse:
    status = exc.status_code
    reasons = {404: "route_not_found", 405: "method_not_allowed"}
    detail = {404: "no such endpoint; see /v1/openapi.json", 405: "this endpoint does not accept that method"}
    headers = dict(exc.headers or {})
    allowed = _allowed(request) if status == 405 else None
    if allowed is not None:  # else (the spec and UI routes) werkzeug's list is right
        headers = {k: v for k, v in headers.items() if k.lower() != "allow"}
        headers["Allow"] = ", ".join(allowed)
    return _answer(
        request, status, reasons.get(status, "http_error"),
        detail.get(status, KINDS.get(status, KINDS[400])[1]), headers=headers,
    )


def _allowed(request: ConnexionRequest) -> tuple[str, ...] | None:
    """The contract's methods for the path: werkzeug's own list names one route's methods only
    (each operation is a route of its own), so it said ``HEAD, GET`` where POST exists too."""
    container = request.scope.get("govgate.container")
    return container.path_methods.allowed(request.scope.get("path", "")) if container else None


def unexpected(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    request_id = _request_id(request)
    log.exception("unhandled error", exc_info=exc, extra={"request_id": request_id})
    return _answer(request, 500, "internal_error", "an internal error occurred; quote the request_id")


def register(app) -> None:
    """Error handlers on the connexion app (not the inner Flask app), most specific first."""
    app.add_error_handler(e.GovgateError, govgate_error)
    app.add_error_handler(ProblemException, connexion_problem)
    app.add_error_handler(HTTPException, http_error)
    app.add_error_handler(Exception, unexpected)
