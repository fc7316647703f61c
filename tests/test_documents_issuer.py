"""Head, seal (or unsealed signature) and 文号 name one body on every kind (issue 11 item 3): the office's notices
are 琴江镇人民政府's in its own series, a 复查意见书 is the 复查机关's with its 简称 in the 文号, a 复核意见书 the
复核机关's; an issuing body whose 简称 (or whose very name) is not known is refused before a number is taken."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document as Docx
from sqlmodel import select

from tests.test_documents_pages import issue_every_kind
from xfdesk.documents.build_templates import STYLE_NUMBER, STYLE_SIGNATURE, STYLE_TITLE
from xfdesk.documents.fields import field_names, list_fields
from xfdesk.documents.kinds import KINDS
from xfdesk.documents.render import render_docx
from xfdesk.services import documents as ds
from xfdesk.services.lifecycle import apply_action
from xfdesk.storage.models import Document

BODIES = {"机关名称": "琴江镇人民政府", "信访部门": "琴江镇信访办", "复查机关": "石城县人民政府",
          "复核机关": "赣州市人民政府"}
SHORT = {"琴江镇人民政府": "琴", "琴江镇信访办": "琴", "石城县人民政府": "石府", "赣州市人民政府": "赣市府"}


def _parts(source) -> tuple[list[str], list[str], list[str]]:  # noqa: ANN001
    """(heads, 文号 lines, signers) of a rendered document, read by paragraph style."""
    doc = Docx(source)
    by_style: dict[str, list[str]] = {STYLE_TITLE: [], STYLE_NUMBER: [], STYLE_SIGNATURE: []}
    for p in doc.paragraphs:
        if p.style.name in by_style and p.text.strip():
            by_style[p.style.name].append(p.text.strip())
    return by_style[STYLE_TITLE], by_style[STYLE_NUMBER], by_style[STYLE_SIGNATURE]


def _head_body(heads: list[str], kind) -> str:  # noqa: ANN001
    """The body a document's head names: its first title line, or the start of a one-line head that runs the
    body's name into the title (the 登记表 fits one page so)."""
    return heads[0].removesuffix(kind.name) if heads else ""


@pytest.mark.parametrize("kind", KINDS, ids=[k.key for k in KINDS])
def test_every_kind_heads_signs_and_numbers_as_its_issuer(ctx, kind):
    """Each shipped template, filled with four different bodies: the head (first title line) and the signature
    (first 落款 line, over the date) are the kind's declared issuer, and its 文号 pattern names that body's 简称."""
    lists = list_fields(kind)
    values = {name: ([] if name in lists else f"〈{name}〉") for name in field_names(kind)}
    values.update(BODIES)
    values["发文日期"] = "2026年11月5日"
    issuer = BODIES[kind.issuer]
    pattern, names = ds._pattern(ctx, kind, issuer)
    from xfdesk.domain.numbering import document_number

    values["文号"] = number = document_number(pattern, 2026, 7, **names)
    assert number.startswith(SHORT[issuer] + "信"), (kind.key, number)
    out = io.BytesIO()
    render_docx(ds.template_path(ctx, kind), kind, values, out)
    out.seek(0)
    heads, numbers, signers = _parts(out)
    assert _head_body(heads, kind) == issuer, (kind.key, heads)
    assert numbers[:1] == [number], (kind.key, numbers)
    # an office record kept on file (登记表, 回访记录) is not signed; everything that leaves the office is
    assert signers[:1] == [issuer] or (kind.audience == "office" and not signers), (kind.key, signers)


def test_issued_documents_of_every_kind_name_one_body(ctx, clerk, head):
    """The real documents, issued for matters walked through their steps: head = signer = the body whose 简称
    opens the 文号; the 复查意见书 is 石城县人民政府's (石府信复查〔…〕), the 复核意见书 赣州市人民政府's."""
    docs = issue_every_kind(ctx, clerk, head)
    kinds = {k.key: k for k in KINDS}
    with ctx.db.read() as session:
        stored = {d.id: d for d in session.exec(select(Document))}
    for doc in docs:
        kind = kinds[doc.kind]
        issuer = stored[doc.id].rendered_values[kind.issuer]
        heads, numbers, signers = _parts(Path(doc.file_path))
        assert _head_body(heads, kind) == issuer and signers[:1] in ([issuer], []), (doc.kind, heads, signers)
        assert numbers[:1] == [doc.number_text] and doc.number_text.startswith(SHORT[issuer] + "信"), doc.number_text
    review = next(d for d in docs if d.kind == "review_opinion")
    again = next(d for d in docs if d.kind == "re_review_opinion")
    assert review.number_text == "石府信复查〔2026〕1号" and again.number_text == "赣市府信复核〔2026〕1号"
    text = ds.docx_text(Path(review.file_path))
    assert "向赣州市人民政府书面请求复核" in text  # ask the 复核机关 itself, named


def _reviewed(ctx, clerk, head, register, body: str) -> int:  # noqa: ANN001
    from xfdesk.services import handling as hs

    mid = register().matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    hs.reply_matter(ctx, clerk, mid, result="支持", facts="经查属实", basis="《土地管理法》")
    hs.request_review(ctx, clerk, mid, level=1, requested_on=ctx.today(), body=body)
    hs.conclude_review(ctx, head, mid, result="维持", opinion="原处理意见正确")
    return mid


def _numbers_taken(ctx) -> list[str]:  # noqa: ANN001
    with ctx.db.read() as session:
        return [d.number_text for d in session.exec(select(Document))]


def test_a_body_without_a_short_name_is_refused_before_numbering(ctx, clerk, head, register):
    mid = _reviewed(ctx, clerk, head, register, "吉安市人民政府")
    with pytest.raises(ds.DocumentRefused, match="吉安市人民政府.*发文机关简称") as refused:
        ds.issue_document(ctx, head, "review_opinion", matter_id=mid)
    assert "Error" not in str(refused.value) and _numbers_taken(ctx) == []
    ctx.home.data.mkdir(parents=True, exist_ok=True)
    shipped = (Path(ds.__file__).parents[2] / "data" / "document_numbering.toml").read_text(encoding="utf-8")
    (ctx.home.data / "document_numbering.toml").write_text(
        shipped.replace('"赣州市人民政府" = "赣市府"', '"赣州市人民政府" = "赣市府"\n"吉安市人民政府" = "吉市府"'),
        encoding="utf-8")
    doc = ds.issue_document(ctx, head, "review_opinion", matter_id=mid)
    assert doc.number_text == "吉市府信复查〔2026〕1号"
    heads, _, signers = _parts(Path(doc.file_path))
    assert heads[0] == signers[0] == "吉安市人民政府"


def test_an_older_office_pattern_with_the_office_short_name_still_numbers_as_the_issuer(ctx, clerk, head,
                                                                                       register):
    """An office that copied the file before: its review pattern says {机关简称}; the 文号 is still the 复查机关's."""
    mid = _reviewed(ctx, clerk, head, register, "石城县人民政府")
    ctx.home.data.mkdir(parents=True, exist_ok=True)
    shipped = (Path(ds.__file__).parents[2] / "data" / "document_numbering.toml").read_text(encoding="utf-8")
    (ctx.home.data / "document_numbering.toml").write_text(
        shipped.replace("{复查机关简称}信复查", "{机关简称}信复查"), encoding="utf-8")
    doc = ds.issue_document(ctx, head, "review_opinion", matter_id=mid)
    assert doc.number_text == "石府信复查〔2026〕1号"


def test_an_unnamed_re_review_body_is_refused_not_printed_as_words(ctx, clerk, head, register):
    from xfdesk.services import handling as hs

    mid = _reviewed(ctx, clerk, head, register, "石城县人民政府")
    ctx.home.data.mkdir(parents=True, exist_ok=True)
    shipped = (Path(ds.__file__).parents[2] / "data" / "document_numbering.toml").read_text(encoding="utf-8")
    (ctx.home.data / "document_numbering.toml").write_text(
        shipped.replace('"复核机关" = "赣州市人民政府"', '"复核机关" = ""'), encoding="utf-8")
    hs.request_review(ctx, clerk, mid, level=2, requested_on=ctx.today())
    hs.conclude_review(ctx, head, mid, result="维持", opinion="复查意见正确")
    with pytest.raises(ds.DocumentRefused, match="复核意见书.*复核机关"):
        ds.preview_document(ctx, head, "re_review_opinion", matter_id=mid)
    with pytest.raises(ds.DocumentRefused, match="复核机关"):
        ds.issue_document(ctx, head, "re_review_opinion", matter_id=mid)
    assert all("复核" not in n for n in _numbers_taken(ctx))
    # the 复查意见书 still tells the petitioner where to go, in words
    text = ds.preview_document(ctx, head, "review_opinion", matter_id=mid)
    assert "石城县人民政府的上一级行政机关" in text
