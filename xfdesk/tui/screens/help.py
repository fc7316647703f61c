"""F1 help: what every screen is for and every key it takes, plus the command palette's commands.

Nothing here is a hand-kept list of keys: each section is read from Textual's own binding machinery — the screen's
merged ``BINDINGS`` (its classes' and bases'), and for the screen F1 was pressed on also the bindings of our own
widgets on its focus chain, as they are active now. A key's long wording is its binding's ``tooltip`` (the
footer's short word is the ``description``), so a footer can stay short at 80 columns while the help says it all.
The screen F1 was pressed on comes first; the others follow in ``HELP_SCREENS`` order.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.keys import format_key
from textual.screen import Screen
from textual.widgets import Header, Static

from xfdesk.tui.commands import DESK_COMMANDS, HELP_SCREENS, command_keys
from xfdesk.tui.styles import css
from xfdesk.tui.widgets.fields import plain
from xfdesk.tui.widgets.footer import DeskFooter

# How a key is written for a clerk (Textual's names are identifiers: equals_sign, pagedown …)
KEY_NAMES = {
    "escape": "Esc", "enter": "回车", "tab": "Tab", "space": "空格", "backspace": "退格",
    "pageup": "PgUp", "pagedown": "PgDn", "home": "Home", "end": "End", "insert": "Ins", "delete": "Del",
    "up": "↑", "down": "↓", "left": "←", "right": "→",
    "plus": "+", "minus": "-", "equals_sign": "=", "asterisk": "*", "slash": "/", "question_mark": "?",
}
MODIFIERS = {"ctrl": "Ctrl", "shift": "Shift", "alt": "Alt", "meta": "Meta", "super": "Super"}
KEY_COLUMN_MAX = 16  # cells: a longer key list wraps in its own column
KEY_STYLE = "bold #FFD700"


def key_label(key: str) -> str:
    """One Textual key (``ctrl+s``, ``equals_sign``, ``f1``, ``n``) as a clerk reads it (``Ctrl+S``, ``=``, ``F1``,
    ``N``)."""
    *mods, base = key.strip().split("+")
    if base in KEY_NAMES:
        name = KEY_NAMES[base]
    elif len(base) == 1:
        name = base.upper()
    elif base[0] == "f" and base[1:].isdigit():
        name = base.upper()
    else:
        shown = format_key(base)  # Textual's own: a Unicode name becomes its character (question_mark → ?)
        name = shown.upper() if len(shown) == 1 else shown.replace("_", " ").title()
    return "+".join([*(MODIFIERS.get(m, m.title()) for m in mods), name])


def keys_text(keys: str | Iterable[str]) -> str:
    """Several keys for one action: ``+ / =``."""
    if isinstance(keys, str):
        keys = keys.split(",")
    return " / ".join(key_label(k) for k in keys)


key_text = keys_text  # the name other modules used


def binding_words(binding: Binding) -> str:
    """What a key does, in full: the tooltip when the footer's word is a short form of it."""
    return (binding.tooltip or binding.description or "").strip()


@dataclass(frozen=True)
class HelpSection:
    title: str
    body: str
    keys: list[tuple[str, str]]  # (keys as shown, what they do)
    current: bool = False


def _key_rows(pairs: Iterable[tuple[str, Binding]]) -> list[tuple[str, str]]:
    """(key, binding) pairs → rows: keys doing the same thing with the same words share a row, in binding order."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for key, binding in pairs:
        words = binding_words(binding)
        if not words:
            continue  # an unnamed key is a widget's inner working, not a command
        keys = grouped.setdefault((binding.action, words), [])
        if key not in keys:
            keys.append(key)
    return [(keys_text(keys), words) for (_action, words), keys in grouped.items()]


def _map_pairs(bindings: BindingsMap) -> list[tuple[str, Binding]]:
    return [(key, b) for key, items in bindings.key_to_bindings.items() for b in items]


def class_bindings(cls: type[DOMNode]) -> list[tuple[str, Binding]]:
    """Every (key, binding) of a screen class merged as Textual merges them (a subclass's key replaces its base's),
    over our own classes: Textual's base classes' keys (focus, copy) are its inner workings, not the desk's."""
    keys: dict[str, list[Binding]] = {}
    for base in reversed(cls.__mro__):
        if not (isinstance(base, type) and issubclass(base, DOMNode)):
            continue
        if not base._inherit_bindings:
            keys.clear()
        if base.__module__.startswith("xfdesk."):
            keys.update(BindingsMap(base.__dict__.get("BINDINGS", [])).key_to_bindings)
    return _map_pairs(BindingsMap.from_keys(keys))


def live_bindings(screen: Screen) -> list[tuple[str, Binding]]:
    """The keys of ``screen`` now: its merged bindings and those of our own widgets on its focus chain (the
    field F1 was pressed in may add keys); Textual's built-in widgets' inner keys (cursor, editing) are left out."""
    pairs = class_bindings(type(screen))
    focused = screen.focused
    if focused is not None:
        chain = []
        for node in focused.ancestors_with_self:  # up to the screen (the app's keys have their own section)
            if node is screen:
                break
            chain.append(node)
        for node in reversed(chain):
            if type(node).__module__.startswith("xfdesk."):
                pairs += class_bindings(type(node))
    return pairs


# the HELP texts' words for keys, written as the key column writes them
_PROSE_KEYS = (("PageUp", "PgUp"), ("PageDown", "PgDn"))


def screen_title_and_body(cls: type) -> tuple[str, str]:
    text = getattr(cls, "HELP", "") or ""
    for long, short in _PROSE_KEYS:
        text = text.replace(long, short)
    if "：" in text:
        title, body = text.split("：", 1)
        return title, body
    return (cls.__doc__ or cls.__name__).strip().splitlines()[0].rstrip("。."), text


def help_sections(app_bindings: Iterable[Binding] | None = None, current: Screen | None = None,
                  app_class: type | None = None) -> list[HelpSection]:
    """The screen F1 was pressed on (``current``) first, then the keys of the whole desk (the app's bindings),
    then every screen in ``HELP_SCREENS``."""
    sections: list[HelpSection] = []
    current_cls = type(current) if current is not None else None
    if current is not None:
        title, body = screen_title_and_body(current_cls)
        sections.append(HelpSection(title, body, _key_rows(live_bindings(current)), current=True))
    if app_class is not None:
        app_pairs = class_bindings(app_class)
    else:
        app_pairs = [(k.strip(), b) for b in (app_bindings or ()) if isinstance(b, Binding) for k in b.key.split(",")]
    sections.append(HelpSection("全局", "任何界面都可用的按键。", _key_rows(app_pairs)))
    for module, name in HELP_SCREENS:
        cls = getattr(importlib.import_module(module), name)  # our own screens: a failure is a bug, shown as one
        if cls is current_cls:
            continue
        title, body = screen_title_and_body(cls)
        sections.append(HelpSection(title, body, _key_rows(class_bindings(cls))))
    return sections


_TOKENS = re.compile(r"[A-Za-z0-9_+/\-.=*%]+|\s|.")  # an ASCII word stays whole; any other character may break
_NO_LINE_START = set("，。、；：？！）》」』”’…")


def fold_lines(text: str, width: int) -> list[str]:
    """Chinese prose in lines of at most ``width`` cells, broken between any two characters (not only at spaces,
    as Rich and Textual wrap: they moved the whole run after ``按 N`` to the next line), never before a closing
    punctuation mark."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line: list[str] = []
        used = 0
        for tok in _TOKENS.findall(paragraph):
            size = cell_len(tok)
            if used + size > width and line:
                carry: list[str] = []
                if tok in _NO_LINE_START and len(line) > 1:
                    carry = [line.pop()]
                lines.append("".join(line).rstrip())
                line = carry
                used = sum(cell_len(t) for t in line)
                if tok.isspace() and not line:
                    continue
            line.append(tok)
            used += size
        lines.append("".join(line).rstrip())
    return lines


class Prose:
    """A paragraph of Chinese text wrapped by :func:`fold_lines` at the width it is given (shown literally)."""

    def __init__(self, text: str, style: str = ""):
        self.text = text
        self.style = style

    def __rich_console__(self, console, options):  # noqa: ANN001, ANN204
        yield Text("\n".join(fold_lines(self.text, max(8, options.max_width))), style=self.style, no_wrap=True)

    def __rich_measure__(self, console, options):  # noqa: ANN001, ANN204
        from rich.measure import Measurement

        return Measurement(8, max(8, min(options.max_width, cell_len(self.text))))


def keys_table(rows: list[tuple[str, str]], key_width: int) -> Table:
    """Keys and their words in two columns measured in terminal cells (回车 and Ctrl+S line up); a long
    description wraps under itself."""
    grid = Table.grid(padding=(0, 2, 0, 0), expand=True)
    grid.add_column(width=key_width, no_wrap=False, overflow="fold")
    grid.add_column(ratio=1, overflow="fold")
    for keys, words in rows:
        grid.add_row(Text(keys, style=KEY_STYLE), Text(words))  # literal text, never markup
    return grid


def key_column_width(sections: list[HelpSection]) -> int:
    widest = max((cell_len(k) for s in sections for k, _ in s.keys), default=4)
    return min(KEY_COLUMN_MAX, widest)


class HelpScreen(Screen):
    CSS_PATH = css("views")
    HELP = "帮助：各界面的用途和按键，按下 F1 时所在的界面排在最前。上下键或 PgUp/PgDn 翻看，Esc 或 F1 返回。"
    BINDINGS = [Binding("escape,f1,q", "app.pop_screen", "返回")]

    def __init__(self, under: Screen | None = None):
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        under = self.under if self.under is not None and not isinstance(self.under, HelpScreen) else None
        sections = help_sections(current=under, app_class=type(self.app))
        width = key_column_width(sections)
        yield Header(icon="")
        with VerticalScroll(id="help-body"):
            for section in sections:
                title = f"当前界面：{section.title}" if section.current else section.title
                yield Static(plain(title), classes="section-title")
                if section.body:
                    yield Static(Prose(section.body), classes="help-text")
                if section.keys:
                    yield Static(keys_table(section.keys, width), classes="help-text")
            yield Static(plain("命令面板（Ctrl+P）"), classes="section-title")
            yield Static(Prose("输入命令的中文名称、拼音首字母或英文别名即可找到命令（输入法不便时用字母）。"),
                         classes="help-text")
            grid = Table.grid(padding=(0, 2, 0, 0), expand=True)
            grid.add_column(ratio=2, overflow="fold")
            grid.add_column(ratio=1, overflow="fold")
            for c in DESK_COMMANDS:
                aliases = "、".join(dict.fromkeys(command_keys(c)[1:]))  # initials and an alias may be the same
                key = f"（{c.key}）" if c.key else ""
                grid.add_row(Text(c.title + key, style=KEY_STYLE), Text(aliases))
            yield Static(grid, classes="help-text")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = "帮助"
        self.query_one("#help-body").focus()
