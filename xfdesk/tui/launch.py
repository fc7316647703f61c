"""Start the TUI (imported lazily so CLI commands do not pay for textual)."""

from __future__ import annotations

from xfdesk.paths import Home


def launch(home: Home) -> None:
    from xfdesk.tui.app import XfdeskApp

    XfdeskApp(home=home).run()
