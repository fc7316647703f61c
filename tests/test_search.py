"""Search: every query form, ranking, masking, paging, restricted matters, and the index following the tables.

Most tests run twice: through the SQLite FTS5 index and through the portable LIKE path used on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
import random

import pytest
from sqlmodel import select

from tests.conftest import TODAY, make_id_number, sample_contact
from xfdesk.domain.privacy import RESTRICTED_NAME, RESTRICTED_TEXT, mask_id_number, mask_phone
from xfdesk.services.search import find_people, parse_query, rebuild_index, search
from xfdesk.storage import search_sqlite
from xfdesk.storage.models import Matter, Petitioner

# fts: SQLite FTS5; portable: the LIKE path; trgm: PostgreSQL's pg_trgm indexes (skipped without a server);
# trgm-c: the same on a database whose LC_CTYPE hides Chinese from pg_trgm (found through two-character windows)
BACKENDS = ("fts", "portable", "trgm", "trgm-c")
PG_ADMIN_URL = os.environ.get("XFDESK_TEST_POSTGRES_URL", "postgresql+psycopg:///postgres?host=/var/run/postgresql")


@pytest.fixture(scope="module")
def pg_search_url():
    """One PostgreSQL database for this module's trgm runs (emptied before each test)."""
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine, text
    except ImportError:
        pytest.skip("没有安装 psycopg")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        admin.dispose()
        pytest.skip("没有可用的 PostgreSQL 服务器")
    name = f"xfdesk_trgm_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield admin.url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def ctx(request, tmp_path, monkeypatch):
    """The office of a test: SQLite, or (for the trgm backends) an emptied PostgreSQL database."""
    from xfdesk.services import search as search_service
    from xfdesk.services.context import open_context

    backend = getattr(getattr(request.node, "callspec", None), "params", {}).get("backend", "")
    if backend.startswith("trgm"):
        from sqlalchemy import text

        url = request.getfixturevalue("pg_search_url")
        monkeypatch.setenv("XFDESK_DATABASE_URL", url)
        context = open_context(tmp_path / "pg", migrate=False, clock=lambda: TODAY)
        from xfdesk.storage.db import upgrade

        upgrade(context.db)
        with context.db.write() as session:
            tables = [r[0] for r in session.execute(text(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
            session.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        from xfdesk.services.reference import sync_units

        sync_units(context)
        assert search_service._backend(context, context.db.read().__enter__()) == "trgm"
        monkeypatch.setitem(search_service._LISTS, "trgm-c", search_service._LISTS["trgm"])
        if backend == "trgm-c":
            monkeypatch.setitem(search_service._CJK_TRIGRAMS, str(context.db.engine.url), False)
    else:
        context = open_context(tmp_path / "home", clock=lambda: TODAY)
    yield context
    context.db.dispose()


@pytest.fixture
def office(ctx, register):
    """A few people with known values; returns their ids and numbers by a short key."""
    out = {}
    out["zhangsan"] = register(name="张三", village="大畲村", id_number=make_id_number("19700315", serial=11),
                               phone="13800001234")
    out["zhangsan_gz"] = register(name="张三", village="古樟村", id_number=make_id_number("19820101", serial=21),
                                  phone="13911112222", summaries=("反映拖欠工资八个月，讨要无果",),
                                  category="劳动社保")
    out["zhangsanfeng"] = register(name="张三丰", village="高田村", id_number=make_id_number("19600707", serial=31),
                                   phone="13722223333", summaries=("山塘水渠损坏，农田无法灌溉",), category="水利")
    out["wangxiaoming"] = register(name="王小明", village="长乐村", id_number=make_id_number("19900909", serial=41),
                                   phone="13655554444", summaries=("申请农村最低生活保障",), category="民政")
    return out


def _people(page):
    return [(p.name, p.village) for p in page.people]


@pytest.mark.parametrize("backend", BACKENDS)
def test_two_character_name_ranks_exact_name_first(ctx, office, backend):
    page = search(ctx, "张三", backend=backend)
    names = [p.name for p in page.people]
    assert names[:2] == ["张三", "张三"] and names[2] == "张三丰"
    assert page.total_people == 3
    # their matters come along, the exact-name people's first
    numbers = [m.number for m in page.matters]
    assert set(numbers[:2]) == set(office["zhangsan"].numbers + office["zhangsan_gz"].numbers)
    assert office["zhangsanfeng"].numbers[0] in numbers


@pytest.mark.parametrize("backend", BACKENDS)
def test_name_plus_village(ctx, office, backend):
    assert _people(search(ctx, "张三 大畲", backend=backend)) == [("张三", "大畲村")]
    assert _people(search(ctx, "张三 古樟村", backend=backend)) == [("张三", "古樟村")]
    page = search(ctx, "张三 古樟", backend=backend)
    assert [m.number for m in page.matters] == office["zhangsan_gz"].numbers


@pytest.mark.parametrize("backend", BACKENDS)
def test_given_name_inside_a_three_character_name(ctx, office, backend):
    assert _people(search(ctx, "小明", backend=backend)) == [("王小明", "长乐村")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_pinyin_initials_match_by_prefix(ctx, office, backend):
    assert sorted(_people(search(ctx, "zs", backend=backend))) == sorted(
        [("张三", "大畲村"), ("张三", "古樟村"), ("张三丰", "高田村")])
    assert _people(search(ctx, "ZSF", backend=backend)) == [("张三丰", "高田村")]
    assert _people(search(ctx, "wxm", backend=backend)) == [("王小明", "长乐村")]
    assert _people(search(ctx, "zs 大畲", backend=backend)) == [("张三", "大畲村")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_id_number_full_and_prefix(ctx, office, backend):
    with ctx.db.read() as session:
        person = session.get(Petitioner, office["zhangsanfeng"].petitioner_ids[0])
    page = search(ctx, person.id_number, backend=backend)
    assert [p.petitioner_id for p in page.people] == [person.id]
    assert [m.number for m in page.matters] == office["zhangsanfeng"].numbers
    prefix = search(ctx, person.id_number[:10], backend=backend)
    assert [p.petitioner_id for p in prefix.people] == [person.id]
    # a region-code prefix is shared by everyone: all four come back
    assert search(ctx, person.id_number[:6], backend=backend).total_people == 4


@pytest.mark.parametrize("backend", BACKENDS)
def test_phone_full_and_last_digits(ctx, office, backend):
    assert _people(search(ctx, "13655554444", backend=backend)) == [("王小明", "长乐村")]
    assert _people(search(ctx, "4444", backend=backend)) == [("王小明", "长乐村")]
    # full-width digits typed through a Chinese IME
    assert _people(search(ctx, "１３６５５５５４４４４", backend=backend)) == [("王小明", "长乐村")]


@pytest.mark.parametrize("backend", BACKENDS)
def test_exact_phone_ranks_before_a_substring(ctx, office, register, backend):
    register(name="赵六", village="新坊村", phone="13100001380", id_number=make_id_number(serial=51))
    page = search(ctx, "13800001234", backend=backend)
    assert page.people[0].name == "张三"
    page = search(ctx, "1380", backend=backend)
    assert {p.name for p in page.people} == {"张三", "赵六"}
    assert page.people[0].name == "赵六"  # the phone that ends in the digits typed comes first


@pytest.mark.parametrize("backend", BACKENDS)
def test_matter_text_substrings(ctx, office, backend):
    for words in ("工资", "拖欠工资", "讨要无果", "灌溉", "最低生活", "劳动社保"):
        page = search(ctx, words, backend=backend)
        assert page.matters, words
        assert all(words in (m.summary + _details(ctx, m.matter_id)) or words == "劳动社保" for m in page.matters)
    assert [m.number for m in search(ctx, "工资", backend=backend).matters] == office["zhangsan_gz"].numbers
    assert search(ctx, "工资 大畲", backend=backend).matters == []  # every term must match
    assert [m.number for m in search(ctx, "张三 工资", backend=backend).matters] == office["zhangsan_gz"].numbers


def _details(ctx, matter_id: int) -> str:
    with ctx.db.read() as session:
        return session.get(Matter, matter_id).details


@pytest.mark.parametrize("backend", BACKENDS)
def test_matter_number_full_and_bare_sequence(ctx, office, backend):
    number = office["wangxiaoming"].numbers[0]
    page = search(ctx, number, backend=backend)
    assert [m.number for m in page.matters] == [number] and page.people == []
    seq = str(int(number.rsplit("-", 1)[1]))
    assert search(ctx, seq, backend=backend).matters[0].number == number
    assert search(ctx, number.lower().replace("-0000", "-"), backend=backend).matters[0].number == number


@pytest.mark.parametrize("backend", BACKENDS)
def test_results_are_masked(ctx, office, backend):
    page = search(ctx, "王小明", backend=backend)
    with ctx.db.read() as session:
        person = session.get(Petitioner, page.people[0].petitioner_id)
    hit = page.people[0]
    assert hit.id_number_masked == mask_id_number(person.id_number) != person.id_number
    assert hit.phone_masked == mask_phone(person.phone) == "136****4444"
    dumped = json.dumps(page.as_json(), ensure_ascii=False)
    assert person.id_number not in dumped and person.phone not in dumped


@pytest.mark.parametrize("backend", BACKENDS)
def test_paging(ctx, register, backend):
    for i in range(25):
        register(name=f"温{'春夏秋冬梅兰竹菊'[i % 8]}{'一二三四五六七八九十'[i % 10]}", village="沔岭村",
                 id_number=make_id_number(serial=200 + i), phone=f"1580000{i:04d}")
    seen = []
    for offset, more in ((0, True), (10, True), (20, False)):
        page = search(ctx, "沔岭", limit=10, offset=offset, scope="people", backend=backend)
        assert page.total_people == 25
        assert page.has_more is more
        assert len(page.people) == (10 if more else 5)
        seen += [p.petitioner_id for p in page.people]
    assert len(set(seen)) == 25
    past = search(ctx, "沔岭", limit=10, offset=40, scope="people", backend=backend)
    assert past.people == [] and past.total_people == 25 and not past.has_more
    assert len(find_people(ctx, "沔岭", limit=7)) == 7


@pytest.mark.parametrize("backend", BACKENDS)
def test_restricted_matter_hides_identity_from_clerk(ctx, register, clerk, head, backend):
    ordinary = register(name="钟秀英", village="桐江村", id_number=make_id_number(serial=301), phone="13512345678",
                        summaries=("道路破损，要求维修",), category="交通运输")
    secret = register(name="钟秀英", village="桐江村", existing_id=ordinary.petitioner_ids[0], phone="13512345678",
                      id_number=None, summaries=("举报村干部侵占集体资金",), category="党纪政纪", kind="检举控告")
    secret_number = secret.numbers[0]

    for query in ("钟秀英", "13512345678", "zxy", "5678", "钟秀英 桐江"):
        page = search(ctx, query, operator=clerk, backend=backend)
        assert secret_number not in [m.number for m in page.matters], query
        assert [m.number for m in page.matters] == ordinary.numbers, query
        person = page.people[0]
        assert (person.matter_count, person.open_matters) == (1, 1), query

    # found by its number only, without the petitioner or its words; its words find nothing (they would tell it)
    hits = search(ctx, secret_number, operator=clerk, backend=backend).matters
    assert [(h.number, h.petitioner_name, h.summary, h.is_restricted) for h in hits] == [
        (secret_number, RESTRICTED_NAME, RESTRICTED_TEXT, True)]
    page = search(ctx, "侵占集体资金", operator=clerk, backend=backend)
    assert (page.matters, page.total_matters) == ([], 0)
    assert search(ctx, "侵占集体资金", backend=backend).matters == []  # no operator: as a clerk

    # the office head sees it, and as this person's
    page = search(ctx, "钟秀英", operator=head, backend=backend)
    assert secret_number in [m.number for m in page.matters]
    assert page.people[0].matter_count == 2
    assert search(ctx, secret_number, operator=head, backend=backend).matters[0].petitioner_name == "钟秀英"


@pytest.mark.parametrize("backend", BACKENDS)
def test_group_members_find_the_group_matter(ctx, clerk, backend):
    from xfdesk.domain.records import PetitionerInput
    from xfdesk.services.registration import register_contact

    contact = sample_contact(name="曾广福", village="兴隆村", headcount=12, id_number=make_id_number(serial=401),
                             summaries=("集体反映土地征收补偿标准偏低",), category="征地拆迁")
    contact.petitioners.append(PetitionerInput(name="邱桂兰", gender="女", village="兴隆村", representative=True,
                                               phone="13833334444"))
    reg = register_contact(ctx, clerk, contact)
    page = search(ctx, "邱桂兰", backend=backend)
    assert page.people[0].matter_count == 1
    assert [m.number for m in page.matters] == reg.numbers
    assert page.matters[0].petitioner_name == "曾广福"  # the matter's main petitioner


def test_index_follows_updates(ctx, office, register, clerk):
    person_id = office["wangxiaoming"].petitioner_ids[0]
    # the registration desk records a returning person with a new phone: the old number no longer finds them
    register(name="王小明", village="长乐村", existing_id=person_id, id_number=None, phone="18688889999",
             summaries=("补充材料",), category="民政")
    assert _people(search(ctx, "18688889999")) == [("王小明", "长乐村")]
    assert search(ctx, "13655554444").people == []
    assert search(ctx, "4444").people == []
    # a name changed directly in the table (any service): old name gone, new one and its initials found
    with ctx.db.write() as session:
        person = session.get(Petitioner, person_id)
        person.name, person.name_initials, person.village = "王晓明", "wxm", "梅福村"
        session.add(person)
    assert search(ctx, "小明", scope="people").people == []
    assert _people(search(ctx, "晓明 梅福")) == [("王晓明", "梅福村")]
    with ctx.db.write() as session:
        matter = session.exec(select(Matter).where(Matter.number == office["zhangsan"].numbers[0])).one()
        matter.summary = matter.details = "要求维修琴江大道路灯"
        session.add(matter)
    assert [m.number for m in search(ctx, "路灯").matters] == office["zhangsan"].numbers
    assert search(ctx, "宅基地").matters == []
    with ctx.db.read() as session:
        search_sqlite.check_index(session.connection())


def test_index_is_created_by_the_migration_idempotently_and_rebuilds(ctx, office):
    with ctx.db.write() as session:
        conn = session.connection()
        assert search_sqlite.has_index(conn)
        search_sqlite.create_index(conn)  # again: nothing breaks, nothing doubles
        conn.exec_driver_sql("INSERT INTO petitioner_grams (petitioner_grams) VALUES ('delete-all')")
    assert search(ctx, "张三").people == []  # the two-character index is empty now…
    assert rebuild_index(ctx) is True
    assert len(search(ctx, "张三").people) == 3  # …and whole again
    assert len(search(ctx, "张三丰").people) == 1
    with ctx.db.read() as session:
        search_sqlite.check_index(session.connection())


@pytest.mark.parametrize("backend", BACKENDS)
def test_user_text_cannot_break_the_query(ctx, office, backend):
    for text in ('"', '张" OR "王', "NEAR(", "*", "{name}:", "100%", "_", "a AND", "'; DROP TABLE matter; --", "   ",
                 "%(p0)s", "%s", "\\", "_三", "张%"):
        page = search(ctx, text, backend=backend)
        assert page.people == [] or all(isinstance(p.name, str) for p in page.people)
    assert search(ctx, "100%", backend=backend).matters == []
    assert search(ctx, "张%", backend=backend).people == []  # LIKE's wildcards are taken literally
    if backend != "fts":  # (FTS5's unicode61 tokenizer drops the "_" of a two-character term: "_三" finds 三)
        assert search(ctx, "_三", backend=backend).people == []


def test_parse_query_classifies_terms():
    q = parse_query("张三  ZS 3607351980 ＸＦ-2026-12 大畲", years=range(2025, 2027))
    assert q.terms == [("张三", "text"), ("zs", "letters"), ("3607351980", "digits"), ("XF-2026-000012", "number"),
                       ("大畲", "text")]
    assert not q.person_terms_ok  # a matter number names no person
    assert parse_query("123", years=range(2025, 2027)).matter_numbers == {"123": ["XF-2025-000123", "XF-2026-000123"]}


def test_every_form_finds_people_of_a_generated_office(ctx):
    from xfdesk.services.demo import generate_demo

    generate_demo(ctx, matters=120, seed=7, today=TODAY)
    with ctx.db.read() as session:
        people = session.exec(select(Petitioner)).all()
    rng = random.Random(3)
    for person in rng.sample(people, 12):
        ident = person.id
        assert ident in _ids(search(ctx, f"{person.name} {person.village[:2]}", scope="people", limit=50)), person.name
        assert ident in _ids(search(ctx, person.name_initials, scope="people", limit=200)), person.name_initials
        if person.id_number:
            assert _ids(search(ctx, person.id_number, scope="people"))[0] == ident
            assert ident in _ids(search(ctx, person.id_number[:12], scope="people"))
        if person.phone:
            assert _ids(search(ctx, person.phone, scope="people"))[0] == ident
            assert ident in _ids(search(ctx, person.phone[-4:], scope="people", limit=50))
    with ctx.db.read() as session:
        matters = session.exec(select(Matter).where(Matter.is_restricted == False)).all()  # noqa: E712
    for matter in rng.sample(matters, 8):
        words = matter.summary[2:6]
        found = search(ctx, words, scope="matters", limit=200)
        assert matter.id in [m.matter_id for m in found.matters], words


def _ids(page) -> list[int]:
    return [p.petitioner_id for p in page.people]


def test_cli_search_json_and_table(ctx, office, capsys):
    from xfdesk.cli.app import run

    home = str(ctx.home.root)
    assert run(["--home", home, "search", "张三 大畲", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [p["name"] for p in data["people"]] == ["张三"]
    assert data["matters"][0]["number"] == office["zhangsan"].numbers[0]
    assert data["people"][0]["phone_masked"] == "138****1234"

    assert run(["--home", home, "search", "王小明"]) == 0
    out = capsys.readouterr().out
    assert "王小明" in out and "136****4444" in out and "13655554444" not in out

    assert run(["--home", home, "search", "查无此人"]) == 0
    assert "没有找到" in capsys.readouterr().out
    assert run(["--home", home, "search", "张三", "--limit", "0"]) == 1
    assert "--limit" in capsys.readouterr().err


def test_cli_shows_user_text_literally(ctx, register, capsys):
    from xfdesk.cli.app import run

    register(name="[bold]李[/bold]", village="西华村", id_number=make_id_number(serial=501), phone="13044445555")
    assert run(["--home", str(ctx.home.root), "search", "西华"]) == 0
    assert "[bold]李[/bold]" in capsys.readouterr().out


def test_last_contact_is_the_latest_visit(ctx, register):
    first = register(name="廖春花", village="梅福村", id_number=make_id_number(serial=601), phone="13966667777",
                     received_at=dt.datetime(2026, 9, 1, 10, 0))
    register(name="廖春花", village="梅福村", existing_id=first.petitioner_ids[0], id_number=None,
             phone="13966667777", received_at=dt.datetime(2026, 11, 2, 15, 0), summaries=("再次反映宅基地纠纷",))
    hit = find_people(ctx, "廖春花")[0]
    assert hit.last_contact == dt.date(2026, 11, 2)
    assert hit.matter_count == 2 and hit.open_matters == 2


@pytest.mark.parametrize("backend", BACKENDS)
def test_surname_alone_and_with_other_words(ctx, office, backend):
    assert sorted(_people(search(ctx, "张", backend=backend))) == sorted(
        [("张三", "大畲村"), ("张三", "古樟村"), ("张三丰", "高田村")])
    assert search(ctx, "张", backend=backend).matters == []  # one character alone names no matter
    assert [m.number for m in search(ctx, "张 工资", backend=backend).matters] == office["zhangsan_gz"].numbers
    assert search(ctx, "王 工资", backend=backend).matters == []


# -- PostgreSQL: the default path on a real server (skipped when none is reachable, like tests/test_postgres.py) --


@pytest.fixture
def pg_ctx(tmp_path, monkeypatch):
    try:
        import psycopg  # noqa: F401
        from sqlalchemy import create_engine, text
    except ImportError:
        pytest.skip("没有安装 psycopg")
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        admin.dispose()
        pytest.skip("没有可用的 PostgreSQL 服务器")
    from xfdesk.services.context import open_context

    name = f"xfdesk_search_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    monkeypatch.setenv("XFDESK_DATABASE_URL", admin.url.set(database=name).render_as_string(hide_password=False))
    context = open_context(tmp_path / "pg", clock=lambda: TODAY)
    assert not context.db.is_sqlite
    yield context
    context.db.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_search_on_postgres(pg_ctx, clerk, head):
    from xfdesk.services.registration import register_contact

    def reg(**kwargs):
        return register_contact(pg_ctx, clerk, sample_contact(**kwargs))

    a = reg(name="张三", village="大畲村", id_number=make_id_number("19700315", serial=11), phone="13800001234")
    b = reg(name="张三丰", village="高田村", id_number=make_id_number("19600707", serial=31), phone="13722223333",
            summaries=("拖欠工资八个月，讨要无果",), category="劳动社保")
    secret = reg(name="张三", village="大畲村", existing_id=a.petitioner_ids[0], id_number=None,
                 summaries=("举报村干部侵占集体资金",), category="党纪政纪", kind="检举控告")
    assert [p.name for p in search(pg_ctx, "张三").people] == ["张三", "张三丰"]
    assert _people(search(pg_ctx, "张三 大畲")) == [("张三", "大畲村")]
    assert _people(search(pg_ctx, "ZSF")) == [("张三丰", "高田村")]
    assert _people(search(pg_ctx, "3333")) == [("张三丰", "高田村")]
    assert [m.number for m in search(pg_ctx, "工资").matters] == b.numbers
    assert search(pg_ctx, b.numbers[0]).matters[0].petitioner_name == "张三丰"
    clerk_page = search(pg_ctx, "张三 大畲", operator=clerk)
    assert secret.numbers[0] not in [m.number for m in clerk_page.matters]
    assert clerk_page.people[0].matter_count == 1
    assert search(pg_ctx, "侵占", operator=clerk).matters == []  # a report's words find nothing for a clerk
    assert search(pg_ctx, secret.numbers[0], operator=clerk).matters[0].petitioner_name == RESTRICTED_NAME
    assert search(pg_ctx, "张三 大畲", operator=head).people[0].matter_count == 2
    page = search(pg_ctx, "张三", limit=1, offset=1)
    assert page.total_people == 2 and [p.name for p in page.people] == ["张三丰"] and not page.has_more


@pytest.mark.parametrize("backend", BACKENDS)
def test_pages_walk_the_same_order_as_one_long_page(ctx, office, register, backend):
    for i in range(6):
        register(name=f"张三{'甲乙丙丁戊己'[i]}", village="大畲村", id_number=make_id_number(serial=700 + i),
                 phone=f"1360000{i:04d}", summaries=(f"第{i}次反映宅基地问题",))
    for query in ("张三", "大畲", "zs", "宅基地", "1360000"):
        full = search(ctx, query, limit=50, backend=backend)
        people, matters = [], []
        for offset in range(0, 50, 3):
            page = search(ctx, query, limit=3, offset=offset, backend=backend)
            people += [p.petitioner_id for p in page.people]
            matters += [m.matter_id for m in page.matters]
            if not page.has_more:
                break
        assert people == [p.petitioner_id for p in full.people], query
        assert matters == [m.matter_id for m in full.matters], query
        assert (full.total_people, full.total_matters) == (len(people), len(matters)), query


def test_a_term_matching_very_many_people_lists_people_not_all_their_matters(ctx, office, monkeypatch):
    region = make_id_number(serial=1)[:6]
    assert search(ctx, region).total_matters == 4
    monkeypatch.setattr(search_sqlite, "PERSON_FANOUT_LIMIT", 3)
    page = search(ctx, region)
    assert page.total_people == 4 and page.total_matters == 0
    assert search(ctx, "张三丰").total_matters == 1  # a narrow term still lists the person's matters


@pytest.mark.parametrize("backend", ("trgm", "trgm-c"))
def test_a_broad_term_is_checked_within_what_the_other_terms_found_on_postgres(ctx, office, monkeypatch, backend):
    from xfdesk.storage import search_postgres

    monkeypatch.setattr(search_postgres, "PERSON_FANOUT_LIMIT", 1)  # 张三 matches 3 people: "too many" to list
    assert search(ctx, "张三", backend=backend).total_matters == 0  # alone, it lists none of their matters…
    page = search(ctx, "张三 工资", backend=backend)  # …but checked on the matters another term found, it counts
    assert [m.number for m in page.matters] == office["zhangsan_gz"].numbers


def test_one_word_counted_and_paged_by_its_index_finds_what_reading_every_match_finds(ctx, register, clerk, head,
                                                                                     monkeypatch):
    """A one-word query whose matches stay in the FTS5 index (``search_sqlite.IndexedIds``) gives the same pages,
    order and totals as reading every match: own text, the matters of the people the word finds (a group's member
    too), the exact-name rank, and restricted matters for a clerk and for the head."""
    from xfdesk.domain.records import PetitionerInput
    from xfdesk.services.registration import register_contact

    first = register(name="大畲", village="古樟村", id_number=make_id_number(serial=801),
                     summaries=("反映大畲水渠损坏",))  # a person named as the word, matter text too
    register(name="大畲", village="古樟村", existing_id=first.petitioner_ids[0], id_number=None,
             summaries=("举报大畲村干部侵占资金",), kind="检举控告")  # restricted: by its own text, for the head
    register(name="大畲", village="古樟村", existing_id=first.petitioner_ids[0], id_number=None,
             summaries=("举报村干部虚报补贴",), kind="检举控告")  # restricted, not by its text: the head only
    for i in range(5):
        register(name=f"钟{'甲乙丙丁戊'[i]}", village="大畲村", id_number=make_id_number(serial=810 + i),
                 summaries=(f"第{i}次反映宅基地纠纷，要求处理",))  # found by their person (the village) only
        register(name=f"邱{'甲乙丙丁戊'[i]}", village="桐江村", id_number=make_id_number(serial=820 + i),
                 summaries=(f"大畲组道路破损{i}处，要求维修",))  # found by the matter's text only
    group = sample_contact(name="曾广福", village="兴隆村", headcount=8, id_number=make_id_number(serial=830),
                           summaries=("集体反映土地征收补偿偏低",))
    group.petitioners.append(PetitionerInput(name="邱桂兰", gender="女", village="大畲村", representative=True))
    register_contact(ctx, clerk, group)  # found through a member's village
    used = []
    monkeypatch.setattr(search_sqlite.IndexedIds, "newest",
                        lambda self, n, _real=search_sqlite.IndexedIds.newest: used.append(n) or _real(self, n))

    def pages(query, operator):
        out, offset = [], 0
        while True:
            page = search(ctx, query, operator=operator, limit=3, offset=offset)
            out.append(([p.petitioner_id for p in page.people], [(m.number, m.petitioner_name) for m in page.matters],
                        page.total_people, page.total_matters))
            if not page.has_more:
                return out
            offset += 3

    # as many matches as the index pages (more than RANK_SCAN_LIMIT: no prefix rank either way)
    monkeypatch.setattr(search_sqlite, "RANK_SCAN_LIMIT", 0)
    for query in ("大畲", "要求", "反映", "大畲村", "要求处理", "侵占资金"):
        for operator in (clerk, head):
            monkeypatch.setattr(search_sqlite, "INDEX_PAGE_FROM", 10 ** 9)
            read_whole = pages(query, operator)
            monkeypatch.setattr(search_sqlite, "INDEX_PAGE_FROM", 0)
            used.clear()
            assert pages(query, operator) == read_whole, (query, operator.role)
            assert used, query  # the index paged it
    page = search(ctx, "大畲", operator=head, limit=50)
    assert page.people[0].name == "大畲" and page.total_matters == 3 + 5 + 5 + 1
    # a clerk: not the restricted ones (found by their number only, tests/test_restricted_paths.py)
    assert search(ctx, "大畲", operator=clerk, limit=50).total_matters == 1 + 5 + 5 + 1


@pytest.mark.parametrize("see_restricted", (False, True))
def test_the_matters_of_the_people_found_are_read_from_the_indexes_alone(ctx, office, see_restricted):
    """Migration 0010: an ID-number prefix finds thousands of people, and their matters are read through covering
    indexes (no table row per person or per matter)."""
    captured = []
    with ctx.db.read() as session:
        conn = session.connection()

        def run(sql, params):  # noqa: ANN001, ANN202
            captured.append((sql, params))
            return conn.exec_driver_sql(sql, params).all()

        people = {p for o in office.values() for p in o.petitioner_ids}
        assert search_sqlite._matters_of(run, people, see_restricted)
        sql, params = captured[-1]
        plan = "\n".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "SEARCH cp USING COVERING INDEX ix_contactpetitioner_person_contact" in plan, plan
    # with the restricted left out, the (contact_id, is_restricted, id) index; else any index on contact_id covers
    assert ("SEARCH m USING COVERING INDEX ix_matter_contact_" + ("id" if see_restricted else "restricted")) in plan, plan


@pytest.mark.parametrize("backend", ("trgm",))
def test_a_clerks_search_past_what_postgres_counts_has_no_total(ctx, office, clerk, monkeypatch, backend):
    from xfdesk.storage import search_postgres

    monkeypatch.setattr(search_postgres, "TOTAL_LIMIT", 0)  # every match is "more than counted"
    page = search(ctx, "张三", operator=clerk, backend=backend)
    assert page.total_matters is None and page.matters
