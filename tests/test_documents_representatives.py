"""The 信访事项登记表 names a group visit's 代表: they sign its 信访人（代表）确认签名 line (issue 9 item 10)."""

from __future__ import annotations

from tests.conftest import make_id_number, sample_contact
from xfdesk.domain.records import PetitionerInput


def test_registration_form_names_the_representatives(ctx, clerk):
    from xfdesk.services.documents import preview_document
    from xfdesk.services.registration import register_contact

    group = sample_contact(name="周燕", id_number=make_id_number(serial=61), headcount=12,
                           summaries=("要求落实征地安置补偿款",))
    group.petitioners[0].representative = True
    group.petitioners += [PetitionerInput(name="何峰根", village="大畲村", representative=True),
                          PetitionerInput(name="杨勇文", village="大畲村")]
    alone = sample_contact(name="王大明", id_number=make_id_number(serial=62), summaries=("村道路灯坏了",))
    group_id = register_contact(ctx, clerk, group).matter_ids[0]
    alone_id = register_contact(ctx, clerk, alone).matter_ids[0]

    text = preview_document(ctx, clerk, "registration_form", matter_id=group_id)
    assert "代表" in text and "周燕、何峰根" in text and "周燕、何峰根、杨勇文" not in text  # 杨勇文 came, not a 代表
    assert "何峰根、杨勇文" in text  # 其他信访人: everyone else who came
    assert "无" in preview_document(ctx, clerk, "registration_form", matter_id=alone_id).split("代表", 1)[1][:12]
