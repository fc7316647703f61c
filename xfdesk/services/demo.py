"""A realistic demo office (``xfdesk demo``): people, visits, demands and their whole handling history.

Everything is decided first by pure, seeded generators (``plan_demo``): the same seed and date give the same names,
ID numbers, phones, texts, dates and states. Then ``generate_demo`` writes the plan through the real services
(``registration.register_contact_in`` and ``lifecycle.transition``) with past dates, many contacts per transaction,
so events, deadlines (some overdue, some due soon) and numbers are what the office would have produced itself.

The demo refuses a database that already holds matters unless ``force`` (then it adds to it; it never deletes).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, func, select

from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import (Channel, Flag, LegalChannel, MatterKind, ReplyResult, ReviewResult, Role,
                                    Satisfaction)
from xfdesk.domain.lifecycle import OPEN_STATUSES, SCREENING_ACTIONS, STATUS_LABELS, Action, Status
from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput
from xfdesk.domain.validation import id_check_char
from xfdesk.services import handling, reference
from xfdesk.services.context import Operator, write_setting
from xfdesk.services.bulk_registration import register_contacts
from xfdesk.services.registration import check_contact
from xfdesk.services.screening import load_reasons, screen_in
from xfdesk.storage import search_sqlite
from xfdesk.storage.models import Leader, Matter, Petitioner, Unit

# 石城县 and its neighbours in 赣州 (GB/T 2260 codes): most petitioners are local, a few were born nearby.
REGION_CODES = (("360735", 20), ("360730", 2), ("360781", 2), ("360702", 1), ("360733", 1))
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "157",
                   "158", "159", "170", "176", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189",
                   "191", "195", "199")
DEFAULT_NAMES = "demo_names.toml"
DEMO_CACHE_KIB = 128 * 1024  # page cache of the connection that generates (it keeps it until the program ends)


class DemoRefused(Refused):
    """The demo would mix into an office's real data; the message says how to proceed."""


# -- demand texts ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Theme:
    """One kind of demand: its category, the unit that handles it, and text pieces combined at random."""

    key: str
    category: str
    unit: str
    summaries: tuple[str, ...]
    facts: tuple[str, ...]
    demands: tuple[str, ...]
    kind: str = MatterKind.CLAIM.value
    weight: int = 10


THEMES: tuple[Theme, ...] = (
    Theme("宅基地边界纠纷", "邻里纠纷", "自然资源所",
          ("反映与邻居{other}宅基地边界纠纷，要求镇里协调", "邻居{other}建房越过宅基地界址约{meters}米，要求拆除",
           "与{other}家因建房占用宅基地发生纠纷，请求确认界址"),
          ("{years}年前双方口头约定以水沟为界，今年{other}建房时将围墙外移约{meters}米。",
           "村委会调解过两次，{other}不认可原宅基地证上的四至。", "对方在争议地上堆放建材，双方多次发生口角。",
           "信访人持有{year0}年颁发的宅基地使用证，证上四至与现状不符。"),
          ("请求镇政府组织实地测量，依法确定界址。", "要求对方拆除越界部分围墙，恢复原状。",
           "希望自然资源所出具书面处理意见。"), weight=14),
    Theme("拖欠工资", "劳动社保", "劳动保障所",
          ("{company}拖欠工资{months}个月共{amount}元，要求协调支付", "在{company}务工被拖欠工资{amount}元，讨要无果",
           "反映{company}包工头拖欠{count}名工友工资"),
          ("信访人于{year0}年起在{company}务工，{months}个月未发工资，共计{amount}元。",
           "包工头称工程款未结算，一直推脱。", "多次到公司讨要，对方避而不见，电话也不接。",
           "有考勤记录和工友证明，无书面劳动合同。"),
          ("请求劳动保障所督促企业尽快支付拖欠工资。", "希望政府帮忙讨回血汗钱，过年前能拿到。",
           "要求依法责令用人单位支付工资及经济补偿。"), weight=14),
    Theme("低保申请", "民政", "社会事务办",
          ("申请纳入农村最低生活保障", "反映家庭困难，低保被取消，要求恢复", "对本村低保评议结果有异议"),
          ("信访人家中{count}口人，配偶长期患病，靠打零工维持生活。", "今年村里低保评议时被取消资格，未告知理由。",
           "认为同组有条件较好的家庭享受了低保，评议不公。", "子女在读，家庭年收入不足{amount}元。"),
          ("请求重新核查家庭经济状况，纳入低保。", "要求公开本村低保评议过程和名单。", "希望给予临时救助。"),
          weight=10),
    Theme("土地征收补偿", "征地拆迁", "自然资源所",
          ("对{road}拓宽工程征地补偿标准有异议", "承包地被征收后补偿款{amount}元未到位", "要求落实征地安置"),
          ("{road}拓宽工程征收信访人承包地{mu}亩，补偿标准低于邻村。", "补偿协议签订已{months}个月，补偿款仍未发放。",
           "地上青苗和果树未纳入补偿清点。", "村组分配征地款时未按人口分配。"),
          ("请求按新标准足额补偿。", "要求公开征地补偿分配方案。", "请求尽快发放补偿款。"), weight=9),
    Theme("噪音扰民", "生态环境", "生态环境办",
          ("{company}夜间生产噪音扰民", "反映{road}旁石材加工粉尘噪音污染", "邻近养猪场气味和噪音影响生活"),
          ("{company}每晚生产至凌晨，机器轰鸣，老人小孩无法休息。", "粉尘落满屋顶和菜地，多次向企业反映无果。",
           "附近{count}户村民联名反映过，情况没有改善。"),
          ("请求环保部门检测并责令整改。", "要求企业夜间停产，安装降噪设施。", "希望搬迁污染源。"), weight=7),
    Theme("婚姻家庭矛盾", "婚恋家庭", "司法所",
          ("与{other}婚姻家庭矛盾，请求调解", "赡养老人纠纷，子女不尽赡养义务", "离婚后子女抚养费未支付"),
          ("信访人与{other}结婚{years}年，近年经常争吵，对方多次离家。", "老人年过七十，{count}个子女互相推诿，无人赡养。",
           "离婚协议约定每月支付抚养费{small}元，对方已{months}个月未付。"),
          ("请求司法所组织调解。", "要求子女签订赡养协议并履行。", "希望村委会出面协调。"), weight=7),
    Theme("道路破损", "交通运输", "城建办",
          ("{road}路面破损严重，要求维修", "反映{road}雨天积水，出行困难", "村道硬化工程质量差，要求返工"),
          ("{road}多处坑洼，最深约{small}厘米，已发生{count}起摔车事故。", "路面硬化才{years}年就开裂，怀疑偷工减料。",
           "下雨后积水没过脚踝，学生上学要绕行。"),
          ("请求尽快安排维修。", "要求对施工质量进行检查，追究施工方责任。", "希望增设排水沟。"), weight=7),
    Theme("农田灌溉", "水利", "农业农村办",
          ("{village}山塘水渠损坏，农田无法灌溉", "上游截水导致下游稻田缺水", "要求修复被冲毁的机耕桥"),
          ("水渠去年汛期冲毁后一直未修，{mu}亩稻田受影响。", "上游{other}私自筑坝截水养鱼。", "村里申请过项目，至今没有答复。"),
          ("请求安排资金修复水渠。", "要求拆除私自修建的拦水坝。", "希望农业农村办实地查看。"), weight=6),
    Theme("危房改造", "城乡建设", "城建办",
          ("申请农村危房改造补助", "危房改造补助资金未足额到位", "对危房鉴定等级有异议"),
          ("信访人住房为{year0}年建的土坯房，墙体开裂，雨季漏雨。", "已按要求拆旧建新，补助款只发了一半。",
           "鉴定为C级不予补助，信访人认为应为D级。"),
          ("请求重新鉴定房屋等级。", "要求补发剩余补助资金。", "请求纳入今年危房改造计划。"), weight=5),
    Theme("山林权属", "涉农", "农业农村办",
          ("与邻组山林权属争议，请求确权", "自家责任山被他人砍伐杉木", "林权证面积与实际不符"),
          ("双方对{mu}亩山场权属各执一词，均称有老证据。", "{other}未经同意砍伐杉木约{count}十棵。", "林改时登记有误，证上面积少了{mu}亩。"),
          ("请求依法调处山林权属。", "要求赔偿被砍林木损失。", "请求更正林权证登记。"), weight=5),
    Theme("子女入学", "教育", "社会事务办",
          ("孩子入学被拒，要求就近入学", "反映学校乱收费", "校车接送安全隐患"),
          ("孩子户籍在{village}，学校以学位已满为由拒收。", "学校每学期收取资料费{small}元，未开收据。",
           "校车超载，司机无相应驾驶资格。"),
          ("请求安排就近入学。", "要求退还违规收取的费用。", "希望加强校车安全管理。"), weight=4),
    Theme("医疗纠纷", "卫生健康", "社会事务办",
          ("对卫生院诊疗过程有异议，要求说法", "新农合报销比例有疑问", "村卫生室药价偏高"),
          ("信访人{month0}月在镇卫生院住院，出院后病情加重。", "住院费用{amount}元，报销比例低于宣传。", "同一药品价格比县城药店高。"),
          ("请求调查诊疗过程是否规范。", "要求按政策重新核算报销。", "希望规范村卫生室药品价格。"), weight=4),
    Theme("涉法涉诉", "涉法涉诉", "司法所",
          ("不服法院判决，要求重新审理", "借款纠纷判决后对方拒不执行", "对派出所处理交通事故不满"),
          ("{year0}年借给{other}{amount}元，法院判决后至今未执行。", "认为一审判决认定事实错误。", "事故责任认定后对方未赔偿。"),
          ("请求督促法院执行。", "要求重新调查处理。", "希望给予司法救助。"), weight=4),
    Theme("检举控告", "党纪政纪", "纪委",
          ("举报村干部侵占集体资金", "检举{village}干部在低保评定中优亲厚友", "举报工程招标存在违规"),
          ("村集体山林流转款{amount}元去向不明，账目未公开。", "村干部亲属{count}人享受低保，家中有楼房和车辆。",
           "{road}工程未公开招标，由村干部亲属承包。"),
          ("请求纪委调查核实，依纪依法处理。", "要求公开村务财务。", "请求对举报人信息保密。"),
          kind=MatterKind.ACCUSATION.value, weight=4),
    Theme("意见建议", "其他", "综治中心",
          ("建议在{road}增设路灯", "建议增加{village}公交班次", "建议完善村级文化广场设施"),
          ("{road}夜间没有照明，村民出行不便。", "每天只有两班车，群众赶集不方便。", "广场健身器材损坏多时。"),
          ("希望政府研究采纳。", "请相关部门考虑。", "建议纳入明年民生项目。"), kind=MatterKind.SUGGESTION.value,
          weight=4),
)
THEME_BY_KEY = {t.key: t for t in THEMES}

NOTICE_PENDING_DAYS = 3  # screening decisions younger than this still owe their written notice in the demo
FORWARD_BODIES = ("县人力资源和社会保障局", "县自然资源局", "县住房和城乡建设局", "县市场监督管理局", "县公安局交警大队")
REPLY_RESULTS = (ReplyResult.SUPPORT.value, ReplyResult.EXPLAIN.value, ReplyResult.REJECT.value)
SATISFACTIONS = ((Satisfaction.SATISFIED.value, 6), (Satisfaction.BASICALLY.value, 3),
                 (Satisfaction.UNSATISFIED.value, 1))
BIRTH_FIRST, BIRTH_LAST = dt.date(1940, 1, 1), dt.date(2004, 12, 31)


# -- pure generators ------------------------------------------------------------------------------------------------


def _weighted(rng: random.Random, pairs) -> Any:  # noqa: ANN001
    items = list(pairs)
    return rng.choices([v for v, _w in items], weights=[w for _v, w in items])[0]


def make_id_number(rng: random.Random, birth: dt.date, gender: str) -> str:
    """A valid GB 11643 number: region code, birth date, sequence whose last digit's parity is the gender."""
    region = _weighted(rng, REGION_CODES)
    seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if gender == "男" else (0, 2, 4, 6, 8))
    body = f"{region}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_char(body)


def make_phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10 ** 8):08d}"


@dataclass
class NameBook:
    surnames: list[tuple[str, int]]
    male: list[str]
    female: list[str]
    leader_titles: list[str]
    clerks: list[str]
    office_head: str
    companies: list[str]
    roads: list[str]

    @classmethod
    def from_mapping(cls, data: dict) -> "NameBook":
        return cls(surnames=[(s, int(w)) for s, w in data["surnames"]], male=list(data["given_male"]),
                   female=list(data["given_female"]), leader_titles=list(data["leader_titles"]),
                   clerks=list(data["clerks"]), office_head=data["office_head"], companies=list(data["companies"]),
                   roads=list(data["roads"]))

    def name(self, rng: random.Random, gender: str) -> str:
        chars = self.male if gender == "男" else self.female
        given = rng.choice(chars) if rng.random() < 0.3 else rng.choice(chars) + rng.choice(chars + self.male)
        return _weighted(rng, self.surnames) + given


@dataclass
class PersonPlan:
    key: int
    name: str
    gender: str
    id_number: str | None
    phone: str | None
    village: str
    address: str

    def as_input(self, representative: bool = False) -> PetitionerInput:
        return PetitionerInput(name=self.name, gender=self.gender, id_number=self.id_number, phone=self.phone,
                               address=self.address, village=self.village, representative=representative)


@dataclass
class Step:
    action: str
    on: dt.date
    reason: str = ""
    days: int = 0
    changes: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)  # rows the step adds (follow-up, review)


@dataclass
class MatterPlan:
    index: int
    theme: str
    summary: str
    details: str
    category: str
    location: str
    kind: str | None
    flags: set[str]
    repeat_of: int | None  # index of an earlier planned matter
    steps: list[Step] = field(default_factory=list)


@dataclass
class ContactPlan:
    received_at: dt.datetime
    channel: str
    clerk: str
    headcount: int
    people: list[tuple[int, bool]]  # (person key, representative)
    matters: list[MatterPlan]


@dataclass
class DemoPlan:
    people: dict[int, PersonPlan]
    contacts: list[ContactPlan]
    leaders: list[tuple[str, str]]

    @property
    def matter_count(self) -> int:
        return sum(len(c.matters) for c in self.contacts)


def demand_text(rng: random.Random, theme: Theme, *, village: str, other: str, names: NameBook,
                today: dt.date) -> tuple[str, str]:
    """(summary, details) of one demand: a summary pattern plus facts and asks combined in random order."""
    slots = {
        "other": other, "village": village, "company": rng.choice(names.companies), "road": rng.choice(names.roads),
        "meters": rng.choice(("0.5", "0.8", "1", "1.2", "1.5", "2")), "years": rng.randrange(2, 21),
        "months": rng.randrange(2, 13), "amount": rng.randrange(8, 400) * 100, "small": rng.randrange(3, 30) * 10,
        "count": rng.randrange(2, 10), "mu": rng.choice(("0.6", "1.2", "1.5", "2", "2.8", "3.5", "5")),
        "year0": today.year - rng.randrange(1, 25), "month0": rng.randrange(1, 13),
    }
    summary = rng.choice(theme.summaries).format(**slots)
    facts = rng.sample(theme.facts, k=rng.randrange(1, min(3, len(theme.facts)) + 1))
    asks = rng.sample(theme.demands, k=rng.randrange(1, min(2, len(theme.demands)) + 1))
    opening = rng.choice(("信访人系{village}村民。", "信访人系{village}{group}组村民。", "来访人称，", "据信访人反映，"))
    details = opening.format(village=village, group=rng.randrange(1, 16)) + "".join(facts).format(**slots)
    details += "".join(asks).format(**slots)
    return summary[:200], details


def _route(rng: random.Random, theme: Theme, repeat: bool) -> str:
    if repeat and rng.random() < 0.25:
        return "not_reaccept"
    if theme.category == "涉法涉诉":
        return _weighted(rng, (("legal", 6), ("not_accept", 2), ("full", 2)))
    return _weighted(rng, (("full", 52), ("mediate", 16), ("review", 7), ("not_accept", 6), ("forward", 8),
                           ("legal", 3), ("stall", 8)))


def plan_steps(rng: random.Random, theme: Theme, received: dt.date, today: dt.date, *, repeat: bool,
               unit: str) -> list[Step]:
    """The handling this matter has had up to ``today``: later steps are cut off, so older matters went further."""
    route = _route(rng, theme, repeat)
    day = received
    steps: list[Step] = []

    def after(low: int, high: int) -> dt.date:
        return day + dt.timedelta(days=rng.randrange(low, high + 1))

    def add(step: Step) -> None:
        nonlocal day
        steps.append(step)
        day = step.on

    screening = after(0, 14)

    def told() -> None:
        # the written notice handed over on the spot (当场告知); decisions of the last days still owe it
        if (today - screening).days >= NOTICE_PENDING_DAYS:
            add(Step(Action.NOTICE_DELIVERED, screening))

    if route in ("not_accept", "not_reaccept", "forward", "legal"):
        if route == "not_accept":
            add(Step(Action.NOT_ACCEPT, screening, reason="属于法院、检察院职权范围，告知信访人依法向有关机关提出",
                     changes={"route_basis": "《信访工作条例》第三十一条"}))
        elif route == "not_reaccept":
            add(Step(Action.NOT_REACCEPT, screening, reason="同一事项已办理完毕，信访人以同一事实和理由再次提出",
                     changes={"route_basis": "《信访工作条例》第三十六条"}))
        elif route == "forward":
            add(Step(Action.FORWARD, screening, reason="不属于本机关职权范围，转送有权处理机关",
                     changes={"forwarded_to": rng.choice(FORWARD_BODIES)}))
        else:
            channel = rng.choice((LegalChannel.LITIGATION.value, LegalChannel.ARBITRATION.value,
                                  LegalChannel.ADMIN_REVIEW.value))
            add(Step(Action.REDIRECT_LEGAL, screening, reason=f"属于{channel}范围，告知信访人通过{channel}途径解决",
                     changes={"forwarded_to": channel}))
        told()
        add(Step(Action.ARCHIVE, after(10, 40)))
    else:
        kind = theme.kind if theme.kind != MatterKind.ACCUSATION.value else None
        add(Step(Action.ACCEPT, screening, changes={"kind": kind} if kind else {}))
        told()
        if route == "mediate":
            add(Step(Action.START_MEDIATION, after(1, 6)))
            if rng.random() < 0.75:
                add(Step(Action.MEDIATION_AGREED, after(5, 35)))
            else:
                add(Step(Action.MEDIATION_FAILED, after(5, 30), reason="双方分歧较大，调解未达成协议"))
                add(Step(Action.REPLY, after(10, 40), changes={"reply_result": rng.choice(REPLY_RESULTS)}))
        else:
            add(Step(Action.ASSIGN, after(1, 8), extra={"unit": unit}))
            if rng.random() < 0.1:
                # approved before the 60-day period runs out (条例第三十四条)
                add(Step(Action.EXTEND, after(30, 50), days=30, reason="案情复杂，需进一步调查核实，申请延期30日"))
            late = route == "stall"
            add(Step(Action.REPLY, after(70, 160) if late else after(12, 58),
                     changes={"reply_result": _weighted(rng, ((REPLY_RESULTS[0], 5), (REPLY_RESULTS[1], 4),
                                                               (REPLY_RESULTS[2], 2)))}))
        if route == "review":
            add(Step(Action.REQUEST_REVIEW, after(5, 28), extra={"level": 1}))
            add(Step(Action.CONCLUDE_REVIEW, after(10, 30),
                     extra={"level": 1, "result": _weighted(rng, ((ReviewResult.UPHOLD.value, 7),
                                                                  (ReviewResult.CHANGE.value, 2),
                                                                  (ReviewResult.REDO.value, 1)))}))
            if rng.random() < 0.4:
                add(Step(Action.REQUEST_RE_REVIEW, after(5, 28), extra={"level": 2}))
                add(Step(Action.CONCLUDE_RE_REVIEW, after(10, 30),
                         extra={"level": 2, "result": ReviewResult.UPHOLD.value}))
        satisfaction = _weighted(rng, SATISFACTIONS)
        add(Step(Action.FOLLOW_UP, after(5, 30),
                 extra={"satisfaction": satisfaction, "method": rng.choice(("电话回访", "上门回访", "当面回访"))}))
        add(Step(Action.ARCHIVE, after(15, 90)))
    return _until(steps, today)


def _until(steps: list[Step], today: dt.date) -> list[Step]:
    kept = []
    for s in steps:
        if s.on > today:
            break
        kept.append(s)
    return kept


def _contact_days(rng: random.Random, count: int, today: dt.date, days: int = 365) -> list[dt.datetime]:
    """Reception times over the past year up to yesterday (more of them recent, as the open work is), mostly on
    weekdays in office hours, oldest first."""
    out = []
    while len(out) < count:
        day = today - dt.timedelta(days=1 + int((days - 1) * rng.random() ** 1.3))
        if day.weekday() >= 5 and rng.random() < 0.85:
            continue
        minute = rng.randrange(8 * 60 + 30, 17 * 60 + 30)
        out.append(dt.datetime.combine(day, dt.time(minute // 60, minute % 60)))
    return sorted(out)


def _track_returning(returning: list[int], position: dict[int, int], key: int, visits: int) -> None:
    if visits < 5 and key not in position:
        position[key] = len(returning)
        returning.append(key)
    elif visits >= 5 and key in position:
        # swap with the last and pop: the order changes, but the same way for the same seed
        i = position.pop(key)
        last = returning.pop()
        if last != key:
            returning[i] = last
            position[last] = i


def plan_demo(*, matters: int, seed: int, today: dt.date, villages: list[str], names: NameBook,
              units: list[str]) -> DemoPlan:
    """Everything the demo will write, decided by ``seed`` alone (no database, no clock)."""
    rng = random.Random(seed)
    villages = villages or ["大畲村"]
    people: dict[int, PersonPlan] = {}
    used_ids: set[str] = set()
    history: dict[int, list[int]] = {}  # person key → indices of their planned matters
    returning: list[int] = []  # people who may come again (fewer than five matters so far)
    returning_at: dict[int, int] = {}  # their positions in ``returning`` (O(1) removal for 100,000 matters)
    theme_of: dict[int, str] = {}
    contacts: list[ContactPlan] = []
    unit_names = set(units)

    def new_person(village: str | None = None) -> PersonPlan:
        gender = rng.choice(("男", "女"))
        birth = BIRTH_FIRST + dt.timedelta(days=rng.randrange((BIRTH_LAST - BIRTH_FIRST).days))
        id_number = None
        if rng.random() < 0.88:
            id_number = make_id_number(rng, birth, gender)
            while id_number in used_ids:
                id_number = make_id_number(rng, birth, gender)
            used_ids.add(id_number)
        v = village or rng.choice(villages)
        person = PersonPlan(key=len(people), name=names.name(rng, gender), gender=gender, id_number=id_number,
                            phone=make_phone(rng) if rng.random() < 0.93 else None, village=v,
                            address=f"石城县琴江镇{v}{rng.randrange(1, 16)}组{rng.randrange(1, 80)}号")
        people[person.key] = person
        return person

    themes = list(THEMES)
    weights = [t.weight for t in themes]
    times = _contact_days(rng, matters, today)
    index = 0
    while index < matters:
        received_at = times[index]  # a contact with several demands uses the times of all of them: spread stays even
        # who comes: a returning petitioner (some people come 2–5 times), a group, or someone new
        group = rng.random() < 0.03
        if returning and not group and rng.random() < 0.22:
            main = people[rng.choice(returning)]
        else:
            main = new_person()
        members = [(main.key, group)]
        headcount = 1
        if group:
            headcount = rng.randrange(5, 31)
            for _ in range(rng.randrange(1, 5)):
                members.append((new_person(main.village).key, True))
        elif rng.random() < 0.08:
            headcount = rng.randrange(2, 4)
            members.append((new_person(main.village).key, False))
        channel = _weighted(rng, ((Channel.VISIT.value, 60), (Channel.PHONE.value, 15), (Channel.LETTER.value, 8),
                                  (Channel.ONLINE.value, 12), (Channel.LEADER_RECEPTION.value, 5)))
        if group:
            channel = Channel.VISIT.value
        n_matters = min(matters - index, _weighted(rng, ((1, 88), (2, 10), (3, 2))))
        plans = []
        for _ in range(n_matters):
            earlier = history.get(main.key, [])
            repeat_of = None
            if earlier and rng.random() < 0.6:
                repeat_of = rng.choice(earlier)
                theme = THEME_BY_KEY[theme_of[repeat_of]]
            else:
                theme = rng.choices(themes, weights=weights)[0]
            if theme.kind == MatterKind.ACCUSATION.value and group:
                theme = THEME_BY_KEY["土地征收补偿"]
            other = names.name(rng, rng.choice(("男", "女")))
            summary, details = demand_text(rng, theme, village=main.village, other=other, names=names, today=today)
            flags: set[str] = set()
            if theme.category == "涉法涉诉":
                flags.add(Flag.LITIGATION.value)
            if rng.random() < 0.02:
                flags.add(Flag.SKIP_LEVEL.value)
            if rng.random() < 0.01:
                flags.add(Flag.THREAT.value)
            if group and rng.random() < 0.2:
                flags.add(Flag.URGENT.value)
            unit = theme.unit
            village_unit = f"{main.village}委会" if main.village.endswith("村") else f"{main.village}居委会"
            if village_unit in unit_names and theme.kind == MatterKind.CLAIM.value and rng.random() < 0.3:
                unit = village_unit
            steps = plan_steps(rng, theme, received_at.date(), today, repeat=repeat_of is not None, unit=unit)
            plan = MatterPlan(index=index, theme=theme.key, summary=summary, details=details, category=theme.category,
                              location=main.village, kind=MatterKind.ACCUSATION.value
                              if theme.kind == MatterKind.ACCUSATION.value else None,
                              flags=flags, repeat_of=repeat_of, steps=steps)
            theme_of[index] = theme.key
            history.setdefault(main.key, []).append(index)
            _track_returning(returning, returning_at, main.key, len(history[main.key]))
            plans.append(plan)
            index += 1
        contacts.append(ContactPlan(received_at=received_at, channel=channel, clerk=rng.choice(names.clerks),
                                    headcount=headcount, people=members, matters=plans))
    leaders = []
    for title in names.leader_titles:
        leaders.append((names.name(rng, _weighted(rng, (("男", 3), ("女", 1)))), title))
    return DemoPlan(people=people, contacts=contacts, leaders=leaders)


# -- writing --------------------------------------------------------------------------------------------------------


@dataclass
class DemoSummary:
    matters: int = 0
    contacts: int = 0
    petitioners: int = 0
    leaders: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    open_matters: int = 0
    overdue: int = 0
    due_soon: int = 0
    restricted: int = 0
    groups: int = 0
    repeats: int = 0
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    seconds: float = 0.0
    added: int = 0  # matters written by this run (the rest of the counts are the whole database)

    def lines(self) -> list[str]:
        statuses = "、".join(f"{STATUS_LABELS[Status(s)]}{n}" for s, n in sorted(
            self.by_status.items(), key=lambda kv: list(Status).index(Status(kv[0]))))
        added = f"本次生成事项{self.added}件，" if self.added != self.matters else ""
        return [
            f"已生成演示数据：{added}数据库现有事项{self.matters}件（来访{self.contacts}次，信访人{self.petitioners}人，"
            f"领导{self.leaders}人），用时{self.seconds:.1f}秒",
            f"时间范围：{self.first_day} 至 {self.last_day}" if self.first_day else "时间范围：无",
            f"状态分布：{statuses}",
            f"未办结{self.open_matters}件，其中超期{self.overdue}件、即将到期{self.due_soon}件；"
            f"集体访{self.groups}件，重复访{self.repeats}件，检举控告{self.restricted}件",
        ]


def demo_names(ctx) -> NameBook:  # noqa: ANN001
    """The demo's name book (its office head and clerks get accounts: services.accounts.demo_accounts)."""
    return _load_names(ctx)


def _load_names(ctx) -> NameBook:  # noqa: ANN001
    data = reference.read_data(ctx.home, DEFAULT_NAMES)
    if not data:
        raise FileNotFoundError(f"找不到演示数据用字表（{ctx.home.data_file(DEFAULT_NAMES)}）")
    return NameBook.from_mapping(data)


def generate_demo(ctx, *, matters: int = 300, seed: int = 1, today: dt.date | None = None,  # noqa: ANN001
                  progress: Callable[[int, int], None] | None = None, force: bool = False,
                  batch: int = 250) -> DemoSummary:
    """Write a demo office of ``matters`` matters (deterministic per ``seed`` and ``today``)."""
    if matters < 1:
        raise ValueError("演示事项数至少为1")
    started = time.perf_counter()
    today = today or ctx.today()
    with ctx.db.read() as session:
        existing = session.exec(select(func.count()).select_from(Matter)).one()
        units = {u.name: u.id for u in session.exec(select(Unit))}
    if existing and not force:
        raise DemoRefused(f"数据库中已有{existing}件事项，演示数据不能混入真实数据。"
                          "请换一个空的数据文件夹（--home），或确认后加 --force 追加")
    names = _load_names(ctx)
    reasons = load_reasons(ctx)
    plan = plan_demo(matters=matters, seed=seed, today=today, villages=reference.villages(ctx.home), names=names,
                     units=list(units))
    if existing:
        _avoid_known_ids(ctx, plan)
    clerks = {name: Operator(name, Role.CLERK) for name in names.clerks}
    head = Operator(names.office_head, Role.HEAD)
    person_ids: dict[int, int] = {}
    matter_ids: dict[int, int] = {}
    total = plan.matter_count
    done = 0
    contacts = plan.contacts
    for start in range(0, len(contacts), batch):
        with ctx.db.write() as session:
            indexed = contextlib.nullcontext()
            if ctx.db.is_sqlite:
                search_sqlite.prepare_bulk_load(session, DEMO_CACHE_KIB)
                indexed = search_sqlite.index_filled_after(session)
            with indexed:  # the batch's people and matters go into the search index at once, at its end
                for c in contacts[start:start + batch]:
                    _write_contact(session, ctx, c, plan, clerks, head, units, person_ids, matter_ids, reasons)
                    done += len(c.matters)
            if ctx.db.is_sqlite:
                # statistics refreshed as the office grows: without them a matter's open deadlines were looked up
                # through the (state, due_on) index, reading every open deadline (15 ms instead of 0.05 at 74,000)
                search_sqlite.refresh_statistics(session, sample=True)
        if progress:
            progress(done, total)
    with ctx.db.write() as session:
        if ctx.db.is_sqlite:  # the sampled statistics of the batches misjudge big tables: whole ones at the end
            search_sqlite.refresh_statistics(session)
        known = {(leader.name, leader.title) for leader in session.exec(select(Leader))}
        for order, (name, title) in enumerate(plan.leaders):
            if (name, title) not in known:
                session.add(Leader(name=name, title=title, order=order))
        for key, value in (("demo_seed", seed), ("demo_generated_on", today.isoformat())):
            write_setting(session, key, value)
    _plan_reception_days(ctx, head, today)
    summary = summarize(ctx, today, leaders=len(plan.leaders))
    summary.added = total
    summary.seconds = time.perf_counter() - started
    return summary


DEMO_BOOKINGS = 3


def _plan_reception_days(ctx, head, today: dt.date) -> None:  # noqa: ANN001
    """Leader reception days for this month and the next two, with a few open matters booked into the next one,
    so the home screen, the calendar (F6) and the day's notices have something to show."""
    from xfdesk.services.reception import BookingRefused, book_matter, generate_schedule, upcoming_days

    generate_schedule(ctx, head, today.year, today.month, 3)
    days = upcoming_days(ctx, start=today + dt.timedelta(days=1), limit=1)
    if not days:
        return
    with ctx.db.read() as session:
        candidates = session.exec(
            select(Matter.id).where(col(Matter.status).in_(("accepted", "assigned")), Matter.is_restricted == False)  # noqa: E712
            .order_by(col(Matter.received_on).desc(), Matter.id).limit(DEMO_BOOKINGS * 3)).all()
    booked = 0
    for matter_id in candidates:
        if booked == DEMO_BOOKINGS:
            break
        try:
            book_matter(ctx, head, matter_id, days[0].day)
            booked += 1
        except BookingRefused:  # a matter the rules will not book (e.g. its 包案 leader is not sitting that day)
            continue


def _avoid_known_ids(ctx, plan: DemoPlan) -> None:  # noqa: ANN001
    """Added to a used office (``force``): a demo person must never be merged into a real one with the same ID
    number (registration reuses the person of a known ID and would update their name), so such IDs are left out."""
    planned = {p.id_number: p for p in plan.people.values() if p.id_number}
    numbers = list(planned)
    with ctx.db.read() as session:
        for start in range(0, len(numbers), 500):
            chunk = numbers[start:start + 500]
            for known in session.exec(select(Petitioner.id_number).where(Petitioner.id_number.in_(chunk))):
                planned[known].id_number = None


def _write_contact(session: Session, ctx, c: ContactPlan, plan: DemoPlan, clerks, head, units,  # noqa: ANN001
                   person_ids, matter_ids, reasons) -> None:  # noqa: ANN001
    people = []
    for key, representative in c.people:
        p = plan.people[key].as_input(representative)
        p.existing_id = person_ids.get(key)
        people.append(p)
    inputs = [MatterInput(summary=m.summary, details=m.details, category=m.category, location=m.location,
                          kind=m.kind, flags=set(m.flags),
                          repeat_of_id=matter_ids.get(m.repeat_of) if m.repeat_of is not None else None)
              for m in c.matters]
    clerk = clerks[c.clerk]
    contact = ContactInput(received_at=c.received_at, channel=c.channel, clerk=c.clerk, petitioners=people,
                           matters=inputs, headcount=c.headcount)
    check_contact(ctx, contact)
    reg = register_contacts(session, ctx, clerk, [contact])[0]  # set-based: a few statements, no ORM flushes
    for (key, _rep), pid in zip(c.people, reg.petitioner_ids, strict=True):
        person_ids[key] = pid
    for m, mid in zip(c.matters, reg.matter_ids, strict=True):
        matter_ids[m.index] = mid
        if not m.steps:
            continue
        matter = session.get(Matter, mid)
        for minute, step in enumerate(m.steps):
            at = dt.datetime.combine(step.on, dt.time(9 + minute % 8, (7 * minute) % 60))
            if step.on == c.received_at.date():
                at = max(at, c.received_at + dt.timedelta(minutes=10 + minute))
            _write_step(session, ctx, matter, step, at, head if step.action == Action.EXTEND else clerk, units,
                        reasons)


# 甄别 in the demo: the reason of the national list each planned route takes
_DEMO_REASONS = {Action.NOT_ACCEPT: "na_legal_body", Action.NOT_REACCEPT: "nra_re_review_done",
                 Action.FORWARD: "fwd_competent_body"}
_DEMO_ACCEPT_REASONS = {MatterKind.CLAIM.value: "accept_claim", MatterKind.SUGGESTION.value: "accept_suggestion",
                        MatterKind.ACCUSATION.value: "accept_accusation"}
_DEMO_LEGAL_REASONS = {LegalChannel.LITIGATION.value: "legal_litigation",
                       LegalChannel.ARBITRATION.value: "legal_arbitration",
                       LegalChannel.ADMIN_REVIEW.value: "legal_admin"}


def _write_step(session: Session, ctx, matter: Matter, step: Step, at: dt.datetime, operator: Operator,  # noqa: ANN001
                units: dict[str, int], reasons) -> None:  # noqa: ANN001
    """One planned step through the same session-level cores the desk uses (same checks, same events)."""
    a, on, x = Action(step.action), step.on, step.extra
    if a in SCREENING_ACTIONS:
        kind = step.changes.get("kind") or matter.kind or MatterKind.CLAIM.value
        target = step.changes.get("forwarded_to")
        if a == Action.ACCEPT:
            code = _DEMO_ACCEPT_REASONS[kind]
        elif a == Action.REDIRECT_LEGAL:
            code = _DEMO_LEGAL_REASONS[target]
        else:
            code = _DEMO_REASONS[a]
        screen_in(session, ctx, operator, matter, reasons, kind=kind, route=a, reason_code=code,
                  reason_text=step.reason, forwarded_to=target if a == Action.FORWARD else None,
                  legal_channel=target if a == Action.REDIRECT_LEGAL else None, suggestions=[], on=on, at=at,
                  fast_track=False)
    elif a == Action.NOTICE_DELIVERED:
        handling.notice_delivered_in(session, ctx, operator, matter, on=on, at=at)
    elif a == Action.ASSIGN:
        handling.assign_in(session, ctx, operator, matter, units[x["unit"]], on=on, at=at)
    elif a == Action.START_MEDIATION:
        handling.start_mediation_in(session, ctx, operator, matter, on=on, at=at, mediator="村人民调解委员会")
    elif a == Action.MEDIATION_AGREED:
        handling.record_mediation_in(session, ctx, operator, matter, agreed=True, on=on, at=at,
                                     agreement_text="双方自愿达成调解协议，按协议约定履行")
    elif a == Action.MEDIATION_FAILED:
        handling.record_mediation_in(session, ctx, operator, matter, agreed=False, failure_reason=step.reason,
                                     on=on, at=at)
    elif a == Action.EXTEND:
        # the demo writes history: the 延期办理告知书 of a past extension is not printed today
        handling.extend_in(session, ctx, operator, matter, step.days, step.reason, on=on, at=at)
    elif a == Action.REPLY:
        handling.reply_in(session, ctx, operator, matter, result=step.changes["reply_result"],
                          facts="经调查核实，信访人反映的情况基本属实", basis="《信访工作条例》第三十二条", on=on, at=at)
    elif a in (Action.REQUEST_REVIEW, Action.REQUEST_RE_REVIEW):
        handling.request_review_in(session, ctx, operator, matter, level=x["level"], requested_on=on, at=at,
                                   body="石城县人民政府" if x["level"] == 1 else "赣州市人民政府")
    elif a in (Action.CONCLUDE_REVIEW, Action.CONCLUDE_RE_REVIEW):
        handling.conclude_review_in(session, ctx, operator, matter, result=x["result"], on=on, at=at,
                                    opinion="经复查（复核），" + ("维持原处理意见" if x["result"] == "维持"
                                                                 else f"{x['result']}原处理意见"))
    elif a == Action.FOLLOW_UP:
        handling.follow_up_in(session, ctx, operator, matter, method=x["method"], satisfaction=x["satisfaction"],
                              note="对处理结果表示认可" if x["satisfaction"] != "不满意" else "认为处理不到位",
                              on=on, at=at)
    elif a == Action.ARCHIVE:
        handling.archive_in(session, ctx, operator, matter, on=on, at=at)
    else:  # pragma: no cover - the plan makes no other step
        raise ValueError(f"演示数据不会生成这一步：{a}")


def summarize(ctx, today: dt.date | None = None, *, leaders: int = 0) -> DemoSummary:  # noqa: ANN001
    """Counts of the office's data as the demo summary shows them."""
    from xfdesk.storage.models import Contact

    today = today or ctx.today()
    soon = today + dt.timedelta(days=ctx.settings.due_soon_days)
    open_values = [s.value for s in OPEN_STATUSES]
    with ctx.db.read() as session:
        s = DemoSummary(leaders=leaders)
        s.by_status = {status: n for status, n in session.exec(
            select(Matter.status, func.count()).group_by(Matter.status))}
        s.matters = sum(s.by_status.values())
        s.contacts = session.exec(select(func.count()).select_from(Contact)).one()
        s.petitioners = session.exec(select(func.count()).select_from(Petitioner)).one()
        s.open_matters = sum(n for st, n in s.by_status.items() if st in open_values)
        s.overdue = session.exec(select(func.count()).select_from(Matter).where(
            Matter.status.in_(open_values), Matter.due_on < today)).one()
        s.due_soon = session.exec(select(func.count()).select_from(Matter).where(
            Matter.status.in_(open_values), Matter.due_on >= today, Matter.due_on <= soon)).one()
        s.restricted = session.exec(select(func.count()).select_from(Matter).where(Matter.is_restricted)).one()
        s.groups = session.exec(select(func.count()).select_from(Matter).where(Matter.is_group)).one()
        s.repeats = session.exec(select(func.count()).select_from(Matter).where(Matter.is_repeat)).one()
        s.first_day, s.last_day = session.exec(select(func.min(Matter.received_on), func.max(Matter.received_on))).one()
    return s
