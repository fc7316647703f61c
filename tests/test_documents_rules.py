"""Which notices a matter may get, and what they say: the lifecycle table's notice rules (a notice for a matter in
the wrong state is refused in Chinese and takes no number; a second one for the same step asks first), the 督办函's
time wording, and the 检举控告 identity on documents (head-only kinds, masked fields, file names)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlmodel import select

from tests.conftest import TODAY
from xfdesk.documents.fields import RESTRICTED_NAME
from xfdesk.documents.kinds import KINDS, get_kind
from xfdesk.documents.render import docx_text
from xfdesk.domain.lifecycle import NOTICE_RULES, TRANSITIONS, Status, notice_refusal
from xfdesk.services import documents as ds
from xfdesk.services.lifecycle import apply_action
from xfdesk.storage.models import Document, Matter, NumberSeries, Unit


def _unit_id(ctx, name: str = "司法所") -> int:  # noqa: ANN001
    with ctx.db.read() as session:
        return session.exec(select(Unit).where(Unit.name == name)).one().id


def _no_number_taken(ctx, kind: str) -> None:  # noqa: ANN001
    with ctx.db.read() as session:
        assert session.exec(select(Document).where(Document.kind == kind)).all() == []
        assert session.get(NumberSeries, (f"doc:{kind}", TODAY.year)) is None


# -- the table ----------------------------------------------------------------------------------------------------

def test_every_notice_a_transition_prints_has_a_rule_that_allows_it_after_that_transition():
    for t in TRANSITIONS:
        if t.notice:
            rule = NOTICE_RULES[t.notice]
            assert t.action in rule.steps, t.action
            reached = {t.target} if t.target else t.sources
            assert reached <= rule.states, t.action
    matter_kinds = {k.key for k in KINDS if k.scope == "matter"}
    assert set(NOTICE_RULES) == matter_kinds  # every matter document says when it may be issued


@pytest.mark.parametrize(("kind", "status", "taken", "words"), [
    ("non_acceptance_notice", Status.ACCEPTED, ["register", "accept"], "尚未“不予受理”"),
    ("acceptance_notice", Status.REGISTERED, ["register"], "尚未“受理”"),
    ("re_review_opinion", Status.REPLIED, ["register", "accept", "reply"], "尚未“复核结论”"),
    ("supervision_letter", Status.FOLLOWED_UP, ["register", "accept", "assign", "supervise", "reply", "follow_up"],
     "只能在办理中、调处中、复查中、复核中时出具"),
    ("handling_opinion", Status.ASSIGNED, ["register", "accept", "assign", "reply", "follow_up", "rehandle"],
     "只能在"),
])
def test_notice_refusals_are_chinese_and_say_why(kind, status, taken, words):
    text = notice_refusal(kind, get_kind(kind).name, status, taken)
    assert text is not None and words in text and get_kind(kind).name in text


def test_registration_form_any_time():
    for status in Status:
        assert notice_refusal("registration_form", "信访事项登记表", status, ["register"]) is None


# -- the service -------------------------------------------------------------------------------------------------

def test_non_acceptance_notice_for_an_accepted_matter_is_refused_and_takes_no_number(ctx, clerk, register):
    mid = register().matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    with pytest.raises(ds.DocumentRefused, match="已受理.*不能出具“不予受理告知书”"):
        ds.issue_document(ctx, clerk, "non_acceptance_notice", matter_id=mid)
    with pytest.raises(ds.DocumentRefused, match="不予受理告知书"):
        ds.preview_document(ctx, clerk, "non_acceptance_notice", matter_id=mid)
    _no_number_taken(ctx, "non_acceptance_notice")


def test_acceptance_notice_waits_for_the_acceptance_and_then_carries_its_dates(ctx, clerk, register):
    mid = register().matter_ids[0]
    with pytest.raises(ds.DocumentRefused, match="待甄别.*尚未“受理”"):
        ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    _no_number_taken(ctx, "acceptance_notice")
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    doc = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    text = docx_text(Path(doc.file_path))
    assert "受理日期为2026年11月21日" in text and "办结期限至2027年" in text
    # the same step again asks first; confirmed, it takes the next number
    with pytest.raises(ds.NoticeAlreadyIssued) as asked:
        ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    assert "重印" in str(asked.value) and doc.number_text in str(asked.value)
    assert ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid, again=True).seq == 2


def test_a_voided_notice_does_not_count_as_issued(ctx, clerk, head, register):
    mid = register().matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    first = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    ds.void_document(ctx, head, first.id, "姓名打错")
    assert ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid).seq == 2


def test_review_opinion_needs_a_review(ctx, clerk, register):
    mid = register().matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    with pytest.raises(ds.DocumentRefused, match="尚未“复查结论”"):
        ds.issue_document(ctx, clerk, "review_opinion", matter_id=mid)
    _no_number_taken(ctx, "review_opinion")


def test_supervision_letter_is_refused_once_the_matter_is_followed_up(ctx, clerk, head, register):
    from xfdesk.services.handling import assign_matter, follow_up_matter, reply_matter
    from xfdesk.services.supervision import issue_supervision

    mid = register().matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    assign_matter(ctx, clerk, mid, _unit_id(ctx))
    result = issue_supervision(ctx, head, mid, note="请加快办理", due_on=TODAY + dt.timedelta(days=3))
    assert result.document_id is not None
    reply_matter(ctx, clerk, mid, result="支持", facts="经查属实", basis="《土地管理法》")
    follow_up_matter(ctx, clerk, mid, method="电话", satisfaction="满意", note="信访人表示满意")
    with pytest.raises(ds.DocumentRefused, match="已回访.*不能出具“督办函”"):
        ds.issue_document(ctx, clerk, "supervision_letter", matter_id=mid)
    with ctx.db.read() as session:
        matter = session.get(Matter, mid)
    assert "supervision_letter" not in ds.kinds_for_matter(matter)


def test_supervision_letter_says_how_late_not_a_negative_number(ctx, clerk, head, register):
    from xfdesk.documents.builders import time_left_text
    from xfdesk.services.handling import assign_matter
    from xfdesk.services.supervision import issue_supervision

    assert time_left_text(-72) == "已超期72日"
    assert time_left_text(0) == "今日到期" and time_left_text(3) == "距办结期限还有3日"
    mid = register(received_at=dt.datetime.combine(TODAY - dt.timedelta(days=125), dt.time(9))).matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围", on=TODAY - dt.timedelta(days=120))
    assign_matter(ctx, clerk, mid, _unit_id(ctx), on=TODAY - dt.timedelta(days=119))
    result = issue_supervision(ctx, head, mid, note="请立即报送办理结果", due_on=TODAY + dt.timedelta(days=3))
    with ctx.db.read() as session:
        doc = session.get(Document, result.document_id)
    text = docx_text(ds.stored_path(ctx, doc))
    assert "已超期" in text and "距期限-" not in text and "（距期限" not in text


# -- 检举控告 identity --------------------------------------------------------------------------------------------

@pytest.fixture
def secret(ctx, clerk, register):
    from xfdesk.services.handling import assign_matter

    mid = register(name="赵举报", phone="13900009999", summaries=("检举村干部侵占集体资金",),
                   kind="检举控告").matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="检举控告类事项", changes={"kind": "检举控告"})
    assign_matter(ctx, clerk, mid, _unit_id(ctx))
    return mid


def test_no_set_value_may_fill_a_masked_field(ctx, head, secret):
    with pytest.raises(ds.DocumentRefused, match="详细情况"):
        ds.preview_document(ctx, head, "transfer_form", matter_id=secret, extra={"详细情况": "赵举报检举村主任……"})
    with pytest.raises(ds.DocumentRefused, match="所属村"):
        ds.issue_document(ctx, head, "transfer_form", matter_id=secret, extra={"所属村": "大畲村"})
    _no_number_taken(ctx, "transfer_form")
    text = ds.preview_document(ctx, head, "transfer_form", matter_id=secret, extra={"办理要求": "请5日内核查"})
    assert "请5日内核查" in text and RESTRICTED_NAME in text


def test_restricted_matter_files_are_named_by_number_and_kind_only(ctx, head, clerk, secret, register):
    doc = ds.issue_document(ctx, head, "acceptance_notice", matter_id=secret)
    assert Path(doc.file_path).name == f"{doc.number_text}-受理告知书.docx"
    assert "赵举报" in docx_text(Path(doc.file_path))  # the accuser's own notice still names them
    other = register(name="钱普通").matter_ids[0]
    apply_action(ctx, clerk, other, "accept", reason="属于本机关职权范围")
    plain = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=other)
    assert Path(plain.file_path).name.endswith("-受理告知书-钱普通.docx")


def test_reception_day_documents_naming_an_accuser_are_for_the_head(ctx, clerk, head, secret):
    from xfdesk.services import reception as rs
    from xfdesk.storage.models import Appointment

    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    day = next(d for d in rs.upcoming_days(ctx, start=TODAY, limit=4) if d.day > TODAY)
    rs.book_matter(ctx, clerk, secret, day.day)
    with ctx.db.read() as session:
        appt = session.exec(select(Appointment).where(Appointment.matter_id == secret)).one()
    for kind, target in (("leader_reception_notice", {"appointment_id": appt.id}),
                         ("leader_brief", {"reception_day_id": day.id})):
        with pytest.raises(ds.DocumentRefused, match="信访办主任"):
            ds.preview_document(ctx, clerk, kind, **target)
        assert "赵举报" in ds.preview_document(ctx, head, kind, **target)
    # the schedule and the unit's notice name nobody: a clerk makes them
    assert "赵举报" not in ds.preview_document(ctx, clerk, "reception_schedule", reception_day_id=day.id)
    unit_text = ds.preview_document(ctx, clerk, "unit_attendance_notice", reception_day_id=day.id,
                                    unit_id=_unit_id(ctx))
    assert "赵举报" not in unit_text and RESTRICTED_NAME in unit_text


# -- content by ground and kind -------------------------------------------------------------------------------------

def test_non_reacceptance_prints_the_grounds_own_basis_not_always_article_36_3(ctx, clerk, register):
    mid = register().matter_ids[0]
    apply_action(ctx, clerk, mid, "not_reaccept", reason="无正当理由超过规定期限未请求复查（复核），又以同一事实和理由提出",
                 changes={"route_basis": "《信访工作条例》第三十五条：信访人对信访处理意见不服的，可以自收到书面答复之日起"
                                         "30日内请求复查；第三十六条第一款"})
    text = ds.preview_document(ctx, clerk, "non_reacceptance_notice", matter_id=mid)
    assert "第三十五条" in text and "第三十六条第一款" in text
    assert "第三十六条第三款" not in text and "对复核意见不服" not in text


def test_review_opinion_is_headed_and_sealed_by_the_reviewing_body_and_points_above_it(ctx, clerk, head, register):
    from xfdesk.services import handling as hs

    mid = register(received_at=dt.datetime.combine(TODAY - dt.timedelta(days=90), dt.time(9))).matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围", on=TODAY - dt.timedelta(days=89))
    hs.reply_matter(ctx, clerk, mid, result="不予支持", facts="经查不属实", basis="《土地管理法》",
                    on=TODAY - dt.timedelta(days=40))
    opinion = ds.preview_document(ctx, clerk, "handling_opinion", matter_id=mid)
    assert "向石城县人民政府书面请求复查" in opinion
    hs.request_review(ctx, clerk, mid, level=1, requested_on=TODAY - dt.timedelta(days=30))
    hs.conclude_review(ctx, head, mid, result="维持", opinion="原处理意见正确", on=TODAY)
    lines = [ln.strip() for ln in ds.preview_document(ctx, clerk, "review_opinion", matter_id=mid).splitlines()]
    assert lines[0] == "石城县人民政府"  # the head names the body that seals, not 琴江镇人民政府
    signer = lines[lines.index(next(x for x in lines if x.startswith("2026年11月21日"))) - 1]
    assert signer == "石城县人民政府"
    text = "\n".join(lines)
    # the 复核机关 is the office data's ([text] 复核机关: the 复查机关's superior), named
    assert "向赣州市人民政府书面请求复核" in text and "琴江镇人民政府" not in text


def test_every_kind_names_one_body_in_head_and_signature():
    import io

    from xfdesk.documents.build_templates import build_template
    from xfdesk.documents.render import docx_text as text_of

    signed = 0
    for kind in KINDS:
        buffer = io.BytesIO()
        build_template(kind.key).save(buffer)
        lines = [ln.strip() for ln in text_of(buffer.getvalue()).splitlines() if ln.strip()]
        if "{{ 发文日期 }}" not in lines:  # forms (登记表, 回访记录) carry the date in the table, unsigned
            continue
        signer = lines[lines.index("{{ 发文日期 }}") - 1]
        assert lines[0] == signer, (kind.key, lines[0], signer)
        signed += 1
    assert signed >= len(KINDS) - 2


def test_acceptance_notice_of_an_accusation_cites_its_own_clock_and_a_reason(ctx, head, secret):
    text = ds.preview_document(ctx, head, "acceptance_notice", matter_id=secret)
    assert "第三十四条" not in text and "第三十条" in text
    assert "受理理由：检举控告类事项" in text


def test_acceptance_notice_without_a_typed_reason_says_why_it_was_accepted(ctx, clerk, register):
    from xfdesk.documents.fields import BLANK

    mid = register().matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="")
    text = ds.preview_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    assert f"受理理由：{BLANK}" not in text and "属于本机关职权范围" in text
    assert "第三十四条" in text and "60日内办结" in text


def test_moved_reception_day_note_says_it_once():
    from xfdesk.documents.builders import schedule_note

    moved = dt.date(2026, 10, 1)
    once = schedule_note(moved, "10月1日（国庆节）接访日逢节假日顺延至本日")
    assert once.count("顺延") == 1
    assert schedule_note(moved, "") == "由2026年10月1日顺延"
    assert schedule_note(None, "领导下村") == "领导下村"


# -- the unit a 检举控告 matter reports (条例第三十条) -----------------------------------------------------------

def test_a_report_is_never_assigned_to_or_invited_with_the_unit_it_accuses(ctx, clerk, head, register):
    from xfdesk.services import reception as rs
    from xfdesk.services.accused import AccusedUnitRefused, record_accused_units
    from xfdesk.services.handling import assign_matter

    mid = register(name="赵举报", summaries=("检举村委会挪用扶贫资金",), kind="检举控告").matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="检举控告类事项", changes={"kind": "检举控告"})
    accused, other = _unit_id(ctx), _unit_id(ctx, "派出所")
    assert record_accused_units(ctx, clerk, mid, [accused])["units"] == ["司法所"]
    with pytest.raises(AccusedUnitRefused, match="所检举控告的单位.*第三十条"):
        assign_matter(ctx, clerk, mid, accused)
    assign_matter(ctx, clerk, mid, other)  # another unit handles it
    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    day = next(d for d in rs.upcoming_days(ctx, start=TODAY, limit=4) if d.day > TODAY)
    rs.book_matter(ctx, clerk, mid, day.day)
    docs = ds.issue_day_set(ctx, head, day.id).documents
    invited = {d.unit_id for d in docs if d.kind == "unit_attendance_notice"}
    assert accused not in invited and other in invited
    with pytest.raises(ds.DocumentRefused, match="没有须参加接访的事项"):  # not even asked for by hand
        ds.preview_document(ctx, head, "unit_attendance_notice", reception_day_id=day.id, unit_id=accused)
    # recording the accused unit after the 交办 says so
    later = record_accused_units(ctx, clerk, mid, [accused, other])
    assert "已交办给被检举单位“派出所”" in later["warning"]


def test_only_a_report_records_accused_units(ctx, clerk, register):
    from xfdesk.services.accused import AccusedUnitRefused, record_accused_units

    mid = register().matter_ids[0]
    with pytest.raises(AccusedUnitRefused, match="只有检举控告事项"):
        record_accused_units(ctx, clerk, mid, [_unit_id(ctx)])


def test_forwarding_tells_the_petitioner_where_and_why(ctx, clerk, register):
    from xfdesk.domain.lifecycle import notice_for

    assert notice_for("forward") == "transfer_notice"  # the TUI offers the petitioner's notice after 转送
    mid = register(name="钱转送").matter_ids[0]
    apply_action(ctx, clerk, mid, "forward", reason="属于县自然资源局职权范围",
                 changes={"forwarded_to": "石城县自然资源局", "route_basis": "《信访工作条例》第二十二条"})
    with ctx.db.read() as session:
        assert ds.kinds_for_matter(session.get(Matter, mid))[:2] == ["transfer_notice", "transfer_form"]
    doc = ds.issue_document(ctx, clerk, "transfer_notice", matter_id=mid)
    text = docx_text(Path(doc.file_path))
    assert "钱转送：" in text and "转送石城县自然资源局" in text and "属于县自然资源局职权范围" in text
    assert "查询" in text and "2026年11月21日将该信访事项转送" in text
    assert ds.issue_document(ctx, clerk, "transfer_form", matter_id=mid).kind == "transfer_form"  # to the body
    with pytest.raises(ds.DocumentRefused, match="不能出具“转送告知书”"):
        other = register(name="孙受理").matter_ids[0]
        apply_action(ctx, clerk, other, "accept", reason="属于本机关职权范围")
        ds.issue_document(ctx, clerk, "transfer_notice", matter_id=other)


@pytest.mark.parametrize(("to", "body"), [("仲裁", "石城县劳动人事争议仲裁委员会"),
                                          ("诉讼：石城县人民法院琴江法庭", "石城县人民法院琴江法庭")])
def test_legal_channel_notice_names_the_body(ctx, clerk, register, to, body):
    mid = register().matter_ids[0]
    apply_action(ctx, clerk, mid, "redirect_legal", reason="属于劳动争议", changes={"forwarded_to": to})
    text = ds.preview_document(ctx, clerk, "legal_channel_notice", matter_id=mid)
    assert f"依法向{body}提出" in text and "有权处理的机关提出" not in text
    assert f"通过{to.split('：')[0]}的法定途径" in text
