"""被检举单位 of a 检举控告 matter (条例第三十条), recorded from the matter screen (``u``): the units it reports are
ticked in the list of units; after saving, assigning the matter to one of them, booking it with one or inviting one
to its reception is refused by the services (``services.accused.refuse_accused``)."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static

from xfdesk.tui.failures import failed_message
from xfdesk.tui.widgets.fields import plain
from xfdesk.tui.widgets.check_list import CheckList
from xfdesk.tui.widgets.footer import DeskFooter

CSS = """
AccusedUnitsScreen { align: center middle; }
#accused-box { width: 64; height: auto; max-height: 90%; border: round $accent; background: $surface; padding: 0 1; }
#accused-title { text-style: bold; height: auto; }
#accused-hint, #accused-basis { color: $text-muted; height: auto; }
#accused-units { height: auto; max-height: 12; }
#accused-error { color: $error; height: auto; }
"""


class AccusedUnitsScreen(ModalScreen[Any]):
    """Tick the units the report is about; Ctrl+S saves (replacing the list), Esc leaves it as it was."""

    HELP = ("被检举单位：检举控告事项所检举控告的单位。上下键选择，空格勾选或取消（可多选，全不勾为清除），"
            "Ctrl+S 保存，Esc 取消。保存后不能向这些单位交办、督办、约其参与接访（《信访工作条例》第三十条）。")
    DEFAULT_CSS = CSS
    # space is the list's own key (it toggles the highlighted unit): the hint line above the list says so
    BINDINGS = [Binding("ctrl+s", "save", "保存", priority=True), Binding("escape", "cancel", "取消")]

    def __init__(self, ctx, operator, matter_id: int, matter_number: str = ""):  # noqa: ANN001
        super().__init__()
        self.ctx = ctx
        self.operator = operator
        self.matter_id = matter_id
        self.matter_number = matter_number
        self.saving = False
        self.result: dict | None = None

    def compose(self) -> ComposeResult:
        from xfdesk.services.accused import accused_units_of
        from xfdesk.services.handling import active_units

        chosen = {uid for uid, _ in accused_units_of(self.ctx, self.matter_id)}
        units = active_units(self.ctx)
        with Vertical(id="accused-box"):
            yield Static(Content.assemble(("被检举单位　", "bold"), self.matter_number), id="accused-title")
            yield Static(plain("空格勾选本事项所检举控告的单位（可多选）"), id="accused-hint")
            yield CheckList(*[(Content(name), uid, uid in chosen) for uid, name in units], id="accused-units")
            yield Static(id="accused-error")
            yield Static(plain("保存后不能向所勾单位交办、督办或约其参与接访（条例第三十条）"), id="accused-basis")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.query_one("#accused-units", SelectionList).focus()

    def action_save(self) -> None:
        if self.saving:
            return
        self.saving = True
        self.query_one("#accused-error", Static).update("")
        self._save(list(self.query_one("#accused-units", SelectionList).selected))

    @work(thread=True, exclusive=True, group="accused-save")
    def _save(self, unit_ids: list[int]) -> None:
        from xfdesk.services.accused import record_accused_units

        try:
            result = record_accused_units(self.ctx, self.operator, self.matter_id, unit_ids)
        except Exception as exc:  # noqa: BLE001 — any failure: the ticks stay, one Chinese line says why
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._saved, result)

    def _failed(self, exc: Exception) -> None:
        self.saving = False
        self.query_one("#accused-error", Static).update(plain(failed_message(exc)))

    def _saved(self, result: dict) -> None:
        self.saving = False
        self.result = result
        names = "、".join(result["units"])
        self.app.notify(f"已记录被检举单位：{names}" if names else "已清除被检举单位", markup=False, timeout=6)
        if result.get("warning"):
            self.app.notify(result["warning"], severity="warning", markup=False, timeout=12)
        self.dismiss(result)

    def action_cancel(self) -> None:
        self.dismiss(None)
