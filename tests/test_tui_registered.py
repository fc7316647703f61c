"""After 保存登记 the numbers stay on screen and P prints the 信访事项登记表 (issue 9 item 16), read on the cells."""

from __future__ import annotations

import os
from pathlib import Path

from sqlmodel import select

from tests.test_tui_helpers import WALKIN_STEPS, make_app, run_steps, screen_text, settle, wait_interactive
from xfdesk.storage.models import Document, Matter


def _lp(folder: Path, fail: bool) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "lp"
    script.write_text("#!/bin/sh\n" + ("echo 'lp: 打印机脱机' >&2; exit 1\n" if fail else
                                      f"echo \"$@\" >> '{folder}/printed.log'\n"), encoding="utf-8")
    script.chmod(0o755)
    return folder


def _forms(ctx) -> list[Document]:  # noqa: ANN001
    with ctx.db.read() as session:
        return list(session.exec(select(Document).where(Document.kind == "registration_form").order_by(Document.id)))


def _numbers(ctx) -> list[str]:  # noqa: ANN001
    with ctx.db.read() as session:
        return list(session.exec(select(Matter.number).order_by(Matter.id)))


async def test_numbers_stay_on_screen_and_p_prints_the_form(ctx, clerk, register, tmp_path, monkeypatch):
    register(name="张三")
    printer = _lp(tmp_path / "ok", False)
    monkeypatch.setenv("PATH", f"{printer}{os.pathsep}{os.environ['PATH']}")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await run_steps(pilot, WALKIN_STEPS)
        number = _numbers(ctx)[-1]
        await pilot.pause(0.3)  # longer than a toast's fade would matter: the panel is a screen, not a toast
        text = screen_text(app)
        assert type(app.screen).__name__ == "RegisteredScreen"
        assert "登记成功" in text and "张三" in text and number in text and "村道路灯坏了半年无人修理" in text
        assert "打印信访事项登记表" in text  # the key is named on the panel and in the footer
        await pilot.press("p")
        await settle(pilot)
        text = screen_text(app)
        forms = _forms(ctx)
        assert len(forms) == 1 and forms[0].matter_id is not None
        assert "已发送到打印机" in text and forms[0].number_text in text
        assert Path(ctx.home.root / forms[0].file_path).exists() or Path(forms[0].file_path).exists()
        assert (printer / "printed.log").read_text(encoding="utf-8").count(".docx") == 1
        await pilot.press("p")  # printed again: the same form, no second number
        await settle(pilot)
        assert len(_forms(ctx)) == 1
        assert (printer / "printed.log").read_text(encoding="utf-8").count(".docx") == 2
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"


async def test_a_failing_printer_is_one_line_and_the_form_is_kept(ctx, clerk, register, tmp_path, monkeypatch):
    register(name="张三")
    monkeypatch.setenv("PATH", f"{_lp(tmp_path / 'bad', True)}{os.pathsep}{os.environ['PATH']}")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await run_steps(pilot, WALKIN_STEPS)
        await pilot.press("p")
        await settle(pilot)
        text = screen_text(app)
        assert "未能打印" in text and "打印机脱机" in text
        assert type(app.screen).__name__ == "RegisteredScreen"  # the panel stays: nothing is lost
    assert len(_forms(ctx)) == 1 and len(_numbers(ctx)) == 2


async def test_a_broken_template_is_one_chinese_line(ctx, clerk, register):
    register(name="张三")
    (ctx.home.templates / "信访事项登记表.docx").write_bytes(b"not a docx")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await run_steps(pilot, WALKIN_STEPS)
        await pilot.press("p")
        await settle(pilot)
        text = screen_text(app)
        assert "信访事项登记表未能生成，登记已保存" in text
        assert "Traceback" not in text
    assert _forms(ctx) == [] and len(_numbers(ctx)) == 2


async def test_f2_goes_on_to_the_next_visitor(ctx, clerk, register):
    register(name="张三")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await run_steps(pilot, WALKIN_STEPS)
        await pilot.press("f2")
        await settle(pilot)
        assert type(app.screen).__name__ == "RegisterScreen"
        assert app.focused is not None and app.focused.id == "find" and app.focused.value == ""
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"  # the panel went with the next registration
