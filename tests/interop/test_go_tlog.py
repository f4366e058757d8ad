"""Interop: Go's golang.org/x/mod/sumdb/note and sumdb/tlog accept the gateway's checkpoints,
inclusion proofs and consistency proofs (and refuse a tampered one).

Needs `go` and Debian's golang-golang-x-mod-dev (`apt-get install -y golang-go
golang-golang-x-mod-dev`); skipped, saying so, when either is missing.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gateway.evidence.keys import GatewayKeys
from gateway.evidence.note import gateway_verifiers
from tests.unit.evidence_factory import Parties, inbound_record

GOPATH = Path("/usr/share/gocode")
PROGRAM = Path(__file__).with_name("verify_with_go_tlog.go")

pytestmark = pytest.mark.skipif(
    shutil.which("go") is None or not (GOPATH / "src/golang.org/x/mod/sumdb/tlog").is_dir(),
    reason="needs go and golang.org/x/mod (apt-get install -y golang-go golang-golang-x-mod-dev)")


def _go(fixture: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "GOPATH": str(GOPATH), "GO111MODULE": "off", "GOCACHE": str(tmp_path / "gocache")}
    return subprocess.run(["go", "run", str(PROGRAM), str(fixture)], capture_output=True, text=True,
                          env=env, timeout=300)


def test_go_verifies_checkpoints_and_proofs(container, tmp_path):
    container.keystore.ensure_current()
    parties = Parties.fresh()
    for numbers in (range(0, 7), range(7, 20)):
        with container.uow() as uow:
            for n in numbers:
                container.message_log.append(uow, inbound_record(parties, n))
        container.message_log.integrate_once()
    log = container.message_log
    with container.uow(readonly=True) as uow:
        old, new = uow.message_log.checkpoint(7), uow.message_log.checkpoint(20)
        entry = next(e for e in uow.message_log.entries() if e.index == 5)
        inclusion = log.inclusion_proof(uow, 5, 20)
        consistency = log.consistency_proof(uow, 7, 20)
    [verifier] = gateway_verifiers(log.origin, GatewayKeys.from_jwks(container.keystore.jwks()))
    fixture = {"vkey": verifier.vkey, "old_checkpoint": old.note, "new_checkpoint": new.note,
               "leaf_index": 5, "leaf_hash": base64.b64encode(entry.leaf_hash).decode(),
               "inclusion_proof": [base64.b64encode(h).decode() for h in inclusion],
               "consistency_proof": [base64.b64encode(h).decode() for h in consistency]}
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(fixture))
    result = _go(path, tmp_path)
    assert (result.returncode, result.stdout) == (0, "ok\n"), result.stdout + result.stderr

    fixture["inclusion_proof"][1] = base64.b64encode(bytes(32)).decode()  # one hash changed
    path.write_text(json.dumps(fixture))
    refused = _go(path, tmp_path)
    assert refused.returncode == 1 and "tlog.CheckRecord" in refused.stdout
