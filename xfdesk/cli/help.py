"""The command line in Chinese, for every command at once: help screens, usage lines and usage errors.

Installed once at the CLI's root (``install()``): typer hands every ``--help`` to ``rich_utils.rich_format_help``,
which is replaced here by a renderer that reads only the commands' declared parameters (names, help texts, defaults,
types) — so a command added in any module gets Chinese help without doing anything. Usage errors (a missing
argument, an unknown option, a bad value) are turned into one Chinese line by ``usage_error_message``.

Names shown for arguments: the ``metavar`` when a command sets one, else the first words of the argument's own help
text (``help="要查找的内容，多个词用空格分开"`` → ``要查找的内容``), else a word from ``ARGUMENT_WORDS``.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections.abc import Iterable
from typing import Any

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

HELP_TEXT = "显示本帮助并退出"
TYPE_WORDS = {"int": "整数", "float": "数字", "str": "文字", "bool": "是/否", "path": "路径", "file": "文件",
              "directory": "文件夹", "datetime": "日期时间", "date": "日期", "Path": "路径", "text": "文字"}
ARGUMENT_WORDS = {"text": "内容", "number": "编号", "file": "文件", "date": "日期", "days": "天数", "year": "年份",
                  "years": "年份", "kind": "种类", "name": "名称", "month": "月份", "path": "路径", "matter": "事项"}
_CLAUSE_END = re.compile(r"[，,（(；;：:。、]")


# -- names ----------------------------------------------------------------------------------------------------------

def argument_label(param: Any) -> str:
    """What an argument is called in usage lines and messages, in Chinese."""
    metavar = getattr(param, "metavar", None)
    if metavar and not re.fullmatch(r"[A-Z_]+", metavar):
        return metavar
    help_text = (getattr(param, "help", None) or "").strip()
    if help_text:
        first = _CLAUSE_END.split(help_text, maxsplit=1)[0].strip()
        if first and len(first) <= 12 and not re.search(r"[A-Za-z]{3,}", first):
            return first
    name = str(getattr(param, "name", "") or "")
    return ARGUMENT_WORDS.get(name.lower(), metavar or name)


def type_label(param: Any, ctx: Any) -> str:
    """The value an option takes, in Chinese (``整数``, ``文字``, ``路径``), '' for a flag."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    metavar = getattr(param, "metavar", None)
    if metavar:
        return metavar
    raw = ""
    try:
        raw = str(param.display_type(ctx) or "")
    except Exception:  # noqa: BLE001 (another typer version: fall back to click's type name)
        raw = str(getattr(getattr(param, "type", None), "name", "") or "")
    raw = raw.strip("<>")
    if "|" in raw:  # a choice: its values, as they are typed
        return "|".join(raw.split("|"))
    inner = re.fullmatch(r"list\[(.+)\]", raw)
    if inner:
        return TYPE_WORDS.get(inner.group(1), inner.group(1))
    return TYPE_WORDS.get(raw, raw)


def _is_help_option(param: Any) -> bool:
    return getattr(param, "name", None) == "help" and "--help" in (getattr(param, "opts", None) or [])


def _default_text(param: Any) -> str:
    if getattr(param, "is_flag", False) or getattr(param, "required", False) or _is_help_option(param):
        return ""
    if getattr(param, "show_default", True) is False:
        return ""
    default = getattr(param, "default", None)
    if default is None or default == [] or default == () or default == "" or callable(default):
        return ""
    if isinstance(default, bool):
        return ""
    return f"默认：{default}"


def _option_names(param: Any) -> str:
    opts = list(getattr(param, "opts", []) or [])
    secondary = list(getattr(param, "secondary_opts", []) or [])
    shorts = [o for o in opts if not o.startswith("--")]
    longs = [o for o in opts if o.startswith("--")]
    names = ", ".join([*shorts, *longs])
    if secondary:
        names += " / " + ", ".join(secondary)
    return names


def usage_line(command: Any, ctx: Any) -> str:
    pieces = [ctx.command_path]
    params = [p for p in command.get_params(ctx) if not getattr(p, "hidden", False)]
    if any(getattr(p, "param_type_name", "") == "option" for p in params):
        pieces.append("[选项]")
    for p in params:
        if getattr(p, "param_type_name", "") == "argument":
            label = argument_label(p)
            many = getattr(p, "nargs", 1) != 1
            text = f"{label}…" if many else label
            pieces.append(text if getattr(p, "required", False) else f"[{text}]")
    if hasattr(command, "list_commands"):
        pieces.append("命令 [参数]…")
    return "用法：" + " ".join(pieces)


# -- the help screen ------------------------------------------------------------------------------------------------

def _paragraphs(text: str) -> list[str]:
    text = inspect.cleandoc(text or "").partition("\f")[0]
    return [" ".join(line.strip() for line in para.splitlines()).strip() for para in text.split("\n\n") if para.strip()]


def _with_notes(text: str, notes: list[str]) -> str:
    notes = [n for n in notes if n]
    if not notes:
        return text
    joined = "，".join(notes)
    return f"{text}，{joined}" if text.endswith(("）", ")")) else f"{text}（{joined}）"


def _two_columns(rows: Iterable[tuple[str, str]]) -> Padding:
    table = Table(box=None, show_header=False, show_edge=False, pad_edge=False, padding=(0, 4, 0, 0), expand=False)
    table.add_column(no_wrap=True)
    table.add_column(overflow="fold")
    for left, right in rows:
        table.add_row(Text(left), Text(right))
    return Padding(table, (0, 0, 0, 2))


def help_renderables(obj: Any, ctx: Any) -> list[Any]:
    """Everything of one help screen, in Chinese: usage, the description, arguments, options, commands."""
    out: list[Any] = [Text(usage_line(obj, ctx)), Text("")]
    paragraphs = _paragraphs(getattr(obj, "help", "") or "")
    for para in paragraphs:
        out += [Text(para), Text("")]
    params = [p for p in obj.get_params(ctx) if not getattr(p, "hidden", False)]
    arguments = [p for p in params if getattr(p, "param_type_name", "") == "argument"]
    options = [p for p in params if getattr(p, "param_type_name", "") == "option"]
    if arguments:
        rows = []
        for p in arguments:
            notes = ["必填" if getattr(p, "required", False) else "", _default_text(p)]
            rows.append((argument_label(p), _with_notes(getattr(p, "help", "") or "", notes)))
        out += [Text("参数："), _two_columns(rows), Text("")]
    if options:
        rows = []
        for p in options:
            kind = type_label(p, ctx)
            left = _option_names(p) + (f" {kind}" if kind else "")
            help_text = HELP_TEXT if _is_help_option(p) else (getattr(p, "help", "") or "")
            notes = ["必填" if getattr(p, "required", False) else "", _default_text(p)]
            rows.append((left, _with_notes(help_text, notes)))
        out += [Text("选项："), _two_columns(rows), Text("")]
    if hasattr(obj, "list_commands"):
        rows = []
        for name in obj.list_commands(ctx):
            sub = obj.get_command(ctx, name)
            if sub is None or getattr(sub, "hidden", False):
                continue
            first = _paragraphs(getattr(sub, "short_help", None) or getattr(sub, "help", "") or "")
            rows.append((name, first[0] if first else ""))
        if rows:
            out += [Text("命令："), _two_columns(rows), Text("")]
            out += [Text(f"每个命令的用法：{ctx.command_path} 命令 --help"), Text("")]
    epilog = getattr(obj, "epilog", None)
    if epilog:
        out += [Text(p) for p in _paragraphs(epilog)] + [Text("")]
    while out and isinstance(out[-1], Text) and not out[-1].plain:
        out.pop()
    return out


def format_help(*, obj: Any, ctx: Any, markup_mode: Any = None) -> None:  # noqa: ARG001 (typer's signature)
    console = Console(highlight=False)
    with console.capture() as captured:
        for renderable in help_renderables(obj, ctx):
            console.print(renderable)
    # no padding at line ends (the help is often piped into a file or read in a narrow window)
    print("\n".join(line.rstrip() for line in captured.get().splitlines()))


def install() -> None:
    """Make every typer command's ``--help`` Chinese (one assignment; typer looks the function up at each call)."""
    from typer import rich_utils

    rich_utils.rich_format_help = format_help


# -- usage errors ---------------------------------------------------------------------------------------------------

def _value_words(param: Any, ctx: Any) -> str:
    kind = type_label(param, ctx) if ctx is not None else ""
    if "|" in kind:
        return f"应为以下之一：{kind.replace('|', '、')}"
    return {"整数": "应为整数", "数字": "应为数字", "路径": "应为文件或文件夹的路径", "文件夹": "应为文件夹",
            "日期时间": "应为日期时间", "日期": "应为日期"}.get(kind, "")


def _param_name(param: Any) -> str:
    if getattr(param, "param_type_name", "") == "option":
        longs = [o for o in (getattr(param, "opts", []) or []) if o.startswith("--")]
        return (longs or list(getattr(param, "opts", []) or [str(getattr(param, "name", ""))]))[0]
    return argument_label(param)


def usage_error_message(exc: Any) -> str | None:
    """One Chinese line for a usage error of typer's click; None for a NoArgsIsHelpError (the help is printed)."""
    kind = type(exc).__name__
    ctx = getattr(exc, "ctx", None)
    hint = f"（用 {ctx.command_path} --help 查看用法）" if ctx is not None else "（用 --help 查看用法）"
    message = str(getattr(exc, "message", "") or "")
    if kind == "NoArgsIsHelpError":
        return None
    if kind == "NoSuchOption":
        option = getattr(exc, "option_name", "") or message
        possible = list(getattr(exc, "possibilities", None) or [])
        close = f"，是不是要用 {'、'.join(sorted(possible)[:3])}" if possible else ""
        return f"没有这个选项：{option}{close}{hint}"
    if kind == "MissingParameter":
        param = getattr(exc, "param", None)
        if param is not None and getattr(param, "param_type_name", "") == "option":
            help_text = (getattr(param, "help", "") or "").strip()
            return f"缺少选项 {_param_name(param)}" + (f"（{help_text}）" if help_text else "") + hint
        return f"缺少参数：{argument_label(param) if param is not None else message}{hint}"
    if kind == "BadParameter":
        param = getattr(exc, "param", None)
        if param is None:
            return f"参数不正确：{_translate(message)}{hint}"
        words = _value_words(param, ctx)
        what = _param_name(param)
        what = f"{what} " if what.startswith("-") else what
        return f"{what}的值不正确" + (f"：{words}" if words else f"：{_translate(message)}") + hint
    if kind == "BadOptionUsage":
        option = getattr(exc, "option_name", "") or ""
        if "requires an argument" in message or "requires" in message:
            return f"选项 {option} 后面要写一个值{hint}"
        if "does not take a value" in message:
            return f"选项 {option} 后面不能带值{hint}"
        return f"选项 {option} 用法不正确：{_translate(message)}{hint}"
    m = re.search(r"No such command '([^']*)'", message)
    if m:
        name = m.group(1)
        known = list(ctx.command.list_commands(ctx)) if ctx is not None and hasattr(ctx.command, "list_commands") else []
        close = difflib.get_close_matches(name, known, n=2)
        return f"没有这个命令：{name}" + (f"，是不是要用 {'、'.join(close)}" if close else "") + (
            f"（用 {ctx.command_path} --help 查看全部命令）" if ctx is not None else "")
    m = re.search(r"unexpected extra argument(?:\(s\)|s)? \((.*)\)", message)
    if m:
        return f"多余的参数：{m.group(1)}{hint}"
    return f"用法不正确：{_translate(message)}{hint}"


_MESSAGES = [
    (re.compile(r"Input should be a valid integer.*"), "应为整数"),
    (re.compile(r"Input should be a valid number.*"), "应为数字"),
    (re.compile(r"Input should be a valid boolean.*"), "应为是/否"),
    (re.compile(r"Invalid value for '?([^':]+)'?: (.*)"), r"\1 的值不正确：\2"),
    (re.compile(r"Path '(.*)' does not exist\.?"), r"路径不存在：\1"),
    (re.compile(r"(?:File|Directory|Path) '?(.*?)'? is a file\.?"), r"\1 是文件，不是文件夹"),
    (re.compile(r"(?:File|Directory|Path) '?(.*?)'? is a directory\.?"), r"\1 是文件夹，不是文件"),
    (re.compile(r"'(.*)' is not one of (.*)\."), r"“\1”不是可选的值（可选：\2）"),
]


def _translate(message: str) -> str:
    for pattern, replacement in _MESSAGES:
        if pattern.search(message):
            return _translate_rest(pattern.sub(replacement, message, count=1))
    return message


def _translate_rest(message: str) -> str:
    for pattern, replacement in _MESSAGES[:3]:
        message = pattern.sub(replacement, message)
    return message
