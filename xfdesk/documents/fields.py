"""The field catalogue: which Chinese placeholders each kind of template may use, and what they mean.

A template may use only the fields of its kind (``{{ 信访人姓名 }}``); list fields (rows of a table) are used in a
``{%tr for 行 in 事项列表 %}`` loop with their own item fields (``{{ 行.诉求摘要 }}``). ``xfdesk doc fields KIND``
prints this catalogue; ``xfdesk doc check`` refuses a template that uses anything else.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xfdesk.documents.kinds import KINDS, DocumentKind, get_kind

NUMBER_PLACEHOLDER = "（保存时编号）"  # shown in a preview in place of the 文号: no number is consumed
BLANK = "＿＿＿＿＿＿＿＿"  # a value the record does not hold yet: printed as a line to fill in by hand
RESTRICTED_NAME = "（身份保密）"
RESTRICTED_VALUE = "（保密）"
# the fields that say when and by whom a document was issued, not what it tells its reader: two notices that differ
# only in these tell the same thing (a reception day's set keeps a petitioner's notice while it does)
ISSUE_FIELDS = frozenset({"文号", "发文日期", "经办人"})


def same_content(issued: dict | None, values: dict) -> bool:
    """Whether a document issued with ``issued`` (its kept values) tells its reader what ``values`` would."""
    if not issued:
        return False
    return ({k: v for k, v in issued.items() if k not in ISSUE_FIELDS}
            == {k: v for k, v in values.items() if k not in ISSUE_FIELDS})


@dataclass(frozen=True)
class FieldSpec:
    name: str
    help: str
    items: tuple["FieldSpec", ...] = ()  # non-empty: a list field, one row per item

    @property
    def is_list(self) -> bool:
        return bool(self.items)


def _f(name: str, help_text: str) -> FieldSpec:
    return FieldSpec(name, help_text)


def _list(name: str, help_text: str, *items: FieldSpec) -> FieldSpec:
    return FieldSpec(name, help_text, tuple(items))


OFFICE_FIELDS = (
    _f("机关名称", "发文机关全称（设置 authority_name），如 琴江镇人民政府"),
    _f("信访部门", "信访工作机构名称（设置 office_name），如 琴江镇信访办"),
    _f("县区", "所在县（区）（设置 county）"),
    _f("上一级机关", "本机关的上一级机关（document_numbering.toml 的 [text] 上一级机关；默认 县区 + 人民政府）"),
    _f("复查机关", "受理复查请求的机关（[text] 复查机关；默认为上一级机关）"),
    _f("复核机关", "受理复核请求的机关，即复查机关的上一级机关（[text] 复核机关）"),
    _f("信访部门电话", "信访部门联系电话（document_numbering.toml 的 [text]）"),
    _f("信访部门地址", "信访接待场所地址（document_numbering.toml 的 [text]）"),
    _f("文号", "本文书的文号，保存时按年度顺序编号，如 琴信告〔2026〕12号；预览时显示“（保存时编号）”"),
    _f("发文日期", "成文日期，如 2026年11月21日"),
    _f("经办人", "出具文书的工作人员"),
)

MATTER_FIELDS = (
    _f("事项编号", "信访事项编号，如 XF-2026-000123"),
    _f("信访人姓名", "信访人姓名（名称）；检举控告事项发往单位的文书中为“（身份保密）”"),
    _f("信访人性别", "男 / 女"),
    _f("信访人身份证号", "身份证号码（完整）"),
    _f("信访人电话", "联系电话（完整）"),
    _f("信访人住址", "住址"),
    _f("所属村", "信访人所属村（社区）"),
    _f("其他信访人", "同一次来访的其他信访人（集体访），以顿号分隔"),
    _f("代表", "集体访推选的代表（登记时所填），以顿号分隔；无则为“无”"),
    _f("称谓", "对信访人的称呼：一人为“你”，多人（集体访）为“你们”"),
    _f("来访形式", "走访 / 来信 / 来电 / 网上 / 领导接访 / 下访"),
    _f("来访日期", "收到信访事项的日期，如 2026年11月21日"),
    _f("来访时间", "收到信访事项的日期和时刻，如 2026年11月21日 9时30分"),
    _f("来访人数", "来访人数"),
    _f("登记人", "登记的接待人员"),
    _f("诉求摘要", "诉求（一句话）"),
    _f("详细情况", "事实和理由（登记时的详细情况）"),
    _f("问题类别", "问题类别"),
    _f("问题属地", "问题发生地（村、社区）"),
    _f("事项性质", "建议意见 / 检举控告 / 申诉求决"),
    _f("办理状态", "当前办理状态，如 已受理"),
    _f("事项标记", "集体访、重复访、越级访等标记，以顿号分隔"),
    _f("责任单位", "交办的责任单位"),
    _f("包案领导", "包案领导姓名和职务"),
    _f("受理日期", "受理之日，如 2026年11月21日"),
    _f("办结期限", "办理期限届满日（含经批准的延期），如 2027年1月20日"),
    _f("办理期限", "办理时限，如 60日"),
    _f("办理期限依据", "该事项性质实际适用的办理时限的条文依据（来自时限方案）"),
    _f("办理期限说明", "办理期限的完整一句：依据、期限和办结日期（申诉求决类含延期说明），以句号结尾"),
    _f("甄别理由", "甄别（受理、不予受理、不再受理、转送、导入法定途径）时写明的理由"),
    _f("甄别依据", "甄别决定的政策法规依据"),
    _f("转送去向", "转送的有权处理机关或导入的法定途径"),
)

DAY_FIELDS = (
    _f("接访日期", "领导接访日，如 2026年11月26日"),
    _f("接访星期", "星期几，如 星期四"),
    _f("接访地点", "接访地点（document_numbering.toml 的 [text] 接访地点）"),
    _f("接访领导", "当日接访领导（姓名和职务），以顿号分隔"),
)

_ROW_FIELDS = (
    _f("序号", "行号，从 1 起"),
    _f("接访时间", "约定的时段，如 9:00"),
    _f("事项编号", "信访事项编号"),
    _f("信访人", "信访人姓名；检举控告事项发往单位时为“（身份保密）”"),
    _f("所属村", "信访人所属村（社区）"),
    _f("诉求摘要", "诉求（一句话）"),
    _f("接访领导", "接待该事项的领导"),
    _f("责任单位", "责任单位"),
    _f("事项标记", "集体访、重复访等标记"),
    _f("既往信访", "该信访人此前的信访事项（编号、诉求、状态）"),
)

_KIND_FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "registration_form": (
        _f("既往信访", "该信访人此前登记的信访事项（编号、诉求、状态），以分号分隔；没有时为“无”"),
    ),
    "acceptance_notice": (
        _f("查询码", "受理时给出的查询码，如 K7NM-4XQP：信访人凭它电话查询办理进展（xfdesk query）"),
    ),
    "non_acceptance_notice": (),
    "non_reacceptance_notice": (),
    "transfer_notice": (
        _f("转送日期", "转送之日"),
    ),
    "legal_channel_notice": (
        _f("法定途径机关", "受理该法定途径的机关（如 石城县劳动人事争议仲裁委员会），见 [法定途径机关]"),
    ),
    "transfer_form": (
        _f("转送单位", "接收转送/交办的单位"),
        _f("交办日期", "转送、交办之日"),
        _f("办理要求", "对承办单位的要求（可在出具时填写）"),
    ),
    "extension_notice": (
        _f("延期天数", "经批准延长的天数，如 30"),
        _f("延期理由", "延期理由（延期办理时写明的理由）"),
        _f("原办结期限", "延期前的办结期限"),
        _f("批准人", "批准延期的负责人"),
    ),
    "handling_opinion": (
        _f("答复日期", "出具处理意见之日"),
        _f("处理结果", "支持 / 解释说明 / 不予支持"),
        _f("事实和理由", "查明的事实和理由（出具时填写）"),
        _f("处理意见", "处理意见（答复时写明的意见）"),
        _f("处理依据", "处理意见的法律法规依据（出具时填写）"),
        _f("复查期限", "信访人请求复查的期限，如 30日"),
        _f("复查依据", "复查期限的条文依据"),
    ),
    "review_opinion": (
        _f("复查申请日期", "收到复查请求之日"),
        _f("复查机关", "作出复查意见的机关"),
        _f("复查结论", "维持 / 变更 / 撤销重办"),
        _f("复查意见", "复查意见（复查结论时写明的意见）"),
        _f("复核期限", "信访人请求复核的期限，如 30日"),
        _f("复核依据", "复核期限的条文依据"),
    ),
    "re_review_opinion": (
        _f("复核申请日期", "收到复核请求之日"),
        _f("复核机关", "作出复核意见的机关"),
        _f("复核结论", "维持 / 变更 / 撤销重办"),
        _f("复核意见", "复核意见（复核结论时写明的意见）"),
    ),
    "supervision_letter": (
        _f("督办单位", "被督办的责任单位"),
        _f("交办日期", "交办之日"),
        _f("剩余天数", "距办结期限的天数（已逾期为负数）"),
        _f("期限情况", "期限的文字说明：距办结期限还有3日 / 今日到期 / 已超期72日"),
        _f("督办要求", "督办要求（出具时填写）"),
        _f("反馈期限", "书面反馈办理结果的期限"),
    ),
    "follow_up_record": (
        _f("回访日期", "回访之日"),
        _f("回访方式", "电话 / 上门 / 来访 等"),
        _f("满意程度", "满意 / 基本满意 / 不满意"),
        _f("回访情况", "回访记录"),
        _f("回访人", "回访的工作人员"),
    ),
    "leader_reception_notice": (
        _f("事项编号", "信访事项编号"),
        _f("信访人姓名", "信访人姓名（名称）"),
        _f("诉求摘要", "诉求（一句话）"),
        _f("接访时间", "约定的时段，如 9:00"),
        _f("约见领导", "接待该信访人的领导（姓名和职务）"),
        _f("称谓", "对信访人的称呼：一人为“你”，多人（集体访）为“你们”"),
    ),
    "unit_attendance_notice": (
        _f("单位名称", "参加接访的单位"),
        _list("事项列表", "本单位须参加接访的事项，每行一件", *_ROW_FIELDS),
        _f("事项件数", "本单位须参加接访的事项件数"),
    ),
    "leader_brief": (
        _list("事项列表", "当日预约的信访事项，每行一件（含既往信访）", *_ROW_FIELDS),
        _f("事项件数", "当日预约的事项件数"),
    ),
    "supervision_notice": (
        _f("单位名称", "被督办的责任单位"),
        _f("事项编号", "信访事项编号"),
        _f("信访人姓名", "信访人姓名；检举控告事项为“（身份保密）”"),
        _f("诉求摘要", "诉求（一句话）"),
        _f("约见领导", "接待该信访人的领导（姓名和职务）"),
        _f("领导批示", "领导接访后的批示"),
        _f("办结期限", "办理期限届满日"),
        _f("反馈期限", "书面反馈办理结果的期限"),
    ),
    "work_report": (
        _f("报告期间", "报告所属期间，如 2026年10月、2026年第四季度"),
        _f("统计截至", "数字统计到哪一天，如 2026年11月21日"),
        _f("事项总数", "当期登记的信访事项件数"),
        _f("来访批次", "当期来信来访批次"),
        _f("来访人次", "当期来访人次"),
        _f("环比", "事项数与上期相比，如 +12.50%；上期为0时为“—”"),
        _f("同比", "事项数与上年同期相比"),
        _f("集体访", "集体访件数"),
        _f("越级访", "越级访件数"),
        _f("重复访", "重复访件数"),
        _f("及时受理率", "及时受理率（分母为0时为“—”）"),
        _f("按期办结率", "按期办结率"),
        _f("化解率", "化解率"),
        _f("满意率", "满意率"),
        _f("督办次数", "当期督办次数"),
        _f("领导接待", "当期领导接访接待件数"),
        _list("比率表", "各项比率，每行一项（含分子、分母）",
              _f("指标", "及时受理率、按期办结率 …"), _f("分子", "分子件数及口径"), _f("分母", "分母件数及口径"),
              _f("比率", "比率，分母为0时为“—”")),
        _list("类别表", "按问题类别，每行一类",
              _f("名称", "问题类别（接待员出具时检举控告单列）"), _f("件数", "件数"), _f("占比", "占当期事项的比例")),
        _list("单位排名", "责任单位按期办结率排名，每行一个单位",
              _f("名次", "名次；件数不足不参与排名的为“—”"), _f("单位", "责任单位"), _f("到期", "办理期限当期了结件数"),
              _f("按期", "按期办结件数"), _f("办结率", "按期办结率"), _f("通报", "后列、限期整改、书面检查")),
        _f("通报单位", "本期被通报的单位（后几名），以顿号分隔；没有时为“无”"),
        _f("统计口径", "统计口径说明（data/report_rules.toml）"),
    ),
    "rectification_notice": (
        _f("单位名称", "被通报的责任单位"),
        _f("通报月份", "连续被通报的月份，如 2026年9月、10月"),
        _f("连续月数", "连续被通报为后几名的月数"),
        _f("后几名", "通报的名次范围，如 3（后3名）"),
        _f("本月按期办结率", "本月按期办结率"),
        _f("超期件数", "本月办理超期的事项件数"),
        _f("报送期限", "报送书面整改意见的期限"),
    ),
    "reception_schedule": (
        _f("起止日期", "安排表覆盖的一周，如 2026年11月23日至11月29日"),
        _list("安排", "本周每个接访日一行",
              _f("日期", "接访日，如 2026年11月26日"),
              _f("星期", "星期几"),
              _f("接访领导", "接访领导（姓名和职务），以顿号分隔"),
              _f("接访地点", "接访地点"),
              _f("预约件数", "已预约的事项件数"),
              _f("备注", "备注（如 逢节假日顺延）")),
    ),
}


def catalogue(kind: DocumentKind | str) -> tuple[FieldSpec, ...]:
    """All fields a template of ``kind`` may use, in the order ``doc fields`` shows them."""
    kind = kind if isinstance(kind, DocumentKind) else get_kind(kind)
    own = _KIND_FIELDS[kind.key]
    base = OFFICE_FIELDS + (MATTER_FIELDS if kind.scope == "matter" else DAY_FIELDS if kind.scope == "day" else ())
    names = {f.name for f in own}
    return tuple(f for f in base if f.name not in names) + own


def field_names(kind: DocumentKind | str) -> set[str]:
    return {f.name for f in catalogue(kind)}


def list_fields(kind: DocumentKind | str) -> dict[str, set[str]]:
    """List fields of ``kind`` → the names of their item fields."""
    return {f.name: {i.name for i in f.items} for f in catalogue(kind) if f.is_list}


def describe(kind: DocumentKind | str) -> str:
    """The catalogue as text for ``xfdesk doc fields`` and docs/templates.md."""
    kind = kind if isinstance(kind, DocumentKind) else get_kind(kind)
    lines = [f"{kind.name}（{kind.key}，模板文件 {kind.file_name}）可用字段："]
    for f in catalogue(kind):
        if f.is_list:
            lines.append(f"  {{%tr for 行 in {f.name} %}} … {{%tr endfor %}}  {f.help}；每行可用：")
            lines.extend(f"      {{{{ 行.{i.name} }}}}  {i.help}" for i in f.items)
        else:
            lines.append(f"  {{{{ {f.name} }}}}  {f.help}")
    return "\n".join(lines)


def all_catalogues() -> dict[str, tuple[FieldSpec, ...]]:
    return {k.key: catalogue(k) for k in KINDS}


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # not allowed in XML; \a \f would also split paragraphs


def clean_value(value: Any) -> Any:
    """Values as they should print: text without characters XML cannot hold, lists of rows cleaned likewise."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    if isinstance(value, Mapping):
        return {k: clean_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_value(v) for v in value]
    if isinstance(value, (int, float)):
        return value
    return clean_value(str(value))
