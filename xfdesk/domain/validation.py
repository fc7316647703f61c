"""Checking and cleaning what a clerk (or an import file) typed, before anything is stored.

Every entry path — the TUI form, the exchange import, the demo generator — runs the same checks, so a record that
is refused in one place is refused everywhere, with the same Chinese message naming the field.

Cleaning is about terminals, not markup: text is shown in a terminal, so escape sequences, control characters,
bidi overrides and zero-width characters are removed; markup-looking text like ``[b]张[/b]`` is kept literally
(the screens are responsible for showing user text without interpreting it).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from xfdesk.domain.errors import Refused
from xfdesk.domain.glossary import Channel, Flag, Gender, MatterKind, field_label
from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput

MAX_REPRESENTATIVES = 5  # 《信访工作条例》第二十条
GROUP_HEADCOUNT = 5  # 集体访: five or more people come together

# A received_at slightly ahead of the clock is a clock difference between desks, not an error.
FUTURE_TOLERANCE = dt.timedelta(minutes=5)

TEXT_LIMITS: dict[str, int] = {
    "name": 50,
    "address": 200,
    "summary": 200,
    "details": 5000,
    "note": 1000,
    "clerk": 50,
    "village": 50,
    "location": 50,
    "category": 50,
    "reason": 1000,
}

_MULTILINE_FIELDS = {"details", "note", "reason"}


@dataclass(frozen=True)
class FieldError:
    """One problem with one field. ``path`` says where in a contact: ("petitioners", 0, "id_number")."""

    field: str
    message: str
    path: tuple = ()

    @property
    def label(self) -> str:
        return field_label(self.field)


class ValidationFailed(Refused):
    """Input refused; ``errors`` lists every problem found (nothing has been written)."""

    def __init__(self, errors: list[FieldError]):
        self.errors = list(errors)
        super().__init__("；".join(e.message for e in self.errors))


def located_message(error: FieldError) -> str:
    """The message with where it is, e.g. "第2位信访人，身份证号校验位不正确" (for lists of errors and imports)."""
    where = []
    path = error.path
    if len(path) >= 2 and path[0] == "petitioners" and isinstance(path[1], int):
        where.append(f"第{path[1] + 1}位信访人")
    elif len(path) >= 2 and path[0] == "matters" and isinstance(path[1], int):
        where.append(f"第{path[1] + 1}项诉求")
    return "，".join([*where, error.message])


# -- text ------------------------------------------------------------------------------------------------------
# Escape sequences a terminal would act on. String-type sequences (OSC, DCS, SOS, PM, APC) run to BEL or ST and
# are removed with their payload (an OSC 8 hyperlink's address, a window title). An unterminated one loses only its
# introducer (ESC and all controls go anyway), so a stray byte never swallows the rest of what the clerk typed.
# A payload stops at the next introducer too: each unterminated one is then read only up to the next, so cleaning
# stays one linear pass (read to the end of the text from every introducer, a 1 MB field took minutes).
_ESCAPES = re.compile(
    r"""
      \x1b\[[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?      # CSI (colours, cursor moves, …)
    | \x9b[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?         # 8-bit CSI
    | \x1b[\]PX^_][^\x07\x1b\x9c\x90\x9d\x98\x9e\x9f]*(?:\x07|\x1b\\|\x9c)  # OSC (incl. OSC 8 links, titles), DCS, …
    | [\x90\x9d\x98\x9e\x9f][^\x07\x1b\x9c\x90\x9d\x98\x9e\x9f]*(?:\x07|\x1b\\|\x9c)  # their 8-bit forms
    | \x1b[\x20-\x2f]*[\x30-\x7e]?                    # other escapes (charset selection, reset, …)
    """,
    re.VERBOSE,
)
# Bidi embeddings/overrides/isolates and marks (can make text display in another order than it is stored),
# zero-width characters and the BOM (invisible; make equal-looking names differ).
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b-\u200d\u2060\ufeff]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Every line break (CR LF, CR, NEL, Unicode line and paragraph separators) becomes "\n".
_LINE_BREAKS = re.compile("\r\n|[\r\x85\u2028\u2029]")
# Any character one of the steps above acts on (every control, tab and line break included): text without one,
# already NFC — nearly every typed or imported field — only needs trimming (an import cleans each field of each
# row: the five passes were a third of its time).
_ACTED_ON = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c"
                       "\u200b-\u200d\u2060\ufeff]")


def clean_text(value: str | None, *, multiline: bool = False) -> str:
    """Text safe to store and show in a terminal: no control or escape sequences, NFC, trimmed. Never raises."""
    if value is None:
        return ""
    if not isinstance(value, str):
        try:
            value = str(value)
        except Exception:  # noqa: BLE001 — cleaning must never be the thing that fails
            return ""
    if _ACTED_ON.search(value) is None and unicodedata.is_normalized("NFC", value):
        return value.strip()
    return _clean_every_step(value, multiline=multiline)


def _clean_every_step(value: str, *, multiline: bool) -> str:
    text = _LINE_BREAKS.sub("\n", value)
    text = _ESCAPES.sub("", text)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\t", " ")
    if multiline:
        text = _CONTROLS.sub("", text)
        text = "\n".join(line.rstrip() for line in text.split("\n"))
    else:
        text = text.replace("\n", " ")
        text = _CONTROLS.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return text.strip()


def check_text(value, field: str, *, max_length: int, required: bool = False) -> str | None:  # noqa: ANN001
    """None when fine, else a message naming the field (empty when required, too long)."""
    text = clean_text(value, multiline=field in _MULTILINE_FIELDS)
    label = field_label(field)
    if not text:
        return f"{label}不能为空" if required else None
    if len(text) > max_length:
        return f"{label}不能超过{max_length}字（现有{len(text)}字）"
    return None


# -- 身份证号 (GB 11643-1999) ------------------------------------------------------------------------------------
# First two digits: the province-level code of GB/T 2260 (81/82/83: residence permits of Hong Kong, Macao, Taiwan).
PROVINCE_CODES = frozenset({"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
                            "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
                            "65", "71", "81", "82", "83"})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"  # ISO 7064 MOD 11-2: index = weighted sum mod 11


def id_check_char(first17: str) -> str:
    """The check character of the first 17 digits."""
    return _ID_CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def _fold(value) -> str:  # noqa: ANN001
    """Full-width digits, letters and dashes to ASCII (what Chinese IMEs produce in full-width mode)."""
    return unicodedata.normalize("NFKC", clean_text(value))


def normalize_id_number(value) -> str | None:  # noqa: ANN001
    """Stripped, ASCII digits, upper-case X; None when empty."""
    text = re.sub(r"\s+", "", _fold(value)).upper()
    return text or None


def check_id_number(value, *, today: dt.date | None = None) -> str | None:  # noqa: ANN001
    """None when ``value`` is a valid 18-character 身份证号, else a Chinese message saying what is wrong."""
    label = field_label("id_number")
    number = normalize_id_number(value)
    if not number:
        return f"{label}不能为空"
    if len(number) != 18:
        return f"{label}应为18位（现有{len(number)}位）"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return f"{label}只能由数字组成，最后一位可以是X"
    if number[:6] == "000000" or number[:2] not in PROVINCE_CODES:
        return f"{label}地址码不正确（前两位{number[:2]}不是省级行政区代码）"
    birth = _birth(number)
    if birth is None:
        return f"{label}中的出生日期不正确（{number[6:10]}-{number[10:12]}-{number[12:14]}）"
    if birth.year < 1900 or birth > (today or dt.date.today()):
        return f"{label}中的出生日期不正确（{birth.isoformat()}）"
    expected = id_check_char(number[:17])
    if expected != number[17]:
        return f"{label}校验位不正确（按前17位，最后一位应为{expected}）"
    return None


def _birth(number: str) -> dt.date | None:
    try:
        return dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_birth_date(value) -> dt.date | None:  # noqa: ANN001
    number = normalize_id_number(value)
    if not number or check_id_number(number) is not None:
        return None
    return _birth(number)


def id_gender(value) -> str | None:  # noqa: ANN001
    """男 when the 17th digit (sequence code) is odd, 女 when even; None for an invalid number."""
    number = normalize_id_number(value)
    if not number or check_id_number(number) is not None:
        return None
    return Gender.MALE.value if int(number[16]) % 2 else Gender.FEMALE.value


# -- 统一社会信用代码 (GB 32100-2015), the "ID number" of an organisation ---------------------------------------
_CREDIT_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_credit_code(value) -> str | None:  # noqa: ANN001
    code = normalize_id_number(value)
    if not code:
        return "统一社会信用代码不能为空"
    if len(code) != 18:
        return f"统一社会信用代码应为18位（现有{len(code)}位）"
    if any(c not in _CREDIT_CHARS for c in code):
        return "统一社会信用代码含有无效字符"
    total = sum(_CREDIT_CHARS.index(c) * w for c, w in zip(code[:17], _CREDIT_WEIGHTS, strict=True))
    if _CREDIT_CHARS[(31 - total % 31) % 31] != code[17]:
        return "统一社会信用代码校验位不正确"
    return None


# -- phone -----------------------------------------------------------------------------------------------------
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE = re.compile(r"^([48]00)-?(\d{3})-?(\d{4})$")
# Area codes: 010 and 02x have three digits and 8-digit local numbers; the rest four digits and 7 or 8.
_LANDLINE = re.compile(r"^(0(?:10|2\d))-?(\d{8})(?:-(\d{1,6}))?$|^(0[3-9]\d{2})-?(\d{7,8})(?:-(\d{1,6}))?$")


def _phone_text(value) -> str:  # noqa: ANN001
    text = _fold(value)
    text = re.sub(r"[\s\u2010-\u2015\u2212]", lambda m: "-" if not m.group().isspace() else "", text)
    text = re.sub(r"^\((0\d{2,3})\)-?", r"\1-", text)  # (0797)8212345
    text = re.sub(r"^(?:\+|00)86-?", "", text)
    text = re.sub(r"(?:转|分机|ext\.?|x)(\d{1,6})$", r"-\1", text, flags=re.IGNORECASE)
    return text


def normalize_phone(value) -> str | None:  # noqa: ANN001
    """Canonical form: 13800001234, 0797-8212345[-123], 400-123-4567; the cleaned text when not a valid number;
    None when empty."""
    text = _phone_text(value)
    if not text:
        return None
    if _MOBILE.match(text.replace("-", "")) and len(text.replace("-", "")) == 11:
        return text.replace("-", "")
    m = _SERVICE.match(text)
    if m:
        return "-".join(m.groups())
    m = _LANDLINE.match(text)
    if m:
        area, local, ext = (m.group(1), m.group(2), m.group(3)) if m.group(1) else (m.group(4), m.group(5), m.group(6))
        return f"{area}-{local}" + (f"-{ext}" if ext else "")
    return text


def check_phone(value) -> str | None:  # noqa: ANN001
    label = field_label("phone")
    text = normalize_phone(value)
    if not text:
        return f"{label}不能为空"
    if _MOBILE.match(text) or _SERVICE.match(text) or _LANDLINE.match(text):
        return None
    digits = re.sub(r"\D", "", text)
    others = re.sub(r"[\d\s()（）+-]", "", text)
    if others:  # letters typed into the number are not ignored: they are the mistake
        return f"{label}只能填数字（含有“{others[:6]}”）"
    if digits.startswith("1"):
        return f"{label}不正确：手机号应为1开头的11位数字（现有{len(digits)}位）"
    if 7 <= len(digits) <= 8 and not digits.startswith("0"):
        return f"{label}不正确：固定电话请加区号，例如0797-8212345"
    return f"{label}不正确：应为11位手机号或带区号的固定电话"


# -- records ---------------------------------------------------------------------------------------------------
def _err(field: str, message: str, path: tuple) -> FieldError:
    return FieldError(field, message, (*path, field))


def _clean_field(obj, field: str, path: tuple, errors: list[FieldError], *,  # noqa: ANN001
                 required: bool = False) -> None:
    raw = getattr(obj, field)
    if raw is not None and not isinstance(raw, str):
        errors.append(_err(field, f"{field_label(field)}应为文字", path))
        return
    text = clean_text(raw, multiline=field in _MULTILINE_FIELDS)
    setattr(obj, field, text)
    message = check_text(text, field, max_length=TEXT_LIMITS[field], required=required)
    if message:
        errors.append(_err(field, message, path))


def validate_petitioner(p: PetitionerInput, path: tuple = (), *, today: dt.date | None = None) -> list[FieldError]:
    """Check one petitioner; cleans and normalises its fields in place (ID upper-case X, phone canonical, gender
    filled in from the ID number when not given). ``today`` bounds birth dates (default: the system date)."""
    errors: list[FieldError] = []
    _clean_field(p, "name", path, errors, required=True)
    _clean_field(p, "address", path, errors)
    _clean_field(p, "village", path, errors)

    gender = clean_text(p.gender) if p.gender is not None else ""
    p.gender = gender or None
    if p.gender is not None and p.gender not in {g.value for g in Gender}:
        errors.append(_err("gender", f"{field_label('gender')}只能是“男”或“女”（现为“{p.gender}”）", path))
    if p.is_organisation and p.gender is not None:
        errors.append(_err("gender", "单位信访人不填性别", path))

    p.id_number = normalize_id_number(p.id_number)
    if p.id_number is not None:
        message = (check_credit_code(p.id_number) if p.is_organisation
                   else check_id_number(p.id_number, today=today))
        if message:
            errors.append(_err("id_number", message, path))
        elif not p.is_organisation:
            from_id = Gender.MALE.value if int(p.id_number[16]) % 2 else Gender.FEMALE.value  # valid: digit
            if p.gender is None:
                p.gender = from_id
            elif p.gender in {g.value for g in Gender} and p.gender != from_id:
                errors.append(_err("gender", f"{field_label('gender')}与身份证号不符（身份证号显示为{from_id}）", path))

    p.phone = normalize_phone(p.phone)
    if p.phone is not None:
        message = check_phone(p.phone)
        if message:
            errors.append(_err("phone", message, path))
    return errors


def validate_matter(m: MatterInput, path: tuple = (), *, categories: list[str] | None = None) -> list[FieldError]:
    """Check one demand; cleans its text in place."""
    errors: list[FieldError] = []
    _clean_field(m, "summary", path, errors, required=True)
    _clean_field(m, "details", path, errors)
    _clean_field(m, "category", path, errors)
    _clean_field(m, "location", path, errors)
    if categories is not None and m.category and m.category not in categories:
        errors.append(_err("category", f"{field_label('category')}“{m.category}”不在类别表中", path))

    kind = clean_text(m.kind) if m.kind is not None else ""
    m.kind = kind or None
    if m.kind is not None and m.kind not in {k.value for k in MatterKind}:
        allowed = "、".join(k.value for k in MatterKind)
        errors.append(_err("kind", f"{field_label('kind')}“{m.kind}”无效，应为{allowed}之一", path))

    known_flags = {f.value for f in Flag}
    for flag in sorted(str(f) for f in (m.flags or ())):
        if flag not in known_flags:
            errors.append(_err("flags", f"标记“{flag}”无效", path))
    if m.repeat_of_id is not None and (isinstance(m.repeat_of_id, bool) or not isinstance(m.repeat_of_id, int)):
        errors.append(_err("repeat_of_id", "重复访所指的原事项无效", path))
    return errors


def validate_contact(c: ContactInput, *, categories: list[str] | None = None,
                     now: dt.datetime | None = None) -> list[FieldError]:
    """Check a whole contact (the contact, every petitioner and every matter); cleans in place.

    An empty list means the contact may be registered.
    """
    errors: list[FieldError] = []

    channel = clean_text(c.channel)
    c.channel = channel
    if not channel:
        errors.append(_err("channel", f"{field_label('channel')}不能为空", ()))
    elif channel not in {ch.value for ch in Channel}:
        allowed = "、".join(ch.value for ch in Channel)
        errors.append(_err("channel", f"{field_label('channel')}“{channel}”无效，应为{allowed}之一", ()))

    errors.extend(_check_received_at(c.received_at, now))
    _clean_field(c, "clerk", (), errors, required=True)
    _clean_field(c, "note", (), errors)

    petitioners = list(c.petitioners or [])
    matters = list(c.matters or [])
    if not petitioners:
        errors.append(_err("petitioners", "至少要登记一位信访人", ()))
    if not matters:
        errors.append(_err("matters", "至少要登记一项诉求", ()))
    today = (now or dt.datetime.now()).date()
    for i, p in enumerate(petitioners):
        errors.extend(validate_petitioner(p, ("petitioners", i), today=today))
    for i, m in enumerate(matters):
        errors.extend(validate_matter(m, ("matters", i), categories=categories))

    seen: dict[str, int] = {}
    for i, p in enumerate(petitioners):
        valid = p.id_number and (check_credit_code(p.id_number) if p.is_organisation
                                 else check_id_number(p.id_number, today=today)) is None
        if valid:
            if p.id_number in seen:
                errors.append(_err("id_number", f"{field_label('id_number')}与第{seen[p.id_number] + 1}位信访人相同",
                                   ("petitioners", i)))
            else:
                seen[p.id_number] = i

    errors.extend(_check_headcount(c.headcount, petitioners))
    return errors


def _check_received_at(value, now: dt.datetime | None) -> list[FieldError]:  # noqa: ANN001
    label = field_label("received_at")
    if not isinstance(value, dt.datetime):
        return [_err("received_at", f"{label}不能为空" if value is None else f"{label}应为日期和时间", ())]
    current = now or dt.datetime.now()
    # Compare like with like: naive times are the office's wall clock.
    if value.tzinfo is not None and current.tzinfo is None:
        current = current.astimezone()
    elif value.tzinfo is None and current.tzinfo is not None:
        current = current.astimezone().replace(tzinfo=None)
    if value > current + FUTURE_TOLERANCE:
        return [_err("received_at", f"{label}不能晚于现在（现在是{current:%Y-%m-%d %H:%M}）", ())]
    if value.year < 1949:
        return [_err("received_at", f"{label}不正确（{value:%Y-%m-%d}）", ())]
    return []


def _check_headcount(headcount, petitioners: list[PetitionerInput]) -> list[FieldError]:  # noqa: ANN001
    label = field_label("headcount")
    if isinstance(headcount, bool) or not isinstance(headcount, int):
        return [_err("headcount", f"{label}应为整数", ())]
    if headcount < 1:
        return [_err("headcount", f"{label}至少为1人", ())]
    if headcount < len(petitioners):
        return [_err("headcount", f"{label}{headcount}人，少于登记的信访人（{len(petitioners)}人）", ())]
    representatives = sum(1 for p in petitioners if p.representative)
    if headcount >= GROUP_HEADCOUNT or len(petitioners) > MAX_REPRESENTATIVES:
        if representatives > MAX_REPRESENTATIVES:
            return [_err("representatives",
                         f"{label}{headcount}人，代表人数{representatives}人，超过{MAX_REPRESENTATIVES}人"
                         "（《信访工作条例》第二十条：多人采用走访形式提出同一信访事项的，应当推选代表，"
                         "代表人数不超过5人）", ())]
        if representatives == 0:
            return [_err("representatives",
                         f"{label}{headcount}人，请在信访人中标记推选的代表（不超过{MAX_REPRESENTATIVES}人，"
                         "《信访工作条例》第二十条）", ())]
    return []
