"""The middleware that tells Streamlit's page where its server is, on a deep link."""

from __future__ import annotations

import asyncio
import gzip
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooptrack.ui.deep_links import DeepLinkBase, base_script, with_base_script

PAGE = b"<!DOCTYPE html>\n<html>\n  <head>\n    <title>x</title>\n  </head><body></body></html>"
SCRIPT = base_script(["timeline", "commitments"])


def _serve(body: bytes, content_type: bytes, chunks: int = 1) -> Any:
    """A fake inner app answering every request with `body` in `chunks` parts, and the
    request headers it was asked with."""
    seen: dict[str, Any] = {}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        seen["headers"] = dict(scope["headers"])
        headers = [(b"content-type", content_type), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        size = -(-len(body) // chunks) or 1
        parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
        for number, part in enumerate(parts):
            more = number < len(parts) - 1
            await send({"type": "http.response.body", "body": part, "more_body": more})

    return app, seen


def _get(
    middleware: DeepLinkBase, path: str, method: str = "GET"
) -> tuple[dict[bytes, bytes], bytes]:
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "headers": [(b"accept-encoding", b"gzip"), (b"host", b"x")],
    }
    asyncio.run(middleware(scope, receive, send))
    headers = dict(sent[0]["headers"])
    return headers, b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize("chunks", [1, 3])
@pytest.mark.parametrize("path", ["/", "/timeline", "/app/commitments/", "/unknown"])
def test_the_html_page_gets_the_script_first_in_its_head(path: str, chunks: int) -> None:
    app, seen = _serve(PAGE, b"text/html; charset=utf-8", chunks)
    headers, body = _get(DeepLinkBase(app, ["timeline", "commitments"]), path)
    assert body == PAGE.replace(b"<head>", b"<head>" + SCRIPT)
    assert int(headers[b"content-length"]) == len(body)
    assert b"accept-encoding" not in seen["headers"]  # asked uncompressed, to be edited


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/static/js/index.js", "GET"),
        ("/_stcore/health", "GET"),
        ("/timeline/_stcore/host-config", "GET"),
        ("/favicon.png", "GET"),
        ("/timeline", "HEAD"),
        ("/timeline", "POST"),
    ],
)
def test_everything_else_passes_through_untouched(path: str, method: str) -> None:
    body = gzip.compress(b"x" * 100)
    app, seen = _serve(body, b"text/html")
    _, received = _get(DeepLinkBase(app, ["timeline"]), path, method)
    assert received == body
    assert seen["headers"][b"accept-encoding"] == b"gzip"


def test_a_page_answered_with_something_else_than_html_is_not_edited() -> None:
    app, _ = _serve(b'{"a": 1}', b"application/json")
    _, body = _get(DeepLinkBase(app, ["timeline"]), "/timeline")
    assert body == b'{"a": 1}'


@given(st.binary(max_size=300))
def test_only_a_head_is_edited(html: bytes) -> None:
    edited = with_base_script(html, SCRIPT)
    if b"<head>" in html:
        assert edited.replace(SCRIPT, b"", 1) == html
        assert edited.index(SCRIPT) == html.index(b"<head>") + len(b"<head>")
    else:
        assert edited == html


def test_page_names_cannot_close_the_script() -> None:
    assert b"</script>" not in base_script(["</script><b>"])[: -len(b"</script>")]
