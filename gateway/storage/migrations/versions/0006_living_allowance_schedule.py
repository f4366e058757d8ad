"""86号-13: the one-off living allowance schedule, operators' reference data with its source

Revision ID: 0006_living_allowance_schedule
Revises: 0005_employer_measures
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_living_allowance_schedule"
down_revision = "0006_channel_names"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "living_allowance_schedules",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("division_code", sa.String(length=6), nullable=False),
        sa.Column("valid_from", sa.String(length=10), nullable=False),
        sa.Column("valid_to", sa.String(length=10), nullable=True),
        sa.Column("bands", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_living_allowance_schedules")),
    )
    op.create_index(op.f("ix_living_allowance_schedules_division_code"), "living_allowance_schedules",
                    ["division_code"])


def downgrade() -> None:
    op.drop_index(op.f("ix_living_allowance_schedules_division_code"), table_name="living_allowance_schedules")
    op.drop_table("living_allowance_schedules")
