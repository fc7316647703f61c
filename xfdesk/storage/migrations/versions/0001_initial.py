"""Initial schema.

Revision ID: 0001
Revises:
Create Date: 2026-11-21

While the first release is being built this creates the tables from the models; it is frozen into explicit
operations before the first release, after which every schema change is a new revision.
"""
from alembic import op
from sqlmodel import SQLModel

import xfdesk.storage.models  # noqa: F401

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    SQLModel.metadata.create_all(bind)
    if bind.dialect.name == "sqlite":
        from xfdesk.storage import search_sqlite

        search_sqlite.create_index(bind)


def downgrade() -> None:
    SQLModel.metadata.drop_all(op.get_bind())
