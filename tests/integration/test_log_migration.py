"""`govgate db upgrade` of a database with a v1 hash chain: every entry kept, integrated in its
old order, and the log verifies before (v1) and after (the tree, plus the frozen v1 chain)."""

from __future__ import annotations

from sqlalchemy import insert, select, update

import tests.unit.evidence_factory as factory
from gateway.bootstrap import build_container
from gateway.evidence import GatewayKeys, verify_log
from gateway.evidence.leaf import record_leaf_hash
from gateway.settings import Settings
from gateway.storage import migrate
from gateway.storage import tables as t
from tests.integration.signed_log import LogCli, integrate_all, tamper
from tests.unit.evidence_factory import Parties, build_log, inbound_record

ENTRIES, EVERY = 23, 5
BEFORE = "0005_storage_probe"  # the revision before the Merkle log


def _v1_database(tmp_path, database_url, monkeypatch):
    """A database at the revision before v2, holding a v1 chain signed with the gateway's key."""
    settings = Settings(data_dir=tmp_path, database_url=database_url, checkpoint_interval=10)
    container = build_container(settings)
    migrate.upgrade(container.engine, BEFORE)
    container.keystore.ensure_current()
    kid, key = container.keystore.current()
    monkeypatch.setattr(factory, "GATEWAY_KID", kid)  # the factory signs v1 checkpoints under it
    parties = Parties(Parties.fresh().partner_key, key.private_key)
    log = build_log(parties, [inbound_record(parties, n) for n in range(ENTRIES)], every=EVERY)
    rows = []
    for entry in log.entries:
        values = {n: getattr(entry.record, n) for n in entry.record.__dataclass_fields__}
        values.update(covered_components=dict(values["covered_components"]),
                      response_components=dict(values["response_components"]), seq=entry.seq,
                      prev_hash=entry.prev_hash, entry_hash=entry.entry_hash, record_digest=b"\0" * 32)
        rows.append(values)
    checkpoints = [{"seq": c.seq, "head_hash": c.head_hash, "issued_at": c.issued_at, "keyid": kid,
                    "signature": c.signature} for c in log.checkpoints]
    with container.engine.begin() as conn:
        conn.execute(insert(t.message_log), rows)
        conn.execute(insert(t.checkpoints), checkpoints)
        conn.execute(update(t.log_head).values(seq=ENTRIES, entry_hash=log.entries[-1].entry_hash,
                                               last_checkpoint_seq=ENTRIES - ENTRIES % EVERY))
    return container, log


def test_upgrade_keeps_the_v1_chain_and_integrates_it_in_order(tmp_path, database_url, monkeypatch):
    container, log = _v1_database(tmp_path, database_url, monkeypatch)
    keys = GatewayKeys.from_jwks(container.keystore.jwks())
    with container.engine.connect() as conn:  # before: the v1 verifier accepts the chain
        assert conn.execute(select(t.message_log.c.seq)).scalars().all() == list(range(1, ENTRIES + 1))
    before = verify_log(iter(log.entries), iter(log.checkpoints), keys)
    assert before.ok and before.checkpoints_checked == ENTRIES // EVERY

    migrate.upgrade(container.engine)
    with container.uow(readonly=True) as uow:
        pending = list(uow.message_log.pending_entries())
    assert [e.record.message_id for e in pending] == [e.record.message_id for e in log.entries]
    assert [e.leaf_hash for e in pending] == [record_leaf_hash(e.record) for e in log.entries]
    assert integrate_all(container) == 3  # batches of 10
    with container.uow(readonly=True) as uow:
        placed = list(uow.message_log.entries())
    assert [e.record.message_id for e in placed] == [e.record.message_id for e in log.entries]

    exit_code, report = LogCli(container.settings).verify()  # after: the tree, and the v1 chain
    assert exit_code == 0, report
    assert report["entries_checked"] == ENTRIES and report["v1_chain"] == {
        "entries_checked": ENTRIES, "checkpoints_checked": ENTRIES // EVERY}

    # the frozen v1 rows are still checked: a changed one is a finding
    tamper(container.engine, update(t.message_log).where(t.message_log.c.seq == 4)
           .values(recorded_at="2020-01-01T00:00:00.000000Z"))
    exit_code, report = LogCli(container.settings).verify()
    assert exit_code == 1 and report["failure"]["code"] in ("v1_entry_mismatch", "v1_hash_mismatch")
    container.close()
