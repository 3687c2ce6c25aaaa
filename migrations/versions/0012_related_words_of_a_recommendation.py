"""related words of a recommendation

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        # Pairs stored before the matcher explained related words have none.
        batch_op.add_column(sa.Column('related', sa.JSON(), nullable=False,
                                      server_default='[]'))


def downgrade():
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_column('related')
