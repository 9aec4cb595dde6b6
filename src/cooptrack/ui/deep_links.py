"""Deep links that connect at once: tells Streamlit's page where its server is.

Opened at `/timeline?country=KZ`, Streamlit's page does not know whether `timeline` is a page
or the path the app is served under, so it first asks `/timeline/_stcore/health`, waits for
that to fail, and only then asks `/_stcore/health`: about a tenth of a second before any data
comes, on every shared link. Streamlit reads where its server is from `window.__streamlit`
when a host page sets it (`BACKEND_BASE_URL`); this ASGI middleware adds a small script to the
HTML page that sets it to the link's path without its last segment, when that segment is one
of the dashboard's pages. Worked out in the browser, so it stays right behind a reverse proxy
that serves the dashboard under a prefix of its own. Everything else passes through untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, Collection, MutableMapping, Sequence
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Where asking the server with the page's name as its path would be in vain.
_SCRIPT = (
    "<script>(function(){{var pages={pages};"
    'var path=location.pathname.replace(/\\/+$/,"");var cut=path.lastIndexOf("/");'
    "if(pages.indexOf(decodeURIComponent(path.slice(cut+1)))<0)return;"
    "var host=window.__streamlit=window.__streamlit||{{}};"
    "if(!host.BACKEND_BASE_URL)host.BACKEND_BASE_URL=location.origin+path.slice(0,cut+1);"
    "}})();</script>"
)


def base_script(pages: Sequence[str]) -> bytes:
    """The script that names the server's base URL on a page's link (tested in a browser)."""
    listed = json.dumps(list(pages)).replace("<", "\\u003c")
    return _SCRIPT.format(pages=listed).encode()


# Added once the page is idle, i.e. once Streamlit's own scripts have run and the page waits
# for the server: linked from the start, they slowed the heading down by 0.1–0.3 s.
_PRELOAD = (
    "<script>(function(){{function preload(){{{names}.forEach(function(name){{"
    'var link=document.createElement("link");link.rel="modulepreload";link.crossOrigin="";'
    'link.href="./static/js/"+name;document.head.appendChild(link);}});}}'
    "(window.requestIdleCallback||setTimeout)(preload);}})();</script>"
)


def preload_links(names: Sequence[str]) -> bytes:
    """A script that preloads Streamlit's scripts `names` once the page is idle."""
    if not names:
        return b""
    return _PRELOAD.format(names=json.dumps(list(names)).replace("<", "\\u003c")).encode()


_IMPORTED = re.compile(rb'(?:from|import)\s*"\./([A-Za-z0-9_.~-]+\.js)"')


def modules_needed(folder: Path, roots: Sequence[str], known: Collection[str] = ()) -> list[str]:
    """The scripts in `folder` whose names start with one of `roots` ("PlotlyChart."), and
    every script they import, in import order, leaving out `known` ones (those Streamlit's
    page asks for anyway)."""
    found: list[str] = []
    waiting = [p.name for root in roots for p in sorted(folder.glob(f"{root}*.js"))]
    while waiting:
        name = waiting.pop(0)
        if name in found or name in known or not (folder / name).is_file():
            continue
        found.append(name)
        imported = _IMPORTED.findall((folder / name).read_bytes())
        waiting.extend(n.decode() for n in imported)
    return found


def edited(page: bytes, first: bytes, last: bytes = b"") -> bytes:
    """`page` with `first` first in its head and `last` last in its body (each left out when
    the page has no such element)."""
    head = page.find(b"<head>")
    if head >= 0:
        cut = head + len(b"<head>")
        page = page[:cut] + first + page[cut:]
    end = page.rfind(b"</body>")
    if end >= 0 and last:
        page = page[:end] + last + page[end:]
    return page


def _asks_for_a_page(scope: Scope) -> bool:
    """A GET of a path without a file extension outside Streamlit's own routes: what the
    server answers with its HTML page."""
    path: str = scope.get("path", "")
    last = path.rstrip("/").rsplit("/", 1)[-1]
    return (
        scope.get("type") == "http"
        and scope.get("method") == "GET"
        and "/_stcore/" not in path
        and "/static/" not in path
        and "." not in last
    )


class DeepLinkBase:
    """ASGI middleware: the HTML page gets `base_script(pages)` and the `style` sheet first
    in its head, and `preload_links(preload)` last in its body."""

    def __init__(
        self, app: ASGIApp, pages: Sequence[str], preload: Sequence[str] = (), style: str = ""
    ) -> None:
        self.app = app
        sheet = f"<style>{style}</style>".encode() if style else b""
        self.first, self.last = base_script(pages) + sheet, preload_links(preload)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _asks_for_a_page(scope):
            await self.app(scope, receive, send)
            return
        # The page is small: asked for uncompressed, so it can be edited here.
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        editing = _Editing(send, self.first, self.last)
        await self.app({**scope, "headers": headers}, receive, editing)


class _Editing:
    """Holds back an HTML response until its body is whole, then sends it edited."""

    def __init__(self, send: Send, first: bytes, last: bytes) -> None:
        self.send, self.first, self.last = send, first, last
        self.start: Message | None = None
        self.body = b""

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            if _is_html(message):
                self.start = message
                return
        elif message["type"] == "http.response.body" and self.start is not None:
            self.body += message.get("body", b"")
            if message.get("more_body", False):
                return
            body = edited(self.body, self.first, self.last)
            headers = [(k, v) for k, v in self.start["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await self.send({**self.start, "headers": headers})
            await self.send({"type": "http.response.body", "body": body, "more_body": False})
            return
        await self.send(message)


def _is_html(start: Message) -> bool:
    for key, value in start.get("headers", []):
        if key.lower() == b"content-type":
            return bytes(value).lower().startswith(b"text/html")
    return False
