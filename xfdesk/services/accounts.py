"""Accounts, sign-in and the audit trail of who did what at the desk (issue 12).

Passwords are hashed with argon2id (argon2-cffi: per-user random salt inside the hash string, memory-hard). Nothing
else ever holds a password: not the event log, not the settings, not a draft. A sign-in that fails says only
"姓名或密码不正确" (no hint whether the name exists); five failures in a row lock the account for five minutes, the
head sees it in the account list and the audit log, and a locked account refuses even the right password.

Every service function here is one transaction that writes its audit event (the append-only event log, with no
matter: see ``AUDIT_ACTIONS``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, func, select

from xfdesk.domain import accounts as rules
from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import ROLE_LABELS, Role
from xfdesk.domain.names import name_initials
from xfdesk.services.context import AppContext, Operator
from xfdesk.services.events import record_event
from xfdesk.storage.models import Account, Event, now

# argon2-cffi's defaults (RFC 9106 low-memory profile: argon2id, t=3, 64 MiB, 4 lanes): about 0.1 s on an old PC,
# once per sign-in. Tests swap in a cheaper argon2id hasher (tests/conftest.py).
HASHER = PasswordHasher()

SIGN_IN = "sign_in"
SIGN_IN_FAILED = "sign_in_failed"
LOCKED_OUT = "locked_out"
SIGN_OUT = "sign_out"
IDLE_LOCK = "idle_lock"
ACCOUNT_ADDED = "account_added"
ACCOUNT_DISABLED = "account_disabled"
ACCOUNT_ENABLED = "account_enabled"
ACCOUNT_UNLOCKED = "account_unlocked"
PASSWORD_CHANGED = "password_changed"
PASSWORD_RESET = "password_reset"
HEAD_RECOVERED = "head_recovered"
AUDIT_ACTIONS = {
    SIGN_IN: "登录", SIGN_IN_FAILED: "登录失败", LOCKED_OUT: "账号锁定", SIGN_OUT: "退出登录", IDLE_LOCK: "锁屏",
    ACCOUNT_ADDED: "新建账号", ACCOUNT_DISABLED: "停用账号", ACCOUNT_ENABLED: "启用账号", ACCOUNT_UNLOCKED: "解除锁定",
    PASSWORD_CHANGED: "修改密码", PASSWORD_RESET: "重设密码", HEAD_RECOVERED: "恢复码重设主任密码",
    "view_restricted": "查看检举控告事项", "export": "导出",
}
WRONG = "姓名或密码不正确"


class SignInRefused(Refused):
    """A sign-in that did not succeed; the message is for the user (and never says whether the name exists)."""


class AccountRefused(Refused):
    """An account change that cannot be made as asked."""


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    initials: str
    role: str
    role_label: str
    active: bool
    failed_attempts: int
    locked_until: dt.datetime | None
    last_sign_in_at: dt.datetime | None

    def locked(self, at: dt.datetime) -> bool:
        return self.locked_until is not None and at < self.locked_until

    def state(self, at: dt.datetime) -> str:
        if not self.active:
            return "已停用"
        if self.locked(at):
            return f"已锁定（{self.locked_until:%H:%M} 解除）"
        return "正常"


@dataclass(frozen=True)
class NewHead:
    operator: Operator
    recovery_code: str  # shown once; only its hash is kept


def _operator(account: Account) -> Operator:
    return Operator(account.name, Role(account.role), account_id=account.id)


def _row(a: Account) -> AccountRow:
    return AccountRow(a.id, a.name, a.name_initials, a.role, ROLE_LABELS.get(a.role, a.role), a.active,
                      a.failed_attempts, a.locked_until, a.last_sign_in_at)


def _hash(password: str) -> str:
    return HASHER.hash(password)


def _verify(stored: str, password: str) -> bool:
    if not stored:
        return False
    try:
        return HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _require(operator: Operator, right: rules.Right) -> None:
    if operator is None or not rules.has_right(operator.role, right):
        raise AccountRefused(rules.right_refusal(right))


def _clean_name(name: str | None) -> str:
    problem = rules.check_account_name(name)
    if problem:
        raise AccountRefused(problem)
    return (name or "").strip()


def _check_password(password: str, again: str | None, name: str) -> None:
    problem = rules.check_new_password(password, again=again, name=name)
    if problem:
        raise AccountRefused(problem)


def _find(session: Session, name: str) -> Account | None:
    return session.exec(select(Account).where(Account.name == name)).first()


def _get(session: Session, name: str) -> Account:
    account = _find(session, (name or "").strip())
    if account is None:
        raise AccountRefused(f"没有名为“{(name or '').strip()[:rules.MAX_NAME]}”的账号")
    return account


def recovery_code() -> str:
    """A one-time code for the head (4 groups of 5, letters and digits that are not confused on paper)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(5)) for _ in range(rules.RECOVERY_GROUPS))


def _normal_code(code: str) -> str:
    return "".join(c for c in (code or "").upper() if c.isalnum())


# -- reading ------------------------------------------------------------------------------------------------------
def has_accounts(ctx: AppContext) -> bool:
    """Does the office have any account yet? (None: the first start creates the head's.)"""
    with ctx.db.read() as session:
        return bool(session.exec(select(func.count()).select_from(Account)).one())


def sign_in_names(ctx: AppContext) -> list[tuple[str, str]]:
    """(name, pinyin initials) of the active accounts, for the sign-in screen's picker."""
    with ctx.db.read() as session:
        rows = session.exec(select(Account.name, Account.name_initials).where(Account.active)
                            .order_by(Account.role.desc(), Account.name)).all()
    return [(n, i) for n, i in rows]


def list_accounts(ctx: AppContext, operator: Operator) -> list[AccountRow]:
    _require(operator, rules.Right.MANAGE_ACCOUNTS)
    with ctx.db.read() as session:
        return [_row(a) for a in session.exec(select(Account).order_by(Account.id))]


# -- creating -----------------------------------------------------------------------------------------------------
def create_first_head(ctx: AppContext, name: str, password: str, again: str | None = None) -> NewHead:
    """The first start of an office with no account: the office head's account, and a one-time recovery code."""
    name = _clean_name(name)
    _check_password(password, again, name)
    code = recovery_code()
    with ctx.db.write() as session:
        if session.exec(select(func.count()).select_from(Account)).one():
            raise AccountRefused("本办已有账号，新账号须由信访办主任登录后添加")
        account = Account(name=name, name_initials=name_initials(name), role=Role.HEAD.value,
                          password_hash=_hash(password), recovery_hash=_hash(_normal_code(code)))
        session.add(account)
        session.flush()
        operator = _operator(account)
        record_event(session, operator, ACCOUNT_ADDED, note=f"首次启动：建立信访办主任账号“{name}”",
                     data={"account": name, "role": Role.HEAD.value, "first": True})
    return NewHead(operator, code)


def add_account(ctx: AppContext, operator: Operator, name: str, role: Role | str, password: str,
                again: str | None = None) -> AccountRow:
    _require(operator, rules.Right.MANAGE_ACCOUNTS)
    name = _clean_name(name)
    role = Role(role)
    _check_password(password, again, name)
    password_hash = _hash(password)
    with ctx.db.write() as session:
        if _find(session, name) is not None:
            raise AccountRefused(f"已有名为“{name}”的账号")
        account = Account(name=name, name_initials=name_initials(name), role=role.value, password_hash=password_hash)
        session.add(account)
        session.flush()
        record_event(session, operator, ACCOUNT_ADDED, note=f"新建{ROLE_LABELS[role]}账号“{name}”",
                     data={"account": name, "role": role.value})
        return _row(account)


# -- signing in and out -------------------------------------------------------------------------------------------
def sign_in(ctx: AppContext, name: str, password: str, *, where: str = "desk") -> Operator:
    """The operator for ``name`` if ``password`` is right and the account may sign in now; else SignInRefused.
    Failures are counted (and audited) even for a locked account; an unknown name is audited too."""
    name = (name or "").strip()
    if rules.check_account_name(name):
        raise SignInRefused(WRONG if name else "请选择或输入姓名")
    if not password:
        raise SignInRefused("请输入密码")
    at = now()
    with ctx.db.write() as session:
        account = _find(session, name)
        too_long = len(password) > rules.MAX_PASSWORD  # never hashed: refused like a wrong one
        if account is None:
            _verify(_dummy_hash(), "x")  # the same time as a real check: the answer does not tell names apart
            record_event(session, Operator(name, Role.CLERK), SIGN_IN_FAILED, note="登录失败：没有这个账号",
                         data={"where": where, "unknown": True})
            refusal = WRONG
        elif not account.active:
            record_event(session, _operator(account), SIGN_IN_FAILED, note="登录失败：账号已停用",
                         data={"where": where})
            refusal = "该账号已停用，请找信访办主任"
        elif rules.Lockout(account.failed_attempts, account.locked_until).locked(at):
            record_event(session, _operator(account), SIGN_IN_FAILED, note="登录失败：账号锁定中",
                         data={"where": where, "locked": True})
            refusal = (f"密码连续输错{rules.MAX_FAILURES}次，账号已锁定，"
                       f"{rules.minutes_left(account.locked_until, at)}分钟后再试，或请信访办主任解除")
        elif too_long or not _verify(account.password_hash, password):
            state = rules.after_failure(account.failed_attempts, at)
            account.failed_attempts = state.failures
            if state.locked_until is not None:
                account.locked_until = state.locked_until
            session.add(account)
            record_event(session, _operator(account), SIGN_IN_FAILED, note="登录失败：密码不正确",
                         data={"where": where, "failures": state.failures})
            if state.locked_until is not None:
                record_event(session, _operator(account), LOCKED_OUT,
                             note=f"密码连续输错{state.failures}次，账号锁定至{state.locked_until:%H:%M}",
                             data={"until": state.locked_until.isoformat()})
                refusal = f"密码连续输错{rules.MAX_FAILURES}次，账号已锁定{int(rules.LOCKOUT.total_seconds() // 60)}分钟"
            else:
                left = rules.MAX_FAILURES - state.failures
                refusal = f"{WRONG}（再错{left}次账号将锁定）" if left <= 2 else WRONG
        else:
            account.failed_attempts = 0
            account.locked_until = None
            account.last_sign_in_at = at
            if HASHER.check_needs_rehash(account.password_hash):
                account.password_hash = _hash(password)
            session.add(account)
            operator = _operator(account)
            record_event(session, operator, SIGN_IN, note="登录", data={"where": where})
            return operator
    raise SignInRefused(refusal)


_DUMMY: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY or not _DUMMY[0].startswith(f"$argon2id$v=19$m={HASHER.memory_cost},"):
        _DUMMY[:] = [HASHER.hash(secrets.token_hex(8))]
    return _DUMMY[0]


def note_session(ctx: AppContext, operator: Operator, action: str, note: str = "", **data) -> None:  # noqa: ANN003
    """An audit row for sign-out or an idle lock (its own small transaction)."""
    if action not in (SIGN_OUT, IDLE_LOCK):
        raise ValueError(action)
    with ctx.db.write() as session:
        record_event(session, operator, action, note=note or AUDIT_ACTIONS[action], data=data)


def still_active(ctx: AppContext, operator: Operator) -> bool:
    """Is the account behind ``operator`` still allowed (not disabled since it signed in)?"""
    with ctx.db.read() as session:
        account = _find(session, operator.name)
        return account is not None and account.active and account.role == str(operator.role)


# -- changing -----------------------------------------------------------------------------------------------------
def change_password(ctx: AppContext, operator: Operator, old: str, new: str, again: str | None = None) -> None:
    """One's own password: the old one is required."""
    _check_password(new, again, operator.name)
    with ctx.db.write() as session:
        account = _get(session, operator.name)
        if not _verify(account.password_hash, old) or len(old or "") > rules.MAX_PASSWORD:
            raise AccountRefused("原密码不正确")
        account.password_hash = _hash(new)
        session.add(account)
        record_event(session, operator, PASSWORD_CHANGED, note="修改本人密码", data={"account": account.name})


def reset_password(ctx: AppContext, operator: Operator, name: str, new: str, again: str | None = None) -> None:
    """The head sets a clerk's password (a forgotten one); it also lifts a lock-out."""
    _require(operator, rules.Right.MANAGE_ACCOUNTS)
    with ctx.db.write() as session:
        account = _get(session, name)
        if account.name == operator.name:
            raise AccountRefused("修改本人密码须输入原密码（xfdesk user passwd）")
        _check_password(new, again, account.name)
        account.password_hash = _hash(new)
        account.failed_attempts = 0
        account.locked_until = None
        session.add(account)
        record_event(session, operator, PASSWORD_RESET, note=f"重设“{account.name}”的密码",
                     data={"account": account.name})


def recover_head(ctx: AppContext, name: str, code: str, new: str, again: str | None = None) -> str:
    """The head forgot the password: the recovery code sets a new one, once. Returns the next recovery code."""
    name = (name or "").strip()
    with ctx.db.write() as session:
        account = _find(session, name)
        if (account is None or account.role != Role.HEAD.value or len(code or "") > 64
                or not _verify(account.recovery_hash, _normal_code(code))):
            if account is not None:
                record_event(session, _operator(account), SIGN_IN_FAILED, note="恢复码不正确",
                             data={"where": "recovery"})
            fail = True
        else:
            fail = False
            _check_password(new, again, account.name)
            fresh = recovery_code()
            account.password_hash = _hash(new)
            account.recovery_hash = _hash(_normal_code(fresh))
            account.failed_attempts = 0
            account.locked_until = None
            account.active = True
            session.add(account)
            record_event(session, _operator(account), HEAD_RECOVERED, note="用恢复码重设信访办主任密码",
                         data={"account": account.name})
    if fail:
        raise AccountRefused("姓名或恢复码不正确")
    return fresh


def new_recovery_code(ctx: AppContext, operator: Operator, password: str) -> str:
    """A signed-in head makes a new recovery code (the old one stops working); the password is asked again."""
    _require(operator, rules.Right.MANAGE_ACCOUNTS)
    code = recovery_code()
    with ctx.db.write() as session:
        account = _get(session, operator.name)
        if len(password or "") > rules.MAX_PASSWORD or not _verify(account.password_hash, password):
            raise AccountRefused("密码不正确")
        account.recovery_hash = _hash(_normal_code(code))
        session.add(account)
        record_event(session, operator, PASSWORD_CHANGED, note="换发信访办主任恢复码", data={"account": account.name})
    return code


def set_active(ctx: AppContext, operator: Operator, name: str, active: bool) -> AccountRow:
    _require(operator, rules.Right.MANAGE_ACCOUNTS)
    with ctx.db.write() as session:
        account = _get(session, name)
        if not active and account.name == operator.name:
            raise AccountRefused("不能停用自己正在使用的账号")
        if not active and account.role == Role.HEAD.value and _active_heads(session) <= 1:
            raise AccountRefused("这是唯一的信访办主任账号，停用后将无人能管理账号")
        account.active = active
        session.add(account)
        record_event(session, operator, ACCOUNT_ENABLED if active else ACCOUNT_DISABLED,
                     note=("启用" if active else "停用") + f"账号“{account.name}”", data={"account": account.name})
        return _row(account)


def unlock(ctx: AppContext, operator: Operator, name: str) -> AccountRow:
    _require(operator, rules.Right.MANAGE_ACCOUNTS)
    with ctx.db.write() as session:
        account = _get(session, name)
        account.failed_attempts = 0
        account.locked_until = None
        session.add(account)
        record_event(session, operator, ACCOUNT_UNLOCKED, note=f"解除“{account.name}”的锁定",
                     data={"account": account.name})
        return _row(account)


def _active_heads(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Account)
                        .where(Account.active, Account.role == Role.HEAD.value)).one()


# -- the audit log ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditRow:
    at: dt.datetime
    actor: str
    role: str
    action: str
    label: str
    note: str
    matter_id: int | None
    matter_number: str


def audit_log(ctx: AppContext, operator: Operator, *, since: dt.date | None = None, user: str | None = None,
              limit: int = 500) -> list[AuditRow]:
    """The audit rows, newest first: sign-ins and failures, lock-outs, sign-outs, idle locks, account changes,
    views of restricted records and exports. Head only."""
    from xfdesk.storage.models import Matter

    _require(operator, rules.Right.READ_AUDIT)
    query = (select(Event, Matter.number).join(Matter, Matter.id == Event.matter_id, isouter=True)
             .where(Event.action.in_(list(AUDIT_ACTIONS))))
    if since is not None:
        query = query.where(Event.at >= dt.datetime.combine(since, dt.time()))
    if user:
        query = query.where(Event.actor == user.strip())
    with ctx.db.read() as session:
        rows = session.exec(query.order_by(Event.at.desc(), Event.id.desc()).limit(limit)).all()
    return [AuditRow(e.at, e.actor, e.role, e.action, AUDIT_ACTIONS.get(e.action, e.action), e.note, e.matter_id,
                     number or "") for e, number in rows]


def demo_accounts(ctx: AppContext, password: str | None = None) -> list[tuple[str, str, str]]:
    """``xfdesk demo`` on an office without accounts: the demo's office head and first clerk (name, role label,
    password), with ``password`` or, when none is given, passwords made here and printed once by the command."""
    from xfdesk.services.demo import demo_names

    names = demo_names(ctx)
    made = []
    with ctx.db.write() as session:
        if session.exec(select(func.count()).select_from(Account)).one():
            return []
        for name, role in ((names.office_head, Role.HEAD), (names.clerks[0], Role.CLERK)):
            chosen = password or "".join(secrets.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(8))
            account = Account(name=name, name_initials=name_initials(name), role=role.value,
                              password_hash=_hash(chosen),
                              recovery_hash=_hash(_normal_code(recovery_code())) if role == Role.HEAD else "")
            session.add(account)
            session.flush()
            record_event(session, _operator(account), ACCOUNT_ADDED, note=f"演示数据：{ROLE_LABELS[role]}账号“{name}”",
                         data={"account": name, "role": role.value, "demo": True})
            made.append((name, ROLE_LABELS[role], chosen))
    return made
