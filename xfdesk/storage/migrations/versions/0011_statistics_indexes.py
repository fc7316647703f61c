"""Indexes for the statistics and the 督办 board (issue 16): repeats of a matter, events by action and matter.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02

The statistics asked "which later matters are repeats of these" by reading every matter (no index on
``repeat_of_id``), and "which of these matters had a review, re-handling or mediation agreed" through each matter's
whole timeline; the board counted each matter's 督办 the same way. ``(action, matter_id, at)`` answers both from the
index alone.
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_INDEXES = (("ix_matter_repeat_of_id", "matter", "repeat_of_id"),
            ("ix_event_action_matter_at", "event", "action, matter_id, at"))


def upgrade() -> None:
    for name, table, columns in _INDEXES:  # IF NOT EXISTS: idempotent, like the other revisions
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} ({columns})")


def downgrade() -> None:
    for name, _table, _columns in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
