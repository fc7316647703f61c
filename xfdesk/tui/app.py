"""The xfdesk Textual application: shell, command palette, help, operator and the order things start in.

Start-up order (first paint must not wait for the database): the home screen is painted at once with a
"正在打开数据库" line; a thread worker then opens the office database (migrations, reference data); the clerk signs
in with a password (an office without accounts first creates its head's, ``tui.screens.sign_in``); an unsaved
registration draft is offered for restore. Nothing is remembered that would sign the next start in.

Locking (issue 12): F12 locks at once; after ``idle_lock_minutes`` (setting, default 10) without a key or click the
desk locks by itself. A locked desk shows only the office's name and a password prompt (an opaque screen over the
stack, so the open form comes back as it was); every open form is written to its draft first. Signing in under
another name at the lock screen is a change of user: the previous user's screens are closed.

Other screens hook in through two lists in ``tui.commands`` (``DESK_COMMANDS`` for the ctrl+p palette and the F1
help, ``HELP_SCREENS`` for the screens the help describes), so adding a command is one line each.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import events
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
from xfdesk.tui.keys import KeyOrder
from xfdesk.tui.wide_cells import keep_wide_characters_whole

if TYPE_CHECKING:
    from xfdesk.services.context import AppContext, Operator


keep_wide_characters_whole()  # toasts over a form lost Chinese characters at widget edges (see the module)

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


def warm_up(app: App | None = None) -> None:
    """Load, in the background, what the first keystrokes will need (search, registration), and with ``app`` the
    screens of the first minutes with their style sheets (``ahead.warm_up_screens``): this runs while the sign-in
    box is up and the clerk types a password. Not pypinyin: 11 MB for the desk at rest, and its first use (a name's
    initials when a person is saved, 问题类别 typed as cxjs) takes ~30 ms once (issue 16: "pypinyin is not loaded at
    start")."""
    from xfdesk.services import registration, search  # noqa: F401
    from xfdesk.tui.ahead import freeze_modules, warm_up_screens

    if app is not None:
        warm_up_screens(app)  # freezes what it and the lines above imported
    else:
        freeze_modules()


class XfdeskApp(KeyOrder, App):  # KeyOrder: each key reaches the widget focused once the keys before it are done
    """信访接待台."""

    TITLE = "信访接待台"
    CSS_PATH = Path(__file__).with_name("xfdesk.tcss")  # absolute: subclasses elsewhere keep finding it
    # (each screen brings its own sheet, see xfdesk.tui.styles: less to parse before the first frame)
    COMMANDS = {DeskCommandProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "帮助"),
        Binding("ctrl+p", "command_palette", "命令", show=False, priority=True,
                tooltip="命令面板：按名称或拼音首字母找命令"),
        Binding("ctrl+q", "quit", "退出", priority=True, tooltip="退出（表单有未保存的内容时先问）"),
        Binding("f2", "register", "登记", show=False),
        Binding("f3", "search", "查询", show=False),
        Binding("f10", "home", "首页", show=False, tooltip="回到首页"),
        Binding("f6", "reception", "接访日", show=False),
        Binding("f4", "screening", "甄别", show=False),
        Binding("f8", "supervision", "督办", show=False),
        Binding("f7", "statistics", "统计", show=False),
        Binding("f12", "lock", "锁屏", show=False, tooltip="锁屏（离开座位时；正在填的表单存为草稿）"),  # shown on the home screen (its own binding) and in the F1 help
    ]
    # what a desk that nobody is signed in to (or that is locked) refuses: everything that shows office data
    GATED_ACTIONS = frozenset({"register", "search", "home", "reception", "screening", "supervision", "refresh_home",
                               "command_palette", "change_operator", "audit", "statistics",
                               "accounts", "password"})
    IDLE_CHECK_S = 5.0
    PREPARE_CHECK_S = 1.0  # how often an idle desk checks for work to do ahead (tui/ahead.py)

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
        self.locked = False
        self.last_input = time.monotonic()
        self.idle_seconds: float | None = None  # None: the office's idle_lock_minutes setting (tests set seconds)
        self._idle_timer = None
        self.prepared_register: Screen | None = None  # the next F2's form, built while the desk was idle

    # -- start-up ---------------------------------------------------------------------------------------------
    def keys_blocked(self) -> bool:
        """Keys typed while the office opens are held (KeyOrder) and delivered once it is open."""
        return self.ctx is None and self.db_error is None
    def get_default_screen(self) -> Screen:
        # the home screen is the bottom of the stack: one screen to draw for the first frame, not two
        from xfdesk.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self.register_theme(CONTRAST_THEME)
        self.theme = CONTRAST_THEME.name
        self.start_key_order()
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
        warm_up(self)
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
            self.run_worker(lambda: warm_up(self), thread=True, group="warm-up", name="warm-up")
        for message in ctx.warnings + ctx.calendar_warnings():
            self.notify(message, severity="warning", timeout=10, markup=False)
        if self.operator is None:
            self._ask_sign_in(then=self._after_operator)
        else:
            self._after_operator()

    # -- signing in, locking, signing out ---------------------------------------------------------------------
    def _ask_sign_in(self, then: Callable[[], None] | None = None, *, locked_for: Operator | None = None) -> None:
        """The sign-in screen (the lock screen when ``locked_for``), or the first start's head account."""
        from xfdesk.services.accounts import has_accounts, sign_in_names
        from xfdesk.tui.screens.sign_in import FirstHeadScreen, SignInScreen

        office = self.ctx.settings.office_name

        def signed_in(operator: Operator | None) -> None:
            if operator is None:
                return
            self.operator = operator
            self.last_input = time.monotonic()
            if then is not None:
                then()

        if has_accounts(self.ctx):
            self.push_screen(SignInScreen(self.ctx, office, sign_in_names(self.ctx), locked_for=locked_for), signed_in)
        else:
            self.push_screen(FirstHeadScreen(self.ctx, office), signed_in)

    def _audit_session(self, operator: Operator, action: str, note: str) -> None:
        from xfdesk.services.accounts import note_session

        ctx = self.ctx

        def write() -> None:
            try:
                note_session(ctx, operator, action, note)
            except Exception:  # noqa: BLE001  (a busy database must not keep the desk unlocked or crash it)
                pass

        self.run_worker(write, thread=True, group="audit", name=f"audit-{action}")

    def action_lock(self, why: str = "按键锁屏") -> None:
        """Lock now: forms to their drafts, notifications cleared, only the office's name and a password prompt."""
        if self.locked or self.operator is None or self.ctx is None:
            return
        self._write_open_drafts()
        self.clear_notifications()
        self.locked = True
        locked_for = self.operator
        self._audit_session(locked_for, "idle_lock", why)

        def unlocked() -> None:
            self.locked = False
            if self.operator.name != locked_for.name:  # another person signed in: the previous one's screens close
                self._audit_session(locked_for, "sign_out", "锁屏后换人登录")
                self.go_home()
            self._refresh_home()

        self._ask_sign_in(then=unlocked, locked_for=locked_for)

    def action_change_operator(self) -> None:
        """Switching user is signing out and signing in."""
        if self.ctx is None or self.operator is None or self.locked:
            return
        self._write_open_drafts()
        self.clear_notifications()
        self._audit_session(self.operator, "sign_out", "退出登录（换人）")
        self.go_home()
        self.operator = None
        self._refresh_home()
        self._ask_sign_in(then=self._refresh_home)

    def _check_idle(self) -> None:
        if self.locked or self.operator is None or self.ctx is None:
            return
        limit = self.idle_seconds
        if limit is None:
            limit = max(0, int(self.ctx.settings.idle_lock_minutes or 0)) * 60
        if limit and time.monotonic() - self.last_input >= limit:
            self.action_lock(f"无操作{round(limit / 60) or 1}分钟自动锁屏")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.MouseDown, events.Paste)):
            self.last_input = time.monotonic()
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.GATED_ACTIONS and (self.locked or self.operator is None):
            return False
        return super().check_action(action, parameters)

    def _after_operator(self) -> None:
        if self._idle_timer is None:
            self._idle_timer = self.set_interval(self.IDLE_CHECK_S, self._check_idle, name="idle-lock")
            self.set_interval(self.PREPARE_CHECK_S, self.prepare_ahead, name="prepare-ahead")
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
        if self.locked:
            return False
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
        form = self.prepared_register
        self.prepared_register = None
        if form is not None and (draft is not None or petitioner_id is not None or form.operator is not self.operator):
            form.remove()
            form = None
        if form is None:
            form = RegisterScreen(self.ctx, self.operator, draft=draft, now=self.now, petitioner_id=petitioner_id)
        else:
            form.opening()
        self.push_screen(form)

    def prepare_register(self) -> bool:
        """Build the next F2's registration form while the desk sits idle, so F2 only has to show it.

        Composing and mounting the form's ~90 widgets is most of F2's time on an old PC (a bare Textual screen of
        as many widgets takes 180-320 ms to appear in tmux on a 2-core machine, an already mounted one 80-180 ms).
        The form is a new, empty one each time (a used form is never reused: nothing of the last visitor can
        remain) and what depends on the moment it opens (the visit's time, a form left with Esc) is done by
        ``RegisterScreen.opening`` when F2 shows it. Built on any screen but a registration form (a clerk often
        presses F2 from a matter or a reception day, not only from home), and only after a second without keys and
        with no worker running: building takes the UI thread for a few hundred milliseconds, which neither typing
        nor a document or list being made in a worker (its result is shown on the UI thread) must wait for."""
        from xfdesk.tui.screens.register import RegisterScreen

        form = self.prepared_register
        if form is not None and form.operator is self.operator:
            return False
        if not self._quiet() or isinstance(self.screen, RegisterScreen):
            return False
        if form is not None:  # made for the operator signed in before
            form.remove()
        from xfdesk.tui.screens.matter import MatterScreen
        from xfdesk.tui.screens.search import SearchScreen
        from xfdesk.tui.styles import load_screen_styles

        # with the sheets of F3 and of a matter: their first push then neither re-parses nor restyles everything
        load_screen_styles(self, (RegisterScreen, SearchScreen, MatterScreen))
        form = RegisterScreen(self.ctx, self.operator, now=self.now, prepared=True)
        self.prepared_register = form
        # starts the screen (compose, mount) without showing it, as push_screen does for a screen not yet running
        self._register(self, form)
        return True

    def _quiet(self) -> bool:
        """Signed in, unlocked, a second without keys and no worker running (see ``prepare_ahead``)."""
        from textual.worker import WorkerState

        if self.ctx is None or self.operator is None or self.locked:
            return False
        if time.monotonic() - self.last_input < self.PREPARE_CHECK_S:
            return False
        return not any(worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in self.workers)

    def prepare_ahead(self) -> None:
        """The idle tick: one piece of work ahead of the keys that will need it (``tui/ahead.py``), in this order:
        the next F2's form, what a matter's keys open, the document renderer once a document can be asked for, and
        a garbage collection with the heap frozen afterwards."""
        from xfdesk.tui.ahead import load_next_screens, load_renderer, settle_heap

        if not self._quiet():
            return
        if self.prepare_register() or load_next_screens(self) or load_renderer(self):
            return
        settle_heap(self)

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

    def action_audit(self) -> None:
        from xfdesk.domain.accounts import Right, has_right, right_refusal

        if not self.require_ready():
            return
        if not has_right(self.operator.role, Right.READ_AUDIT):
            self.notify(right_refusal(Right.READ_AUDIT), severity="warning", markup=False)
            return
        self.open_screen("xfdesk.tui.screens.audit", "AuditScreen")

    def action_accounts(self) -> None:
        from xfdesk.domain.accounts import Right, has_right, right_refusal

        if not self.require_ready():
            return
        if not has_right(self.operator.role, Right.MANAGE_ACCOUNTS):
            self.notify(right_refusal(Right.MANAGE_ACCOUNTS), severity="warning", markup=False)
            return
        self.open_screen("xfdesk.tui.screens.accounts", "AccountsScreen")

    def action_password(self) -> None:
        if not self.require_ready():
            return
        self.open_screen("xfdesk.tui.screens.accounts", "PasswordScreen")

    def action_refresh_home(self) -> None:
        self._refresh_home()

    def _write_open_drafts(self) -> None:
        for screen in self.screen_stack:
            flush = getattr(screen, "write_draft", None)
            if flush is not None:
                flush()

    def unsaved_forms(self) -> list[str]:
        """What open forms hold typed and unsaved (each screen's ``unsaved_text()``: a phrase, or "")."""
        return [text for screen in reversed(self.screen_stack)
                if (check := getattr(screen, "unsaved_text", None)) is not None and (text := check())]

    async def action_quit(self) -> None:
        from xfdesk.tui.screens.confirm import QuitConfirmScreen

        # a form being typed is written out now rather than after its debounce delay
        self._write_open_drafts()
        unsaved = self.unsaved_forms()
        if unsaved and not isinstance(self.screen, QuitConfirmScreen):  # asked already: a second Ctrl+Q quits
            def answered(leave: bool | None) -> None:
                if leave:
                    self.call_later(self._quit_now)

            self.push_screen(QuitConfirmScreen("；".join(unsaved) + "。\n确定退出信访接待台吗？",
                                               yes="退出", no="继续填写"), answered)
            return
        await self._quit_now()

    async def _quit_now(self) -> None:
        self._write_open_drafts()
        if self.ctx is not None and self.operator is not None and self.operator.account_id is not None:
            from xfdesk.services.accounts import note_session

            try:
                note_session(self.ctx, self.operator, "sign_out", "退出程序")
            except Exception:  # noqa: BLE001  (quitting never fails on a busy database)
                pass
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
            self.push_screen(HelpScreen(under=self.screen))  # opens at the keys of the screen F1 was pressed on

    def open_matter(self, matter_id: int) -> None:
        from xfdesk.tui.screens.matter import MatterScreen

        if self.require_ready():
            self.push_screen(MatterScreen(self.ctx, self.operator, matter_id))
