"""members and sign-up confirmation: organisation administrators, disabled users, e-mail
addresses awaiting confirmation

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:10:00

The first member of each existing organisation (the one who signed it up) becomes its
administrator; every existing user counts as confirmed and enabled.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_org_admin', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('is_disabled', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('awaiting_confirmation', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    op.execute(
        "UPDATE user_account SET is_org_admin = TRUE WHERE id IN ("
        " SELECT MIN(id) FROM user_account WHERE organisation_id IS NOT NULL"
        " GROUP BY organisation_id)"
    )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('awaiting_confirmation')
        batch_op.drop_column('is_disabled')
        batch_op.drop_column('is_org_admin')
