"""interest in a recommendation (関心あり)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 23:00:00

Either side of a recommended pair can say 「関心あり」: the town asks the programme office for an
introduction, the startup says it would like to meet. One row per (challenge, startup, side),
apart from the recommendation rows that each rebuild rewrites.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pair_interest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("challenge_id", sa.Integer(), nullable=False),
        sa.Column("startup_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["challenge_id"], ["challenge.id"], ondelete="CASCADE",
                                name=op.f("fk_pair_interest_challenge_id_challenge")),
        sa.ForeignKeyConstraint(["startup_id"], ["organisation.id"], ondelete="CASCADE",
                                name=op.f("fk_pair_interest_startup_id_organisation")),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="SET NULL",
                                name=op.f("fk_pair_interest_user_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pair_interest")),
        sa.UniqueConstraint("challenge_id", "startup_id", "side",
                            name=op.f("uq_pair_interest_challenge_id")),
    )
    op.create_index(op.f("ix_pair_interest_startup_id"), "pair_interest", ["startup_id"],
                    unique=False)


def downgrade():
    op.drop_index(op.f("ix_pair_interest_startup_id"), table_name="pair_interest")
    op.drop_table("pair_interest")
