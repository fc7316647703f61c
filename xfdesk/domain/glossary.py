"""The one glossary: English identifiers used in code and data → the Chinese labels users see and print.

Every screen, CLI message and document takes its labels from here, so a term is translated once.
"""

from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """How a contact reached the office (来访形式)."""

    VISIT = "走访"
    LETTER = "来信"
    PHONE = "来电"
    ONLINE = "网上"
    LEADER_RECEPTION = "领导接访"
    OUTREACH = "下访"


class MatterKind(StrEnum):
    """The three kinds of demand of 条例第29条, decided at screening."""

    SUGGESTION = "建议意见"
    ACCUSATION = "检举控告"
    CLAIM = "申诉求决"


class Gender(StrEnum):
    MALE = "男"
    FEMALE = "女"


class Role(StrEnum):
    """Operator roles: a clerk registers and handles; the office head approves and sees restricted matters."""

    CLERK = "clerk"
    HEAD = "head"


ROLE_LABELS: dict[str, str] = {Role.CLERK: "接待员", Role.HEAD: "信访办主任"}


class Flag(StrEnum):
    """Flags on a matter (domain §2). Values are the column names on the matter table."""

    GROUP = "is_group"
    REPEAT = "is_repeat"
    SKIP_LEVEL = "is_skip_level"
    LITIGATION = "is_litigation"
    ACCUSATION = "is_restricted"
    URGENT = "is_urgent"
    THREAT = "is_threat"


FLAG_LABELS: dict[Flag, str] = {
    Flag.GROUP: "集体访",
    Flag.REPEAT: "重复访",
    Flag.SKIP_LEVEL: "越级访",
    Flag.LITIGATION: "涉法涉诉",
    Flag.ACCUSATION: "检举控告",
    Flag.URGENT: "重大紧急",
    Flag.THREAT: "扬言",
}


class Satisfaction(StrEnum):
    SATISFIED = "满意"
    BASICALLY = "基本满意"
    UNSATISFIED = "不满意"


class ReplyResult(StrEnum):
    """Outcome of a 信访处理意见书 (条例第32条)."""

    SUPPORT = "支持"
    EXPLAIN = "解释说明"
    REJECT = "不予支持"


class ReviewResult(StrEnum):
    UPHOLD = "维持"
    CHANGE = "变更"
    REDO = "撤销重办"


class DeadlineState(StrEnum):
    """A legal clock's stored state; only the lifecycle engine changes it."""

    OPEN = "open"  # running
    MET = "met"  # ended on time (stored when it ended, never recomputed)
    LATE = "late"  # ended after its due date
    CANCELLED = "cancelled"  # no longer applies (e.g. 交办 after 不予受理)


# How a clock reads in every list, screen and command. A duty clock is the office's (or the unit's) own period;
# a window is the petitioner's (or a unit's) time to ask: it keeps running until it lapses.
DUTY_STATE_LABELS: dict[DeadlineState, str] = {
    DeadlineState.OPEN: "计时中", DeadlineState.MET: "按期完成", DeadlineState.LATE: "超期完成",
    DeadlineState.CANCELLED: "不适用",
}
WINDOW_STATE_LABELS: dict[DeadlineState, str] = {
    DeadlineState.OPEN: "计时中", DeadlineState.MET: "已按期提出", DeadlineState.LATE: "逾期提出",
    DeadlineState.CANCELLED: "不适用",
}
DUTY_OVERDUE_LABEL = "已超期"  # a duty clock still open after its due date
WINDOW_LAPSED_LABEL = "已届满"  # a window that ran out without being used


class LegalChannel(StrEnum):
    """法定途径 a 申诉求决 matter may be directed to (条例第31条)."""

    LITIGATION = "诉讼"
    ARBITRATION = "仲裁"
    ADMIN_REVIEW = "行政复议"
    PARTY_APPEAL = "党员申诉"
    OTHER = "其他法定程序"


# Labels of record fields, used in validation and import messages so a message names the field as the form does.
FIELD_LABELS: dict[str, str] = {
    "name": "姓名",
    "gender": "性别",
    "id_number": "身份证号",
    "phone": "联系电话",
    "address": "住址",
    "village": "所属村（社区）",
    "received_at": "来访时间",
    "channel": "来访形式",
    "headcount": "来访人数",
    "representatives": "代表人数",
    "representative": "代表",
    "petitioners": "信访人",
    "clerk": "接待人",
    "summary": "诉求摘要",
    "details": "详细情况",
    "category": "问题类别",
    "location": "问题属地",
    "kind": "事项性质",
    "matters": "诉求",
    "note": "备注",
    "reason": "理由",
}


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


# Names a program acts under (the services' 系统, the command line's 命令行), never a person: a document's 经办人
# is left as a line to sign instead.
PROGRAM_OPERATOR_NAMES = frozenset({"系统", "命令行"})
