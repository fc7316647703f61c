"""Where things live: the data folder (home), the shipped reference data and templates."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Mapping
from importlib import resources
from pathlib import Path, PureWindowsPath

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent
_KEEP_EXTRACTED = contextlib.ExitStack()  # a zipped install's files, extracted once for the whole process


def _shipped_root() -> Path:
    """Where the shipped ``data/`` and ``templates/`` are: inside the installed package (a wheel carries them as
    ``xfdesk/_shipped``, see ``tools/setup_hooks.py``), else the top of the source checkout (editable install)."""
    packaged = resources.files("xfdesk").joinpath("_shipped")
    if packaged.is_dir():
        if isinstance(packaged, Path):
            return packaged
        return _KEEP_EXTRACTED.enter_context(resources.as_file(packaged))  # pragma: no cover - zip imports
    return PROJECT_DIR


SHIPPED_ROOT = _shipped_root()
SHIPPED_IN_PACKAGE = SHIPPED_ROOT != PROJECT_DIR
SHIPPED_DATA_DIR = SHIPPED_ROOT / "data"
SHIPPED_TEMPLATES_DIR = SHIPPED_ROOT / "templates"

ENV_HOME = "XFDESK_HOME"
ENV_DATABASE_URL = "XFDESK_DATABASE_URL"


def default_home_text(platform: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """Where the data folder is when nothing says otherwise: ``XFDESK_HOME`` if set, else ``xfdesk`` in the user's
    folder — ``%USERPROFILE%\\xfdesk`` on Windows (``C:\\Users\\王芳\\xfdesk``: easy to find, copy and back up),
    ``~/xfdesk`` elsewhere. Pure (platform and environment given), so the Windows rule is tested anywhere."""
    platform = platform or sys.platform
    environ = os.environ if environ is None else environ
    if environ.get(ENV_HOME):
        return environ[ENV_HOME]
    if platform.startswith("win"):
        profile = environ.get("USERPROFILE") or (environ.get("HOMEDRIVE", "") + environ.get("HOMEPATH", ""))
        if profile:
            return str(PureWindowsPath(profile) / "xfdesk")
    return str(Path.home() / "xfdesk")


def default_home() -> Path:
    return Path(default_home_text()).expanduser()


class Home:
    """The office's data folder: database, its backups, office-edited reference data and templates, output."""

    def __init__(self, root: Path | str | None = None):
        self.root = Path(root).expanduser().resolve() if root else default_home().resolve()

    @property
    def database(self) -> Path:
        return self.root / "xfdesk.db"

    @property
    def backups(self) -> Path:
        return self.root / "backups"

    @property
    def output(self) -> Path:
        return self.root / "output"

    @property
    def drafts(self) -> Path:
        return self.root / "drafts"

    @property
    def data(self) -> Path:
        """Office copies of the reference data; a file here wins over the shipped one of the same name."""
        return self.root / "data"

    @property
    def templates(self) -> Path:
        """Office copies of the templates; a template here wins over the shipped one of the same name."""
        return self.root / "templates"

    def data_file(self, name: str) -> Path:
        own = self.data / name
        return own if own.exists() else SHIPPED_DATA_DIR / name

    def template_file(self, name: str) -> Path:
        own = self.templates / name
        return own if own.exists() else SHIPPED_TEMPLATES_DIR / name

    def database_url(self) -> str:
        return os.environ.get(ENV_DATABASE_URL) or f"sqlite:///{self.database}"

    def ensure(self) -> None:
        for folder in (self.root, self.backups, self.output, self.drafts, self.data, self.templates):
            folder.mkdir(parents=True, exist_ok=True)
