"""A browser's first run pauses after the heading and after the first chart (so each is drawn
on its own first); later runs, and runs with no browser, never pause."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import new_app, page_path

from cooptrack.ui import pacing

FirstVisit = Callable[[str], AppTest]


@pytest.fixture
def pauses(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    taken: list[float] = []
    monkeypatch.setattr(pacing, "_wait", taken.append)
    return taken


@pytest.fixture
def first_visit(bundled_db: Path, monkeypatch: pytest.MonkeyPatch) -> FirstVisit:
    """A new session whose first run draws `page` (as a shared link to it opens)."""
    monkeypatch.setenv("COOPTRACK_DB", str(bundled_db))

    def visit(page: str) -> AppTest:
        at = new_app()
        at.switch_page(page_path(page))
        return at.run()

    return visit


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        ("pages/timeline.py", [pacing.HEADING_PAUSE_S, pacing.CHART_PAUSE_S]),
        ("pages/commitments.py", [pacing.HEADING_PAUSE_S, pacing.CHART_PAUSE_S]),  # two charts
        ("pages/glossary.py", [pacing.HEADING_PAUSE_S]),  # no chart
    ],
)
def test_a_browsers_first_run_pauses_after_heading_and_first_chart(
    first_visit: FirstVisit,
    monkeypatch: pytest.MonkeyPatch,
    pauses: list[float],
    page: str,
    expected: list[float],
) -> None:
    monkeypatch.setattr(pacing, "_in_a_browser", lambda: True)
    at = first_visit(page)
    assert not at.exception
    assert pauses == expected
    at.run()  # a later run of the same session: drawn already
    assert pauses == expected


def test_without_a_browser_nothing_pauses(first_visit: FirstVisit, pauses: list[float]) -> None:
    at = first_visit("pages/timeline.py")  # AppTest: no browser asked for it
    assert at.title and pauses == []
