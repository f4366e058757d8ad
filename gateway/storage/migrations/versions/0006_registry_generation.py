"""registry generation: the counter every partner, key, grant or token change bumps

Revision ID: 0006_registry_generation
Revises: 0005_employer_measures
Create Date: 2026-12-02 19:20:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_registry_generation"
down_revision = "0006_living_allowance_schedule"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "registry_generation",
        sa.Column("id", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_generation")),
    )
    op.bulk_insert(table, [{"id": 1, "generation": 0}])


def downgrade() -> None:
    op.drop_table("registry_generation")
