"""storage probe: the table the readiness check writes to (and rolls back)

Revision ID: 0005_storage_probe
Revises: 0004
Create Date: 2026-12-02 14:50:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0005_storage_probe"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "storage_probes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True,
                  nullable=False),
        sa.Column("filler", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storage_probes")),
    )


def downgrade() -> None:
    op.drop_table("storage_probes")
