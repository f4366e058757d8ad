"""/admin/partners/{partner_id}/keys"""

from __future__ import annotations

from ...domain.admin import Permission
from ...services import keys
from ...services.partners import PartnerRegistry
from . import present
from ._common import read, run, timestamp


def list_keys(partner_id):
    def work(uow, now):
        PartnerRegistry.get(uow, partner_id)
        return uow.keys.for_partner(partner_id)

    return present.ok({"items": [present.key(k) for k in read("key.list", "partner", partner_id, work)]})


def register_key(partner_id, body):
    not_before = timestamp(body.get("not_before"), "/body/not_before")
    not_after = timestamp(body.get("not_after"), "/body/not_after")
    key = run("key.register", "partner", partner_id, Permission.WRITE, lambda uow, now: keys.register(
        uow, partner_id, body["public_key"], keyid=body.get("keyid"), algorithm=body.get("algorithm"),
        not_before=not_before, not_after=not_after, now=now))
    return present.ok(present.key(key), 201)


def get_key(partner_id, keyid):
    key = read("key.get", "key", keyid, lambda uow, now: keys.get(uow, keyid, partner_id))
    return present.ok(present.key(key))


def update_key(partner_id, keyid, body):
    not_after = timestamp(body.get("not_after"), "/body/not_after")
    key = run("key.update", "key", keyid, Permission.WRITE,
              lambda uow, now: keys.set_expiry(uow, keyid, not_after, partner_id))
    return present.ok(present.key(key))


def revoke_key(partner_id, keyid, body):
    key = run("key.revoke", "key", keyid, Permission.WRITE,
              lambda uow, now: keys.revoke(uow, keyid, body["reason"], now, partner_id))
    return present.ok(present.key(key))
