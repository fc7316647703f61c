"""Where the style sheets are: the app's base sheet loads before the first frame, each screen's sheet with it."""

from __future__ import annotations

from pathlib import Path

STYLES_DIR = Path(__file__).resolve().parent


def css(*names: str) -> list[Path]:
    """Absolute paths (a subclass in another package still finds them)."""
    return [STYLES_DIR / f"{name}.tcss" for name in names]


def load_screen_styles(app, screen_classes) -> None:  # noqa: ANN001
    """Add the sheets of screens not shown yet to the app's stylesheet in one go, at a quiet moment.

    Why: Textual adds a screen class's sheets when it is first pushed, and each time re-parses every sheet and
    restyles every widget of every open screen: the first 约访 (b) paid 116 ms for it on the 3k office, the first
    办理 dialog 22 ms, 办理 16 ms. Done here together, it is one parse and one restyle, while the clerk reads the
    matter. The same bookkeeping as Textual's own ``App._load_screen_css``, so that a push finds them loaded."""
    import inspect

    stylesheet = app.stylesheet
    update = False
    for cls in screen_classes:
        paths = cls.CSS_PATH if isinstance(cls.CSS_PATH, list | tuple) else [cls.CSS_PATH] if cls.CSS_PATH else []
        for path in paths:
            path = Path(path)
            if path.is_absolute() and not stylesheet.has_source(str(path), ""):
                stylesheet.read(path)
                update = True
        if cls.CSS:
            read_from = (inspect.getfile(cls), f"{cls.__name__}.CSS")
            if not stylesheet.has_source(*read_from):
                stylesheet.add_source(cls.CSS, read_from=read_from, is_default_css=False,
                                      scope=cls._css_type_name if cls.SCOPED_CSS else "")
                update = True
    if update:
        stylesheet.reparse()
        stylesheet.update(app)
