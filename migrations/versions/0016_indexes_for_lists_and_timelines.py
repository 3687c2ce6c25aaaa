"""indexes for list order and pilot timelines

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 20:00:00

Measured on national data (issue 12): the first page of an unfiltered list sorted the whole
table (50,000 proposals: 280 ms; with an index on its order, 5 ms), and the dashboard's days in
stages sorted every pilot's history events. Each list's sort order gets an index, so a page is
read in order and stops after its rows; the history index also carries the id (the tie-break of
every timeline) and the stage, so a timeline is read from the index alone. It replaces
ix_history_event_entity, whose columns it begins with.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

LIST_ORDERS = {
    "ix_proposal_created_at": ("proposal", ["created_at", "id"]),
    "ix_pilot_stage_entered_at": ("pilot", ["stage_entered_at", "id"]),
    "ix_marketing_activity_updated_at": ("marketing_activity", ["updated_at", "id"]),
    "ix_challenge_opened_at": ("challenge", ["opened_at", "id"]),
}


def upgrade():
    for name, (table, columns) in LIST_ORDERS.items():
        op.create_index(name, table, columns)
    op.create_index("ix_history_event_timeline", "history_event",
                    ["entity_type", "entity_id", "created_at", "id", "to_state"])
    op.drop_index("ix_history_event_entity", table_name="history_event")


def downgrade():
    op.create_index("ix_history_event_entity", "history_event",
                    ["entity_type", "entity_id", "created_at"])
    op.drop_index("ix_history_event_timeline", table_name="history_event")
    for name, (table, _columns) in LIST_ORDERS.items():
        op.drop_index(name, table_name=table)
