"""The JSON form of a log entry, as carried in an evidence bundle (and by the admin API).

Identical to the hash object of ``chain`` except that the record carries the whole ``body``
(base64) instead of ``body_sha256`` and ``body_length``, and there is no ``format``/``seq`` inside
the record: the verifier derives the hash object from this form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any

from gateway.evidence.canonical import MalformedEvidence, b64, unb64
from gateway.evidence.chain import LogEntry, MessageRecord, entry_problems

_RECORD_MEMBERS = frozenset(f.name for f in fields(MessageRecord))
_ENTRY_MEMBERS = frozenset({"seq", "prev_hash", "entry_hash", "record"})


def entry_to_json(entry: LogEntry) -> dict[str, Any]:
    record = {f.name: getattr(entry.record, f.name) for f in fields(MessageRecord)}
    record.update(body=b64(entry.record.body), covered_components=dict(entry.record.covered_components),
                  response_components=dict(entry.record.response_components))
    return {"seq": entry.seq, "prev_hash": b64(entry.prev_hash), "entry_hash": b64(entry.entry_hash),
            "record": record}


def entry_from_json(obj: Any) -> LogEntry:
    """Raises MalformedEvidence unless ``obj`` has exactly the documented members and types."""
    if not isinstance(obj, Mapping) or set(obj) != _ENTRY_MEMBERS:
        raise MalformedEvidence(f"an entry has exactly the members {sorted(_ENTRY_MEMBERS)}")
    raw = obj["record"]
    if not isinstance(raw, Mapping) or set(raw) != _RECORD_MEMBERS:
        raise MalformedEvidence(f"a record has exactly the members {sorted(_RECORD_MEMBERS)}")
    record = MessageRecord(**{**raw, "body": unb64(raw["body"], what="record body")})
    entry = LogEntry(obj["seq"], unb64(obj["prev_hash"], what="prev_hash"),
                     unb64(obj["entry_hash"], what="entry_hash"), record)
    problems = entry_problems(entry)
    if problems:
        raise MalformedEvidence("; ".join(problems))
    return entry
