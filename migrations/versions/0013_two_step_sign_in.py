"""two-step sign-in: TOTP secrets, recovery codes, an organisation's requirement

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'two_step',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('secret', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('enabled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_step', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_two_step_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_two_step')),
    )
    op.create_table(
        'two_step_recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=256), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_two_step_recovery_code_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_two_step_recovery_code')),
    )
    with op.batch_alter_table('two_step_recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_two_step_recovery_code_user_id'), ['user_id'],
                              unique=False)
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_two_step', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('organisation', schema=None) as batch_op:
        batch_op.drop_column('requires_two_step')
    with op.batch_alter_table('two_step_recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_two_step_recovery_code_user_id'))
    op.drop_table('two_step_recovery_code')
    op.drop_table('two_step')
