"""partner format settings

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 11:41:31.393434
"""

from alembic import op
import sqlalchemy as sa


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('format_settings', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('format_settings')

