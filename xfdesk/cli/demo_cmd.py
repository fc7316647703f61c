"""``xfdesk demo``: fill an empty data folder with a realistic demo office, then open it."""

from __future__ import annotations

import sys

import typer

from xfdesk.cli.base import CliError, context, home


def register(app: typer.Typer) -> None:
    app.command("demo", help="生成演示数据（同一种子生成相同的数据），然后打开界面；只能用于空的数据文件夹")(demo_cmd)


def demo_cmd(
    matters: int = typer.Option(300, "--matters", help="生成的事项数"),
    seed: int = typer.Option(1, "--seed", help="随机种子：相同种子生成相同的数据"),
    no_tui: bool = typer.Option(False, "--no-tui", help="只生成并显示汇总，不打开界面"),
    force: bool = typer.Option(False, "--force", help="数据库已有事项时仍然追加演示数据（不会删除任何数据）"),
) -> None:
    from xfdesk.services.demo import DemoRefused, generate_demo

    if not 1 <= matters <= 1_000_000:
        raise CliError("--matters 应在1到1000000之间")
    ctx = context()

    def progress(done: int, total: int) -> None:
        if sys.stderr.isatty():
            print(f"\r正在生成演示数据：{done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        summary = generate_demo(ctx, matters=matters, seed=seed, progress=progress, force=force)
    except DemoRefused as exc:
        raise CliError(str(exc)) from None
    finally:
        if sys.stderr.isatty():
            print(file=sys.stderr)
    for line in summary.lines():
        print(line)
    import os

    from xfdesk.cli.base import ENV_PASSWORD
    from xfdesk.services.accounts import demo_accounts

    given = os.environ.get(ENV_PASSWORD)  # a script that sets the demo up chooses the password (not printed)
    made = demo_accounts(ctx, given)
    if made:
        print("演示账号（登录接待台用；真实使用请另建数据文件夹和自己的账号）：")
        for name, role, password in made:
            print(f"  {role}：{name}  密码：{f'（{ENV_PASSWORD} 给出的密码）' if given else password}")
    print(f"数据文件夹：{ctx.home.root}")
    from xfdesk.services.context import print_warnings

    print_warnings(ctx)
    operator = None
    if made and not no_tui:
        # The passwords above are hidden once the desk takes the screen: the demo opens signed in as its clerk (a real
        # sign-in with the password just made, audited); the next start asks for a password as every start does.
        from xfdesk.services.accounts import sign_in

        clerk_name, _role, clerk_password = made[-1]
        operator = sign_in(ctx, clerk_name, clerk_password)
    ctx.db.dispose()
    if not no_tui:
        from xfdesk.tui.launch import launch

        launch(home(), operator=operator)
