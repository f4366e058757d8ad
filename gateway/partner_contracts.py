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

import functools
from pathlib import Path
from typing import Any

from .contract import SPEC_DIR
from .contract_bundle import bundle

PARTNERS_DIR = SPEC_DIR / "partners"


class UnknownContract(LookupError):
    pass


def names(directory: Path = PARTNERS_DIR) -> list[str]:
    return sorted(path.stem for path in directory.glob("*.yaml"))


@functools.cache
def load(name: str, directory: Path = PARTNERS_DIR) -> dict[str, Any]:
    if name not in names(directory):
        raise UnknownContract(name)
    path = (directory / f"{name}.yaml").resolve()
    return bundle(path)
