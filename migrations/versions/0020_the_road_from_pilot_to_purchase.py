"""the road from pilot to purchase (issue 17)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-02 03:00:18

The commitment a town makes when it posts a challenge (budget owner, intended procurement route,
success criteria, fiscal year of adoption), the pilot's cost and the catalogue solution it
proves; a town's budget calendar and 少額随意契約 limits; the records each stage needs
(checklist entries and waivers); 第4号 certifications; a startup's procurement readiness and bid
registrations; the catalogue of adopted solutions and the adopting towns' ratings.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bid_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('startup_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['organisation.id'], name=op.f('fk_bid_registration_municipality_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['startup_id'], ['organisation.id'], name=op.f('fk_bid_registration_startup_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bid_registration')),
    sa.UniqueConstraint('startup_id', 'municipality_id', name=op.f('uq_bid_registration_startup_id'))
    )
    with op.batch_alter_table('bid_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bid_registration_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bid_registration_startup_id'), ['startup_id'], unique=False)

    op.create_table('budget_calendar',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('request_month', sa.Integer(), nullable=False),
    sa.Column('request_day', sa.Integer(), nullable=False),
    sa.Column('council_start_month', sa.Integer(), nullable=False),
    sa.Column('council_start_day', sa.Integer(), nullable=False),
    sa.Column('council_end_month', sa.Integer(), nullable=False),
    sa.Column('council_end_day', sa.Integer(), nullable=False),
    sa.Column('other_sessions', sa.JSON(), nullable=False),
    sa.Column('limits', sa.JSON(), nullable=False),
    sa.Column('certifies_new_business', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_budget_calendar_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_budget_calendar'))
    )
    op.create_table('procurement_profile',
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('unified_grade', sa.String(length=1), nullable=True),
    sa.Column('unified_valid_until', sa.Date(), nullable=True),
    sa.Column('gbizid_prime', sa.Boolean(), nullable=False),
    sa.Column('ismap', sa.String(length=20), nullable=True),
    sa.Column('marketplace_listings', sa.JSON(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_procurement_profile_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('organisation_id', name=op.f('pk_procurement_profile'))
    )
    with op.batch_alter_table('procurement_profile', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_procurement_profile_level'), ['level'], unique=False)

    op.create_table('solution',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('startup_id', sa.Integer(), nullable=False),
    sa.Column('capability_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['capability_id'], ['capability.id'], name=op.f('fk_solution_capability_id_capability'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['startup_id'], ['organisation.id'], name=op.f('fk_solution_startup_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solution'))
    )
    with op.batch_alter_table('solution', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solution_startup_id'), ['startup_id'], unique=False)

    op.create_table('certification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('startup_id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=True),
    sa.Column('solution_id', sa.Integer(), nullable=True),
    sa.Column('product_name', sa.String(length=200), nullable=False),
    sa.Column('state', sa.Enum('draft', 'granted', 'refused', name='certificationstate', native_enum=False, length=20), nullable=False),
    sa.Column('plan_targets', sa.Text(), nullable=False),
    sa.Column('plan_content', sa.Text(), nullable=False),
    sa.Column('plan_timing', sa.Text(), nullable=False),
    sa.Column('plan_funding', sa.Text(), nullable=False),
    sa.Column('novelty', sa.Text(), nullable=False),
    sa.Column('expert_opinions', sa.Text(), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('granted_on', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['municipality_id'], ['organisation.id'], name=op.f('fk_certification_municipality_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_certification_pilot_id_pilot'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['solution_id'], ['solution.id'], name=op.f('fk_certification_solution_id_solution'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['startup_id'], ['organisation.id'], name=op.f('fk_certification_startup_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certification'))
    )
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certification_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certification_startup_id'), ['startup_id'], unique=False)

    op.create_table('checklist_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('mark', sa.Enum('done', 'waived', name='checklistmark', native_enum=False, length=20), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('recorded_on', sa.Date(), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_checklist_entry_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_checklist_entry_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checklist_entry')),
    sa.UniqueConstraint('pilot_id', 'key', name=op.f('uq_checklist_entry_pilot_id'))
    )
    with op.batch_alter_table('checklist_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checklist_entry_pilot_id'), ['pilot_id'], unique=False)

    op.create_table('solution_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('solution_id', sa.Integer(), nullable=False),
    sa.Column('pilot_id', sa.Integer(), nullable=False),
    sa.Column('municipality_id', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.Enum('at_adoption', 'six_months', name='ratingoccasion', native_enum=False, length=20), nullable=False),
    sa.Column('fit', sa.Integer(), nullable=False),
    sa.Column('support', sa.Integer(), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('results', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_solution_rating_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['municipality_id'], ['organisation.id'], name=op.f('fk_solution_rating_municipality_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pilot_id'], ['pilot.id'], name=op.f('fk_solution_rating_pilot_id_pilot'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['solution_id'], ['solution.id'], name=op.f('fk_solution_rating_solution_id_solution'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_solution_rating')),
    sa.UniqueConstraint('pilot_id', 'occasion', name=op.f('uq_solution_rating_pilot_id'))
    )
    with op.batch_alter_table('solution_rating', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_solution_rating_solution_id'), ['solution_id'], unique=False)

    with op.batch_alter_table('challenge', schema=None) as batch_op:
        batch_op.add_column(sa.Column('budget_owner', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('procurement_route', sa.Enum('undecided', 'small_amount', 'certified', 'proposal', 'marketplace', name='procurementroute', native_enum=False, length=20), server_default='undecided', nullable=False))
        batch_op.add_column(sa.Column('success_criteria', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('success_kpis', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('adoption_fiscal_year', sa.Integer(), nullable=True))

    with op.batch_alter_table('pilot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pilot_cost', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('annual_cost', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('solution_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_pilot_solution_id'), ['solution_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_pilot_solution_id_solution'), 'solution', ['solution_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('pilot', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_pilot_solution_id_solution'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_pilot_solution_id'))
        batch_op.drop_column('solution_id')
        batch_op.drop_column('annual_cost')
        batch_op.drop_column('pilot_cost')

    with op.batch_alter_table('challenge', schema=None) as batch_op:
        batch_op.drop_column('adoption_fiscal_year')
        batch_op.drop_column('success_kpis')
        batch_op.drop_column('success_criteria')
        batch_op.drop_column('procurement_route')
        batch_op.drop_column('budget_owner')

    with op.batch_alter_table('solution_rating', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solution_rating_solution_id'))

    op.drop_table('solution_rating')
    with op.batch_alter_table('checklist_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_entry_pilot_id'))

    op.drop_table('checklist_entry')
    with op.batch_alter_table('certification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certification_startup_id'))
        batch_op.drop_index(batch_op.f('ix_certification_municipality_id'))

    op.drop_table('certification')
    with op.batch_alter_table('solution', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_solution_startup_id'))

    op.drop_table('solution')
    with op.batch_alter_table('procurement_profile', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_procurement_profile_level'))

    op.drop_table('procurement_profile')
    op.drop_table('budget_calendar')
    with op.batch_alter_table('bid_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bid_registration_startup_id'))
        batch_op.drop_index(batch_op.f('ix_bid_registration_municipality_id'))

    op.drop_table('bid_registration')
