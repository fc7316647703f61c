"""Build step: the shipped reference data (``data/``) and templates (``templates/``) live at the top of the
checkout, where the office's IT person and the developers find them; a wheel carries them inside the package as
``xfdesk/_shipped/data`` and ``xfdesk/_shipped/templates`` (read through ``importlib.resources`` by
``xfdesk.paths``). An editable install keeps reading them from the checkout, so nothing is copied then."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

SHIPPED = ("data", "templates")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "~$*", ".~lock*", "*.bak", ".DS_Store")


class BuildPyWithShipped(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        root = Path(__file__).resolve().parent.parent
        target = Path(self.build_lib) / "xfdesk" / "_shipped"
        for name in SHIPPED:
            source = root / name
            if not source.is_dir():
                raise SystemExit(f"xfdesk build: the folder {source} is missing; a wheel without it cannot run")
            dest = target / name
            if dest.exists():
                shutil.rmtree(dest)
            shutil.copytree(source, dest, ignore=SKIP)
