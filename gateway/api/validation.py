"""Connexion validators that report every bad field with a JSON Pointer.

Pointers are rooted in the request viewed as one document: ``/body/...`` for body fields,
``/query/<name>``, ``/path/<name>`` and ``/header/<name>`` for parameters.
"""

from __future__ import annotations

import re

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, ExtraParameterProblem
from connexion.lifecycle import ConnexionRequest
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
)

from .. import strict_json
from ..domain.personal import PERSONAL_FIELDS, echo_free
from ..errors import FieldError, InvalidInput
from ..observability.spans import NO_TRACING, Tracer

MAX_ERRORS = 50


def _escape(token) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _pointer(root: str, path) -> str:
    return root + "".join("/" + _escape(p) for p in path)


def out_of_range(error) -> bool:
    """A string of the right form (its schema's ``x-govgate-form``) that the schema's
    ``pattern`` refuses: beyond the range the pattern bounds, e.g. a date in the year 0000."""
    form = error.schema.get("x-govgate-form") if isinstance(error.schema, dict) else None
    return (error.validator == "pattern" and form is not None and isinstance(error.instance, str)
            and re.fullmatch(form, error.instance) is not None)


def _field_errors(error) -> list[FieldError]:
    base = list(error.absolute_path)
    if out_of_range(error):
        return [FieldError(_pointer("/body", base), f"outside the range: {error.schema['x-govgate-range']}")]
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        return [
            FieldError(_pointer("/body", [*base, name]), "is required")
            for name in error.validator_value
            if name not in instance
        ]
    if error.validator in ("oneOf", "anyOf") and error.context:
        # A body fitting none of the alternatives (e.g. MeasureApplication): report the fields
        # of the alternative it came closest to, not one line about the whole body.
        branches: dict = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = min(branches.values(), key=len)
        return [f for sub in closest for f in _field_errors(sub)]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        return [
            FieldError(_pointer("/body", [*base, name]), "is not a known field")
            for name in error.instance
            if name not in allowed
        ]
    message = error.message
    if base and str(base[-1]) in PERSONAL_FIELDS:  # personal data is not echoed (docs/privacy.md)
        message = echo_free(message, error.instance)
    return [FieldError(_pointer("/body", base), message[:300])]


# Content rules (the text itself cannot be stored or carried) are 422; the rest of what
# ``strict_json`` refuses is a malformed request, 400.
_CONTENT_REASONS = {"invalid_unicode": 422, "nul_character": 422}


def parse_body(raw: bytes):
    """The JSON body, read strictly (``gateway.strict_json``); ``InvalidInput`` when refused."""
    try:
        return strict_json.loads(raw)
    except strict_json.JsonRefused as refused:
        raise InvalidInput(
            refused.detail, reason=refused.reason, status=_CONTENT_REASONS.get(refused.reason, 400),
            errors=[FieldError("/body" + pointer, detail) for pointer, detail in refused.pointers],
            pointers_absolute=True,
        ) from None


# schema id → (schema, its validator). connexion builds a validator per request (~0.2 ms); an
# operation's schema is one dict for the app's life, kept here so that its id stays its own.
_COMPILED: dict[int, tuple[dict, object]] = {}


class PointingJSONBodyValidator(JSONRequestBodyValidator):
    tracer: Tracer = NO_TRACING  # validator_map gives a subclass the container's

    async def wrap_receive(self, receive, *, scope):
        """Parse and check the body against the contract: the request's ``govgate.validate`` stage."""
        with self.tracer.span("govgate.validate"):
            return await super().wrap_receive(receive, scope=scope)

    @property
    def _validator(self):
        entry = _COMPILED.get(id(self._schema))
        if entry is None or entry[0] is not self._schema:
            entry = _COMPILED[id(self._schema)] = (self._schema, super()._validator)
        return entry[1]

    async def _parse(self, stream, scope):
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return None
        return parse_body(raw)

    def _validate(self, body):
        if body is None:
            if not self._nullable:
                raise InvalidInput("the request needs a JSON body", reason="body_missing", status=400)
            return None
        found: dict[FieldError, None] = {}  # jsonschema reports "required" once per missing name
        only_out_of_range = True
        for error in self._validator.iter_errors(body):
            found.update(dict.fromkeys(_field_errors(error)))
            only_out_of_range = only_out_of_range and out_of_range(error)
            if len(found) >= MAX_ERRORS:
                break
        if found:
            errors = sorted(found, key=lambda f: f.pointer)
            if only_out_of_range:  # well-formed values beyond a published bound: content, 422
                raise InvalidInput("a value lies outside the range the contract allows",
                                   reason="out_of_range", errors=errors, status=422,
                                   pointers_absolute=True)
            raise InvalidInput(
                "the body does not match the contract", reason="schema_violation",
                errors=errors, status=400, pointers_absolute=True,
            )
        return None


class PointingParameterValidator(ParameterValidator):
    def validate_request(self, request: ConnexionRequest) -> None:
        errors: list[FieldError] = []
        if b"%00" in request.scope.get("query_string", b""):  # PostgreSQL text cannot hold NUL
            raise InvalidInput("query parameters must not contain NUL characters", reason="nul_character",
                               status=400)
        if self.strict_validation:
            extra = self.validate_query_parameter_list(request, security_params=self.security_query_params)
            errors += [FieldError(f"/query/{_escape(name)}", "is not a known parameter") for name in extra]
        checks = {
            "query": self.validate_query_parameter,
            "path": self.validate_path_parameter,
            "header": self.validate_header_parameter,
            "cookie": self.validate_cookie_parameter,
        }
        for location, check in checks.items():
            for param in self.parameters.get(location, []):
                try:
                    message = check(param, request)
                except (BadRequestProblem, ExtraParameterProblem) as problem:
                    message = str(problem.detail)
                if message:
                    name = param["name"].lower() if location == "header" else param["name"]
                    errors.append(FieldError(f"/{location}/{_escape(name)}", str(message)[:300]))
        if errors:
            raise InvalidInput(
                "parameters do not match the contract", reason="parameter_invalid",
                errors=errors, status=400, pointers_absolute=True,
            )


class HeadlessJSONResponseBodyValidator(JSONResponseBodyValidator):
    """A HEAD answer is a GET answer without its body (RFC 9110 §9.3.2): there is no body to
    hold to the GET operation's schema, only its headers."""

    def wrap_send(self, send):
        return send if self._scope.get("method") == "HEAD" else super().wrap_send(send)


def validator_map(tracer: Tracer = NO_TRACING) -> dict:
    validators = dict(VALIDATOR_MAP)
    body = MediaTypeDict(dict(VALIDATOR_MAP["body"]))
    body["*/*json"] = (PointingJSONBodyValidator if tracer is NO_TRACING else
                       type("TracedJSONBodyValidator", (PointingJSONBodyValidator,), {"tracer": tracer}))
    validators["body"] = body
    response = MediaTypeDict(dict(VALIDATOR_MAP["response"]))
    for media_type, validator in list(response.items()):
        if validator is JSONResponseBodyValidator:
            response[media_type] = HeadlessJSONResponseBodyValidator
    validators["response"] = response
    validators["parameter"] = PointingParameterValidator
    return validators
