"""Documents in the TUI: choose a kind for a matter, preview its filled text, save (文号 assigned) or save and print
with one key; and a day's batch printing. User text is shown literally (``Content``/``Text``), never as markup."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from xfdesk.domain.errors import Refused
from xfdesk.documents.kinds import get_kind
from xfdesk.tui.screens._reload import changed_since_read, mark_read
from xfdesk.tui.widgets.footer import DeskFooter

CSS = """
DocumentPreviewScreen, ChooseDocumentScreen, DayPrintScreen { align: center middle; }
#doc-box { width: 90%; height: 90%; border: round $accent; background: $surface; padding: 0 1; }
#issued { height: auto; max-height: 10; }
#issued-title { margin-top: 1; color: $text-muted; }
#choose-box { width: 70; height: auto; max-height: 90%; border: round $accent; background: $surface; padding: 0 1; }
#doc-title, #choose-title, #day-title { text-style: bold; height: auto; }
#doc-text { height: 1fr; }
#doc-body { padding: 1 2; background: $boost; }
#doc-status, #day-status { height: auto; color: $text-muted; }
#day-table { height: 1fr; }
"""


def _content(text: object) -> Content:
    return Content("" if text is None else str(text))



def day_set_wording(new: int, kept: int) -> str:
    """What issuing a reception day's set did: notices whose content did not change are kept, not issued again."""
    return f"新出具{new}份，{kept}份通知书内容未变，沿用原件（不重印）" if kept else f"已生成{new}份"

class DocumentPreviewScreen(ModalScreen[Any]):
    """The filled text of one document; S saves it (the 文号 is taken then), P saves and prints, Esc closes."""

    HELP = "文书预览：显示填好的文字（文号在保存时编号）。S 保存并编号，P 保存并打印，Esc 关闭不保存。"
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("s", "save(False)", "保存"),
        Binding("p", "save(True)", "保存并打印"),
        Binding("escape", "close", "关闭"),
    ]

    def __init__(self, ctx, operator, kind: str, *, matter_id: int | None = None,  # noqa: ANN001
                 reception_day_id: int | None = None, unit_id: int | None = None,
                 appointment_id: int | None = None, extra: dict[str, Any] | None = None):
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.kind = get_kind(kind)
        self.target = {"matter_id": matter_id, "reception_day_id": reception_day_id, "unit_id": unit_id,
                       "appointment_id": appointment_id}
        self.extra = extra
        self.text = ""
        self.error: str | None = None
        self.document = None
        self.print_result = None
        self.again = False  # the clerk confirmed a second notice for the same step
        self.busy = False  # the preview or a save runs in a worker
        self.save_asked: bool | None = None  # S (False) or P (True) pressed while the preview was still rendering

    def compose(self) -> ComposeResult:
        with Vertical(id="doc-box"):
            yield Static(_content(f"{self.kind.name}（预览）"), id="doc-title")
            with VerticalScroll(id="doc-text"):
                yield Static(_content(""), id="doc-body")
            yield Static(_content("S 保存并编号　P 保存并打印　Esc 关闭"), id="doc-status")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#doc-body", Static).update(_content("正在生成预览……"))
        self.busy = True
        # the worker starts once the words are drawn: rendering holds the GIL, and the answer must show first
        self.call_after_refresh(self._preview)

    @work(thread=True, exclusive=True, group="document-preview")
    def _preview(self) -> None:
        """Rendering the template takes a moment on an old PC: never on the UI thread."""
        from xfdesk.services.documents import preview_document

        try:
            text = preview_document(self.ctx, self.operator, self.kind, extra=self.extra, **self.target)
        except Exception as exc:  # noqa: BLE001 — a template or record problem is shown, never a crash
            self.app.call_from_thread(self._preview_failed, exc)
            return
        self.app.call_from_thread(self._previewed, text)

    def _previewed(self, text: str) -> None:
        self.busy = False
        self.text = text
        self.query_one("#doc-body", Static).update(_content(text))
        if self.save_asked is not None:  # the key typed while it rendered is carried out now, not lost
            print_it, self.save_asked = self.save_asked, None
            self.action_save(print_it)

    def _preview_failed(self, exc: Exception) -> None:
        self.busy = False
        self.save_asked = None
        self.error = str(exc)
        self.query_one("#doc-body", Static).update(_content(f"无法生成文书：{exc}"))
        self.query_one("#doc-status", Static).update(_content("请修改模板（xfdesk doc check）或补全记录后再试；Esc 关闭"))

    def _status(self, text: str) -> None:
        self.query_one("#doc-status", Static).update(_content(text))

    def action_save(self, print_it: bool) -> None:
        if self.busy and not self.text and self.error is None and self.document is None:
            # S/P typed before the preview is shown (a clerk who knows the screen): saved as soon as it is
            self.save_asked = print_it
            self._status("预览生成后即打印……" if print_it else "预览生成后即保存……")
            return
        if self.busy:  # a save under way: the key is not taken twice (one 文号)
            return
        if self.error is not None:
            self.notify(self.error, markup=False, severity="error", timeout=8)
            return
        self.busy = True
        self._status("正在打印……" if print_it else "正在保存……")
        self.call_after_refresh(self._save, print_it, self.again)  # drawn first, then the worker (see on_mount)

    @work(thread=True, exclusive=True, group="document-save")
    def _save(self, print_it: bool, again: bool) -> None:
        from xfdesk.services.documents import NoticeAlreadyIssued, issue_document, print_document

        document = self.document
        if document is None:
            try:
                document = issue_document(self.ctx, self.operator, self.kind, extra=self.extra, again=again,
                                          **self.target)
            except NoticeAlreadyIssued as exc:  # asked first: the same key again confirms a new 文号
                self.app.call_from_thread(self._ask_again, exc)
                return
            except Exception as exc:  # noqa: BLE001
                self.app.call_from_thread(self._save_failed, exc)
                return
        result = print_document(self.ctx, document.id) if print_it else None
        self.app.call_from_thread(self._saved, document, result)

    def _ask_again(self, exc: Exception) -> None:
        self.busy = False
        self.again = True
        self._status("S 保存并编号　P 保存并打印　Esc 关闭")
        self.notify(f"{exc}。再按一次同一键确认出具新文号，Esc 取消", markup=False, severity="warning", timeout=12)

    def _save_failed(self, exc: Exception) -> None:
        self.busy = False
        self._status("S 保存并编号　P 保存并打印　Esc 关闭")
        self.notify(f"保存失败：{exc}", markup=False, severity="error", timeout=10)

    def _saved(self, document, result) -> None:  # noqa: ANN001
        self.busy = False
        self.document = document
        number = document.number_text
        if result is None:
            self.notify(f"已保存{self.kind.name}，文号 {number}", markup=False, timeout=6)
        else:
            self.print_result = result
            if result.ok:
                self.notify(f"{number}：{result.message}", markup=False, timeout=6)
            else:
                self.notify(result.message, markup=False, severity="error", timeout=12)
        self.dismiss(document)

    def action_close(self) -> None:
        self.dismiss(self.document)


def notice_after_action(ctx, operator, matter_id: int, action: str) -> DocumentPreviewScreen | None:  # noqa: ANN001
    """The preview of the notice a screening or handling action calls for (受理 → 受理告知书, 不予受理 → 不予受理告知书,
    答复 → 信访处理意见书 …), for the screen that took the action to push; None when the action needs none."""
    from xfdesk.domain.lifecycle import notice_for

    try:
        kind = notice_for(action)
    except Refused:
        return None
    if kind is None:
        return None
    return DocumentPreviewScreen(ctx, operator, kind, matter_id=matter_id)


class ChooseDocumentScreen(ModalScreen[Any]):
    """Which document for this matter: the likely ones first (from the matter's state), then the others the
    lifecycle table allows now; the kinds it refuses are listed greyed with the reason and cannot be chosen."""

    HELP = ("选择文书：上下键选择，回车预览；Tab 到下方“已出具的文书”，R 重印选中的一份（保留原文号）；Esc 返回。")
    DEFAULT_CSS = CSS
    BINDINGS = [Binding("escape", "close", "返回"), Binding("enter", "choose", "预览", show=True),
                Binding("r", "reprint", "重印")]

    def __init__(self, ctx, operator, matter_id: int):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.matter_id = matter_id
        self.kinds: list[str] = []
        self.issued: list = []
        self.print_result = None

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-box"):
            yield Static(_content("选择要出具的文书（回车预览）"), id="choose-title")
            yield OptionList(id="choose-list")
            yield Static(_content("已出具的文书（R 重印，保留原文号）"), id="issued-title")
            yield DataTable(id="issued", cursor_type="row")
        yield DeskFooter()

    def load_issued(self) -> None:
        from xfdesk.services.documents import documents_for_matter

        mark_read(self, self.ctx)
        self.issued = [d for d in documents_for_matter(self.ctx, self.matter_id) if not d.void]
        table = self.query_one("#issued", DataTable)
        table.clear(columns=not table.columns)
        if not table.columns:
            table.add_columns("文号", "文书", "出具时间")
        for d in self.issued:
            table.add_row(Text(d.number_text), Text(get_kind(d.kind).name), Text(f"{d.issued_at:%Y-%m-%d %H:%M}"),
                          key=str(d.id))

    def on_screen_resume(self) -> None:
        if changed_since_read(self, self.ctx):
            self.load_issued()

    def action_reprint(self) -> None:
        table = self.query_one("#issued", DataTable)
        if not self.issued or table.cursor_row is None:
            self.notify("这个事项还没有出具文书", markup=False, severity="warning")
            return
        self._reprint(self.issued[table.cursor_row])

    @work(thread=True, exclusive=True, group="document-reprint")
    def _reprint(self, doc) -> None:  # noqa: ANN001
        from xfdesk.services.documents import print_document

        result = print_document(self.ctx, doc.id)
        self.app.call_from_thread(self._reprinted, doc, result)

    def _reprinted(self, doc, result) -> None:  # noqa: ANN001
        self.print_result = result
        self.notify(f"{doc.number_text}：{result.message}", markup=False,
                    severity="information" if result.ok else "error", timeout=6 if result.ok else 12)

    def on_mount(self) -> None:
        from xfdesk.services.documents import document_choices
        from xfdesk.services.queries import find_matter

        # what the lifecycle table allows now (the check issuing makes): the likely kinds, the other allowed
        # ones, then the refused ones greyed with the table's reason (not selectable)
        choices = document_choices(self.ctx, self.matter_id)
        matter = find_matter(self.ctx, self.matter_id)
        if matter is not None:
            from xfdesk.domain.lifecycle import STATUS_LABELS, Status

            self.query_one("#choose-title", Static).update(_content(
                f"选择要出具的文书（回车预览）　事项状态：{STATUS_LABELS[Status(matter.status)]}"))
        self.kinds = [c.key for c in choices if c.refusal is None]
        option_list = self.query_one("#choose-list", OptionList)
        option_list.clear_options()
        previous = None
        for choice in choices:
            group = "likely" if choice.likely else ("allowed" if choice.refusal is None else "refused")
            if previous is not None and group != previous:
                option_list.add_option(None)
            previous = group
            if choice.refusal is None:
                mark = "★ " if choice.likely else "　 "
                option_list.add_option(Option(Text(f"{mark}{choice.name}"), id=choice.key))
            else:
                prompt = Text(f"　 {choice.name}", style="dim")
                prompt.append(f"　{choice.refusal}", style="dim italic")
                option_list.add_option(Option(prompt, id=choice.key, disabled=True))
        option_list.highlighted = 0 if self.kinds else None
        option_list.focus()
        self.load_issued()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._open(event.option.id)

    def action_choose(self) -> None:
        option_list = self.query_one("#choose-list", OptionList)
        if option_list.highlighted is not None:
            self._open(option_list.get_option_at_index(option_list.highlighted).id)

    def _open(self, key: str | None) -> None:
        if key:
            self.app.push_screen(DocumentPreviewScreen(self.ctx, self.operator, key, matter_id=self.matter_id))

    def action_close(self) -> None:
        self.dismiss(None)


class DayPrintScreen(ModalScreen[Any]):
    """A day's notices: G makes the leader-day set (四书 + 安排表), P prints the highlighted one, A prints them all."""

    HELP = ("当日文书：G 生成当日领导接访文书（通知书、呈报单、安排表），P 打印选中的一份，A 全部打印；"
            "打印失败的文书已保存，可再次打印。Esc 返回。")
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("g", "generate", "生成接访文书"),
        Binding("p", "print_one", "打印选中"),
        Binding("a", "print_all", "全部打印"),
        Binding("escape", "close", "返回"),
    ]

    def __init__(self, ctx, operator, day: dt.date | int):  # noqa: ANN001
        """``day`` is a date, or the id of a leader reception day."""
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.reception_day_id: int | None = None
        if isinstance(day, dt.date):
            self.day = day
        else:
            from xfdesk.services.reception import day_ref

            ref = day_ref(ctx, int(day))
            self.reception_day_id = ref[0] if ref else None
            self.day = ref[1] if ref else ctx.today()
        self.documents: list = []
        self.results: list = []
        self.busy = False  # generating or printing in a worker

    def compose(self) -> ComposeResult:
        from xfdesk.documents.builders import cn_date

        with Vertical(id="doc-box"):
            yield Static(_content(f"{cn_date(self.day)}的文书"), id="day-title")
            yield DataTable(id="day-table", cursor_type="row", zebra_stripes=True)
            yield Static(_content(""), id="day-status")
        yield DeskFooter()

    def on_mount(self) -> None:
        table = self.query_one("#day-table", DataTable)
        table.add_columns("文号", "对象", "文书", "出具时间", "经办人", "文件")  # 对象 before the long kind names
        if self.reception_day_id is None:
            from xfdesk.services.reception import day_ref

            ref = day_ref(self.ctx, self.day)
            self.reception_day_id = ref[0] if ref else None
        self.reload()
        table.focus()

    def reload(self) -> None:
        from pathlib import Path

        from xfdesk.services.documents import documents_for_day

        from xfdesk.services.reception import notice_recipients

        self.documents = documents_for_day(self.ctx, self.day)
        # who each notice is for: the petitioner (masked for 检举控告), the unit, or the day's leaders
        recipients = notice_recipients(self.ctx, self.operator, self.documents)
        table = self.query_one("#day-table", DataTable)
        table.clear()
        for d in self.documents:
            table.add_row(Text(d.number_text), Text(recipients.get(d.id, "")), Text(get_kind(d.kind).name),
                          Text(f"{d.issued_at:%m-%d %H:%M}"),
                          Text(d.operator), Text(Path(d.file_path).name), key=str(d.id))
        hint = "G 生成当日领导接访文书　" if self.reception_day_id else "（这一天不是领导接访日）　"
        self._status(f"共{len(self.documents)}份。{hint}P 打印选中　A 全部打印")

    def _status(self, text: str) -> None:
        self.query_one("#day-status", Static).update(_content(text))

    def action_generate(self) -> None:
        if self.reception_day_id is None:
            self.notify("这一天不是领导接访日，没有接访文书可生成", markup=False, severity="warning")
            return
        if self.busy:
            return
        self.busy = True
        self._status("正在生成当日接访文书……")
        self.call_after_refresh(self._generate)  # drawn first, then the worker

    @work(thread=True, exclusive=True, group="day-documents")
    def _generate(self) -> None:
        from xfdesk.services.documents import issue_day_set

        try:
            made = issue_day_set(self.ctx, self.operator, self.reception_day_id)
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self._generate_failed, exc)
            return
        self.app.call_from_thread(self._generated, made)

    def _generate_failed(self, exc: Exception) -> None:
        self.busy = False
        self._status(f"生成失败：{exc}")
        self.notify(f"生成失败：{exc}", markup=False, severity="error", timeout=10)

    def _generated(self, made) -> None:  # noqa: ANN001 — services.documents.DayIssue
        self.busy = False
        self.notify(day_set_wording(len(made.new), len(made.kept)), markup=False, timeout=6)
        self.reload()

    def _print(self, docs: list) -> None:
        if self.busy:
            return
        self.busy = True
        self._status(f"正在打印{len(docs)}份……")
        self.call_after_refresh(self._send, docs)  # drawn first, then the worker

    @work(thread=True, exclusive=True, group="day-documents")
    def _send(self, docs: list) -> None:
        from xfdesk.services.documents import print_document

        results = [(d, print_document(self.ctx, d.id)) for d in docs]
        self.app.call_from_thread(self._sent, results)

    def _sent(self, results: list) -> None:
        self.busy = False
        self.results = results
        failed = [(d, r) for d, r in self.results if not r.ok]
        if failed:
            first = failed[0][1].message
            self.notify(f"{len(failed)}份未能打印（已保存，可再次打印）：{first}", markup=False, severity="error",
                        timeout=12)
            self._status(f"已打印{len(self.results) - len(failed)}份，{len(failed)}份失败：{first}")
        else:
            self.notify(f"已发送{len(self.results)}份到打印机", markup=False, timeout=6)
            self._status(f"已发送{len(self.results)}份到打印机")

    def action_print_one(self) -> None:
        table = self.query_one("#day-table", DataTable)
        if not self.documents or table.cursor_row is None:
            self.notify("没有可打印的文书", markup=False, severity="warning")
            return
        self._print([self.documents[table.cursor_row]])

    def action_print_all(self) -> None:
        if not self.documents:
            self.notify("没有可打印的文书", markup=False, severity="warning")
            return
        self._print(list(self.documents))

    def action_close(self) -> None:
        self.dismiss(self.results)
