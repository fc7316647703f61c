"""The registration desk, driven from the keyboard only, checked on the database and on the screen."""

from __future__ import annotations

from sqlmodel import func, select

from tests.conftest import make_id_number
from tests.test_tui_helpers import (WALKIN_STEPS, extra_keystrokes, fill, make_app, open_form, run_steps,
                                    screen_text, settle, type_text, wait_interactive)
from xfdesk.storage.models import Contact, ContactPetitioner, Matter, Petitioner


def count(ctx, model) -> int:  # noqa: ANN001
    with ctx.db.read() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def matters(ctx) -> list[Matter]:  # noqa: ANN001
    with ctx.db.read() as session:
        return list(session.exec(select(Matter).order_by(Matter.id)))


async def test_new_petitioner_with_two_demands(ctx, clerk):
    id_number = make_id_number("19750312", serial=77)
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await type_text(pilot, "赵六")
        await settle(pilot)
        assert "没有找到" in screen_text(app)
        await pilot.press("enter")  # nobody found: a new person, the typed name carried into 姓名
        await settle(pilot)
        assert app.screen.query_one("#p-name").value == "赵六"
        await fill(pilot, "p-id_number", id_number)
        await fill(pilot, "p-phone", "13912340000")
        await fill(pilot, "p-village", "gzc")  # 古樟村 by pinyin initials
        await fill(pilot, "m0-summary", "承包地被邻村占用，要求确权")
        await fill(pilot, "m0-category", "涉农")
        await pilot.press("ctrl+n")  # a second demand: its own matter (分诉求登记)
        await settle(pilot)
        assert app.focused.id == "m1-summary"
        await type_text(pilot, "低保被取消，要求说明理由")
        await fill(pilot, "m1-category", "mz")  # 民政
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "RegisteredScreen"  # the numbers stay shown
        assert type(app.screen_stack[-2]).__name__ == "HomeScreen"

    saved = matters(ctx)
    assert [m.summary for m in saved] == ["承包地被邻村占用，要求确权", "低保被取消，要求说明理由"]
    assert [m.category for m in saved] == ["涉农", "民政"]
    assert {m.location for m in saved} == {"古樟村"}
    assert saved[0].contact_id == saved[1].contact_id and saved[0].number != saved[1].number
    with ctx.db.read() as session:
        person = session.exec(select(Petitioner)).one()
        contact = session.get(Contact, saved[0].contact_id)
    assert (person.name, person.id_number, person.phone, person.village) == ("赵六", id_number, "13912340000", "古樟村")
    assert person.gender == "男"  # filled in from the ID number
    assert (contact.channel, contact.clerk, contact.headcount) == ("走访", "王芳", 1)
    assert not list(ctx.home.drafts.glob("*.json"))  # the draft is gone once saved


async def test_returning_petitioner_found_by_pinyin_initials(ctx, clerk, register):
    first = register(name="张三", summaries=("反映宅基地边界纠纷，要求镇里协调",))
    register(name="李四", village="古樟村", summaries=("道路扬尘",))
    people_before = count(ctx, Petitioner)
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_interactive(pilot)
        await run_steps(pilot, WALKIN_STEPS)
        assert type(app.screen).__name__ == "RegisteredScreen"  # the numbers stay shown
        assert type(app.screen_stack[-2]).__name__ == "HomeScreen"
    assert count(ctx, Petitioner) == people_before  # found, not duplicated
    new = matters(ctx)[-1]
    assert new.petitioner_id == first.petitioner_ids[0]
    assert (new.summary, new.category, new.location) == ("村道路灯坏了半年无人修理", "城乡建设", "大畲村")
    assert extra_keystrokes() <= 12


async def test_history_shown_when_person_chosen(ctx, clerk, register):
    register(name="张三", summaries=("反映宅基地边界纠纷，要求镇里协调", "要求补办低保"))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await type_text(pilot, "zs")
        await settle(pilot)
        text = screen_text(app)
        assert "张三" in text and "3607**********" in text and "138****1234" in text  # masked in the list
        await pilot.press("enter")
        await settle(pilot)
        history = str(app.screen.query_one("#history").render())
        assert "共2件" in history and "XF-2026-000001" in history and "待甄别" in history
        assert "反映宅基地边界纠纷" in history
        assert app.focused.id == "m0-summary"
        assert "接待人：王芳" in screen_text(app)
        await pilot.press("ctrl+o")  # not this person after all: register a new one
        await settle(pilot)
        assert app.screen.petitioner_id is None and app.focused.id == "p-name"
        assert "新信访人" in screen_text(app)


async def test_invalid_id_check_digit_shown_at_the_field_nothing_saved(ctx, clerk):
    good = make_id_number("19800101", serial=5)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("enter")  # straight to a new person
        await settle(pilot)
        await fill(pilot, "p-name", "钱七")
        await fill(pilot, "p-id_number", bad)
        await fill(pilot, "m0-summary", "要求解决饮水问题")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert type(screen).__name__ == "RegisterScreen"  # still on the form
        field = screen.query_one("#f-p-id_number")
        assert "校验位不正确" in field.error
        assert "身份证号校验位不正确" in screen_text(app)
        assert app.focused.id == "p-id_number"
        # what was typed is all still there
        assert screen.query_one("#p-name").value == "钱七"
        assert screen.query_one("#p-id_number").value == bad
        assert screen.query_one("#m0-summary").value == "要求解决饮水问题"
    assert count(ctx, Matter) == 0 and count(ctx, Petitioner) == 0 and count(ctx, Contact) == 0


async def test_six_representatives_refused(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, "p-name", "孙一")
        await fill(pilot, "c-representatives", "孙一、孙二、孙三、孙四、孙五、孙六")
        await fill(pilot, "m0-summary", "集体反映征地补偿款未发放")
        assert app.screen.query_one("#c-headcount").value == "6"  # raised to the people named
        await pilot.press("ctrl+s")
        await settle(pilot)
        error = app.screen.query_one("#f-c-representatives").error
        assert "超过5人" in error and "第二十条" in error
        assert "超过5人" in screen_text(app)
        assert app.screen.query_one("#c-representatives").value == "孙一、孙二、孙三、孙四、孙五、孙六"
    assert count(ctx, Matter) == 0 and count(ctx, Contact) == 0


async def test_five_representatives_accepted_as_group_visit(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, "p-name", "孙一")
        await fill(pilot, "c-headcount", "0")
        await fill(pilot, "c-representatives", "孙一、孙二、孙三、孙四、孙五")
        await fill(pilot, "m0-summary", "集体反映征地补偿款未发放")
        await pilot.press("ctrl+s")
        await settle(pilot)
    saved = matters(ctx)
    assert len(saved) == 1 and saved[0].is_group
    with ctx.db.read() as session:
        reps = session.exec(select(func.count()).select_from(ContactPetitioner)
                            .where(ContactPetitioner.representative == True)).one()  # noqa: E712
    assert reps == 5


async def test_repeat_candidate_shown_and_linked_with_one_key(ctx, clerk, register):
    earlier = register(name="张三", summaries=("邻居建房占用我家宅基地，要求拆除",))
    register(name="李四", summaries=("要求修缮村小学围墙",))  # same village, unrelated: not a candidate
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await type_text(pilot, "zs")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "邻居建房占了我家的宅基地")
        await settle(pilot, 0.4)  # repeat detection runs shortly after typing stops
        screen = app.screen
        assert [c.number for c in screen.candidates] == [earlier.numbers[0]]
        assert earlier.numbers[0] in screen_text(app) and "本人" in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert f"重复访：关联 {earlier.numbers[0]}" in screen_text(app)
        await pilot.press("ctrl+s")
        await settle(pilot)
    new = matters(ctx)[-1]
    assert new.is_repeat and new.repeat_of_id == earlier.matter_ids[0]


async def test_same_village_candidate_for_a_new_person(ctx, clerk, register):
    earlier = register(name="张三", village="高田村", summaries=("高田村水库漏水，要求维修",))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_form(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, "p-name", "周八")
        await fill(pilot, "p-village", "高田村")
        await fill(pilot, "m0-summary", "水库漏水要求维修")
        await settle(pilot, 0.4)
        assert [c.id for c in app.screen.candidates] == earlier.matter_ids
        assert "同村" in screen_text(app) and "张三：高田村水库漏水" in screen_text(app)


async def test_markup_like_text_shown_literally(ctx, clerk, register):
    register(name="[b]张[/b]", village="古樟村", summaries=("[@click=app.quit]x[/]",))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_interactive(pilot)
        home = screen_text(app)
        assert "[b]张[/b]" in home and "[@click=app.quit]x[/]" in home
        await pilot.press("f2")
        await settle(pilot)
        await type_text(pilot, "[b]")
        await settle(pilot)
        assert "[b]张[/b]" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert "[b]张[/b]" in screen_text(app) and "[@click=app.quit]x[/]" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "[@click")
        await settle(pilot, 0.3)
        assert "[b]张[/b]：[@click=app.quit]x[/]" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "MatterScreen"
        detail = screen_text(app)
        assert "[b]张[/b]" in detail and "[@click=app.quit]x[/]" in detail
        await pilot.click("#matter-fields")  # a click on the text runs nothing
        await settle(pilot)
        assert app.is_running


async def test_field_error_cleared_when_the_field_is_edited(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, "p-name", "吴九")
        await pilot.press("ctrl+s")  # no demand
        await settle(pilot)
        field = app.screen.query_one("#f-m0-summary")
        assert "诉求摘要不能为空" in field.error
        assert app.focused.id == "m0-summary"
        await type_text(pilot, "要")
        await settle(pilot)
        assert field.error == ""
    assert count(ctx, Matter) == 0


async def test_phone_checked_when_leaving_the_field(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, "p-phone", "1380000")
        await pilot.press("tab")
        await settle(pilot)
        assert "联系电话不正确" in app.screen.query_one("#f-p-phone").error


async def test_people_search_is_paged(ctx, clerk, register):
    for i in range(9):
        register(name=f"张{'一二三四五六七八九'[i]}", summaries=(f"诉求{i}",))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await type_text(pilot, "张")
        await settle(pilot)
        screen = app.screen
        first_page = [p.petitioner_id for p in screen.people_rows]
        assert len(first_page) == 6
        await pilot.press("pagedown")
        await settle(pilot)
        second_page = [p.petitioner_id for p in screen.people_rows]
        assert len(second_page) == 3 and not set(first_page) & set(second_page)
        await pilot.press("pageup", "down", "enter")
        await settle(pilot)
        assert screen.petitioner_id == first_page[1]


async def test_a_failed_save_keeps_the_form_and_the_draft(ctx, clerk, monkeypatch):
    import xfdesk.services.registration as registration
    from xfdesk.domain.errors import DatabaseBusy

    def locked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        raise DatabaseBusy()  # what Database.write raises when another desk holds the lock (by error code)

    monkeypatch.setattr(registration, "register_contact", locked)
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, "p-name", "褚十三")
        await fill(pilot, "m0-summary", "要求处理噪音扰民")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "RegisterScreen"
        assert any("数据库正被其他电脑或程序占用" in str(n.message) for n in app._notifications)
        assert app.screen.query_one("#m0-summary").value == "要求处理噪音扰民"
    from xfdesk.services.drafts import load_draft

    assert load_draft(ctx.home, "registration", "王芳").data["demands"][0]["summary"] == "要求处理噪音扰民"
    assert count(ctx, Matter) == 0


async def test_details_are_paragraphs_tab_moves_on_and_repeats_use_them(ctx, clerk, register):
    earlier = register(name="张三", summaries=("邻居建房占用我家宅基地，要求拆除",))
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await type_text(pilot, "zs")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "反映纠纷")
        await fill(pilot, "m0-category", "cxjs")
        await fill(pilot, "m0-details", "今年三月起邻居建房占了我家的宅基地")
        await pilot.press("enter")  # a new line, not the end of the field
        await type_text(pilot, "要求拆除")
        await settle(pilot, 0.5)
        assert app.focused.id == "m0-details"
        assert app.screen.query_one("#m0-details").value == "今年三月起邻居建房占了我家的宅基地\n要求拆除"
        assert [c.number for c in app.screen.candidates] == [earlier.numbers[0]]  # found through the details
        await pilot.press("tab")  # Tab leaves the text area (no tab character typed)
        assert app.focused.id == "m0-kind"
        assert "\t" not in app.screen.query_one("#m0-details").value
        await settle(pilot, 0.6)
        from xfdesk.services.drafts import load_draft

        assert load_draft(ctx.home, "registration", "王芳").data["demands"][0]["details"].endswith("\n要求拆除")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "RegisteredScreen"  # the numbers stay shown
        assert type(app.screen_stack[-2]).__name__ == "HomeScreen"
    assert matters(ctx)[-1].details == "今年三月起邻居建房占了我家的宅基地\n要求拆除"


async def test_details_error_shown_at_the_text_area_and_kept(ctx, clerk):
    app = make_app(ctx, clerk)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_form(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await fill(pilot, "p-name", "韩十六")
        await fill(pilot, "m0-summary", "要求解决饮水问题")
        too_long = "水" * 5001
        app.screen.query_one("#m0-details").value = too_long
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert type(app.screen).__name__ == "RegisterScreen"
        assert "详细情况" in app.screen.query_one("#f-m0-details").error
        assert app.focused.id == "m0-details"
        assert app.screen.query_one("#m0-details").value == too_long
    assert count(ctx, Matter) == 0
