"""the people channels' names fit measure_decisions.channel (86号-11…15): 16 → 24 characters

``national_platform`` (17 characters) is the channel of a claim from the national social
insurance public service platform; PostgreSQL refused it in a VARCHAR(16).

Revision ID: 0006_channel_names
Revises: 0005_employer_measures
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_channel_names"
down_revision = "0005_employer_measures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("measure_decisions") as batch:
        batch.alter_column("channel", existing_type=sa.String(length=16), type_=sa.String(length=24),
                           existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("measure_decisions") as batch:
        batch.alter_column("channel", existing_type=sa.String(length=24), type_=sa.String(length=16),
                           existing_nullable=False)
