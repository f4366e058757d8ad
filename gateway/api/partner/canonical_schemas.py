"""The canonical request schemas, for bodies that arrive in a partner's idiom.

A request translated from a partner's format (e.g. the bank front-end's XML) is checked against
exactly the schema the canonical JSON endpoint's validator uses — the component of
openapi/components/policy.yaml, with connexion's Draft 4 request validator and format checker —
and its errors are reported with the same pointers (relative to the body).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from connexion.json_schema import Draft4RequestValidator
from jsonschema import Draft4Validator

from ...contract import SPEC_DIR
from ...errors import FieldError
from ..validation import MAX_ERRORS, _field_errors

POLICY_COMPONENTS = "components/policy.yaml"


MEASURE_COMPONENTS = "components/measures.yaml"  # schemas without references to other files


@lru_cache(maxsize=16)
def _validator(name: str, spec_dir: Path = SPEC_DIR) -> Draft4RequestValidator:
    for components in (POLICY_COMPONENTS, MEASURE_COMPONENTS):
        with open(spec_dir / components, encoding="utf-8") as handle:
            document = yaml.safe_load(handle)
        if name in document["components"]["schemas"]:
            break
    else:
        raise KeyError(f"no canonical schema {name}")
    schema = {"$ref": f"#/components/schemas/{name}", "components": document["components"]}
    return Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def schema_errors(name: str, body: dict) -> list[FieldError]:
    """Every way ``body`` breaks the canonical schema ``name``; pointers relative to the body."""
    found: dict[FieldError, None] = {}  # each bad field once, however often jsonschema reports it
    for error in _validator(name).iter_errors(body):
        found.update(dict.fromkeys(FieldError(e.pointer.removeprefix("/body"), e.detail)
                                   for e in _field_errors(error)))
        if len(found) >= MAX_ERRORS:
            break
    return sorted(found, key=lambda e: e.pointer)
