"""``xfdesk migrate-to URL``: move the office's database into an empty PostgreSQL database, verified table by table."""

from __future__ import annotations

import sys
import time

import typer

from xfdesk.cli.base import CliError, context, signed_in


def register(app: typer.Typer) -> None:
    app.command("migrate-to", help="把本办公室的数据库整体迁移到一个空的 PostgreSQL 数据库（所有表含编号计数器），"
                                   "并逐表核对行数；原 SQLite 文件保持不变")(migrate_to)


def migrate_to(
    url: str = typer.Argument(..., metavar="URL", help="目标数据库，如 postgresql://xfdesk:密码@192.168.1.10/xfdesk"),
) -> None:
    from xfdesk.domain.errors import Refused
    from xfdesk.services.office_move import masked_url as _masked
    from xfdesk.services.office_move import migrate_office, normalise_url

    ctx = context()
    operator = signed_in(ctx)
    if not operator.is_head:  # the copy holds every record, restricted ones included
        raise CliError("迁移数据库须信访办主任账号")
    last = [0.0]

    def progress(table: str, done: int, total: int) -> None:
        if done == total or time.monotonic() - last[0] > 2:
            last[0] = time.monotonic()
            print(f"  {table}：{done}/{total}", file=sys.stderr, flush=True)

    print(f"正在迁移：{ctx.db.url.split('///')[-1]} → {_masked(url)}", file=sys.stderr)
    try:
        report = migrate_office(ctx, operator, url, progress=progress)
    except Refused as exc:
        raise CliError(str(exc)) from exc
    finally:
        ctx.db.dispose()
    print(f"{'表':<22}{'原库行数':>10}{'新库行数':>10}  核对")
    for t in report.tables:
        print(f"{t.table:<22}{t.source_rows:>10}{t.target_rows:>10}  {'一致' if t.same else '不一致'}")
    print(f"迁移完成：{len(report.tables)} 张表，共 {report.rows} 行，逐表核对一致，用时 {report.seconds:.1f} 秒")
    print("原 SQLite 数据库保持不变。各接待台改用新库：设置环境变量")
    print(f"  XFDESK_DATABASE_URL={_masked(normalise_url(url))}")
    print("（Windows：系统属性 → 环境变量；密码请照原样填写）。此后请勿再在原 SQLite 库上登记。")
