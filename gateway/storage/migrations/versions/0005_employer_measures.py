"""employer measures 86号-6…9: decisions, the region-wide claim register, risk areas

Revision ID: 0005_employer_measures
Revises: 0005_console_sessions
"""

from alembic import op
import sqlalchemy as sa


revision = "0005_employer_measures"
down_revision = "0005_console_sessions"  # rechained onto main at the merge (was "0004")
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "measure_decisions",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("subject_key", sa.String(length=40), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("rule_set_version", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.String(length=64), nullable=False),
        sa.Column("sender_id", sa.String(length=18), nullable=False),
        sa.Column("record", sa.JSON(), nullable=False),
        sa.Column("payout_state", sa.String(length=16), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measure_decisions")),
    )
    op.create_index("ix_measure_decisions_progress", "measure_decisions",
                    ["measure", "division_code", "year"])
    op.create_index("ix_measure_decisions_source", "measure_decisions", ["source_id", "id"])
    op.create_index("ix_measure_decisions_subject", "measure_decisions", ["measure", "subject_key"])
    op.create_table(
        "measure_claims",
        sa.Column("claim_group", sa.String(length=40), nullable=False),
        sa.Column("claim_key", sa.String(length=80), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("claim_group", "claim_key", name="uq_measure_claims_key"),
    )
    op.create_table(
        "risk_areas",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("area_name", sa.String(length=200), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("valid_from", sa.String(length=10), nullable=False),
        sa.Column("valid_to", sa.String(length=10), nullable=True),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_areas")),
    )
    op.create_index(op.f("ix_risk_areas_division_code"), "risk_areas", ["division_code"])
    op.create_table(
        "batches",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("partner_id", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("idempotency_key", sa.String(length=255), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("content_digest", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("lines_total", sa.Integer(), nullable=False),
        sa.Column("lines_done", sa.Integer(), nullable=False),
        sa.Column("bytes", sa.BigInteger(), nullable=False),
        sa.Column("refusal", sa.JSON(), nullable=True),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.Column("results_digest", sa.String(length=200), nullable=True),
        sa.Column("results_signature", sa.JSON(), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
        sa.UniqueConstraint("partner_id", "idempotency_key", name="uq_batches_partner_key"),
    )
    op.create_index("ix_batches_state", "batches", ["state", "created_at"])
    op.create_table(
        "batch_lines",
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=24), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("batch_id", "seq", name=op.f("pk_batch_lines")),
    )
    op.create_table(
        "payout_lines",
        sa.Column("reference", sa.String(length=80), nullable=False),
        sa.Column("payout_batch_id", sa.String(length=64), nullable=False),
        sa.Column("decision_id", sa.String(length=64), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=16), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("payee", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("bank_status", sa.String(length=32), nullable=True),
        sa.Column("bank_detail", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("reference", name=op.f("pk_payout_lines")),
    )
    op.create_index(op.f("ix_payout_lines_payout_batch_id"), "payout_lines", ["payout_batch_id"])
    op.create_index("uq_payout_lines_live_decision", "payout_lines", ["decision_id"], unique=True,
                    sqlite_where=sa.text("state != 'failed'"), postgresql_where=sa.text("state != 'failed'"))


def downgrade() -> None:
    op.drop_index("uq_payout_lines_live_decision", table_name="payout_lines")
    op.drop_index(op.f("ix_payout_lines_payout_batch_id"), table_name="payout_lines")
    op.drop_table("payout_lines")
    op.drop_table("batch_lines")
    op.drop_index("ix_batches_state", table_name="batches")
    op.drop_table("batches")
    op.drop_index(op.f("ix_risk_areas_division_code"), table_name="risk_areas")
    op.drop_table("risk_areas")
    op.drop_table("measure_claims")
    op.drop_index("ix_measure_decisions_subject", table_name="measure_decisions")
    op.drop_index("ix_measure_decisions_source", table_name="measure_decisions")
    op.drop_index("ix_measure_decisions_progress", table_name="measure_decisions")
    op.drop_table("measure_decisions")
