"""Accounts: who signs in, with an argon2id password hash, role, active flag and lock-out counter (issue 12).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02

The audit trail needs no table of its own: sign-ins, lock-outs and views of restricted records are rows of the
append-only event log.
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "account" in sa.inspect(op.get_bind()).get_table_names():  # a database stamped back by hand (tests do)
        return
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("name_initials", sqlmodel.sql.sqltypes.AutoString(length=50), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("password_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("recovery_hash", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_sign_in_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    # the operator box of the first release remembered who was at the desk (name and role): a head's role picked
    # by Enter at the next start. Nothing of it may survive accounts.
    op.execute("DELETE FROM setting WHERE key = 'last_operator'")


def downgrade() -> None:
    op.drop_table("account")
