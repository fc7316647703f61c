"""Bulk writes fill the search index once, at the end of their transaction (``search_sqlite.index_filled_after``):
what is found afterwards is exactly what row-by-row indexing finds, and the triggers are back for the next save."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text
from sqlmodel import select

from tests.conftest import make_id_number, sample_contact
from xfdesk.services.registration import register_contact_in
from xfdesk.storage import search_sqlite
from xfdesk.storage.models import Matter, Petitioner


def found(ctx, table: str, match: str) -> set[int]:
    with ctx.db.read() as s:
        return {r[0] for r in s.execute(text(f"SELECT rowid FROM {table} WHERE {table} MATCH :m"), {"m": match})}


def test_rows_written_in_the_block_are_found_after_it_and_updates_of_older_rows_are_indexed_at_once(
        ctx, clerk, register):
    old = register(name="张三", village="大畲村", id_number=make_id_number("19800101", serial=123))
    with ctx.db.write() as s, search_sqlite.index_filled_after(s):
        new = register_contact_in(s, ctx, clerk, sample_contact(
            name="欧阳明", village="琴江村", phone="13912345678", summaries=("反映拖欠工资问题",),
            received_at=dt.datetime(2026, 11, 20, 9, 0)))
        s.flush()
        person = s.get(Petitioner, old.petitioner_ids[0])
        person.name, person.village, person.address = "张三丰", "古樟村", "古樟村5组"  # an older, indexed person changes: indexed at once
        fresh = s.get(Petitioner, new.petitioner_ids[0])
        fresh.village, fresh.address = "丰山村", "丰山村1组"  # a new row changed inside the block: indexed as it is at the end
        s.add_all([person, fresh])
        s.flush()
    old_id, new_id = old.petitioner_ids[0], new.petitioner_ids[0]
    assert found(ctx, "petitioner_fts", '"张三丰"') == {old_id}
    assert found(ctx, "petitioner_grams", '"古樟"') == {old_id}
    assert found(ctx, "petitioner_grams", '"大畲"') == set()
    assert found(ctx, "petitioner_fts", '"欧阳明"') == {new_id}
    assert found(ctx, "petitioner_grams", '"丰山"') == {new_id}
    assert found(ctx, "petitioner_grams", '"琴江"') == set()  # the address and village it had when inserted
    assert found(ctx, "petitioner_fts", '"345678"') == {new_id}
    assert found(ctx, "matter_fts", '"拖欠工资"') == set(new.matter_ids)
    with ctx.db.write() as s:
        search_sqlite.check_index(s)
        assert search_sqlite.has_index(s)
    # the triggers are back: the next ordinary save is indexed as it is written
    later = register(name="李四", village="桐江村", summaries=("反映道路破损",))
    assert found(ctx, "petitioner_grams", '"桐江"') == set(later.petitioner_ids)
    assert found(ctx, "matter_fts", '"道路破损"') == set(later.matter_ids)


def test_a_bulk_write_rolled_back_leaves_the_triggers_and_the_index_as_they_were(ctx, clerk, register):
    register(name="张三", village="大畲村")
    with pytest.raises(RuntimeError), ctx.db.write() as s, search_sqlite.index_filled_after(s):
        register_contact_in(s, ctx, clerk, sample_contact(name="欧阳明", village="琴江村"))
        raise RuntimeError("the import failed halfway")
    with ctx.db.write() as s:
        assert search_sqlite.has_index(s)
        search_sqlite.check_index(s)
        assert s.exec(select(Petitioner.name)).all() == ["张三"]
    later = register(name="欧阳明", village="琴江村")
    assert found(ctx, "petitioner_grams", '"欧阳"') == set(later.petitioner_ids)


def test_the_demo_office_and_an_import_are_indexed_like_rows_saved_one_by_one(ctx, clerk, head):
    from xfdesk.services.demo import generate_demo
    from xfdesk.services.exchange import export_exchange, import_exchange
    from xfdesk.services.search import search

    generate_demo(ctx, matters=60, seed=3)
    with ctx.db.write() as s:
        search_sqlite.check_index(s)
        people = s.exec(select(Petitioner.id, Petitioner.name, Petitioner.village)).all()
        matters = s.exec(select(Matter.id, Matter.summary)).all()
    for pid, name, village in people[:10]:
        assert pid in found(ctx, "petitioner_fts", f'"{name}"') | found(ctx, "petitioner_grams", f'"{name}"')
        assert pid in found(ctx, "petitioner_grams", f'"{village[:2]}"')
    for mid, summary in matters[:10]:
        assert mid in found(ctx, "matter_fts", '"' + summary[:6].replace('"', '""') + '"')
    document = export_exchange(ctx, head)
    before = search(ctx, people[0][1], operator=head).total_matters
    import_exchange(ctx, head, document)
    with ctx.db.write() as s:
        search_sqlite.check_index(s)
    assert search(ctx, people[0][1], operator=head).total_matters == 2 * before


def test_a_name_within_a_whole_village_finds_the_same_matters_from_the_smaller_side(ctx, clerk, head):
    """``张三 大畲``: the village's many people are not probed one by one; the few matters 张三 took part in are read
    with their contacts' people instead. What is found, and what a clerk may not see, stay the same."""
    from xfdesk.services.registration import register_contact
    from xfdesk.services.search import search

    def visit(*people, summary="反映路灯损坏", kind=None, hour=9):
        contact = sample_contact(name=people[0][0], village=people[0][1], summaries=(summary,), kind=kind,
                                 id_number=people[0][2], received_at=dt.datetime(2026, 11, 2, hour, 0))
        contact.matters[0].location = "琴江镇"
        contact.petitioners[0].address = f"{people[0][1]}3组"
        for name, village, number in people[1:]:
            extra = sample_contact(name=name, village=village, id_number=number).petitioners[0]
            extra.address = f"{village}1组"
            contact.petitioners.append(extra)
        contact.petitioners[0].representative = True
        contact.headcount = len(people)
        return register_contact(ctx, clerk, contact).matter_ids[0]

    zhang = ("张三", "大畲村", make_id_number("19800101", serial=123))
    li = ("李四", "大畲村", make_id_number("19790101", serial=245))
    alone = visit(zhang)
    group = visit(li, zhang, summary="反映征地补偿款未发放", hour=10)
    restricted = visit(zhang, summary="举报村干部侵占集体资金", kind="检举控告", hour=11)
    mentioned = visit(("王五", "古樟村", make_id_number("19700101", serial=333)), summary="反映张三占用大畲村道路",
                      hour=12)
    for n in range(25):  # the rest of the village: found by 大畲, never by 张三
        visit((f"村民{n:02d}", "大畲村", make_id_number("19600101", serial=400 + n)), hour=13 + n % 5)
    with ctx.db.read() as s:
        numbers = dict(s.exec(select(Matter.id, Matter.number)).all())

    def found(operator) -> set[str]:
        page = search(ctx, "张三 大畲", operator=operator, scope="matters", limit=50)
        return {m.number for m in page.matters}

    assert found(clerk) == {numbers[alone], numbers[group], numbers[mentioned]}
    assert found(head) == {numbers[alone], numbers[group], numbers[restricted], numbers[mentioned]}
