"""The schema, as SQLAlchemy Core tables. Alembic migrations are written to match it."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import text as sql_text

from .types import UTCDateTime

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)

# SQLite needs INTEGER PRIMARY KEY to autoincrement; BIGINT elsewhere.
BigId = BigInteger().with_variant(Integer(), "sqlite")

partners = Table(
    "partners",
    metadata,
    Column("id", String(18), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("roles", JSON, nullable=False),
    Column("division_code", String(6), nullable=False, index=True),
    Column("endpoint_url", String(2000), nullable=False),
    Column("format", String(40), nullable=False),
    Column("format_settings", JSON, nullable=True),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

partner_keys = Table(
    "partner_keys",
    metadata,
    Column("keyid", String(200), primary_key=True),
    Column("partner_id", String(18), ForeignKey("partners.id"), nullable=False, index=True),
    Column("algorithm", String(40), nullable=False),
    Column("public_key_pem", Text, nullable=False),
    Column("jwk", JSON, nullable=False),
    Column("fingerprint", String(64), nullable=False, index=True),
    Column("thumbprint", String(64), nullable=False),
    Column("not_before", UTCDateTime, nullable=False),
    Column("not_after", UTCDateTime, nullable=True),
    Column("status", String(16), nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("revoked_reason", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

grants = Table(
    "grants",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(18), ForeignKey("partners.id"), nullable=False),
    Column("operation", String(100), nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by", String(100), nullable=True),
    UniqueConstraint("partner_id", "operation", name="uq_grants_partner_operation"),
)

admin_tokens = Table(
    "admin_tokens",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(16), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=True),
    Column("revoked_at", UTCDateTime, nullable=True),
    Column("last_used_at", UTCDateTime, nullable=True),
    Column("created_by", String(100), nullable=True),
)

# Append-only: the application never updates or deletes rows (PostgreSQL enforces it with a
# trigger, see the migration).
audit_events = Table(
    "audit_events",
    metadata,
    Column("seq", BigId, primary_key=True, autoincrement=True),
    Column("at", UTCDateTime, nullable=False),
    Column("actor", String(100), nullable=False),
    Column("actor_role", String(16), nullable=False),
    Column("action", String(60), nullable=False),
    Column("target_type", String(40), nullable=False),
    Column("target_id", String(200), nullable=True),
    Column("outcome", String(16), nullable=False),
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("detail", String(500), nullable=True),
    Column("request_id", String(64), nullable=True),
    Index("ix_audit_events_at", "at"),
    Index("ix_audit_events_actor", "actor"),
)

# Fixed-window counters shared by every gateway process.
rate_windows = Table(
    "rate_windows",
    metadata,
    Column("bucket", String(100), primary_key=True),
    Column("window_start", BigInteger, primary_key=True),
    Column("count", Integer, nullable=False),
)

# Replay protection: a (keyid, nonce) pair is accepted once while its signature could be valid.
nonces = Table(
    "nonces",
    metadata,
    Column("keyid", String(200), primary_key=True),
    Column("nonce", String(200), primary_key=True),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# Idempotency-Key records (draft-ietf-httpapi-idempotency-key-header): scope partner+method+route.
idempotency_records = Table(
    "idempotency_records",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("partner_id", String(18), nullable=False),
    Column("method", String(10), nullable=False),
    Column("route", String(100), nullable=False),
    Column("key", String(255), nullable=False),
    Column("request_digest", String(64), nullable=False),
    Column("state", String(16), nullable=False),  # processing | completed
    Column("locked_until", UTCDateTime, nullable=True),
    Column("response_status", Integer, nullable=True),
    Column("response_headers", JSON, nullable=True),
    Column("response_body", LargeBinary, nullable=True),
    Column("message_id", String(64), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    UniqueConstraint("partner_id", "method", "route", "key", name="uq_idempotency_scope"),
)

# The evidence log: append-only, hash-chained (gateway/evidence, docs/evidence.md).
message_log = Table(
    "message_log",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("recorded_at", String(32), nullable=False),  # exactly as hashed (RFC 3339, µs, Z)
    Column("message_id", String(64), nullable=False, index=True),
    Column("partner_id", String(18), nullable=False, index=True),
    Column("key_fingerprint", String(64), nullable=False),
    Column("operation", String(100), nullable=False),
    Column("direction", String(24), nullable=False),
    Column("method", String(10), nullable=False),
    Column("target_uri", String(4000), nullable=False),
    Column("body", LargeBinary, nullable=False),
    Column("content_digest", String(300), nullable=True),
    Column("signature_input", Text, nullable=False),
    Column("signature", Text, nullable=False),
    Column("covered_components", JSON, nullable=False),
    Column("response_status", Integer, nullable=True),
    Column("response_content_digest", String(300), nullable=True),
    Column("response_signature_input", Text, nullable=True),
    Column("response_signature", Text, nullable=True),
    Column("response_components", JSON, nullable=False),
    Column("prev_hash", LargeBinary(32), nullable=False),
    Column("record_digest", LargeBinary(32), nullable=False),
    Column("entry_hash", LargeBinary(32), nullable=False),
)

# One row: the chain's head. Appenders lock it (FOR UPDATE) so the chain stays linear
# however many gateway processes write at once.
log_head = Table(
    "log_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", BigInteger, nullable=False),
    Column("entry_hash", LargeBinary(32), nullable=False),
    Column("last_checkpoint_seq", BigInteger, nullable=False),
)

checkpoints = Table(
    "checkpoints",
    metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    Column("head_hash", LargeBinary(32), nullable=False),
    Column("issued_at", String(32), nullable=False),
    Column("keyid", String(100), nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

# The evidence log v2: a Merkle tree (docs/evidence.md). A request's transaction inserts its
# entry with its leaf hash and no index; the one integrator gives pending entries contiguous
# leaf indices, stores the tree's complete subtrees and signs a checkpoint, in one transaction.
# The v1 tables above stay as they were (frozen): their entries were copied here in seq order.
_ENTRY_ID = BigInteger().with_variant(Integer, "sqlite")  # SQLite autoincrements INTEGER keys only
log_entries = Table(
    "log_entries",
    metadata,
    Column("id", _ENTRY_ID, primary_key=True, autoincrement=True),
    Column("leaf_index", BigInteger, nullable=True, unique=True),
    Column("leaf_hash", LargeBinary(32), nullable=False),
    *[Column(c.name, c.type, nullable=c.nullable, index=c.index)
      for c in message_log.columns if c.name not in ("seq", "prev_hash", "record_digest", "entry_hash")],
    # The integrator's queue: only the (few) pending rows are in this index.
    Index("ix_log_entries_pending", "id", postgresql_where=sql_text("leaf_index IS NULL"),
          sqlite_where=sql_text("leaf_index IS NULL")),
)

# Node (level, idx) is the hash of the complete subtree over leaves idx*2^level .. (idx+1)*2^level-1
# (level 0: the leaf hashes). Written once, when the subtree completes; proofs read <= 2 log2(n).
log_nodes = Table(
    "log_nodes",
    metadata,
    Column("level", SmallInteger, primary_key=True, autoincrement=False),
    Column("idx", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", LargeBinary(32), nullable=False),
)

# One row: the integrated tree's size and root, and the origin its checkpoints name.
log_tree = Table(
    "log_tree",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("origin", String(200), nullable=True),
    Column("size", BigInteger, nullable=False),
    Column("root", LargeBinary(32), nullable=False),
)

# Every signed checkpoint, as the exact C2SP signed note (text + the gateway's signature line).
log_checkpoints = Table(
    "log_checkpoints",
    metadata,
    Column("size", BigInteger, primary_key=True, autoincrement=False),
    Column("root", LargeBinary(32), nullable=False),
    Column("note", Text, nullable=False),
    Column("signed_at", UTCDateTime, nullable=False),
)

# Witnesses' cosignature lines, per checkpoint; and the size each witness last cosigned.
log_cosignatures = Table(
    "log_cosignatures",
    metadata,
    Column("size", BigInteger, ForeignKey("log_checkpoints.size"), primary_key=True),
    Column("witness", String(200), primary_key=True),
    Column("line", Text, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
)

log_witnesses = Table(
    "log_witnesses",
    metadata,
    Column("witness", String(200), primary_key=True),
    Column("size", BigInteger, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("last_error", Text, nullable=True),
)

# Business messages accepted from partners (canonical JSON, as validated), one row each.
messages = Table(
    "messages",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("sender_id", String(18), nullable=False, index=True),
    Column("division_code", String(6), nullable=False),
    Column("refers_to", String(64), nullable=True, index=True),  # e.g. the review a decision answers
    Column("payload", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# The outbox: one row per (message, recipient), written in the message's own transaction.
deliveries = Table(
    "deliveries",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("message_id", String(64), ForeignKey("messages.id"), nullable=False, index=True),
    Column("recipient_id", String(18), ForeignKey("partners.id"), nullable=False, index=True),
    # pending | delivering | failed (a retry is scheduled) | delivered | dead
    Column("state", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("locked_by", String(100), nullable=True),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("last_error", String(1000), nullable=True),
    Column("last_error_reason", String(60), nullable=True),
    Column("receipt", JSON, nullable=True),
    Column("delivered_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("message_id", "recipient_id", name="uq_deliveries_message_recipient"),
    Index("ix_deliveries_due", "state", "next_attempt_at"),
)

# Loan qualifications the gateway decided (86号-16): later messages reference them by id.
qualifications = Table(
    "qualifications",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("message_id", String(64), nullable=False),
    Column("bank_id", String(18), nullable=False, index=True),
    Column("division_code", String(6), nullable=False),
    Column("qualified", Integer, nullable=False),
    Column("decision", JSON, nullable=False),
    Column("valid_until", String(10), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

# One row per loan and quarter claimed: the unique key is what refuses a second claim.
subsidy_claim_lines = Table(
    "subsidy_claim_lines",
    metadata,
    Column("qualification_id", String(64), nullable=False),
    Column("loan_reference", String(64), nullable=False),
    Column("period", String(7), nullable=False),  # 2026-Q1
    Column("claim_id", String(64), nullable=False, index=True),
    UniqueConstraint("qualification_id", "loan_reference", "period", name="uq_subsidy_loan_quarter"),
)

# The measures' decisions (86号-6…9 and later measures): one row per subject decided, with the
# signed record naming the rule-set version and the facts used. payout_state follows the money.
measure_decisions = Table(
    "measure_decisions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("measure", String(16), nullable=False),
    Column("subject_key", String(40), nullable=False),
    Column("division_code", String(6), nullable=False),
    Column("year", Integer, nullable=False),
    Column("outcome", String(24), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("rule_set_version", String(40), nullable=False),
    Column("channel", String(24), nullable=False),  # national_platform: 17
    Column("source_id", String(64), nullable=False),
    Column("sender_id", String(18), nullable=False),
    Column("record", JSON, nullable=False),
    Column("payout_state", String(16), nullable=True),  # None | instructed | paid | failed
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_measure_decisions_progress", "measure", "division_code", "year"),
    Index("ix_measure_decisions_source", "source_id", "id"),
    Index("ix_measure_decisions_subject", "measure", "subject_key"),
)

# The region-wide claim register: a key (86号-6 employer+year, 86号-8/9 the hire) is held by
# one eligible decision; the unique constraint refuses a concurrent second holder.
measure_claims = Table(
    "measure_claims",
    metadata,
    Column("claim_group", String(40), nullable=False),
    Column("claim_key", String(80), nullable=False),
    Column("decision_id", String(64), nullable=False),
    Column("measure", String(16), nullable=False),
    Column("division_code", String(6), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("claim_group", "claim_key", name="uq_measure_claims_key"),
)

# 86号-7 reference data: medium/high-risk areas (中高风险地区), maintained by operators with
# their source and dates; withdrawn, never deleted (the audit trail keeps who did what).
risk_areas = Table(
    "risk_areas",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("division_code", String(6), nullable=False, index=True),
    Column("area_name", String(200), nullable=False),
    Column("level", String(8), nullable=False),  # medium | high
    Column("valid_from", String(10), nullable=False),  # ISO dates, inclusive
    Column("valid_to", String(10), nullable=True),  # None: still in force
    Column("source", String(500), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Column("withdrawn_reason", String(500), nullable=True),
)

# 86号-13 reference data: the one-off living allowance schedule (一次性生活补助标准), kept by
# operators with its source and dates: bands of months of work → amount (fen), for a division
# (a county, a prefecture or the region); withdrawn, never deleted.
living_allowance_schedules = Table(
    "living_allowance_schedules",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("division_code", String(6), nullable=False, index=True),
    Column("valid_from", String(10), nullable=False),  # ISO dates, inclusive
    Column("valid_to", String(10), nullable=True),  # None: still in force
    Column("bands", JSON, nullable=False),  # [{min_months, max_months|None, amount_fen}]
    Column("source", String(500), nullable=False),
    Column("recorded_by", String(64), nullable=False),
    Column("recorded_at", UTCDateTime, nullable=False),
    Column("withdrawn_at", UTCDateTime, nullable=True),
    Column("withdrawn_reason", String(500), nullable=True),
)

# The bulk exchange: one row per batch (an NDJSON request of up to 100,000 lines), its lines
# kept as received and answered one by one. A batch is processed only once wholly received
# with its digest checked; a half-received batch is refused and its lines removed.
batches = Table(
    "batches",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("partner_id", String(18), nullable=False),
    Column("kind", String(24), nullable=False),  # comparison | payout_results | …
    Column("idempotency_key", String(255), nullable=False),
    Column("params", JSON, nullable=False),
    Column("content_digest", String(200), nullable=False),
    Column("state", String(16), nullable=False),  # receiving|received|processing|done|refused
    Column("lines_total", Integer, nullable=False),
    Column("lines_done", Integer, nullable=False),
    Column("bytes", BigInteger, nullable=False),
    Column("refusal", JSON, nullable=True),
    Column("summary", JSON, nullable=True),  # counts by outcome once done
    Column("results_digest", String(200), nullable=True),
    Column("results_signature", JSON, nullable=True),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("received_at", UTCDateTime, nullable=True),
    Column("finished_at", UTCDateTime, nullable=True),
    UniqueConstraint("partner_id", "idempotency_key", name="uq_batches_partner_key"),
    Index("ix_batches_state", "state", "created_at"),
)

batch_lines = Table(
    "batch_lines",
    metadata,
    Column("batch_id", String(64), primary_key=True),
    Column("seq", Integer, primary_key=True),  # 1-based line number
    Column("body", Text, nullable=False),
    Column("outcome", String(24), nullable=True),
    Column("result", Text, nullable=True),  # the signed result, canonical JSON
)

# Payout lines: one payout instruction of one decision to the paying bank. The reference is
# what the bank deduplicates on; a decision has at most one line that is not failed (the
# partial unique index), so whatever is retried or replayed, a decision is paid at most once.
payout_lines = Table(
    "payout_lines",
    metadata,
    Column("reference", String(80), primary_key=True),  # <decision id>#<attempt>
    Column("payout_batch_id", String(64), nullable=False, index=True),
    Column("decision_id", String(64), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("measure", String(16), nullable=False),
    Column("division_code", String(6), nullable=False),
    Column("amount_fen", BigInteger, nullable=False),
    Column("payee", JSON, nullable=False),
    Column("state", String(16), nullable=False),  # instructed | paid | failed
    Column("bank_status", String(32), nullable=True),  # the bank's result: paid, account_closed, …
    Column("bank_detail", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("settled_at", UTCDateTime, nullable=True),
    Index("uq_payout_lines_live_decision", "decision_id", unique=True,
          sqlite_where=text("state != 'failed'"), postgresql_where=text("state != 'failed'")),
)

# Readiness (observability/health): one row, replaced by each probe, shows the database can
# take a write (a full disk, a page limit, a read-only replica). Holds at most one row.
storage_probes = Table(
    "storage_probes",
    metadata,
    Column("id", BigId, primary_key=True, autoincrement=True),
    Column("filler", LargeBinary, nullable=False),
)

# Operator console sessions (gateway/console): only a hash of the session id is stored, so a
# copy of the database does not let anyone sign in; the token's role is read on every request.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("token_id", String(40), ForeignKey("admin_tokens.id"), nullable=False, index=True),
    Column("csrf_secret", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
)

# The registry's generation (storage/registry_cache.py): one row, bumped in the transaction of
# every change to partners, their keys, grants or admin tokens. Each gateway process caches what
# it read of them under the generation it read; a request that sees another number reads afresh.
registry_generation = Table(
    "registry_generation",
    metadata,
    Column("id", SmallInteger, primary_key=True, autoincrement=False),
    Column("generation", BigInteger, nullable=False),
)
