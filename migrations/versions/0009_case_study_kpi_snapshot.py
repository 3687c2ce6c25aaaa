"""case study KPI snapshot: the figures the three sides approved

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 17:15:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('marketing_activity', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kpi_snapshot', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('kpi_snapshot_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('marketing_activity', schema=None) as batch_op:
        batch_op.drop_column('kpi_snapshot_at')
        batch_op.drop_column('kpi_snapshot')
