"""A damaged database file (cut short, bytes changed): every command and the TUI say so in Chinese, name the last
good backup and the restore command, and never show a traceback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from xfdesk.cli.app import run
from xfdesk.storage.db import DatabaseDamaged, open_database

COMMANDS = [
    ["matter", "list"], ["matter", "show", "XF-2026-000001"], ["search", "张"], ["stats"], ["init"],
    ["export", "out.json"], ["calendar", "show", "2026"], ["calendar", "due", "2026-11-02", "15"],
    ["schedule", "show", "2026-12"], ["doc", "check"], ["backup"], ["leader", "list"],
]


def damage(db: Path, how: str) -> None:
    data = bytearray(db.read_bytes())
    if how == "truncated":
        db.write_bytes(bytes(data[: len(data) // 3]))
    elif how == "header-flipped":
        for i in range(0, 16):
            data[i] ^= 0x5A
        db.write_bytes(bytes(data))
    elif how == "schema-flipped":  # page 1 holds the schema: every statement reads it
        for i in range(100, 4096):
            data[i] ^= 0xFF
        db.write_bytes(bytes(data))
    else:
        raise AssertionError(how)


@pytest.fixture(scope="module")
def office(tmp_path_factory) -> tuple[Path, Path]:
    """A demo office with one good backup, made once; each test damages its own copy."""
    root = tmp_path_factory.mktemp("office")
    home = root / "home"
    assert run(["--home", str(home), "demo", "--no-tui", "--matters", "20"]) == 0
    assert run(["--home", str(home), "backup"]) == 0
    (backup,) = (home / "backups").glob("*manual.db")
    return home, backup


def copy_office(office, tmp_path) -> tuple[Path, Path]:
    import shutil

    home, backup = office
    target = tmp_path / "home"
    shutil.copytree(home, target)
    # the damaged file must be the only truth: no -wal beside it that would hide the damage
    for leftover in target.glob("xfdesk.db-*"):
        leftover.unlink()
    return target, target / "backups" / backup.name


@pytest.mark.parametrize("how", ["truncated", "header-flipped", "schema-flipped"])
def test_every_command_names_the_backup_and_the_restore_command(office, tmp_path, capsys, monkeypatch, how):
    home, backup = copy_office(office, tmp_path)
    damage(home / "xfdesk.db", how)
    monkeypatch.chdir(tmp_path)
    capsys.readouterr()
    for args in COMMANDS:
        code = run(["--home", str(home), *args])
        captured = capsys.readouterr()
        err = captured.err
        assert code == 1, (args, captured.out, err)
        assert err.startswith("错误：数据库文件已损坏"), (args, err)
        assert str(backup) in err and f'xfdesk restore "{backup}"' in err, (args, err)
        assert "Traceback" not in captured.out + err
    # and the restore it names works
    assert run(["--home", str(home), "restore", str(backup)]) == 0
    assert "已从备份恢复" in capsys.readouterr().out
    assert run(["--home", str(home), "matter", "list", "--limit", "1"]) == 0


def test_without_a_backup_the_message_says_what_to_do(tmp_path):
    home = tmp_path / "home"
    assert run(["--home", str(home), "init"]) == 0
    for extra in (home / "backups").glob("*"):
        extra.unlink()
    damage(home / "xfdesk.db", "truncated")
    from xfdesk.paths import Home

    with pytest.raises(DatabaseDamaged) as caught:
        open_database(Home(home))
    message = str(caught.value)
    assert "没有找到完好的备份" in message and "不要删除" in message


def test_a_backup_of_a_damaged_database_fails_and_prunes_nothing(office, tmp_path, capsys):
    home, backup = copy_office(office, tmp_path)
    db = home / "xfdesk.db"
    con = sqlite3.connect(db)
    pages = con.execute("PRAGMA page_count").fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    data = bytearray(db.read_bytes())
    # damage a page in the middle: the file opens, most reads still work, integrity_check does not pass
    start = (pages // 2) * page_size
    for i in range(start, start + page_size):
        data[i] ^= 0xFF
    db.write_bytes(bytes(data))
    capsys.readouterr()
    code = run(["--home", str(home), "backup"])
    err = capsys.readouterr().err
    assert code == 1 and "校验未通过" in err and "旧的备份没有删除" in err
    assert backup.exists()
    assert run(["--home", str(home), "doctor"]) == 1
    out = capsys.readouterr().out
    assert "完整性检查发现问题" in out or "数据库文件已损坏" in out


async def test_the_tui_shows_the_damage_and_the_restore_command(office, tmp_path):
    from tests.test_tui_helpers import screen_text
    from xfdesk.tui.app import XfdeskApp

    home, backup = copy_office(office, tmp_path)
    damage(home / "xfdesk.db", "truncated")
    app = XfdeskApp(home)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            if app.db_error:
                break
        await pilot.pause(0.2)
        text = screen_text(app).replace("\n", "")
    assert app.db_error and "数据库文件已损坏" in app.db_error and "xfdesk restore" in app.db_error
    assert "数据库文件已损坏" in text
    assert "Traceback" not in text


def test_a_file_that_looks_short_while_another_desk_checkpoints_is_looked_at_again(tmp_path, monkeypatch):
    """The header names the new page count before the file has grown to it (another desk's checkpoint): with a
    -wal beside the file the look is taken again, and the desk opens; a file that stays short is still refused."""
    from xfdesk.paths import Home
    from xfdesk.storage import backup as backups

    home = tmp_path / "home"
    assert run(["--home", str(home), "init"]) == 0
    (home / "xfdesk.db-wal").write_bytes(b"")  # the database is in use
    looks = iter(["文件不完整，只有应有大小的93%，可能复制中断或磁盘损坏"])
    monkeypatch.setattr(backups, "file_problem", lambda path: next(looks, None))
    open_database(Home(home)).dispose()  # looked again: whole

    monkeypatch.setattr(backups, "file_problem", lambda path: "文件不完整，只有应有大小的93%，可能复制中断或磁盘损坏")
    with pytest.raises(DatabaseDamaged):
        open_database(Home(home))
