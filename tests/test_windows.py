"""The Windows-only code paths, with the platform faked: the data folder, shell printing, fonts folders, paths with
drive letters, spaces and Chinese, the bundle's .bat files and its check that nothing Windows-only is missing."""

from __future__ import annotations

import importlib.util
import os
import sys
import zipfile
from pathlib import Path, PureWindowsPath

import pytest

from xfdesk.paths import default_home_text
from xfdesk.services import doctor

ROOT = Path(__file__).resolve().parent.parent


def load_bundle_tool():
    spec = importlib.util.spec_from_file_location("build_bundle", ROOT / "tools" / "build_bundle.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# -- the data folder ------------------------------------------------------------------------------------------------
def test_default_data_folder_on_windows_is_in_the_users_folder():
    assert default_home_text("win32", {"USERPROFILE": r"C:\Users\王 芳"}) == r"C:\Users\王 芳\xfdesk"
    assert default_home_text("win32", {"HOMEDRIVE": "D:", "HOMEPATH": r"\Users\lizhuren"}) == r"D:\Users\lizhuren\xfdesk"
    # an office that keeps its data elsewhere (a second disk, a folder with spaces)
    assert default_home_text("win32", {"XFDESK_HOME": r"D:\信访 数据", "USERPROFILE": r"C:\Users\x"}) == r"D:\信访 数据"


def test_windows_paths_with_spaces_and_chinese_make_valid_sqlite_uris():
    uri = PureWindowsPath(r"C:\Users\王 芳\xfdesk\backups\xfdesk-20261201-083000-daily.db").as_uri()
    assert uri.startswith("file:///C:/Users/") and " " not in uri and "%20" in uri


def test_backup_and_restore_through_a_folder_with_spaces_and_chinese(ctx, tmp_path):
    from xfdesk.services.backup import make_backup, restore_backup

    target = tmp_path / "E盘" / "信访 备份 2026"
    outcome = make_backup(ctx, to=target)
    home = ctx.home
    ctx.db.dispose()
    assert restore_backup(home, outcome.info.path).restored.path == outcome.info.path


# -- shell printing -------------------------------------------------------------------------------------------------
@pytest.fixture
def on_windows(monkeypatch):
    calls: list[tuple] = []

    def startfile(path, operation="open", *args):  # noqa: ANN001
        calls.append((path, operation, *args))

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "startfile", startfile, raising=False)
    return calls


def test_printing_on_windows_goes_to_the_shell_print_verb(ctx, tmp_path, on_windows):
    from xfdesk.services.documents import print_document

    doc = tmp_path / "受理 告知书.docx"
    doc.write_bytes(b"x")
    result = print_document(ctx, doc)
    assert result.ok and on_windows == [(str(doc), "print")]
    ctx.save_setting("printer", "HP LaserJet 1020 (办公室)")
    on_windows.clear()
    assert print_document(ctx, doc).ok
    assert on_windows == [(str(doc), "printto", '"HP LaserJet 1020 (办公室)"')]


def test_a_windows_print_failure_is_a_chinese_message(ctx, tmp_path, monkeypatch, on_windows):
    from xfdesk.services.documents import print_document

    def no_handler(path, operation="open", *args):  # noqa: ANN001
        raise OSError(1155, "没有与之关联的应用程序")

    monkeypatch.setattr(os, "startfile", no_handler, raising=False)
    doc = tmp_path / "登记表.docx"
    doc.write_bytes(b"x")
    result = print_document(ctx, doc)
    assert not result.ok and result.message.startswith("打印失败") and "可稍后重新打印" in result.message


# -- fonts ------------------------------------------------------------------------------------------------------------
def test_font_folders_on_windows(tmp_path):
    environ = {"WINDIR": r"C:\Windows", "LOCALAPPDATA": r"C:\Users\王 芳\AppData\Local"}
    dirs = [str(d) for d in doctor.windows_font_dirs(environ)]
    assert dirs[0].replace("\\", "/").endswith("Windows/Fonts")
    assert "AppData" in dirs[1] and dirs[1].replace("\\", "/").endswith("Microsoft/Windows/Fonts")
    assert doctor.windows_font_dirs({})[0].name == "Fonts"  # no WINDIR: C:\Windows


# -- the bundle -------------------------------------------------------------------------------------------------------
def test_the_bat_files_are_gbk_with_crlf_and_install_offline():
    tool = load_bundle_tool()
    install = tool.bat(tool.INSTALL_BAT)
    assert b"\r\n" in install and b"\n" not in install.replace(b"\r\n", b"")
    text = install.decode("gbk")
    assert '--no-index --find-links "%~dp0wheels"' in text
    assert "py -%%V" in text and "3.13 3.12 3.11" in text
    assert '"%APPDIR%\\Scripts\\python.exe"' in text  # quoted: user folders have spaces
    start = tool.bat(tool.START_BAT).decode("gbk")
    assert 'where wt' in start and 'wt -w new --title 信访接待台 "%XFDESK%"' in start
    assert "%LOCALAPPDATA%\\xfdesk\\程序\\Scripts\\xfdesk.exe" in start
    readme = tool.README.format(version="0.1.0")
    for must in ("Python 3.11、3.12 或 3.13", "%USERPROFILE%\\xfdesk", "xfdesk backup --to", "xfdesk restore"):
        assert must in readme


def _fake_wheel(folder: Path, name: str, version: str, requires: list[str], tag: str = "py3-none-any") -> None:
    dist = f"{name}-{version}"
    with zipfile.ZipFile(folder / f"{dist}-{tag}.whl", "w") as zf:
        meta = [f"Name: {name}", f"Version: {version}", *[f"Requires-Dist: {r}" for r in requires]]
        zf.writestr(f"{dist}.dist-info/METADATA", "Metadata-Version: 2.1\n" + "\n".join(meta) + "\n")


def test_the_bundle_check_finds_what_only_windows_needs(tmp_path):
    """pip --platform win_amd64 still evaluates markers for Linux: colorama (typer's, on Windows) would be missing."""
    tool = load_bundle_tool()
    _fake_wheel(tmp_path, "xfdesk", "0.1.0", ["typer>=0.12", "rapidfuzz>=3"])
    _fake_wheel(tmp_path, "typer", "0.29.2", ['colorama; platform_system == "Windows"',
                                             'shellingham>=1.3; extra == "all"'])
    _fake_wheel(tmp_path, "rapidfuzz", "3.14.6", [], tag="cp312-cp312-win_amd64")
    assert tool.unmet_on_windows(tmp_path, "3.12") == ["colorama"]
    assert tool.unmet_on_windows(tmp_path, "3.11") == ["colorama", "rapidfuzz>=3"]  # no cp311 wheel
    assert tool.windows_only(tmp_path, "3.12") == ["colorama"]
    _fake_wheel(tmp_path, "colorama", "0.4.6", [], tag="py2.py3-none-any")
    assert tool.unmet_on_windows(tmp_path, "3.12") == []
