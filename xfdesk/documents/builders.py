"""Field builders: the values of every catalogue field of a kind, read from the records through a session.

One builder per kind adds its own fields to the common ones (office, matter or reception day). Values the record
does not hold yet print as a line to fill in by hand (``BLANK``); the clerk may also supply them (``extra``).
For 检举控告 matters, documents addressed to units carry no petitioner identity (条例第30条).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from xfdesk.documents.fields import (BLANK, NUMBER_PLACEHOLDER, RESTRICTED_NAME, RESTRICTED_VALUE, catalogue,
                                     field_names)
from xfdesk.documents.kinds import DocumentKind, Scope
from xfdesk.domain.deadlines import days_left
from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import FLAG_LABELS, PROGRAM_OPERATOR_NAMES, Flag
from xfdesk.domain.lifecycle import STATUS_LABELS, Status
from xfdesk.domain.reception import rule_from_settings
from xfdesk.domain.privacy import RESTRICTED_TEXT, may_see_content
from xfdesk.storage.models import (
    Appointment,
    Contact,
    ContactPetitioner,
    Deadline,
    Event,
    FollowUp,
    Leader,
    Matter,
    Petitioner,
    ReceptionDay,
    ReceptionDayLeader,
    Review,
    Unit,
)

WEEKDAYS = ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日")
RESTRICTED_DETAILS = "（检举控告事项，检举材料按保密规定另行移交）"
NUMBERING_FILE = "document_numbering.toml"
UNNAMED_SUPERIOR = "的上一级行政机关"  # 复核机关 not in the data: the 复查意见书 says so in words, nothing heads with it


class DocumentRefused(Refused, ValueError):
    """The document cannot be made for this record (missing matter, unit, appointment …); message in Chinese."""


def cn_date(day: dt.date | None) -> str:
    """Dates as official documents print them: 2026年11月21日 (Arabic numerals, no leading zeros)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else BLANK


def cn_datetime(at: dt.datetime | None) -> str:
    return f"{cn_date(at.date())} {at.hour}时{at.minute:02d}分" if at else BLANK


def _handler(name: str) -> str:
    """The 经办人 a document prints: the person who issued it; a program word (命令行, 系统) never — a line to
    sign by hand instead (the command line runs as the signed-in account)."""
    name = (name or "").strip()
    return BLANK if not name or name in PROGRAM_OPERATOR_NAMES else name


NON_BREAKING_HYPHEN = "\u2011"


def unbroken(number: str) -> str:
    """A matter number that a line never breaks at its hyphens (XF‑2026‑000123)."""
    return number.replace("-", NON_BREAKING_HYPHEN)


def addressing(people: int, headcount: int) -> str:
    """你 to one petitioner, 你们 to a group visit (several registered or more than one came)."""
    return "你们" if people > 1 or (headcount or 1) > 1 else "你"


def handling_sentence(limit, due_text: str, *, standard: bool) -> str:  # noqa: ANN001
    """The 办理期限 sentence of a 受理告知书 for the clock that runs: 第三十四条's 60 days with its extension for
    申诉求决 matters; for others (检举控告, 建议意见) the basis the profile names and the date, no 第三十四条."""
    citation = _citation(limit.basis)
    if standard:
        return (f"依照{citation}的规定，本机关将自受理之日起{limit.text}内办结，办结期限至{due_text}；"
                "情况复杂需要延长办理期限的，将书面告知延期理由。")
    return f"该事项依照{citation}的规定依规依纪依法办理，本机关将于{due_text}前书面告知办理结果。"


def _or_blank(text: str | None) -> str:
    text = (text or "").strip()
    return text if text else BLANK


def _citation(basis: str) -> str:
    """The article part of a rule profile's basis: "《信访工作条例》第三十四条：…" → "《信访工作条例》第三十四条"."""
    return basis.split("：", 1)[0].strip() or basis


def _sentence(text: str) -> str:
    text = text.strip()
    return text if not text or text[-1] in "。！？；" else text + "。"


def time_left_text(left: int | None) -> str:
    """How the 督办函 states the time left: 距办结期限还有3日 / 今日到期 / 已超期72日 (never a negative number)."""
    if left is None:
        return "办结期限未定"
    if left > 0:
        return f"距办结期限还有{left}日"
    if left == 0:
        return "今日到期"
    return f"已超期{-left}日"


MASKED_VALUES = frozenset({RESTRICTED_NAME, RESTRICTED_VALUE, RESTRICTED_DETAILS})


@dataclass
class Target:
    kind: DocumentKind
    matter_id: int | None = None
    reception_day_id: int | None = None
    unit_id: int | None = None
    appointment_id: int | None = None


@dataclass
class Built:
    values: dict[str, Any]
    who: str  # for the file name: the petitioner, the unit or the day; never a restricted identity on unit documents
    matter_id: int | None
    reception_day_id: int | None
    unit_id: int | None


def numbering_config(ctx) -> dict[str, Any]:  # noqa: ANN001
    path = ctx.home.data_file(NUMBERING_FILE)
    if not path.exists():
        return {}
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise DocumentRefused(f"文书编号设置文件 {path} 格式有误：{exc}（中文名称须加英文双引号）") from None


class _Builder:
    def __init__(self, session: Session, ctx, operator, target: Target, number_text: str | None,  # noqa: ANN001
                 issued_on: dt.date):
        self.session = session
        self.ctx = ctx
        self.operator = operator
        self.target = target
        self.kind = target.kind
        self.issued_on = issued_on
        self.number_text = number_text or NUMBER_PLACEHOLDER
        self.config = numbering_config(ctx)
        self.text = dict(self.config.get("text", {}))
        self.values: dict[str, Any] = {}
        self.matter: Matter | None = None
        self.unit: Unit | None = None
        self.day: ReceptionDay | None = None
        self.appointment: Appointment | None = None
        self.who = ""

    # -- common -----------------------------------------------------------------------------------------------
    def office(self) -> None:
        s = self.ctx.settings
        superior = str(self.text.get("上一级机关") or f"{s.county}人民政府")
        review_body = str(self.text.get("复查机关") or superior)
        self.values.update({
            "机关名称": s.authority_name,
            "信访部门": s.office_name,
            "县区": s.county,
            "上一级机关": superior,
            "复查机关": review_body,
            "复核机关": str(self.text.get("复核机关") or f"{review_body}{UNNAMED_SUPERIOR}"),
            "信访部门电话": _or_blank(str(self.text.get("信访部门电话", ""))),
            "信访部门地址": _or_blank(str(self.text.get("信访部门地址", ""))),
            "文号": self.number_text,
            "发文日期": cn_date(self.issued_on),
            "经办人": _handler(self.operator.name),
        })

    def feedback_date(self) -> str:
        days = int(self.text.get("反馈工作日", 5) or 5)
        return cn_date(self.ctx.calendar().add_workdays(self.issued_on, days))

    def events(self, *actions: str) -> list[Event]:
        if self.matter is None:
            return []
        q = select(Event).where(Event.matter_id == self.matter.id)
        if actions:
            q = q.where(Event.action.in_(actions))
        return list(self.session.exec(q.order_by(Event.at, Event.id)))

    def last_event(self, *actions: str) -> Event | None:
        found = self.events(*actions)
        return found[-1] if found else None

    def deadline(self, name: str) -> Deadline | None:
        if self.matter is None:
            return None
        return self.session.exec(
            select(Deadline).where(Deadline.matter_id == self.matter.id, Deadline.name == name,
                                   Deadline.state != "cancelled").order_by(Deadline.id.desc())).first()

    def leader_label(self, leader_id: int | None) -> str:
        leader = self.session.get(Leader, leader_id) if leader_id else None
        if leader is None:
            return ""
        return f"{leader.name}（{leader.title}）" if leader.title else leader.name

    def accused_units(self, matter: Matter) -> set[int]:
        """The units a 检举控告 matter reports (the latest ``accused_units`` event, services.accused): never
        listed on their own attendance notice."""
        ev = self.session.exec(select(Event).where(Event.matter_id == matter.id, Event.action == "accused_units")
                               .order_by(Event.id.desc())).first()
        return {int(u) for u in ((ev.data or {}).get("unit_ids") or [])} if ev else set()

    def restricted_for_unit(self, matter: Matter | None) -> bool:
        return bool(matter is not None and matter.is_restricted and self.kind.to_unit)

    # -- matter -----------------------------------------------------------------------------------------------
    def load_matter(self) -> Matter:
        if self.target.matter_id is None:
            raise DocumentRefused(f"出具“{self.kind.name}”需要指定信访事项")
        matter = self.session.get(Matter, self.target.matter_id)
        if matter is None:
            raise DocumentRefused(f"找不到信访事项（编号 {self.target.matter_id}）")
        self.matter = matter
        return matter

    def matter_fields(self) -> None:
        m = self.load_matter()
        person = self.session.get(Petitioner, m.petitioner_id)
        contact = self.session.get(Contact, m.contact_id)
        others = self.session.exec(
            select(Petitioner.name).join(ContactPetitioner, ContactPetitioner.petitioner_id == Petitioner.id)
            .where(ContactPetitioner.contact_id == m.contact_id, Petitioner.id != m.petitioner_id)
            .order_by(ContactPetitioner.position)).all()
        representatives = self.session.exec(  # a group visit's 代表, as typed (the main petitioner may be one)
            select(Petitioner.name).join(ContactPetitioner, ContactPetitioner.petitioner_id == Petitioner.id)
            .where(ContactPetitioner.contact_id == m.contact_id, ContactPetitioner.representative == True)  # noqa: E712
            .order_by(ContactPetitioner.position)).all()
        unit = self.session.get(Unit, m.unit_id) if m.unit_id else None
        # the clock that actually runs for the matter's kind (检举控告 and 建议意见 are not 第三十四条's)
        handling_limit = self.ctx.profile.limit_for("handling", m.kind)
        handling = self.deadline("handling")
        accepted = handling.start_on if handling else None
        if accepted is None:
            ev = self.last_event("accept")
            accepted = ev.at.date() if ev else None
        due_text = cn_date(handling.due_on) if handling else BLANK
        self.values.update({
            "事项编号": unbroken(m.number),
            "信访人姓名": person.name,
            "信访人性别": person.gender or "",
            "信访人身份证号": person.id_number or "",
            "信访人电话": person.phone or "",
            "信访人住址": person.address,
            "所属村": person.village,
            "其他信访人": "、".join(others) if others else "无",
            "代表": "、".join(representatives) if representatives else "无",
            "称谓": addressing(len(others) + 1, contact.headcount if contact else 1),
            "来访形式": contact.channel if contact else "",
            "来访日期": cn_date(m.received_on),
            "来访时间": cn_datetime(contact.received_at) if contact else cn_date(m.received_on),
            "来访人数": contact.headcount if contact else 1,
            "登记人": contact.clerk if contact else "",
            "诉求摘要": m.summary,
            "详细情况": m.details or m.summary,
            "问题类别": m.category,
            "问题属地": m.location,
            "事项性质": m.kind or "未甄别",
            "办理状态": STATUS_LABELS[Status(m.status)],
            "事项标记": "、".join(FLAG_LABELS[f] for f in Flag if getattr(m, f.value)) or "无",
            "责任单位": unit.name if unit else "",
            "包案领导": self.leader_label(m.leader_id),
            "受理日期": cn_date(accepted),
            "办结期限": cn_date(handling.due_on) if handling else BLANK,
            "办理期限": handling_limit.text,
            "办理期限依据": _citation(handling_limit.basis),
            "办理期限说明": handling_sentence(handling_limit, due_text, standard=handling_limit.name == "handling"),
            "甄别理由": _sentence(_or_blank(m.route_reason)),
            "甄别依据": _sentence(_or_blank(m.route_basis)),
            "转送去向": m.forwarded_to or "有权处理的机关、单位",
        })
        self.who = person.name
        if self.restricted_for_unit(m):
            self.values.update({
                "信访人姓名": RESTRICTED_NAME, "信访人性别": RESTRICTED_VALUE, "信访人身份证号": RESTRICTED_VALUE,
                "信访人电话": RESTRICTED_VALUE, "信访人住址": RESTRICTED_VALUE, "所属村": RESTRICTED_VALUE,
                "其他信访人": RESTRICTED_VALUE, "代表": RESTRICTED_VALUE, "详细情况": RESTRICTED_DETAILS,
            })
            self.who = ""

    def load_unit(self, fallback_matter_unit: bool = True) -> Unit | None:
        unit_id = self.target.unit_id
        if unit_id is None and fallback_matter_unit and self.matter is not None:
            unit_id = self.matter.unit_id
        self.unit = self.session.get(Unit, unit_id) if unit_id else None
        if self.unit is not None and self.kind.to_unit:
            self.who = self.unit.name
        return self.unit

    # -- reception day ----------------------------------------------------------------------------------------
    def load_day(self) -> ReceptionDay:
        day_id = self.target.reception_day_id
        if day_id is None and self.target.appointment_id is not None:
            appt = self.session.get(Appointment, self.target.appointment_id)
            day_id = appt.reception_day_id if appt else None
        if day_id is None:
            raise DocumentRefused(f"出具“{self.kind.name}”需要指定领导接访日")
        day = self.session.get(ReceptionDay, day_id)
        if day is None:
            raise DocumentRefused(f"找不到领导接访日（编号 {day_id}）")
        self.day = day
        return day

    def day_leaders(self, day: ReceptionDay) -> list[str]:
        seats = self.session.exec(select(ReceptionDayLeader).where(ReceptionDayLeader.reception_day_id == day.id)
                                  .order_by(ReceptionDayLeader.id)).all()
        return [self.leader_label(s.leader_id) for s in seats if self.leader_label(s.leader_id)]

    def day_fields(self) -> None:
        day = self.load_day()
        self.values.update({
            "接访日期": cn_date(day.day),
            "接访星期": WEEKDAYS[day.day.weekday()],
            "接访地点": str(self.text.get("接访地点") or BLANK),
            "接访领导": "、".join(self.day_leaders(day)) or BLANK,
        })
        self.who = cn_date(day.day)

    def appointments(self, day: ReceptionDay) -> list[Appointment]:
        return list(self.session.exec(
            select(Appointment).where(Appointment.reception_day_id == day.id, Appointment.state != "cancelled")
            .order_by(Appointment.slot, Appointment.id)))

    def slot_label(self, slot: int) -> str:
        try:
            return rule_from_settings(self.ctx.settings).slot_label(slot)
        except Exception:  # noqa: BLE001 — a broken start-time setting must not stop a notice
            return f"第{slot}时段" if slot > 0 else "现场"

    def history(self, matter: Matter, limit: int = 3) -> str:
        earlier = self.session.exec(
            select(Matter).where(Matter.petitioner_id == matter.petitioner_id, Matter.id != matter.id,
                                 Matter.received_on <= matter.received_on)
            .order_by(Matter.received_on.desc(), Matter.id.desc())).all()
        if not earlier:
            return "无"
        parts = [f"{e.number}（{cn_date(e.received_on)}，{e.summary}，{STATUS_LABELS[Status(e.status)]}）"
                 for e in earlier[:limit]]
        more = f"等共{len(earlier)}件" if len(earlier) > limit else f"共{len(earlier)}件"
        return "；".join(parts) + f"（{more}）"

    def row(self, index: int, appt: Appointment) -> dict[str, Any]:
        m = self.session.get(Matter, appt.matter_id)
        person = self.session.get(Petitioner, m.petitioner_id)
        unit = self.session.get(Unit, m.unit_id) if m.unit_id else None
        hidden = self.restricted_for_unit(m)
        # a clerk's copy of a day's list: a 检举控告 row has neither the accuser nor the report's words, nor the
        # person's other matters (the guard refused every document that would name the accuser to a clerk)
        unseen = m.is_restricted and not may_see_content(self.operator.role, True)
        hidden = hidden or unseen
        return {
            "序号": index,
            "接访时间": self.slot_label(appt.slot),
            "事项编号": unbroken(m.number),
            "信访人": RESTRICTED_NAME if hidden else person.name,
            "所属村": RESTRICTED_VALUE if hidden else person.village,
            "诉求摘要": RESTRICTED_TEXT if unseen else m.summary,
            "接访领导": self.leader_label(appt.leader_id),
            "责任单位": unit.name if unit else "",
            "事项标记": "、".join(FLAG_LABELS[f] for f in Flag if getattr(m, f.value)) or "",
            "既往信访": RESTRICTED_VALUE if hidden else self.history(m),
        }

    def load_appointment(self) -> Appointment:
        appt = None
        if self.target.appointment_id is not None:
            appt = self.session.get(Appointment, self.target.appointment_id)
        elif self.target.matter_id is not None and self.target.reception_day_id is not None:
            appt = self.session.exec(select(Appointment).where(
                Appointment.matter_id == self.target.matter_id,
                Appointment.reception_day_id == self.target.reception_day_id,
                Appointment.state != "cancelled").order_by(Appointment.id.desc())).first()
        if appt is None:
            raise DocumentRefused(f"出具“{self.kind.name}”需要指定一个约访")
        self.appointment = appt
        self.target.matter_id = appt.matter_id
        self.target.reception_day_id = appt.reception_day_id
        return appt


# -- the per-kind builders -------------------------------------------------------------------------------------------

def _registration_form(b: _Builder) -> None:
    b.values["既往信访"] = b.history(b.matter, limit=5)


def _no_extra(_b: _Builder) -> None:
    return None


def _from_report(b: _Builder) -> None:
    """信访工作情况报告: the figures come from the reports service (``extra``); a preview without them shows “—”
    in every field, so the template is checked and filled like any other."""
    for f in catalogue(b.kind):
        if f.name not in b.values:
            b.values[f.name] = [] if f.is_list else "—"
    b.values["通报单位"] = "无"
    b.who = ""  # the file is named by 文号 and kind: 琴信报〔2026〕1号-信访工作情况报告.docx


def _rectification_notice(b: _Builder) -> None:
    unit = b.load_unit(fallback_matter_unit=False)
    if unit is None:
        raise DocumentRefused("出具“限期整改督查通知书”需要指定责任单位")
    _from_report(b)
    b.values["单位名称"] = unit.name
    b.values["报送期限"] = b.feedback_date()
    b.who = unit.name


def _acceptance_notice(b: _Builder) -> None:
    from xfdesk.domain.query_code import format_query_code

    b.values["查询码"] = format_query_code(b.matter.query_code) if b.matter.query_code else "（受理后生成）"
    if not (b.matter.route_reason or "").strip():  # never blank lines for the reason the office accepted
        b.values["甄别理由"] = "该信访事项属于本机关职权范围，符合受理条件。"


def _transfer_notice(b: _Builder) -> None:
    forwarded = b.last_event("forward")
    b.values["转送日期"] = cn_date(forwarded.at.date() if forwarded else None)


def _legal_channel_notice(b: _Builder) -> None:
    """The body that takes the channel: typed after the channel (仲裁：石城县劳动人事争议仲裁委员会), or the
    office's own table ([法定途径机关] of document_numbering.toml), else a line to fill in."""
    channel = (b.matter.forwarded_to or "").strip()
    body = ""
    for sep in ("：", ":"):
        if sep in channel:
            channel, body = (p.strip() for p in channel.split(sep, 1))
            break
    bodies = {str(k): str(v) for k, v in dict(b.config.get("法定途径机关", {})).items()}
    body = body or bodies.get(channel, "").strip()
    b.values["转送去向"] = channel or BLANK
    b.values["法定途径机关"] = body or BLANK


def _transfer_form(b: _Builder) -> None:
    unit = b.load_unit()
    assigned = b.last_event("assign", "forward")
    b.values.update({
        "转送单位": unit.name if unit else _or_blank(b.matter.forwarded_to),
        "交办日期": cn_date(assigned.at.date() if assigned else b.issued_on),
        "办理要求": f"请依法依规办理，并于办结期限前将办理结果书面报送{b.ctx.settings.office_name}。",
    })
    if unit is None and b.matter.forwarded_to and not b.matter.is_restricted:
        b.who = b.matter.forwarded_to


def _extension_notice(b: _Builder) -> None:
    ev = b.last_event("extend")
    handling = b.deadline("handling")
    days = int((ev.data or {}).get("days", 0)) if ev else (handling.extension_days if handling else 0)
    original = None
    if handling is not None:
        from xfdesk.domain.deadlines import due_date

        original = due_date(handling.start_on, b.ctx.profile.limit("handling"), b.ctx.calendar(),
                            extension_days=max(handling.extension_days - days, 0))
    b.values.update({
        "延期天数": days or BLANK,
        "延期理由": _or_blank(ev.note if ev else "").rstrip("。"),
        "原办结期限": cn_date(original),
        "批准人": ((ev.data or {}).get("approved_by") or ev.actor) if ev else BLANK,
    })


def _handling_opinion(b: _Builder) -> None:
    ev = b.last_event("reply")
    data = (ev.data or {}) if ev else {}
    limit = b.ctx.profile.limit("review_request")
    b.values.update({
        "答复日期": cn_date(ev.at.date() if ev else b.issued_on),
        "处理结果": b.matter.reply_result or data.get("result") or BLANK,
        "事实和理由": _or_blank(data.get("facts")),
        "处理意见": _sentence(data.get("opinion", "")) if data.get("opinion") else "",
        "处理依据": _or_blank(data.get("basis")),
        "复查期限": limit.text,
        "复查依据": _citation(limit.basis),
    })


def _review(b: _Builder, level: int) -> Review | None:
    return b.session.exec(select(Review).where(Review.matter_id == b.matter.id, Review.level == level)
                          .order_by(Review.id.desc())).first()


def _conclusion(b: _Builder, level: int) -> tuple[str, str]:
    for ev in reversed(b.events("conclude_review", "conclude_re_review")):
        data = ev.data or {}
        if int(data.get("level", 1)) == level:
            return str(data.get("result", "")), str(data.get("opinion", ""))
    return "", ""


def _review_opinion(b: _Builder) -> None:
    review = _review(b, 1)
    result, opinion = _conclusion(b, 1)
    limit = b.ctx.profile.limit("re_review_request")
    b.values.update({
        "复查申请日期": cn_date(review.requested_on if review else None),
        "复查机关": (review.body if review and review.body else b.values["复查机关"]),
        "复查结论": _or_blank(result or (review.result if review else "")),
        "复查意见": _or_blank(opinion),
        "复核期限": limit.text,
        "复核依据": _citation(limit.basis),
    })


def _re_review_opinion(b: _Builder) -> None:
    review = _review(b, 2)
    result, opinion = _conclusion(b, 2)
    b.values.update({
        "复核申请日期": cn_date(review.requested_on if review else None),
        "复核机关": (review.body if review and review.body else b.values["复核机关"]),
        "复核结论": _or_blank(result or (review.result if review else "")),
        "复核意见": _or_blank(opinion),
    })


def _supervision_letter(b: _Builder) -> None:
    unit = b.load_unit()
    assigned = b.last_event("assign")
    handling = b.deadline("handling")
    due = handling.due_on if handling else b.matter.due_on
    supervise = b.last_event("supervise")
    left = days_left(due, b.issued_on) if due else None
    b.values.update({
        "督办单位": unit.name if unit else BLANK,
        "交办日期": cn_date(assigned.at.date() if assigned else None),
        "剩余天数": left if left is not None else BLANK,
        "期限情况": time_left_text(left),
        "督办要求": _or_blank(supervise.note if supervise else ""),
        "反馈期限": cn_date(dt.date.fromisoformat(supervise.data["due_on"]))
        if supervise and (supervise.data or {}).get("due_on") else b.feedback_date(),
    })


def _follow_up_record(b: _Builder) -> None:
    fu = b.session.exec(select(FollowUp).where(FollowUp.matter_id == b.matter.id)
                        .order_by(FollowUp.on.desc(), FollowUp.id.desc())).first()
    b.values.update({
        "回访日期": cn_date(fu.on if fu else None),
        "回访方式": _or_blank(fu.method if fu else ""),
        "满意程度": _or_blank(fu.satisfaction if fu else ""),
        "回访情况": _or_blank(fu.note if fu else ""),
        "回访人": _or_blank(fu.clerk if fu else ""),
    })


def _leader_reception_notice(b: _Builder) -> None:
    appt = b.load_appointment()
    b.day_fields()
    m = b.session.get(Matter, appt.matter_id)
    b.matter = m
    person = b.session.get(Petitioner, m.petitioner_id)
    contact = b.session.get(Contact, m.contact_id)
    people = b.session.exec(select(ContactPetitioner.petitioner_id)
                            .where(ContactPetitioner.contact_id == m.contact_id)).all()
    b.values.update({
        "事项编号": unbroken(m.number),
        "信访人姓名": person.name,
        "称谓": addressing(len(people), contact.headcount if contact else 1),
        "诉求摘要": m.summary,
        "接访时间": b.slot_label(appt.slot),
        "约见领导": b.leader_label(appt.leader_id) or b.values["接访领导"],
    })
    b.who = person.name


def _unit_attendance_notice(b: _Builder) -> None:
    day = b.load_day()
    b.day_fields()
    unit = b.load_unit(fallback_matter_unit=False)
    if unit is None:
        raise DocumentRefused("出具“参与接访通知书”需要指定参加接访的单位")
    rows = []
    for appt in b.appointments(day):
        m = b.session.get(Matter, appt.matter_id)
        if m.unit_id == unit.id and not (m.is_restricted and unit.id in b.accused_units(m)):
            rows.append(b.row(len(rows) + 1, appt))
    if not rows:
        raise DocumentRefused(f"“{unit.name}”在{cn_date(day.day)}没有须参加接访的事项，不出具参与接访通知书")
    b.values.update({"单位名称": unit.name, "事项列表": rows, "事项件数": len(rows)})
    b.who = unit.name


def _leader_brief(b: _Builder) -> None:
    day = b.load_day()
    b.day_fields()
    rows = [b.row(i, appt) for i, appt in enumerate(b.appointments(day), start=1)]
    b.values.update({"事项列表": rows, "事项件数": len(rows)})
    b.who = f"{cn_date(day.day)}接访"


def _supervision_notice(b: _Builder) -> None:
    appt = b.load_appointment()
    b.day_fields()
    m = b.session.get(Matter, appt.matter_id)
    b.matter = m
    unit = b.load_unit()
    if unit is None:
        raise DocumentRefused("出具“督办通知书”需要指定责任单位")
    person = b.session.get(Petitioner, m.petitioner_id)
    due = None
    for ev in reversed(b.events("supervise")):
        data = ev.data or {}
        if data.get("unit_id") == unit.id and data.get("due_on"):
            due = dt.date.fromisoformat(data["due_on"])
            break
    if due is None:
        handling = b.deadline("handling")
        due = handling.due_on if handling else None
    b.values.update({
        "单位名称": unit.name,
        "事项编号": m.number,
        "信访人姓名": RESTRICTED_NAME if m.is_restricted else person.name,
        "诉求摘要": m.summary,
        "约见领导": b.leader_label(appt.leader_id) or b.values["接访领导"],
        "领导批示": _or_blank(appt.instruction),
        "办结期限": cn_date(due),
        "反馈期限": cn_date(due) if due else b.feedback_date(),
    })
    b.who = unit.name


def schedule_note(moved_from: dt.date | None, note: str) -> str:
    """The 接访安排表's 备注 for a day: why it moved, said once (the day's own note often says it already)."""
    note = note.strip()
    if moved_from is None:
        return note
    moved = f"由{cn_date(moved_from)}顺延"
    if "顺延" in note:
        return note
    return f"{moved}（{note}）" if note else moved


def _reception_schedule(b: _Builder) -> None:
    day = b.load_day()
    b.day_fields()
    monday = day.day - dt.timedelta(days=day.day.weekday())
    sunday = monday + dt.timedelta(days=6)
    days = b.session.exec(select(ReceptionDay).where(ReceptionDay.day >= monday, ReceptionDay.day <= sunday)
                          .order_by(ReceptionDay.day)).all()
    place = str(b.text.get("接访地点") or BLANK)
    rows = []
    for d in days:
        moved = d.planned_for is not None and d.planned_for != d.day
        rows.append({
            "日期": cn_date(d.day),
            "星期": WEEKDAYS[d.day.weekday()],
            "接访领导": "、".join(b.day_leaders(d)) or BLANK,
            "接访地点": place,
            "预约件数": len(b.appointments(d)),
            "备注": schedule_note(d.planned_for if moved else None, d.note or ""),
        })
    end = f"{sunday.month}月{sunday.day}日" if sunday.year == monday.year else cn_date(sunday)
    b.values.update({"起止日期": f"{cn_date(monday)}至{end}", "安排": rows})
    b.who = f"{cn_date(monday)}起一周"


KIND_BUILDERS: dict[str, Callable[[_Builder], None]] = {
    "registration_form": _registration_form,
    "acceptance_notice": _acceptance_notice,
    "work_report": _from_report,
    "rectification_notice": _rectification_notice,
    "non_acceptance_notice": _no_extra,
    "non_reacceptance_notice": _no_extra,
    "legal_channel_notice": _legal_channel_notice,
    "transfer_notice": _transfer_notice,
    "transfer_form": _transfer_form,
    "extension_notice": _extension_notice,
    "handling_opinion": _handling_opinion,
    "review_opinion": _review_opinion,
    "re_review_opinion": _re_review_opinion,
    "supervision_letter": _supervision_letter,
    "follow_up_record": _follow_up_record,
    "leader_reception_notice": _leader_reception_notice,
    "unit_attendance_notice": _unit_attendance_notice,
    "leader_brief": _leader_brief,
    "supervision_notice": _supervision_notice,
    "reception_schedule": _reception_schedule,
}

# Fields the clerk may not override through ``extra``: the number and the identity rule are not negotiable.
PROTECTED_FIELDS = frozenset({"文号", "事项编号", "信访人姓名", "信访人身份证号", "信访人电话", "信访人住址",
                              "经办人"})  # the 经办人 is the signed-in person who issues it


def build_values(session: Session, ctx, operator, target: Target, *, number_text: str | None,  # noqa: ANN001
                 issued_on: dt.date, extra: dict[str, Any] | None = None) -> Built:
    """Every catalogue field of ``target.kind`` with its value; ``extra`` fills fields by their Chinese names."""
    b = _Builder(session, ctx, operator, target, number_text, issued_on)
    b.office()
    if target.kind.scope == Scope.MATTER:
        b.matter_fields()
    KIND_BUILDERS[target.kind.key](b)
    if extra:
        known = field_names(target.kind)
        unknown = [k for k in extra if k not in known]
        if unknown:
            raise DocumentRefused(f"“{target.kind.name}”没有这些字段：{'、'.join(unknown)}")
        # a field masked for a 检举控告 matter stays masked: no hand-filled value brings the identity back
        protected = [k for k in extra if k in PROTECTED_FIELDS
                     or (isinstance(b.values.get(k), str) and b.values[k] in MASKED_VALUES)]  # a list field is no mask
        if protected:
            raise DocumentRefused(f"这些字段不能手工填写：{'、'.join(protected)}")
        b.values.update({k: v for k, v in extra.items() if v is not None and str(v).strip() != ""})
    return Built(b.values, b.who, b.matter.id if b.matter else target.matter_id,
                 b.day.id if b.day else target.reception_day_id,
                 b.unit.id if b.unit else target.unit_id)
