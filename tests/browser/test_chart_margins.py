"""The charts' margins are computed, not measured by Plotly (`figures.margins`): drawn in
Chromium with the counts and names that make labels widest (a million per bar, the longest
Russian names, one meeting), at a phone's and a desk's width, no label may be cut by the
chart's edge or drawn over another. The pages' own charts at the bundled data are checked the
same way in `test_screens`; these are the extremes that data does not reach.

Each figure is drawn as the dashboard draws it: Plotly's own script, Streamlit's theme
template, the figure's JSON, in a box of the chart's width.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import plotly
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from playwright.sync_api import Browser, Page
from streamlit.elements.lib.streamlit_plotly_theme import configure_streamlit_plotly_theme

from browser.test_screens import CHART_TEXTS_JS, chart_problems
from cooptrack import i18n
from cooptrack.db.schema import MEETING_KINDS
from cooptrack.query.figures import STATUS_COLOURS, density_figure, per_year_figure
from cooptrack.query.status_charts import STATUS_ORDER, by_size, status_bars

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
CHART_WIDTHS = (358, 940)  # a 390 px phone's chart, and a desk's with the sidebar open
TODAY = date(2026, 12, 1)
LARGEST = (1, 9, 99_999, 2_500_000)  # counts per bar: each adds a digit or a separator
LONG_NAMES = (
    "UNECE Water Convention",
    "Конвенция ООН по борьбе с опустыниванием",
    "все остальные (12 конвенций)",
    "CBD",
)


def density(largest: int) -> pd.DataFrame:
    """Meetings per quarter over 20 years, every kind, the busiest quarter `largest` high."""
    quarters = pd.date_range("2007-01-01", "2026-10-01", freq="QS")
    rows = [
        {"quarter": q, "kind": kind, "meetings": max(1, largest * (i % 7 + 1) // 7 // 2)}
        for i, q in enumerate(quarters)
        for kind in MEETING_KINDS[:2]
    ]
    return pd.DataFrame(rows)


def per_year(largest: int) -> pd.DataFrame:
    """Meetings by kind and commitments by status per year, the tallest bar about `largest`."""
    rows = [
        {"year": year, "what": what, "key": key, "count": max(1, largest // len(keys))}
        for year in range(2005, 2027)
        for what, keys in (("meetings", MEETING_KINDS), ("commitments", tuple(STATUS_COLOURS)))
        for key in keys
    ]
    return pd.DataFrame(rows)


def status_counts(largest: int, labels: tuple[str, ...]) -> pd.DataFrame:
    """Commitments per label and status, the first label's bar `largest` long."""
    rows = [
        {"label": label, "status": status, "commitments": max(1, largest // (i + 1) // 6)}
        for i, label in enumerate(labels)
        for status in STATUS_ORDER
    ]
    return pd.DataFrame(rows)


FIGURES: dict[str, Callable[[int], go.Figure]] = {
    "meetings per quarter": lambda n: density_figure(density(n), TODAY),
    "per year": lambda n: per_year_figure(per_year(n), TODAY),
    "status by convention": lambda n: status_bars(
        status_counts(n, LONG_NAMES), "By convention", by_size(status_counts(n, LONG_NAMES))
    ),
    "status by year": lambda n: status_bars(
        status_counts(n, tuple(map(str, range(1995, 2027)))),
        "By year",
        [str(y) for y in range(1995, 2027)],
    ),
}


@pytest.fixture(scope="module")
def chart_page(browser: Browser, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    """A page with Plotly loaded and one chart box, drawn into again for every case."""
    folder = tmp_path_factory.mktemp("charts")
    (folder / "page.html").write_text(
        '<html><body style="margin:0"><div data-testid="stPlotlyChart" id="chart"></div>'
        f'<script src="{PLOTLY_JS.as_uri()}"></script></body></html>'
    )
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    opened = context.new_page()
    opened.goto((folder / "page.html").as_uri())
    opened.wait_for_function("window.Plotly !== undefined")
    yield opened
    context.close()


def themed_json(figure: go.Figure) -> str:
    """The figure as Streamlit sends it with its theme: the theme's template underneath."""
    configure_streamlit_plotly_theme()
    return str(figure.update_layout(template=pio.templates["streamlit"]).to_json())


def draw(page: Page, figure: go.Figure, width: int) -> list[str]:
    """Draw `figure` `width` px wide and name every label cut or drawn over another."""
    page.evaluate(
        """async ([spec, width]) => {
             const box = document.getElementById('chart');
             box.style.width = width + 'px';
             Plotly.purge(box);
             const figure = JSON.parse(spec);
             await Plotly.newPlot(box, figure.data, figure.layout, {displayModeBar: false});
           }""",
        [themed_json(figure), width],
    )
    return chart_problems(page.evaluate(CHART_TEXTS_JS))


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("name", list(FIGURES))
def test_computed_margins_hold_the_widest_labels(
    chart_page: Page, name: str, language: str
) -> None:
    problems = []
    with i18n.use_language(language):  # type: ignore[arg-type]
        for largest in LARGEST:
            figure = FIGURES[name](largest)
            for width in CHART_WIDTHS:
                found = draw(chart_page, figure, width)
                problems += [f"{largest:,} at {width} px: {p}" for p in found]
    assert not problems, f"{name} ({language}):\n" + "\n".join(problems[:12])


def test_the_check_finds_a_label_the_margin_cuts(chart_page: Page) -> None:
    """Without its computed left margin, a chart of a million per bar loses its tick labels:
    so the test above could fail."""
    figure = FIGURES["meetings per quarter"](2_500_000)
    figure.update_layout(margin={"l": 10})
    found = draw(chart_page, figure, CHART_WIDTHS[0])
    assert any("cut by the chart's edge" in line and "ytick" in line for line in found), found
    assert json.loads(themed_json(figure))["layout"]["yaxis"]["automargin"] is False


PLOT_HEIGHTS_JS = """
() => [...document.querySelectorAll('#chart .bglayer .bg')]
        .map((plot) => plot.getBoundingClientRect().height)
"""
SHORTEST_PLOT_PX = 140  # each of the Overview's two charts, whatever its legend takes


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_overview_legend_leaves_both_charts_their_height(
    chart_page: Page, language: str
) -> None:
    """The legend under the Overview's charts names every kind and every status (the record
    at a million has them all); on a phone its two groups stack, and a figure of fixed height
    squeezed each chart to ~100 px. The figure grows with what its legend may take."""
    with i18n.use_language(language):  # type: ignore[arg-type]
        figure = FIGURES["per year"](2_500_000)
    for width in CHART_WIDTHS:
        draw(chart_page, figure, width)
        heights = chart_page.evaluate(PLOT_HEIGHTS_JS)
        assert len(heights) == 2
        assert min(heights) >= SHORTEST_PLOT_PX, (width, heights)
