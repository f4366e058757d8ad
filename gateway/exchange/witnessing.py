"""The gateway's side of C2SP tlog-witness: send each new checkpoint to the configured witnesses
with a consistency proof from the size each last cosigned, and keep their cosignatures.

A witness answering 409 tells its size: the gateway re-sends from there (once). A witness that
reports a size larger than the log's, or refuses a proof (422), is recorded as the witness's
``last_error`` — that is what a split view or a rolled-back log looks like from here.
"""

from __future__ import annotations

import logging
import threading

import requests

from ..evidence.canonical import MalformedEvidence
from ..evidence.note import ALG_COSIGNATURE_V1, Verifier, parse_signature_line, signature_holds
from ..witness.service import request_body

log = logging.getLogger(__name__)


class WitnessClient:
    def __init__(self, uow_factory, clock, message_log, witnesses: list[tuple[str, str]],
                 session: requests.Session | None = None, timeout: float = 5.0) -> None:
        self._uow, self._clock, self._log = uow_factory, clock, message_log
        self.witnesses = [(url.rstrip("/") + "/add-checkpoint", _cosigner(vkey)) for url, vkey in witnesses]
        self._session = session or requests.Session()
        self._timeout = timeout

    def publish_once(self) -> dict[str, str]:
        """Send the latest checkpoint to every witness behind it; witness name -> outcome."""
        with self._uow(readonly=True) as uow:
            latest = uow.message_log.latest_checkpoint()
            positions = uow.message_log.witness_positions()
        if latest is None:
            return {}
        outcomes = {}
        for url, witness in self.witnesses:
            known = positions.get(witness.name, (0, None))[0]
            if known >= latest.size and positions.get(witness.name, (0, None))[1] is None:
                continue
            outcomes[witness.name] = self._send(url, witness, known, latest)
        return outcomes

    def _send(self, url: str, witness: Verifier, old: int, latest, retried: bool = False) -> str:
        with self._uow(readonly=True) as uow:
            proof = self._log.consistency_proof(uow, old, latest.size) if 0 < old <= latest.size else []
        try:
            response = self._session.post(url, data=request_body(old, proof, latest.note), timeout=self._timeout)
        except requests.RequestException as exc:
            return self._failed(witness, old, f"unreachable: {type(exc).__name__}")
        if response.status_code == 409 and response.headers.get("content-type", "").startswith("text/x.tlog.size"):
            try:
                theirs = int(response.text.strip())
            except ValueError:
                return self._failed(witness, old, "409 without a size")
            if theirs > latest.size:
                return self._failed(witness, theirs, f"the witness has cosigned size {theirs}, larger than "
                                                     f"this log's {latest.size}: a split view or a rolled-back log")
            if not retried:
                return self._send(url, witness, theirs, latest, retried=True)
        if response.status_code != 200:
            return self._failed(witness, old, f"{response.status_code}: {response.text.strip()[:300]}")
        for line in response.text.splitlines():
            try:
                signature = parse_signature_line(line)
            except MalformedEvidence:
                continue
            text = latest.note[:latest.note.index("\n\n") + 1]
            if signature_holds(text, signature, witness):
                with self._uow() as uow:
                    uow.message_log.add_cosignature(latest.size, witness.name, signature.line(), self._clock())
                    uow.message_log.set_witness_position(witness.name, latest.size, self._clock())
                return "cosigned"
        return self._failed(witness, old, "200 without a valid cosignature by the witness's key")

    def _failed(self, witness: Verifier, size: int, error: str) -> str:
        log.warning("witness %s: %s", witness.name, error)
        with self._uow() as uow:
            uow.message_log.set_witness_position(witness.name, size, self._clock(), error)
        return error

    def run(self, stop: threading.Event, interval: float) -> None:
        while not stop.is_set():
            try:
                self.publish_once()
            except Exception:  # keep publishing after a database hiccup; logged
                log.exception("sending checkpoints to witnesses failed; retrying")
            stop.wait(interval)


def _cosigner(vkey: str) -> Verifier:
    verifier = Verifier.from_vkey(vkey)
    if verifier.alg != ALG_COSIGNATURE_V1:
        raise MalformedEvidence(f"witness key {vkey!r} is not a cosignature/v1 (0x04) key")
    return verifier
