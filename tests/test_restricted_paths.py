"""A clerk's session cannot reach a 检举控告 accuser's identity through any command or document kind (issue 12 §6),
and every view of the restricted matter is in the audit log. Each path is tried as the clerk 王芳, signed in."""

from __future__ import annotations

import json

import pytest

from tests.conftest import CLERK_NAME, HEAD_NAME, TEST_PASSWORD, make_id_number, sample_contact
from xfdesk.cli.app import run
from xfdesk.documents.kinds import KINDS

NAME, PHONE = "何新根", "13911112222"
ID_NUMBER = make_id_number(serial=5)


@pytest.fixture
def office(ctx, clerk):
    from xfdesk.services.registration import register_contact

    made = register_contact(ctx, clerk, sample_contact(name=NAME, id_number=ID_NUMBER, phone=PHONE,
                                                       summaries=("检举村干部侵占集体土地补偿款",), kind="检举控告"))
    number = f"XF-2026-{made.matter_ids[0]:06d}"
    return ctx, number


def as_user(ctx, capsys, monkeypatch, user, *args):  # noqa: ANN001
    monkeypatch.setenv("XFDESK_USER", user)
    monkeypatch.setenv("XFDESK_PASSWORD", TEST_PASSWORD)
    capsys.readouterr()
    code = run(["--home", str(ctx.home.root), *args])
    out, err = capsys.readouterr()
    return code, out + err


def leaks(text: str) -> list[str]:
    return [x for x in (NAME, PHONE, ID_NUMBER, ID_NUMBER[-6:], "身份证号：3607") if x in text]


def test_no_command_shows_the_accuser_to_a_clerk(office, capsys, monkeypatch, tmp_path):
    ctx, number = office
    paths = [
        ["search", "检举村干部"], ["search", number], ["search", "--json", "检举村干部"],
        ["matter", "list"], ["matter", "list", "--json"], ["matter", "show", number], ["matter", "show", number, "--json"],
        ["matter", "actions", number], ["matter", "actions", number, "--json"],
        ["stats", "--by", "村"], ["stats", "--by", "类别", "--json"],
        ["export", str(tmp_path / "out.json")],
    ]
    paths += [["doc", "render", kind.key, "--matter", number, "--preview"] for kind in KINDS]
    shown = {}
    for args in paths:
        code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, *args)
        if args[0] == "export":
            text += (tmp_path / "out.json").read_text(encoding="utf-8") if (tmp_path / "out.json").exists() else ""
        assert "Traceback" not in text, (args, text)
        shown[" ".join(args)] = leaks(text)
    assert {path: found for path, found in shown.items() if found} == {}
    # searching for the person (name, village, phone): the person, never linked to the accusation
    for term in (NAME, "大畲", PHONE):
        code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, "search", "--json", term)
        found = json.loads(text[text.index("{"):])
        assert all(p["matter_count"] == 0 and p["open_matters"] == 0 for p in found["people"]), text
        assert all(NAME not in json.dumps(m, ensure_ascii=False) and "petitioner_id" not in m
                   for m in found["matters"]), text


def test_the_head_sees_the_accuser_and_every_view_is_audited(office, capsys, monkeypatch):
    ctx, number = office
    code, text = as_user(ctx, capsys, monkeypatch, HEAD_NAME, "matter", "show", number)
    assert code == 0 and NAME in text
    code, text = as_user(ctx, capsys, monkeypatch, CLERK_NAME, "matter", "show", number)
    assert code == 0 and NAME not in text
    code, text = as_user(ctx, capsys, monkeypatch, HEAD_NAME, "audit")
    assert code == 0
    views = [line for line in text.splitlines() if "查看检举控告事项" in line and number in line]
    assert any(HEAD_NAME in line and "含信访人身份" in line for line in views), text
    assert any(CLERK_NAME in line and "身份已隐藏" in line for line in views), text
