"""The exchange file: all-or-nothing import with located Chinese messages, logged export, round trip."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import text
from sqlmodel import SQLModel, func, select

from tests.conftest import TODAY, make_id_number, sample_contact
from xfdesk.cli.app import run
from xfdesk.services.context import open_context
from xfdesk.services.exchange import FORMAT, ImportRejected, export_exchange, export_to_file, import_exchange
from xfdesk.storage.models import Contact, ContactPetitioner, Document, Event, Matter, Petitioner

ZHANG_ID = make_id_number("19800101", serial=123)
LI_ID = make_id_number("19751130", serial=246)


def bad_check_digit(number: str) -> str:
    return number[:17] + ("0" if number[17] != "0" else "1")


def person(name, id_number=None, representative=False, **extra) -> dict:
    p = {"name": name, "gender": extra.pop("gender", None), "address": f"琴江镇{name}家", "village": "大畲村",
         "representative": representative, **extra}
    if id_number:
        p["id_number"] = id_number
    return {k: v for k, v in p.items() if v is not None}


def exchange_file() -> dict:
    """Three contacts: one person with two demands, a group visit with five representatives, a letter."""
    return {
        "format": FORMAT,
        "office": "琴江镇信访办",
        "contacts": [
            {
                "received_at": "2026-11-19T09:30:00+08:00", "channel": "走访", "headcount": 1, "clerk": "王芳",
                "petitioners": [person("张三", ZHANG_ID, True, phone="13800001234")],
                "matters": [
                    {"summary": "反映宅基地边界纠纷，要求镇里协调", "details": "与邻居因宅基地边界发生争执……",
                     "category": "邻里纠纷", "location": "大畲村", "kind": "申诉求决"},
                    {"summary": "反映村道路灯损坏", "category": "城乡建设", "location": "大畲村"},
                ],
            },
            {
                "received_at": "2026-11-19T02:00:00Z", "channel": "走访", "headcount": 30, "clerk": "王芳",
                "petitioners": [person(f"代表{i}", make_id_number("19700101", serial=500 + i), True)
                                for i in range(5)],
                "matters": [{"summary": "反映征地补偿款未发放", "category": "征地拆迁", "flags": ["集体访"]}],
            },
            {
                "received_at": "2026-11-20T15:00:00+08:00", "channel": "来信", "clerk": "李四",
                "petitioners": [person("李五", LI_ID)],
                "matters": [{"summary": "举报村干部侵占集体资金", "category": "党纪政纪", "kind": "检举控告"}],
            },
        ],
    }


def dump(ctx) -> dict[str, list[tuple]]:
    """Every row of every table: the database's whole content."""
    with ctx.db.read() as s:
        conn = s.connection()
        return {t.name: [tuple(r) for r in conn.execute(text(f'SELECT * FROM "{t.name}" ORDER BY 1')).all()]
                for t in SQLModel.metadata.sorted_tables}


def write(tmp_path, document, name="in.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


# -- import --------------------------------------------------------------------------------------------------------
def test_a_valid_file_lands(ctx, head, tmp_path):
    result = import_exchange(ctx, head, write(tmp_path, exchange_file()))
    assert (result.contacts, result.matters, result.petitioners_new, result.petitioners_reused) == (3, 4, 7, 0)
    assert result.numbers == [f"XF-2026-{n:06d}" for n in range(1, 5)]
    with ctx.db.read() as s:
        contacts = s.exec(select(Contact).order_by(Contact.id)).all()
        matters = s.exec(select(Matter).order_by(Matter.id)).all()
        zhang = s.exec(select(Petitioner).where(Petitioner.id_number == ZHANG_ID)).one()
        reps = s.exec(select(ContactPetitioner).where(ContactPetitioner.contact_id == contacts[1].id)).all()
        imports = s.exec(select(Event).where(Event.action == "import")).all()
    assert [c.received_at for c in contacts] == [dt.datetime(2026, 11, 19, 9, 30), dt.datetime(2026, 11, 19, 10, 0),
                                                 dt.datetime(2026, 11, 20, 15, 0)]  # 02:00Z is 10:00 in China
    assert [c.headcount for c in contacts] == [1, 30, 1]
    assert zhang.name == "张三" and zhang.phone == "13800001234" and zhang.gender == "男"
    assert [m.number for m in matters] == result.numbers
    assert [m.summary for m in matters][:2] == ["反映宅基地边界纠纷，要求镇里协调", "反映村道路灯损坏"]
    assert matters[0].contact_id == matters[1].contact_id == contacts[0].id
    assert matters[2].is_group and len(reps) == 5 and all(r.representative for r in reps)
    assert matters[3].is_restricted and matters[3].kind == "检举控告"
    assert len(imports) == 1
    assert imports[0].data["contacts"] == 3 and imports[0].data["matters"] == 4 and imports[0].data["file"] == "in.json"


def test_importing_the_same_people_twice_reuses_them(ctx, head, tmp_path):
    path = write(tmp_path, exchange_file())
    import_exchange(ctx, head, path)
    again = import_exchange(ctx, head, path)
    assert (again.petitioners_new, again.petitioners_reused) == (0, 7)
    with ctx.db.read() as s:
        assert s.exec(select(func.count()).select_from(Petitioner)).one() == 7
        assert s.exec(select(func.count()).select_from(Matter)).one() == 8


def test_a_dict_can_be_imported_and_a_dry_run_writes_nothing(ctx, head):
    before = dump(ctx)
    checked = import_exchange(ctx, head, exchange_file(), dry_run=True)
    assert (checked.contacts, checked.matters, checked.numbers) == (3, 4, [])
    assert dump(ctx) == before
    assert import_exchange(ctx, head, exchange_file()).contacts == 3


def with_bad_id(doc):
    doc["contacts"][2]["petitioners"][0]["id_number"] = bad_check_digit(LI_ID)


def with_six_representatives(doc):
    doc["contacts"][1]["petitioners"].append(person("代表5", make_id_number("19700101", serial=505), True))


def with_unknown_channel(doc):
    doc["contacts"][0]["channel"] = "传真"


def with_bad_headcount_type(doc):
    doc["contacts"][1]["headcount"] = "三十"


def with_bad_time(doc):
    doc["contacts"][2]["received_at"] = "2026-11-31 09:00"


def with_unknown_flag(doc):
    doc["contacts"][1]["matters"][0]["flags"] = ["闹访"]


def with_missing_summary(doc):
    doc["contacts"][0]["matters"][1]["summary"] = " "


@pytest.mark.parametrize("spoil, expected", [
    (with_bad_id, "第3条来访记录，第1位信访人，身份证号：校验位不正确（按前17位，最后一位应为"),
    (with_six_representatives, "第2条来访记录，来访人数30人，代表人数6人，超过5人"),
    (with_unknown_channel, "第1条来访记录，来访形式：“传真”无效"),
    (with_bad_headcount_type, "第2条来访记录，来访人数：应为整数"),
    (with_bad_time, "第3条来访记录，来访时间：“2026-11-31 09:00”不是有效的日期时间"),
    (with_unknown_flag, "第2条来访记录，第1项诉求，标记“闹访”无效"),
    (with_missing_summary, "第1条来访记录，第2项诉求，诉求摘要：不能为空"),
])
def test_one_bad_record_rejects_the_file_and_changes_nothing(ctx, head, tmp_path, spoil, expected):
    import_exchange(ctx, head, write(tmp_path, exchange_file(), "earlier.json"))  # the database is not empty
    before = dump(ctx)
    doc = exchange_file()
    spoil(doc)
    with pytest.raises(ImportRejected) as info:
        import_exchange(ctx, head, write(tmp_path, doc))
    messages = [e.message for e in info.value.errors]
    assert len(messages) == 1, messages
    assert messages[0].startswith(expected), messages
    assert dump(ctx) == before


def test_every_bad_record_is_reported_at_once(ctx, head, tmp_path):
    doc = exchange_file()
    with_bad_id(doc)
    with_unknown_channel(doc)
    with pytest.raises(ImportRejected) as info:
        import_exchange(ctx, head, write(tmp_path, doc))
    assert [e.message.split("，")[0] for e in info.value.errors] == ["第1条来访记录", "第3条来访记录"]
    assert "；" in str(info.value)


@pytest.mark.parametrize("content, fragment", [
    ('{"format": "xfdesk-exchange/1",\n "contacts": [\n  {"channel": "走访",}\n ]}', "第3行第20列"),
    ('{"format": "xfdesk-exchange/1", "contacts": [] ', "第1行"),
    ('[]', "最外层应为一个对象"),
    ('{"format": "other/2", "contacts": []}', "format 为“other/2”"),
    ('{"contacts": []}', "format 缺少"),
    ('{"format": "xfdesk-exchange/1", "contacts": []}', "没有任何来访记录"),
    ('{"format": "xfdesk-exchange/1", "contacts": ["x"]}', "第1条来访记录，格式不对"),
])
def test_file_level_problems_are_named(ctx, head, tmp_path, content, fragment):
    path = tmp_path / "f.json"
    path.write_text(content, encoding="utf-8")
    before = dump(ctx)
    with pytest.raises(ImportRejected) as info:
        import_exchange(ctx, head, path)
    assert fragment in str(info.value)
    assert dump(ctx) == before


def test_a_file_that_is_not_utf8_is_named(ctx, head, tmp_path):
    path = tmp_path / "gbk.json"
    path.write_bytes(json.dumps(exchange_file(), ensure_ascii=False).encode("gbk"))
    with pytest.raises(ImportRejected, match="不是 UTF-8 编码"):
        import_exchange(ctx, head, path)


def test_terminal_escapes_in_a_file_are_cleaned_on_import(ctx, head):
    doc = exchange_file()
    doc["contacts"][0]["petitioners"][0]["name"] = "\x1b[31m张三\x1b]8;;http://x\x1b\\"
    doc["contacts"][0]["matters"][0]["summary"] = "[b]反映[/b]\u202e问题"
    import_exchange(ctx, head, doc)
    with ctx.db.read() as s:
        assert s.exec(select(Petitioner.name).where(Petitioner.id_number == ZHANG_ID)).one() == "张三"
        assert "[b]反映[/b]问题" in s.exec(select(Matter.summary)).all()


# -- export --------------------------------------------------------------------------------------------------------
@pytest.fixture
def office(ctx, clerk, register):
    """Matters registered through the real service, one with a document."""
    first = register(name="张三", id_number=ZHANG_ID, summaries=("反映宅基地边界纠纷", "反映路灯损坏"),
                     received_at=dt.datetime(2026, 11, 2, 9, 0))
    register(name="王六", received_at=dt.datetime(2026, 10, 20, 15, 30))
    from xfdesk.services.registration import register_contact

    register_contact(ctx, clerk, sample_contact(name="李五", id_number=LI_ID, summaries=("举报村干部侵占集体资金",),
                                                 kind="检举控告", category="党纪政纪",
                                                 received_at=dt.datetime(2026, 11, 10, 10, 0)))
    with ctx.db.write() as s:
        s.add(Document(kind="受理告知书", number_text="琴信告〔2026〕1号", year=2026, seq=1,
                       matter_id=first.matter_ids[0], operator="王芳", issued_at=dt.datetime(2026, 11, 3, 10, 0)))
    return first


def test_export_content(ctx, head, office):
    doc = export_exchange(ctx, head, dt.date(2026, 11, 1))
    assert doc["format"] == FORMAT and doc["office"] == ctx.settings.office_name
    assert [c["received_at"] for c in doc["contacts"]] == ["2026-11-02T09:00:00+08:00", "2026-11-10T10:00:00+08:00"]
    first = doc["contacts"][0]
    assert first["petitioners"][0]["name"] == "张三" and first["petitioners"][0]["id_number"] == ZHANG_ID
    matter = first["matters"][0]
    assert matter["number"] == office.numbers[0]
    assert matter["status"] == "registered" and matter["status_label"] == "待甄别"
    assert set(matter["deadlines"]) >= {"notice"}
    assert all(dt.date.fromisoformat(v) > dt.date(2026, 11, 2) for v in matter["deadlines"].values())
    assert matter["events"][0]["action"] == "register" and matter["events"][0]["time"].endswith("+08:00")
    assert set(matter["events"][0]) == {"time", "actor", "action", "from", "to", "note"}
    assert matter["documents"] == [{"kind": "受理告知书", "number": "琴信告〔2026〕1号",
                                    "issued_at": "2026-11-03T10:00:00+08:00"}]
    assert [m["summary"] for m in first["matters"]] == ["反映宅基地边界纠纷", "反映路灯损坏"]


def test_restricted_matters_go_with_the_heads_export_only_and_every_export_is_logged(ctx, clerk, head, office):
    by_head = export_exchange(ctx, head, dt.date(2026, 11, 1))
    assert "举报村干部侵占集体资金" in [m["summary"] for c in by_head["contacts"] for m in c["matters"]]
    by_clerk = export_exchange(ctx, clerk)
    summaries = [m["summary"] for c in by_clerk["contacts"] for m in c["matters"]]
    assert "举报村干部侵占集体资金" not in summaries and len(summaries) == 3
    assert LI_ID not in json.dumps(by_clerk, ensure_ascii=False)
    with ctx.db.read() as s:
        logged = s.exec(select(Event).where(Event.action == "export").order_by(Event.id)).all()
    assert [(e.actor, e.data["matters"], e.data["restricted"], e.data["withheld"]) for e in logged] == [
        (head.name, 3, 1, 0), (clerk.name, 3, 0, 1)]


def test_export_until_and_to_file(ctx, head, office, tmp_path):
    path = tmp_path / "october.json"
    result = export_to_file(ctx, head, path, dt.date(2026, 10, 1), until=dt.date(2026, 10, 31))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert (result.contacts, result.matters) == (1, 1)
    assert [c["petitioners"][0]["name"] for c in doc["contacts"]] == ["王六"]
    assert not list(tmp_path.glob("*.part"))
    with ctx.db.read() as s:
        assert s.exec(select(Event).where(Event.action == "export")).one().data["file"] == "october.json"


def test_the_streamed_file_is_the_whole_document_as_json_dump_writes_it(ctx, head, clerk, office, tmp_path,
                                                                         monkeypatch):
    """The file is written a chunk of contacts at a time (memory stays flat over a year); paging must neither drop
    nor repeat a contact, even among contacts received at the same second, and the bytes stay json.dump's."""
    import xfdesk.services.exchange as exchange

    same_time = copy.deepcopy(exchange_file())
    for c in same_time["contacts"]:
        c["received_at"] = "2026-11-19T11:00:00+08:00"
    import_exchange(ctx, head, exchange_file())
    import_exchange(ctx, head, same_time)
    monkeypatch.setattr(exchange, "_CHUNK", 2)  # several pages, one boundary inside the same-second contacts
    for operator, since, until in ((head, None, None), (clerk, None, None),
                                   (head, dt.date(2026, 11, 19), dt.date(2026, 11, 19)),
                                   (head, dt.date(2020, 1, 1), dt.date(2020, 1, 31))):  # nothing in that month
        path = tmp_path / "streamed.json"
        result = export_to_file(ctx, operator, path, since, until=until)
        document = export_exchange(ctx, operator, since, until=until)
        written = json.loads(path.read_text(encoding="utf-8"))
        document["exported_at"] = written["exported_at"]
        assert path.read_text(encoding="utf-8") == json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        assert result.contacts == len(document["contacts"])
        assert result.matters == sum(len(c["matters"]) for c in document["contacts"])
    received = [c["received_at"] for c in export_exchange(ctx, head)["contacts"]]
    assert received == sorted(received) and len(received) == 3 + 3 + 3


def people_and_matters(ctx) -> tuple[list, list, list]:
    with ctx.db.read() as s:
        people = sorted((p.name, p.gender, p.id_number, p.phone, p.address, p.village, p.is_organisation)
                        for p in s.exec(select(Petitioner)))
        contacts = sorted((c.received_at, c.channel, c.headcount, c.clerk, c.note) for c in s.exec(select(Contact)))
        matters = sorted((m.summary, m.details, m.category, m.location, m.kind, m.received_on, m.is_group,
                          m.is_restricted) for m in s.exec(select(Matter)))
    return people, contacts, matters


def test_export_then_import_into_an_empty_home_gives_the_same_people_and_matters(ctx, head, office, tmp_path):
    import_exchange(ctx, head, exchange_file())  # add the group visit and the letter too
    path = tmp_path / "all.json"
    export_to_file(ctx, head, path)
    other = open_context(tmp_path / "other-office", clock=lambda: TODAY)
    try:
        result = import_exchange(other, head, path)
        assert result.contacts == 6
        assert people_and_matters(other) == people_and_matters(ctx)
        with other.db.read() as s:
            event = s.exec(select(Event).where(Event.action == "import")).one()
        # new numbers are given in the order received; the original ones are kept in the import's log entry
        with ctx.db.read() as s:
            originals = set(s.exec(select(Matter.number)))
        assert set(event.data["source_numbers"].values()) == originals
        assert set(event.data["source_numbers"]) == set(result.numbers)
    finally:
        other.db.dispose()


def test_an_exported_file_reimported_does_not_duplicate_people(ctx, head, office, tmp_path):
    path = tmp_path / "all.json"
    export_to_file(ctx, head, path)
    with ctx.db.read() as s:
        people = s.exec(select(func.count()).select_from(Petitioner)).one()
    result = import_exchange(ctx, head, path)
    assert result.petitioners_new == 0 and result.petitioners_reused == 3
    with ctx.db.read() as s:
        assert s.exec(select(func.count()).select_from(Petitioner)).one() == people


# -- CLI -----------------------------------------------------------------------------------------------------------
def cli(home, capsys, *args) -> tuple[int, str, str]:
    capsys.readouterr()
    code = run(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_import_and_export(tmp_path, capsys):
    home = tmp_path / "home"
    source = write(tmp_path, exchange_file())
    code, out, err = cli(home, capsys, "import", "--check", str(source))
    assert code == 0 and "检查通过" in out and "3" in out
    code, out, err = cli(home, capsys, "import", str(source))
    assert code == 0, err
    assert "来访记录3条，诉求4项" in out and "XF-2026-000001 至 XF-2026-000004" in out
    target = tmp_path / "out.json"
    code, out, err = cli(home, capsys, "export", "--since", "2026-11-20", str(target))
    assert code == 0, err
    assert "来访记录1条，诉求1项" in out and "检举控告" in err
    assert len(json.loads(target.read_text(encoding="utf-8"))["contacts"]) == 1
    code, _, err = cli(home, capsys, "export", str(target))
    assert code == 1 and "已存在" in err
    code, _, err = cli(home, capsys, "export", "--force", "--since", "2026-11-32", str(target))
    assert code == 1 and "--since 日期不正确" in err


def test_cli_rejected_import_lists_the_problems(tmp_path, capsys):
    home = tmp_path / "home"
    doc = exchange_file()
    with_bad_id(doc)
    with_six_representatives(doc)
    code, out, err = cli(home, capsys, "import", str(write(tmp_path, doc)))
    assert code == 1 and out == ""
    lines = err.strip().splitlines()
    assert lines[0].startswith("第2条来访记录，来访人数30人，代表人数6人")
    assert lines[1].startswith("第3条来访记录，第1位信访人，身份证号：校验位不正确（按前17位，最后一位应为")
    assert lines[2] == "错误：in.json 未导入：发现2处错误，数据库没有任何改动"


def test_cli_import_reports_bad_json_position(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "xfdesk-exchange/1",\n"contacts": [}\n', encoding="utf-8")
    code, _, err = cli(tmp_path / "home", capsys, "import", str(bad))
    assert code == 1 and "第2行第14列" in err


def test_export_document_is_not_mutated_by_import(ctx, head):
    doc = exchange_file()
    snapshot = copy.deepcopy(doc)
    import_exchange(ctx, head, doc)
    assert doc == snapshot


# -- the same on PostgreSQL (skipped without a server; see tests/test_postgres.py) ---------------------------------
from tests.test_postgres import pg_ctx, pg_url  # noqa: E402, F401  (fixtures)


def test_import_reject_and_export_on_postgres(pg_ctx, head, tmp_path):
    result = import_exchange(pg_ctx, head, exchange_file())
    assert result.numbers[-1].startswith("XF-2026-")
    before = dump(pg_ctx)
    doc = exchange_file()
    with_six_representatives(doc)
    with pytest.raises(ImportRejected, match="第2条来访记录"):
        import_exchange(pg_ctx, head, doc)
    assert dump(pg_ctx) == before
    exported = export_exchange(pg_ctx, head, dt.date(2026, 11, 19), until=dt.date(2026, 11, 19))
    assert [c["received_at"] for c in exported["contacts"]] == ["2026-11-19T09:30:00+08:00",
                                                                 "2026-11-19T10:00:00+08:00"]


def test_cli_import_warns_about_deadlines_in_a_year_without_holiday_data(tmp_path, capsys, monkeypatch):
    import xfdesk.cli.exchange_cmd as exchange_cmd
    from xfdesk.services.context import open_context as real_open_context

    december = dt.date(2026, 12, 28)
    monkeypatch.setattr(exchange_cmd, "context",
                        lambda: real_open_context(tmp_path / "home", clock=lambda: december))  # the office's date
    doc = exchange_file()
    doc["contacts"] = doc["contacts"][:1]
    doc["contacts"][0]["received_at"] = "2026-12-28T00:00:00+08:00"  # its 15-day notice runs into 2027
    code, out, err = cli(tmp_path / "home", capsys, "import", str(write(tmp_path, doc)))
    assert code == 0, err
    assert "2027" in err and "calendar import" in err


def test_cli_export_into_a_missing_folder_says_so(tmp_path, capsys):
    code, out, err = cli(tmp_path / "home", capsys, "export", str(tmp_path / "nope" / "out.json"))
    assert code == 1 and out == ""
    assert "文件夹不存在" in err and "未导出" in err
