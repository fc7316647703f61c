"""Rendering that cannot take the PC down: hostile templates are refused by ``doc check`` (or stopped while
filling) in Chinese, in well under a second, and take no number; syntax errors name their paragraph; misnamed
office templates are reported."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from sqlmodel import select

from xfdesk.documents import render
from xfdesk.documents.fields import field_names
from xfdesk.documents.kinds import get_kind
from xfdesk.documents.render import RenderError, TemplateProblem, check_template, render_docx
from xfdesk.services import documents as ds
from xfdesk.services.lifecycle import apply_action
from xfdesk.storage.models import Document, NumberSeries

NOTICE = get_kind("acceptance_notice")
CJK = "的"


def _template(path: Path, *paragraphs: str) -> Path:
    doc = DocxDocument()
    for text in paragraphs:
        doc.add_paragraph(text)
    doc.save(path)
    return path


def _values(text: str = "详细情况" * 40) -> dict:
    return {name: text for name in field_names(NOTICE)}


HOSTILE = [
    "{{ 'x' * 10**9 }}",
    "{{ 9**(9**9) }}",
    "{{ '好' * 1000000000 }}",
    "{{ 详细情况 * 事项编号 }}",
    "{% for a in 详细情况 %}{% for b in 详细情况 %}{% for c in 详细情况 %}{% for d in 详细情况 %}"
    "{% for e in 详细情况 %}{{ a }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
    "{% set a = 详细情况 ~ 详细情况 %}{% set b = a ~ a %}{{ b }}",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_doc_check_refuses_templates_that_would_exhaust_memory_or_hang(tmp_path, payload):
    path = _template(tmp_path / "受理告知书.docx", "致：", payload)
    started = time.monotonic()
    problems = check_template(path, NOTICE)
    assert problems, payload
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in p) for p in problems)
    with pytest.raises(TemplateProblem):
        render_docx(path, NOTICE, _values(), tmp_path / "out.docx")
    assert time.monotonic() - started < 5
    assert not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize("payload", ["{{ 详细情况|replace('', 详细情况) }}", "{{ '好' * 100 * 100 * 100 * 100 }}",
                                     "{{ (详细情况 + 详细情况 + 详细情况)|replace('情', 详细情况) }}"])
def test_values_built_inside_a_template_are_capped_while_filling(tmp_path, monkeypatch, payload):
    monkeypatch.setattr(render, "_ensure_checked", lambda *_a: None)  # the second line of defence alone
    path = _template(tmp_path / "t.docx", payload)
    started = time.monotonic()
    with pytest.raises(RenderError, match="过长|过大"):
        render_docx(path, NOTICE, _values("详细情况很长" * 500), tmp_path / "out.docx")
    assert time.monotonic() - started < 5
    assert not (tmp_path / "out.docx").exists()


def test_output_of_a_part_is_counted_as_it_is_produced(monkeypatch):
    monkeypatch.setattr(render, "MAX_PART_CHARS", 1000)
    env = render.environment()
    with pytest.raises(render.RenderLimit, match="过长"):
        env.from_string("{% for r in 行 %}{{ r }}{% endfor %}").render(行=["好" * 100] * 50)


def test_a_hostile_office_template_takes_no_number(ctx, clerk, register, monkeypatch):
    mid = register().matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    _template(ctx.home.templates / NOTICE.file_name, "{{ 信访人姓名 }}：", "{{ 详细情况|replace('', 详细情况) }}")
    monkeypatch.setattr(render, "MAX_VALUE_CHARS", 200)
    with pytest.raises(RenderError, match="replace"):
        ds.issue_document(ctx, clerk, NOTICE, matter_id=mid)
    with ctx.db.read() as session:
        assert session.exec(select(Document)).all() == []
        assert session.get(NumberSeries, ("doc:acceptance_notice", 2026)) is None
    assert list(ctx.home.output.rglob("*.docx*")) == []


def test_a_too_large_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "MAX_DOCX_BYTES", 2000)
    path = _template(tmp_path / "t.docx", "{{ 详细情况 }}")
    with pytest.raises(RenderError, match="文件过大"):
        render_docx(path, NOTICE, _values(), tmp_path / "out.docx")


@pytest.mark.parametrize(("paragraph", "words"), [
    ("事项编号：{{ 事项编号 {{ 诉求摘要 }}", "花括号"),
    ("信访人：{{ 信访人姓名 }", "花括号"),
    ("{% if 信访人电话 %}电话：{{ 信访人电话 }}", "缺少结束标记"),
    ("诉求：{{ 诉求摘要 | }}", "内容不完整"),
])
def test_syntax_errors_name_their_paragraph_in_chinese(tmp_path, paragraph, words):
    path = _template(tmp_path / "t.docx", "信访事项受理告知书", "第一段一切正常：{{ 机关名称 }}", paragraph, "特此告知。")
    problems = check_template(path, NOTICE)
    assert len(problems) == 1, problems
    message = problems[0]
    assert "模板语法错误" in message and words in message
    assert paragraph[:8] in message  # the paragraph it is in, not the document's first line
    assert "信访事项受理告知书" not in message and "expected" not in message and "token" not in message


def test_doc_check_reports_misnamed_office_templates(ctx):
    folder = ctx.home.templates
    folder.mkdir(parents=True, exist_ok=True)
    _template(folder / "复查意见书 - 副本.docx", "{{ 信访人姓名 }}")
    _template(folder / "复核意见书.DOCX", "{{ 信访人姓名 }}")
    (folder / "说明.txt").write_text("不是模板", encoding="utf-8")
    results = ds.check_templates(ctx)
    copy = results[str(folder / "复查意见书 - 副本.docx")]
    upper = results[str(folder / "复核意见书.DOCX")]
    assert "不会被使用" in copy[0] and "复查意见书.docx" in copy[0]
    assert "不会被使用" in upper[0] and "复核意见书.docx" in upper[0]
    assert str(folder / "说明.txt") not in results
