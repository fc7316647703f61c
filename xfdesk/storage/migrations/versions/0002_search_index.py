"""Search index (SQLite only): FTS5 trigram and two-character gram tables kept in sync by triggers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21

On PostgreSQL this revision does nothing: search uses portable LIKE queries there.
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_TRIGGERS = ("petitioner_search_ai", "petitioner_search_ad", "petitioner_search_au",
             "matter_search_ai", "matter_search_ad", "matter_search_au")


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        from xfdesk.storage import search_sqlite

        search_sqlite.create_index(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    from xfdesk.storage import search_sqlite

    for trigger in _TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    for table in search_sqlite.FTS_TABLES + ("search_seq",):
        op.execute(f"DROP TABLE IF EXISTS {table}")
