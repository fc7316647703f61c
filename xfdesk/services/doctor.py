"""``xfdesk doctor``: is this installation healthy, and what exactly is wrong when it is not.

Every check says what it looked at and, when something is wrong, what to do. Levels: 正常 (fine), 注意 (works, but
someone should act), 错误 (something the office relies on is broken: the command exits 1).
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

OK, WARN, FAIL = "正常", "注意", "错误"
# The fonts the shipped templates name (GB/T 9704): the title, the body, headings.
OFFICIAL_FONTS = ("方正小标宋简体", "仿宋_GB2312", "黑体")
# Font files as offices install them (file names differ between font vendors and Windows versions).
FONT_FILES = {
    "方正小标宋简体": ("方正小标宋简体", "fzxbsjw", "fzxiaobiaosong", "方正小标宋"),
    "仿宋_GB2312": ("仿宋_gb2312", "fs_gb2312", "fsgb2312", "simfang_gb2312"),
    "黑体": ("simhei", "黑体"),
}
# import name → distribution to install; every one is needed (docxtpl prints, chinese_calendar counts deadlines …)
DEPENDENCIES = (("textual", "textual"), ("rich", "rich"), ("sqlmodel", "sqlmodel"), ("sqlalchemy", "SQLAlchemy"),
                ("alembic", "alembic"), ("typer", "typer"), ("docx", "python-docx"), ("docxtpl", "docxtpl"),
                ("chinese_calendar", "chinesecalendar"), ("pypinyin", "pypinyin"), ("rapidfuzz", "rapidfuzz"))
DATA_FILES = ("categories.toml", "villages.toml", "units.toml", "reasons.toml", "document_numbering.toml")
LOW_DISK_BYTES = 1_000_000_000


@dataclass
class Check:
    topic: str
    level: str
    message: str


# -- what runs without the database ---------------------------------------------------------------------------------

def program_checks() -> list[Check]:
    """The program itself: Python, where it is installed, every dependency importable."""
    from xfdesk import paths

    try:
        from importlib.metadata import version

        own = version("xfdesk")
    except Exception:  # noqa: BLE001 (a checkout run without install)
        own = "未安装"
    where = "随程序安装" if paths.SHIPPED_IN_PACKAGE else "源码目录"
    out = [Check("程序", OK, f"xfdesk {own}，Python {platform.python_version()}（{sys.executable}），"
                             f"{platform.system()} {platform.release()}；自带数据与模板：{where} {paths.SHIPPED_ROOT}")]
    missing = []
    for module, dist in DEPENDENCIES:
        try:
            importlib.import_module(module)
        except Exception as exc:  # noqa: BLE001 (a broken install raises more than ImportError)
            missing.append(f"{dist}（{type(exc).__name__}: {exc}）")
    if missing:
        out.append(Check("依赖组件", FAIL, "缺少或损坏：" + "；".join(missing)
                         + "。请重新运行安装包里的 安装.bat（或 pip install --force-reinstall xfdesk）"))
    else:
        out.append(Check("依赖组件", OK, f"{len(DEPENDENCIES)} 个组件都能正常载入"))
    return out


def folder_checks(home) -> list[Check]:  # noqa: ANN001
    """The data folder: can this user write there, is there room."""
    out = []
    if not _writable(home.root):
        out.append(Check("数据文件夹", FAIL, f"{home.root} 不能写入：请检查文件夹权限，或把数据文件夹放到本机硬盘上"))
    else:
        out.append(Check("数据文件夹", OK, str(home.root)))
    try:
        free = shutil.disk_usage(home.root).free
    except OSError:
        free = None
    if free is not None and free < LOW_DISK_BYTES:
        out.append(Check("磁盘空间", WARN, f"数据文件夹所在磁盘只剩 {free / 1_073_741_824:.1f} GB，备份和文书需要空间"))
    return out


def _writable(folder: Path) -> bool:
    probe = folder / f".xfdesk-probe-{uuid.uuid4().hex}"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True


# -- with the database ----------------------------------------------------------------------------------------------

def run_checks(ctx, *, now: dt.datetime | None = None) -> list[Check]:  # noqa: ANN001
    checks = program_checks()
    checks += folder_checks(ctx.home)
    checks += database_checks(ctx)
    checks += backup_checks(ctx, now=now)
    checks += reference_data_checks(ctx)
    checks += office_text_checks(ctx)
    checks += calendar_checks(ctx)
    checks += template_checks(ctx)
    checks += font_checks()
    return checks


def database_checks(ctx) -> list[Check]:  # noqa: ANN001
    from xfdesk.storage.db import current_revision, head_revision

    out: list[Check] = []
    db = ctx.db
    if db.is_sqlite:
        try:
            with db.engine.connect() as conn:
                result = [r[0] for r in conn.execute(text("PRAGMA integrity_check(20)"))]
                orphans = conn.execute(text("PRAGMA foreign_key_check")).fetchall()
                fk_on = conn.execute(text("PRAGMA foreign_keys")).scalar()
                mode = conn.execute(text("PRAGMA journal_mode")).scalar()
        except Exception as exc:  # noqa: BLE001 (a damaged file: say so and go on with the other checks)
            from xfdesk.services.backup import damage_report

            return [Check("数据库", FAIL, damage_report(exc, ctx.home) or f"无法检查数据库：{exc}")]
        if result == ["ok"]:
            out.append(Check("数据库", OK, f"完整性检查通过（{ctx.home.database}，日志模式 {mode}）"))
        else:
            out.append(Check("数据库", FAIL, "完整性检查发现问题：" + "；".join(result[:5])
                             + "。请用 xfdesk restore 从最近的完好备份恢复"))
        if not fk_on:
            out.append(Check("数据库", FAIL, "外键约束没有开启：记录之间的关联不受保护（程序的数据库连接设置有误）"))
        if orphans:
            tables = sorted({row[0] for row in orphans})
            out.append(Check("数据库", FAIL, f"有 {len(orphans)} 条记录引用了不存在的记录（{'、'.join(tables)}）"))
        out.append(_writable_database(ctx.home.database))
    else:
        out.append(Check("数据库", OK, f"已连接 {db.engine.url.render_as_string(hide_password=True)}"))
    cur, head = current_revision(db), head_revision(db)
    out.append(Check("数据库结构", OK if cur == head else FAIL,
                     f"版本 {cur}" if cur == head else f"版本 {cur}，最新为 {head}，请运行 xfdesk init"))
    return out


PROBE_TIMEOUT_S = 3.0


def _probe_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=PROBE_TIMEOUT_S)


def _writable_database(path: Path) -> Check:
    """Try a real write inside a transaction that is rolled back: permissions, a read-only disk, a lock."""
    try:
        con = _probe_connection(path)
    except sqlite3.Error as exc:
        return Check("数据库写入", FAIL, f"无法打开数据库文件写入：{exc}")
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("INSERT INTO setting (key, value) VALUES ('doctor-write-probe', '\"\"')")
        con.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        message = str(exc)
        if "locked" in message or "busy" in message:
            return Check("数据库写入", WARN, "数据库正被其他接待台写入，3 秒内没有等到，稍后再运行 xfdesk doctor")
        return Check("数据库写入", FAIL, f"数据库不能写入（{message}）：检查文件和文件夹是否只读、"
                                       "U 盘或共享文件夹是否有写入权限")
    except sqlite3.Error as exc:
        return Check("数据库写入", FAIL, f"写入测试失败：{exc}")
    finally:
        con.close()
    return Check("数据库写入", OK, "可以写入")


def backup_checks(ctx, *, now: dt.datetime | None = None) -> list[Check]:  # noqa: ANN001
    from xfdesk.domain.backups import age_text
    from xfdesk.services.backup import backup_status, pg_dump_guidance

    if not ctx.db.is_sqlite:
        return [Check("备份", WARN, pg_dump_guidance(ctx))]
    now = now or dt.datetime.now()
    good, stale = backup_status(ctx, now=now)
    if good is None:
        return [Check("备份", WARN, "还没有完好的备份：请运行 xfdesk backup（最好再备份到 U 盘：xfdesk backup --to E:\\信访备份）")]
    age = age_text(now - good.taken_at)
    line = f"最近一份完好的备份：{good.taken_at:%Y-%m-%d %H:%M}（{age}），{good.path}"
    if stale:
        return [Check("备份", WARN, line + "。已超过 2 天没有备份，请运行 xfdesk backup")]
    out = [Check("备份", OK, line)]
    folder = str(ctx.settings.backup_folder or "").strip()
    if folder and not Path(folder).exists():
        out.append(Check("备份", WARN, f"第二个备份位置 {folder} 现在找不到（U 盘没有插上？）"))
    return out


def reference_data_checks(ctx) -> list[Check]:  # noqa: ANN001
    """Reference data the office may have edited: each file must still be valid TOML, the rule profile must load."""
    from xfdesk.services.context import load_profile

    out = []
    for name in DATA_FILES:
        path = ctx.home.data_file(name)
        if not path.exists():
            out.append(Check("基础数据", FAIL, f"找不到 {name}（{path}）"))
            continue
        try:
            with path.open("rb") as f:
                tomllib.load(f)
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            out.append(Check("基础数据", FAIL, f"{path} 格式有误：{exc}（用记事本修改后请另存为 UTF-8）"))
    try:
        profile = load_profile(ctx.home, ctx.settings.rule_profile)
    except Exception as exc:  # noqa: BLE001
        out.append(Check("时限方案", FAIL, f"无法载入时限方案“{ctx.settings.rule_profile}”：{exc}"))
    else:
        out.append(Check("时限方案", OK, profile.label))
    if not [c for c in out if c.topic == "基础数据"]:
        out.append(Check("基础数据", OK, f"{len(DATA_FILES)} 个文件格式正确"))
    return out


def office_text_checks(ctx) -> list[Check]:  # noqa: ANN001
    """The office's contact lines printed on notices: empty ones print as a blank line to fill in by hand."""
    from xfdesk.documents.builders import NUMBERING_FILE, numbering_config

    try:
        fixed = numbering_config(ctx).get("text", {})
    except Exception as exc:  # noqa: BLE001 (its format error is reported by reference_data_checks)
        return [Check("文书信息", FAIL, str(exc))]
    empty = [key for key in ("信访部门电话", "信访部门地址") if not str(fixed.get(key, "")).strip()]
    if empty:
        where = ctx.home.data / NUMBERING_FILE
        return [Check("文书信息", WARN, f"{'、'.join(empty)} 没有填写，文书上会印成待填的横线：请把 {NUMBERING_FILE} "
                                       f"复制到 {where} 并在 [text] 中填写")]
    return [Check("文书信息", OK, f"信访部门电话 {fixed['信访部门电话']}，地址 {fixed['信访部门地址']}")]


def calendar_checks(ctx) -> list[Check]:  # noqa: ANN001
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


def template_checks(ctx) -> list[Check]:  # noqa: ANN001
    try:
        from xfdesk.services.documents import check_templates
    except ImportError as exc:  # a dependency of the documents is missing: that is broken, not optional
        return [Check("文书模板", FAIL, f"无法检查模板：{exc}（请重新安装）")]
    try:
        problems = check_templates(ctx)
    except Exception as exc:  # noqa: BLE001 (a broken template must not stop the other checks)
        return [Check("文书模板", FAIL, f"检查模板时出错：{type(exc).__name__}: {exc}")]
    own = ctx.home.templates.resolve()
    bad = {path: found for path, found in problems.items() if found}
    office = sum(1 for path in problems if _inside(Path(path), own))
    out = []
    for path, found in bad.items():
        whose = "本办模板" if _inside(Path(path), own) else "自带模板"
        out.append(Check("文书模板", FAIL, f"{Path(path).name}（{whose} {path}）：" + "；".join(found)))
    good = len(problems) - len(bad)
    if bad:  # the errors above, then a true line about the rest
        out.append(Check("文书模板", OK, f"其余 {good} 个模板检查通过"))
    else:
        out.append(Check("文书模板", OK, f"{good}/{len(problems)} 个模板检查通过"
                                        + (f"（其中本办修改的 {office} 个）" if office else "")))
    from xfdesk.services.documents import office_contact_gaps

    try:
        gaps = office_contact_gaps(ctx)
    except Exception as exc:  # noqa: BLE001 (a malformed numbering file is reported by its own check)
        gaps = [f"无法读取文书设置：{exc}"]
    out.extend(Check("文书联系信息", WARN, gap) for gap in gaps)
    return out


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder)
    except ValueError:
        return False
    return True


# -- fonts ----------------------------------------------------------------------------------------------------------

def windows_font_dirs(environ=os.environ) -> list[Path]:  # noqa: ANN001
    """The system fonts folder and the per-user one (Windows 10 1809+ installs fonts "for me only" there)."""
    dirs = [Path(environ.get("WINDIR") or environ.get("SystemRoot") or r"C:\Windows") / "Fonts"]
    if environ.get("LOCALAPPDATA"):
        dirs.append(Path(environ["LOCALAPPDATA"]) / "Microsoft" / "Windows" / "Fonts")
    return dirs


def _windows_registry_fonts() -> list[str]:  # pragma: no cover - Windows only
    try:
        import winreg
    except ImportError:
        return []
    names: list[str] = []
    for root in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(root, r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\Fonts") as key:
                i = 0
                while True:
                    try:
                        name, value, _ = winreg.EnumValue(key, i)
                    except OSError:
                        break
                    names += [str(name), str(value)]
                    i += 1
        except OSError:
            continue
    return names


def installed_fonts(platform_name: str | None = None, environ=os.environ,  # noqa: ANN001
                    registry: list[str] | None = None) -> set[str]:
    """Which of the official fonts this computer has (by the family names Word/WPS look for)."""
    platform_name = platform_name or sys.platform
    found: set[str] = set()
    if platform_name.startswith("win"):
        entries = [p.name for d in windows_font_dirs(environ) if d.is_dir() for p in d.iterdir()]
        entries += registry if registry is not None else _windows_registry_fonts()
        lowered = [e.lower() for e in entries]
        for font, patterns in FONT_FILES.items():
            if any(p.lower() in e for p in patterns for e in lowered):
                found.add(font)
        return found
    if shutil.which("fc-list"):
        try:
            listing = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=10).stdout
        except (OSError, subprocess.SubprocessError):
            return found
        families = {name.strip() for line in listing.splitlines() for name in line.split(",")}
        found |= {font for font in OFFICIAL_FONTS if font in families}
    return found


def font_checks(have: set[str] | None = None) -> list[Check]:
    have = installed_fonts() if have is None else have
    out = []
    for font in OFFICIAL_FONTS:
        if font in have:
            out.append(Check("公文字体", OK, f"已安装 {font}"))
        else:
            out.append(Check("公文字体", WARN, f"未安装 {font}：Word/WPS 打印时会换用其他字体，版式与公文标准"
                                              "（GB/T 9704）不符。请安装该字体（右键字体文件 → 为所有用户安装）"))
    return out
