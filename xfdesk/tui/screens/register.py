"""登记来访: find the petitioner first, register the contact and each demand as its own matter, never lose typing.

The screen holds no rules: validation is ``services.registration`` (its ``FieldError`` paths are mapped back to the
fields here), history and repeat candidates come from ``services.history``, people from ``services.desk_queries``.
The form content is written to a draft file (debounced, atomic) on every change and deleted once saved.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.events import Key
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from xfdesk.domain.glossary import Channel, Flag, MatterKind
from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput
from xfdesk.services import drafts as draft_store
from xfdesk.services import reference
from xfdesk.tui.widgets.fields import ChoiceInput, FieldInput, FieldTextArea, FormField, lit, plain
from xfdesk.tui.failures import failed_message, save_failure  # noqa: F401  (save_failure: used by tests)
from xfdesk.tui.styles import css
from xfdesk.tui.widgets.footer import DeskFooter

DRAFT_KIND = "registration"
PEOPLE_PAGE = 6
DRAFT_DELAY = 0.4  # seconds after the last keystroke before the draft is written
SEARCH_DELAY = 0.15
REPEAT_DELAY = 0.25
TIME_FORMAT = "%Y-%m-%d %H:%M"

PERSON_FIELDS = (("name", "姓名"), ("gender", "性别"), ("id_number", "身份证号"), ("phone", "联系电话"),
                 ("village", "所属村"), ("address", "住址"))
CONTACT_FIELDS = (("channel", "来访形式"), ("received_at", "来访时间"), ("headcount", "来访人数"),
                  ("representatives", "代表"))
DEMAND_FIELDS = (("summary", "诉求摘要"), ("category", "问题类别"), ("location", "问题属地"),
                 ("details", "详细情况"), ("kind", "事项性质"))
_NAME_SEPARATORS = re.compile(r"[\s,，、;；]+")
_ID_LIKE = re.compile(r"^\d{6,17}[\dXx]$")
_PHONE_LIKE = re.compile(r"^[\d-]{7,13}$")


def is_blank(data: dict[str, Any]) -> bool:
    """A collected form with nothing the clerk typed: the contact's defaults (形式, 时间, 人数) and a 问题属地 filled
    in from the village do not count."""
    if data.get("petitioner_id") or str(data.get("find") or "").strip():
        return False
    if any(str(v or "").strip() for v in (data.get("person") or {}).values()):
        return False
    if str((data.get("contact") or {}).get("representatives") or "").strip():
        return False
    return not any(str(v or "").strip() for d in data.get("demands") or [] for k, v in d.items()
                   if k not in ("location", "repeat_of_number"))


def split_names(text: str) -> list[str]:
    return [n for n in _NAME_SEPARATORS.split(text or "") if n]


class SearchInput(FieldInput):
    """The find-the-person box: up/down move through the results without leaving the box."""

    BINDINGS = [
        Binding("down", "screen.people_move(1)", "下一个", show=False),
        Binding("up", "screen.people_move(-1)", "上一个", show=False),
        Binding("pagedown", "screen.people_page(1)", "下一页", show=False),
        Binding("pageup", "screen.people_page(-1)", "上一页", show=False),
    ]


class DemandForm(Vertical):
    """One demand (诉求) = one matter."""

    def __init__(self, index: int, categories: list[str], villages: list[str]):
        super().__init__(id=f"demand-{index}", classes="demand")
        self.index = index
        self.categories = categories
        self.villages = villages
        self.repeat_of_id: int | None = None
        self.repeat_of_number: str = ""

    def compose(self) -> ComposeResult:
        yield Static(plain(f"诉求 {self.index + 1}"), classes="section-title")
        yield Static(classes="repeat-mark")
        for name, label in DEMAND_FIELDS:
            path = f"m{self.index}-{name}"
            if name == "category":
                field_input = ChoiceInput(path, self.categories, id=path, placeholder="可输入拼音首字母，如 cxjs")
            elif name == "location":
                field_input = ChoiceInput(path, self.villages, id=path, placeholder="默认为信访人所属村")
            elif name == "kind":
                field_input = ChoiceInput(path, [k.value for k in MatterKind], id=path, placeholder="可不填，甄别时确定")
            elif name == "details":
                field_input = FieldTextArea(path, id=path, placeholder="经过、时间、具体要求（回车换行）")
            else:
                field_input = FieldInput(path, id=path, placeholder="一句话说明诉求" if name == "summary" else "")
            yield FormField(label, field_input, id=f"f-{path}")

    def value(self, name: str) -> str:
        return self.query_one(f"#m{self.index}-{name}").value

    def set_value(self, name: str, value: str) -> None:
        self.query_one(f"#m{self.index}-{name}").value = value

    def is_empty(self) -> bool:
        return not any(self.value(n).strip() for n in ("summary", "details", "category"))

    def set_repeat(self, matter_id: int | None, number: str = "") -> None:
        self.repeat_of_id = matter_id
        self.repeat_of_number = number if matter_id else ""
        mark = self.query_one(".repeat-mark", Static)
        mark.set_class(matter_id is not None, "-linked")
        mark.update(plain(f"重复访：关联 {number}（Ctrl+R 取消）" if matter_id else ""))


class RegisterScreen(Screen):
    draft_kind = DRAFT_KIND  # one draft per form kind and operator (a walk-in's is per reception day)
    # Textual focuses the first focusable widget on opening, here the scrolling form: focus restyles a widget with
    # all it holds, so the form (91 widgets) was styled twice more, in and out of focus (85-140 ms each of F2's
    # 700 ms in tmux on a 2-core PC), before on_mount's focus reached 查找信访人
    AUTO_FOCUS = "#find"
    CSS_PATH = css("forms", "register")
    HELP = ("登记来访：先在“查找信访人”中输入身份证号、电话、姓名、姓名+村或拼音首字母（如 zs），"
            "上下键选择、回车选定（无结果时回车即登记新信访人）。右侧显示历史事项和疑似重复访；"
            "Ctrl+R 把当前诉求标为重复访并关联右侧选中的事项。每项诉求单独成件，Ctrl+N 增加一项。"
            "详细情况可写多行：回车换行，Tab 到下一栏。"
            "问题类别、属地等可输入拼音首字母，离开该栏时自动补全。Ctrl+S 保存（一次完成），"
            "出错时提示在对应栏下方，已填内容保留。输入内容随时存为草稿：Esc 离开后再按 F2 是一张空白登记表，"
            "上方提示上次未保存的登记，Ctrl+D 接着填；"
            "断电或异常退出后下次启动可恢复。Ctrl+O 改为登记新信访人，Ctrl+L 清空重填。")
    BINDINGS = [
        Binding("ctrl+s", "save", "保存"),
        Binding("ctrl+n", "add_demand", "加诉求"),
        Binding("ctrl+r", "link_repeat", "重复访"),
        Binding("ctrl+o", "new_person", "新人"),  # not ctrl+e: the input box uses that for "end"
        Binding("ctrl+l", "clear_form", "清空"),
        # only while a form left with Esc is on offer; priority: the Input's own ctrl+d (delete right) would take it
        Binding("ctrl+d", "resume_draft", "接着填上次", priority=True),
        Binding("escape", "leave", "返回"),
    ]

    def __init__(self, ctx, operator, *, draft: draft_store.Draft | None = None,  # noqa: ANN001
                 now: Callable[[], dt.datetime] | None = None, petitioner_id: int | None = None,
                 prepared: bool = False):
        super().__init__()
        self.prepared = prepared  # built ahead of F2 while the desk is idle: opening() runs when it is shown
        self.preselect = petitioner_id  # a person already found elsewhere (search, person screen)
        self.ctx = ctx
        self.operator = operator
        self.now = now or (lambda: dt.datetime.now().replace(second=0, microsecond=0))
        self.categories = reference.categories(ctx.home)
        self.villages = reference.villages(ctx.home)
        self.draft = draft
        self.petitioner_id: int | None = None
        self.person_village = ""
        self.people_offset = 0
        self.people_rows: list[Any] = []
        self.candidates: list[Any] = []
        self.active_demand = 0
        self.saved = False
        self._restoring = False
        self._draft_timer: Timer | None = None
        self._search_timer: Timer | None = None
        self._repeat_timer: Timer | None = None
        self._repeat_query: tuple = ()  # the repeat search last started; older answers are dropped
        self._people_query: tuple[str, int] = ("", 0)  # the people search last started
        self._people_shown: tuple[str, int] = ("", 0)  # the one whose results are on screen
        self._draft_dirty = False
        self.left_draft: draft_store.Draft | None = None  # a form left with Esc: offered, never filled in silently

    # -- layout -------------------------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="")
        with Horizontal(id="reg-main"):
            with VerticalScroll(id="reg-form"):
                yield Static(id="reg-left-draft")
                yield Static(classes="form-error", id="reg-general-error")
                yield FormField("查找信访人", SearchInput("find", id="find",
                                                     placeholder="身份证/电话/姓名/姓名 村/拼音首字母"), id="f-find")
                yield DataTable(id="people", cursor_type="row", zebra_stripes=False, show_cursor=True)
                yield Static(id="chosen")
                with Vertical(id="person-fields"):
                    yield Static(plain("信访人"), classes="section-title")
                    for name, label in PERSON_FIELDS:
                        path = f"p-{name}"
                        if name == "gender":
                            field_input = ChoiceInput(path, ["男", "女"], id=path, placeholder="男/女")
                        elif name == "village":
                            field_input = ChoiceInput(path, self.villages, id=path, placeholder="可输入拼音首字母")
                        else:
                            field_input = FieldInput(path, id=path)
                        yield FormField(label, field_input, id=f"f-{path}")
                yield Static(plain(f"来访　接待人：{self.operator.name}"), classes="section-title")
                for name, label in CONTACT_FIELDS:
                    path = f"c-{name}"
                    if name == "channel":
                        field_input = ChoiceInput(path, [c.value for c in Channel], Channel.VISIT.value, id=path)
                    elif name == "received_at":
                        field_input = FieldInput(path, self.now().strftime(TIME_FORMAT), id=path,
                                                 placeholder="2026-11-21 09:30")
                    elif name == "headcount":
                        field_input = FieldInput(path, "1", id=path, restrict=r"\d*")
                    else:
                        field_input = FieldInput(path, id=path, placeholder="多人来访填代表姓名，顿号分隔")
                    yield FormField(label, field_input, id=f"f-{path}")
                with Vertical(id="demands"):
                    yield DemandForm(0, self.categories, self.villages)
            with VerticalScroll(id="reg-side"):
                yield Static(plain("信访人历史"), classes="section-title")
                yield Static(plain("尚未选定信访人"), id="history")
                yield Static(plain("疑似重复访"), classes="section-title")
                yield OptionList(id="repeats")
                yield Static(id="repeat-hint")
        yield DeskFooter(compact=True)  # every key of this busy screen fits in 80 columns

    def heading(self) -> str:
        """The header's subtitle (the walk-in form names its reception day)."""
        return "登记来访"

    def on_mount(self) -> None:
        self.sub_title = self.heading()
        people = self.query_one("#people", DataTable)
        # village before the (mostly masked) ID: what tells two people of one name apart stays in 80 columns
        people.add_columns("姓名", "所属村", "电话", "身份证号", "件数", "最近")
        people.can_focus = False
        people.display = False
        self.query_one("#repeats", OptionList).can_focus = False
        self.query_one("#chosen", Static).display = False
        self.query_one("#reg-general-error", Static).display = False
        self.query_one("#reg-left-draft", Static).display = False
        if not self.prepared:
            self.opening()

    def opening(self) -> None:
        """What depends on the moment the form is opened, not on when it was built: the time of the visit, a form
        left with Esc since, the draft or the person asked for. A form built in advance (``prepared``, see
        ``XfdeskApp.prepare_register``) runs this when F2 shows it."""
        self.prepared = False
        self._apply_width(self.app.size.width)
        received = self.query_one("#c-received_at", Input)
        with self.prevent(Input.Changed):  # the default time is not typing: no draft for it
            received.value = self.now().strftime(TIME_FORMAT)
        if self.draft is not None:  # asked for: the start-up offer after a crash, or Ctrl+D
            self.call_after_refresh(self.restore, self.draft.data)
            self.notify(f"已恢复未保存的登记（{self.draft.saved_at:%m-%d %H:%M}）", markup=False)
        else:
            self._set_aside_left_draft()
            if self.preselect is not None:
                self.call_after_refresh(self.choose_person, self.preselect)
        self.query_one("#find", Input).focus()

    def _set_aside_left_draft(self) -> None:
        """A form left with Esc is not poured into this one (the next visitor's words would become the last one's
        demand): it is moved aside (drafts/discarded, kept) and offered on the line above, Ctrl+D takes it back."""
        left = draft_store.load_draft(self.ctx.home, self.draft_kind, self.operator.name)
        if left is None:
            return
        kept = draft_store.discard_draft(left.path)
        self.left_draft = draft_store.read_draft(kept) if kept is not None else None
        if self.left_draft is None:
            return
        line = self.query_one("#reg-left-draft", Static)
        line.update(Content.assemble(("上次未保存：", "bold"), self.draft_gist(self.left_draft.data),
                                     f"（{self.left_draft.saved_at:%m-%d %H:%M}）　", ("Ctrl+D 接着填", "bold")))
        line.display = True
        self.refresh_bindings()

    def draft_gist(self, data: dict[str, Any]) -> str:
        """Who and what a draft is about, in one line (literal: it is the clerk's typing)."""
        who = str((data.get("person") or {}).get("name") or "").strip()
        if data.get("petitioner_id"):
            from xfdesk.services.history import person_history

            history = person_history(self.ctx, int(data["petitioner_id"]), self.operator.role)
            who = history.name if history else who
        who = who or str(data.get("find") or "").strip() or "未填信访人"
        summary = next((str(d.get("summary") or "").strip() for d in data.get("demands") or []
                        if str(d.get("summary") or "").strip()), "")
        return f"{who}　{summary[:24]}" if summary else who

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume_draft":
            return self.left_draft is not None
        return True

    def action_resume_draft(self) -> None:
        from xfdesk.tui.screens.confirm import ConfirmScreen

        left = self.left_draft
        if left is None:
            return

        def resume(yes: bool | None = True) -> None:
            if not yes:
                return
            self.left_draft = None
            self.draft = left  # deleted with the form's own draft once saved
            # the resumed words are the form's draft from this moment: a quit (or a crash) before the restored
            # fields have reported their changes must not lose them
            try:
                draft_store.save_draft(self.ctx.home, self.draft_kind, self.operator.name, left.data)
            except OSError as exc:
                self.notify(f"草稿保存失败：{exc}", severity="error", markup=False)
            self.query_one("#reg-left-draft", Static).display = False
            self.refresh_bindings()
            self.clear_person()
            self.call_after_refresh(self.restore, left.data)

        if is_blank(self.collect()):
            resume()
        else:
            self.app.push_screen(ConfirmScreen("用上次未保存的登记替换当前填写的内容？"), resume)

    def on_resize(self) -> None:
        self._apply_width(self.app.size.width)

    def _apply_width(self, width: int) -> None:
        self.set_class(width >= 100, "-wide")

    # -- helpers ------------------------------------------------------------------------------------------------
    def demands(self) -> list[DemandForm]:
        return sorted(self.query(DemandForm), key=lambda d: d.index)

    def field(self, path: str) -> FormField:
        return self.query_one(f"#f-{path}", FormField)

    def input_value(self, path: str) -> str:
        return self.query_one(f"#{path}", Input).value

    def set_input(self, path: str, value: str) -> None:
        self.query_one(f"#{path}", Input).value = value

    def _village(self) -> str:
        return self.person_village if self.petitioner_id else self.input_value("p-village").strip()

    # -- typing ---------------------------------------------------------------------------------------------------
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self, event: Input.Changed | TextArea.Changed) -> None:
        path = getattr(event.control, "field_path", "")
        if not path:
            return
        event.stop()
        if not self._restoring:
            field = self.query(f"#f-{path}")
            if field and field.first().error:
                field.first().set_error(None)
            self._schedule_draft()
        if path == "find":
            self.people_offset = 0
            self._restart(self._search_timer, "_search_timer", SEARCH_DELAY, self.search_people)
        elif path.startswith("m") and path.endswith(("-summary", "-details")):
            self.active_demand = int(path[1:path.index("-")])
            self._restart(self._repeat_timer, "_repeat_timer", REPEAT_DELAY, self.refresh_repeats)

    def _restart(self, timer: Timer | None, attr: str, delay: float, callback: Callable[[], None]) -> None:
        if timer is not None:
            timer.stop()
        setattr(self, attr, self.set_timer(delay, callback))

    def on_descendant_focus(self, event) -> None:  # noqa: ANN001
        path = getattr(event.widget, "field_path", "")
        if path.startswith("m"):
            index = int(path[1:path.index("-")])
            if index != self.active_demand:
                self.active_demand = index
                self.refresh_repeats()
            self.query_one(f"#demand-{index}").scroll_visible()

    def on_descendant_blur(self, event) -> None:  # noqa: ANN001
        # ID and phone are checked as soon as the clerk leaves them; the save checks everything again
        path = getattr(event.widget, "field_path", "")
        if path == "p-village" and not self._restoring:
            event.widget.resolve()
            self._default_locations(event.widget.value.strip())
        if path == "c-representatives" and not self._restoring:
            # at least as many people came as were named: saves the clerk a correction at 来访人数
            named = len(split_names(event.widget.value))
            headcount = self.input_value("c-headcount").strip()
            if named and (not headcount.isdigit() or int(headcount) < named):
                self.set_input("c-headcount", str(named))
        if path not in ("p-id_number", "p-phone") or self._restoring:
            return
        from xfdesk.domain.validation import check_id_number, check_phone

        value = event.widget.value.strip()
        if value:
            message = check_id_number(value, today=self.ctx.today()) if path == "p-id_number" else check_phone(value)
            self.field(path).set_error(message)
            if path == "p-id_number" and message is None and not self.input_value("p-gender").strip():
                from xfdesk.domain.validation import id_gender

                self.set_input("p-gender", id_gender(value) or "")  # the 17th digit says it

    def _default_locations(self, village: str) -> None:
        """问题属地 defaults to the petitioner's village (only where the clerk left it empty)."""
        if village in self.villages:
            for demand in self.demands():
                if not demand.value("location"):
                    demand.set_value("location", village)

    # -- finding the person -------------------------------------------------------------------------------------
    def search_people(self) -> None:
        """Search-as-you-type, in a worker: the results follow the typing, the typing never waits for them."""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        query = (self.input_value("find").strip(), self.people_offset)
        self._people_query = query
        if not query[0]:
            self._show_people(query, [])
            return
        self._find_people(query)

    @work(thread=True, exclusive=True, group="people-search")
    def _find_people(self, query: tuple[str, int]) -> None:
        try:
            rows = self._people_rows(query)
        except Exception as exc:  # noqa: BLE001 — a busy database: say so on the hint line, keep the typing
            self.app.call_from_thread(self._people_failed, query, exc)
            return
        self.app.call_from_thread(self._show_people, query, rows)

    def _people_failed(self, query: tuple[str, int], exc: Exception) -> None:
        if query == self._people_query and self._showing():
            self._hint(f"查找信访人出错，请再输入或稍后再试：{exc}")

    def _showing(self) -> bool:
        """Still on the stack with its widgets (an answer may come back after Ctrl+S or Esc closed the form)."""
        return self.is_mounted and not self.saved and self in self.app.screen_stack

    def _people_rows(self, query: tuple[str, int]) -> list[Any]:
        from xfdesk.services.desk_queries import find_people

        text, offset = query
        return find_people(self.ctx, text, operator=self.operator, limit=PEOPLE_PAGE + 1, offset=offset)

    def _people_current(self) -> bool:
        """The results shown are those of what the find box holds now (no search pending or running)."""
        return (self._search_timer is None and self._people_shown == self._people_query
                and self._people_query == (self.input_value("find").strip(), self.people_offset))

    def _show_people(self, query: tuple[str, int], rows: list[Any]) -> None:
        if query != self._people_query or not self._showing():  # typed on since: a newer search is coming
            return
        self._people_shown = query
        text = query[0]
        table = self.query_one("#people", DataTable)
        table.clear()
        self.people_rows = rows
        more = len(self.people_rows) > PEOPLE_PAGE
        self.people_rows = self.people_rows[:PEOPLE_PAGE]
        for p in self.people_rows:
            table.add_row(lit(p.name), lit(p.village), lit(p.phone_masked), lit(p.id_masked), lit(p.matter_count),
                          lit(p.last_seen.isoformat() if p.last_seen else ""))
        # results only while the clerk is in the box (a restored draft must not pop the list open again)
        table.display = bool(self.people_rows) and self.query_one("#find", Input).has_focus
        if not self.query_one("#find", Input).has_focus:
            self._hint("")
        elif text and not self.people_rows and self.people_offset == 0:
            self._hint("没有找到，回车登记新信访人")
        elif self.people_rows:
            page = self.people_offset // PEOPLE_PAGE + 1
            self._hint(f"第{page}页，上下键选择，回车选定" + ("，PageDown 下一页" if more else ""))
        else:
            self._hint("")

    def _hint(self, text: str) -> None:
        self._general_line(text, error=False)

    def _general_line(self, text: str, *, error: bool) -> None:
        """The line above the form for hints and errors that belong to no field; hidden when empty (a row saved)."""
        line = self.query_one("#reg-general-error", Static)
        line.update(plain(text))
        line.set_class(error, "-error")
        line.display = bool(text)

    def action_people_move(self, step: int) -> None:
        table = self.query_one("#people", DataTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    def action_people_page(self, step: int) -> None:
        if step > 0 and len(self.people_rows) < PEOPLE_PAGE:
            return
        self.people_offset = max(0, self.people_offset + step * PEOPLE_PAGE)
        self.search_people()

    @on(Input.Submitted, "#find")
    def _find_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self._people_current():
            # Enter needs the answer for what is typed now: the search that is pending or under way is done here
            # (the keys typed after Enter wait in KeyOrder for the field Enter leads to)
            if self._search_timer is not None:
                self._search_timer.stop()
                self._search_timer = None
            query = (self.input_value("find").strip(), self.people_offset)
            self._people_query = query
            self._show_people(query, self._people_rows(query) if query[0] else [])
        table = self.query_one("#people", DataTable)
        if self.people_rows:
            self.choose_person(self.people_rows[min(table.cursor_row, len(self.people_rows) - 1)].petitioner_id)
            return
        self.start_new_person(event.value.strip())

    def start_new_person(self, text: str) -> None:
        """No match: register a new person, taking what was typed into the right field."""
        self.clear_person()
        self._hint("")
        compact = text.replace(" ", "")
        if _ID_LIKE.match(compact) and len(compact) in (15, 18):
            self.set_input("p-id_number", compact.upper())
        elif _PHONE_LIKE.match(compact):
            self.set_input("p-phone", compact)
        elif text and not text.isascii():
            parts = text.split()
            self.set_input("p-name", parts[0])
            if len(parts) > 1:
                self.set_input("p-village", parts[1])
        target = next((f"p-{n}" for n, _ in PERSON_FIELDS if not self.input_value(f"p-{n}")), "p-name")
        self.query_one(f"#{target}", Input).focus()

    def choose_person(self, petitioner_id: int) -> None:
        from xfdesk.services.history import person_history

        history = person_history(self.ctx, petitioner_id, self.operator.role)
        if history is None:
            return
        self.petitioner_id = petitioner_id
        self.person_village = history.village
        self.query_one("#person-fields").display = False
        self.query_one("#people", DataTable).display = False
        chosen = self.query_one("#chosen", Static)
        chosen.display = True
        ident = "　".join(x for x in (history.gender, history.id_masked, history.phone_masked, history.village) if x)
        chosen.update(Content.assemble(("已选信访人：", "bold"), (history.name, "bold"), "　", ident,
                                       ("　（Ctrl+O 改为新信访人）", "dim")))
        self._hint("")
        self.show_history(history)
        self._default_locations(history.village)
        if not self._restoring:
            self.query_one(f"#m{self._first_open_demand()}-summary", Input).focus()
            self._schedule_draft()
        self.refresh_repeats()

    def _first_open_demand(self) -> int:
        return next((d.index for d in self.demands() if not d.value("summary")), self.demands()[-1].index)

    def show_history(self, history) -> None:  # noqa: ANN001
        parts: list[Content | str | tuple[str, str]] = [
            (history.name, "bold"), "\n",
            f"共{history.matter_count}件，在办{history.open_count}件",
        ]
        if history.last_contact:
            parts.append(f"，最近来访 {history.last_contact:%Y-%m-%d}")
        if history.flags:
            parts += ["\n", ("标记：" + "、".join(history.flags), "bold #FFAF00")]
        for m in history.matters[:12]:
            flags = f" [{'、'.join(m.flags)}]" if m.flags else ""
            parts += ["\n", (m.number, "#00D7FF"), f" {m.received_on:%Y-%m-%d} ", (m.status_label, "bold"),
                      (flags, "#FFAF00"), "\n  ", m.summary]
            if m.representatives:  # a group visit: who spoke for it
                parts += ["\n  ", ("代表：", "dim"), "、".join(m.representatives)]
        if not history.matters:
            parts += ["\n", ("首次来访（无历史事项）", "dim")]
        self.query_one("#history", Static).update(Content.assemble(*parts))

    def clear_person(self) -> None:
        self.petitioner_id = None
        self.person_village = ""
        self.query_one("#person-fields").display = True
        self.query_one("#chosen", Static).display = False
        self.query_one("#people", DataTable).display = False
        self.query_one("#history", Static).update(plain("新信访人（首次登记）"))

    def action_new_person(self) -> None:
        self.clear_person()
        self.query_one("#p-name", Input).focus()
        self._schedule_draft()
        self.refresh_repeats()

    # -- repeat detection ---------------------------------------------------------------------------------------
    def refresh_repeats(self) -> None:
        """Look for earlier similar matters of the demand being typed, in a worker: the clerk types on meanwhile."""
        if self._repeat_timer is not None:
            self._repeat_timer.stop()
            self._repeat_timer = None
        demands = {d.index: d for d in self.demands()}
        demand = demands.get(self.active_demand) or next(iter(demands.values()))
        text = " ".join(x for x in (demand.value("summary"), demand.value("details")) if x.strip())
        village = demand.value("location").strip() or self._village()
        self._repeat_query = (demand.index, text, village, self.petitioner_id)
        self._find_repeats(self._repeat_query)

    @work(thread=True, exclusive=True, group="repeat-candidates")
    def _find_repeats(self, query: tuple) -> None:
        from xfdesk.services.history import repeat_candidates

        index, text, village, petitioner_id = query
        try:
            found = repeat_candidates(self.ctx, self.operator.role, text, petitioner_id=petitioner_id,
                                      village=village, limit=8)
        except Exception:  # noqa: BLE001 — a hint, not a save: a busy database only means no candidates this time
            found = []
        self.app.call_from_thread(self._show_repeats, query, found)

    def _show_repeats(self, query: tuple, found: list) -> None:
        if query != self._repeat_query or not self._showing():  # typed on since: a newer search is coming
            return
        index, text, _, _ = query
        self.candidates = found
        options = self.query_one("#repeats", OptionList)
        options.clear_options()
        for c in self.candidates:
            who = "本人" if c.same_person else f"同村 {c.petitioner_name}"
            options.add_option(Option(Content.assemble(
                (c.number, "bold #00D7FF"), " ", (c.status_label, "bold"), f" 相似{c.score:.0f}\n",
                (who, "#FFAF00"), "：", c.summary)))
        if self.candidates:
            options.highlighted = 0
        hint = self.query_one("#repeat-hint", Static)
        if self.candidates:
            hint.update(plain(f"诉求{index + 1}有{len(self.candidates)}件相似事项："
                              "Ctrl+R 标为重复访并关联选中的一件（Alt+↑↓ 选择）"))
        else:
            hint.update(plain("未发现相似的以往事项" if text else ""))

    def on_key(self, event: Key) -> None:
        # alt+up / alt+down choose among repeat candidates without leaving the field being typed
        if event.key in ("alt+up", "alt+down"):
            options = self.query_one("#repeats", OptionList)
            if options.option_count:
                step = -1 if event.key == "alt+up" else 1
                options.highlighted = max(0, min(options.option_count - 1, (options.highlighted or 0) + step))
                event.stop()

    def action_link_repeat(self) -> None:
        demand = next((d for d in self.demands() if d.index == self.active_demand), self.demands()[0])
        chosen = min(self.query_one("#repeats", OptionList).highlighted or 0, max(len(self.candidates) - 1, 0))
        if demand.repeat_of_id is not None and (not self.candidates or
                                                self.candidates[chosen].id == demand.repeat_of_id):
            demand.set_repeat(None)
            self.notify(f"诉求{demand.index + 1}已取消重复访标记")
        elif not self.candidates:
            self.notify("没有可关联的以往事项", severity="warning")
            return
        else:
            cand = self.candidates[chosen]
            demand.set_repeat(cand.id, cand.number)
            self.notify(f"诉求{demand.index + 1}已标为重复访，关联 {cand.number}", markup=False)
        self._schedule_draft()

    # -- demands ------------------------------------------------------------------------------------------------
    async def action_add_demand(self) -> None:
        index = max(d.index for d in self.demands()) + 1
        demand = DemandForm(index, self.categories, self.villages)
        await self.query_one("#demands").mount(demand)
        village = self._village()
        if village in self.villages:
            demand.set_value("location", village)
        self.query_one(f"#m{index}-summary", Input).focus()
        demand.scroll_visible()

    # -- drafts -------------------------------------------------------------------------------------------------
    def collect(self) -> dict[str, Any]:
        return {
            "find": self.input_value("find"),
            "petitioner_id": self.petitioner_id,
            "person": {n: self.input_value(f"p-{n}") for n, _ in PERSON_FIELDS},
            "contact": {n: self.input_value(f"c-{n}") for n, _ in CONTACT_FIELDS},
            "demands": [{**{n: d.value(n) for n, _ in DEMAND_FIELDS},
                         "repeat_of_id": d.repeat_of_id, "repeat_of_number": d.repeat_of_number}
                        for d in self.demands()],
        }

    async def restore(self, data: dict[str, Any]) -> None:
        self._restoring = True
        try:
            self.set_input("find", str(data.get("find") or ""))
            for n, _ in PERSON_FIELDS:
                self.set_input(f"p-{n}", str((data.get("person") or {}).get(n) or ""))
            for n, _ in CONTACT_FIELDS:
                value = (data.get("contact") or {}).get(n)
                if value is not None:
                    self.set_input(f"c-{n}", str(value))
            saved_demands = data.get("demands") or [{}]
            while len(self.demands()) < len(saved_demands):
                index = max(d.index for d in self.demands()) + 1
                await self.query_one("#demands").mount(DemandForm(index, self.categories, self.villages))
            for demand, saved in zip(self.demands(), saved_demands):
                for n, _ in DEMAND_FIELDS:
                    demand.set_value(n, str(saved.get(n) or ""))
                if saved.get("repeat_of_id"):
                    demand.set_repeat(int(saved["repeat_of_id"]), str(saved.get("repeat_of_number") or ""))
            if data.get("petitioner_id"):
                self.choose_person(int(data["petitioner_id"]))
        finally:
            self.call_after_refresh(self._restored)

    def _restored(self) -> None:
        self._restoring = False
        target = f"m{self._first_open_demand()}-summary" if self.petitioner_id else "find"
        self.query_one(f"#{target}", Input).focus()
        self.refresh_repeats()

    def _schedule_draft(self) -> None:
        # a form built ahead (``prepared``) has no draft until it is opened: its fields filling in at mount would
        # otherwise write an empty draft 0.4 s later, i.e. delete the one left with Esc before F2 offers it back
        if self.saved or self.prepared:
            return
        self._draft_dirty = True
        self._restart(self._draft_timer, "_draft_timer", DRAFT_DELAY, self.write_draft)

    def forget_draft(self) -> None:
        """Saved (or cleared on purpose): the draft goes, and no timer may write it again."""
        self.saved = True
        if self._draft_timer is not None:
            self._draft_timer.stop()
        draft_store.delete_draft(draft_store.draft_path(self.ctx.home, self.draft_kind, self.operator.name))
        if self.draft is not None:  # restored from another operator's draft
            draft_store.delete_draft(self.draft.path)

    def blank_copy(self) -> RegisterScreen:
        """The same form, empty (Ctrl+L)."""
        return RegisterScreen(self.ctx, self.operator, now=self.now)

    def write_draft(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None
        if self.saved or self.prepared or not self._draft_dirty:
            return
        self._draft_dirty = False
        data = self.collect()
        try:
            if is_blank(data):  # nothing typed (or all of it erased): no draft to offer back later
                draft_store.delete_draft(draft_store.draft_path(self.ctx.home, self.draft_kind, self.operator.name))
            else:
                draft_store.save_draft(self.ctx.home, self.draft_kind, self.operator.name, data)
        except OSError as exc:
            self.notify(f"草稿保存失败：{exc}", severity="error", markup=False)

    def unsaved_text(self) -> str:
        """Asked by Ctrl+Q (``XfdeskApp.unsaved_forms``): what this form holds unsaved, or "" when nothing."""
        if self.saved or not self.is_mounted or is_blank(self.collect()):
            return ""
        return "登记表有未保存的内容（已存为草稿，下次启动时可恢复）"

    # -- saving -------------------------------------------------------------------------------------------------
    def build_contact(self) -> tuple[ContactInput | None, list[int]]:
        """The form as a ContactInput; format errors the service cannot see (time, number) are shown here."""
        for choice in self.query(ChoiceInput):
            choice.resolve()
        ok = True
        received_text = self.input_value("c-received_at").strip()
        try:
            received_at = dt.datetime.strptime(received_text, TIME_FORMAT)
        except ValueError:
            self.field("c-received_at").set_error("来访时间应写成“2026-11-21 09:30”的格式")
            received_at, ok = self.now(), False
        headcount_text = self.input_value("c-headcount").strip() or "1"
        headcount = int(headcount_text) if headcount_text.isdigit() else 0
        representatives = split_names(self.input_value("c-representatives"))
        if self.petitioner_id:
            main = PetitionerInput(name="", existing_id=self.petitioner_id)
            from xfdesk.services.history import person_history

            history = person_history(self.ctx, self.petitioner_id, self.operator.role)
            main.name = history.name if history else ""
        else:
            values = {n: self.input_value(f"p-{n}").strip() for n, _ in PERSON_FIELDS}
            main = PetitionerInput(name=values["name"], gender=values["gender"] or None,
                                   id_number=values["id_number"] or None, phone=values["phone"] or None,
                                   address=values["address"], village=values["village"])
        petitioners = [main]
        if representatives:
            main.representative = main.name in representatives
            village = main.village or self.person_village
            petitioners += [PetitionerInput(name=n, village=village, representative=True)
                            for n in representatives if n != main.name]
        used = [d for d in self.demands() if not d.is_empty()] or self.demands()[:1]
        matters = []
        for d in used:
            flags = {Flag.REPEAT.value} if d.repeat_of_id else set()
            matters.append(MatterInput(summary=d.value("summary").strip(), details=d.value("details").strip(),
                                       category=d.value("category").strip(), location=d.value("location").strip(),
                                       kind=d.value("kind").strip() or None, repeat_of_id=d.repeat_of_id,
                                       flags=flags))
        if not ok:
            return None, [d.index for d in used]
        contact = ContactInput(received_at=received_at, channel=self.input_value("c-channel").strip(),
                               clerk=self.operator.name, petitioners=petitioners, matters=matters,
                               headcount=headcount)
        return contact, [d.index for d in used]

    def clear_errors(self) -> None:
        for field in self.query(FormField):
            field.set_error(None)
        self._general_line("", error=False)

    def action_save(self) -> None:
        from xfdesk.domain.validation import ValidationFailed
        from xfdesk.services.registration import register_contact

        self.clear_errors()
        contact, demand_indexes = self.build_contact()
        if contact is None:
            self._focus_first_error()
            return
        try:
            result = register_contact(self.ctx, self.operator, contact)
        except ValidationFailed as failed:
            self.show_errors(failed.errors, demand_indexes)
            return
        except Exception as exc:  # nothing was written (one transaction); the form and its draft stay as typed
            self.save_failed(exc)
            return
        self.forget_draft()
        app = self.app
        done = self.registered_screen(contact, result, "登记成功")
        app.go_home()
        app.push_screen(done)  # the numbers stay on screen until the clerk moves on (P prints the 登记表)

    def registered_screen(self, contact: ContactInput, result, title: str):  # noqa: ANN001, ANN201
        """The panel that shows what was just saved: who, and each matter's 编号 with its demand."""
        from xfdesk.tui.screens.registered import RegisteredScreen, SavedMatter

        summaries = [m.summary for m in contact.matters]
        matters = [SavedMatter(mid, number, summaries[i] if i < len(summaries) else "")
                   for i, (mid, number) in enumerate(zip(result.matter_ids, result.numbers))]
        who = contact.petitioners[0].name if contact.petitioners else ""
        return RegisteredScreen(self.ctx, self.operator, who, matters, title=title)

    def save_failed(self, exc: Exception) -> None:
        """Any save that fails keeps the form and its draft, says so at the top of the form and in a toast."""
        self._draft_dirty = True
        self.write_draft()
        message = failed_message(exc)
        self._general_line(message, error=True)
        self.notify(message, severity="error", timeout=15, markup=False)

    def error_field(self, path: tuple, demand_indexes: list[int]) -> str | None:
        """The form field a validation error belongs to (FieldError.path → widget path)."""
        if not path:
            return None
        head = path[0]
        if head == "petitioners":
            if len(path) >= 3 and path[1] == 0 and not self.petitioner_id:
                return f"p-{path[2]}" if path[2] in dict(PERSON_FIELDS) else "p-name"
            if len(path) >= 3 and path[1] == 0:
                return "find"
            return "c-representatives"
        if head == "matters":
            if len(path) >= 2 and isinstance(path[1], int) and path[1] < len(demand_indexes):
                name = path[2] if len(path) >= 3 and path[2] in dict(DEMAND_FIELDS) else "summary"
                return f"m{demand_indexes[path[1]]}-{name}"
            return f"m{demand_indexes[0]}-summary"
        if head in dict(CONTACT_FIELDS):
            return f"c-{head}"
        if head in ("representative", "representatives"):
            return "c-representatives"
        if head in dict(PERSON_FIELDS):
            return f"p-{head}" if not self.petitioner_id else "find"
        return None

    def show_errors(self, errors, demand_indexes: list[int]) -> None:  # noqa: ANN001
        general: list[str] = []
        for error in errors:
            path = tuple(getattr(error, "path", ()) or (getattr(error, "field", ""),))
            target = self.error_field(path, demand_indexes)
            message = getattr(error, "message", str(error))
            if target is None:
                general.append(message)
                continue
            field = self.field(target)
            field.set_error(f"{field.error}；{message}" if field.error else message)
        if general:
            self._general_line("；".join(general), error=True)
        count = len(errors)
        self.notify(f"有{count}处需要更正，已在对应栏下方说明；已填内容都保留着", severity="error", markup=False)
        self._focus_first_error()

    def _focus_first_error(self) -> None:
        for field in self.query(FormField):
            if field.error and field.display:
                field.input.focus()
                field.scroll_visible()
                return

    # -- leaving ------------------------------------------------------------------------------------------------
    def action_leave(self) -> None:
        self.write_draft()
        self.app.pop_screen()

    def action_clear_form(self) -> None:
        from xfdesk.tui.screens.confirm import ConfirmScreen

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            self.forget_draft()
            fresh = self.blank_copy()
            self.app.pop_screen()
            self.app.push_screen(fresh)

        self.app.push_screen(ConfirmScreen("清空本次登记的全部内容？（草稿也一并删除）"), answered)
