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


@pytest.fixture
def windows_without_libreoffice(monkeypatch):
    """A Windows PC with Word but no LibreOffice: ``which`` finds only PowerShell; the fake PowerShell records the
    call and, like Word's ExportAsFixedFormat, writes the PDF where the environment says."""
    calls: list[dict] = []

    def which(name):  # noqa: ANN001, ANN202
        return r"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe" if name == "powershell" else None

    def run(args, **kwargs):  # noqa: ANN001, ANN003, ANN202
        env = kwargs["env"]
        calls.append({"args": list(args), "docx": env["XFDESK_DOCX"], "pdf": env["XFDESK_PDF"]})
        assert Path(env["XFDESK_DOCX"]).exists()
        Path(env["XFDESK_PDF"]).write_bytes(b"%PDF-1.7 word")
        return ds.subprocess.CompletedProcess(args, 0, b"", b"")

    monkeypatch.setattr(ds.sys, "platform", "win32")
    monkeypatch.setattr(ds.shutil, "which", which)
    monkeypatch.setattr(ds.subprocess, "run", run)
    return calls


def test_windows_without_libreoffice_makes_the_pdf_with_word(ctx, clerk, register, tmp_path, capsys,
                                                            windows_without_libreoffice):
    mid, _number = _accepted(ctx, clerk, register)
    doc = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    out = tmp_path / "打印 PDF"  # a folder with a space and Chinese: passed through the environment, not quoted
    assert run(["--home", str(ctx.home.root), "doc", "print", str(doc.id), "--pdf", "-o", str(out)]) == 0
    pdf = out / (Path(doc.file_path).stem + ".pdf")
    assert pdf.read_bytes().startswith(b"%PDF-") and f"PDF：{pdf}" in capsys.readouterr().out
    (call,) = windows_without_libreoffice
    assert call["args"][0].endswith("powershell.exe") and "-NoProfile" in call["args"]
    script = call["args"][call["args"].index("-Command") + 1]
    assert "Word.Application" in script and "ExportAsFixedFormat($env:XFDESK_PDF, 17)" in script
    assert "$doc.Close(0)" in script and "$app.Quit()" in script  # never saves over the issued file
    assert str(pdf) not in script and call["docx"] == str(Path(doc.file_path).resolve())
    assert call["pdf"] == str(pdf.resolve())


def test_windows_with_libreoffice_uses_it_and_without_either_says_so(ctx, clerk, register, tmp_path, capsys,
                                                                     monkeypatch, windows_without_libreoffice):
    mid, _number = _accepted(ctx, clerk, register)
    doc = ds.issue_document(ctx, clerk, "acceptance_notice", matter_id=mid)
    monkeypatch.setattr(ds.shutil, "which",
                        lambda name: r"C:\Program Files\LibreOffice\program\soffice.exe" if name == "soffice" else None)
    monkeypatch.setattr(ds.subprocess, "run", lambda args, **_kw: windows_without_libreoffice.append(
        {"args": list(args)}) or ds.subprocess.CompletedProcess(args, 0))
    assert ds.convert_to_pdf(Path(doc.file_path), tmp_path) is None  # the fake LibreOffice wrote nothing
    assert windows_without_libreoffice[-1]["args"][0].endswith("soffice.exe")  # LibreOffice first, not Word
    monkeypatch.setattr(ds.shutil, "which", lambda _name: None)  # neither: a Chinese message, exit 1
    assert run(["--home", str(ctx.home.root), "doc", "print", str(doc.id), "--pdf"]) == 1
    err = capsys.readouterr().err
    assert "LibreOffice" in err and "Word" in err and "Traceback" not in err
