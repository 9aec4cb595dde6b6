"""The middleware that tells Streamlit's page where its server is, on a deep link."""

from __future__ import annotations

import gzip
from pathlib import Path
from typing import Any

import pytest
from conftest import in_a_thread_of_its_own
from hypothesis import given
from hypothesis import strategies as st

from cooptrack.ui.deep_links import DeepLinkBase, base_script, edited, modules_needed, preload_links

PAGE = b"<!DOCTYPE html>\n<html><head><title>x</title></head><body><div></div></body></html>"
SCRIPT = base_script(["timeline", "commitments"])
LINKS = preload_links(["PlotlyChart.x1.js"])


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
    in_a_thread_of_its_own(middleware(scope, receive, send))
    headers = dict(sent[0]["headers"])
    return headers, b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize("chunks", [1, 3])
@pytest.mark.parametrize("path", ["/", "/timeline", "/app/commitments/", "/unknown"])
def test_the_html_page_gets_the_script_first_in_its_head(path: str, chunks: int) -> None:
    app, seen = _serve(PAGE, b"text/html; charset=utf-8", chunks)
    headers, body = _get(
        DeepLinkBase(app, ["timeline", "commitments"], ["PlotlyChart.x1.js"]), path
    )
    assert body == PAGE.replace(b"<head>", b"<head>" + SCRIPT).replace(
        b"</body>", LINKS + b"</body>"
    )
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


@given(st.binary(max_size=300) | st.sampled_from([PAGE, b"<head></head>", b"<body></body>"]))
def test_only_a_head_and_a_body_are_edited(html: bytes) -> None:
    page = edited(html, SCRIPT, LINKS)
    assert page.replace(SCRIPT, b"", 1).replace(LINKS, b"", 1) == html
    if b"<head>" in html:
        assert page.index(SCRIPT) == html.index(b"<head>") + len(b"<head>")
    else:
        assert SCRIPT not in page
    if b"</body>" in html:
        assert page.rindex(LINKS) + len(LINKS) == page.rindex(b"</body>")
    else:
        assert LINKS not in page


def test_preloaded_scripts_come_with_all_they_import_once(tmp_path: Path) -> None:
    (tmp_path / "PlotlyChart.a1.js").write_bytes(
        b'import{o as e}from"./rt.js";import"./src.js";const x=import("./lazy.js");'
    )
    (tmp_path / "rt.js").write_bytes(b'import{a}from"./deep.js";')
    (tmp_path / "deep.js").write_bytes(b'import{a}from"./rt.js";')  # a cycle
    (tmp_path / "src.js").write_bytes(b"")
    (tmp_path / "lazy.js").write_bytes(b"")
    (tmp_path / "Other.b2.js").write_bytes(b"")
    needed = modules_needed(tmp_path, ["PlotlyChart."], known=["src.js"])
    assert needed == ["PlotlyChart.a1.js", "rt.js", "deep.js"]  # dynamic imports stay lazy


def test_page_names_cannot_close_the_script() -> None:
    assert b"</script>" not in base_script(["</script><b>"])[: -len(b"</script>")]
