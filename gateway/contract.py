"""Reading the OpenAPI document for what the gateway itself needs from it (access-right groups)."""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path

from .contract_bundle import bundle, read_yaml
from .domain.partners import OperationCatalogue

SPEC_DIR = Path(__file__).resolve().parent.parent / "openapi"
SPEC_FILE = "gateway.yaml"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def load_spec(spec_dir: Path = SPEC_DIR) -> dict:
    """The gateway's OpenAPI document, bundled into one (contract_bundle): a fresh copy each call,
    the files read once per process."""
    return copy.deepcopy(_bundled(spec_dir))


@functools.cache
def _bundled(spec_dir: Path) -> dict:
    return bundle(spec_dir / SPEC_FILE)


def operation_catalogue(spec: dict) -> OperationCatalogue:
    """Operations marked with ``x-govgate-grant-groups`` are grantable; the groups come with them."""
    grantable: set[str] = set()
    groups: dict[str, set[str]] = {}
    for path_item in spec.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS or "x-govgate-grant-groups" not in operation:
                continue
            name = short_operation_id(operation["operationId"])
            grantable.add(name)
            for group in operation["x-govgate-grant-groups"]:
                groups.setdefault(group, set()).add(name)
    return OperationCatalogue(
        grantable=frozenset(grantable), groups={g: frozenset(ops) for g, ops in groups.items()}
    )


@dataclass(frozen=True)
class PartnerOperation:
    """How the contract says a partner operation is protected."""

    operation_id: str
    name: str  # the short name grants and idempotency scopes use
    grant_required: bool  # False where the operation says x-govgate-grant: none
    admin_allowed: bool  # an admin token is accepted as well
    roles: frozenset[str] = frozenset()  # partner roles allowed to call it (empty: any)
    # x-govgate-idiom: the partner idiom (an adapter's format) its answers and errors speak.
    idiom: str | None = None
    path: str = ""  # the full request path (servers' base + the spec path)
    # x-govgate-bulk: "ingest" (a streamed NDJSON batch of kind x-govgate-batch-kind) or
    # "download" (streamed results); served by api/partner/bulk.py before the body is buffered.
    bulk: str | None = None
    batch_kind: str | None = None
    method: str = ""


def partner_operations(spec: dict) -> dict:
    """operationId → how a partner operation is protected (security ``partnerSignature``)."""
    found = {}
    base = (spec.get("servers") or [{}])[0].get("url", "").rstrip("/")
    for path, path_item in spec.get("paths", {}).items():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            schemes = {name for requirement in operation.get("security", spec.get("security", []))
                       for name in requirement}
            if "partnerSignature" not in schemes:
                continue
            operation_id = operation["operationId"]
            found[operation_id] = PartnerOperation(
                operation_id=operation_id,
                name=short_operation_id(operation_id),
                grant_required=operation.get("x-govgate-grant") != "none",
                admin_allowed="adminToken" in schemes,
                roles=frozenset(operation.get("x-govgate-roles", ())),
                idiom=operation.get("x-govgate-idiom"),
                path=base + path,
                bulk=operation.get("x-govgate-bulk"),
                batch_kind=operation.get("x-govgate-batch-kind"),
                method=method.upper(),
            )
    return found


def idiom_of(operations: dict, *, operation_id: str | None = None, path: str | None = None) -> str | None:
    """The idiom an operation's errors are rendered in, found by operationId or (before routing,
    e.g. a 413) by its literal path; None for problem+json."""
    operation = operations.get(operation_id or "")
    if operation is None and path:
        operation = next((o for o in operations.values() if o.idiom and o.path == path), None)
    return operation.idiom if operation else None


def routes(spec: dict) -> dict[str, str]:
    """operationId → its path template with the servers' base (``/v1/messages/{id}``)."""
    base = (spec.get("servers") or [{}])[0].get("url", "").rstrip("/")
    return {operation["operationId"]: base + path for path, path_item in spec.get("paths", {}).items()
            for method, operation in path_item.items() if method in METHODS}
# The order methods are listed in an Allow header.
ALLOW_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


@dataclass(frozen=True)
class PathMethods:
    """The methods the contract defines on each path: what a 405's ``Allow`` lists (RFC 9110
    §15.5.6). HEAD is listed wherever GET is, because the server answers it there."""

    routes: tuple[tuple[re.Pattern, tuple[str, ...]], ...]

    def allowed(self, path: str) -> tuple[str, ...] | None:
        """The methods of the contract's path ``path`` matches, or None for no such path."""
        for pattern, methods in self.routes:
            if pattern.fullmatch(path):
                return methods
        return None


def path_methods(spec: dict) -> PathMethods:
    base = (spec.get("servers") or [{}])[0].get("url", "").rstrip("/")
    routes = []
    for path, path_item in spec.get("paths", {}).items():
        methods = {method.upper() for method in path_item if method in METHODS}
        if "GET" in methods:
            methods.add("HEAD")
        literal = re.split(r"\{[^}/]+\}", base + path)
        pattern = re.compile("[^/]+".join(re.escape(part) for part in literal))
        routes.append((pattern, tuple(m for m in ALLOW_ORDER if m in methods)))
    return PathMethods(tuple(routes))


def short_operation_id(operation_id: str) -> str:
    """Grants name an operation by the last part of its operationId (the handler's name)."""
    return operation_id.rsplit(".", 1)[-1]


def component_schema(name: str, file: str = "measures.yaml", spec_dir: Path = SPEC_DIR) -> dict:
    """A component schema with every ``$ref`` inlined, for validating content connexion does not
    see (the lines of a bulk batch). OpenAPI's ``nullable`` is not used by these schemas."""
    documents: dict[str, dict] = {}

    def load(filename: str) -> dict:
        if filename not in documents:
            documents[filename] = read_yaml(spec_dir / "components" / filename)
        return documents[filename]

    def inline(node, current: str):
        if isinstance(node, dict):
            if "$ref" in node:
                target, _, pointer = node["$ref"].partition("#")
                filename = target or current
                found = load(filename)
                for part in pointer.strip("/").split("/"):
                    found = found[part]
                return inline(found, filename)
            return {k: inline(v, current) for k, v in node.items() if not k.startswith("x-")}
        if isinstance(node, list):
            return [inline(v, current) for v in node]
        return node

    return inline(load(file)["components"]["schemas"][name], file)


def line_validator(name: str, file: str = "measures.yaml"):
    """``check(document) -> [(pointer, message)]`` for one component schema, fast on the hot path
    of a bulk batch: a compiled validator (fastjsonschema) says yes or no; only a line it refuses
    is walked again (jsonschema) to report every bad field with its JSON Pointer."""
    import fastjsonschema
    import jsonschema

    schema = component_schema(name, file)
    compiled = fastjsonschema.compile(schema)
    thorough = jsonschema.Draft4Validator(schema)

    def check(document) -> list[tuple[str, str]]:
        try:
            compiled(document)
            return []
        except fastjsonschema.JsonSchemaException:
            errors = sorted(thorough.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
            return [("/" + "/".join(str(p) for p in e.absolute_path), e.message[:200]) for e in errors[:20]] \
                or [("", "does not match the schema")]

    return check
