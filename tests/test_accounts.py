"""Accounts (issue 12): argon2id hashes, sign-in with lock-out, bad input and attacks, account commands, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import select

from tests.conftest import CLERK_NAME, HEAD_NAME, TEST_PASSWORD
from xfdesk.cli.app import run
from xfdesk.domain import accounts as rules
from xfdesk.domain.glossary import Role
from xfdesk.services import accounts
from xfdesk.services.accounts import AccountRefused, SignInRefused
from xfdesk.storage.models import Account, Event, Setting


def _account(ctx, name):
    with ctx.db.read() as session:
        return session.exec(select(Account).where(Account.name == name)).one()


def _events(ctx, action=None):
    with ctx.db.read() as session:
        rows = session.exec(select(Event).order_by(Event.id)).all()
    return [e for e in rows if action is None or e.action == action]


# -- the rules ------------------------------------------------------------------------------------------------
def test_only_the_head_has_the_rights_outside_the_lifecycle():
    for right in rules.Right:
        assert rules.has_right(Role.HEAD, right)
        assert not rules.has_right(Role.CLERK, right)
    assert not rules.has_right("admin", rules.Right.SEE_RESTRICTED)  # an unknown role (damaged row): nothing


@pytest.mark.parametrize("name, problem", [
    ("", "请填写账号姓名"), ("   ", "请填写账号姓名"), ("王\x1b[31m芳", "控制字符"), ("王芳\n", "控制字符"),
    ("\x07", "控制字符"), ("\u202e王芳", "控制字符"), ("王" * 21, "最多20个字"),
])
def test_account_names_refuse_control_characters_and_escapes(name, problem):
    assert problem in rules.check_account_name(name)


def test_new_password_rules():
    assert rules.check_new_password("") == "请填写密码"
    assert "至少6" in rules.check_new_password("12345")
    assert "最多256" in rules.check_new_password("x" * 10_000_000)
    assert "不一致" in rules.check_new_password("abcdef1", again="abcdef2")
    assert "不能与姓名相同" in rules.check_new_password("王芳王芳王芳", name="王芳王芳王芳")
    assert rules.check_new_password("琴江镇2026", again="琴江镇2026") is None


# -- hashes ---------------------------------------------------------------------------------------------------
def test_passwords_are_argon2id_with_a_salt_of_their_own_and_stored_nowhere(ctx):
    accounts.add_account(ctx, accounts.sign_in(ctx, HEAD_NAME, TEST_PASSWORD), "刘洋", Role.CLERK, TEST_PASSWORD)
    wang, liu = _account(ctx, CLERK_NAME), _account(ctx, "刘洋")
    for row in (wang, liu):
        assert row.password_hash.startswith("$argon2id$")
        assert TEST_PASSWORD not in row.password_hash
    assert wang.password_hash != liu.password_hash  # same password, different salt
    assert accounts.PasswordHasher().type.name == "ID"  # the production hasher too
    # nowhere else in the database: events, settings
    accounts.sign_in(ctx, "刘洋", TEST_PASSWORD)
    with pytest.raises(SignInRefused):
        accounts.sign_in(ctx, "刘洋", TEST_PASSWORD + "x")
    with ctx.db.read() as session:
        dumped = repr(session.exec(select(Event)).all()) + repr(session.exec(select(Setting)).all())
    assert TEST_PASSWORD not in dumped


# -- signing in -----------------------------------------------------------------------------------------------
def test_sign_in_gives_the_accounts_role_and_is_audited(ctx):
    operator = accounts.sign_in(ctx, CLERK_NAME, TEST_PASSWORD)
    assert (operator.name, operator.role, operator.account_id) == (CLERK_NAME, Role.CLERK, _account(ctx, CLERK_NAME).id)
    assert _account(ctx, CLERK_NAME).last_sign_in_at is not None
    assert [e.actor for e in _events(ctx, accounts.SIGN_IN)] == [CLERK_NAME]


@pytest.mark.parametrize("name, password, message", [
    (CLERK_NAME, "wrong-password", "姓名或密码不正确"),
    ("没有这人", TEST_PASSWORD, "姓名或密码不正确"),  # same words: the answer does not tell names apart
    (CLERK_NAME, "", "请输入密码"),
    ("", TEST_PASSWORD, "请选择或输入姓名"),
    (CLERK_NAME, "x" * 10_000_000, "姓名或密码不正确"),  # 10 MB: refused without hashing it
    ("王\x1b[2J芳", TEST_PASSWORD, "姓名或密码不正确"),
    (CLERK_NAME, TEST_PASSWORD + "\x00", "姓名或密码不正确"),
])
def test_bad_sign_ins_are_refused_plainly(ctx, name, password, message):
    with pytest.raises(SignInRefused) as caught:
        accounts.sign_in(ctx, name, password)
    assert str(caught.value).startswith(message)


def test_a_ten_megabyte_password_costs_no_hashing(ctx, monkeypatch):
    calls = []

    class Spy(accounts.PasswordHasher):
        def verify(self, hash, password):  # noqa: A002
            calls.append(len(password))
            return super().verify(hash, password)

    monkeypatch.setattr(accounts, "HASHER", Spy(time_cost=1, memory_cost=8, parallelism=1))
    with pytest.raises(SignInRefused):
        accounts.sign_in(ctx, CLERK_NAME, "x" * 10_000_000)
    assert all(n < 100 for n in calls)


def test_five_failures_lock_the_account_and_the_right_password_waits(ctx, monkeypatch):
    clock = [dt.datetime(2026, 11, 21, 9, 0)]
    monkeypatch.setattr(accounts, "now", lambda: clock[0])
    messages = []
    for _ in range(rules.MAX_FAILURES):
        with pytest.raises(SignInRefused) as caught:
            accounts.sign_in(ctx, CLERK_NAME, "not-it-123")
        messages.append(str(caught.value))
    assert "再错1次账号将锁定" in messages[3]
    assert "已锁定5分钟" in messages[-1]
    with pytest.raises(SignInRefused, match="已锁定"):
        accounts.sign_in(ctx, CLERK_NAME, TEST_PASSWORD)  # the right password, still refused
    head = accounts.sign_in(ctx, HEAD_NAME, TEST_PASSWORD)
    row = next(r for r in accounts.list_accounts(ctx, head) if r.name == CLERK_NAME)
    assert row.state(clock[0]).startswith("已锁定")  # the head sees it
    assert len(_events(ctx, accounts.LOCKED_OUT)) == 1
    clock[0] += rules.LOCKOUT + dt.timedelta(seconds=1)  # the time passes
    assert accounts.sign_in(ctx, CLERK_NAME, TEST_PASSWORD).name == CLERK_NAME
    assert _account(ctx, CLERK_NAME).failed_attempts == 0


def test_the_head_unlocks_a_locked_account(ctx):
    for _ in range(rules.MAX_FAILURES):
        with pytest.raises(SignInRefused):
            accounts.sign_in(ctx, CLERK_NAME, "not-it-123")
    head = accounts.sign_in(ctx, HEAD_NAME, TEST_PASSWORD)
    clerk = None
    with pytest.raises(SignInRefused):
        accounts.sign_in(ctx, CLERK_NAME, TEST_PASSWORD)
    accounts.unlock(ctx, head, CLERK_NAME)
    clerk = accounts.sign_in(ctx, CLERK_NAME, TEST_PASSWORD)
    with pytest.raises(AccountRefused, match="须信访办主任权限"):
        accounts.unlock(ctx, clerk, HEAD_NAME)


def test_a_disabled_account_cannot_sign_in_and_the_last_head_stays(ctx):
    head = accounts.sign_in(ctx, HEAD_NAME, TEST_PASSWORD)
    accounts.set_active(ctx, head, CLERK_NAME, False)
    with pytest.raises(SignInRefused, match="已停用"):
        accounts.sign_in(ctx, CLERK_NAME, TEST_PASSWORD)
    with pytest.raises(AccountRefused, match="自己"):
        accounts.set_active(ctx, head, HEAD_NAME, False)
    assert CLERK_NAME not in [n for n, _ in accounts.sign_in_names(ctx)]
    accounts.set_active(ctx, head, CLERK_NAME, True)
    assert accounts.sign_in(ctx, CLERK_NAME, TEST_PASSWORD).name == CLERK_NAME


# -- first start, passwords, recovery -------------------------------------------------------------------------
def test_first_start_creates_the_head_once_with_a_recovery_code(tmp_path):
    from xfdesk.services.context import open_context

    fresh = open_context(tmp_path / "new")
    try:
        assert not accounts.has_accounts(fresh)
        with pytest.raises(AccountRefused, match="不一致"):
            accounts.create_first_head(fresh, "陈主任", "abc12345", "abc12346")
        made = accounts.create_first_head(fresh, "陈主任", "abc12345", "abc12345")
        assert made.operator.role == Role.HEAD and len(made.recovery_code) == 23
        with pytest.raises(AccountRefused, match="已有账号"):
            accounts.create_first_head(fresh, "冒名者", "abc12345", "abc12345")
        new_code = accounts.recover_head(fresh, "陈主任", made.recovery_code.lower(), "新密码2026", "新密码2026")
        assert accounts.sign_in(fresh, "陈主任", "新密码2026").is_head
        with pytest.raises(AccountRefused, match="恢复码不正确"):  # used once: the old code is gone
            accounts.recover_head(fresh, "陈主任", made.recovery_code, "再换一个22", "再换一个22")
        assert new_code != made.recovery_code
    finally:
        fresh.db.dispose()


def test_changing_a_password_needs_the_old_one_the_head_resets_a_clerks(ctx):
    clerk = accounts.sign_in(ctx, CLERK_NAME, TEST_PASSWORD)
    with pytest.raises(AccountRefused, match="原密码不正确"):
        accounts.change_password(ctx, clerk, "guess-123", "新密码abc", "新密码abc")
    accounts.change_password(ctx, clerk, TEST_PASSWORD, "新密码abc", "新密码abc")
    assert accounts.sign_in(ctx, CLERK_NAME, "新密码abc")
    with pytest.raises(AccountRefused, match="须信访办主任权限"):
        accounts.reset_password(ctx, clerk, HEAD_NAME, "夺权密码123")
    head = accounts.sign_in(ctx, HEAD_NAME, TEST_PASSWORD)
    accounts.reset_password(ctx, head, CLERK_NAME, "重设的密码1", "重设的密码1")
    assert accounts.sign_in(ctx, CLERK_NAME, "重设的密码1")
    assert [e.action for e in _events(ctx) if e.action in (accounts.PASSWORD_CHANGED, accounts.PASSWORD_RESET)] == [
        accounts.PASSWORD_CHANGED, accounts.PASSWORD_RESET]


def test_a_clerk_cannot_add_accounts_or_read_the_audit_log(ctx):
    clerk = accounts.sign_in(ctx, CLERK_NAME, TEST_PASSWORD)
    with pytest.raises(AccountRefused):
        accounts.add_account(ctx, clerk, "新主任", Role.HEAD, "abcdef12")
    with pytest.raises(AccountRefused):
        accounts.audit_log(ctx, clerk)
    with pytest.raises(AccountRefused):
        accounts.list_accounts(ctx, clerk)


def test_the_audit_log_lists_sign_ins_failures_and_account_changes(ctx):
    head = accounts.sign_in(ctx, HEAD_NAME, TEST_PASSWORD)
    with pytest.raises(SignInRefused):
        accounts.sign_in(ctx, CLERK_NAME, "wrong-123")
    accounts.add_account(ctx, head, "刘洋", "clerk", "abcdef12", "abcdef12")
    accounts.note_session(ctx, head, accounts.IDLE_LOCK)
    accounts.note_session(ctx, head, accounts.SIGN_OUT)
    labels = [r.label for r in accounts.audit_log(ctx, head)]
    assert labels == ["退出登录", "锁屏", "新建账号", "登录失败", "登录"]
    assert [r.actor for r in accounts.audit_log(ctx, head, user=CLERK_NAME)] == [CLERK_NAME]
    assert accounts.audit_log(ctx, head, since=dt.date.today() + dt.timedelta(days=1)) == []


# -- the command line -----------------------------------------------------------------------------------------
@pytest.fixture
def typed(monkeypatch):
    """What the user types at getpass prompts, in order."""
    answers: list[str] = []
    import xfdesk.cli.base as base
    import xfdesk.cli.user_cmd as user_cmd

    def ask(prompt):
        if not answers:
            raise EOFError
        return answers.pop(0)

    monkeypatch.setattr(base, "ask_secret", ask)
    monkeypatch.setattr(user_cmd, "ask_secret", ask)
    return answers


def cli(ctx, capsys, *args):
    capsys.readouterr()
    code = run(["--home", str(ctx.home.root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_user_commands(ctx, capsys, typed, monkeypatch):
    typed += ["新人密码123", "新人密码123"]
    code, out, err = cli(ctx, capsys, "user", "add", "刘洋", "--role", "接待员")
    assert code == 0 and "已新建接待员账号：刘洋" in out, err
    code, out, _ = cli(ctx, capsys, "user", "list")
    assert code == 0 and "刘洋" in out and "从未登录" in out and "信访办主任" in out
    code, out, _ = cli(ctx, capsys, "user", "disable", "刘洋")
    assert code == 0 and "已停用" in out
    code, out, _ = cli(ctx, capsys, "user", "list")
    assert "已停用" in out
    code, out, _ = cli(ctx, capsys, "user", "enable", "刘洋")
    assert code == 0
    typed += ["重设密码456", "重设密码456"]
    code, out, _ = cli(ctx, capsys, "user", "passwd", "刘洋")
    assert code == 0 and "已重设" in out
    monkeypatch.setenv("XFDESK_USER", "刘洋")
    monkeypatch.setenv("XFDESK_PASSWORD", "重设密码456")
    code, out, err = cli(ctx, capsys, "user", "list")
    assert code == 1 and "管理账号须信访办主任权限" in err
    code, out, err = cli(ctx, capsys, "audit")
    assert code == 1 and "须信访办主任权限" in err
    monkeypatch.delenv("XFDESK_PASSWORD")
    typed += ["重设密码456", "猜的密码000", "我的新密码7", "我的新密码7"]  # sign-in, old, new twice
    code, out, err = cli(ctx, capsys, "user", "passwd")
    assert code == 1 and "原密码不正确" in err
    typed.clear()
    typed += ["重设密码456", "重设密码456", "我的新密码7", "我的新密码7"]
    code, out, err = cli(ctx, capsys, "user", "passwd")
    assert code == 0 and "密码已修改" in out, err


def test_the_cli_runs_as_a_user_with_a_password(ctx, capsys, typed, monkeypatch):
    monkeypatch.delenv("XFDESK_PASSWORD")
    typed += [TEST_PASSWORD]
    code, out, err = cli(ctx, capsys, "--user", CLERK_NAME, "matter", "list")
    assert code == 0, err
    code, out, err = cli(ctx, capsys, "--user", CLERK_NAME, "matter", "list")  # nothing typed: no terminal
    assert code == 1 and "需要密码" in err and "XFDESK_PASSWORD" in err
    typed += ["wrong-pass"]
    code, out, err = cli(ctx, capsys, "--user", CLERK_NAME, "matter", "list")
    assert code == 1 and err.strip() == "错误：姓名或密码不正确"
    monkeypatch.delenv("XFDESK_USER")
    code, out, err = cli(ctx, capsys, "matter", "list")
    assert code == 1 and "--user" in err
    # commands that touch no office data need nobody
    code, out, err = cli(ctx, capsys, "calendar", "due", "2026-11-21", "受理告知")
    assert "账号" not in err and "--user" not in err
    code, out, _ = cli(ctx, capsys, "user", "--help")
    assert code == 0 and "passwd" in out


def test_audit_command(ctx, capsys):
    with pytest.raises(SignInRefused):
        accounts.sign_in(ctx, CLERK_NAME, "wrong-123")
    code, out, err = cli(ctx, capsys, "audit", "--user", CLERK_NAME)
    assert code == 0 and "登录失败" in out and CLERK_NAME in out, err
    code, out, err = cli(ctx, capsys, "audit", "--since", "2026-13-01")
    assert code == 1 and "YYYY-MM-DD" in err


def test_init_on_an_empty_office_creates_the_head(tmp_path, capsys, typed, monkeypatch):
    monkeypatch.delenv("XFDESK_PASSWORD")
    monkeypatch.delenv("XFDESK_USER")
    import xfdesk.cli.base as base

    monkeypatch.setattr(base, "ask_line", lambda prompt: "陈主任")
    monkeypatch.setattr(base, "interactive", lambda: True)
    typed += ["主任密码2026", "主任密码2026"]
    home = tmp_path / "office"
    capsys.readouterr()
    assert run(["--home", str(home), "init"]) == 0
    out = capsys.readouterr().out
    assert "已建立信访办主任账号：陈主任" in out and "恢复码" in out
    typed += ["主任密码2026"]
    assert run(["--home", str(home), "--user", "陈主任", "user", "list"]) == 0
    assert "陈主任" in capsys.readouterr().out


def test_demo_makes_a_head_and_a_clerk(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("XFDESK_PASSWORD")
    home = tmp_path / "demo"
    assert run(["--home", str(home), "demo", "--no-tui", "--matters", "5"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "密码：" in line]
    assert len(lines) == 2 and "信访办主任：李主任" in lines[0] and "接待员：王芳" in lines[1]
    password = lines[1].split("密码：")[1].strip()
    monkeypatch.setenv("XFDESK_PASSWORD", password)
    assert run(["--home", str(home), "--user", "王芳", "matter", "list"]) == 0


def test_the_head_gets_a_new_recovery_code(ctx, capsys, typed, monkeypatch):
    typed += ["wrong-123"]
    code, out, err = cli(ctx, capsys, "user", "recovery-code")
    assert code == 1 and "密码不正确" in err
    typed += [TEST_PASSWORD]
    code, out, err = cli(ctx, capsys, "user", "recovery-code")
    assert code == 0 and "新的恢复码" in out, err
    fresh = out.strip().splitlines()[-1].strip()
    typed += [fresh, "恢复后的密码1", "恢复后的密码1"]
    code, out, err = cli(ctx, capsys, "user", "recover", HEAD_NAME)
    assert code == 0 and "密码已重设" in out, err
    assert accounts.sign_in(ctx, HEAD_NAME, "恢复后的密码1").is_head
