"""``xfdesk doc``: fields, check (all shipped templates pass; a broken one is named), render, print, list, void."""

from __future__ import annotations

import os
from pathlib import Path

from docx import Document as Docx

from xfdesk.cli.app import run
from xfdesk.documents.render import docx_text
from xfdesk.services.lifecycle import apply_action


def _run(home: Path, *args: str) -> int:
    return run(["--home", str(home), "doc", *args])


def test_fields_lists_the_catalogue_of_a_kind(tmp_path, capsys):
    assert _run(tmp_path / "home", "fields", "不予受理告知书") == 0
    out = capsys.readouterr().out
    assert "{{ 信访人姓名 }}" in out and "{{ 甄别依据 }}" in out and "{{ 文号 }}" in out
    assert _run(tmp_path / "home", "fields", "leader_brief") == 0
    assert "{{ 行.既往信访 }}" in capsys.readouterr().out
    assert _run(tmp_path / "home", "fields", "请假条") == 1
    assert "没有这种文书" in capsys.readouterr().err


def test_check_passes_for_the_shipped_set_and_names_a_broken_office_copy(tmp_path, capsys):
    home = tmp_path / "home"
    assert _run(home, "check") == 0
    from xfdesk.documents.kinds import KINDS

    assert f"全部{len(KINDS)}个模板检查通过" in capsys.readouterr().out
    (home / "templates").mkdir(parents=True, exist_ok=True)
    broken = home / "templates" / "督办函.docx"
    d = Docx()
    d.add_paragraph("｛｛ 督办单位 ｝｝：请于{{ 反溃期限 }}前报送。")
    d.save(broken)
    assert _run(home, "check") == 1
    captured = capsys.readouterr()
    assert f"✗ {broken}" in captured.out
    assert "全角花括号" in captured.out and "未知字段“反溃期限”" in captured.out and "反馈期限" in captured.out
    assert "1个模板有问题" in captured.err
    assert _run(home, "check", str(broken)) == 1
    assert _run(home, "check", "受理告知书") == 0


def test_render_saves_numbers_and_copies_then_print_and_void(ctx, clerk, register, tmp_path, capsys, monkeypatch):
    reg = register(name="张三")
    apply_action(ctx, clerk, reg.matter_ids[0], "accept", reason="属于本机关职权范围")
    home = ctx.home.root
    out = tmp_path / "副本.docx"
    assert _run(home, "render", "受理告知书", "--matter", reg.numbers[0], "-o", str(out)) == 0
    printed = capsys.readouterr().out
    assert "文号 琴信受告〔" in printed and "已另存到" in printed
    assert "张三：" in docx_text(out)
    assert _run(home, "render", "受理告知书", "--matter", reg.numbers[0], "--preview") == 0
    assert "（保存时编号）" in capsys.readouterr().out
    assert _run(home, "render", "受理告知书", "--matter", "XF-2026-999999") == 1
    assert "找不到事项" in capsys.readouterr().err

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "lp").write_text("#!/bin/sh\necho 'lp: 打印机缺纸' >&2\nexit 1\n", encoding="utf-8")
    (bin_dir / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    assert _run(home, "list", "--matter", reg.numbers[0]) == 0
    listing = capsys.readouterr().out
    doc_id = listing.split()[0]
    assert _run(home, "print", doc_id) == 1
    assert "打印机缺纸" in capsys.readouterr().err
    assert _run(home, "void", doc_id, "--reason", "信访人姓名写错") == 0
    assert "文号保留" in capsys.readouterr().out
    assert _run(home, "list", "--matter", reg.numbers[0]) == 0
    assert "已作废：信访人姓名写错" in capsys.readouterr().out
