"""``xfdesk serve``: the desk in a browser, for the other PCs of the office (textual-serve).

Each browser tab that opens the page gets its own desk process on this PC, started exactly like ``xfdesk --home HOME``
in a terminal: next to the local SQLite file, so WAL and the gap-free counters work as they do for local desks, and
the other PCs need nothing installed but a browser. Closing the tab ends its process (an unsaved form stays in the
draft folder, as after a crash).

What this module adds to textual-serve's server:

* it listens on 127.0.0.1 unless told otherwise (``--host``); the page and its websocket address come from the
  address the browser used (textual-serve would write ``ws://0.0.0.0:…`` into the page when bound to all addresses);
* the websocket is only opened from this server's own page (the Origin must be the Host): any other web page the clerk
  visits could otherwise drive a desk through the browser;
* at most ``max_sessions`` desks at once (each is a Python process of about 130 MB on the host PC);
* a Chinese page without web fonts (the office intranet has no internet), and Chinese lines on the console.

Behind TLS (a reverse proxy) the proxy sets ``X-Forwarded-Proto: https`` and the page then uses ``wss://``.
See ``docs/serve.md``.
"""

from __future__ import annotations

import ipaddress
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_MAX_SESSIONS = 6
TITLE = "信访接待台"
TEMPLATES_DIR = Path(__file__).resolve().parent / "serve_templates"
ENV_SERVED = "XFDESK_SERVED"  # set in every desk process started by the server (the desk runs in a browser tab)


def desk_command(home: Path) -> str:
    """The shell command textual-serve runs for each tab: this same program on the same data folder."""
    if getattr(sys, "frozen", False):  # the Windows bundle: the executable is the program
        argv = [sys.executable, "--home", str(home)]
    else:
        argv = [sys.executable, "-m", "xfdesk", "--home", str(home)]
    if os.name == "nt":
        return subprocess.list2cmdline(argv)
    import shlex

    return shlex.join(argv)


def is_loopback(host: str) -> bool:
    """Only this PC can reach an address like 127.0.0.1 or localhost ("" and 0.0.0.0 mean every network card)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_server(home: Path, *, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT,
                max_sessions: int = DEFAULT_MAX_SESSIONS):  # noqa: ANN201
    """The textual-serve server for this office (imported here: only ``xfdesk serve`` needs aiohttp)."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server

    import textual_serve

    statics = Path(textual_serve.__file__).resolve().parent / "static"

    class DeskServer(Server):
        def __init__(self) -> None:
            super().__init__(desk_command(home), host=host, port=port, title=TITLE, statics_path=statics,
                             templates_path=TEMPLATES_DIR)
            self.max_sessions = max_sessions
            self.sessions = 0

        async def on_startup(self, app: web.Application) -> None:
            shown = "本机" if is_loopback(host) else "局域网"
            self.console.print(f"信访接待台已在{shown}开放：{self.public_url}", highlight=False, markup=False)
            self.console.print(f"数据文件夹：{home}；最多同时 {self.max_sessions} 个浏览器接待台；按 Ctrl+C 停止",
                               highlight=False, markup=False)

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            base = page_base(request.headers.get("X-Forwarded-Proto") or request.scheme, request.host)
            router = request.app.router
            ws = base.replace("http", "ws", 1) + str(router["websocket"].url_for())
            return {"font_size": _int(request.query.get("fontsize"), 16), "app_websocket_url": ws,
                    "config": {"static": {"url": base + str(router["static"].url_for(filename="/")).rstrip("/")
                                          + "/"}},
                    "application": {"name": TITLE}}

        async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
            if not same_origin(request.headers.get("Origin"), request.host):
                return web.Response(status=403, text="只能从接待台页面打开", content_type="text/plain",
                                    charset="utf-8")
            if self.sessions >= self.max_sessions:
                return web.Response(status=503, text=f"已有 {self.sessions} 个浏览器接待台，请先关闭不用的页面",
                                    content_type="text/plain", charset="utf-8")
            self.sessions += 1
            try:
                return await super().handle_websocket(request)
            finally:
                self.sessions -= 1

    os.environ[ENV_SERVED] = "1"  # textual-serve copies this process's environment into every desk
    return DeskServer()


def page_base(scheme: str, host: str) -> str:
    """``http://host:port`` as the browser addressed this server (the Host header), so the same page works from
    every PC whatever address it used; ``https`` behind a TLS proxy."""
    scheme = "https" if scheme.split(",")[0].strip().lower() == "https" else "http"
    return f"{scheme}://{host}"


def same_origin(origin: str | None, host: str) -> bool:
    """A websocket from this server's own page: its Origin names the same host and port the request went to.
    (Browsers always send Origin on websocket requests; a missing one is a non-browser client, refused too.)"""
    if not origin:
        return False
    return urlsplit(origin).netloc.lower() == (host or "").lower()


def _int(value: str | None, default: int) -> int:
    try:
        return max(8, min(40, int(value))) if value else default
    except ValueError:
        return default
