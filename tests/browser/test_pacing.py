"""A shared link's first run in a real browser: the server sends the page's heading, then its
first chart, each on its own before the rest (`cooptrack.ui.pacing`), so the browser draws
them without waiting for the sidebar and the rest of the page."""

from __future__ import annotations

import time

from playwright.sync_api import Page, WebSocket

PAUSE_SEEN_S = 0.05  # the server pauses 0.1 s; frames on loopback arrive well within that


def test_heading_then_first_chart_then_the_rest(page: Page) -> None:
    frames: list[tuple[float, bytes]] = []

    def listen(socket: WebSocket) -> None:
        def received(payload: str | bytes) -> None:
            data = payload if isinstance(payload, bytes) else payload.encode()
            frames.append((time.perf_counter(), data))

        socket.on("framereceived", received)

    page.on("websocket", listen)
    page.goto("/timeline?convention=UNFCCC")
    main = page.locator('[data-testid="stMain"]')
    main.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(state="visible")
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()
    heading = next(i for i, (_, data) in enumerate(frames) if b"Timeline of meetings" in data)
    chart = next(i for i, (_, data) in enumerate(frames) if b'"data":[' in data)
    sidebar = next(i for i, (_, data) in enumerate(frames) if b"Clear filters" in data)
    assert heading < chart < sidebar
    after_heading = frames[heading + 1][0] - frames[heading][0]
    after_chart = frames[chart + 1][0] - frames[chart][0]
    assert after_heading >= PAUSE_SEEN_S, f"{after_heading:.3f} s"
    assert after_chart >= PAUSE_SEEN_S, f"{after_chart:.3f} s"
