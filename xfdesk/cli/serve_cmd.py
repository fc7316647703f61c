"""``xfdesk serve``: the desk in a browser over the office LAN (``xfdesk.serve``; docs/serve.md)."""

from __future__ import annotations

import sys

import typer

from xfdesk.cli.base import CliError, context, home


def register(app: typer.Typer) -> None:
    app.command("serve", help="在浏览器里使用接待台：每个浏览器页面在本机运行一个接待台（默认只对本机开放；"
                              "--host 0.0.0.0 对局域网开放，见 docs/serve.md）")(serve)


def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="监听地址：127.0.0.1 只有本机能打开；0.0.0.0 或本机的"
                                                         "局域网地址让办公室其他电脑也能打开"),
    port: int = typer.Option(8000, "--port", help="端口"),
    max_sessions: int = typer.Option(6, "--max-sessions", help="最多同时几个浏览器接待台（每个约占 130 MB 内存）"),
) -> None:
    try:
        from xfdesk.serve import is_loopback, make_server
    except ImportError as exc:  # pragma: no cover  (textual-serve is a dependency; a broken install)
        raise CliError(f"缺少浏览器接待台所需的组件（{exc.name}），请重新安装本程序") from exc
    if not 1 <= port <= 65535:
        raise CliError("端口应在 1–65535 之间")
    if max_sessions < 1:
        raise CliError("--max-sessions 至少为 1")
    ctx = context()  # create or migrate the database once here, not in each tab at the same moment
    ctx.db.dispose()
    if not is_loopback(host):
        print("注意：接待台已对局域网开放，连接是明文 HTTP，只应在办公室内网使用；"
              "跨网段或经公网访问须加 TLS（见 docs/serve.md）", file=sys.stderr)
    try:
        make_server(home().root, host=host, port=port, max_sessions=max_sessions).serve()
    except OSError as exc:
        raise CliError(f"无法在 {host}:{port} 上开放：{exc.strerror or exc}（端口被占用时换一个 --port）") from exc
