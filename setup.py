"""Only the build step that puts ``data/`` and ``templates/`` into the wheel; everything else is in pyproject.toml."""

import sys
from pathlib import Path

from setuptools import setup

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
from setup_hooks import BuildPyWithShipped  # noqa: E402

setup(cmdclass={"build_py": BuildPyWithShipped})
