"""Search indexes on PostgreSQL: pg_trgm GIN indexes, two-character windows and prefix B-trees.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

PostgreSQL only (on SQLite revision 0002's FTS5 index serves search, and this revision does nothing). The statements
are ``storage.search_postgres.create_index``: the queries there must repeat the indexed expressions exactly.

When the extension cannot be created (a role that may not, a server without the contrib modules) the revision still
completes and search keeps the portable scans; ``xfdesk search`` and the desk work, only slower on a large office.
After a superuser has run ``CREATE EXTENSION pg_trgm``, ``services.search.rebuild_index`` creates them (idempotent).
"""
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from sqlalchemy.exc import DBAPIError

    from xfdesk.storage import search_postgres

    try:
        with bind.begin_nested():
            search_postgres.create_index(bind)
    except DBAPIError as exc:  # no pg_trgm here: keep the portable search, say why in the log of the upgrade
        import logging

        logging.getLogger("alembic").warning("PostgreSQL 搜索索引未建立（%s），搜索将使用逐行扫描", exc.orig)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    from xfdesk.storage import search_postgres

    search_postgres.drop_index(bind)
