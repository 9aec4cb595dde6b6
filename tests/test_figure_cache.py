"""Charts are built once per record, language, filters and day, and shared by every session:
building a Plotly figure checks every property it sets (most of a warm page run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from test_pages import OpenPage, Params, app  # noqa: F401  (the fixture)

from cooptrack.query import figures
from cooptrack.ui import data


@pytest.fixture(autouse=True)
def no_chart_built_yet() -> None:
    """Every test counts the builds from an empty chart cache (shared by the whole process)."""
    data.figure.clear()


def counted(monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """Calls of `figures.<name>` from now on (the pages import it at every run)."""
    calls: list[int] = []
    original: Callable[..., Any] = getattr(figures, name)

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(figures, name, counting)
    return calls


def chart_spec(at: AppTest) -> str:
    charts = at.get("plotly_chart")
    assert charts, "no chart drawn"
    return str(charts[0].proto.spec)


def test_a_chart_is_built_once_and_shared_by_sessions(
    app: OpenPage,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built = counted(monkeypatch, "timeline_figure")
    first = app("pages/timeline.py", {"convention": "UNFCCC"})
    first.run()  # the same session again
    second = app("pages/timeline.py", {"convention": "UNFCCC"})  # another session
    assert len(built) == 1
    assert chart_spec(second) == chart_spec(first)
    assert "COP26" in chart_spec(first)  # the chart of the filtered meetings


@pytest.mark.parametrize(
    "other",
    [{"convention": "CBD"}, {"convention": "UNFCCC", "lang": "ru"}],
    ids=["other filters", "other language"],
)
def test_other_filters_or_language_draw_another_chart(
    app: OpenPage,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    other: Params,
) -> None:
    built = counted(monkeypatch, "timeline_figure")
    first = app("pages/timeline.py", {"convention": "UNFCCC"})
    changed = app("pages/timeline.py", other)
    assert len(built) == 2
    assert chart_spec(changed) != chart_spec(first)


def test_another_day_draws_another_chart(
    app: OpenPage,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Today's line moves: the day is part of what a chart is drawn from."""
    built = counted(monkeypatch, "per_year_figure")
    app("pages/overview.py", {})
    monkeypatch.setenv("COOPTRACK_TODAY", "2026-11-29")
    app("pages/overview.py", {})
    assert len(built) == 2
