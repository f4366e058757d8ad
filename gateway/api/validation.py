"""Connexion validators that report every bad field with a JSON Pointer.

Pointers are rooted in the request viewed as one document: ``/body/...`` for body fields,
``/query/<name>``, ``/path/<name>`` and ``/header/<name>`` for parameters.
"""

from __future__ import annotations

import json

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, ExtraParameterProblem
from connexion.lifecycle import ConnexionRequest
from connexion.validators import VALIDATOR_MAP, JSONRequestBodyValidator, ParameterValidator

from ..errors import FieldError, InvalidInput

MAX_ERRORS = 50


def _escape(token) -> str:
    return str(token).replace("~", "~0").replace("/", "~1")


def _pointer(root: str, path) -> str:
    return root + "".join("/" + _escape(p) for p in path)


def _field_errors(error) -> list[FieldError]:
    base = list(error.absolute_path)
    if error.validator == "required":
        instance = error.instance if isinstance(error.instance, dict) else {}
        return [
            FieldError(_pointer("/body", [*base, name]), "is required")
            for name in error.validator_value
            if name not in instance
        ]
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        return [
            FieldError(_pointer("/body", [*base, name]), "is not a known field")
            for name in error.instance
            if name not in allowed
        ]
    return [FieldError(_pointer("/body", base), error.message[:300])]


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


# schema id → (schema, its validator). connexion builds a validator per request (~0.2 ms); an
# operation's schema is one dict for the app's life, kept here so that its id stays its own.
_COMPILED: dict[int, tuple[dict, object]] = {}


class PointingJSONBodyValidator(JSONRequestBodyValidator):
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
        try:
            parsed = json.loads(raw.decode(self._encoding))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            where = f" at line {exc.lineno} column {exc.colno}" if hasattr(exc, "lineno") else ""
            raise InvalidInput(
                f"the body is not valid JSON{where}", reason="malformed_json", status=400
            ) from None
        if b"\\u0000" in raw and _has_nul(parsed):  # no database text column can hold NUL
            # Well-formed JSON whose content no text column can hold: 422, like other content rules.
            raise InvalidInput("strings must not contain NUL (\\u0000) characters",
                               reason="nul_character", status=422)
        return parsed

    def _validate(self, body):
        if body is None:
            if not self._nullable:
                raise InvalidInput("the request needs a JSON body", reason="body_missing", status=400)
            return None
        errors: list[FieldError] = []
        for error in self._validator.iter_errors(body):
            errors.extend(_field_errors(error))
            if len(errors) >= MAX_ERRORS:
                break
        if errors:
            errors.sort(key=lambda f: f.pointer)
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


def validator_map() -> dict:
    validators = dict(VALIDATOR_MAP)
    body = MediaTypeDict(dict(VALIDATOR_MAP["body"]))
    body["*/*json"] = PointingJSONBodyValidator
    validators["body"] = body
    validators["parameter"] = PointingParameterValidator
    return validators
