"""The desk's footer: Textual's Footer, rebuilt only when the keys it shows change.

Why: Textual's Footer rebuilds all its keys (a widget each, mounted, styled and drawn) whenever the screen's bindings
are refreshed, and they are refreshed at every focus change: each Tab in a form, each screen opened. On the desk
the keys a screen shows mostly stay the same from field to field, and the rebuilding was a fifth of the UI thread's
busy time while driving the chain in tmux (py-spy, 3,000-matter office): FooterKey.render and the compact class each
new key sets on itself. Here the footer compares what it would show with what it shows and rebuilds only when they
differ (a key enabled or disabled, another screen's keys), so it still always shows the active bindings.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class DeskFooter(Footer):
    """``Footer`` that skips a rebuild that would draw the same keys."""

    _shown: tuple | None = None  # what the keys on screen were built from

    def _what_it_would_show(self) -> tuple:
        app = self.app
        keys = tuple(
            (binding.key, app.get_key_display(binding), binding.description, binding.action, enabled, tooltip,
             binding.group.description if binding.group is not None else None)
            for (_node, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show or binding.key == app.COMMAND_PALETTE_BINDING
        )
        return (self.compact, self.show_command_palette, keys)

    def bindings_changed(self, screen: Screen) -> None:
        if (self._bindings_ready and self._shown is not None and self.is_attached and screen is self.screen
                and self._what_it_would_show() == self._shown):
            return
        super().bindings_changed(screen)

    def compose(self):  # noqa: ANN201
        if self._bindings_ready:
            self._shown = self._what_it_would_show()
        yield from super().compose()
