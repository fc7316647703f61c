"""Chinese names of the actions stored in the event log, for every timeline (TUI, ``matter show``, exports)."""

from __future__ import annotations

from xfdesk.domain import reception, screening
from xfdesk.domain.lifecycle import TRANSITIONS

# events written outside the lifecycle table and the areas' own label lists
OTHER_EVENT_LABELS: dict[str, str] = {
    "register": "登记", "document_issued": "出具文书", "document_voided": "作废文书",
    "import": "导入", "export": "导出", "calendar_import": "导入节假日安排",
}

EVENT_LABELS: dict[str, str] = {
    **OTHER_EVENT_LABELS,
    **reception.EVENT_LABELS,
    **screening.EVENT_LABELS,
    **{t.action.value: t.label for t in TRANSITIONS},  # the lifecycle table's own wording wins
}


def event_label(action: str) -> str:
    """The Chinese name of a stored action; an unknown one is shown as stored rather than hidden."""
    return EVENT_LABELS.get(action, action)
