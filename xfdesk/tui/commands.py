"""The ctrl+p palette's commands and the screens the F1 help describes: data both the app and the help screen read.

- ``DESK_COMMANDS``: ``DeskCommand(id, Chinese title, ascii aliases, callback, key)`` entries for the ctrl+p palette
  (found by Chinese title, by its pinyin initials, or by an alias) and for the F1 help;
- ``HELP_SCREENS``: screen classes whose ``BINDINGS`` (and ``HELP`` text) the F1 help describes.
The callbacks receive the running app and call its ``action_…`` methods, so nothing here imports the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

@dataclass(frozen=True)
class DeskCommand:
    id: str
    title: str  # Chinese, as shown in the palette and the help
    aliases: tuple[str, ...]  # ASCII ways to find it when the IME misbehaves (pinyin initials of the title also work)
    run: Callable[[Any], Any]  # called with the running app
    key: str = ""  # the key that does the same, shown in the palette and the help
    needs_db: bool = True


def _screen(module: str, cls: str, **kwargs: Any) -> Callable[[Any], Any]:
    """A palette callback that opens a screen from a module imported only when used."""

    def run(app: Any) -> None:
        app.open_screen(module, cls, **kwargs)

    return run


DESK_COMMANDS: list[DeskCommand] = [
    DeskCommand("register", "登记来访", ("dj", "new", "register"), lambda app: app.action_register(), "F2"),
    DeskCommand("search", "综合查询", ("cx", "search", "find"), lambda app: app.action_search(), "F3"),
    DeskCommand("home", "返回首页", ("sy", "home"), lambda app: app.action_home(), "F10"),
    DeskCommand("reception", "领导接访日（排班、约访、接访记录）", ("jfr", "ldjf", "reception", "schedule"),
                lambda app: app.action_reception(), "F6"),
    DeskCommand("screening", "甄别队列（待甄别事项、系统建议）", ("zb", "sl", "screen", "screening"),
                lambda app: app.action_screening(), "F4"),
    DeskCommand("supervision", "督办看板（超期、临期事项）", ("db", "supervise", "overdue"),
                lambda app: app.action_supervision(), "F8"),
    DeskCommand("statistics", "统计报表（月报、趋势、单位排名）", ("tj", "tjbb", "yb", "stats", "report"),
                lambda app: app.action_statistics(), "F7"),
    DeskCommand("refresh", "刷新首页", ("sx", "refresh"), lambda app: app.action_refresh_home()),
    DeskCommand("operator", "换人登录（退出登录）", ("hr", "tcdl", "jdr", "user", "operator", "logout"),
                lambda app: app.action_change_operator()),
    DeskCommand("lock", "锁屏", ("sp", "lock"), lambda app: app.action_lock(), "F12"),
    DeskCommand("audit", "审计日志（登录、查看检举控告事项、导出；主任）", ("sjrz", "sj", "audit", "log"),
                lambda app: app.action_audit()),
    DeskCommand("accounts", "账号管理（解除锁定、重设接待员密码；主任）", ("zhgl", "zh", "accounts", "unlock"),
                lambda app: app.action_accounts()),
    DeskCommand("password", "修改本人密码", ("xgmm", "mm", "passwd", "password"), lambda app: app.action_password()),
    DeskCommand("help", "帮助（按键说明）", ("bz", "help"), lambda app: app.action_help(), "F1", needs_db=False),
    DeskCommand("quit", "退出", ("tc", "quit", "exit"), lambda app: app.call_later(app.action_quit), "Ctrl+Q", needs_db=False),
]

# Filled lazily (screens import textual widgets; the help screen imports them when it opens).
HELP_SCREENS: list[tuple[str, str]] = [
    ("xfdesk.tui.screens.home", "HomeScreen"),
    ("xfdesk.tui.screens.register", "RegisterScreen"),
    ("xfdesk.tui.screens.search", "SearchScreen"),
    ("xfdesk.tui.screens.matter", "MatterScreen"),
    ("xfdesk.tui.screens.person", "PersonScreen"),
    ("xfdesk.tui.screens.sign_in", "SignInScreen"),
    ("xfdesk.tui.screens.sign_in", "FirstHeadScreen"),
    ("xfdesk.tui.screens.audit", "AuditScreen"),
    ("xfdesk.tui.screens.accounts", "AccountsScreen"),
    ("xfdesk.tui.screens.accounts", "PasswordScreen"),
    ("xfdesk.tui.screens.reception", "ReceptionCalendarScreen"),
    ("xfdesk.tui.screens.screening", "ScreeningQueueScreen"),
    ("xfdesk.tui.screens.screening", "ScreeningDecisionScreen"),
    ("xfdesk.tui.screens.handling", "HandlingScreen"),
    ("xfdesk.tui.screens.supervision", "SupervisionScreen"),
    ("xfdesk.tui.screens.statistics", "StatisticsScreen"),
    ("xfdesk.tui.screens.statistics", "FigureMattersScreen"),
    ("xfdesk.tui.screens.reception", "ReceptionDayScreen"),
    ("xfdesk.tui.screens.reception", "SessionScreen"),
    ("xfdesk.tui.screens.reception", "BookMatterScreen"),
    ("xfdesk.tui.screens.reception_setup", "LeadersScreen"),
    ("xfdesk.tui.screens.reception_setup", "RuleScreen"),
]


def command_keys(command: DeskCommand) -> list[str]:
    """Everything a palette query may match: the title, its pinyin initials, the aliases."""
    from xfdesk.domain.names import initials

    return [command.title, initials(command.title), *command.aliases]


def match_command(query: str, command: DeskCommand) -> float:
    """0 (no match) … 1. ASCII queries match pinyin initials or aliases by prefix; Chinese by characters in order."""
    q = query.strip().lower()
    if not q:
        return 0.0
    keys = command_keys(command)
    if q.isascii():
        best = 0.0
        for key in keys[1:]:
            key = key.lower()
            if key == q:
                best = max(best, 1.0)
            elif key.startswith(q):
                best = max(best, 0.6 + 0.4 * len(q) / len(key))
        return best
    title = command.title
    if q in title:
        return 0.7 + 0.3 * len(q) / len(title)
    pos = 0
    for ch in q:
        pos = title.find(ch, pos)
        if pos < 0:
            return 0.0
        pos += 1
    return 0.5
