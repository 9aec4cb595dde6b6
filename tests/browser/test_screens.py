"""Every page as a reader sees it, on a desk (1400 px) and on a phone (390 px), in English and in
Russian: a full-page screenshot each, and the text that collides or is cut, found from the
boxes the browser drew.

Strict (the test fails): two different chart labels (tick labels, annotations, legend entries,
text on the traces, titles) whose boxes overlap by more than `OVERLAP_PX` in both directions,
and a heading or metric label cut short (its text wider than its box, which hides the rest).
Reported only (printed, with `-s` or in the failure's output): text elsewhere that is clipped,
and a page wider than the screen (a sideways scroll on a phone), because Streamlit's own
widgets (tables, tabs) do that by design and the call is a reader's, not a box's.

The default run (`make test`) covers every page at both widths in English, and in Russian (the
longer words) the pages with charts or metrics on a phone; `make screens` (COOPTRACK_SCREENS=all)
sweeps every page at both widths in both languages. With COOPTRACK_UPDATE_SCREENSHOTS=1 every
case runs and its screenshot goes to docs/screenshots/<page>-<width>[-ru].png, otherwise to
tests/artifacts/screenshots/.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from math import cos, radians, sin
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize

from browser.conftest import ROOT, SCREENSHOTS, SEED_DIR, compact_png
from browser.test_dashboard import open_page

OVERLAP_PX = 2.0
VIEWPORTS: dict[int, ViewportSize] = {
    1400: {"width": 1400, "height": 1000},
    390: {"width": 390, "height": 844},
}
DOCS_SCREENSHOTS = ROOT / "docs" / "screenshots"
SETTLE_MS = 4_000
MAX_HEIGHT = 12_000
SHOWN = 12  # problems named in a failure's message; all are printed


def _longest(path: Path, column: str) -> str:
    """The id of the record row whose `column` is longest: the hardest case for a layout."""
    with path.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    return max(rows, key=lambda row: (len(row[column]), row["id"]))["id"]


def _busiest_meeting() -> str:
    """The meeting most commitments were made at: its page has the most to show."""
    with (SEED_DIR / "commitments.csv").open(encoding="utf-8", newline="") as source:
        made_at = [row["meeting"] for row in csv.DictReader(source) if row["meeting"]]
    return max(sorted(set(made_at)), key=made_at.count)


SCREENS = {
    "overview": "/",
    "timeline": "/timeline",
    "projects": "/projects",
    "commitments": "/commitments",
    "countries": "/countries",
    "conventions": "/conventions",
    "coverage": "/coverage",
    "brief": "/brief",
    "glossary": "/glossary",
    "commitment": f"/commitment?id={_longest(SEED_DIR / 'commitments.csv', 'text')}",
    "meeting": f"/meeting?id={_busiest_meeting()}",
}
# Russian in the default run: on a phone, the pages with charts or metrics, where longer words
# collide first.
RUSSIAN_DEFAULT = {"overview", "timeline", "projects", "commitments", "countries"}
FULL_SWEEP = os.environ.get("COOPTRACK_SCREENS") == "all"
UPDATE_DOCS = os.environ.get("COOPTRACK_UPDATE_SCREENSHOTS") == "1"


def _cases() -> Iterator[Any]:
    for language in ("en", "ru"):
        for width in VIEWPORTS:
            for name in SCREENS:
                russian = width == 390 and name in RUSSIAN_DEFAULT
                chosen = FULL_SWEEP or language == "en" or russian
                if chosen or UPDATE_DOCS:
                    yield pytest.param(name, width, language, id=f"{name}-{width}-{language}")


# Boxes of the chart texts, per chart, in page coordinates: each text's four corners (rotated
# tick labels are not axis-aligned), its kind (the plotly group it is drawn in), and its text.
CHART_TEXTS_JS = """
() => {
  const LINE_PADDING = 0.15;
  const hidden = (el) => {
    for (let node = el; node && node.nodeType === 1; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden') return true;
      if (parseFloat(style.opacity) === 0) return true;
      if (node === el && parseFloat(style.fillOpacity) === 0) return true;
      if (node.matches('[data-testid="stPlotlyChart"]')) break;
    }
    return false;
  };
  const project = (matrix, x, y) => [
    matrix.a * x + matrix.c * y + matrix.e + window.scrollX,
    matrix.b * x + matrix.d * y + matrix.f + window.scrollY,
  ];
  const corners = (matrix, box) => [
    project(matrix, box.x, box.y), project(matrix, box.x + box.width, box.y),
    project(matrix, box.x + box.width, box.y + box.height),
    project(matrix, box.x, box.y + box.height),
  ];
  // Plotly clips trace texts and legends to a rectangle: a text outside it is not seen.
  const clipped = (el, centre) => {
    for (let node = el.parentElement; node && node.tagName !== 'svg';
         node = node.parentElement) {
      const reference = node.getAttribute('clip-path');
      const found = reference && reference.match(/url\\(["']?#([^"')]+)["']?\\)/);
      const rect = found && document.getElementById(found[1])?.querySelector('rect');
      if (!rect) continue;
      const box = {x: +rect.getAttribute('x') || 0, y: +rect.getAttribute('y') || 0,
        width: +rect.getAttribute('width') || 0, height: +rect.getAttribute('height') || 0};
      const points = corners(node.getScreenCTM(), box);
      const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
      if (centre[0] < Math.min(...xs) || centre[0] > Math.max(...xs) ||
          centre[1] < Math.min(...ys) || centre[1] > Math.max(...ys)) return true;
    }
    return false;
  };
  // The plotly group a text is drawn in, by its class: x2tick, legendtext, annotation-text, …
  const KIND = new RegExp('^([xy][0-9]*tick|legendtext|legendtitletext|annotation-text|textpoint'
    + '|gtitle|g-[xy][0-9]*title|cbtitle|slicetext)$');
  const kindOf = (el) => {
    for (let node = el; node && node.tagName !== 'svg'; node = node.parentElement) {
      const known = [...node.classList].find((name) => KIND.test(name));
      if (known) return known;
    }
    return 'text';
  };
  const charts = [...document.querySelectorAll('[data-testid="stPlotlyChart"]')];
  return charts.map((chart, index) => {
    const frame = chart.querySelector('.main-svg').getBoundingClientRect();
    const texts = [];
    for (const el of chart.querySelectorAll('.main-svg text')) {
      if (el.closest('.hoverlayer')) continue;
      const text = (el.textContent || '').replace(/\\s+/g, ' ').trim();
      if (!text || hidden(el)) continue;
      const line = el.getBBox();
      if (line.width < 0.5 || line.height < 0.5) continue;
      // The box of the line, less the room above and below the letters (the font's line
      // gap and descent): two lines set tight, one under the other, touch but do not collide.
      const pad = line.height * LINE_PADDING;
      const box = {x: line.x, y: line.y + pad, width: line.width, height: line.height - 2 * pad};
      const points = corners(el.getScreenCTM(), box);
      const centre = [(points[0][0] + points[2][0]) / 2, (points[0][1] + points[2][1]) / 2];
      if (clipped(el, centre)) continue;
      texts.push({text, kind: kindOf(el), corners: points});
    }
    return {index, texts, frame: [frame.left + window.scrollX, frame.top + window.scrollY,
      frame.right + window.scrollX, frame.bottom + window.scrollY]};
  });
}
"""

# Text blocks of the page whose content is wider than their box: `cut` when the box hides the
# overflow (what a reader loses), with where it sits; and whether the page scrolls sideways.
PAGE_TEXT_JS = """
() => {
  const STRICT = ['[data-testid="stMetricLabel"]', '[data-testid="stMetricValue"]',
    '[data-testid="stMain"] h1', '[data-testid="stMain"] h2', '[data-testid="stMain"] h3',
    '[data-testid="stHeading"]'];
  const REPORTED = ['[data-testid="stMetricDelta"]', '[data-testid="stTab"]',
    '[data-testid="stWidgetLabel"]', '[data-testid="stCaptionContainer"]',
    '[data-testid="stPageLink"]', '[data-testid="stSidebarNav"] a', 'button'];
  const cutInside = (root) => {
    for (const node of [root, ...root.querySelectorAll('*')]) {
      if (node.closest('[data-testid="stPlotlyChart"], [data-testid="stDataFrame"]')) continue;
      const style = getComputedStyle(node);
      if (style.display === 'none' || style.visibility === 'hidden') continue;
      if (!['hidden', 'clip'].includes(style.overflowX) || node.clientWidth === 0) continue;
      if (node.scrollWidth > node.clientWidth + 1) {
        return {hidden: node.scrollWidth - node.clientWidth, width: node.clientWidth};
      }
    }
    return null;
  };
  const found = (selectors, strict) => {
    const out = [];
    for (const selector of selectors) {
      for (const el of document.querySelectorAll(selector)) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        if (el.closest('[data-testid="stSidebar"][aria-expanded="false"]')) continue;
        const cut = cutInside(el);
        if (cut) out.push({selector, strict, text: el.innerText.trim().slice(0, 120), ...cut});
      }
    }
    return out;
  };
  const scroller = document.scrollingElement;
  return {
    cut: [...found(STRICT, true), ...found(REPORTED, false)],
    pageWidth: Math.max(scroller.scrollWidth,
      ...[...document.querySelectorAll('[data-testid="stMain"]')].map((m) => m.scrollWidth)),
    viewWidth: window.innerWidth,
  };
}
"""

CONTENT_HEIGHT_JS = """
() => Math.max(document.scrollingElement.scrollHeight,
  ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"],'
    + ' [data-testid="stSidebarContent"]')].map((el) => el.scrollHeight))
"""


def _axes(corners: list[list[float]]) -> list[tuple[float, float]]:
    """The two edge directions of a (possibly rotated) box, as unit vectors."""
    axes = []
    for start, end in ((corners[0], corners[1]), (corners[1], corners[2])):
        dx, dy = end[0] - start[0], end[1] - start[1]
        length = (dx * dx + dy * dy) ** 0.5 or 1.0
        axes.append((dx / length, dy / length))
    return axes


def overlap_depth(first: list[list[float]], second: list[list[float]]) -> float:
    """How far two boxes overlap along the axis where they overlap least (separating-axis
    test): above `OVERLAP_PX` they overlap in every direction; zero or less, they are apart."""
    depth = float("inf")
    for axis in _axes(first) + _axes(second):
        one = [p[0] * axis[0] + p[1] * axis[1] for p in first]
        two = [p[0] * axis[0] + p[1] * axis[1] for p in second]
        depth = min(depth, min(max(one), max(two)) - max(min(one), min(two)))
    return depth


def _box(corners: list[list[float]]) -> str:
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    return f"x {min(xs):.0f}–{max(xs):.0f}, y {min(ys):.0f}–{max(ys):.0f}"


def _same_place(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Plotly draws some texts twice at one spot (a label and its measuring copy)."""
    return first["text"] == second["text"] and all(
        abs(a - b) <= 1.0
        for p, q in zip(first["corners"], second["corners"], strict=True)
        for a, b in zip(p, q, strict=True)
    )


def _outside(corners: list[list[float]], frame: list[float]) -> float:
    """How far a text reaches past its chart's edges, where the chart cuts it off."""
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    left, top, right, bottom = frame
    return max(left - min(xs), top - min(ys), max(xs) - right, max(ys) - bottom, 0.0)


def chart_problems(charts: list[dict[str, Any]]) -> list[str]:
    """Every pair of different labels of one chart drawn over each other, and every label
    the chart's edge cuts off, described so the reader can find them on the screenshot."""
    found = []
    for chart in charts:
        texts = chart["texts"]
        for text in texts:
            beyond = _outside(text["corners"], chart["frame"])
            if beyond > OVERLAP_PX:
                found.append(
                    f"chart {chart['index'] + 1}: {text['kind']} «{text['text']}» "
                    f"({_box(text['corners'])}) cut by the chart's edge, {beyond:.0f} px past it"
                )
        for i, first in enumerate(texts):
            for second in texts[i + 1 :]:
                if _same_place(first, second):
                    continue
                depth = overlap_depth(first["corners"], second["corners"])
                if depth > OVERLAP_PX:
                    found.append(
                        f"chart {chart['index'] + 1}: {first['kind']} «{first['text']}» "
                        f"({_box(first['corners'])}) × {second['kind']} «{second['text']}» "
                        f"({_box(second['corners'])}), {depth:.0f} px deep"
                    )
    return found


def settled_chart_texts(page: Page) -> list[dict[str, Any]]:
    """The chart texts once two reads a moment apart agree: plotly lays a chart out again when
    its container's width settles, after the run has ended."""
    previous = page.evaluate(CHART_TEXTS_JS)
    for _ in range(SETTLE_MS // 250):
        page.wait_for_timeout(250)
        current = page.evaluate(CHART_TEXTS_JS)
        if current == previous:
            return list(current)
        previous = current
    return list(previous)


def stretch_to_content(page: Page) -> None:
    """Make the window as tall as the page, so the screenshot holds all of it (Streamlit
    scrolls its main area inside the window, which a full-page capture would cut) and the
    boxes are read from the very layout the screenshot shows (without a scroll bar, the main
    area is wider, and plotly lays its charts out again)."""
    viewport = page.viewport_size
    assert viewport is not None
    for _ in range(3):
        height = min(int(page.evaluate(CONTENT_HEIGHT_JS)), MAX_HEIGHT)
        if height <= viewport["height"]:
            return
        viewport = ViewportSize(width=viewport["width"], height=height)
        page.set_viewport_size(viewport)
        page.wait_for_timeout(200)


def save_screenshot(page: Page, name: str) -> Path:
    """The whole page, where the docs keep it when asked to refresh them, else as an artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    if UPDATE_DOCS:
        DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        compact_png(target, DOCS_SCREENSHOTS / f"{name}.png")
    return target


@pytest.fixture(scope="module")
def contexts(browser: Browser, server: str) -> Iterator[dict[int, BrowserContext]]:
    """One browser per width, at scale 1 (phone screenshots stay small): each test opens a new
    tab, a new Streamlit session, while Streamlit's and Plotly's scripts stay cached."""
    opened = {
        width: browser.new_context(base_url=server, viewport=size, device_scale_factor=1)
        for width, size in VIEWPORTS.items()
    }
    for context in opened.values():
        context.set_default_timeout(20_000)
    yield opened
    for context in opened.values():
        context.close()


@pytest.fixture
def screen_page(
    contexts: dict[int, BrowserContext], request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A fresh visitor (a new tab) at the case's width."""
    opened = contexts[request.node.callspec.params["width"]].new_page()
    yield opened
    opened.close()


@pytest.mark.parametrize(("name", "width", "language"), list(_cases()))
def test_page_reads_without_collisions(
    screen_page: Page, name: str, width: int, language: str
) -> None:
    """Labels drawn over each other cannot be read; a cut heading or metric label loses its
    end. Both are found from the boxes the browser drew, on every page, at both widths."""
    path = SCREENS[name]
    if language != "en":
        path += ("&" if "?" in path else "?") + f"lang={language}"
    open_page(screen_page, path)
    stretch_to_content(screen_page)
    collisions = chart_problems(settled_chart_texts(screen_page))
    text = screen_page.evaluate(PAGE_TEXT_JS)
    suffix = "" if language == "en" else f"-{language}"
    shot = save_screenshot(screen_page, f"{name}-{width}{suffix}")

    where = f"{path} at {width} px"
    cut = [
        f"{'cut' if c['strict'] else 'clipped'}: {c['selector']} «{c['text']}» "
        f"({c['hidden']} px of {c['width']} px hidden)"
        for c in text["cut"]
    ]
    reported = [line for line, c in zip(cut, text["cut"], strict=True) if not c["strict"]]
    if text["pageWidth"] > text["viewWidth"] + 1:
        reported.append(f"page is {text['pageWidth']} px wide in a {text['viewWidth']} px view")
    print()  # after pytest's progress dot, so each line starts with its verdict
    for line in reported:
        print(f"REPORTED {where}: {line}")
    strict = collisions + [line for line, c in zip(cut, text["cut"], strict=True) if c["strict"]]
    for line in strict:
        print(f"FAILED {where}: {line}")
    shown = strict[:SHOWN] + ([f"… and {len(strict) - SHOWN} more"] if len(strict) > SHOWN else [])
    assert not strict, f"{where} ({shot.name}): {len(strict)} problem(s):\n" + "\n".join(shown)


def _label(text: str, x: float, y: float, width: float, height: float, turn: float = 0.0) -> Any:
    """A label's box as the page reports it: corners of a `width`×`height` box at (x, y),
    turned by `turn` degrees about that corner."""
    c, s = cos(radians(turn)), sin(radians(turn))
    local = [(0.0, 0.0), (width, 0.0), (width, height), (0.0, height)]
    corners = [[x + c * u - s * v, y + s * u + c * v] for u, v in local]
    return {"text": text, "kind": "xtick", "corners": corners}


def test_the_detector_tells_touching_from_overlapping_labels() -> None:
    """The checks above are only as good as this: boxes that merely touch, or overlap by
    less than the tolerance, pass; labels drawn over each other (also when turned, as plotly
    turns crowded tick labels) are named; labels turned 45° side by side, whose upright
    bounding boxes would overlap, are not; nor is the same text drawn twice at one spot."""
    frame = [0.0, 0.0, 400.0, 300.0]
    apart = [_label("2019", 10, 10, 30, 14), _label("2020", 41, 10, 30, 14)]
    grazing = [_label("2019", 10, 10, 30, 14), _label("2020", 38.5, 10, 30, 14)]
    over = [_label("2019", 10, 10, 30, 14), _label("2020", 30, 12, 30, 14)]
    turned = [_label("2019", 50, 100, 30, 14, -90), _label("2020", 56, 100, 30, 14, -90)]
    slanted = [_label("2019", 50, 100, 60, 14, -45), _label("2020", 75, 100, 60, 14, -45)]
    twice = [_label("COP26", 10, 10, 40, 14), _label("COP26", 10.5, 10, 40, 14)]
    for fine in (apart, grazing, slanted, twice):
        assert chart_problems([{"index": 0, "texts": fine, "frame": frame}]) == []
    for bad in (over, turned):
        found = chart_problems([{"index": 0, "texts": bad, "frame": frame}])
        assert len(found) == 1
        assert "«2019»" in found[0]
        assert "«2020»" in found[0]
    cut = chart_problems([{"index": 0, "texts": [_label("Title", -20, 5, 80, 14)], "frame": frame}])
    assert cut == [
        "chart 1: xtick «Title» (x -20–60, y 5–19) cut by the chart's edge, 20 px past it"
    ]
