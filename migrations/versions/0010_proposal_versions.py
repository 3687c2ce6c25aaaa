"""proposal versions: the text and PDF each edit replaced

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 17:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'proposal_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('proposal_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('approach', sa.Text(), nullable=False),
        sa.Column('timeline', sa.Text(), nullable=False),
        sa.Column('cost_estimate', sa.Integer(), nullable=True),
        sa.Column('attachment_key', sa.String(length=36), nullable=True),
        sa.Column('attachment_name', sa.String(length=255), nullable=True),
        sa.Column('attachment_size', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['author_id'], ['user_account.id'],
                                name=op.f('fk_proposal_version_author_id_user_account'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'],
                                name=op.f('fk_proposal_version_proposal_id_proposal'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_version')),
        sa.UniqueConstraint('proposal_id', 'number',
                            name=op.f('uq_proposal_version_proposal_id')),
    )


def downgrade():
    op.drop_table('proposal_version')
