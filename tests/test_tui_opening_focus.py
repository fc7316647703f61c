"""A form opens with its first field focused, and nothing else takes the focus on the way (issue 9 item 13).

Focus restyles a widget with everything it holds: Textual's default focuses the first focusable widget, the scrolling
box of a form, and then the form's own focus moves on. At F2 that was two restylings of the 91 widgets of the
registration form, 85-140 ms each in tmux on a 2-core PC (benchmarks/desk_walk.py).
"""

from __future__ import annotations

from textual.app import App
from textual.widget import Widget

from tests.test_tui_helpers import make_app, screen_text, settle, wait_interactive


def record_focus(monkeypatch) -> list[tuple[str, bool]]:  # noqa: ANN001
    seen: list[tuple[str, bool]] = []
    real = Widget.watch_has_focus

    def watch(self, has_focus: bool) -> None:  # noqa: ANN001
        seen.append((self.id or type(self).__name__, has_focus))
        real(self, has_focus)

    monkeypatch.setattr(Widget, "watch_has_focus", watch)
    return seen


async def test_f2_focuses_find_and_nothing_before_it(ctx, clerk, monkeypatch):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await settle(pilot)
        seen = record_focus(monkeypatch)
        await pilot.press("f2")
        await settle(pilot)
        assert "查找信访人" in screen_text(app)
        gained = [name for name, has in seen if has]
        assert gained == ["find"]


async def test_a_handling_dialog_focuses_its_first_field_only(monkeypatch):
    from xfdesk.tui.screens.handling import ActionForm, ActionFormScreen, FieldSpec

    form = ActionForm("调处（调解优先）", [FieldSpec("mediator", "调解人／组织"), FieldSpec("note", "说明")],
                      submit=lambda values: None)

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(ActionFormScreen(form))

    seen = record_focus(monkeypatch)
    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "调解人／组织" in screen_text(app)
        assert [name for name, has in seen if has] == ["af-mediator"]
