"""policy exchanges: messages, deliveries outbox, qualifications, subsidy claim lines

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 11:20:27.990009
"""

from alembic import op
import sqlalchemy as sa


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('messages',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('sender_id', sa.String(length=18), nullable=False),
    sa.Column('division_code', sa.String(length=6), nullable=False),
    sa.Column('refers_to', sa.String(length=64), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_refers_to'), ['refers_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_sender_id'), ['sender_id'], unique=False)

    op.create_table('qualifications',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('bank_id', sa.String(length=18), nullable=False),
    sa.Column('division_code', sa.String(length=6), nullable=False),
    sa.Column('qualified', sa.Integer(), nullable=False),
    sa.Column('decision', sa.JSON(), nullable=False),
    sa.Column('valid_until', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualifications'))
    )
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_qualifications_bank_id'), ['bank_id'], unique=False)

    op.create_table('subsidy_claim_lines',
    sa.Column('qualification_id', sa.String(length=64), nullable=False),
    sa.Column('loan_reference', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('claim_id', sa.String(length=64), nullable=False),
    sa.UniqueConstraint('qualification_id', 'loan_reference', 'period', name='uq_subsidy_loan_quarter')
    )
    with op.batch_alter_table('subsidy_claim_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claim_lines_claim_id'), ['claim_id'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('recipient_id', sa.String(length=18), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_by', sa.String(length=100), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=1000), nullable=True),
    sa.Column('last_error_reason', sa.String(length=60), nullable=True),
    sa.Column('receipt', sa.JSON(), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_deliveries_message_id')),
    sa.ForeignKeyConstraint(['recipient_id'], ['partners.id'], name=op.f('fk_deliveries_recipient_id')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('message_id', 'recipient_id', name='uq_deliveries_message_recipient')
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_due', ['state', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_deliveries_recipient_id'), ['recipient_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deliveries_recipient_id'))
        batch_op.drop_index(batch_op.f('ix_deliveries_message_id'))
        batch_op.drop_index('ix_deliveries_due')

    op.drop_table('deliveries')
    with op.batch_alter_table('subsidy_claim_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_lines_claim_id'))

    op.drop_table('subsidy_claim_lines')
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_qualifications_bank_id'))

    op.drop_table('qualifications')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_sender_id'))
        batch_op.drop_index(batch_op.f('ix_messages_refers_to'))

    op.drop_table('messages')
