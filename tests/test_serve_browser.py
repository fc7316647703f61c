"""``xfdesk serve`` in a real browser (issue 15 items 1 and 2): headless Chromium opens the desk twice at once, each
tab registers a visitor with a Chinese name and demand typed as an IME commits it, and both land in the office's
SQLite file with distinct numbers. Also: the server binds to loopback by default, refuses a websocket opened from
another site's page, and says how many desks it serves.

Skipped when Chromium (Debian's ``chromium``) or playwright is missing; ``.ci/run`` installs Chromium when it can.
Playwright drives the system Chromium (``executable_path``) and never downloads a browser of its own.

The tabs are synchronised on what the desk shows (the terminal output arriving over the websocket) and on the
registration draft the form writes 0.4 s after each change, never on fixed sleeps alone: the machine may be busy.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\|\x1b\][^\x07]*(\x07|\x1b\\)|\x1b.")
STEP_TIMEOUT = 60.0
TAB_PASSWORD = "qjz-serve-2026"  # both tabs' accounts (王芳, 李明), made by the fixture before the server starts

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="没有安装 Chromium（apt-get install chromium）")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served_office(tmp_path):
    """``xfdesk --home HOME serve --port P`` running on loopback; yields (home, base URL)."""
    pytest.importorskip("playwright")
    home = tmp_path / "office"
    port = _free_port()
    env = {**os.environ, "XFDESK_HOME": str(home)}
    env.pop("XFDESK_DATABASE_URL", None)
    _make_accounts(home)
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "xfdesk", "--home", str(home), "serve", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    if proc.poll() is not None:
        log.close()
        pytest.fail("xfdesk serve 没有启动：" + (tmp_path / "serve.log").read_text(encoding="utf-8"))
    yield home, f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def _make_accounts(home: Path) -> None:
    """The office and the two clerks' accounts, before the server starts (each tab signs in as one of them)."""
    from xfdesk.domain.glossary import Role
    from xfdesk.services.accounts import add_account, create_first_head
    from xfdesk.services.context import open_context

    ctx = open_context(home)
    try:
        head = create_first_head(ctx, "李主任", TAB_PASSWORD, TAB_PASSWORD).operator
        for name in ("王芳", "李明"):
            add_account(ctx, head, name, Role.CLERK, TAB_PASSWORD, TAB_PASSWORD)
    finally:
        ctx.db.dispose()


class Tab:
    """One browser tab of the desk: keys in, the desk's terminal output (text without escapes) out."""

    def __init__(self, page, home: Path, operator: str):
        self.page = page
        self.home = home
        self.operator = operator
        self.output = ""
        page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws) -> None:  # noqa: ANN001
        ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload) -> None:  # noqa: ANN001
        if isinstance(payload, bytes):
            self.output += ANSI.sub("", payload.decode("utf-8", errors="ignore"))

    async def open(self, url: str) -> None:
        await self.page.goto(url)
        await self.page.wait_for_function("document.body.classList.contains('-first-byte')", timeout=60_000)
        await self.page.click("#terminal")

    async def shows(self, text: str, *, since: int = 0, timeout: float = STEP_TIMEOUT) -> int:
        """Wait until the desk has drawn ``text`` (after output position ``since``); returns the new position."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.output.find(text, since)
            if found >= 0:
                return found + len(text)
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.operator}：页面上没有出现“{text}”；最后的输出：{self.output[-400:]!r}")

    async def key(self, *keys: str) -> None:
        for k in keys:
            await self.page.keyboard.press(k)
            await asyncio.sleep(0.15)

    async def ime(self, text: str) -> None:
        """Text as a Chinese IME commits it: one composed string (CDP Input.insertText), not key by key."""
        await self.page.keyboard.insert_text(text)

    def draft(self) -> dict:
        path = self.home / "drafts" / f"registration--{self.operator}.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))["data"]
        except (OSError, ValueError, KeyError):
            return {}

    async def drafted(self, section: str, field: str, value: str) -> None:
        """Wait until the form's draft holds ``value`` in ``field``: the text reached that field, whole."""
        deadline = time.monotonic() + STEP_TIMEOUT
        got = None
        while time.monotonic() < deadline:
            data = self.draft()
            part = data.get(section)
            got = (part[0] if isinstance(part, list) and part else part or {}).get(field)
            if got == value:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.operator}：{section}.{field} 应为 {value!r}，实际 {got!r}；草稿：{self.draft()}")

    async def fill(self, section: str, field: str, value: str, *, tabs_before: int) -> None:
        for _ in range(tabs_before):
            # (one Tab a second: Tabs 150 ms apart right after the new-person Enter were seen lost in the browser
            # on a busy machine, though textual-serve delivers them; see the issue-15 note)
            await self.key("Tab")
            await asyncio.sleep(1.5)
        await self.ime(value)
        await self.drafted(section, field, value)


async def _register(tab: Tab, url: str, person: str, village: str, summary: str, category: str) -> None:
    await tab.open(url)
    await tab.shows("请登录")  # every tab signs in (issue 12): nothing of the office shows before
    for _attempt in range(3):  # the screen is drawn a moment before its field takes keys (a busy machine)
        await asyncio.sleep(1.0)
        await tab.key("End", *["Backspace"] * 8)
        mark = len(tab.output)
        await tab.ime(tab.operator)
        try:
            await tab.shows(tab.operator, since=mark, timeout=10)
            break
        except AssertionError:
            continue
    await tab.key("Tab")
    await asyncio.sleep(0.5)
    await tab.ime(TAB_PASSWORD)
    mark = len(tab.output)
    await tab.key("Enter")
    await tab.shows("接待人：" + tab.operator, since=mark)  # the home screen names who signed in
    mark = len(tab.output)
    await tab.key("F2")
    await tab.shows("查找信访人", since=mark)
    await tab.ime(person)
    mark = len(tab.output)
    await asyncio.sleep(1.0)  # the live search runs after typing stops
    await tab.key("Enter")  # nobody found: a new person, the typed name carried into 姓名
    await tab.shows("新信访人", since=mark)
    await tab.drafted("person", "name", person)  # the form is filled in and focus has moved to 性别
    await asyncio.sleep(2.0)
    # focus is on 性别 now; the form's order: 身份证号, 联系电话, 所属村, 住址, 来访形式, 来访时间, 来访人数, 代表,
    # 诉求摘要, 问题类别
    await tab.fill("person", "village", village, tabs_before=3)
    await tab.fill("demands", "summary", summary, tabs_before=6)
    await tab.fill("demands", "category", category, tabs_before=1)
    mark = len(tab.output)
    await tab.key("Control+s")
    await tab.shows("登记成功", since=mark)  # the panel that keeps the numbers on screen after saving
    await tab.page.screenshot(path=str(tab.home.parent / f"saved-{tab.operator}.png"))


def _matters(home: Path) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(home / "xfdesk.db") as conn:
        return conn.execute("SELECT m.number, p.name, m.summary, m.category, p.village, c.clerk FROM matter AS m "
                            "JOIN petitioner AS p ON p.id = m.petitioner_id JOIN contact AS c ON c.id = m.contact_id "
                            "ORDER BY m.id").fetchall()


def test_two_browser_tabs_register_at_the_same_time(served_office):
    from playwright.async_api import async_playwright

    home, url = served_office

    async def main() -> None:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                tabs = []
                for operator in ("王芳", "李明"):
                    context = await browser.new_context(viewport={"width": 1000, "height": 620})
                    tabs.append(Tab(await context.new_page(), home, operator))
                await asyncio.gather(
                    _register(tabs[0], url, "赵六", "大畲村", "邻居建房占了我家宅基地，要求镇里协调", "邻里纠纷"),
                    _register(tabs[1], url, "欧阳桂美", "古樟村", "拖欠工资八个月共计一万二千元，讨要无果", "劳动社保"))
            finally:
                await browser.close()

    asyncio.run(main())
    rows = _matters(home)
    assert sorted(r[1:] for r in rows) == sorted([
        ("赵六", "邻居建房占了我家宅基地，要求镇里协调", "邻里纠纷", "大畲村", "王芳"),
        ("欧阳桂美", "拖欠工资八个月共计一万二千元，讨要无果", "劳动社保", "古樟村", "李明")])
    numbers = [r[0] for r in rows]
    assert len(set(numbers)) == 2 and all(re.fullmatch(r"XF-\d{4}-00000[12]", n) for n in numbers)
    for operator in ("王芳", "李明"):
        shot = home.parent / f"saved-{operator}.png"
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    assert not list((home / "drafts").glob("registration--*.json"))  # both forms saved: no draft left


def test_the_page_is_chinese_and_needs_no_internet(served_office):
    import urllib.request

    _home, url = served_office
    page = urllib.request.urlopen(url, timeout=20).read().decode("utf-8")
    assert "信访接待台" in page and "会话已结束" in page
    assert "googleapis" not in page and "https://" not in page
    assert f"ws://{url.split('://')[1]}/ws" in page  # the websocket address the browser used, not 0.0.0.0


def test_a_websocket_from_another_site_is_refused(served_office):
    import urllib.error
    import urllib.request

    _home, url = served_office
    request = urllib.request.Request(url + "/ws", headers={
        "Origin": "http://evil.example", "Connection": "Upgrade", "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="})
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=20)
    assert refused.value.code == 403
