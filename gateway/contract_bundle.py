"""One self-contained OpenAPI document from a document and the component files it refers to.

    bundle(root)   root's document with every ``<file>#/components/<section>/<name>`` it reaches
                   (directly or through other files) copied into its own ``components`` under the
                   same name (``<file stem>.<name>`` where two files use one name), and each ``$ref`` made
                   local (``#/components/<section>/<name>``)

Why: a partner fetching a published contract cannot follow a reference into the gateway's files,
and connexion, handed one document, no longer reads and resolves two dozen YAML files for each
app it builds.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

COMPONENTS = "/components/"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when installed: ~10× faster


@functools.cache
def read_yaml(path: Path) -> Any:
    """A YAML file of the installed code, parsed once per process (callers must not change it)."""
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_LOADER)


def bundle(root: Path) -> dict[str, Any]:
    return _Bundler(root.resolve()).bundle()


class _Bundler:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.document = read_yaml(root)  # shared with other readers: the walk copies, never changes it
        self.origin = {(section, name): (root, f"{COMPONENTS}{section}/{name}")
                       for section, items in self.document.get("components", {}).items() for name in items}
        self.borrowed: dict[tuple[str, str], Any] = {}

    def bundle(self) -> dict[str, Any]:
        document = self._walk(self.document, self.root)
        document.setdefault("components", {})
        for (section, name), node in self.borrowed.items():
            document["components"].setdefault(section, {})[name] = node
        return document

    def _walk(self, node: Any, base: Path) -> Any:
        if isinstance(node, list):
            return [self._walk(item, base) for item in node]
        if not isinstance(node, dict):
            return node
        if isinstance(node.get("$ref"), str):
            return self._ref(node["$ref"], base) | {k: self._walk(v, base) for k, v in node.items() if k != "$ref"}
        return {key: self._walk(value, base) for key, value in node.items()}

    def _ref(self, ref: str, base: Path) -> dict[str, str]:
        file, _, pointer = ref.partition("#")
        target = (base.parent / file).resolve() if file else base
        if target == self.root:
            return {"$ref": "#" + pointer}
        section, _, name = pointer.removeprefix(COMPONENTS).partition("/")
        if not pointer.startswith(COMPONENTS) or not name or "/" in name:
            raise ValueError(f"{self.root.name}: cannot bundle {ref} (only /components/<section>/<name>)")
        key = self._name(section, name, target, pointer)
        if key not in self.borrowed:
            self.borrowed[key] = {}  # claimed first, so a component that refers to itself terminates
            self.borrowed[key] = self._walk(read_yaml(target)["components"][section][name], target)
        return {"$ref": f"#{COMPONENTS}{section}/{key[1]}"}

    def _name(self, section: str, name: str, target: Path, pointer: str) -> tuple[str, str]:
        """The component's name in the bundle: its own, or ``<file stem>.<name>`` when a
        different component of that section already has it (admin's and policy's CreditCode)."""
        for candidate in (name, f"{target.stem}.{name}"):
            if self.origin.setdefault((section, candidate), (target, pointer)) == (target, pointer):
                return section, candidate
        raise ValueError(f"{self.root.name}: two {section} named {target.stem}.{name}")
