"""Indexes for the month report (issue 14): clocks settled in a month, matters finished in a month.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02

A month of a 100,000-matter office read every clock five times (the ranking looks at three months) and every
matter for its 办结 date; with these each figure reads only its month.
"""
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_INDEXES = (("ix_deadline_name_state_ended", "deadline", "name, state, ended_on"),
            ("ix_deadline_name_due", "deadline", "name, due_on"),
            ("ix_matter_closed_on", "matter", "closed_on"))


def upgrade() -> None:
    for name, table, columns in _INDEXES:  # IF NOT EXISTS: idempotent, like the other revisions
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def downgrade() -> None:
    for name, _table, _columns in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
