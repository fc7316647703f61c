"""The xfdesk Textual application: shell, command palette, help, operator and the order things start in.

Start-up order (first paint must not wait for the database): the home screen is painted at once with a
"正在打开数据库" line; a thread worker then opens the office database (migrations, reference data); the operator is
asked (remembered: next time it is one Enter); an unsaved registration draft is offered for restore.

Other screens hook in through two lists in ``tui.commands`` (``DESK_COMMANDS`` for the ctrl+p palette and the F1
help, ``HELP_SCREENS`` for the screens the help describes), so adding a command is one line each.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.screen import Screen
from textual.theme import Theme
from textual.widgets.option_list import Option

from xfdesk.paths import Home

# The palette's commands and the screens the F1 help describes live in ``tui.commands`` (the help screen reads them
# there, so it needs nothing from this module).
from xfdesk.tui.commands import DESK_COMMANDS, HELP_SCREENS, DeskCommand, command_keys, match_command

if TYPE_CHECKING:
    from xfdesk.services.context import AppContext, Operator


__all__ = ["DESK_COMMANDS", "HELP_SCREENS", "DeskCommand", "XfdeskApp", "command_keys", "match_command"]


class DeskCommandProvider(Provider):
    """The ctrl+p palette over DESK_COMMANDS."""

    def _display(self, command: DeskCommand) -> Content:
        hint = "/".join(dict.fromkeys(command_keys(command)[1:3]))  # initials, first alias (once if equal)
        key = f"  [{command.key}]" if command.key else ""
        return Content.assemble(command.title, (f"  {hint}{key}", "dim"))

    def _callback(self, command: DeskCommand) -> Callable[[], None]:
        app = self.app

        def run() -> None:
            if command.needs_db and getattr(app, "ctx", None) is None:
                app.notify("数据库尚未打开，请稍候", severity="warning")
                return
            command.run(app)

        return run

    async def search(self, query: str) -> Hits:
        for command in DESK_COMMANDS:
            score = match_command(query, command)
            if score > 0:
                yield Hit(score, self._display(command), self._callback(command), text=command.title)

    async def discover(self) -> Hits:
        for command in DESK_COMMANDS:
            yield DiscoveryHit(self._display(command), self._callback(command), text=command.title)


class DeskCommandPalette(CommandPalette):
    """Textual's palette with Chinese wording."""

    def __init__(self) -> None:
        super().__init__(placeholder="输入命令名称或拼音首字母（如 dj 登记、cx 查询）…", id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(
                    Option(Content("没有匹配的命令"), disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)


# High contrast for old monitors: pure black background, white text, saturated yellow/cyan accents.
CONTRAST_THEME = Theme(
    name="xfdesk-contrast",
    primary="#FFD700",
    secondary="#00D7FF",
    accent="#FFFFFF",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#1C1C1C",
    boost="#262626",
    warning="#FFAF00",
    error="#FF5F5F",
    success="#5FFF5F",
    dark=True,
)


def warm_up() -> None:
    """Load, in the background, what the first keystrokes will need (pypinyin's tables, search, registration)."""
    from xfdesk.domain.names import name_initials
    from xfdesk.services import registration, search  # noqa: F401

    name_initials("预热")


class XfdeskApp(App):
    """信访接待台."""

    TITLE = "信访接待台"
    CSS_PATH = Path(__file__).with_name("xfdesk.tcss")  # absolute: subclasses elsewhere keep finding it
    # (each screen brings its own sheet, see xfdesk.tui.styles: less to parse before the first frame)
    COMMANDS = {DeskCommandProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "帮助"),
        Binding("ctrl+p", "command_palette", "命令", show=False, priority=True),
        Binding("ctrl+q", "quit", "退出", priority=True),
        Binding("f2", "register", "登记", show=False),
        Binding("f3", "search", "查询", show=False),
        Binding("f10", "home", "首页", show=False),
        Binding("f6", "reception", "接访日", show=False),
        Binding("f4", "screening", "甄别", show=False),
        Binding("f8", "supervision", "督办", show=False),
        Binding("f7", "statistics", "统计", show=False),
    ]

    def __init__(self, home: Home | str | None = None, *, ctx: AppContext | None = None,
                 operator: Operator | None = None, clock: Callable[[], dt.date] | None = None,
                 now: Callable[[], dt.datetime] | None = None, ask_drafts: bool = True):
        super().__init__()
        self.home_dir = home if isinstance(home, Home) else Home(home)
        self.ctx: AppContext | None = None
        self._given_ctx = ctx
        self.operator: Operator | None = operator
        self._clock = clock
        # the form's "now" (来访时间 default); tests and the snapshot freeze it
        self.now: Callable[[], dt.datetime] = now or (lambda: dt.datetime.now().replace(second=0, microsecond=0))
        self._ask_drafts = ask_drafts
        self.started_at = time.perf_counter()
        self.first_paint_at: float | None = None
        self.interactive_at: float | None = None
        self.db_error: str | None = None

    # -- start-up ---------------------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        # the home screen is the bottom of the stack: one screen to draw for the first frame, not two
        from xfdesk.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.register_theme(CONTRAST_THEME)
        self.theme = CONTRAST_THEME.name
        self.call_after_refresh(self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.first_paint_at = time.perf_counter()
        if self._given_ctx is not None:
            self._database_ready(self._given_ctx)
        else:
            self.run_worker(self._open_database, thread=True, exclusive=True, group="db", name="open-database")

    def _open_database(self) -> None:
        from xfdesk.services.context import open_context

        try:
            ctx = open_context(self.home_dir, clock=self._clock)
        except Exception as exc:  # shown to the user in Chinese; the program stays up so they can read it
            self.call_from_thread(self._database_failed, exc)
            return
        self.call_from_thread(self._database_ready, ctx)
        warm_up()
        self._daily_backup(ctx)

    def _daily_backup(self, ctx: AppContext) -> None:
        """The first start of the day backs the office up (in this worker: typing never waits for it)."""
        from xfdesk.services.backup import daily_backup

        for problem in daily_backup(ctx).problems:
            self.call_from_thread(self.notify, problem, severity="warning", timeout=15, markup=False)

    def _database_failed(self, exc: Exception) -> None:
        self.db_error = f"无法打开数据库：{exc}"
        self.notify(self.db_error, severity="error", timeout=30, markup=False)
        self._refresh_home()

    def _database_ready(self, ctx: AppContext) -> None:
        self.ctx = ctx
        if self._given_ctx is not None:
            self.run_worker(warm_up, thread=True, group="warm-up", name="warm-up")
        for message in ctx.warnings + ctx.calendar_warnings():
            self.notify(message, severity="warning", timeout=10, markup=False)
        if self.operator is None:
            self._ask_operator(then=self._after_operator)
        else:
            self._after_operator()

    def _ask_operator(self, then: Callable[[], None] | None = None) -> None:
        from xfdesk.tui.screens.operator import OperatorScreen

        last = self.ctx.settings.extra.get("last_operator") if self.ctx else None

        def chosen(operator: Operator | None) -> None:
            if operator is not None:
                self.operator = operator
                self.ctx.save_setting("last_operator", {"name": operator.name, "role": str(operator.role)})
            if then is not None:
                then()

        self.push_screen(OperatorScreen(last), chosen)

    def _after_operator(self) -> None:
        self._refresh_home()
        self.interactive_at = time.perf_counter()
        if self._ask_drafts:
            self._offer_draft()

    def _offer_draft(self) -> None:
        from xfdesk.tui.screens.confirm import ConfirmScreen
        from xfdesk.tui.screens.desk_drafts import desk_drafts, draft_title, open_draft

        drafts = desk_drafts(self.ctx.home)  # registration and walk-in drafts, each restored into its own form
        if not drafts:
            return
        draft = drafts[0]
        question = (f"发现未保存的{draft_title(draft)}草稿（{draft.owner}，{draft.saved_at:%Y-%m-%d %H:%M}），"
                    "可能是上次异常退出或停电留下的。是否恢复？")

        def answered(restore: bool | None) -> None:
            if restore:
                open_draft(self, draft)
            else:
                from xfdesk.services.drafts import discard_draft

                discard_draft(draft.path)
                self.notify("草稿已放弃（文件已移到 drafts/discarded）", markup=False)

        self.push_screen(ConfirmScreen(question, yes="恢复草稿", no="放弃"), answered)

    # -- helpers for screens ------------------------------------------------------------------------------------
    def require_ready(self) -> bool:
        if self.ctx is None or self.operator is None:
            self.notify(self.db_error or "数据库尚未打开，请稍候", severity="warning", markup=False)
            return False
        return True

    def open_screen(self, module: str, cls: str, **kwargs: Any) -> None:
        """Push a screen from another area's module, or say plainly that it is not installed yet."""
        import importlib

        if not self.require_ready():
            return
        screen_cls = getattr(importlib.import_module(module), cls)  # our own module: a failure is a bug, not "absent"
        self.push_screen(screen_cls(self.ctx, self.operator, **kwargs))

    def _refresh_home(self) -> None:
        from xfdesk.tui.screens.home import HomeScreen

        for screen in self.screen_stack:
            if isinstance(screen, HomeScreen):
                screen.reload()

    def go_home(self) -> None:
        from xfdesk.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()
        self._refresh_home()

    # -- actions ------------------------------------------------------------------------------------------------
    def action_register(self, draft: Any = None, petitioner_id: int | None = None) -> None:
        from xfdesk.tui.screens.register import RegisterScreen

        if not self.require_ready():
            return
        if isinstance(self.screen, RegisterScreen):
            return
        self.push_screen(RegisterScreen(self.ctx, self.operator, draft=draft, now=self.now,
                                        petitioner_id=petitioner_id))

    def action_search(self) -> None:
        from xfdesk.tui.screens.search import SearchScreen

        if not self.require_ready():
            return
        if isinstance(self.screen, SearchScreen):
            return
        self.push_screen(SearchScreen(self.ctx, self.operator))

    def action_reception(self) -> None:
        self.open_screen("xfdesk.tui.screens.reception", "ReceptionCalendarScreen")

    def action_screening(self) -> None:
        self.open_screen("xfdesk.tui.screens.screening", "ScreeningQueueScreen")

    def action_supervision(self) -> None:
        self.open_screen("xfdesk.tui.screens.supervision", "SupervisionScreen")

    def action_statistics(self) -> None:
        self.open_screen("xfdesk.tui.screens.statistics", "StatisticsScreen")

    def action_home(self) -> None:
        self.go_home()

    def action_refresh_home(self) -> None:
        self._refresh_home()

    def action_change_operator(self) -> None:
        if self.ctx is not None:
            self._ask_operator(then=self._refresh_home)

    def _write_open_drafts(self) -> None:
        for screen in self.screen_stack:
            flush = getattr(screen, "write_draft", None)
            if flush is not None:
                flush()

    async def action_quit(self) -> None:
        # a form being typed is written out now rather than after its debounce delay
        self._write_open_drafts()
        self.exit()

    def _fatal_error(self) -> None:
        """An unexpected error: no traceback for the clerk. The details go to a log file in the data folder,
        open forms are written out as drafts (restored at the next start), and one Chinese line is shown."""
        import traceback

        log_path = None
        try:
            log_dir = self.home_dir.root / "logs"
            log_dir.mkdir(parents=True, exist_ok=True)
            log_path = log_dir / f"error-{dt.datetime.now():%Y%m%d-%H%M%S}.log"
            log_path.write_text(traceback.format_exc(), encoding="utf-8")
        except OSError:
            log_path = None
        try:
            self._write_open_drafts()
        except Exception:  # noqa: BLE001  (the crash report must still reach the user)
            pass
        self.bell()
        where = f"，错误详情已记录在 {log_path}" if log_path else ""
        self._exit_renderables.append(
            f"信访接待台遇到意外错误，已退出。正在填写的登记已保存为草稿，重新启动后可以恢复{where}。")
        self._close_messages_no_wait()

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(DeskCommandPalette())

    def action_help(self) -> None:
        from xfdesk.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_matter(self, matter_id: int) -> None:
        from xfdesk.tui.screens.matter import MatterScreen

        if self.require_ready():
            self.push_screen(MatterScreen(self.ctx, self.operator, matter_id))
