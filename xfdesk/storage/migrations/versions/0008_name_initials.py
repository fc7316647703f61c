"""Pinyin initials of stored names recomputed: surnames from the table, no phrase dictionary (``domain.names``).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02

Initials are stored with each name when it is written. They are now taken from a small surname table and each
character's usual reading (单雄信 → sxx, 解缙 → xj; pypinyin's phrase dictionary, 45 MB in memory, is no longer
loaded). Names stored before are given the same initials, so typing ``sxx`` finds 单雄信 whenever he was registered.
"""
from alembic import op
import sqlalchemy as sa

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

_TABLES = ("petitioner", "account")


def upgrade() -> None:
    from xfdesk.domain.names import name_initials

    bind = op.get_bind()
    present = set(sa.inspect(bind).get_table_names())
    for table in _TABLES:
        if table not in present:
            continue
        changed = [{"i": row_id, "n": name_initials(name)} for row_id, name, initials in bind.execute(
            sa.text(f"SELECT id, name, name_initials FROM {table}")) if name_initials(name) != initials]
        if changed:
            bind.execute(sa.text(f"UPDATE {table} SET name_initials = :n WHERE id = :i"), changed)


def downgrade() -> None:
    pass  # the older initials are not worth restoring: both find the person by name
