"""Printing: ``doc render --print`` succeeds when the document was issued and only the printer failed (said on
stderr); Windows prints through the shell's print verb (a fake ``os.startfile``); every print path can make a PDF
(skipped cleanly without LibreOffice)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from xfdesk.cli.app import run
from xfdesk.services import documents as ds
from xfdesk.services.lifecycle import apply_action
from xfdesk.storage.models import Matter


def _accepted(ctx, clerk, register) -> tuple[int, str]:  # noqa: ANN001
    mid = register(name="张三").matter_ids[0]
    apply_action(ctx, clerk, mid, "accept", reason="属于本机关职权范围")
    with ctx.db.read() as session:
        return mid, session.get(Matter, mid).number


def test_render_print_exits_0_when_only_the_printer_failed(ctx, clerk, register, tmp_path, monkeypatch, capsys):
    _mid, number = _accepted(ctx, clerk, register)
    monkeypatch.setenv("PATH", str(tmp_path / "no-printer-here"))  # no lp: the printer part fails
    assert run(["--home", str(ctx.home.root), "doc", "render", "受理告知书", "--matter", number, "--print"]) == 0
    captured = capsys.readouterr()
    assert "已出具受理告知书" in captured.out
    assert "文书已出具" in captured.err and "lp" in captured.err and "可稍后重新打印" in captured.err


def test_windows_prints_through_the_shell_print_verb(ctx, clerk, register, monkeypatch):
    mid, _number = _accepted(ctx, clerk, register)
    doc = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    calls: list[tuple] = []

    def fake_startfile(*args):  # noqa: ANN002
        calls.append(args)

    monkeypatch.setattr(ds.sys, "platform", "win32")
    monkeypatch.setattr(os, "startfile", fake_startfile, raising=False)
    result = ds.print_document(ctx, doc.id)
    assert result.ok and "默认打印机" in result.message
    assert calls == [(doc.file_path, "print")]
    ctx.save_setting("printer", "办公室HP")
    assert ds.print_document(ctx, doc.id).ok
    assert calls[-1] == (doc.file_path, "printto", '"办公室HP"')

    def broken(*_args):  # noqa: ANN002
        raise OSError(1155, "没有与此操作关联的应用程序")

    monkeypatch.setattr(os, "startfile", broken, raising=False)
    failed = ds.print_document(ctx, doc.id)
    assert not failed.ok and "Word/WPS" in failed.message and Path(doc.file_path).exists()


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice 未安装：跳过 PDF 转换")
def test_doc_print_pdf_makes_a_pdf_of_the_issued_document(ctx, clerk, register, tmp_path, capsys):
    mid, _number = _accepted(ctx, clerk, register)
    doc = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    out = tmp_path / "pdf"
    assert run(["--home", str(ctx.home.root), "doc", "print", str(doc.id), "--pdf", "-o", str(out)]) == 0
    pdf = out / (Path(doc.file_path).stem + ".pdf")
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-"
    assert "PDF：" in capsys.readouterr().out


def test_pdf_without_libreoffice_is_a_clear_message(ctx, clerk, register, tmp_path, monkeypatch, capsys):
    mid, _number = _accepted(ctx, clerk, register)
    doc = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    monkeypatch.setattr(ds.shutil, "which", lambda _name: None)
    assert run(["--home", str(ctx.home.root), "doc", "print", str(doc.id), "--pdf"]) == 1
    assert "LibreOffice" in capsys.readouterr().err
