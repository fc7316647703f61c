"""F1 help: what every screen is for and every key it takes, plus the command palette's commands."""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from xfdesk.tui.commands import DESK_COMMANDS, HELP_SCREENS, command_keys
from xfdesk.tui.widgets.fields import plain
from xfdesk.tui.styles import css

KEY_NAMES = {"escape": "Esc", "enter": "回车", "pagedown": "PageDown", "pageup": "PageUp", "tab": "Tab",
             "up": "↑", "down": "↓", "delete": "Delete"}


def key_text(keys: str) -> str:
    def one(key: str) -> str:
        key = key.strip()
        if key in KEY_NAMES:
            return KEY_NAMES[key]
        return "+".join(p.capitalize() if len(p) > 1 else p.upper() for p in key.split("+"))

    return " / ".join(one(k) for k in keys.split(","))


def screen_title(cls: type) -> str:
    return (cls.__doc__ or cls.__name__).strip().splitlines()[0]


def help_sections(app_bindings: Iterable[Binding] = ()) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(screen name, what it does, [(keys, what they do)]) for the app's own keys (``app_bindings``) and every
    screen in HELP_SCREENS."""
    sections = [("全局", "任何界面都可用的按键。",
                 [(key_text(b.key), b.description) for b in app_bindings if isinstance(b, Binding)])]
    for module, name in HELP_SCREENS:
        cls = getattr(importlib.import_module(module), name)  # our own screens: a failure is a bug, shown as one
        text = getattr(cls, "HELP", "")
        title = text.split("：", 1)[0] if "：" in text else name
        body = text.split("：", 1)[1] if "：" in text else text
        keys = [(key_text(b.key), b.description) for b in getattr(cls, "BINDINGS", []) if isinstance(b, Binding)
                and b.description]
        sections.append((title, body, keys))
    return sections


class HelpScreen(Screen):
    CSS_PATH = css("views")
    HELP = "帮助：各界面的用途和按键。上下键或 PageUp/PageDown 翻看，Esc 或 F1 返回。"
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "返回")]

    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with VerticalScroll(id="help-body"):
            for title, body, keys in help_sections(type(self.app).BINDINGS):
                yield Static(plain(title), classes="section-title")
                yield Static(plain(body), classes="help-text")
                lines = [Content.assemble((f"  {k:<14}", "bold #FFD700"), d) for k, d in keys]
                if lines:
                    yield Static(Content("\n").join(lines))
            yield Static(plain("命令面板（Ctrl+P）"), classes="section-title")
            yield Static(plain("输入命令的中文名称、拼音首字母或英文别名即可找到命令（输入法不便时用字母）。"),
                         classes="help-text")
            lines = []
            for c in DESK_COMMANDS:
                aliases = "、".join(command_keys(c)[1:])
                key = f"（{c.key}）" if c.key else ""
                lines.append(Content.assemble(("  " + c.title + key, "bold #FFD700"), "  " + aliases))
            yield Static(Content("\n").join(lines))
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "帮助"
        self.query_one("#help-body").focus()
