"""Shared fixtures: a fresh office in a temporary folder with a fixed date, operators, valid sample records."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from xfdesk.domain.glossary import Role
from xfdesk.domain.records import ContactInput, MatterInput, PetitionerInput

TODAY = dt.date(2026, 11, 21)
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_serial = itertools.count(101)


def make_id_number(birth: str = "19800101", region: str = "360735", serial: int | None = None) -> str:
    """A valid GB 11643 number (check digit by ISO 7064 MOD 11-2)."""
    body = f"{region}{birth}{(serial if serial is not None else next(_serial)) % 1000:03d}"
    return body + _CHECK[sum(int(c) * w for c, w in zip(body, _WEIGHTS)) % 11]


TEST_PASSWORD = "qjz-test-2026"  # every test account's password (tests/conftest.py creates 李主任 and 王芳)
HEAD_NAME = "李主任"
CLERK_NAME = "王芳"


@pytest.fixture(autouse=True, scope="session")
def _test_accounts():
    """A cheap argon2id hasher (the production parameters cost 0.1 s a hash), and the command line signed in as the
    test office's head unless a test says otherwise (XFDESK_USER / XFDESK_PASSWORD, as a scheduled script would)."""
    from argon2 import PasswordHasher

    import xfdesk.services.accounts as accounts

    with pytest.MonkeyPatch.context() as patch:  # session-wide: module fixtures (a demo office) need it too
        patch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))
        patch.setenv("XFDESK_USER", HEAD_NAME)
        patch.setenv("XFDESK_PASSWORD", TEST_PASSWORD)
        yield


def add_test_accounts(context) -> None:  # noqa: ANN001
    """The head 李主任 and the clerk 王芳, both with TEST_PASSWORD (rows only: no audit events to count)."""
    from xfdesk.domain.names import name_initials
    from xfdesk.services import accounts
    from xfdesk.storage.models import Account

    with context.db.write() as session:
        for name, role in ((HEAD_NAME, Role.HEAD), (CLERK_NAME, Role.CLERK)):
            session.add(Account(name=name, name_initials=name_initials(name), role=role.value,
                                password_hash=accounts.HASHER.hash(TEST_PASSWORD)))


@pytest.fixture
def today() -> dt.date:
    return TODAY


@pytest.fixture
def ctx(tmp_path):
    from xfdesk.services.context import open_context

    context = open_context(tmp_path / "home", clock=lambda: TODAY)
    add_test_accounts(context)
    yield context
    context.db.dispose()


@pytest.fixture
def clerk():
    from xfdesk.services.context import Operator

    return Operator("王芳", Role.CLERK)


@pytest.fixture
def head():
    from xfdesk.services.context import Operator

    return Operator("李主任", Role.HEAD)


def sample_contact(*, name: str = "张三", village: str = "大畲村", id_number: str | None = None,
                   phone: str | None = "13800001234", summaries=("反映宅基地边界纠纷，要求镇里协调",),
                   received_at: dt.datetime | None = None, channel: str = "走访", headcount: int = 1,
                   category: str = "邻里纠纷", kind: str | None = None, clerk: str = "王芳",
                   existing_id: int | None = None) -> ContactInput:
    id_number = id_number or make_id_number()
    gender = ("男" if int(id_number[16]) % 2 else "女") if id_number[16].isdigit() else None
    return ContactInput(
        received_at=received_at or dt.datetime.combine(TODAY, dt.time(9, 30)),
        channel=channel, clerk=clerk, headcount=headcount,
        petitioners=[PetitionerInput(name=name, gender=gender, id_number=id_number,
                                     phone=phone, address=f"琴江镇{village}3组", village=village,
                                     representative=headcount >= 5, existing_id=existing_id)],
        matters=[MatterInput(summary=s, details=f"{s}。详细情况……", category=category, location=village, kind=kind)
                 for s in summaries],
    )


@pytest.fixture
def register(ctx, clerk):
    """register(**sample_contact kwargs) → Registration, through the real service."""
    from xfdesk.services.registration import register_contact

    def _register(**kwargs):
        return register_contact(ctx, clerk, sample_contact(**kwargs))

    return _register
