"""查询码 on matters (issue 14): a unique short code given at 受理; the matters already accepted get theirs here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    if "query_code" not in {c["name"] for c in inspector.get_columns("matter")}:  # idempotent, like 0002/0003
        with op.batch_alter_table("matter") as batch:
            batch.add_column(sa.Column("query_code", sa.String(length=12), nullable=True))
    # IF NOT EXISTS rather than the inspector's index list (it warns about the expression indexes of 0004)
    op.execute("CREATE UNIQUE INDEX IF NOT EXISTS ix_matter_query_code ON matter (query_code)")
    # every matter accepted before this revision: the same codes new acceptances get (domain.query_code)
    from xfdesk.domain.query_code import new_query_code

    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM matter WHERE route = 'accept' "
                                                  "AND query_code IS NULL ORDER BY id"))]
    used = {row[0] for row in bind.execute(sa.text("SELECT query_code FROM matter WHERE query_code IS NOT NULL"))}
    for matter_id in ids:
        code = new_query_code()
        while code in used:
            code = new_query_code()
        used.add(code)
        bind.execute(sa.text("UPDATE matter SET query_code = :code WHERE id = :id"), {"code": code, "id": matter_id})


def downgrade() -> None:
    op.drop_index("ix_matter_query_code", table_name="matter")
    # a plain DROP COLUMN (SQLite 3.35+, PostgreSQL): a batch copy of the table would lose the other revisions' indexes
    op.execute("ALTER TABLE matter DROP COLUMN query_code")
