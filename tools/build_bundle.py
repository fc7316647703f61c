"""Build the offline Windows bundle: ``dist/xfdesk-<version>-windows.zip``.

    python tools/build_bundle.py [--python 3.11 3.12 3.13] [--out dist]

Needs the package registry (it downloads the win_amd64 wheels of every dependency for each Python version), so it
is not part of the offline test suite; its output goes into the release note. What it makes:

    xfdesk-<version>-windows/
      安装.bat          installs from wheels\\ with no network (pip --no-index --find-links) into
                        %LOCALAPPDATA%\\xfdesk\\程序, creates the data folder, puts 信访接待台.bat on the desktop
      信访接待台.bat     starts the desk, in Windows Terminal when it is installed (conhost has IME problems)
      备份.bat           backs the office up to a folder given as argument or typed in (a USB stick)
      安装说明.txt       for the office's IT person: which Python, where the data is, how to back it up
      wheels\\           xfdesk and every dependency, for CPython 3.11–3.13 on 64-bit Windows
      docs\\             the office-facing documentation (templates, calendar file, exchange format, reception days)

After building, it checks on this machine that the wheels resolve completely for win_amd64 and each Python version
(``pip install --dry-run --platform win_amd64 --only-binary=:all: --no-index --find-links wheels xfdesk``) and prints
what pip would install. The .bat files are written in GBK with CRLF line ends: that is what cmd.exe reads on a
Chinese Windows without a code page switch.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHONS = ("3.11", "3.12", "3.13")
BAT_ENCODING = "gbk"


def version() -> str:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def clean_pip_env() -> dict[str, str]:
    """pip as an office PC would run it: no machine-wide config, caches or extra indexes of this build machine."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def run(args: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    print("$ " + " ".join(args), flush=True)
    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed: {' '.join(args)}")
    return done.stdout


def build_wheel(out: Path) -> Path:
    """The xfdesk wheel, built from a clean copy of the sources (never from a dirty tree's build/ folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "xfdesk", "data", "templates", "docs",
                     "tools"):
            path = ROOT / name
            if path.is_dir():
                shutil.copytree(path, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(path, src / name)
        run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(src)],
            env=clean_pip_env())
    (wheel,) = out.glob(f"xfdesk-{version()}-*.whl")
    return wheel


def _pip_download(requirements: list[str], wheels: Path, py: str) -> None:
    run([sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--platform", "win_amd64",
         "--implementation", "cp", "--python-version", py, "--dest", str(wheels), *requirements],
        env=clean_pip_env())


def windows_environment(py: str) -> dict[str, str]:
    return {"platform_system": "Windows", "sys_platform": "win32", "os_name": "nt", "platform_machine": "AMD64",
            "platform_release": "10", "python_version": py, "python_full_version": f"{py}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython", "extra": ""}


def _wheel_fits(path: Path, py: str) -> bool:
    tag = path.name[:-4].split("-")[-3]  # python tag: py3, py2.py3, cp312 …
    return any(t in ("py3", f"cp{py.replace('.', '')}") for t in tag.split("."))


def _requirements(wheels: Path, py: str):  # noqa: ANN202
    from packaging.requirements import Requirement

    for w in wheels.glob("*.whl"):
        if not _wheel_fits(w, py):
            continue
        with zipfile.ZipFile(w) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            lines = zf.read(meta).decode("utf-8", "replace").splitlines()
        for line in lines:
            if line.startswith("Requires-Dist:"):
                yield Requirement(line.split(":", 1)[1].strip())


def windows_only(wheels: Path, py: str) -> list[str]:
    """Names required only on Windows (marker true there, false on this build machine)."""
    env = windows_environment(py)
    return sorted({r.name for r in _requirements(wheels, py)
                   if r.marker is not None and r.marker.evaluate(env) and not r.marker.evaluate({"extra": ""})})


def unmet_on_windows(wheels: Path, py: str) -> list[str]:
    """Requirements whose markers are true on Windows (``colorama; platform_system == "Windows"``) and that no
    wheel here satisfies. pip's ``--platform`` picks Windows wheels but still evaluates markers for the machine it
    runs on (Linux), so it would never fetch these by itself: they would be missing on the office PC."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name, parse_wheel_filename

    have: dict[str, list] = {}
    fitting = [w for w in wheels.glob("*.whl") if _wheel_fits(w, py)]
    for w in fitting:
        name, ver, _build, _tags = parse_wheel_filename(w.name)
        have.setdefault(canonicalize_name(name), []).append(ver)
    env = windows_environment(py)
    unmet = []
    for w in fitting:
        with zipfile.ZipFile(w) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            lines = zf.read(meta).decode("utf-8", "replace").splitlines()
        for line in lines:
            if not line.startswith("Requires-Dist:"):
                continue
            req = Requirement(line.split(":", 1)[1].strip())
            if req.marker is not None and not req.marker.evaluate(env):
                continue
            versions = have.get(canonicalize_name(req.name), [])
            if not any(req.specifier.contains(v, prereleases=True) for v in versions):
                unmet.append(f"{req.name}{req.specifier}")
    return sorted(set(unmet))


def download(wheel: Path, wheels: Path, pythons: list[str]) -> dict[str, list[str]]:
    """xfdesk and its dependencies for each Python, then whatever only Windows needs, until nothing is unmet."""
    extra: dict[str, list[str]] = {}
    for py in pythons:
        _pip_download([str(wheel)], wheels, py)
        for _ in range(5):
            unmet = unmet_on_windows(wheels, py)
            if not unmet:
                break
            extra.setdefault(py, []).extend(unmet)
            _pip_download(unmet, wheels, py)
        else:
            raise SystemExit(f"Python {py}: still unmet on Windows: {unmet_on_windows(wheels, py)}")
    return extra


def check_resolution(wheels: Path, pythons: list[str]) -> dict[str, str]:
    """pip's own answer, offline, to: would 安装.bat find everything on this Windows/Python? The Windows-only
    requirements are named explicitly (pip evaluates markers for this machine), and checked again by marker."""
    report = {}
    for py in pythons:
        names = windows_only(wheels, py)
        out = run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--platform", "win_amd64",
                   "--implementation", "cp", "--python-version", py, "--only-binary=:all:", "--no-index",
                   "--find-links", str(wheels), "xfdesk", *names], env=clean_pip_env())
        line = next((x for x in out.splitlines() if x.startswith("Would install")), "")
        if not line:
            raise SystemExit(f"Python {py}: pip would install nothing?\n{out}")
        unmet = unmet_on_windows(wheels, py)
        if unmet:
            raise SystemExit(f"Python {py}: unmet on Windows: {unmet}")
        report[py] = line + (f"  [Windows-only, by marker: {', '.join(names)}]" if names else "")
    return report


def bat(text: str) -> bytes:
    return text.strip("\n").replace("\n", "\r\n").encode(BAT_ENCODING) + b"\r\n"


INSTALL_BAT = r"""
@echo off
setlocal EnableExtensions
rem 信访接待台 安装：从本文件夹的 wheels 安装，不需要网络。可以重复运行（用于升级）。
cd /d "%~dp0"
set "PY="
for %%V in (3.13 3.12 3.11) do (
  if not defined PY (
    py -%%V -c "import sys" >nul 2>&1 && set "PY=py -%%V"
  )
)
if not defined PY (
  python -c "import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else 1)" >nul 2>&1 && set "PY=python"
)
if not defined PY (
  echo 没有找到 Python 3.11、3.12 或 3.13。
  echo 请先安装 Python（64 位），安装时勾选“Add python.exe to PATH”，然后重新运行本文件。详见 安装说明.txt
  pause
  exit /b 1
)
set "APPDIR=%LOCALAPPDATA%\xfdesk\程序"
echo 正在安装到 %APPDIR% ……
if not exist "%APPDIR%\Scripts\python.exe" (
  %PY% -m venv "%APPDIR%"
  if errorlevel 1 goto failed
)
"%APPDIR%\Scripts\python.exe" -m pip install --no-index --find-links "%~dp0wheels" --upgrade xfdesk
if errorlevel 1 goto failed
"%APPDIR%\Scripts\xfdesk.exe" init
if errorlevel 1 goto failed
for /f "usebackq delims=" %%D in (`powershell -NoProfile -Command "[Environment]::GetFolderPath('Desktop')"`) do set "DESKTOP=%%D"
if defined DESKTOP copy /y "%~dp0信访接待台.bat" "%DESKTOP%\信访接待台.bat" >nul
echo.
echo 安装完成。双击桌面上的“信访接待台”开始使用；数据文件夹在 %USERPROFILE%\xfdesk
"%APPDIR%\Scripts\xfdesk.exe" doctor
pause
exit /b 0
:failed
echo.
echo 安装没有完成，请把上面的提示拍照发给技术人员。
pause
exit /b 1
"""

START_BAT = r"""
@echo off
setlocal
rem 信访接待台：在 Windows 终端中打开（有就用：旧的控制台窗口里中文输入法容易出问题）。
set "XFDESK=%LOCALAPPDATA%\xfdesk\程序\Scripts\xfdesk.exe"
if not exist "%XFDESK%" (
  echo 信访接待台还没有安装：请先运行安装包里的 安装.bat
  pause
  exit /b 1
)
where wt >nul 2>&1
if not errorlevel 1 (
  start "" wt -w new --title 信访接待台 "%XFDESK%"
  exit /b 0
)
"%XFDESK%"
if errorlevel 1 pause
"""

BACKUP_BAT = r"""
@echo off
setlocal
rem 把数据库和文书备份到 U 盘或其他文件夹：备份.bat E:\信访备份（不写则询问）。
set "XFDESK=%LOCALAPPDATA%\xfdesk\程序\Scripts\xfdesk.exe"
set "TARGET=%~1"
if "%TARGET%"=="" set /p "TARGET=备份到哪个文件夹（例如 E:\信访备份）："
if "%TARGET%"=="" exit /b 1
"%XFDESK%" backup --to "%TARGET%"
pause
"""

README = """\
信访接待台 {version} 安装说明（给办公室的技术人员）
==================================================

一、准备 Python
  需要 64 位 Python 3.11、3.12 或 3.13（Windows 10 / 11）。本安装包里已经带齐了程序需要的全部组件，
  安装时不需要上网。没有 Python 时，从 U 盘运行 python-3.12.x-amd64.exe（在能上网的电脑上从
  python.org 下载），安装时勾选“Add python.exe to PATH”。

二、安装（每台接待电脑都做一次；升级时用新的安装包再做一次）
  1. 把整个文件夹复制到电脑上（路径里有中文或空格都可以）。
  2. 双击“安装.bat”。程序装在 %LOCALAPPDATA%\\xfdesk\\程序，桌面上会出现“信访接待台”。
  3. 安装结束时会自动体检（xfdesk doctor）：“错误”必须处理，“注意”尽量处理（例如安装公文字体
     方正小标宋简体、仿宋_GB2312，填写文书上的信访部门电话和地址）。
  建议安装 Windows 终端（Windows Terminal）：在旧的控制台窗口里中文输入法可能无法正常输入。

三、数据在哪里
  数据文件夹：%USERPROFILE%\\xfdesk（例如 C:\\Users\\王芳\\xfdesk），里面有：
    xfdesk.db      数据库（全部登记、办理记录）
    output\\        出具的文书
    backups\\       自动备份（每天第一次打开程序时自动备份一次）
    templates\\     本办修改过的文书模板（放在这里的模板优先于自带模板）
    data\\          本办修改过的基础数据（村居、责任单位、文号格式等）
  要把数据放在别处（例如 D:\\信访数据），设置环境变量 XFDESK_HOME=D:\\信访数据 后重新打开程序。

四、备份
  每天第一次打开程序时会自动备份到 backups\\，并校验备份是否完好；默认保留最近7天、4周、12个月。
  一定要再备份到电脑以外的地方：
    双击“备份.bat”，输入 U 盘上的文件夹（例如 E:\\信访备份）；或在命令行运行
    xfdesk backup --to E:\\信访备份
  也可以设为每天自动备份到 U 盘或共享文件夹：
    xfdesk backup config --folder E:\\信访备份
  查看备份：xfdesk backup list    体检（含最近一次备份是几天前）：xfdesk doctor

五、恢复
  1. 在所有接待电脑上退出信访接待台（Ctrl+Q）。
  2. 运行 xfdesk restore 备份文件，例如
       xfdesk restore "C:\\Users\\王芳\\xfdesk\\backups\\xfdesk-20261201-083000-daily.db"
     恢复前会校验备份，并把当前数据库另存一份到 backups\\；恢复后显示事项数和最新的事项编号。
  数据库损坏时，程序会直接告诉你最近一份完好的备份和恢复命令。

六、命令行
  开始菜单搜索“cmd”，输入 %LOCALAPPDATA%\\xfdesk\\程序\\Scripts\\xfdesk.exe --help 查看全部命令。
"""


def build(out: Path, pythons: list[str]) -> Path:
    name = f"xfdesk-{version()}-windows"
    stage = out / name
    if stage.exists():
        shutil.rmtree(stage)
    wheels = stage / "wheels"
    wheels.mkdir(parents=True)
    wheel = build_wheel(wheels)
    download(wheel, wheels, pythons)
    (stage / "安装.bat").write_bytes(bat(INSTALL_BAT))
    (stage / "信访接待台.bat").write_bytes(bat(START_BAT))
    (stage / "备份.bat").write_bytes(bat(BACKUP_BAT))
    # UTF-8 with BOM: Notepad of every Windows 10 reads it right
    (stage / "安装说明.txt").write_text(README.format(version=version()).replace("\n", "\r\n"), encoding="utf-8-sig")
    shutil.copytree(ROOT / "docs", stage / "docs")
    report = check_resolution(wheels, pythons)
    archive = out / f"{name}.zip"
    archive.unlink(missing_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(stage.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(out).as_posix())
    print()
    print(f"bundle: {archive} ({archive.stat().st_size / 1_048_576:.1f} MB, {len(list(wheels.glob('*.whl')))} wheels)")
    for py, line in report.items():
        print(f"win_amd64 / CPython {py}: {line}")
    return archive


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", nargs="+", default=list(PYTHONS), help="Python versions to bundle wheels for")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where the zip goes")
    args = parser.parse_args(argv)
    build(args.out.resolve(), args.python)
    return 0


if __name__ == "__main__":
    sys.exit(main())
