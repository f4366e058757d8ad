"""An operation's body schema is compiled into a validator once, not on every request, and the
cached validator still reports every bad field as a JSON Pointer."""

from __future__ import annotations

import connexion.validators.json as connexion_json

PARTNER = {"id": "91110000600037341L", "name": "Tax of Tongliao", "roles": ["tax"],
           "division_code": "150500", "endpoint_url": "https://tax.example.cn/"}


def test_one_validator_per_operation_and_every_pointer_still_reported(client, admin_headers, monkeypatch):
    built = []
    original = connexion_json.Draft4RequestValidator

    def counting(*args, **kwargs):
        built.append(args[0])
        return original(*args, **kwargs)

    monkeypatch.setattr(connexion_json, "Draft4RequestValidator", counting)
    for _ in range(3):
        bad = client.post("/v1/admin/partners", headers=admin_headers,
                          json={"name": 7, "roles": ["tax"], "unknown": 1})
        assert bad.status_code == 400
        pointers = {e["pointer"] for e in bad.json()["errors"]}
        assert {"/body/id", "/body/name", "/body/unknown"} <= pointers
    assert client.post("/v1/admin/partners", headers=admin_headers, json=PARTNER).status_code == 201
    assert len(built) <= 1  # compiled at most once (none if an earlier test compiled it)
