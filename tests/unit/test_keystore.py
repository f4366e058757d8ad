"""The gateway's key directory: creation, rotation, encryption at rest, permissions, processes."""

from __future__ import annotations

import base64
import logging
import multiprocessing
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from gateway.evidence.chain import ChainHead
from gateway.evidence.checkpoint import checkpoint_signature_problem, sign_checkpoint
from gateway.evidence.keys import GatewayKeys, key_fingerprint
from gateway.keystore import GatewayKeyStore, KeystoreError
from gateway.signatures.keys import keys_from_jwks

PASSPHRASE = b"correct horse battery staple, but random"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "data" / "keys"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def key_files(directory: Path) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name.endswith(".key"))


def raises_reason(reason: str):
    return pytest.raises(KeystoreError, check=lambda e: e.reason == reason)


def test_first_key_is_created_once(key_dir, clock):
    store = GatewayKeyStore(key_dir, clock=clock)
    kid = store.ensure_current()
    assert kid.startswith("gw-20260302-") and len(kid) == len("gw-20260302-") + 8
    assert store.ensure_current() == kid
    assert GatewayKeyStore(key_dir).ensure_current() == kid
    assert key_files(key_dir) == [f"{kid}.key"]
    assert store.current()[0] == kid
    assert store.current()[1].algorithm == "ed25519"


def test_modes_hold_whatever_the_umask(key_dir):
    for umask in (0o000, 0o077):
        directory = key_dir / f"umask-{umask:o}"
        previous = os.umask(umask)
        try:
            kid = GatewayKeyStore(directory).ensure_current()
        finally:
            os.umask(previous)
        assert mode(directory) == 0o700
        assert mode(directory / f"{kid}.key") == 0o600
        assert mode(directory / f"{kid}.pub") == 0o644
        assert mode(directory / f"{kid}.json") == 0o644


def test_rotation_keeps_old_keys_published(key_dir, clock):
    store = GatewayKeyStore(key_dir, clock=clock)
    first = store.ensure_current()
    clock.now += timedelta(days=90)
    second = store.rotate()
    assert second != first and second.startswith("gw-20260531-")
    assert store.current()[0] == second

    listed = store.list()
    assert [info.kid for info in listed] == [second, first]
    assert [info.current for info in listed] == [True, False]
    assert listed[1].retired_at == clock.now and listed[0].retired_at is None
    assert listed[1].created_at == clock.now - timedelta(days=90)
    assert [jwk["kid"] for jwk in store.jwks()["keys"]] == [second, first]


def test_jwks_members_verify_what_the_private_keys_sign(key_dir):
    store = GatewayKeyStore(key_dir)
    store.ensure_current()
    signed = {}
    for _ in range(3):
        kid, key = store.current()
        signed[kid] = key.sign(f"receipt by {kid}".encode())
        store.rotate()
    jwks = store.jwks()
    assert len(jwks["keys"]) == 4
    for jwk in jwks["keys"]:
        members = (jwk["kty"], jwk["crv"], jwk["alg"], jwk["use"])
        assert members == ("OKP", "Ed25519", "EdDSA", "sig")
        assert not {"d", "p", "q"} & set(jwk)
    by_kid = {jwk["kid"]: jwk for jwk in jwks["keys"]}
    for kid, signature in signed.items():
        x = by_kid[kid]["x"]
        raw = base64.urlsafe_b64decode(x + "=" * (-len(x) % 4))
        public = Ed25519PublicKey.from_public_bytes(raw)
        public.verify(signature, f"receipt by {kid}".encode())
        with pytest.raises(InvalidSignature):
            public.verify(signature, b"another receipt")


def test_jwks_is_what_evidence_and_partner_clients_load(key_dir):
    store = GatewayKeyStore(key_dir)
    store.ensure_current()
    store.rotate()
    kid, key = store.current()
    keys = GatewayKeys.from_jwks(store.jwks())
    assert keys.unsupported == frozenset()
    fingerprints = {info.kid: info.fingerprint for info in store.list()}
    assert {k: key_fingerprint(keys.get(k)) for k in fingerprints} == fingerprints

    issued_at = "2026-03-02T09:00:00.000000Z"
    checkpoint = sign_checkpoint(ChainHead(7, bytes(32)), issued_at, key.private_key, kid)
    assert checkpoint_signature_problem(checkpoint, keys) is None

    client_side = keys_from_jwks(store.jwks())
    assert {k: info.thumbprint for k, info in client_side.items()} == {
        info.kid: info.thumbprint for info in store.list()
    }


def test_a_second_store_sees_a_rotation_without_restart(key_dir):
    worker = GatewayKeyStore(key_dir)
    operator = GatewayKeyStore(key_dir)
    first = worker.ensure_current()
    assert worker.current()[0] == first
    second = operator.rotate()
    assert worker.current()[0] == second
    third = operator.rotate()
    assert worker.current()[0] == third
    assert {info.kid for info in worker.list()} == {first, second, third}


def test_encrypted_keys_need_the_passphrase(key_dir):
    kid = GatewayKeyStore(key_dir, PASSPHRASE).ensure_current()
    pem = (key_dir / f"{kid}.key").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):
        load_pem_private_key(pem, None)

    with raises_reason("keystore_locked"):
        GatewayKeyStore(key_dir).current()
    with raises_reason("keystore_locked"):
        GatewayKeyStore(key_dir, b"wrong").current()
    assert GatewayKeyStore(key_dir, PASSPHRASE.decode()).current()[0] == kid
    # Publishing needs no secret.
    assert [jwk["kid"] for jwk in GatewayKeyStore(key_dir).jwks()["keys"]] == [kid]


def test_rotating_with_a_wrong_passphrase_is_refused(key_dir):
    kid = GatewayKeyStore(key_dir, PASSPHRASE).ensure_current()
    for passphrase in (b"wrong", None):
        with raises_reason("keystore_locked"):
            GatewayKeyStore(key_dir, passphrase).rotate()
    assert key_files(key_dir) == [f"{kid}.key"]


def test_a_passphrase_added_later_encrypts_new_keys_and_reads_old_ones(key_dir):
    old = GatewayKeyStore(key_dir).ensure_current()
    store = GatewayKeyStore(key_dir, PASSPHRASE)
    new = store.rotate()
    assert (key_dir / f"{old}.key").read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    encrypted = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"
    assert (key_dir / f"{new}.key").read_bytes().startswith(encrypted)
    assert GatewayKeyStore(key_dir, PASSPHRASE).current()[0] == new


@pytest.mark.parametrize("loose", [0o640, 0o604, 0o660], ids=lambda m: f"{m:04o}")
def test_a_private_key_open_to_others_is_refused(key_dir, loose):
    kid = GatewayKeyStore(key_dir).ensure_current()
    os.chmod(key_dir / f"{kid}.key", loose)
    with raises_reason("keystore_permissions"):
        GatewayKeyStore(key_dir).current()
    os.chmod(key_dir / f"{kid}.key", 0o400)
    assert GatewayKeyStore(key_dir).current()[0] == kid


def test_a_key_directory_others_can_write_is_refused(key_dir):
    GatewayKeyStore(key_dir).ensure_current()
    os.chmod(key_dir, 0o777)
    with raises_reason("keystore_permissions"):
        GatewayKeyStore(key_dir).current()
    with raises_reason("keystore_permissions"):
        GatewayKeyStore(key_dir).rotate()


def test_no_key_yet(key_dir):
    store = GatewayKeyStore(key_dir)
    assert store.jwks() == {"keys": []} and store.list() == []
    with raises_reason("keystore_empty"):
        store.current()


@pytest.mark.parametrize("content", [b"../../etc/passwd\n", b"", b"gw-20260302-nothere0\n"])
def test_a_current_file_naming_no_published_key_is_refused(key_dir, content):
    GatewayKeyStore(key_dir).ensure_current()
    (key_dir / "current").write_bytes(content)
    with raises_reason("keystore_corrupt"):
        GatewayKeyStore(key_dir).current()


def test_a_key_is_never_used_before_it_is_published(key_dir):
    store = GatewayKeyStore(key_dir)
    kid = store.ensure_current()
    (key_dir / f"{kid}.json").unlink()
    with raises_reason("keystore_corrupt"):
        GatewayKeyStore(key_dir).current()
    assert GatewayKeyStore(key_dir).jwks() == {"keys": []}


def test_mismatched_or_damaged_files_are_corrupt(key_dir):
    first = GatewayKeyStore(key_dir).ensure_current()
    second = GatewayKeyStore(key_dir).rotate()
    (key_dir / f"{second}.pub").unlink()
    os.link(key_dir / f"{first}.pub", key_dir / f"{second}.pub")
    with raises_reason("keystore_corrupt"):
        GatewayKeyStore(key_dir).current()
    (key_dir / f"{first}.json").write_text('{"kid": "someone-else"}')
    with raises_reason("keystore_corrupt"):
        GatewayKeyStore(key_dir).jwks()


def test_a_damaged_key_can_be_rotated_away_and_deleted(key_dir, clock):
    old = GatewayKeyStore(key_dir, clock=clock).ensure_current()
    damaged = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    (key_dir / f"{old}.key").write_bytes(damaged)
    with raises_reason("keystore_corrupt"):
        GatewayKeyStore(key_dir).current()
    clock.now += timedelta(minutes=1)
    new = GatewayKeyStore(key_dir, clock=clock).rotate()
    store = GatewayKeyStore(key_dir)
    assert store.current()[0] == new
    (key_dir / f"{old}.key").unlink()  # a retired key's private half may go; it stays published
    assert [(info.kid, info.retired_at) for info in store.list()] == [(new, None), (old, clock.now)]
    assert [jwk["kid"] for jwk in store.jwks()["keys"]] == [new, old]


def test_a_crash_before_naming_the_first_key_is_recovered(key_dir):
    kid = GatewayKeyStore(key_dir).ensure_current()
    (key_dir / "current").unlink()
    assert GatewayKeyStore(key_dir).ensure_current() == kid
    assert key_files(key_dir) == [f"{kid}.key"]


def test_a_half_synchronised_rotation_keeps_signing_with_the_old_key(key_dir, caplog):
    worker = GatewayKeyStore(key_dir)
    old = worker.ensure_current()
    assert worker.current()[0] == old
    new = GatewayKeyStore(key_dir).rotate()
    parked = key_dir.parent / "parked.key"
    os.replace(key_dir / f"{new}.key", parked)

    with caplog.at_level(logging.WARNING, logger="gateway.keystore.store"):
        assert worker.current()[0] == old
        assert worker.current()[0] == old
    assert len(caplog.records) == 1 and new in caplog.records[0].getMessage()
    with raises_reason("keystore_corrupt"):  # a fresh process has nothing to fall back on
        GatewayKeyStore(key_dir).current()

    os.replace(parked, key_dir / f"{new}.key")
    assert worker.current()[0] == new


def _race(directory: str, barrier, results, action: str) -> None:
    store = GatewayKeyStore(Path(directory))
    barrier.wait()
    results.put(getattr(store, action)())


def _run_racers(directory: Path, action: str, count: int) -> list[str]:
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(count), context.Queue()
    racers = [context.Process(target=_race, args=(str(directory), barrier, results, action))
              for _ in range(count)]
    for racer in racers:
        racer.start()
    kids = [results.get(timeout=30) for _ in racers]
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0
    return kids


def test_processes_racing_to_initialise_create_exactly_one_key(key_dir):
    kids = _run_racers(key_dir, "ensure_current", 6)
    assert len(set(kids)) == 1
    assert key_files(key_dir) == [f"{kids[0]}.key"]


def test_processes_rotating_at_once_each_publish_a_key(key_dir):
    first = GatewayKeyStore(key_dir).ensure_current()
    kids = _run_racers(key_dir, "rotate", 4)
    store = GatewayKeyStore(key_dir)
    listed = store.list()
    assert {info.kid for info in listed} == {first, *kids}
    assert store.current()[0] in kids
    # Rotations were serialised: each key but the last was retired by the next one.
    assert [info.kid for info in listed if info.retired_at is None] == [store.current()[0]]
