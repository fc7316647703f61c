"""Accounts and rights (pure rules): who may do what, account names, password rules, lock-out after failures.

Two roles, on purpose (issue 12 asked whether a third is needed):

* 接待员 (clerk) registers, screens, handles and prints; never sees a 检举控告 petitioner's identity;
* 信访办主任 (head) may do everything, sees restricted identities (every such view is logged), manages accounts and
  reads the audit log.

No 领导 role: the leaders of a reception day do not sit at the desk; the clerk records their 批示 as today. No separate
administrator: whoever manages accounts can give himself a head account, so an administrator who "cannot read
restricted matters" would be a promise the program cannot keep; in a township office that person is the head.

The rights of the lifecycle steps (受理, 延期 …) stay in the lifecycle table (``Transition.role``); the rights here are
the ones that are not a step of a matter.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from xfdesk.domain.glossary import ROLE_LABELS, Role

MAX_FAILURES = 5  # wrong passwords in a row before the account is locked
LOCKOUT = dt.timedelta(minutes=5)
MIN_PASSWORD = 6
MAX_PASSWORD = 256  # characters; a longer "password" is refused before it is hashed (a 10 MB one costs nothing)
MAX_NAME = 20
DEFAULT_IDLE_MINUTES = 10
RECOVERY_GROUPS = 4  # the head's one-time recovery code: 4 groups of 5 characters


class Right(StrEnum):
    """What a signed-in user may do, beyond the lifecycle steps."""

    SEE_RESTRICTED = "see_restricted"  # a 检举控告 petitioner's identity and the report's text
    MANAGE_ACCOUNTS = "manage_accounts"  # add, disable, unlock accounts; reset a clerk's password
    READ_AUDIT = "read_audit"  # the audit log (sign-ins, views of restricted records, exports)


RIGHTS: dict[Role, frozenset[Right]] = {
    Role.CLERK: frozenset(),
    Role.HEAD: frozenset(Right),
}

RIGHT_LABELS = {Right.SEE_RESTRICTED: "查看检举控告信访人身份", Right.MANAGE_ACCOUNTS: "管理账号",
                Right.READ_AUDIT: "查看审计日志"}


def has_right(role: Role | str, right: Right) -> bool:
    try:
        return right in RIGHTS[Role(role)]
    except ValueError:  # an unknown role (a damaged row) has no rights at all
        return False


def right_refusal(right: Right) -> str:
    return f"{RIGHT_LABELS[right]}须{ROLE_LABELS[Role.HEAD]}权限"


def role_from_text(text: str) -> Role:
    """``接待员`` / ``clerk`` / ``信访办主任`` / ``head`` → Role; anything else is refused."""
    value = (text or "").strip()
    for role, label in ROLE_LABELS.items():
        if value in (label, str(role)):
            return Role(role)
    if value in ("主任", "办事员"):
        return Role.HEAD if value == "主任" else Role.CLERK
    raise ValueError(f"角色应为“接待员”或“信访办主任”（收到“{value}”）")


def check_account_name(name: str | None) -> str | None:
    """Why ``name`` cannot be an account name, or None. Names are what the desk shows and the event log records, so
    no control characters or escape sequences (they would rewrite the terminal), no leading/trailing spaces."""
    value = name or ""
    if not value.strip():
        return "请填写账号姓名"
    if any(unicodedata.category(c)[0] == "C" for c in value):
        return "姓名不能含控制字符"
    if len(value.strip()) > MAX_NAME:
        return f"姓名最多{MAX_NAME}个字"
    return None


def check_new_password(password: str, *, again: str | None = None, name: str = "") -> str | None:
    """Why ``password`` cannot be set, or None (``again``: the second typing, when there is one)."""
    if not password:
        return "请填写密码"
    if len(password) > MAX_PASSWORD:
        return f"密码最多{MAX_PASSWORD}个字符"
    if len(password) < MIN_PASSWORD:
        return f"密码至少{MIN_PASSWORD}个字符"
    if any(unicodedata.category(c) == "Cc" for c in password):
        return "密码不能含控制字符"
    if name and password.strip() == name.strip():
        return "密码不能与姓名相同"
    if again is not None and again != password:
        return "两次输入的密码不一致"
    return None


@dataclass(frozen=True)
class Lockout:
    """The lock-out state of an account at a moment."""

    failures: int
    locked_until: dt.datetime | None

    def locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def after_failure(failures: int, now: dt.datetime) -> Lockout:
    """One more wrong password: the counter, and the lock when it reaches MAX_FAILURES."""
    failures += 1
    return Lockout(failures, now + LOCKOUT if failures >= MAX_FAILURES else None)


def minutes_left(until: dt.datetime, now: dt.datetime) -> int:
    return max(1, -(-int((until - now).total_seconds()) // 60))
