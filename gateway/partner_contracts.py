"""The interfaces partners must serve, as OpenAPI documents (``openapi/partners/*.yaml``).

    names()                   the published documents, e.g. ["canonical-recipient", "hr-person-facts"]
    load(name)                one document, self-contained: the gateway's schemas it borrows
                              (``../components/policy.yaml#/components/schemas/X``) are copied
                              into its own ``components.schemas`` under the same names

The documents reuse the gateway's canonical schemas rather than restating them, so a delivery's
``payload`` is described by exactly the schema the sender's request was validated against. Served
as ``GET /v1/partner-contracts/{name}``, they must not point at files a partner cannot fetch, hence
the bundling. Read once per process: they are part of the installed code.
"""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

import yaml

from .contract import SPEC_DIR

PARTNERS_DIR = SPEC_DIR / "partners"
SCHEMAS = "/components/schemas/"


class UnknownContract(LookupError):
    pass


def names(directory: Path = PARTNERS_DIR) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.yaml"))


@functools.cache
def load(name: str, directory: Path = PARTNERS_DIR) -> dict[str, Any]:
    if name not in names(directory):
        raise UnknownContract(name)
    path = (directory / f"{name}.yaml").resolve()
    return _Bundler(path).bundle()


@functools.cache
def _read(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


class _Bundler:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.document = copy.deepcopy(_read(root))
        own = self.document.setdefault("components", {}).setdefault("schemas", {})
        self.origin = {name: (root, SCHEMAS + name) for name in own}
        self.borrowed: dict[str, Any] = {}

    def bundle(self) -> dict[str, Any]:
        document = self._walk(self.document, self.root)
        document["components"]["schemas"].update(self.borrowed)
        return document

    def _walk(self, node: Any, base: Path) -> Any:
        if isinstance(node, list):
            return [self._walk(item, base) for item in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            return self._ref(node["$ref"], base)
        return {key: self._walk(value, base) for key, value in node.items()}

    def _ref(self, ref: str, base: Path) -> dict[str, str]:
        file, _, pointer = ref.partition("#")
        target = (base.parent / file).resolve() if file else base
        if target == self.root:
            return {"$ref": ref if not file else "#" + pointer}
        if not pointer.startswith(SCHEMAS):  # only schemas are borrowed; keep the rule simple
            raise ValueError(f"{self.root.name}: cannot bundle {ref}")
        name = pointer[len(SCHEMAS):]
        if self.origin.setdefault(name, (target, pointer)) != (target, pointer):
            raise ValueError(f"{self.root.name}: two schemas named {name}")
        if name not in self.borrowed:
            self.borrowed[name] = {}  # claimed first, so a schema that refers to itself terminates
            self.borrowed[name] = self._walk(_read(target)["components"]["schemas"][name], target)
        return {"$ref": "#" + SCHEMAS + name}
