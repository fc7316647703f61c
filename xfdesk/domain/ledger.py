"""Reading a county's Excel 台账 (issue 14 item 5): which column is which, and what a cell means.

Real ledgers differ from office to office: headers are named 登记时间 or 来访日期 or just 日期, dates are typed as
2026.3.5, 2026年3月5日, 2026/3/5 or stored as Excel serial numbers, a title row sits above the header. Everything
here is pure: the service hands in cell values and gets fields or a Chinese reason.
"""

from __future__ import annotations

import datetime as dt
import re

from xfdesk.domain.glossary import Channel, Satisfaction

# field → the header names offices use for it (compared after ``normalize_header``)
ALIASES: dict[str, tuple[str, ...]] = {
    "number": ("编号", "原编号", "信访编号", "登记编号", "事项编号", "案件编号"),
    "received_on": ("登记日期", "登记时间", "来访日期", "来访时间", "日期", "时间", "收到日期", "信访日期", "受理日期",
                    "来信来访日期"),
    "channel": ("来访形式", "信访形式", "形式", "方式", "信访方式", "来访方式", "渠道"),
    "name": ("信访人", "姓名", "信访人姓名", "来访人", "反映人", "来访人姓名"),
    "id_number": ("身份证号", "身份证号码", "身份证", "公民身份号码"),
    "phone": ("联系电话", "电话", "手机", "手机号", "联系方式", "电话号码"),
    "address": ("住址", "地址", "家庭住址", "居住地"),
    "village": ("所属村", "所在村", "村（社区）", "村社区", "村居", "属地", "问题属地"),
    "headcount": ("人数", "来访人数", "人次"),
    "category": ("问题类别", "类别", "问题分类", "问题性质", "信访类别"),
    "summary": ("诉求摘要", "诉求", "主要诉求", "反映问题", "反映内容", "信访事项", "内容摘要", "问题摘要", "信访内容",
                "主要问题"),
    "unit": ("责任单位", "承办单位", "交办单位", "办理单位", "处理单位"),
    "due_on": ("办理期限", "期限", "办结期限"),
    "handling": ("办理情况", "处理情况", "办理结果", "处理结果", "处理意见"),
    "answered_on": ("答复日期", "办结日期", "答复时间", "办结时间"),
    "finished": ("是否办结", "办结情况", "办结"),
    "satisfaction": ("回访满意度", "满意度", "回访情况", "是否满意", "回访结果"),
    "note": ("备注",),
    "serial": ("序号",),
}
FIELD_NAMES: dict[str, str] = {
    "number": "编号", "received_on": "登记日期", "channel": "来访形式", "name": "信访人", "id_number": "身份证号",
    "phone": "联系电话", "address": "住址", "village": "所属村", "headcount": "人数", "category": "问题类别",
    "summary": "诉求摘要", "unit": "责任单位", "due_on": "办理期限", "handling": "办理情况",
    "answered_on": "答复日期", "finished": "是否办结", "satisfaction": "回访满意度", "note": "备注", "serial": "序号",
}
REQUIRED = ("received_on", "name", "summary")
CHANNEL_ALIASES = {"来访": "走访", "上访": "走访", "到访": "走访", "信件": "来信", "书信": "来信", "电话": "来电",
                   "网络": "网上", "网信": "网上", "网上信访": "网上", "信访信息系统": "网上", "12345": "来电",
                   "领导接待": "领导接访", "接访": "领导接访", "下访约访": "下访"}


def normalize_header(text: object) -> str:
    """'登记 时间\\n' / '来访日期（年月日）' → '登记时间' / '来访日期'; full-width and half-width alike."""
    value = re.sub(r"\s+", "", str(text or ""))
    value = re.sub(r"[（(][^）)]*[）)]$", "", value) if not value.startswith(("村（", "村(")) else value
    return value.replace("(", "（").replace(")", "）").strip("：:*")


def match_headers(headers: list[object], mapping: dict[str, str] | None = None) -> dict[str, int]:
    """field → column index (0-based) for the header row; ``mapping`` (header text → field) wins over aliases.
    The first column of a field wins; unknown headers are ignored."""
    by_alias = {normalize_header(a): f for f, names in ALIASES.items() for a in names}
    own = {normalize_header(k): v for k, v in (mapping or {}).items()}
    found: dict[str, int] = {}
    for i, header in enumerate(headers):
        key = normalize_header(header)
        if not key:
            continue
        field = own.get(key) or by_alias.get(key)
        if field and field not in found:
            found[field] = i
    return found


class CellRefused(ValueError):
    """A cell that cannot be read: the message is the Chinese reason."""


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: object, label: str) -> dt.date | None:
    """A ledger date: a real date cell, an Excel serial number, or the ways offices type dates."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # 1954 … 2119: an Excel serial date typed or pasted as a number
            return _EXCEL_EPOCH + dt.timedelta(days=int(value))
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            value = str(int(value))
        else:
            raise CellRefused(f"{label}“{value}”不是日期")
    text = str(value).strip()
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise CellRefused(f"{label}“{text}”不是有效日期") from None
    raise CellRefused(f"{label}“{text}”无法识别为日期（可写 2026-03-05、2026.3.5、2026年3月5日）")


def parse_channel(value: object) -> str:
    text = re.sub(r"\s+", "", str(value or ""))
    if not text:
        return Channel.VISIT.value
    text = CHANNEL_ALIASES.get(text, text)
    if text not in {c.value for c in Channel}:
        raise CellRefused(f"来访形式“{value}”无效，应为{'、'.join(c.value for c in Channel)}之一")
    return text


def parse_headcount(value: object) -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    text = str(value).strip().removesuffix("人")
    try:
        number = float(text)
    except ValueError:
        raise CellRefused(f"人数“{value}”应为整数") from None
    if not number.is_integer() or number < 1:
        raise CellRefused(f"人数“{value}”应为不小于1的整数")
    return int(number)


def parse_satisfaction(value: object) -> str | None:
    """满意 / 基本满意 / 不满意, or ``None`` for an empty or unrecognised cell (the text stays in the details)."""
    text = re.sub(r"\s+", "", str(value or ""))
    if not text:
        return None
    for s in (Satisfaction.UNSATISFIED, Satisfaction.BASICALLY, Satisfaction.SATISFIED):  # longest first
        if s.value in text:
            return s.value
    return None


def parse_finished(value: object) -> bool | None:
    text = re.sub(r"\s+", "", str(value or ""))
    if not text:
        return None
    if text in ("是", "已办结", "办结", "已结", "结案", "已结案", "√", "Y", "y", "yes"):
        return True
    if text in ("否", "未办结", "未结", "在办", "办理中", "×", "N", "n", "no"):
        return False
    return None


def cell_text(value: object) -> str:
    """A cell as text: numbers typed as numbers (a phone 13800001234.0, an ID number) lose the '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m-%d")
    return str(value).strip()
