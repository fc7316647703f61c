"""Blocking work runs in workers and the typing never waits for it (issue 9 item 13).

Each slow service is held in its worker thread (it waits for the test to let it go, at most a few seconds) while
the test types on; what was typed must be on the screen's cells before the service answers.
"""

from __future__ import annotations

import threading

from textual.widgets import Input

from tests.test_tui_helpers import make_app, screen_text, settle, type_text, wait_interactive
from tests.test_tui_key_race import burst


class Gate:
    """Wraps a service: each call waits until ``release()`` (or 5 s) in the worker thread, then answers."""

    def __init__(self, real):  # noqa: ANN001
        self.real = real
        self.entered = threading.Event()
        self.released = threading.Event()
        self.calls = 0

    def __call__(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN204
        self.calls += 1
        self.entered.set()
        self.released.wait(5)
        return self.real(*args, **kwargs)

    def release(self) -> None:
        self.released.set()


async def _until(pilot, condition, timeout: float = 15.0) -> None:  # noqa: ANN001
    waited = 0.0
    while not condition():
        await pilot.pause(0.05)
        waited += 0.05
        if waited > timeout:
            raise AssertionError(f"timed out; focused {pilot.app.focused!r}\n{screen_text(pilot.app)}")


def _on_ui_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


async def test_typing_goes_on_while_search_and_repeat_detection_work(ctx, clerk, register, monkeypatch):
    from xfdesk.services import desk_queries, history

    register(name="张三", summaries=("村道路灯坏了半年无人修理",))
    people = Gate(desk_queries.find_people)
    repeats = Gate(history.repeat_candidates)
    monkeypatch.setattr(desk_queries, "find_people", people)
    monkeypatch.setattr(history, "repeat_candidates", repeats)
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "z")
        await _until(pilot, people.entered.is_set)
        burst(app, "s")  # … and the next key still lands at once
        await _until(pilot, lambda: "zs" in screen_text(app))
        assert not people.released.is_set()
        people.release()
        await _until(pilot, lambda: "张三" in screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert app.focused.id == "m0-summary"
        await type_text(pilot, "村道路灯")
        await _until(pilot, lambda: repeats.calls > 0 and repeats.entered.is_set())
        await type_text(pilot, "坏了半年无人修理")  # typed while the repeat detection is held
        await _until(pilot, lambda: "村道路灯坏了半年无人修理" in screen_text(app))
        assert app.screen.query_one("#m0-summary", Input).value == "村道路灯坏了半年无人修理"
        repeats.release()
        await settle(pilot, 0.5)
        await _until(pilot, lambda: "相似事项" in screen_text(app))  # the candidates follow the typing
    assert people.calls >= 1 and repeats.calls >= 1


async def test_document_preview_renders_in_a_worker(ctx, clerk, register, monkeypatch):
    from textual.app import App

    from xfdesk.services import documents
    from xfdesk.tui.screens.documents import DocumentPreviewScreen

    mid = register(name="张三").matter_ids[0]
    threads: list[bool] = []
    real = documents.preview_document

    def preview(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        threads.append(_on_ui_thread())
        return gate(*args, **kwargs)

    gate = Gate(real)
    monkeypatch.setattr(documents, "preview_document", preview)

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(DocumentPreviewScreen(ctx, clerk, "registration_form", matter_id=mid))

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, gate.entered.is_set)
        assert "正在生成预览" in screen_text(app)  # the screen is up and answering while the template renders
        gate.release()
        await _until(pilot, lambda: "信访事项登记表" in screen_text(app) and "张三" in screen_text(app))
    assert threads == [False]


async def test_save_typed_while_the_preview_renders_is_carried_out(ctx, clerk, register, monkeypatch):
    """S pressed as soon as the preview window shows (before its text): saved once the text is there, not lost
    (seen driving the desk in tmux: a fast clerk's S went nowhere and the notice stayed unsaved)."""
    from textual.app import App

    from xfdesk.services import documents
    from xfdesk.services.documents import documents_for_matter
    from xfdesk.tui.screens.documents import DocumentPreviewScreen

    mid = register(name="张三").matter_ids[0]
    gate = Gate(documents.preview_document)
    monkeypatch.setattr(documents, "preview_document", gate)

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(DocumentPreviewScreen(ctx, clerk, "registration_form", matter_id=mid))

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await _until(pilot, gate.entered.is_set)
        await pilot.press("s")
        await pilot.press("s")  # pressed twice while waiting: still one document, one 文号
        await _until(pilot, lambda: "预览生成后即保存" in screen_text(app))
        assert documents_for_matter(ctx, mid) == []
        gate.release()
        await _until(pilot, lambda: not isinstance(app.screen, DocumentPreviewScreen))  # saved, the preview closed
        await settle(pilot)
        said = [n.message for n in app._notifications]
    issued = documents_for_matter(ctx, mid)
    assert len(issued) == 1
    assert said == [f"已保存信访事项登记表，文号 {issued[0].number_text}"]
