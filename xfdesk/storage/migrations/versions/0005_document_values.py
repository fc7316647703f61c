"""Issued documents keep the values they were rendered with, so a reprint reproduces the document as issued.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

``document.rendered_values`` holds the filled fields (JSON, as the template saw them); a lost file is rendered
again from them, never from the records as they are today. Rows issued before this revision have none (NULL):
their lost files are re-rendered from the records, as before, and say so.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _has_column() -> bool:
    return any(c["name"] == "rendered_values" for c in sa.inspect(op.get_bind()).get_columns("document"))


def upgrade() -> None:
    if _has_column():  # a database made at 0001 from today's models has it already
        return
    with op.batch_alter_table("document") as batch:
        batch.add_column(sa.Column("rendered_values", sa.JSON(), nullable=True))


def downgrade() -> None:
    if not _has_column():
        return
    with op.batch_alter_table("document") as batch:
        batch.drop_column("rendered_values")
