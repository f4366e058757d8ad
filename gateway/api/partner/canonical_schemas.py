"""The canonical request schemas, for bodies that arrive in a partner's idiom.

A request translated from a partner's format (e.g. the bank front-end's XML) is checked against
exactly the schema the canonical JSON endpoint's validator uses — the component of
openapi/components/policy.yaml, with connexion's Draft 4 request validator and format checker —
and its errors are reported with the same pointers (relative to the body).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from connexion.json_schema import Draft4RequestValidator
from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

from ...contract import SPEC_DIR
from ...contract_bundle import read_yaml
from ...errors import FieldError
from ..validation import MAX_ERRORS, _field_errors

POLICY_COMPONENTS = "components/policy.yaml"


MEASURE_COMPONENTS = "components/measures.yaml"


@lru_cache(maxsize=4)
def _components(spec_dir: Path = SPEC_DIR) -> dict[str, dict]:
    """Every components file by its name, so that a schema may refer across files
    (``PersonApplication`` → ``admin.yaml#/components/schemas/DivisionCode``)."""
    return {path.name: read_yaml(path) for path in sorted((spec_dir / "components").glob("*.yaml"))}


@lru_cache(maxsize=16)
def _validator(name: str, spec_dir: Path = SPEC_DIR) -> Draft4RequestValidator:
    documents = _components(spec_dir)
    for components in (POLICY_COMPONENTS, MEASURE_COMPONENTS):
        document = documents[components.removeprefix("components/")]
        if name in document["components"]["schemas"]:
            break
    else:
        raise KeyError(f"no canonical schema {name}")
    base = components.removeprefix("components/")
    registry = Registry().with_resources(
        (file, DRAFT4.create_resource(doc)) for file, doc in documents.items())
    schema = {"$ref": f"{base}#/components/schemas/{name}"}
    return Draft4RequestValidator(schema, format_checker=Draft4Validator.FORMAT_CHECKER, registry=registry)


def schema_errors(name: str, body: dict) -> list[FieldError]:
    """Every way ``body`` breaks the canonical schema ``name``; pointers relative to the body."""
    found: dict[FieldError, None] = {}  # each bad field once, however often jsonschema reports it
    for error in _validator(name).iter_errors(body):
        found.update(dict.fromkeys(FieldError(e.pointer.removeprefix("/body"), e.detail)
                                   for e in _field_errors(error)))
        if len(found) >= MAX_ERRORS:
            break
    return sorted(found, key=lambda e: e.pointer)
