"""Faithful reprints and honest 经办人: a lost file is rendered from the values it was issued with (not today's
records); paths are relative to the data folder, so a moved or copied folder reprints into itself; the 经办人 is
a person (``--operator``), never 命令行/系统; the office's blank contact lines are warned about."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlmodel import select

from tests.conftest import HEAD_NAME, TODAY
from xfdesk.cli.app import run
from xfdesk.documents.fields import BLANK
from xfdesk.documents.render import docx_text
from xfdesk.services import documents as ds
from xfdesk.services.lifecycle import apply_action
from xfdesk.storage.models import Document, NumberSeries, Petitioner


def _accepted(ctx, clerk, register, name="张三") -> int:  # noqa: ANN001
    mid = register(name=name).matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    return mid


def test_reprint_of_a_lost_file_is_the_document_as_issued(ctx, clerk, head, register):
    mid = _accepted(ctx, clerk, register, name="张三")
    doc = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    issued = docx_text(Path(doc.file_path))
    with ctx.db.write() as session:  # the records change after issuing: a corrected name, a new address
        matter_person = session.exec(select(Petitioner).where(Petitioner.name == "张三")).one()
        matter_person.name = "张三丰"
        matter_person.address = "琴江镇新址8号"
        session.add(matter_person)
    Path(doc.file_path).unlink()
    path = ds.document_file(ctx, doc.id, operator=head)  # reprinted by someone else, later
    text = docx_text(path)
    assert text == issued
    assert "张三：" in text and "张三丰" not in text and "经办人：王芳" in text and "系统" not in text
    with ctx.db.read() as session:
        assert session.get(NumberSeries, ("doc:acceptance_notice", TODAY.year)).last == 1
        row = session.get(Document, doc.id)
    assert row.rendered_values["信访人姓名"] == "张三" and row.rendered_values["文号"] == doc.number_text


def test_paths_are_stored_relative_and_a_copied_folder_reprints_into_itself(ctx, clerk, register, tmp_path):
    from xfdesk.services.context import open_context

    mid = _accepted(ctx, clerk, register)
    doc = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    with ctx.db.read() as session:
        stored = session.get(Document, doc.id).file_path
    assert not Path(stored).is_absolute() and stored.startswith("output/2026/11/")
    assert Path(doc.file_path).is_absolute() and Path(doc.file_path).exists()  # what the service hands out
    ctx.db.dispose()
    copy = tmp_path / "U盘" / "home"
    shutil.copytree(ctx.home.root, copy)
    moved = open_context(copy, clock=lambda: TODAY)
    try:
        (copy / stored).unlink()
        path = ds.document_file(moved, doc.id)
        assert path == copy / stored and path.exists()
        assert str(copy) in ds.documents_for_matter(moved, mid)[0].file_path
    finally:
        moved.db.dispose()


def test_an_old_absolute_path_is_found_under_the_moved_folder(ctx, clerk, register, tmp_path):
    from xfdesk.services.context import open_context

    mid = _accepted(ctx, clerk, register)
    doc = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    with ctx.db.write() as session:  # as rows were written before paths became relative
        row = session.get(Document, doc.id)
        row.file_path = str(Path("/old/place/home") / "output" / "2026" / "11" / Path(doc.file_path).name)
        session.add(row)
    ctx.db.dispose()
    copy = tmp_path / "new" / "home"
    shutil.copytree(ctx.home.root, copy)
    moved = open_context(copy, clock=lambda: TODAY)
    try:
        path = ds.document_file(moved, doc.id)
        assert path == copy / "output" / "2026" / "11" / Path(doc.file_path).name and path.exists()
    finally:
        moved.db.dispose()


def test_command_line_documents_print_the_operator_never_a_program_word(ctx, clerk, register, capsys):
    mid = _accepted(ctx, clerk, register)
    number = ds.documents_for_matter(ctx, mid)  # none yet
    assert number == []
    home = str(ctx.home.root)
    from xfdesk.storage.models import Matter

    with ctx.db.read() as session:
        ref = session.get(Matter, mid).number
    assert run(["--home", home, "doc", "render", "受理告知书", "--matter", ref]) == 0
    assert run(["--home", home, "doc", "render", "受理告知书", "--matter", ref]) == 1  # asks first
    assert "--again" in capsys.readouterr().err
    assert run(["--home", home, "doc", "render", "受理告知书", "--matter", ref, "--again", "--set", "经办人=别人"]) == 1
    assert "经办人" in capsys.readouterr().err  # the 经办人 is who is signed in, not a typed value
    assert run(["--home", home, "doc", "render", "受理告知书", "--matter", ref, "--again"]) == 0
    first, second = ds.documents_for_matter(ctx, mid)
    for doc in (first, second):  # the signed-in head (tests/conftest.py), never a program word
        assert f"经办人：{HEAD_NAME}" in docx_text(Path(doc.file_path)) and doc.operator == HEAD_NAME
        assert "命令行" not in docx_text(Path(doc.file_path))
    # a document a program makes (no person behind it) leaves the 经办人 as a line to sign
    from xfdesk.services.context import SYSTEM

    blank = ds.preview_document(ctx, SYSTEM, "acceptance_notice", matter_id=mid)
    assert f"经办人：{BLANK}" in blank and "系统" not in blank


def test_doc_check_and_doctor_warn_until_the_office_fills_its_contact_lines(ctx, capsys):
    from xfdesk.services.doctor import WARN, template_checks

    home = str(ctx.home.root)
    assert run(["--home", home, "doc", "check"]) == 0
    err = capsys.readouterr().err
    assert "信访部门电话、信访部门地址尚未填写" in err
    assert any(c.level == WARN and "信访部门电话" in c.message for c in template_checks(ctx))
    own = ctx.home.data / "document_numbering.toml"
    own.parent.mkdir(parents=True, exist_ok=True)
    shipped = ctx.home.data_file("document_numbering.toml").read_text(encoding="utf-8")
    own.write_text(shipped.replace('"信访部门电话" = ""', '"信访部门电话" = "0797-5712345"')
                   .replace('"信访部门地址" = ""', '"信访部门地址" = "石城县琴江镇政府一楼"'), encoding="utf-8")
    assert ds.office_contact_gaps(ctx) == []
    assert run(["--home", home, "doc", "check"]) == 0
    assert "尚未填写" not in capsys.readouterr().err
