"""Start the TUI (imported lazily so CLI commands do not pay for textual)."""

from __future__ import annotations

from xfdesk.paths import Home


def launch(home: Home, operator=None) -> None:  # noqa: ANN001  (services.context.Operator, from a sign-in)
    from xfdesk.tui.app import XfdeskApp

    app = XfdeskApp(home=home, operator=operator)
    app.run()
    if app.return_code:  # an unexpected error: its one-line message is already printed
        raise SystemExit(app.return_code)
