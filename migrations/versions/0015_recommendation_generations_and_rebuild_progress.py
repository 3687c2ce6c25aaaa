"""recommendation generations and rebuild progress

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 19:45:00

A rebuild writes its pairs as a new generation beside the live one and swaps it in at once
(the run's id is the generation; `swapped_at` marks the live run). Every existing pair belongs
to generation 0, which stays live until the first rebuild after this upgrade is swapped in; a
run left queued or running by the old code can never finish now, so it is marked failed.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('generation', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.drop_constraint('uq_recommendation_challenge_id', type_='unique')
        batch_op.create_unique_constraint('uq_recommendation_challenge_id',
                                          ['challenge_id', 'startup_id', 'generation'])
    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stage', sa.String(length=20), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('started_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('swapped_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('pairs', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('challenges', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('startups', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('stage_seconds', sa.JSON(), nullable=False,
                                      server_default='{}'))
    op.execute("UPDATE matching_run SET state = 'failed',"
               " message = 'Interrupted by the upgrade to generations; run it again.'"
               " WHERE state IN ('queued', 'running')")


def downgrade():
    # Keep the live generation's suggested pairs and every closed pair, one row per pair.
    op.execute(
        "DELETE FROM recommendation WHERE state = 'suggested' AND generation <> COALESCE("
        " (SELECT MAX(id) FROM matching_run WHERE swapped_at IS NOT NULL), 0)")
    with op.batch_alter_table('matching_run', schema=None) as batch_op:
        batch_op.drop_column('stage_seconds')
        batch_op.drop_column('startups')
        batch_op.drop_column('challenges')
        batch_op.drop_column('pairs')
        batch_op.drop_column('swapped_at')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('started_at')
        batch_op.drop_column('stage')
    with op.batch_alter_table('recommendation', schema=None) as batch_op:
        batch_op.drop_constraint('uq_recommendation_challenge_id', type_='unique')
        batch_op.create_unique_constraint('uq_recommendation_challenge_id',
                                          ['challenge_id', 'startup_id'])
        batch_op.drop_column('generation')
