"""Read side of the evidence log, for the API, the CLI and the console.

    latest_checkpoint(c)   the newest signed checkpoint with its witnesses' cosignature lines
    describe(c)            origin, note verifier keys, tree size, pending entries, witness state
    EvidenceLogView        the console's view: size, latest checkpoint, "verify now"
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..evidence.canonical import b64
from ..evidence.keys import GatewayKeys
from ..evidence.note import gateway_verifiers
from ..exchange.message_log import with_cosignatures


@dataclass(frozen=True)
class LatestCheckpoint:
    size: int
    root: bytes
    signed_at: datetime
    note: str  # the gateway's signed note plus every cosignature line received for it
    cosigned_by: tuple[str, ...]  # witness names
    published: bool  # cosigned by at least the configured quorum


def latest_checkpoint(c) -> LatestCheckpoint | None:
    with c.uow(readonly=True) as uow:
        latest = c.message_log.latest(uow)
    if latest is None:
        return None
    stored, cosignatures = latest
    return LatestCheckpoint(stored.size, stored.root, stored.signed_at,
                            with_cosignatures(stored.note, cosignatures.values()), tuple(sorted(cosignatures)),
                            len(cosignatures) >= c.settings.log_witness_quorum)


def describe(c) -> dict:
    with c.uow(readonly=True) as uow:
        log = uow.message_log
        state, pending, positions = log.tree(), log.pending_count(), log.witness_positions()
        published = log.latest_cosigned(c.settings.log_witness_quorum) if c.settings.log_witness_quorum else \
            log.latest_checkpoint()
    origin = state.origin or c.message_log.origin
    keys = GatewayKeys.from_jwks(c.keystore.jwks())
    witnesses = []
    for _, vkey in c.settings.witness_list:
        name = vkey.split("+", 1)[0]
        size, error = positions.get(name, (0, None))
        witnesses.append({"verifier_key": vkey, "cosigned_size": size, "last_error": error})
    return {
        "origin": origin,
        "verifier_keys": [v.vkey for v in gateway_verifiers(origin, keys)],
        "tree_size": state.size,
        "root": b64(state.root) if state.size else None,
        "pending_entries": pending,
        "witnesses": witnesses,
        "witness_quorum": c.settings.log_witness_quorum,
        "published_size": None if published is None else published.size,
    }


@dataclass(frozen=True)
class Verification:
    intact: bool
    entries_checked: int
    checkpoints_checked: int
    tree_size: int
    root: str  # base64
    last_checkpoint_size: int | None
    failure: object | None  # a TreeFinding: code, index, detail


class EvidenceLogView:
    """What the console shows of the log; it asks here, never the log's tables."""

    def __init__(self, container) -> None:
        self._c = container

    def size(self, uow) -> int:
        return uow.message_log.tree().size

    def pending(self, uow) -> int:
        return uow.message_log.pending_count()

    def latest_checkpoint(self) -> LatestCheckpoint | None:
        return latest_checkpoint(self._c)

    def verify_now(self) -> Verification:
        """Recompute the whole tree and check every checkpoint against the gateway's JWKS."""
        report = self._c.message_log.verify(GatewayKeys.from_jwks(self._c.keystore.jwks()))
        return Verification(report.ok, report.entries_checked, report.checkpoints_checked, report.size,
                            b64(report.root) if report.size else "", report.last_checkpoint_size,
                            report.failure)
