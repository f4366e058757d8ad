"""The witness (C2SP tlog-witness add-checkpoint) against a log built here, and against the
gateway over real HTTP on loopback: cosigned checkpoints in bundles, and a split view refused."""

from __future__ import annotations

import json
import threading

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.bootstrap import build_container
from gateway.evidence import merkle, note, verify_bundle
from gateway.services import evidence_log
from gateway.settings import Settings
from gateway.storage import migrate
from gateway.witness.server import make_server
from gateway.witness.service import Witness, request_body
from gateway.witness.state import WitnessState
from tests.unit.evidence_factory import Parties, inbound_record

ORIGIN = "gateway.test/govgate/log"


class Log:
    """A log in memory: leaves, stored nodes, and checkpoints signed with ``key``."""

    def __init__(self, key: Ed25519PrivateKey, seed: str = "") -> None:
        self.key, self.seed, self.tree, self.nodes = key, seed, merkle.CompactRange(), {}

    def grow(self, n: int) -> str:
        for _ in range(n):
            for level, index, h in self.tree.append(merkle.leaf_hash(f"{self.seed}{self.tree.size}".encode())):
                self.nodes[(level, index)] = h
        return self.note()

    def note(self, key=None) -> str:
        text = note.Checkpoint(ORIGIN, self.tree.size, self.tree.root()).text()
        return note.Note(text, (note.sign(text, ORIGIN, key or self.key),)).format()

    def proof(self, old: int) -> list[bytes]:
        return merkle.prove(merkle.consistency_ranges(old, self.tree.size), self.nodes.__getitem__) if old else []


@pytest.fixture
def log_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture
def witness(tmp_path, log_key):
    return Witness("witness.test/w1", Ed25519PrivateKey.generate(), {ORIGIN: [note.Verifier(ORIGIN, log_key.public_key())]},
                   WitnessState(tmp_path / "witness.db"), clock=lambda: 1_767_000_000)


def test_cosigns_a_growing_log_and_keeps_its_state(witness, log_key, tmp_path):
    log = Log(log_key)
    first = witness.add_checkpoint(request_body(0, [], log.grow(5)))
    assert first.status == 200, first.body
    line = note.parse_signature_line(first.body)
    assert note.signature_holds(note.Note.parse(log.note()).text, line, witness.verifier)
    assert line.timestamp == 1_767_000_000
    grown = log.grow(8)
    second = witness.add_checkpoint(request_body(5, log.proof(5), grown))
    assert second.status == 200, second.body
    again = Witness(witness.name, witness.key, witness.logs, WitnessState(tmp_path / "witness.db"))
    assert again.state.latest(ORIGIN).size == 13  # persisted


def test_an_old_size_that_is_not_the_cosigned_one_is_409_with_that_size(witness, log_key):
    log = Log(log_key)
    witness.add_checkpoint(request_body(0, [], log.grow(4)))
    grown = log.grow(3)
    answer = witness.add_checkpoint(request_body(2, log.proof(2), grown))
    assert (answer.status, answer.content_type, answer.body) == (409, "text/x.tlog.size", "4\n")


def test_a_fork_at_the_same_size_is_refused_and_kept_as_evidence(witness, log_key):
    honest, fork = Log(log_key), Log(log_key, seed="fork")
    assert witness.add_checkpoint(request_body(0, [], honest.grow(6))).status == 200
    answer = witness.add_checkpoint(request_body(6, [], fork.grow(6)))
    assert answer.status == 409 and "split view" in answer.body
    assert witness.state.refusals() == [(ORIGIN, 409, answer.body.strip())]


def test_a_forked_larger_tree_fails_its_consistency_proof(witness, log_key):
    honest, fork = Log(log_key), Log(log_key, seed="fork")
    assert witness.add_checkpoint(request_body(0, [], honest.grow(6))).status == 200
    fork.grow(9)
    answer = witness.add_checkpoint(request_body(6, fork.proof(6), fork.note()))
    assert answer.status == 422 and witness.state.latest(ORIGIN).size == 6


@pytest.mark.parametrize("body, status", [
    (b"new 0\n\n", 400), (b"old 01\n\nx\n", 400), (b"old 0\nnot base64!\n\n", 400), (b"\xff", 400),
])
def test_malformed_requests_are_400(witness, body, status):
    assert witness.add_checkpoint(body).status == status


def test_unknown_origins_keys_and_impossible_sizes(witness, log_key):
    log = Log(log_key)
    log.grow(3)
    assert witness.add_checkpoint(request_body(0, [], log.note(key=Ed25519PrivateKey.generate()))).status == 403
    text = note.Checkpoint("other.test/log", 3, log.tree.root()).text()
    other = note.Note(text, (note.sign(text, "other.test/log", log_key),)).format()
    assert witness.add_checkpoint(request_body(0, [], other)).status == 404
    assert witness.add_checkpoint(request_body(5, [], log.note())).status == 400


@pytest.fixture
def witness_server(witness):
    server = make_server(witness, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_the_http_interface(witness_server, log_key):
    log = Log(log_key)
    response = requests.post(witness_server + "/add-checkpoint", data=request_body(0, [], log.grow(2)), timeout=5)
    assert response.status_code == 200 and response.text.startswith("— witness.test/w1 ")
    assert requests.get(witness_server + "/add-checkpoint", timeout=5).status_code == 405
    assert requests.post(witness_server + "/elsewhere", data=b"", timeout=5).status_code == 404


def _gateway(tmp_path, name: str, witness: Witness, url: str):
    settings = Settings(data_dir=tmp_path / name, database_url=f"sqlite:///{tmp_path / name / 'db.sqlite'}",
                        log_origin=ORIGIN, log_witnesses=f"{url} {witness.verifier.vkey}", log_witness_quorum=1)
    container = build_container(settings)
    migrate.upgrade(container.engine)
    return container


def test_the_gateway_collects_cosignatures_and_bundles_carry_them(tmp_path, witness, witness_server):
    c = _gateway(tmp_path, "gw", witness, witness_server)
    c.keystore.ensure_current()
    _, key = c.keystore.current()
    witness.logs[ORIGIN] = [note.Verifier(ORIGIN, key.private_key.public_key())]
    parties = Parties.fresh()
    for round_ in range(3):
        with c.uow() as uow:
            for n in range(4):
                c.message_log.append(uow, inbound_record(parties, round_ * 10 + n))
        c.message_log.integrate_once()
        assert c.witnesses.publish_once() == {"witness.test/w1": "cosigned"}
    with c.uow(readonly=True) as uow:
        assert uow.message_log.witness_positions() == {"witness.test/w1": (12, None)}
        assert uow.message_log.latest_cosigned(1).size == 12
    latest = evidence_log.latest_checkpoint(c)  # what the console shows
    assert (latest.size, latest.cosigned_by, latest.published) == (12, ("witness.test/w1",), True)
    assert latest.note.count("\n— ") == 2
    entry_message = inbound_record(parties, 1).message_id
    answer = c.message_log.evidence(entry_message, lambda uow, fp: parties.sender_jwk)
    bundle = answer["bundle"]
    assert bundle["checkpoint"].count("\n— ") == 2  # the gateway's line and the witness's
    jwks = c.keystore.jwks()
    report = verify_bundle(bundle, jwks, witnesses=[witness.verifier], quorum=1)
    statuses = {f.name: f.status for f in report.findings}
    assert statuses["witness_cosignatures"] == "holds" and statuses["inclusion_proof_valid"] == "holds"
    other = note.Verifier("witness.test/w2", Ed25519PrivateKey.generate().public_key(), note.ALG_COSIGNATURE_V1)
    refused = verify_bundle(bundle, jwks, witnesses=[witness.verifier, other], quorum=2)
    assert {f.name: f.status for f in refused.findings}["witness_cosignatures"] == "fails"
    c.close()


def test_a_split_view_shown_to_the_witness_is_refused_and_recorded(tmp_path, witness, witness_server):
    """Two databases, one gateway key and origin: the operator shows a second history to the
    witness. The witness refuses it; the forked gateway records why."""
    honest = _gateway(tmp_path, "honest", witness, witness_server)
    honest.keystore.ensure_current()
    _, key = honest.keystore.current()
    witness.logs[ORIGIN] = [note.Verifier(ORIGIN, key.private_key.public_key())]
    forked = build_container(Settings(
        data_dir=tmp_path / "honest", database_url=f"sqlite:///{tmp_path / 'fork.sqlite'}", log_origin=ORIGIN,
        log_witnesses=f"{witness_server} {witness.verifier.vkey}", log_witness_quorum=1))  # same key dir
    migrate.upgrade(forked.engine)
    parties = Parties.fresh()
    for container, numbers in ((honest, range(5)), (forked, range(100, 105))):
        with container.uow() as uow:
            for n in numbers:
                container.message_log.append(uow, inbound_record(parties, n))
        container.message_log.integrate_once()
    assert honest.witnesses.publish_once() == {"witness.test/w1": "cosigned"}
    outcome = forked.witnesses.publish_once()["witness.test/w1"]
    assert outcome.startswith("409") and "split view" in outcome
    with forked.uow(readonly=True) as uow:
        assert uow.message_log.latest_cosigned(1) is None
        assert "split view" in uow.message_log.witness_positions()["witness.test/w1"][1]
    assert [r[1] for r in witness.state.refusals()] == [409]
    honest.close()
    forked.close()


def test_the_witness_commands(tmp_path, witness, log_key):
    from click.testing import CliRunner

    from gateway.cli import main

    key = tmp_path / "w.pem"
    made = CliRunner().invoke(main, ["witness", "init", "--key", str(key), "--name", "witness.test/w9"])
    assert made.exit_code == 0, made.output
    assert note.Verifier.from_vkey(made.stdout.strip()).alg == note.ALG_COSIGNATURE_V1
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    again = CliRunner().invoke(main, ["witness", "init", "--key", str(key), "--name", "witness.test/w9"])
    assert again.exit_code == 2 and "exists" in again.output
    honest, fork = Log(log_key), Log(log_key, seed="fork")
    witness.add_checkpoint(request_body(0, [], honest.grow(3)))
    witness.add_checkpoint(request_body(3, [], fork.grow(3)))
    status = CliRunner().invoke(main, ["witness", "status", "--state", str(witness.state.path), "--json"])
    assert status.exit_code == 0, status.output
    report = json.loads(status.stdout)
    assert report["cosigned"] == [{"origin": ORIGIN, "size": 3}]
    assert [r["status"] for r in report["refused"]] == [409]
