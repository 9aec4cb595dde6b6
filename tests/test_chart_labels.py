"""Chart labels never collide: each drawn label's box is estimated from its text and font size
against the axis span at the plot's width in pixels (the estimator the figures place their
labels with), at 1400 px and on a 390 px phone, and no two boxes on one row overlap. Axes end
near the data (or at today's line when it is near)."""

from __future__ import annotations

import html
import itertools
import random
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import lane_of, timeline_lane_ys

from cooptrack.db.store import Store
from cooptrack.i18n import Language, use_language
from cooptrack.query import figures
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import phases as phase_queries
from cooptrack.query.filters import Filters

TODAY = date(2026, 11, 28)
# The chart's width in Chromium at a 1400 px window (sidebar open) and at a 390 px phone.
CHART_WIDTHS = {"desk": figures.DESK_CHART_PX, "phone": 358.0}
FEW_MONTHS = pd.Timedelta(days=125)

Box = tuple[float, float]


@pytest.fixture(scope="module")
def bundled(bundled_db: Path) -> Iterator[Store]:
    with Store.open(bundled_db) as store:
        yield store


def _anchor(position: str) -> str:
    """Plotly's textposition ("top left", "middle center") as the side the text runs to."""
    return position.rsplit(maxsplit=1)[-1]


def drawn_boxes(figure: go.Figure, chart_px: float) -> dict[tuple[str, str], list[Box]]:
    """Every text label the figure draws on its data, as a box in days on the x axis, per row
    (the y it sits at, and above or below its point)."""
    first, last = (pd.Timestamp(v) for v in figure.layout.xaxis.range)
    span = (last - first) / pd.Timedelta(days=1)
    plot_px = chart_px - figures.SIDE_MARGINS_PX
    rows: dict[tuple[str, str], list[Box]] = {}
    for trace in figure.data:
        if trace.text is None or trace.mode not in {"text", "markers+text"}:
            continue
        positions = trace.textposition
        if isinstance(positions, str):
            positions = [positions] * len(trace.text)
        for x, y, text, position in zip(trace.x, trace.y, trace.text, positions, strict=True):
            if not text:
                continue
            day = (pd.Timestamp(x) - first) / pd.Timedelta(days=1)
            box = figures.label_box(day, text, _anchor(position), span, plot_px)
            rows.setdefault((str(y), position.split()[0]), []).append(box)
    return rows


def overlapping(rows: dict[tuple[str, str], list[Box]]) -> list[tuple[Box, Box]]:
    return [
        (a, b)
        for boxes in rows.values()
        for a, b in itertools.combinations(boxes, 2)
        if figures.boxes_overlap(a, b)
    ]


def outside(figure: go.Figure, rows: dict[tuple[str, str], list[Box]]) -> list[Box]:
    first, last = (pd.Timestamp(v) for v in figure.layout.xaxis.range)
    span = (last - first) / pd.Timedelta(days=1)
    return [b for boxes in rows.values() for b in boxes if b[0] < -1e-6 or b[1] > span + 1e-6]


def test_the_estimator_catches_an_overlap_built_on_purpose() -> None:
    close = figures.label_box(0.0, "UNFCCC COP26", "center", 1000.0, 320.0)
    near = figures.label_box(10.0, "UNFCCC COP26", "center", 1000.0, 320.0)
    far = figures.label_box(400.0, "UNFCCC COP26", "center", 1000.0, 320.0)
    assert figures.boxes_overlap(close, near)
    assert not figures.boxes_overlap(close, far)
    # the same pair is apart on a wide plot: the box is measured against the plot's pixels
    wide = [figures.label_box(d, "UNFCCC COP26", "center", 1000.0, 4000.0) for d in (0, 40)]
    assert not figures.boxes_overlap(*wide)
    # and the checker finds two labels drawn on top of each other in a figure
    figure = go.Figure(
        go.Scatter(
            x=[pd.Timestamp("2020-01-01"), pd.Timestamp("2020-02-01")],
            y=[0, 0],
            mode="text",
            text=["UNFCCC COP26", "CBD COP15"],
            textposition="middle center",
        )
    )
    figure.update_xaxes(range=[pd.Timestamp("2010-01-01"), pd.Timestamp("2027-01-01")])
    assert len(overlapping(drawn_boxes(figure, CHART_WIDTHS["phone"]))) == 1


# The crowded record's conventions and series: COPs of three large conventions (one with its
# protocol) and a few small ones; other meetings of series large and small, or of none.
CODES = ["UNFCCC", "PARIS; UNFCCC", "CBD", "UNCCD", "AARHUS", "ESPOO", "UNECE-WATER", None]
SERIES: dict[str, list[Any]] = {
    "other": ["Central Asia Climate Change Conference", "EU–Central Asia Economic Forum",
              "Consultative Meeting of the Heads of State of Central Asia", "Rare", None, None],
    "cop": ["UNFCCC COP", "Aarhus Convention MOP", None],
}  # fmt: skip


def crowded_meetings(count: int = 300) -> pd.DataFrame:
    """Many meetings with long titles, a few on the same day, over three years, of several
    conventions and series."""
    pick = random.Random(16)
    kinds = ["wgecc-meeting", "cop", "other", "ministerial", "high-level-conference"]
    rows = []
    for index in range(count):
        start = date(2021, 1, 1) + timedelta(days=pick.randrange(0, 3 * 365))
        kind = kinds[index % len(kinds)]
        rows.append(
            {
                "id": f"m-{index}",
                "title": f"Meeting {index} " + "with a long title " * 3,
                "short_title": f"{pick.choice(['UNFCCC COP', 'Very long forum name '])}{index}",
                "kind": kind,
                "ordinal": index if index % 3 else None,
                "series": pick.choice(SERIES.get(kind, [kind, None])),
                "convention_codes": pick.choice(CODES) if kind == "cop" else None,
                "alive_from": pd.Timestamp(start),
                "alive_to": pd.Timestamp(start + timedelta(days=pick.randrange(0, 5))),
                "start_precision": "day" if index % 7 else "month",
                "status": "held",
                "when": str(start),
                "where": "Somewhere",
            }
        )
    return pd.DataFrame(rows)


def the_figures(bundled: Store, language: Language) -> Iterator[tuple[str, go.Figure]]:
    with use_language(language):
        meetings = meeting_queries.meetings_frame(bundled, Filters())
        phases = phase_queries.phases_frame(bundled, Filters())
        crowded = crowded_meetings()
        yield "timeline", figures.timeline_figure(meetings, TODAY)
        yield "gantt", figures.gantt_figure(phases, meetings, TODAY)
        yield "crowded timeline", figures.timeline_figure(crowded, TODAY)
        yield "crowded gantt", figures.gantt_figure(phases, crowded, TODAY)


@pytest.mark.parametrize("language", ["en", "ru"])
def test_no_two_labels_overlap_at_1400_px_or_on_a_phone(bundled: Store, language: Language) -> None:
    for what, figure in the_figures(bundled, language):
        for width, chart_px in CHART_WIDTHS.items():
            rows = drawn_boxes(figure, chart_px)
            assert rows, f"{what}: no labels drawn"
            assert not overlapping(rows), f"{what} at {width}: labels overlap"
            assert not outside(figure, rows), f"{what} at {width}: a label is cut at an end"


def test_every_meeting_is_labelled_or_grouped_once() -> None:
    crowded = crowded_meetings().sort_values("alive_from").reset_index(drop=True)
    days = [(d - crowded.alive_from.min()).days + 30.0 for d in crowded.alive_from]
    texts = list(crowded.short_title)

    def name(members: list[int], limit: int) -> str:
        run = slice(members[0], members[-1] + 1)
        return figures.group_label(texts[run], [None] * len(members), [None] * len(members), limit)

    labels = figures.place_labels(days, name, (0.0, max(days) + 30.0))
    members = [i for label in labels for i in label.members]
    assert members == list(range(len(crowded)))  # each once, in order, groups contiguous
    assert any(len(label.members) > 1 for label in labels)  # crowded: some are grouped
    grouped = next(label for label in labels if len(label.members) > 1)
    assert f"+{len(grouped.members) - 1}" in grouped.text


def lanes_and_labels(figure: go.Figure) -> dict[float, tuple[int, list[Any], list[Any]]]:
    """Each lane (by its y): how many markers it has, and its labels' texts and counts of the
    meetings each names."""
    lane_ys = timeline_lane_ys(figure)
    lanes: dict[float, tuple[int, list[Any], list[Any]]] = {y: (0, [], []) for y in lane_ys}
    for trace in figure.data:
        if trace.mode == "markers" and trace.customdata is not None:
            for y in trace.y:
                count, texts, metas = lanes[lane_of(y, lane_ys)]
                lanes[lane_of(y, lane_ys)] = (count + 1, texts, metas)
        elif trace.mode == "text" and trace.meta is not None:
            for y, text, meta in zip(trace.y, trace.text, trace.meta, strict=True):
                lanes[lane_of(y, lane_ys)][1].append(text)
                lanes[lane_of(y, lane_ys)][2].append(meta)
    return lanes


@pytest.mark.parametrize("language", ["en", "ru"])
def test_every_meeting_of_every_lane_is_labelled_or_grouped_once(
    bundled: Store, language: Language
) -> None:
    for what, figure in the_figures(bundled, language):
        if "timeline" not in what:
            continue
        lanes = lanes_and_labels(figure)
        headings = [a for a in figure.layout.annotations if a.font.size == 13 and a.xshift]
        assert len(lanes) > len(headings)  # some kinds are split
        for count, texts, metas in lanes.values():
            assert count and sum(metas) == count, f"{what}: {texts}"
            assert all(texts)  # every label says something


@pytest.mark.parametrize("language", ["en", "ru"])
def test_split_kinds_keep_a_heading_and_their_lanes_fit_a_phone(
    bundled: Store, language: Language
) -> None:
    """Every lane's name fits one line of a phone's chart (bold text is wider than labels)."""
    bold_em = 0.72  # DejaVu Sans Bold, its widest letters aside
    for what, figure in the_figures(bundled, language):
        if "timeline" not in what:
            continue
        names = [a for a in figure.layout.annotations if a.xref == "paper" and a.xshift]
        parts = [a for a in names if a.font.size == figures.PART_FONT_PX]
        assert parts, f"{what}: no kind is split"
        for name in names:
            width = len(html.unescape(str(name.text))) * name.font.size * bold_em + name.xshift
            assert width <= CHART_WIDTHS["phone"], f"{what}: {name.text!r} is wider than a phone"
        tops = sorted((a.y for a in names), reverse=True)
        gaps = [a - b for a, b in itertools.pairwise(tops)]
        assert min(gaps) >= figures.HEADING_AT - 1e-9  # a heading never sits on a lane's name


def test_a_gantt_group_says_how_many_meetings_it_stands_for(bundled: Store) -> None:
    phases = phase_queries.phases_frame(bundled, Filters())
    figure = figures.gantt_figure(phases, crowded_meetings(), TODAY)
    diamonds = next(t for t in figure.data if t.name == "Meetings")
    assert sum(diamonds.customdata) == 300
    counted = [(n, t) for n, t in zip(diamonds.customdata, diamonds.text, strict=True) if n > 1]
    assert counted and all(t == f"{n} meetings" for n, t in counted)


def axis_end(figure: go.Figure) -> tuple[pd.Timestamp, pd.Timestamp]:
    first, last = figure.layout.xaxis.range
    return pd.Timestamp(first), pd.Timestamp(last)


@pytest.mark.parametrize(
    ("today", "today_shown"), [(TODAY, True), (date(2031, 6, 1), False), (date(2000, 1, 1), False)]
)
def test_the_timeline_axis_ends_near_the_data_or_today(
    bundled: Store, today: date, today_shown: bool
) -> None:
    meetings = meeting_queries.meetings_frame(bundled, Filters())
    figure = figures.timeline_figure(meetings, today)
    start, end = axis_end(figure)
    first, last = pd.Timestamp(meetings.alive_from.min()), pd.Timestamp(meetings.alive_to.max())
    now = pd.Timestamp(today)
    reach = max(last, now) if today_shown else last
    assert pd.Timedelta(0) <= end - reach <= FEW_MONTHS
    assert pd.Timedelta(0) <= first - start <= FEW_MONTHS
    assert (len(figure.layout.shapes) == 1) == today_shown  # today's line only when near


def test_the_gantt_axis_ends_at_the_last_end_or_today_for_an_open_phase(bundled: Store) -> None:
    phases = phase_queries.phases_frame(bundled, Filters())
    meetings = meeting_queries.meetings_frame(bundled, Filters(countries=("CN",)))
    ended = phases[phases.actual_until.notna()]
    figure = figures.gantt_figure(ended, meetings.iloc[0:0], date(2031, 6, 1))
    ends = ended[["planned_until", "actual_until"]].to_numpy().ravel()
    last = max(pd.Timestamp(v) for v in ends if not pd.isna(v))
    assert pd.Timedelta(0) <= axis_end(figure)[1] - last <= FEW_MONTHS
    later = pd.Timestamp(2035, 1, 1)  # far past every recorded end: an open phase runs to it
    assert phases.actual_start.notna().any() and phases.actual_until.isna().any()
    open_ended = figures.gantt_figure(phases, meetings.iloc[0:0], later.date())
    assert pd.Timedelta(0) <= axis_end(open_ended)[1] - later <= FEW_MONTHS


def _phase(project: str, english: str, russian: Any, phase: Any, title: str) -> str:
    return phase_queries.phase_name(english, russian, phase, title)


def test_phases_are_named_by_one_rule_in_both_languages() -> None:
    wecoop = (
        "European Union – Central Asia Water, Environment and Climate Change Cooperation (WECOOP)"
    )
    assert _phase("wecoop", wecoop, None, 3, "WECOOP (phase 3)") == "WECOOP · phase 3"
    assert _phase("gca", "Green Central Asia", None, 1, "x") == "Green Central Asia · phase 1"
    assert _phase("x", "Nexus: Fostering Dialogue", None, 2, "x") == "Nexus · phase 2"
    assert _phase("x", "Unnumbered", None, None, "Its own title") == "Its own title"
    with use_language("ru"):
        named = _phase("wecoop", wecoop, "Сотрудничество (WECOOP)", 3, "WECOOP (третья фаза)")
        green = _phase("gca", "Green Central Asia", "Зелёная Центральная Азия", 1, "x")
        english = _phase("x", "Green Central Asia", None, 1, "x")
    assert named.startswith("WECOOP · ") and named.endswith(" 3") and "phase" not in named
    assert named.count("3") == 1 and "фаза" not in named  # never counted twice
    assert green.startswith("Зелёная Центральная Азия · ")
    assert english.startswith("Green Central Asia [EN] · ")
    row = figures.row_name("Central Asia Nexus Dialogue Project [EN] · этап 1", 40)
    assert len(row) <= 40 and row.endswith(" [EN] · этап 1")


def test_a_cut_label_keeps_its_entities_whole() -> None:
    """Pages write `&` as `&amp;` for Plotly: a cut never leaves half an entity, which Plotly
    would show as typed, and the width counts the one character it shows."""
    cut = figures.short("Env. &amp; water pillar launch", 10)
    assert cut == "Env. &amp; wa…"
    assert figures.label_width_px("&amp;") == figures.label_width_px("&")
