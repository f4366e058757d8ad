"""evidence log v2: a Merkle tree (entries without a lock, nodes, checkpoints, cosignatures)

Keeps the v1 chain (message_log, checkpoints, log_head) as it is, frozen, and copies its entries
into log_entries in seq order, pending: the integrator then gives them leaf indices 0, 1, ... in
that same order, so `govgate log verify` can check that the tree's first leaves are the v1 chain.

Revision ID: 0005_merkle_log
Revises: 0005_storage_probe
"""

import sqlalchemy as sa
from alembic import op

from gateway.evidence.chain import MessageRecord
from gateway.evidence.leaf import record_leaf_hash
from gateway.evidence.merkle import EMPTY_ROOT

revision = "0005_merkle_log"
down_revision = "0005_storage_probe"  # rechained after merging main (was "0004")
branch_labels = None
depends_on = None

_RECORD_FIELDS = tuple(MessageRecord.__dataclass_fields__)


def _record_columns():
    return [
        sa.Column("recorded_at", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=18), nullable=False),
        sa.Column("key_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("operation", sa.String(length=100), nullable=False),
        sa.Column("direction", sa.String(length=24), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("target_uri", sa.String(length=4000), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.Column("content_digest", sa.String(length=300), nullable=True),
        sa.Column("signature_input", sa.Text(), nullable=False),
        sa.Column("signature", sa.Text(), nullable=False),
        sa.Column("covered_components", sa.JSON(), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_content_digest", sa.String(length=300), nullable=True),
        sa.Column("response_signature_input", sa.Text(), nullable=True),
        sa.Column("response_signature", sa.Text(), nullable=True),
        sa.Column("response_components", sa.JSON(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "log_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("leaf_index", sa.BigInteger(), nullable=True),
        sa.Column("leaf_hash", sa.LargeBinary(length=32), nullable=False),
        *_record_columns(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_entries")),
        sa.UniqueConstraint("leaf_index", name=op.f("uq_log_entries_leaf_index")),
    )
    op.create_index("ix_log_entries_message_id", "log_entries", ["message_id"])
    op.create_index("ix_log_entries_partner_id", "log_entries", ["partner_id"])
    op.create_index("ix_log_entries_pending", "log_entries", ["id"],
                    postgresql_where=sa.text("leaf_index IS NULL"), sqlite_where=sa.text("leaf_index IS NULL"))
    op.create_table(
        "log_nodes",
        sa.Column("level", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("idx", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("hash", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name=op.f("pk_log_nodes")),
    )
    op.create_table(
        "log_tree",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_tree")),
    )
    op.create_table(
        "log_checkpoints",
        sa.Column("size", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("root", sa.LargeBinary(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("size", name=op.f("pk_log_checkpoints")),
    )
    op.create_table(
        "log_cosignatures",
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("witness", sa.String(length=200), nullable=False),
        sa.Column("line", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["size"], ["log_checkpoints.size"], name=op.f("fk_log_cosignatures_size")),
        sa.PrimaryKeyConstraint("size", "witness", name=op.f("pk_log_cosignatures")),
    )
    op.create_table(
        "log_witnesses",
        sa.Column("witness", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("witness", name=op.f("pk_log_witnesses")),
    )
    bind = op.get_bind()
    bind.execute(sa.text("INSERT INTO log_tree (id, origin, size, root) VALUES (1, NULL, 0, :root)"),
                 {"root": EMPTY_ROOT})
    _copy_v1_entries(bind)
    if bind.dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('log_entries', 'id'), "
                   "(SELECT COALESCE(MAX(id), 0) + 1 FROM log_entries), false)")
        # Placed once (leaf_index NULL -> a value), never changed or removed otherwise.
        op.execute("""
            CREATE FUNCTION govgate_log_entry_placed_once() RETURNS trigger AS $$
            BEGIN
              IF TG_OP = 'DELETE' OR OLD.leaf_index IS NOT NULL OR NEW.leaf_index IS NULL
                 OR (to_jsonb(NEW) - 'leaf_index') IS DISTINCT FROM (to_jsonb(OLD) - 'leaf_index') THEN
                RAISE EXCEPTION 'the evidence log is append-only: an entry is placed once, never changed';
              END IF;
              RETURN NEW;
            END $$ LANGUAGE plpgsql""")
        op.execute("CREATE TRIGGER log_entries_append_only BEFORE UPDATE OR DELETE ON log_entries "
                   "FOR EACH ROW EXECUTE FUNCTION govgate_log_entry_placed_once()")
        for table in ("log_nodes", "log_checkpoints", "log_cosignatures"):
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION govgate_append_only()")


def _copy_v1_entries(bind) -> None:
    """Every v1 entry, in seq order, as a pending v2 entry with id = seq."""
    v1 = sa.Table("message_log", sa.MetaData(), autoload_with=bind)
    entries = sa.Table("log_entries", sa.MetaData(), autoload_with=bind)
    after = 0
    while True:
        rows = bind.execute(sa.select(v1).where(v1.c.seq > after).order_by(v1.c.seq).limit(1000)).all()
        if not rows:
            return
        batch = []
        for row in rows:
            values = {name: getattr(row, name) for name in _RECORD_FIELDS}
            record = MessageRecord(**{**values, "body": bytes(values["body"])})
            batch.append({"id": row.seq, "leaf_index": None, "leaf_hash": record_leaf_hash(record), **values})
        bind.execute(sa.insert(entries), batch)
        after = rows[-1].seq


def downgrade() -> None:
    bind = op.get_bind()
    newer = bind.execute(sa.text("SELECT COUNT(*) FROM log_entries WHERE id > "
                                 "(SELECT COALESCE(MAX(seq), 0) FROM message_log)")).scalar()
    if newer:
        raise RuntimeError(f"refusing to downgrade: {newer} evidence entries exist only in the v2 log "
                           "and would be lost")
    if bind.dialect.name == "postgresql":
        for table in ("log_entries", "log_nodes", "log_checkpoints", "log_cosignatures"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS govgate_log_entry_placed_once()")
    for table in ("log_witnesses", "log_cosignatures", "log_checkpoints", "log_tree", "log_nodes"):
        op.drop_table(table)
    op.drop_index("ix_log_entries_pending", table_name="log_entries")
    op.drop_index("ix_log_entries_partner_id", table_name="log_entries")
    op.drop_index("ix_log_entries_message_id", table_name="log_entries")
    op.drop_table("log_entries")
