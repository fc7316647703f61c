"""Where the style sheets are: the app's base sheet loads before the first frame, each screen's sheet with it."""

from __future__ import annotations

from pathlib import Path

STYLES_DIR = Path(__file__).resolve().parent


def css(*names: str) -> list[Path]:
    """Absolute paths (a subclass in another package still finds them)."""
    return [STYLES_DIR / f"{name}.tcss" for name in names]
