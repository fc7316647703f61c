"""The one table of document kinds: stable English keys, Chinese names, template file names, who receives them.

Every other module (fields, numbering, services, CLI, TUI) looks kinds up here, so a kind is named once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from xfdesk.domain.errors import Refused


class Audience(StrEnum):
    PETITIONER = "petitioner"  # 信访人
    UNIT = "unit"  # 责任单位: for 检举控告 matters these carry no petitioner identity (条例第30条)
    LEADER = "leader"  # 接访领导
    OFFICE = "office"  # kept on file / put on the wall


class Scope(StrEnum):
    MATTER = "matter"  # built from one matter
    DAY = "day"  # built from a leader reception day (and an appointment or unit of it)
    PERIOD = "period"  # built from the office's figures of a month, a quarter or a year (reports)
    UNIT = "unit"  # addressed to one responsible unit about its own record (the 通报 rule)


@dataclass(frozen=True)
class DocumentKind:
    key: str
    name: str  # the Chinese name users see
    file_name: str  # template file in templates/ (and in the office's own <home>/templates/)
    audience: Audience
    scope: Scope = Scope.MATTER
    # names the petitioner of a 检举控告 matter (条例第三十条): head only; None: every matter-scope kind not sent
    # to a unit (units' copies carry no identity)
    shows_identity: bool | None = None
    # the value naming the body that issues the document: its head, its seal (or the signature without a seal)
    # and the owner of its 文号 (the body's own 简称). 复查/复核意见书 are the 复查机关's / 复核机关's, not the office's
    issuer: str = "机关名称"

    @property
    def names_petitioner(self) -> bool:
        if self.shows_identity is not None:
            return self.shows_identity
        return self.scope == Scope.MATTER and not self.to_unit

    @property
    def short_name(self) -> str:
        """The name without the slash, as used in file names (转送/交办单 → 转送交办单)."""
        return self.file_name.removesuffix(".docx")

    @property
    def to_unit(self) -> bool:
        return self.audience == Audience.UNIT


KINDS: tuple[DocumentKind, ...] = (
    DocumentKind("registration_form", "信访事项登记表", "信访事项登记表.docx", Audience.OFFICE),
    DocumentKind("acceptance_notice", "受理告知书", "受理告知书.docx", Audience.PETITIONER),
    DocumentKind("non_acceptance_notice", "不予受理告知书", "不予受理告知书.docx", Audience.PETITIONER),
    DocumentKind("non_reacceptance_notice", "不再受理告知书", "不再受理告知书.docx", Audience.PETITIONER),
    DocumentKind("legal_channel_notice", "导入法定途径告知书", "导入法定途径告知书.docx", Audience.PETITIONER),
    DocumentKind("transfer_form", "转送/交办单", "转送交办单.docx", Audience.UNIT),
    # 第二十三条: the petitioner is told in writing where the matter went (the form goes to the receiving body)
    DocumentKind("transfer_notice", "转送告知书", "转送告知书.docx", Audience.PETITIONER),
    DocumentKind("extension_notice", "延期办理告知书", "延期办理告知书.docx", Audience.PETITIONER),
    DocumentKind("handling_opinion", "信访处理意见书", "信访处理意见书.docx", Audience.PETITIONER),
    DocumentKind("review_opinion", "复查意见书", "复查意见书.docx", Audience.PETITIONER, issuer="复查机关"),
    DocumentKind("re_review_opinion", "复核意见书", "复核意见书.docx", Audience.PETITIONER, issuer="复核机关"),
    DocumentKind("supervision_letter", "督办函", "督办函.docx", Audience.UNIT),
    DocumentKind("follow_up_record", "回访记录", "回访记录.docx", Audience.OFFICE),
    DocumentKind("leader_reception_notice", "领导接访通知书", "领导接访通知书.docx", Audience.PETITIONER, Scope.DAY,
                 shows_identity=True),
    DocumentKind("unit_attendance_notice", "参与接访通知书", "参与接访通知书.docx", Audience.UNIT, Scope.DAY),
    DocumentKind("leader_brief", "接待信访人通知书（接访呈报单）", "接访呈报单.docx", Audience.LEADER, Scope.DAY,
                 shows_identity=True, issuer="信访部门"),
    DocumentKind("supervision_notice", "督办通知书", "督办通知书.docx", Audience.UNIT, Scope.DAY),
    DocumentKind("reception_schedule", "接访安排表", "接访安排表.docx", Audience.OFFICE, Scope.DAY,
                 issuer="信访部门"),
    DocumentKind("work_report", "信访工作情况报告", "信访工作情况报告.docx", Audience.OFFICE, Scope.PERIOD,
                 shows_identity=False),
    DocumentKind("rectification_notice", "限期整改督查通知书", "限期整改督查通知书.docx", Audience.UNIT, Scope.UNIT,
                 shows_identity=False),
)

KINDS_BY_KEY: dict[str, DocumentKind] = {k.key: k for k in KINDS}


class UnknownKind(Refused, ValueError):
    pass


def _normalise(text: str) -> str:
    return text.strip().replace("／", "/").removesuffix(".docx").replace("(", "（").replace(")", "）")


def get_kind(key_or_name: str) -> DocumentKind:
    """Find a kind by English key, Chinese name, file name, or the name without its bracketed part."""
    text = _normalise(key_or_name)
    if text in KINDS_BY_KEY:
        return KINDS_BY_KEY[text]
    for kind in KINDS:
        names = {kind.name, kind.short_name, kind.name.split("（")[0], kind.name.replace("/", "")}
        if "（" in kind.name:
            names.add(kind.name.split("（")[1].rstrip("）"))
        if text in names:
            return kind
    known = "、".join(k.name for k in KINDS)
    raise UnknownKind(f"没有这种文书：{key_or_name}（可用：{known}）")


def kind_for_file(file_name: str) -> DocumentKind | None:
    """The kind whose template has this file name (for checking a template file by its name)."""
    for kind in KINDS:
        if kind.file_name == file_name:
            return kind
    return None
