"""Reading the OpenAPI document for what the gateway itself needs from it (access-right groups)."""

from __future__ import annotations

from pathlib import Path

import yaml

from .domain.partners import OperationCatalogue

SPEC_DIR = Path(__file__).resolve().parent.parent / "openapi"
SPEC_FILE = "gateway.yaml"
METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def load_spec(spec_dir: Path = SPEC_DIR) -> dict:
    with open(spec_dir / SPEC_FILE, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


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


def short_operation_id(operation_id: str) -> str:
    """Grants name an operation by the last part of its operationId (the handler's name)."""
    return operation_id.rsplit(".", 1)[-1]
