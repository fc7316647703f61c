"""Documents: templates broken the way Word breaks them still fill; the sandbox refuses code; values print as typed;
misspelt fields are named; every shipped template checks and renders; fonts; 文号 numbering, void, reprint, print
failures; restricted identity on documents to units; numbering under two concurrent processes."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from docx.oxml import parse_xml
from jinja2.exceptions import SecurityError, UndefinedError
from sqlmodel import select

from tests.conftest import TODAY
from xfdesk.documents.fields import BLANK, NUMBER_PLACEHOLDER, RESTRICTED_NAME, field_names
from xfdesk.documents.kinds import KINDS, get_kind
from xfdesk.documents.render import (
    TemplateProblem,
    check_template,
    docx_text,
    environment,
    render_docx,
)
from xfdesk.domain.numbering import document_number
from xfdesk.paths import SHIPPED_TEMPLATES_DIR
from xfdesk.services import documents as ds
from xfdesk.services.lifecycle import apply_action
from xfdesk.storage.models import Document, Event, Matter, NumberSeries

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NOTICE = get_kind("acceptance_notice")


# -- template fixtures built the way Word breaks them -------------------------------------------------------------

def _split_run_paragraph(doc, before: str, pieces: list[str], after: str) -> None:  # noqa: ANN001
    """A paragraph whose field is split over several runs with proofing marks between them (Word's spell check)."""
    p = doc.add_paragraph()
    p.add_run(before)
    for i, piece in enumerate(pieces):
        if i:
            p._p.append(parse_xml(f'<w:proofErr xmlns:w="{W}" w:type="{"spellStart" if i % 2 else "spellEnd"}"/>'))
        run = p.add_run(piece)
        run.bold = i == 1  # different formatting keeps Word from merging the runs
    p.add_run(after)


TEXT_BOX = f"""
<w:r xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
     xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps">
      <w:drawing><wp:inline><wp:extent cx="1828800" cy="457200"/><wp:docPr id="91" name="文本框 1"/>
        <a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">
          <wps:wsp><wps:txbx><w:txbxContent>
            <w:p><w:r><w:t xml:space="preserve">文本框：{{{{ 机关</w:t></w:r><w:proofErr w:type="gramStart"/>
                 <w:r><w:t>名称 }}}}</w:t></w:r></w:p>
          </w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>
        </a:graphicData></a:graphic></wp:inline></w:drawing>
    </mc:Choice>
    <mc:Fallback>
      <w:pict><v:shape><v:textbox><w:txbxContent>
        <w:p><w:r><w:t xml:space="preserve">文本框：{{{{ 机关名称 }}}}</w:t></w:r></w:p>
      </w:txbxContent></v:textbox></v:shape></w:pict>
    </mc:Fallback>
  </mc:AlternateContent>
</w:r>
"""


def word_like_template(path: Path, *, body_field: str = "信访人姓名") -> Path:
    doc = DocxDocument()
    section = doc.sections[0]
    section.header.paragraphs[0].text = "页眉：{{ 事项编号 }}"
    section.footer.paragraphs[0].text = "页脚：{{ 文号 }}"
    third = len(body_field) // 3 or 1
    pieces = ["{{ " + body_field[:third], body_field[third:2 * third], body_field[2 * third:] + " }}"]
    _split_run_paragraph(doc, "致", pieces, "：")
    _split_run_paragraph(doc, "来访：", ["{", "{ 来访日期 }", "}"], "。")  # even the braces split by Word
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "诉求"
    table.cell(0, 1).text = "{{ 诉求摘要 }}"
    box = doc.add_paragraph()
    box._p.append(parse_xml(TEXT_BOX))
    doc.save(path)
    return path


def values_for(kind, **overrides):  # noqa: ANN001, ANN201
    values = {name: f"«{name}»" for name in field_names(kind)}
    for name in values:
        if name in ("事项列表", "安排"):
            values[name] = []
    values.update(overrides)
    return values


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist()
                       if n.startswith("word/") and n.endswith(".xml"))


def test_word_split_fields_fill_in_body_header_footer_table_and_text_box(tmp_path):
    template = word_like_template(tmp_path / "受理告知书.docx")
    assert "{{ 信访人姓名 }}" not in document_xml(template)  # really split across runs
    assert check_template(template, NOTICE) == []
    out = tmp_path / "out.docx"
    render_docx(template, NOTICE, values_for(NOTICE, 信访人姓名="张三丰", 事项编号="XF-2026-000123",
                                             文号="琴信受告〔2026〕7号", 诉求摘要="修缮村道", 机关名称="琴江镇人民政府",
                                             来访日期="2026年11月21日"), out)
    text = docx_text(out)
    assert "致张三丰：" in text and "来访：2026年11月21日。" in text
    assert "页眉：XF-2026-000123" in text
    assert "页脚：琴信受告〔2026〕7号" in text
    assert "诉求　修缮村道" in text
    assert "文本框：琴江镇人民政府" in text
    assert "{{" not in text and "}}" not in text
    # the legacy fallback copy of the text box is filled too (older Word and WPS show that one)
    xml = document_xml(out)
    assert "{{" not in xml and xml.count("文本框：琴江镇人民政府") == 2


def test_values_print_exactly_as_typed(tmp_path):
    template = word_like_template(tmp_path / "t.docx")
    out = tmp_path / "out.docx"
    typed = "A&B <C> \"引号\" '单引号' ＆ 100%"
    render_docx(template, NOTICE, values_for(NOTICE, 信访人姓名=typed, 诉求摘要="第一行\n第二行"), out)
    text = docx_text(out)
    assert f"致{typed}：" in text
    assert "&amp;" not in text and "&lt;" not in text
    assert "第一行\n第二行" in text  # a line break inside the cell, not a literal "\n"
    DocxDocument(out)  # still a well-formed document


@pytest.mark.parametrize("payload", [
    "{{ cycler.__init__.__globals__ }}",
    "{{ 信访人姓名.__class__.__mro__ }}",
    "{{ 信访人姓名.upper() }}",
    "{% for x in 诉求摘要.__class__.__subclasses__() %}{{ x }}{% endfor %}",
])
def test_template_that_tries_to_run_code_is_refused(tmp_path, payload):
    doc = DocxDocument()
    doc.add_paragraph(payload)
    path = tmp_path / "evil.docx"
    doc.save(path)
    problems = check_template(path, NOTICE)
    assert problems, payload
    assert any("拒绝" in p or "未知字段" in p or "不能这样取值" in p for p in problems)
    with pytest.raises(TemplateProblem):
        render_docx(path, NOTICE, values_for(NOTICE), tmp_path / "out.docx")
    assert not (tmp_path / "out.docx").exists()


def test_sandbox_refuses_code_even_without_the_check():
    env = environment()
    with pytest.raises(SecurityError):
        env.from_string("{{ 姓名.__class__.__mro__ }}").render(姓名="x")
    assert not {"cycler", "range", "lipsum", "joiner", "namespace", "dict"} & set(env.globals)
    with pytest.raises((SecurityError, UndefinedError)):
        env.from_string("{{ cycler.__init__.__globals__ }}").render()


def test_misspelt_field_is_named_with_a_suggestion(tmp_path):
    template = word_like_template(tmp_path / "t.docx", body_field="信访人性名")
    problems = check_template(template, NOTICE)
    assert len(problems) == 1
    assert "未知字段“信访人性名”" in problems[0] and "信访人姓名" in problems[0]
    with pytest.raises(TemplateProblem) as exc:
        render_docx(template, NOTICE, values_for(NOTICE), tmp_path / "out.docx")
    assert "信访人性名" in str(exc.value)


def test_full_width_braces_and_syntax_errors_are_reported_in_chinese(tmp_path):
    doc = DocxDocument()
    doc.add_paragraph("尊敬的｛｛ 信访人姓名 ｝｝：")
    doc.add_paragraph("事项{{ 事项编号 ")
    path = tmp_path / "ime.docx"
    doc.save(path)
    problems = check_template(path, NOTICE)
    assert any("全角花括号" in p and "信访人姓名" in p for p in problems)
    assert any("模板语法错误" in p for p in problems)


def test_list_field_rows_and_unknown_row_fields(tmp_path):
    kind = get_kind("leader_brief")
    good = SHIPPED_TEMPLATES_DIR / kind.file_name
    rows = [{"序号": i, "接访时间": "09:00-09:30", "事项编号": f"XF-2026-00000{i}", "信访人": f"人{i}",
             "所属村": "大畲村", "诉求摘要": f"诉求{i}", "接访领导": "刘建国", "责任单位": "司法所",
             "事项标记": "", "既往信访": "无"} for i in (1, 2)]
    out = tmp_path / "brief.docx"
    render_docx(good, kind, values_for(kind, 事项列表=rows, 事项件数=2), out)
    text = docx_text(out)
    assert "人1" in text and "诉求2" in text and "{%" not in text
    doc = DocxDocument()
    doc.add_paragraph("{% for 行 in 事项列表 %}{{ 行.信访人姓名 }}{% endfor %}{{ 事项列表 }}")
    bad = tmp_path / "bad.docx"
    doc.save(bad)
    problems = check_template(bad, kind)
    assert any("行.信访人姓名" in p for p in problems)
    assert any("多行列表" in p for p in problems)


# -- the shipped set ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", KINDS, ids=[k.key for k in KINDS])
def test_every_shipped_template_passes_check(kind):
    assert check_template(SHIPPED_TEMPLATES_DIR / kind.file_name, kind) == []


def test_template_build_script_reproduces_a_valid_set(tmp_path):
    from xfdesk.documents.build_templates import build_all

    written = build_all(tmp_path)
    assert {p.name for p in written} == {k.file_name for k in KINDS}
    for kind in KINDS:
        assert check_template(tmp_path / kind.file_name, kind) == []
        # the shipped file is what the script makes (rebuild with python -m xfdesk.documents.build_templates)
        assert document_xml(tmp_path / kind.file_name) == document_xml(SHIPPED_TEMPLATES_DIR / kind.file_name)


def test_shipped_templates_set_gb9704_page_and_east_asian_fonts():
    for kind in KINDS:
        path = SHIPPED_TEMPLATES_DIR / kind.file_name
        with zipfile.ZipFile(path) as z:
            styles = z.read("word/styles.xml").decode()
            body = z.read("word/document.xml").decode()
        assert 'w:eastAsia="仿宋_GB2312"' in styles
        assert 'w:eastAsia="方正小标宋简体"' in styles
        assert 'w:eastAsia="方正小标宋简体"' in body  # on the title runs too, so WPS keeps it
        assert re.search(r'<w:pgSz w:w="11906" w:h="16838"', body), kind.key
        margins = re.search(r'<w:pgMar ([^>]*)/>', body).group(1)
        top, bottom = int(re.search(r'w:top="(\d+)"', margins).group(1)), int(re.search(r'w:bottom="(\d+)"', margins).group(1))
        left, right = int(re.search(r'w:left="(\d+)"', margins).group(1)), int(re.search(r'w:right="(\d+)"', margins).group(1))
        twips = lambda mm: round(mm / 25.4 * 1440)  # noqa: E731
        assert (top, bottom, left, right) == (twips(37), twips(35), twips(28), twips(26))
        assert '<w:sz w:val="44"/>' in styles and '<w:sz w:val="32"/>' in styles  # 二号 22pt, 三号 16pt


# -- a matter in a database ---------------------------------------------------------------------------------------

@pytest.fixture
def matter_id(register, ctx, clerk):
    reg = register(name="欧阳&<李>", summaries=("反映宅基地边界纠纷，要求镇里协调",))
    apply_action(ctx, clerk, reg.matter_ids[0], "accept", reason="申诉求决类事项，属于本机关职权范围")
    return reg.matter_ids[0]


@pytest.fixture
def reception(ctx, head, clerk, matter_id, register):
    """A leader reception day with two bookings: one ordinary, one 检举控告 (restricted) matter, both with a unit."""
    from xfdesk.services import reception as rs
    from xfdesk.services.handling import assign_matter
    from xfdesk.storage.models import Unit

    rs.add_leader(ctx, head, "刘建国", "党委书记")
    rs.generate_schedule(ctx, head, 2026, 11, 2)
    day = next(d for d in rs.upcoming_days(ctx, start=TODAY, limit=4) if d.day > TODAY)
    with ctx.db.read() as session:
        unit = session.exec(select(Unit).where(Unit.name == "司法所")).one()
    secret = register(name="赵举报", phone="13900009999", summaries=("检举村干部侵占集体资金",),
                      kind="检举控告").matter_ids[0]
    apply_action(ctx, clerk, secret, "accept", reason="检举控告类事项", changes={"kind": "检举控告"})
    for mid in (matter_id, secret):
        assign_matter(ctx, clerk, mid, unit.id)
        rs.book_matter(ctx, clerk, mid, day.day)
    return {"day": day, "unit_id": unit.id, "secret": secret}


def test_every_shipped_template_renders_for_a_demo_matter(ctx, clerk, head, matter_id, reception, tmp_path):
    from xfdesk.storage.models import Appointment

    with ctx.db.read() as session:
        appt = session.exec(select(Appointment).where(Appointment.matter_id == matter_id)).first()
    from xfdesk.documents.builders import Target, build_values
    from xfdesk.documents.render import render_docx as fill

    for kind in KINDS:
        if kind.scope == "matter":
            try:
                text = ds.preview_document(ctx, clerk, kind, matter_id=matter_id)
            except ds.DocumentRefused as exc:  # not a notice of an accepted matter: the template still fills
                assert "不能出具" in str(exc), kind.key
                with ctx.db.read() as session:
                    built = build_values(session, ctx, clerk, Target(kind, matter_id), number_text=None,
                                         issued_on=TODAY)
                out = tmp_path / f"{kind.key}.docx"
                fill(ds.template_path(ctx, kind), kind, built.values, out)
                text = docx_text(out)
        else:
            text = ds.preview_document(ctx, head, kind, reception_day_id=reception["day"].id,
                                       unit_id=reception["unit_id"], appointment_id=appt.id)
        assert "{{" not in text and "{%" not in text, kind.key
        # the issuing body: the office's own, or the reviewing bodies above it for 复查/复核
        issuer = {"review_opinion": "石城县人民政府", "re_review_opinion": "赣州市人民政府"}.get(kind.key, "琴江镇")
        assert issuer in text, kind.key
        assert NUMBER_PLACEHOLDER in text, kind.key  # a preview takes no number
    with ctx.db.read() as session:
        assert session.exec(select(Document)).all() == []
        assert session.exec(select(NumberSeries).where(NumberSeries.series.like("doc:%"))).all() == []


def test_rendered_output_keeps_east_asian_fonts(ctx, clerk, matter_id):
    doc = ds.issue_document(ctx, clerk, "受理告知书", matter_id=matter_id)
    xml = document_xml(Path(doc.file_path))
    assert 'w:eastAsia="仿宋_GB2312"' in xml and 'w:eastAsia="方正小标宋简体"' in xml
    text = docx_text(Path(doc.file_path))
    assert "欧阳&<李>：" in text
    assert "2026年11月21日" in text  # date form of GB/T 9704
    assert "自受理之日起60日内办结" in text and "《信访工作条例》第三十四条" in text


def test_issue_numbers_records_and_logs_the_event(ctx, clerk, matter_id):
    first = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=matter_id)
    with pytest.raises(ds.NoticeAlreadyIssued, match="琴信受告〔2026〕1号"):  # the same step: asked first
        ds.issue_document(ctx, clerk, "受理告知书", matter_id=matter_id)
    second = ds.issue_document(ctx, clerk, "受理告知书", matter_id=matter_id, again=True)
    other = ds.issue_document(ctx, clerk, "信访事项登记表", matter_id=matter_id)
    assert (first.number_text, second.number_text) == ("琴信受告〔2026〕1号", "琴信受告〔2026〕2号")
    assert other.number_text == "琴信登〔2026〕1号"  # each kind has its own series
    path = Path(first.file_path)
    assert path.exists() and path.parent == ctx.home.output / "2026" / "11"
    assert path.name.startswith("琴信受告〔2026〕1号-受理告知书-")
    assert "琴信受告〔2026〕1号" in docx_text(path)
    with ctx.db.read() as session:
        events = session.exec(select(Event).where(Event.matter_id == matter_id, Event.action == ds.ISSUED)).all()
        row = session.get(Document, first.id)
    assert [e.data["number"] for e in events] == ["琴信受告〔2026〕1号", "琴信受告〔2026〕2号", "琴信登〔2026〕1号"]
    assert events[0].actor == clerk.name and events[0].data["kind"] == "acceptance_notice"
    assert (row.kind, row.matter_id, row.operator, row.seq, row.year) == ("acceptance_notice", matter_id, "王芳", 1, 2026)


def test_void_keeps_its_number_and_numbers_are_never_reused(ctx, clerk, head, matter_id):
    first = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=matter_id)
    with pytest.raises(ds.DocumentRefused, match="理由"):
        ds.void_document(ctx, head, first.id, "  ")
    voided = ds.void_document(ctx, head, first.id, "信访人姓名有误")
    assert voided.void and voided.number_text == "琴信受告〔2026〕1号"
    nxt = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=matter_id)
    assert nxt.number_text == "琴信受告〔2026〕2号"
    with pytest.raises(ds.DocumentRefused, match="已经作废"):
        ds.void_document(ctx, head, first.id, "再次")
    with ctx.db.read() as session:
        assert session.exec(select(Event).where(Event.action == ds.VOIDED)).one().note.endswith("信访人姓名有误")
    assert not ds.print_document(ctx, first.id).ok  # a void document is not printed


def test_failed_render_consumes_no_number_and_leaves_no_file(ctx, clerk, matter_id):
    own = ctx.home.templates / NOTICE.file_name
    word_like_template(own, body_field="信访人性名")  # the office's copy wins, and is broken
    with pytest.raises(TemplateProblem, match="信访人性名"):
        ds.issue_document(ctx, clerk, NOTICE, matter_id=matter_id)
    with ctx.db.read() as session:
        assert session.exec(select(Document)).all() == []
        assert session.exec(select(NumberSeries).where(NumberSeries.series == "doc:acceptance_notice")).all() == []
    assert list(ctx.home.output.rglob("*.docx*")) == []
    own.unlink()
    assert ds.issue_document(ctx, clerk, NOTICE, matter_id=matter_id).number_text == "琴信受告〔2026〕1号"


def test_office_template_copy_wins(ctx, clerk, matter_id):
    own = ctx.home.templates / NOTICE.file_name
    doc = DocxDocument(SHIPPED_TEMPLATES_DIR / NOTICE.file_name)
    doc.add_paragraph("本镇自加的一段：{{ 信访人姓名 }}请保管好本告知书。")
    doc.save(own)
    text = ds.preview_document(ctx, clerk, NOTICE, matter_id=matter_id)
    assert "本镇自加的一段：欧阳&<李>请保管好本告知书。" in text
    assert ds.check_templates(ctx) [str(own)] == []


def test_extra_values_fill_fields_and_unknown_ones_are_named(ctx, clerk, matter_id):
    from xfdesk.services.handling import assign_matter
    from xfdesk.storage.models import Unit

    with ctx.db.read() as session:
        unit = session.exec(select(Unit).where(Unit.name == "司法所")).one()
    assign_matter(ctx, clerk, matter_id, unit.id)
    text = ds.preview_document(ctx, clerk, "transfer_form", matter_id=matter_id, extra={"办理要求": "请于5日内反馈"})
    assert "请于5日内反馈" in text
    with pytest.raises(ds.DocumentRefused, match="办里要求"):
        ds.preview_document(ctx, clerk, "transfer_form", matter_id=matter_id, extra={"办里要求": "x"})
    with pytest.raises(ds.DocumentRefused, match="文号"):
        ds.preview_document(ctx, clerk, "transfer_form", matter_id=matter_id, extra={"文号": "自编1号"})


def test_missing_record_values_print_as_a_line_not_a_blank(ctx, clerk, matter_id):
    text = ds.preview_document(ctx, clerk, "acceptance_notice", matter_id=matter_id)
    assert f"联系电话：{BLANK}" in text  # the office has not filled its telephone yet: a line, never a blank


def test_restricted_matter_documents_to_units_carry_no_identity(ctx, clerk, head, reception):
    from xfdesk.storage.models import Appointment, Petitioner

    import datetime as dt

    from xfdesk.services.supervision import issue_supervision

    secret = reception["secret"]
    issue_supervision(ctx, head, secret, note="请抓紧核查", due_on=TODAY + dt.timedelta(days=5), letter=False)
    with ctx.db.read() as session:
        person = session.get(Petitioner, session.get(Matter, secret).petitioner_id)
        appt = session.exec(select(Appointment).where(Appointment.matter_id == secret)).first()
    identity = [person.name, person.id_number, person.phone, person.address]
    texts = {
        "transfer_form": ds.preview_document(ctx, head, "transfer_form", matter_id=secret),
        "supervision_letter": ds.preview_document(ctx, head, "supervision_letter", matter_id=secret),
        "unit_attendance_notice": ds.preview_document(ctx, head, "unit_attendance_notice",
                                                      reception_day_id=reception["day"].id,
                                                      unit_id=reception["unit_id"]),
        "supervision_notice": ds.preview_document(ctx, head, "supervision_notice", appointment_id=appt.id,
                                                  unit_id=reception["unit_id"]),
    }
    for key, text in texts.items():
        assert RESTRICTED_NAME in text, key
        for value in identity:
            assert value not in text, (key, value)
    doc = ds.issue_document(ctx, head, "transfer_form", matter_id=secret)
    assert person.name not in Path(doc.file_path).name and person.name not in document_xml(Path(doc.file_path))
    # the petitioner's own notice does name them: for the office head only, and the view is logged
    assert person.name in ds.preview_document(ctx, head, "acceptance_notice", matter_id=secret)
    with pytest.raises(ds.DocumentRefused, match="信访办主任"):
        ds.preview_document(ctx, clerk, "acceptance_notice", matter_id=secret)
    with pytest.raises(ds.DocumentRefused, match="信访办主任"):
        ds.issue_document(ctx, clerk, "registration_form", matter_id=secret)
    # the report's text goes with it: a clerk has no document of this one matter (tests/test_restricted_paths.py)
    with pytest.raises(ds.DocumentRefused, match="内容，只能由信访办主任"):
        ds.preview_document(ctx, clerk, "transfer_form", matter_id=secret)
    with ctx.db.read() as session:
        views = session.exec(select(Event).where(Event.matter_id == secret, Event.action == "view_restricted")).all()
    assert {v.data["what"] for v in views} == {f"document:{k}" for k in (*texts, "acceptance_notice")}


def test_day_set_one_notice_per_booking_one_per_unit_brief_and_schedule(ctx, clerk, head, reception):
    # the brief and the accuser's own notice name a 检举控告 petitioner: the office head issues the set
    with pytest.raises(ds.DocumentRefused, match="信访办主任"):
        ds.issue_day_set(ctx, clerk, reception["day"].id)
    docs = ds.issue_day_set(ctx, head, reception["day"].id).documents
    kinds = [d.kind for d in docs]
    assert kinds.count("leader_reception_notice") == 2
    assert kinds.count("unit_attendance_notice") == 1
    assert kinds.count("leader_brief") == 1 and kinds.count("reception_schedule") == 1
    brief = next(d for d in docs if d.kind == "leader_brief")
    text = docx_text(Path(brief.file_path))
    assert "欧阳&<李>" in text and "赵举报" in text and "刘建国" in text  # the leader sees who comes
    unit_notice = next(d for d in docs if d.kind == "unit_attendance_notice")
    assert "赵举报" not in docx_text(Path(unit_notice.file_path))
    listed = ds.documents_for_day(ctx, reception["day"].day)
    assert {d.id for d in docs} <= {d.id for d in listed}


def test_kinds_for_matter_follow_the_state(ctx, clerk, matter_id, register):
    with ctx.db.read() as session:
        accepted = session.get(Matter, matter_id)
    assert ds.kinds_for_matter(accepted)[0] == "acceptance_notice"
    other = register(name="李四").matter_ids[0]
    apply_action(ctx, clerk, other, "not_accept", reason="越级走访", changes={"route_basis": "《信访工作条例》第二十条"})
    with ctx.db.read() as session:
        refused = session.get(Matter, other)
    kinds = ds.kinds_for_matter(refused)
    assert kinds[0] == "non_acceptance_notice" and "acceptance_notice" not in kinds
    text = ds.preview_document(ctx, clerk, kinds[0], matter_id=other)
    assert "越级走访" in text and "《信访工作条例》第二十条" in text and "不予受理" in text


# -- printing -----------------------------------------------------------------------------------------------------

def _fake_lp(folder: Path, *, fail: bool) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "lp"
    body = 'echo "lp: Error - The printer or class does not exist." >&2; exit 1' if fail else \
        f'echo "$@" >> "{folder}/printed.log"; echo "request id is P-1"'
    script.write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
    script.chmod(0o755)


@pytest.mark.skipif(sys.platform == "win32", reason="lp is the Linux/mac path")
def test_printer_failure_is_clear_and_the_document_stays_reprintable(ctx, clerk, matter_id, tmp_path, monkeypatch):
    doc = ds.issue_document(ctx, clerk, NOTICE, matter_id=matter_id)
    broken, working = tmp_path / "broken", tmp_path / "working"
    _fake_lp(broken, fail=True)
    _fake_lp(working, fail=False)
    monkeypatch.setenv("PATH", f"{broken}{os.pathsep}{os.environ['PATH']}")
    result = ds.print_document(ctx, doc.id)
    assert not result.ok
    assert "打印失败" in result.message and "printer or class does not exist" in result.message
    assert "可稍后重新打印" in result.message and Path(doc.file_path).exists()
    monkeypatch.setenv("PATH", f"{working}{os.pathsep}{os.environ['PATH']}")
    ctx.save_setting("printer", "办公室HP")
    again = ds.print_document(ctx, doc.id)
    assert again.ok and "办公室HP" in again.message
    assert (working / "printed.log").read_text(encoding="utf-8").split() == ["-d", "办公室HP", doc.file_path]


def test_no_lp_command_is_a_clear_message(ctx, clerk, matter_id, tmp_path, monkeypatch):
    doc = ds.issue_document(ctx, clerk, NOTICE, matter_id=matter_id)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = ds.print_document(ctx, doc.id)
    assert not result.ok and "lp" in result.message and Path(doc.file_path).exists()


def test_reprint_of_a_lost_file_keeps_its_number(ctx, clerk, matter_id):
    doc = ds.issue_document(ctx, clerk, NOTICE, matter_id=matter_id)
    Path(doc.file_path).unlink()
    path = ds.document_file(ctx, doc.id)
    assert path == Path(doc.file_path) and "琴信受告〔2026〕1号" in docx_text(path)
    with ctx.db.read() as session:
        assert session.get(NumberSeries, ("doc:acceptance_notice", 2026)).last == 1


# -- numbering ----------------------------------------------------------------------------------------------------

def test_document_number_format():
    assert document_number("{机关简称}信告〔{年}〕{号}号", 2026, 12, 机关简称="琴") == "琴信告〔2026〕12号"
    assert document_number("〔{年}〕{号}号", 2027, 1) == "〔2027〕1号"  # no leading zeros
    with pytest.raises(ValueError, match="机关代字"):
        document_number("{机关代字}〔{年}〕{号}号", 2026, 1)
    with pytest.raises(ValueError, match="号"):
        document_number("{机关简称}〔{年}〕", 2026, 1, 机关简称="琴")


def test_kind_lookup_by_key_or_chinese_name():
    assert get_kind("transfer_form") is get_kind("转送/交办单") is get_kind("转送交办单")
    assert get_kind("接访呈报单").key == "leader_brief" and get_kind("接待信访人通知书").key == "leader_brief"
    with pytest.raises(ValueError, match="没有这种文书"):
        get_kind("请假条")


WORKER = textwrap.dedent("""
    import datetime as dt, sys, time
    from pathlib import Path
    from xfdesk.services.context import open_context, Operator
    from xfdesk.services.documents import issue_document
    home, matter_id, count, go, name = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]), sys.argv[5]
    ctx = open_context(home, clock=lambda: dt.date(2026, 11, 21))
    while not go.exists():
        time.sleep(0.01)
    for _ in range(count):
        print(issue_document(ctx, Operator(name), "acceptance_notice", matter_id=matter_id, again=True).number_text,
              flush=True)
""")


def test_numbering_unique_and_gap_free_under_two_processes(ctx, clerk, matter_id, tmp_path):
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    count = 12
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, str(ctx.home.root), str(matter_id), str(count), str(go),
                               name], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for name in ("甲", "乙")]
    import time

    time.sleep(1.5)  # both processes have opened the database and wait at the line
    go.touch()
    outputs = [p.communicate(timeout=180) for p in procs]
    for proc, (_out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    numbers = [line for out, _ in outputs for line in out.split()]
    assert len(numbers) == 2 * count == len(set(numbers))
    with ctx.db.read() as session:
        rows = session.exec(select(Document).where(Document.kind == "acceptance_notice")).all()
        events = session.exec(select(Event).where(Event.action == ds.ISSUED)).all()
    assert sorted(r.seq for r in rows) == list(range(1, 2 * count + 1))
    assert {r.number_text for r in rows} == set(numbers)
    assert len({r.file_path for r in rows}) == 2 * count and all(ds.stored_path(ctx, r).exists() for r in rows)
    assert len(events) == 2 * count
    assert {r.operator for r in rows} == {"甲", "乙"}


# -- the look of a printed notice ---------------------------------------------------------------------------------

@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装：跳过版面目视检查")
def test_visual_check_through_libreoffice(ctx, clerk, matter_id, tmp_path):
    doc = ds.issue_document(ctx, clerk, NOTICE, matter_id=matter_id)
    pdf = ds.convert_to_pdf(Path(doc.file_path), tmp_path)
    assert pdf is not None and pdf.stat().st_size > 1000
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                       check=True, timeout=60)
        png = next(tmp_path.glob("page*.png"))
        assert png.stat().st_size > 2000  # a page with text, not a blank sheet
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              timeout=60).stdout
        flat = re.sub(r"\s+", "", text)  # pdftotext spaces out mixed Chinese and digits
        assert "信访事项受理告知书" in flat and "琴信受告〔2026〕1号" in flat and "欧阳&<李>" in flat


def test_templates_doc_lists_every_kind_and_field():
    doc = (Path(__file__).resolve().parents[1] / "docs" / "templates.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert kind.file_name in doc and f"`{kind.key}`" in doc
        for f in field_names(kind):
            assert f"{{{{ {f} }}}}" in doc or f"in {f} %}}" in doc, (kind.key, f)
