"""Indexes for lookups that scanned: walk-ins of a reception day, and the matter list in deadline order.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

* ``contact.reception_day_id``: a reception day's walk-ins were counted by reading every contact (120 ms a day
  at 100,000 matters, on every view of the calendar).
* ``(due_on IS NULL, due_on, id)`` on matter, alone and after ``status``: the list's deadline order (the nearest
  deadline first, matters without one last) read straight from the index instead of sorting the whole table (or
  every matter of a status) for each page. The expression must stay exactly what ``services.queries`` orders by.

Idempotent (``if_not_exists``): a database migrated again from an older revision keeps working.
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contact_reception_day_id", "contact", ["reception_day_id"], if_not_exists=True)
    op.create_index("ix_matter_due_order", "matter", [sa.text("(due_on IS NULL)"), "due_on", "id"], if_not_exists=True)
    op.create_index("ix_matter_status_due_order", "matter", ["status", sa.text("(due_on IS NULL)"), "due_on", "id"], if_not_exists=True)
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA analysis_limit = 400")
        op.execute("ANALYZE")


def downgrade() -> None:
    op.drop_index("ix_matter_status_due_order", "matter")
    op.drop_index("ix_matter_due_order", "matter")
    op.drop_index("ix_contact_reception_day_id", "contact")
