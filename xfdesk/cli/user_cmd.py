"""``xfdesk user …`` (accounts, for the office head) and ``xfdesk audit`` (the audit log); docs/accounts.md."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Optional

import typer

from xfdesk.cli.base import CliError, ask_secret, context, signed_in
from xfdesk.cli.output import print_table

user_app = typer.Typer(help="账号（信访办主任管理）：新建、列出、改密码、停用、启用、解除锁定、用恢复码重设主任密码",
                       no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.command("audit", help="审计日志（信访办主任）：登录、登录失败、锁定、退出、锁屏、账号变更、查看检举控告事项、导出")(
        audit_cmd)


def new_password(name: str, what: str = "新密码") -> tuple[str, str]:
    """A new password typed twice (never echoed); the service checks length and that both agree."""
    first = _secret(f"{name} 的{what}：")
    return first, _secret(f"再输入一次{what}：")


def _secret(prompt: str) -> str:
    try:
        return ask_secret(prompt)
    except EOFError:
        raise CliError("需要在终端里输入密码") from None


def _accounts():  # noqa: ANN202
    from xfdesk.services import accounts

    return accounts


@user_app.command("add", help="新建账号（信访办主任）：随后输入两次密码")
def add_cmd(
    name: str = typer.Argument(..., help="姓名（登录时选的名字）"),
    role: str = typer.Option("接待员", "--role", help="角色：接待员 或 信访办主任"),
) -> None:
    from xfdesk.domain.accounts import role_from_text

    try:
        wanted = role_from_text(role)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    ctx = context()
    operator = signed_in(ctx)
    row = _accounts().add_account(ctx, operator, name, wanted, *new_password(name.strip(), "密码"))
    print(f"已新建{row.role_label}账号：{row.name}")


@user_app.command("list", help="列出账号：角色、状态（停用、锁定）、最近登录（信访办主任）")
def list_cmd() -> None:
    ctx = context()
    rows = _accounts().list_accounts(ctx, signed_in(ctx))
    at = dt.datetime.now()
    print_table(["姓名", "角色", "状态", "连续输错", "最近登录"],
                [[r.name, r.role_label, r.state(at), r.failed_attempts,
                  f"{r.last_sign_in_at:%Y-%m-%d %H:%M}" if r.last_sign_in_at else "从未登录"] for r in rows])


@user_app.command("passwd", help="改密码：不写姓名时改自己的（须输入原密码）；信访办主任写姓名可重设接待员的密码")
def passwd_cmd(name: Optional[str] = typer.Argument(None, help="要重设密码的账号（信访办主任用）")) -> None:
    ctx = context()
    operator = signed_in(ctx)
    accounts = _accounts()
    if name is None or name.strip() == operator.name:
        old = _secret("原密码：")
        accounts.change_password(ctx, operator, old, *new_password(operator.name))
        print("密码已修改")
    else:
        accounts.reset_password(ctx, operator, name, *new_password(name.strip()))
        print(f"已重设“{name.strip()}”的密码（锁定同时解除）")


@user_app.command("disable", help="停用账号（离职、调岗）；记录保留，不能再登录")
def disable_cmd(name: str = typer.Argument(..., help="姓名")) -> None:
    ctx = context()
    row = _accounts().set_active(ctx, signed_in(ctx), name, False)
    print(f"已停用账号：{row.name}")


@user_app.command("enable", help="重新启用停用的账号")
def enable_cmd(name: str = typer.Argument(..., help="姓名")) -> None:
    ctx = context()
    row = _accounts().set_active(ctx, signed_in(ctx), name, True)
    print(f"已启用账号：{row.name}")


@user_app.command("unlock", help="解除因连续输错密码而锁定的账号")
def unlock_cmd(name: str = typer.Argument(..., help="姓名")) -> None:
    ctx = context()
    row = _accounts().unlock(ctx, signed_in(ctx), name)
    print(f"已解除锁定：{row.name}")


@user_app.command("recover", help="信访办主任忘记密码：用首次建立账号时给出的恢复码重设（恢复码用后即换新的）")
def recover_cmd(name: str = typer.Argument(..., help="信访办主任的姓名")) -> None:
    ctx = context()
    code = _secret("恢复码：")
    fresh = _accounts().recover_head(ctx, name, code, *new_password(name.strip()))
    print("密码已重设。新的恢复码（只显示这一次，请抄下来另外保管）：")
    print(f"  {fresh}")


@user_app.command("recovery-code", help="信访办主任换发恢复码（旧的作废），须再输入一次密码")
def recovery_code_cmd() -> None:
    ctx = context()
    operator = signed_in(ctx)
    code = _accounts().new_recovery_code(ctx, operator, _secret(f"{operator.name} 的密码："))
    print("新的恢复码（只显示这一次，请抄下来另外保管；旧的已作废）：")
    print(f"  {code}")


def audit_cmd(
    since: Optional[str] = typer.Option(None, "--since", help="从哪天起，YYYY-MM-DD"),
    user: Optional[str] = typer.Option(None, "--user", help="只看这个人的记录"),
    limit: int = typer.Option(200, "--limit", help="最多列出条数"),
) -> None:
    day = None
    if since:
        try:
            day = dt.date.fromisoformat(since.strip())
        except ValueError:
            raise CliError(f"日期格式应为 YYYY-MM-DD（收到“{since}”）") from None
    if not 1 <= limit <= 10_000:
        raise CliError("--limit 应在1到10000之间")
    ctx = context()
    rows = _accounts().audit_log(ctx, signed_in(ctx), since=day, user=user, limit=limit)
    if not rows:
        print("没有符合条件的审计记录")
        return
    print_table(["时间", "操作人", "操作", "事项", "说明"],
                [[f"{r.at:%Y-%m-%d %H:%M:%S}", r.actor, r.label, r.matter_number, r.note] for r in rows])
    if len(rows) == limit:
        print(f"只列出最近{limit}条（--limit 可调整）", file=sys.stderr)
