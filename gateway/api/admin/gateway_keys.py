"""/admin/gateway-keys: the gateway's own signing keys."""

from __future__ import annotations

from ...domain.admin import Permission
from .. import context
from . import present
from ._common import read, run


def _key(info) -> dict:
    return {
        "kid": info.kid,
        "algorithm": info.algorithm,
        "created_at": present.when(info.created_at),
        "current": info.current,
        "fingerprint": info.fingerprint,
        "thumbprint": info.thumbprint,
    }


def list_gateway_keys():
    keystore = context.container().keystore
    items = read("gateway_key.list", "gateway_key", None, lambda uow, now: keystore.list())
    return present.ok({"items": [_key(k) for k in items]})


def rotate_gateway_key():
    keystore = context.container().keystore

    def work(uow, now):
        kid = keystore.rotate()
        return kid, None, {"kid": kid}

    kid = run("gateway_key.rotate", "gateway_key", None, Permission.WRITE, work)
    [info] = [k for k in keystore.list() if k.kid == kid]
    return present.ok(_key(info), 201)
