"""``xfdesk doctor``: is this installation healthy? Database integrity, schema, calendar coverage, templates, fonts."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from xfdesk.storage.db import current_revision, head_revision

OK, WARN, FAIL = "正常", "注意", "错误"
OFFICIAL_FONTS = ("仿宋_GB2312", "方正小标宋简体")


@dataclass
class Check:
    topic: str
    level: str
    message: str


def run_checks(ctx) -> list[Check]:  # noqa: ANN001
    checks: list[Check] = []
    checks += _database(ctx)
    checks += _calendar(ctx)
    checks += _templates(ctx)
    checks += _fonts()
    return checks


def _database(ctx) -> list[Check]:  # noqa: ANN001
    out: list[Check] = []
    db = ctx.db
    if db.is_sqlite:
        with db.engine.connect() as conn:
            result = [r[0] for r in conn.execute(text("PRAGMA integrity_check"))]
            fk = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
            mode = conn.execute(text("PRAGMA journal_mode")).scalar()
        if result == ["ok"]:
            out.append(Check("数据库", OK, f"完整性检查通过（{ctx.home.database}，日志模式 {mode}）"))
        else:
            out.append(Check("数据库", FAIL, "完整性检查发现问题：" + "；".join(result[:5])))
        if fk:
            out.append(Check("数据库", FAIL, f"有 {len(fk)} 条记录的关联数据缺失（外键检查）"))
    else:
        out.append(Check("数据库", OK, f"已连接 {db.engine.url.render_as_string(hide_password=True)}"))
    cur, head = current_revision(db), head_revision(db)
    out.append(Check("数据库结构", OK if cur == head else FAIL,
                     f"版本 {cur}" if cur == head else f"版本 {cur}，最新为 {head}，请运行 xfdesk init"))
    backups = sorted(ctx.home.backups.glob("xfdesk-*.db")) if ctx.home.backups.exists() else []
    if backups:
        out.append(Check("备份", OK, f"共 {len(backups)} 份，最近一份：{backups[-1].name}"))
    return out


def _calendar(ctx) -> list[Check]:  # noqa: ANN001
    out: list[Check] = []
    cal = ctx.calendar()
    year = ctx.today().year
    for y in (year - 1, year, year + 1):
        source = cal.source(y)
        if source is None:
            level = FAIL if y == year else WARN
            out.append(Check("节假日安排", level,
                             f"{y}年：缺少数据，期限将暂按周末推算。国务院办公厅公布后请用 xfdesk calendar import 导入"))
        else:
            label = "本办录入" if source == "office" else "chinese-calendar 内置"
            out.append(Check("节假日安排", OK, f"{y}年：{label}"))
    return out


def _templates(ctx) -> list[Check]:  # noqa: ANN001
    from xfdesk.services.documents import check_templates

    out: list[Check] = []
    try:
        problems = check_templates(ctx)
    except Exception as exc:  # a broken template must not stop the other checks
        return [Check("文书模板", FAIL, f"检查模板时出错：{exc}")]
    if not problems:
        out.append(Check("文书模板", OK, "全部模板检查通过"))
    for p in problems:
        out.append(Check("文书模板", FAIL, str(p)))
    return out


def installed_fonts() -> set[str]:
    names: set[str] = set()
    if sys.platform.startswith("win"):
        fonts_dir = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        files = {p.name.lower() for p in fonts_dir.glob("*")} if fonts_dir.exists() else set()
        if any(f.startswith("simfang") or "fs_gb2312" in f for f in files):
            names.add("仿宋_GB2312")
        if any("fzxbsjw" in f or "xiaobiaosong" in f or f.startswith("fzxbs") for f in files):
            names.add("方正小标宋简体")
        return names
    if shutil.which("fc-list"):
        try:
            listing = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return names
        for font in OFFICIAL_FONTS:
            if font in listing:
                names.add(font)
    return names


def _fonts() -> list[Check]:
    have = installed_fonts()
    out = []
    for font in OFFICIAL_FONTS:
        if font in have:
            out.append(Check("公文字体", OK, f"已安装 {font}"))
        else:
            out.append(Check("公文字体", WARN, f"未找到 {font}，打印时会用替代字体，版式可能与公文标准不符"))
    return out
