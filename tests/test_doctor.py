"""``xfdesk doctor``: every check, healthy and broken."""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from sqlalchemy import text
from sqlmodel import create_engine

from xfdesk.cli.app import run
from xfdesk.services import doctor
from xfdesk.services.backup import make_backup
from xfdesk.services.calendar_service import import_calendar_file
from xfdesk.services.context import SYSTEM
from xfdesk.services.doctor import FAIL, OK, WARN

NOW = dt.datetime(2026, 11, 21, 10, 0)


def levels(checks, topic: str) -> list[str]:
    return [c.level for c in checks if c.topic == topic]


def messages(checks, topic: str) -> str:
    return "\n".join(c.message for c in checks if c.topic == topic)


def test_a_fresh_office_has_no_errors_and_all_templates_pass(ctx):
    checks = doctor.run_checks(ctx, now=NOW)
    assert [c for c in checks if c.level == FAIL] == []
    (summary,) = [c for c in checks if c.topic == "文书模板"]
    assert summary.level == OK and summary.message.startswith("17/17 个模板检查通过")
    assert levels(checks, "数据库") == [OK] and levels(checks, "数据库写入") == [OK]
    assert levels(checks, "依赖组件") == [OK]


def test_a_bad_office_template_is_an_error_with_its_real_problem(ctx):
    ctx.home.templates.mkdir(parents=True, exist_ok=True)
    document = DocxDocument()
    document.add_paragraph("信访人：{{ 信访人姓名 }}，编号：{{ 不存在的字段 }}")
    document.save(ctx.home.templates / "受理告知书.docx")
    checks = doctor.run_checks(ctx, now=NOW)
    bad, rest = [c for c in checks if c.topic == "文书模板"]
    assert (rest.level, rest.message) == (OK, "其余 16 个模板检查通过")
    assert bad.level == FAIL
    assert "受理告知书.docx（本办模板" in bad.message and "不存在的字段" in bad.message


def test_a_missing_dependency_is_an_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "docxtpl", None)  # import docxtpl now raises ImportError
    (deps,) = [c for c in doctor.program_checks() if c.topic == "依赖组件"]
    assert deps.level == FAIL and "docxtpl" in deps.message and "安装.bat" in deps.message


def test_missing_fonts_on_windows_with_the_platform_faked(tmp_path):
    windir = tmp_path / "Windows"
    (windir / "Fonts").mkdir(parents=True)
    (windir / "Fonts" / "simhei.ttf").write_bytes(b"")
    (windir / "Fonts" / "simfang.ttf").write_bytes(b"")  # 仿宋, not 仿宋_GB2312: Word will substitute
    user_fonts = tmp_path / "Users" / "王芳" / "AppData" / "Local" / "Microsoft" / "Windows" / "Fonts"
    user_fonts.mkdir(parents=True)
    (user_fonts / "FZXBSJW.TTF").write_bytes(b"")  # installed "for me only"
    environ = {"WINDIR": str(windir), "LOCALAPPDATA": str(tmp_path / "Users" / "王芳" / "AppData" / "Local")}
    have = doctor.installed_fonts("win32", environ, registry=[])
    assert have == {"黑体", "方正小标宋简体"}
    checks = doctor.font_checks(have)
    assert [c.level for c in checks] == [OK, WARN, OK]
    assert "未安装 仿宋_GB2312" in checks[1].message
    # the registry names a font installed elsewhere
    assert "仿宋_GB2312" in doctor.installed_fonts("win32", environ, registry=["仿宋_GB2312 (TrueType)"])


def test_a_missing_holiday_year_is_an_error_for_this_year_and_a_warning_for_next(ctx):
    ctx.clock = lambda: dt.date(2027, 3, 1)
    checks = doctor.calendar_checks(ctx)
    by_year = {c.message[:6]: c.level for c in checks}
    assert by_year == {"2026年：": OK, "2027年：": FAIL, "2028年：": WARN}
    calendar_file = ctx.home.root / "2027.txt"
    calendar_file.write_text("2027-01-01 休 元旦\n", encoding="utf-8")
    import_calendar_file(ctx, SYSTEM, calendar_file)
    assert levels(doctor.calendar_checks(ctx), "节假日安排") == [OK, OK, WARN]


def test_backup_age(ctx):
    (none,) = doctor.backup_checks(ctx, now=NOW)
    assert none.level == WARN and "还没有完好的备份" in none.message
    make_backup(ctx, now=NOW - dt.timedelta(hours=5))
    (fresh,) = doctor.backup_checks(ctx, now=NOW)
    assert fresh.level == OK and "5小时前" in fresh.message
    (stale,) = doctor.backup_checks(ctx, now=NOW + dt.timedelta(days=3))
    assert stale.level == WARN and "3天前" in stale.message and "超过 2 天" in stale.message


def test_office_contact_lines(ctx):
    (empty,) = doctor.office_text_checks(ctx)
    assert empty.level == WARN and "信访部门电话、信访部门地址 没有填写" in empty.message
    shipped = ctx.home.data_file("document_numbering.toml").read_text(encoding="utf-8")
    filled = shipped.replace('"信访部门电话" = ""', '"信访部门电话" = "0797-5712345"').replace(
        '"信访部门地址" = ""', '"信访部门地址" = "琴江镇府前路1号"')
    (ctx.home.data / "document_numbering.toml").write_text(filled, encoding="utf-8")
    (ok,) = doctor.office_text_checks(ctx)
    assert ok.level == OK and "0797-5712345" in ok.message


def test_a_broken_reference_file_is_an_error(ctx):
    (ctx.home.data / "villages.toml").write_text("[[village]\nname = 大畲村\n", encoding="utf-8")
    checks = doctor.reference_data_checks(ctx)
    assert levels(checks, "基础数据") == [FAIL] and "villages.toml 格式有误" in messages(checks, "基础数据")


def test_database_not_writable(ctx, monkeypatch):
    monkeypatch.setattr(doctor, "_probe_connection",
                        lambda path: sqlite3.connect(f"{Path(path).as_uri()}?mode=ro", uri=True))
    checks = doctor.database_checks(ctx)
    assert levels(checks, "数据库写入") == [FAIL] and "不能写入" in messages(checks, "数据库写入")


def test_database_busy_is_a_warning(ctx, monkeypatch):
    monkeypatch.setattr(doctor, "PROBE_TIMEOUT_S", 0.1)
    other = sqlite3.connect(ctx.home.database)
    other.execute("BEGIN IMMEDIATE")
    try:
        checks = doctor.database_checks(ctx)
    finally:
        other.rollback()
        other.close()
    assert levels(checks, "数据库写入") == [WARN]


def test_data_folder_not_writable(ctx, monkeypatch):
    def refuse(self, data):  # noqa: ANN001
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "write_bytes", refuse)
    (check, *_) = doctor.folder_checks(ctx.home)
    assert check.level == FAIL and "不能写入" in check.message


def test_foreign_keys_off_and_orphan_rows(ctx):
    ctx.db.engine.dispose()
    ctx.db.engine = create_engine(ctx.db.url)  # a connection without the program's settings
    checks = doctor.database_checks(ctx)
    assert "外键约束没有开启" in messages(checks, "数据库")
    with ctx.db.engine.begin() as conn:
        conn.execute(text("INSERT INTO deadline (matter_id, name, kind, start_on, due_on, state, extension_days, "
                          "paused_days, assumed, basis) VALUES (999, 'handling', 'duty', '2026-11-01', '2026-12-01', "
                          "'open', 0, 0, 0, '')"))
    checks = doctor.database_checks(ctx)
    assert "引用了不存在的记录（deadline）" in messages(checks, "数据库")


def _complete_calendar(home: Path, capsys) -> None:
    """Office data for any of last/this/next year that chinese-calendar lacks, so the exit code does not depend on
    which year the suite runs in."""
    year = dt.date.today().year
    lines = [f"{y}-01-01 休 元旦" for y in (year - 1, year, year + 1)]
    path = home.parent / "calendar.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert run(["--home", str(home), "calendar", "import", str(path)]) == 0
    capsys.readouterr()


def test_doctor_command_exit_codes(tmp_path, capsys):
    home = tmp_path / "home"
    _complete_calendar(home, capsys)
    assert run(["--home", str(home), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "检查完成：没有错误" in out and "17/17 个模板检查通过" in out
    (home / "templates" / "督办函.docx").write_bytes(b"not a docx")
    assert run(["--home", str(home), "doctor"]) == 1
    captured = capsys.readouterr()
    assert "督办函.docx（本办模板" in captured.out and "不是有效的 Word 文档" in captured.out
    assert captured.err.startswith("错误：发现1项错误")


@pytest.mark.parametrize("damage", ["truncate", "flip-header"])
def test_doctor_on_a_damaged_database_names_the_backup(tmp_path, capsys, damage):
    home = tmp_path / "home"
    assert run(["--home", str(home), "demo", "--no-tui", "--matters", "5"]) == 0
    assert run(["--home", str(home), "backup"]) == 0
    capsys.readouterr()
    db = home / "xfdesk.db"
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"XQLite" + data[6:])
    assert run(["--home", str(home), "doctor"]) == 1
    captured = capsys.readouterr()
    assert "数据库文件已损坏" in captured.out and "xfdesk restore" in captured.out
    assert "Traceback" not in captured.out + captured.err
