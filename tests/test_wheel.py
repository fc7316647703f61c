"""What the office installs: build the sdist, the wheel from the sdist, install the wheel into a fresh virtualenv
and run the program from it — never from this checkout.

Offline: the wheel is built without build isolation (setuptools comes with the test extras) and installed with
``--no-deps --no-index``; the fresh venv reaches the already installed dependencies through a ``.pth`` line (a path
added that way is not a site directory, so the checkout's editable-install hook in it is not run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from xfdesk.documents.kinds import KINDS

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "xfdesk", "data", "templates", "docs", "tools")
IGNORE = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache")


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True,
         timeout: int = 600) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and done.returncode != 0:
        raise AssertionError(f"{args} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return done


def _backend(call: str, cwd: Path, out: Path) -> str:
    code = f"from setuptools import build_meta as b; print(b.{call}({str(out)!r}))"
    return _run([sys.executable, "-c", code], cwd).stdout.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    src.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, src / name, ignore=IGNORE)
        elif path.exists():
            shutil.copy2(path, src / name)
    dist = work / "dist"
    sdist = dist / _backend("build_sdist", src, dist)
    with tarfile.open(sdist) as tar:
        tar.extractall(work / "unpacked", filter="data")
    (unpacked,) = (work / "unpacked").iterdir()
    wheel = dist / _backend("build_wheel", unpacked, dist)

    venv = work / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], work)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     work).stdout.strip())
    (site / "xfdesk_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], work)
    return {"work": work, "sdist": sdist, "wheel": wheel, "python": python,
            "xfdesk": bindir / ("xfdesk.exe" if os.name == "nt" else "xfdesk")}


def test_wheel_carries_the_shipped_data_and_templates(built):
    names = set(zipfile.ZipFile(built["wheel"]).namelist())
    templates = {n for n in names if n.startswith("xfdesk/_shipped/templates/") and n.endswith(".docx")}
    assert len(templates) == len(list((ROOT / "templates").glob("*.docx"))) == len(KINDS)
    for data_file in (ROOT / "data").rglob("*"):
        if data_file.is_file():
            assert f"xfdesk/_shipped/data/{data_file.relative_to(ROOT / 'data').as_posix()}" in names
    assert "xfdesk/storage/migrations/alembic.ini" in names or any(n.endswith("script.py.mako") for n in names)
    assert any(n.endswith(".tcss") for n in names)
    assert not any(n.startswith(("tests/", "tools/", "benchmarks/")) for n in names)
    sdist_names = tarfile.open(built["sdist"]).getnames()
    assert any(n.endswith("/templates/受理告知书.docx") for n in sdist_names)
    assert any(n.endswith("/data/rules/national.toml") for n in sdist_names)


def test_installed_package_reads_its_own_copy(built):
    code = "import xfdesk, xfdesk.paths as p; print(xfdesk.__file__); print(p.SHIPPED_DATA_DIR); print(p.SHIPPED_IN_PACKAGE)"
    out = _run([str(built["python"]), "-c", code], built["work"]).stdout.split("\n")
    venv = str(built["python"].parent.parent)
    assert out[0].startswith(venv) and out[1].startswith(venv) and out[2] == "True"


def test_installed_program_runs_demo_doctor_and_renders_a_document(built):
    home = built["work"] / "office"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XFDESK_")}
    xfdesk = [str(built["xfdesk"]), "--home", str(home)]
    demo = _run([*xfdesk, "demo", "--no-tui", "--matters", "25"], built["work"], env)
    assert "数据文件夹" in demo.stdout

    doctor = _run([*xfdesk, "doctor"], built["work"], env, check=False)
    lines = doctor.stdout.splitlines()
    assert any("文书模板" in line and f"{len(KINDS)}/{len(KINDS)}" in line and "正常" in line for line in lines), doctor.stdout
    # the calendar line depends on today's year (a year without published holidays is an error, rightly)
    errors = [line for line in lines if line.startswith("错误") and "节假日" not in line]
    assert errors == [], doctor.stdout
    assert "Traceback" not in doctor.stderr

    # the demo's head account and the password it printed (the installed program really hashes with argon2id)
    head_line = next(line for line in demo.stdout.splitlines() if "信访办主任：" in line and "密码：" in line)
    env = {**env, "XFDESK_USER": head_line.split("：")[1].split()[0], "XFDESK_PASSWORD": head_line.split("密码：")[1]}
    listing = json.loads(_run([*xfdesk, "matter", "list", "--json", "--limit", "1"], built["work"], env).stdout)
    number = listing[0]["number"]
    out = built["work"] / "登记表.docx"
    _run([*xfdesk, "doc", "render", "信访事项登记表", "--matter", number, "--output", str(out)], built["work"], env)
    with zipfile.ZipFile(out) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    assert number.replace("-", "\u2011") in body  # printed with non-breaking hyphens (never split at a line end)
