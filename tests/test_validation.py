"""Validation of what clerks type and import files carry: ID numbers, phones, text cleaning, group visits."""

from __future__ import annotations

import datetime as dt

import pytest

from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput
from xfdesk.domain.validation import (
    MAX_REPRESENTATIVES,
    TEXT_LIMITS,
    FieldError,
    ValidationFailed,
    check_credit_code,
    check_id_number,
    check_phone,
    check_text,
    clean_text,
    id_birth_date,
    id_gender,
    located_message,
    normalize_id_number,
    normalize_phone,
    validate_contact,
    validate_matter,
    validate_petitioner,
)

WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]  # ISO 7064 MOD 11-2 weights, derived, not copied


def with_check(first17: str) -> str:
    """A complete ID number: the check character computed from the standard's definition."""
    total = sum(int(c) * w for c, w in zip(first17, WEIGHTS))
    value = (12 - total % 11) % 11
    return first17 + ("X" if value == 10 else str(value))


def wrong_check(first17: str) -> str:
    good = with_check(first17)[-1]
    return first17 + ("0" if good != "0" else "1")


def test_weights_are_the_gb11643_ones():
    assert WEIGHTS == [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


GOOD_BASES = ["36073019800101123", "11010519491231002", "44030420000229051", "36073119900315456",
              "51010220201010987", "36073019751130246"]


@pytest.mark.parametrize("base", GOOD_BASES)
def test_valid_id_numbers_pass(base):
    assert check_id_number(with_check(base)) is None


def test_an_x_check_digit_is_found_and_lower_case_accepted():
    # Search bases until one needs X, so the X branch is really exercised.
    bases = (f"36073019800101{n:03d}" for n in range(1000))
    base = next(b for b in bases if with_check(b).endswith("X"))
    number = with_check(base)
    assert check_id_number(number) is None
    assert check_id_number(number.lower()) is None
    assert normalize_id_number(" " + number.lower() + " ") == number


@pytest.mark.parametrize("base", GOOD_BASES)
def test_wrong_check_digit_is_refused(base):
    wrong = wrong_check(base)
    assert check_id_number(wrong) == f"身份证号校验位不正确（按前17位，最后一位应为{with_check(base[:17])[-1]}）"


@pytest.mark.parametrize("number, fragment", [
    ("36073019800101123", "应为18位"),
    ("3607301980010112345", "应为18位"),
    ("36073019800101A233", "只能由数字组成"),
    (with_check("36073019800230123"), "出生日期不正确"),   # 30 February
    (with_check("36073018991231123"), "出生日期不正确"),   # before 1900
    (with_check("36073021000101123"), "出生日期不正确"),   # in the future
    (with_check("00000019800101123"), "地址码"),
    (with_check("19073019800101123"), "前两位19不是省级行政区代码"),
    (with_check("99073019800101123"), "地址码"),
    ("", "不能为空"),
])
def test_bad_id_numbers_say_what_is_wrong(number, fragment):
    message = check_id_number(number)
    assert message is not None and fragment in message and "身份证号" in message


def test_full_width_id_number_is_normalised():
    number = with_check("36073019800101123")
    full = "".join(chr(ord(c) + 0xFEE0) for c in number)
    assert normalize_id_number(full) == number
    assert check_id_number(full) is None
    assert normalize_id_number("  ") is None


def test_birth_date_and_gender_from_id():
    male = with_check("36073019800101123")  # 17th digit 3: odd
    female = with_check("36073019850612124")  # 17th digit 4: even
    assert id_birth_date(male) == dt.date(1980, 1, 1)
    assert id_gender(male) == "男"
    assert id_birth_date(female) == dt.date(1985, 6, 12)
    assert id_gender(female) == "女"
    assert id_gender(wrong_check("36073019800101123")) is None


def test_credit_code_check():
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [3 ** i % 31 for i in range(17)]
    base = "91360730MA35ABCDE"
    check = chars[(31 - sum(chars.index(c) * w for c, w in zip(base, weights)) % 31) % 31]
    assert check_credit_code(base + check) is None
    other = chars[(chars.index(check) + 1) % 31]
    assert "校验位" in check_credit_code(base + other)


@pytest.mark.parametrize("raw, canonical", [
    ("13800001234", "13800001234"),
    ("１３８００００１２３４", "13800001234"),
    ("138 0000 1234", "13800001234"),
    ("+86 13800001234", "13800001234"),
    ("0797-8212345", "0797-8212345"),
    ("07978212345", "0797-8212345"),
    ("０７９７－８２１２３４５", "0797-8212345"),
    ("(0797)8212345", "0797-8212345"),
    ("010-12345678", "010-12345678"),
    ("02012345678", "020-12345678"),
    ("0755-88889999", "0755-88889999"),
    ("0797-8212345-801", "0797-8212345-801"),
    ("0797-8212345转801", "0797-8212345-801"),
    ("400-800-1234", "400-800-1234"),
    ("8008001234", "800-800-1234"),
])
def test_valid_phones_are_normalised(raw, canonical):
    assert check_phone(raw) is None
    assert normalize_phone(raw) == canonical


@pytest.mark.parametrize("raw", ["1380000123", "138000012345", "12800001234", "8212345", "0797-82123",
                                 "电话13800001234", "abc", "010-1234567"])
def test_bad_phones_are_refused(raw):
    message = check_phone(raw)
    assert message is not None and message.startswith("联系电话")


def test_empty_phone_normalises_to_none():
    assert normalize_phone("  ") is None
    assert normalize_phone(None) is None


@pytest.mark.parametrize("raw, expected", [
    ("\x1b[31m张三\x1b[0m", "张三"),
    ("\x1b]8;;http://x\x1b\\点我\x1b]8;;\x1b\\", "点我"),
    ("\x1b]0;title\x07李四", "李四"),
    ("\x1bP1$tx\x1b\\王五", "王五"),
    ("\x9b2J赵六", "赵六"),
    ("张\x07三", "张三"),
    ("张\x00三\x7f", "张三"),
    ("\u202e三张\u202c", "三张"),
    ("\u2066张三\u2069", "张三"),
    ("张\u200b三\ufeff", "张三"),
    ("[b]张[/b]", "[b]张[/b]"),
    ("[link=http://x]点[/link]", "[link=http://x]点[/link]"),
    ("  张三\u3000", "张三"),
    ("张\n三", "张 三"),
    ("未结束 \x1b]8;;http://x 张三", "未结束 8;;http://x 张三"),  # no terminator: only ESC ] goes
    ("\x1b]0;标题\x1b\\\x9d0;t\x9c李四", "李四"),
    (None, ""),
    ("e\u0301", "\u00e9"),  # NFC
])
def test_clean_text_single_line(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_multiline_keeps_newlines_and_turns_tabs_into_spaces():
    assert clean_text("第一行\r\n第二行\t尾\x1b[2K\r第三行", multiline=True) == "第一行\n第二行 尾\n第三行"
    assert clean_text("甲\u2028乙\u2029丙\x85丁", multiline=True) == "甲\n乙\n丙\n丁"
    assert clean_text("甲\u2028乙") == "甲 乙"


def test_clean_text_never_raises_on_odd_input():
    assert clean_text(12) == "12"
    assert clean_text("\x1b") == ""
    assert clean_text("\udcff") == "\udcff"  # a lone surrogate stays, it is not a terminal control


def test_check_text_limits_and_required():
    assert check_text("", "name", max_length=50, required=True) == "姓名不能为空"
    assert check_text("", "name", max_length=50) is None
    assert check_text("张" * 50, "name", max_length=50) is None
    assert check_text("张" * 51, "name", max_length=50) == "姓名不能超过50字（现有51字）"
    assert check_text("\x1b[31m" + "张" * 50, "name", max_length=50) is None  # escapes do not count


# -- records -------------------------------------------------------------------------------------------------------
NOW = dt.datetime(2026, 11, 20, 10, 0)


def person(name="张三", **kw) -> PetitionerInput:
    return PetitionerInput(name=name, **kw)


def contact(petitioners=None, matters=None, **kw) -> ContactInput:
    values = dict(received_at=dt.datetime(2026, 11, 20, 9, 30), channel="走访", clerk="王芳",
                  petitioners=petitioners if petitioners is not None else [person()],
                  matters=matters if matters is not None else [MatterInput(summary="反映宅基地边界纠纷")])
    values.update(kw)
    return ContactInput(**values)


def test_valid_contact_has_no_errors_and_is_cleaned():
    c = contact(petitioners=[person(" 张三\x1b[0m ", id_number=with_check("36073019800101123").lower(),
                                    phone="138 0000 1234")],
                matters=[MatterInput(summary="  反映\u200b问题 ", details="第一行\r\n第二行", kind="")])
    assert validate_contact(c, now=NOW) == []
    p = c.petitioners[0]
    assert p.name == "张三"
    assert p.id_number == with_check("36073019800101123")
    assert p.phone == "13800001234"
    assert p.gender == "男"  # filled in from the ID number
    assert c.matters[0].summary == "反映问题"
    assert c.matters[0].details == "第一行\n第二行"
    assert c.matters[0].kind is None


def fields(errors: list[FieldError]) -> set[tuple]:
    return {e.path for e in errors}


def test_petitioner_errors_carry_their_path():
    errors = validate_petitioner(person("", id_number=wrong_check("36073019800101123"), phone="123",
                                        gender="M"), ("petitioners", 1))
    assert fields(errors) == {("petitioners", 1, "name"), ("petitioners", 1, "id_number"),
                              ("petitioners", 1, "phone"), ("petitioners", 1, "gender")}
    id_error = next(e for e in errors if e.field == "id_number")
    assert id_error.message.startswith("身份证号校验位不正确（按前17位，最后一位应为")
    assert located_message(id_error).startswith("第2位信访人，身份证号校验位不正确")


def test_gender_contradicting_the_id_number_is_refused():
    errors = validate_petitioner(person(gender="女", id_number=with_check("36073019800101123")))
    assert [e.field for e in errors] == ["gender"]
    assert "与身份证号不符" in errors[0].message


def test_matter_checks():
    m = MatterInput(summary="", details="详" * 5001, category="不存在", kind="投诉", flags={"is_group", "bogus"})
    errors = validate_matter(m, ("matters", 0), categories=["邻里纠纷"])
    by_field = {e.field: e.message for e in errors}
    assert by_field["summary"] == "诉求摘要不能为空"
    assert "不能超过5000字" in by_field["details"]
    assert "不在类别表中" in by_field["category"]
    assert "投诉" in by_field["kind"]
    assert "bogus" in by_field["flags"]
    assert validate_matter(MatterInput(summary="x", category="邻里纠纷"), categories=["邻里纠纷"]) == []
    assert validate_matter(MatterInput(summary="x", category="随便"), categories=None) == []


def test_contact_level_errors():
    c = contact(petitioners=[], matters=[], channel="传真", clerk=" ", headcount=0)
    by_field = {e.field: e.message for e in validate_contact(c, now=NOW)}
    assert "传真" in by_field["channel"] and "走访" in by_field["channel"]
    assert by_field["clerk"] == "接待人不能为空"
    assert by_field["petitioners"] == "至少要登记一位信访人"
    assert by_field["matters"] == "至少要登记一项诉求"
    assert by_field["headcount"] == "来访人数至少为1人"


def test_received_at_in_the_future_is_refused_but_small_clock_drift_is_not():
    assert validate_contact(contact(received_at=NOW + dt.timedelta(minutes=3)), now=NOW) == []
    errors = validate_contact(contact(received_at=NOW + dt.timedelta(hours=2)), now=NOW)
    assert [e.field for e in errors] == ["received_at"]
    aware = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    assert validate_contact(contact(received_at=aware), now=aware + dt.timedelta(hours=1)) == []


def test_headcount_below_listed_petitioners_is_refused():
    errors = validate_contact(contact(petitioners=[person("甲"), person("乙")], headcount=1), now=NOW)
    assert [e.path for e in errors] == [("headcount",)]


def group(listed: int, representatives: int, headcount: int | None = None) -> ContactInput:
    people = [person(f"代表{i}", representative=i < representatives) for i in range(listed)]
    return contact(petitioners=people, headcount=headcount if headcount is not None else listed)


@pytest.mark.parametrize("listed, representatives, headcount", [(5, 5, 30), (5, 1, 5), (3, 3, 40), (1, 1, 1),
                                                                (2, 0, 2)])
def test_group_visit_with_at_most_five_representatives_is_accepted(listed, representatives, headcount):
    assert validate_contact(group(listed, representatives, headcount), now=NOW) == []


def test_six_representatives_are_refused_citing_article_20():
    errors = validate_contact(group(6, 6, 30), now=NOW)
    assert len(errors) == 1
    assert errors[0].field == "representatives"
    assert errors[0].message == ("来访人数30人，代表人数6人，超过5人（《信访工作条例》第二十条：多人采用走访形式提出同一"
                                 "信访事项的，应当推选代表，代表人数不超过5人）")
    assert MAX_REPRESENTATIVES == 5


def test_group_visit_without_a_marked_representative_is_refused():
    errors = validate_contact(group(2, 0, 12), now=NOW)
    assert [e.field for e in errors] == ["representatives"]
    assert "代表" in errors[0].message


def test_same_id_twice_in_one_contact_is_refused():
    number = with_check("36073019800101123")
    errors = validate_contact(contact(petitioners=[person("甲", id_number=number), person("乙", id_number=number)],
                                      headcount=2), now=NOW)
    assert [e.path for e in errors] == [("petitioners", 1, "id_number")]


def test_validation_failed_joins_messages():
    exc = ValidationFailed([FieldError("name", "姓名不能为空"), FieldError("phone", "联系电话不正确")])
    assert str(exc) == "姓名不能为空；联系电话不正确"
    assert len(exc.errors) == 2


def test_text_limits_cover_every_cleaned_field():
    assert TEXT_LIMITS["summary"] == 200 and TEXT_LIMITS["details"] == 5000 and TEXT_LIMITS["name"] == 50


# -- properties ----------------------------------------------------------------------------------------------------
import unicodedata  # noqa: E402

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TERMINAL_NOISE = st.sampled_from(["\x1b", "[", "]", "\\", "\x07", "\x9b", "\x9d", "\x9c", "8;;", "31m", "\u202e",
                                  "\u2066", "\u200b", "\ufeff", "\r", "\n", "\t", "\x00", "P", "张", " "])
NOISY_TEXT = st.lists(st.one_of(TERMINAL_NOISE, st.text(max_size=5)), max_size=30).map("".join)
INVISIBLE = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\u200e\u200f\u2060\ufeff")


@settings(max_examples=400, deadline=None)
@given(NOISY_TEXT, st.booleans())
def test_cleaned_text_never_carries_terminal_controls(raw, multiline):
    out = clean_text(raw, multiline=multiline)
    assert all(unicodedata.category(c) != "Cc" or (multiline and c == "\n") for c in out)
    assert not INVISIBLE & set(out)
    assert clean_text(out, multiline=multiline) == out  # cleaning twice changes nothing


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["11", "36", "44", "65", "71", "81", "83"]), st.integers(0, 9999),
       st.dates(dt.date(1900, 1, 1), dt.date(2026, 1, 1)), st.integers(0, 999))
def test_every_wellformed_number_passes_exactly_with_its_own_check_character(province, county, birth, serial):
    base = f"{province}{county:04d}{birth:%Y%m%d}{serial:03d}"
    good = with_check(base)
    assert check_id_number(good) is None
    assert id_birth_date(good) == birth
    for other in "0123456789X":
        if other != good[-1]:
            assert check_id_number(base + other) == f"身份证号校验位不正确（按前17位，最后一位应为{good[-1]}）"


def test_birth_date_bound_follows_the_given_today():
    number = with_check("36073020261201123")
    assert "出生日期" in check_id_number(number, today=dt.date(2026, 11, 21))
    assert check_id_number(number, today=dt.date(2026, 12, 2)) is None


def test_an_organisation_carries_a_credit_code_and_no_gender():
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    weights = [3 ** i % 31 for i in range(17)]
    base = "91360730MA35ABCDE"
    code = base + chars[(31 - sum(chars.index(c) * w for c, w in zip(base, weights)) % 31) % 31]
    org = PetitionerInput(name="大畲村合作社", id_number=code.lower(), is_organisation=True)
    assert validate_petitioner(org) == [] and org.id_number == code and org.gender is None
    person_id = PetitionerInput(name="大畲村合作社", id_number=with_check("36073019800101123"), is_organisation=True)
    assert [e.field for e in validate_petitioner(person_id)] == ["id_number"]
    assert [e.field for e in validate_petitioner(PetitionerInput(name="某公司", gender="男", is_organisation=True))] \
        == ["gender"]


@pytest.mark.parametrize("unit", ["\x90a", "\x9d\x1b]x", "\x1b]0;标题", "\x9b", "反映宅基地纠纷。\r\n"])
def test_cleaning_is_one_linear_pass_even_over_unterminated_escape_introducers(unit):
    """Eight times the text costs about eight times the time (a pass from every unterminated introducer to the end
    of the text made it sixty-four: a 1 MB field took minutes). The best of five runs, on texts long enough that
    the machine's noise does not decide."""
    import time

    from xfdesk.domain.validation import clean_text

    def best(n: int) -> float:
        text = unit * (n // len(unit))
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            clean_text(text, multiline=True)
            runs.append(time.perf_counter() - started)
            if runs[-1] > 2:  # far too slow already (quadratic): no need to wait for more
                break
        return min(runs)

    small = best(200_000)
    assert small < 2, small
    large = best(1_600_000)
    assert large < 24 * max(small, 5e-3), (unit, small, large)
    assert "\x90" not in clean_text("\x90a" * 10) and "\x1b" not in clean_text("\x1b]0;标题" * 10)


def test_messages_say_what_is_wrong_not_what_was_ignored():
    """Issue 9 §11: letters in a phone are the mistake (not "现有11位"); a future 来访时间 names now, not the typed
    value; a wrong check digit names the expected one."""
    from xfdesk.domain.validation import _check_received_at

    assert check_phone("13857461234gzc") == "联系电话只能填数字（含有“gzc”）"
    now = dt.datetime(2026, 11, 21, 9, 30)
    [error] = _check_received_at(dt.datetime(2026, 11, 22, 8, 0), now)
    assert error.message == "来访时间不能晚于现在（现在是2026-11-21 09:30）"
    assert check_id_number("360735198001011230") == "身份证号校验位不正确（按前17位，最后一位应为5）"


@settings(max_examples=600, deadline=None)
@given(st.one_of(NOISY_TEXT, st.text(max_size=40)), st.booleans())
def test_the_plain_text_shortcut_cleans_exactly_as_every_step_does(raw, multiline):
    """clean_text returns plain NFC text only trimmed; whatever it is given, that is what all its passes give."""
    from xfdesk.domain.validation import _clean_every_step

    assert clean_text(raw, multiline=multiline) == _clean_every_step(raw, multiline=multiline)
