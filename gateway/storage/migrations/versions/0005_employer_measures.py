"""employer measures 86号-6…9: decisions and the region-wide claim register

Revision ID: 0005_employer_measures
Revises: 0004
"""

from alembic import op
import sqlalchemy as sa


revision = "0005_employer_measures"
down_revision = "0004"
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


def downgrade() -> None:
    op.drop_table("measure_claims")
    op.drop_index("ix_measure_decisions_subject", table_name="measure_decisions")
    op.drop_index("ix_measure_decisions_source", table_name="measure_decisions")
    op.drop_index("ix_measure_decisions_progress", table_name="measure_decisions")
    op.drop_table("measure_decisions")
