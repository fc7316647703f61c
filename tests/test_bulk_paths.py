"""The bulk paths (issue 16): a set-based import writes exactly what registration writes contact by contact, in a
number of statements that does not grow with the file; the export's memory stays flat whatever the period."""

from __future__ import annotations

import datetime as dt
import tracemalloc

import pytest
from sqlalchemy import event, text

from tests.conftest import TODAY, make_id_number
from tests.test_postgres import pg_ctx, pg_url  # noqa: F401  (fixtures)
from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput
from xfdesk.services.bulk_registration import register_contacts
from xfdesk.services.context import open_context
from xfdesk.services.exchange import FORMAT, export_to_file, import_exchange
from xfdesk.services.registration import check_contact, register_contact, register_contact_in
from tests.test_screen_statements import statements

VILLAGES = ("大畲村", "琴江村", "古樟村")


def contacts_for_test() -> list[ContactInput]:
    """Returning people (same ID, a new phone and address), people without an ID, a group visit, flags and kinds
    (检举控告 restricted), two demands, two years, a contact received today."""
    zhang = make_id_number("19800101", serial=123)
    known = make_id_number("19650505", serial=321)  # registered before the import
    people = [make_id_number("19700101", serial=500 + i) for i in range(6)]

    def person(name, id_number=None, representative=False, **kw):  # noqa: ANN001, ANN202
        return PetitionerInput(name=name, id_number=id_number, representative=representative,
                               address=kw.pop("address", f"琴江镇{name}家"), village=kw.pop("village", "大畲村"), **kw)

    def matter(summary, **kw):  # noqa: ANN001, ANN202
        return MatterInput(summary=summary, category=kw.pop("category", "邻里纠纷"), location="大畲村", **kw)

    return [
        ContactInput(received_at=dt.datetime(2025, 12, 30, 9, 30), channel="走访", clerk="王芳",
                     petitioners=[person("张三", zhang, True, phone="13800001234")],
                     matters=[matter("宅基地边界纠纷", kind="申诉求决"), matter("村道路灯损坏", category="城乡建设")]),
        ContactInput(received_at=dt.datetime(2026, 1, 5, 10, 0), channel="走访", clerk="王芳", headcount=30,
                     petitioners=[person(f"代表{i}", people[i], True) for i in range(5)],
                     matters=[matter("征地补偿款未发放", category="征地拆迁", flags={"is_group", "is_urgent"})]),
        ContactInput(received_at=dt.datetime(2026, 3, 1, 15, 0), channel="来信", clerk="李四",
                     petitioners=[person("李五")],
                     matters=[matter("举报村干部侵占集体资金", kind="检举控告", category="党纪政纪")]),
        ContactInput(received_at=dt.datetime(2026, 6, 2, 8, 45), channel="来电", clerk="王芳",
                     petitioners=[person("张三", zhang, phone="13900002222", address="琴江镇新居")],
                     matters=[matter("宅基地纠纷仍未解决")]),
        ContactInput(received_at=dt.datetime(2026, 7, 7, 11, 0), channel="走访", clerk="王芳", headcount=2,
                     petitioners=[person("王老五", known, True, phone="13700007777"), person("李五")],
                     matters=[matter("建议修缮村小学", kind="建议意见", category="教育")]),
        ContactInput(received_at=dt.datetime.combine(TODAY, dt.time(9, 0)), channel="走访", clerk="王芳",
                     petitioners=[person("赵六", people[5], True)], matters=[matter("要求协调劳务费")]),
    ]


def _rows(ctx, *, moving: bool) -> dict[str, list[tuple]]:  # noqa: ANN001
    """The registered records, with the moments that are "now" at writing time left out when ``moving``."""
    skip = {"created_at", "updated_at"} if moving else set()
    tables = {"petitioner": "id", "contact": "id", "contactpetitioner": "contact_id, petitioner_id",
              "matter": "id", "deadline": "id", "event": "id", "numberseries": "series, year"}
    out = {}
    with ctx.db.read() as s:
        conn = s.connection()
        for table, order in tables.items():
            result = conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))
            keep = [i for i, c in enumerate(result.keys()) if c not in skip]
            rows = [tuple(r[i] for i in keep) for r in result]
            if table == "event":  # audit rows of the set-up, and today's "now" moment
                rows = [r for r in rows if r[6] == "register"]
                rows = [r[:3] + r[4:] for r in rows] if moving else rows
            out[table] = rows
    return out


def _office(ctx, operator) -> None:  # noqa: ANN001
    register_contact(ctx, operator, ContactInput(
        received_at=dt.datetime(2025, 11, 3, 9, 0), channel="走访", clerk="王芳",
        petitioners=[PetitionerInput(name="王老五", id_number=make_id_number("19650505", serial=321),
                                     address="琴江镇", village="琴江村", representative=True)],
        matters=[MatterInput(summary="早先的诉求", category="其他", location="琴江村")]))


def _both(make_ctx, operator):  # noqa: ANN001, ANN202
    one, many = make_ctx("one"), make_ctx("many")
    for c in (one, many):
        _office(c, operator)
    contacts = contacts_for_test()
    for c in contacts:
        check_contact(one, c)
    with one.db.write() as s:
        by_one = [register_contact_in(s, one, operator, c, validated=True) for c in contacts]
    with many.db.write() as s:
        by_many = register_contacts(s, many, operator, contacts_for_test_checked(many))
    return one, many, by_one, by_many


def contacts_for_test_checked(ctx) -> list[ContactInput]:  # noqa: ANN001
    contacts = contacts_for_test()
    for c in contacts:
        check_contact(ctx, c)
    return contacts


def _assert_same(one, many, by_one, by_many) -> None:  # noqa: ANN001
    assert [(r.contact_id, r.petitioner_ids, r.matter_ids, r.numbers) for r in by_many] == [
        (r.contact_id, r.petitioner_ids, r.matter_ids, r.numbers) for r in by_one]
    a, b = _rows(one, moving=True), _rows(many, moving=True)
    for table in a:
        assert b[table] == a[table], table
    assert by_many[-1].numbers == ["XF-2026-000005"]  # numbered on, gap-free, per year


def test_bulk_registration_writes_what_registration_writes(tmp_path, clerk):
    contexts = []

    def make(name):  # noqa: ANN001, ANN202
        contexts.append(open_context(tmp_path / name, clock=lambda: TODAY))
        return contexts[-1]

    try:
        _assert_same(*_both(make, clerk))
    finally:
        for c in contexts:
            c.db.dispose()


def test_bulk_registration_writes_what_registration_writes_on_postgres(pg_url, tmp_path, clerk, monkeypatch):  # noqa: F811
    from sqlalchemy import create_engine

    contexts = []

    def make(name):  # noqa: ANN001, ANN202
        engine = create_engine(pg_url, isolation_level="AUTOCOMMIT")
        database = f"{engine.url.database}_{name}"
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{database}"'))
        engine.dispose()
        monkeypatch.setenv("XFDESK_DATABASE_URL", engine.url.set(database=database).render_as_string(False))
        contexts.append(open_context(tmp_path / name, clock=lambda: TODAY))
        return contexts[-1]

    try:
        _assert_same(*_both(make, clerk))
    finally:
        for c in contexts:
            url = c.db.engine.url
            c.db.dispose()
            engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
            with engine.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
            engine.dispose()


# -- statements and memory -----------------------------------------------------------------------------------------
def exchange_document(contacts: int, *, start: dt.datetime = dt.datetime(2025, 12, 1, 8, 0)) -> dict:
    """``contacts`` visits over a year; a third of them by people who came before."""
    out = []
    for i in range(contacts):
        serial = i % max(1, contacts * 2 // 3)
        number = make_id_number(f"19{50 + serial % 40:02d}0{1 + serial % 9}1{serial % 9}", serial=serial % 1000)
        out.append({"received_at": (start + dt.timedelta(minutes=i * 47)).isoformat() + "+08:00",
                    "channel": "走访", "headcount": 1, "clerk": "王芳",
                    "petitioners": [{"name": "张" + "伟芳娜敏静丽强磊"[serial % 8], "id_number": number,
                                     "address": f"琴江镇{VILLAGES[i % 3]}", "village": VILLAGES[i % 3],
                                     "representative": True}],
                    "matters": [{"summary": f"反映第{i}号问题，要求协调解决", "details": "详细情况……" * 10,
                                 "category": "邻里纠纷", "location": VILLAGES[i % 3]}
                                for _ in range(1 + (i % 4 == 0))]})
    return {"format": FORMAT, "office": "琴江镇信访办", "contacts": out}


def test_an_import_issues_a_bounded_number_ofstatements(tmp_path, head):
    counts = {}
    for size in (20, 400):
        ctx = open_context(tmp_path / f"home{size}", clock=lambda: TODAY)
        try:
            document = exchange_document(size)
            counts[size] = statements(ctx, lambda: import_exchange(ctx, head, document))  # noqa: B023
            with ctx.db.read() as s:
                assert s.connection().execute(text("SELECT count(*) FROM contact")).scalar() == size
        finally:
            ctx.db.dispose()
    # row by row, 400 contacts took about 15,000 statements; set-based, the count does not grow with the file
    assert counts[400] == counts[20], counts
    assert counts[400] < 80, counts


@pytest.fixture(scope="module")
def exported_offices(tmp_path_factory):
    from xfdesk.domain.glossary import Role
    from xfdesk.services.context import Operator

    head = Operator("李主任", Role.HEAD)
    made = {}
    for size in (1600, 6400):  # 2,000 and 8,000 matters
        ctx = open_context(tmp_path_factory.mktemp(f"export{size}") / "home", clock=lambda: TODAY)
        import_exchange(ctx, head, exchange_document(size, start=dt.datetime(2008, 1, 1, 8, 0)))
        made[size] = ctx
    yield head, made
    for ctx in made.values():
        ctx.db.dispose()


def test_the_export_memory_stays_flat_as_the_period_grows(exported_offices, tmp_path):
    head, offices = exported_offices
    peaks, sizes = {}, {}
    for size, ctx in offices.items():
        path = tmp_path / f"out{size}.json"
        tracemalloc.start()
        try:
            result = export_to_file(ctx, head, path)
            peaks[size] = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert result.contacts == size
        sizes[size] = path.stat().st_size
    assert sizes[6400] > 3.5 * sizes[1600]  # four times the records, four times the file ...
    assert peaks[6400] < 1.3 * peaks[1600], peaks  # ... and the same memory


def test_a_ledger_import_is_indexed_once_at_its_end_and_found(ctx, head, tmp_path):
    from tests.test_ledger_import import HEADER, ID_A, _ledger
    from tests.test_search_bulk import found
    from xfdesk.services.ledger_import import import_ledger
    from xfdesk.storage import search_sqlite

    rows = [HEADER] + [[i, f"2024.3.{1 + i % 28}", f"刘建{'国华民'[i % 3]}", ID_A if i % 7 == 0 else None,
                        f"139{i:08d}", "邻里纠纷", f"要求调处第{i}号宅基地边界", "司法所", "2024年4月20日", "满意",
                        1, ""] for i in range(1, 61)]
    path = _ledger(tmp_path / "ledger.xlsx", rows)
    indexed = []
    real = search_sqlite.index_filled_after

    def counting(bind):  # noqa: ANN001, ANN202
        indexed.append(bind)
        return real(bind)

    import xfdesk.storage.search_sqlite as module

    module.index_filled_after = counting
    try:
        count = statements(ctx, lambda: import_ledger(ctx, head, path))
    finally:
        module.index_filled_after = real
    assert len(indexed) == 1 and count < 60, count  # one fill for the file; statements do not grow per row
    with ctx.db.write() as s:
        search_sqlite.check_index(s)
        ids = {r[0] for r in s.connection().execute(text("SELECT id FROM petitioner WHERE name = '刘建华'"))}
        matters = s.connection().execute(text(
            "SELECT count(*) FROM matter WHERE status = 'archived' AND closed_on = '2024-04-20'")).scalar()
    assert ids and ids <= found(ctx, "petitioner_grams", '"建华"')
    assert matters == 60
    assert found(ctx, "matter_fts", '"第17号宅基地"')


# -- the write lock in slices --------------------------------------------------------------------------------------
def test_an_import_writes_in_slices_and_a_failed_slice_takes_back_the_ones_before(ctx, head, monkeypatch):
    _slices_and_undo(ctx, head, monkeypatch)


def test_slices_and_their_undo_on_postgres(pg_ctx, head, monkeypatch):  # noqa: F811
    _slices_and_undo(pg_ctx, head, monkeypatch)


def _slices_and_undo(ctx, head, monkeypatch) -> None:  # noqa: ANN001
    from tests.test_exchange import dump
    from xfdesk.services import bulk_registration, exchange

    monkeypatch.setattr(exchange, "IMPORT_SLICE", 40)
    before = dump(ctx)
    commits = []
    event.listen(ctx.db.engine, "commit", lambda _conn: commits.append(1))
    result = import_exchange(ctx, head, exchange_document(100))
    assert len(result.numbers) == len(set(result.numbers)) and len(result.contact_ids) == 100
    assert len(commits) == 3  # three slices of at most 40 contacts (the last one logs the import)
    document = exchange_document(100, start=dt.datetime(2026, 2, 1, 8, 0))
    document["contacts"][90]["petitioners"][0]["id_number"] = document["contacts"][1]["petitioners"][0]["id_number"]
    after_first = dump(ctx)
    real, calls = bulk_registration.register_contacts, []

    def failing_third(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202 - the disk fills up in the third slice
        calls.append(1)
        if len(calls) == 3:
            raise OSError("磁盘已满")
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk_registration, "register_contacts", failing_third)
    with pytest.raises(OSError):
        import_exchange(ctx, head, document)
    now_ = dump(ctx)
    undone = [r for r in now_["event"] if r[6] == "import_undone"]
    assert len(undone) == 1
    now_["event"] = [r for r in now_["event"] if r[6] != "import_undone"]
    assert now_ == after_first  # people's fields, numbers: as before the failed file
    assert before != after_first
    if not ctx.db.is_sqlite:
        return
    from tests.test_search_bulk import found
    from xfdesk.storage import search_sqlite

    with ctx.db.write() as s:
        search_sqlite.check_index(s)  # the index follows the rows taken back
    assert not found(ctx, "matter_fts", '"第95号问题"') & set(range(126, 300))
