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
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
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


def with_base_script(html: bytes, script: bytes) -> bytes:
    """`html` with `script` first in its head (unchanged if it has no `<head>`)."""
    head = html.find(b"<head>")
    if head < 0:
        return html
    cut = head + len(b"<head>")
    return html[:cut] + script + html[cut:]


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
    """ASGI middleware: the HTML page gets `base_script(pages)` first in its head."""

    def __init__(self, app: ASGIApp, pages: Sequence[str]) -> None:
        self.app = app
        self.script = base_script(pages)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not _asks_for_a_page(scope):
            await self.app(scope, receive, send)
            return
        # The page is small: asked for uncompressed, so it can be edited here.
        headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"accept-encoding"]
        await self.app({**scope, "headers": headers}, receive, _Editing(send, self.script))


class _Editing:
    """Holds back an HTML response until its body is whole, then sends it with the script."""

    def __init__(self, send: Send, script: bytes) -> None:
        self.send, self.script = send, script
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
            body = with_base_script(self.body, self.script)
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
