"""Figures are built from frames alone: check what a reader will see in them."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest
from conftest import SEED_DIR, lane_of, timeline_lane_ys

from cooptrack.db.schema import MEETING_KIND_LABELS, MEETING_KINDS
from cooptrack.db.store import Store
from cooptrack.i18n import Language, use_language
from cooptrack.query import codes as codes_module
from cooptrack.query import commitments as commitment_queries
from cooptrack.query import figures
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import phases as phase_queries
from cooptrack.query.filters import Filters
from cooptrack.query.status_charts import by_size, status_bars

TODAY = date(2026, 11, 28)


@pytest.fixture
def bundled(bundled_db: Path) -> Iterator[Store]:
    with Store.open(bundled_db) as store:
        yield store


def marker_traces(figure: go.Figure) -> list[Any]:
    """The traces of meetings (the lanes' markers, which carry each meeting's id)."""
    return [t for t in figure.data if t.mode == "markers" and t.customdata is not None]


def lane_names(figure: go.Figure) -> list[str]:
    """The names beside the lanes, top down: each kind's (after its coloured dot) and, under a
    split kind's, the name of each of its lanes."""
    return [str(a.text) for a in figure.layout.annotations if a.xref == "paper" and a.xshift]


def kind_headings(figure: go.Figure) -> list[str]:
    return [
        str(a.text)
        for a in figure.layout.annotations
        if a.xref == "paper" and a.xshift and a.font.size == 13
    ]


def lanes_drawn(figure: go.Figure) -> dict[str, list[str]]:
    """Each split lane's name and the ids of the meetings drawn on it (a lane's markers sit on
    its line, or a dodge off it; its name is half a lane above)."""
    parts = {
        round(a.y - figures.LANE_NAME_AT, 6): str(a.text)
        for a in figure.layout.annotations
        if a.xshift and a.font.size == 12
    }
    named = {name: float(y) for y, name in parts.items()}
    lane_ys = timeline_lane_ys(figure)
    drawn: dict[str, list[str]] = {name: [] for name in named}
    for trace in marker_traces(figure):
        for y, row in zip(trace.y, trace.customdata, strict=True):
            lane = lane_of(y, lane_ys)
            for name, at in named.items():
                if abs(at - lane) < 1e-6:
                    drawn[name].append(row[0])
    return drawn


def test_the_timeline_names_each_kind_in_a_heading_and_draws_each_meeting_once(
    bundled: Store,
) -> None:
    meetings = meeting_queries.meetings_frame(bundled, Filters())
    figure = figures.timeline_figure(meetings, TODAY)
    kinds = [k for k in MEETING_KINDS if k in set(meetings.kind)]
    assert kind_headings(figure) == [MEETING_KIND_LABELS[k] for k in kinds]
    assert not [t for t in figure.data if t.showlegend is not False]  # the headings say it
    assert figure.layout.showlegend is False
    dots = [a for a in figure.layout.annotations if a.text == "●"]
    assert [a.font.color for a in dots] == [figures.KIND_COLOURS[k] for k in kinds]
    drawn = [i for t in marker_traces(figure) for i in (row[0] for row in t.customdata)]
    assert sorted(drawn) == sorted(meetings.id)  # each meeting on one lane, once
    assert len(marker_traces(figure)) == 1  # one trace for them all: drawn in one go
    colours = dict(zip(drawn, marker_traces(figure)[0].marker.color, strict=True))
    kind_of = dict(zip(meetings.id, meetings.kind, strict=True))
    assert all(colours[i] == figures.KIND_COLOURS[kind_of[i]] for i in drawn)
    assert figure.layout.hovermode == "closest"


def test_cops_get_a_lane_per_convention_of_a_few_sessions(bundled: Store) -> None:
    meetings = meeting_queries.meetings_frame(bundled, Filters())
    figure = figures.timeline_figure(meetings, TODAY)
    lanes = lanes_drawn(figure)
    codes = dict(zip(meetings.id, meetings.convention_codes.fillna(""), strict=True))
    names = lane_names(figure)
    cops = names[names.index("COP / meeting of parties") + 1 : names.index("Ministerial")]
    own = [name for name in cops if name != "other conventions"]
    held = pd.read_csv(SEED_DIR / "conventions.csv").code
    named = {codes_module.convention_short_name(code): code for code in held}
    assert cops[:3] == ["UNFCCC", "CBD", "UNCCD"]  # the largest first
    assert {"Aarhus Convention", "Espoo Convention", "Water Convention"} <= set(own)
    assert all(name in named for name in own)  # named as readers call them, not by code
    assert len(own) <= figures.PARTS_PER_KIND
    sizes = [len(lanes[name]) for name in own]
    assert sizes == sorted(sizes, reverse=True) and min(sizes) >= figures.PART_FROM
    for name in own:
        assert all(named[name] in codes[i].split("; ") for i in lanes[name])
    assert sum(len(lanes[c]) for c in cops) == (meetings.kind == "cop").sum()


def test_other_meetings_get_a_lane_per_series_of_a_few(bundled: Store) -> None:
    meetings = meeting_queries.meetings_frame(bundled, Filters())
    figure = figures.timeline_figure(meetings, TODAY)
    lanes = lanes_drawn(figure)
    others = meetings[meetings.kind == "other"]
    sizes = others.series.value_counts()
    kept = [s for s in sizes.index if sizes[s] >= figures.PART_FROM][: figures.PARTS_PER_KIND]
    split = [figures.cut_at_word(s, figures.PART_CHARS) for s in kept]
    assert len(split) > 3 and all(name in lanes for name in split)
    series = dict(zip(others.id, others.series, strict=True))
    for name, size in zip(split, sizes.iloc[: len(split)], strict=True):
        assert len(lanes[name]) == size
        assert len({series[i] for i in lanes[name]}) == 1
    rest = lanes["other meetings"]
    assert all(series[i] not in kept for i in rest)  # one-off meetings, or of no series
    assert sum(len(lanes[n]) for n in [*split, "other meetings"]) == len(others)
    cut = next(a for a in figure.layout.annotations if str(a.text).startswith("Consultative"))
    assert str(cut.text).endswith("…")  # a phone's line; the whole name on hover
    assert cut.hovertext == "Consultative Meeting of the Heads of State of Central Asia"


def labels_of_lane(figure: go.Figure, name: str) -> list[str]:
    """The label texts drawn on the lane named `name` (its labels sit a label row off it)."""
    lane_y = next(
        round(a.y - figures.LANE_NAME_AT, 6) for a in figure.layout.annotations if a.text == name
    )
    texts = [t for t in figure.data if t.mode == "text" and t.y is not None and t.x is not None]
    return [
        str(text)
        for t in texts
        for y, text in zip(t.y, t.text, strict=True)
        if abs(abs(y - lane_y) - figures.LABEL_AT) < 1e-6
    ]


@pytest.mark.parametrize(("language", "prefix"), [("en", "COP"), ("ru", "КС-")])
def test_sessions_of_one_convention_are_labelled_by_their_number(
    bundled: Store, language: Language, prefix: str
) -> None:
    with use_language(language):
        meetings = meeting_queries.meetings_frame(bundled, Filters())
        figure = figures.timeline_figure(meetings, TODAY)
        lane = codes_module.convention_short_name("UNFCCC")
    labels = labels_of_lane(figure, lane)
    session = re.compile(rf"^{re.escape(prefix)}(\d+)(–(\d+))?$")
    assert labels and all(session.match(text) for text in labels), labels
    assert any("–" in text for text in labels)  # a run of sessions reads "COP26–28"
    numbers = [int(session.match(t).group(1)) for t in labels]  # type: ignore[union-attr]
    assert numbers == sorted(numbers)
    cops = meetings[meetings.id.str.startswith("unfccc-cop")]
    assert numbers[0] == cops.ordinal.min()


def test_a_single_convention_gets_its_own_lane(bundled: Store) -> None:
    cops = meeting_queries.meetings_frame(bundled, Filters(conventions=("CBD",)))
    cops = cops[cops.kind == "cop"]
    figure = figures.timeline_figure(cops, TODAY)
    assert len(cops) > 1
    assert all(abs(y) <= figures.DODGE_AT for y in marker_traces(figure)[0].y)
    assert lane_names(figure) == ["COP / meeting of parties", "CBD"]


def test_kinds_that_do_not_split_keep_one_lane(bundled: Store) -> None:
    """Two conventions with a session each, and other meetings of no series: nothing to split."""
    meetings = meeting_queries.meetings_frame(bundled, Filters())
    few = meetings[meetings.id.isin(["unfccc-cop26", "cbd-cop16", "un-water-2023"])]
    figure = figures.timeline_figure(few, TODAY)
    assert lane_names(figure) == ["COP / meeting of parties", "Other"]
    labels = {str(t) for trace in figure.data if trace.mode == "text" for t in trace.text}
    assert "UNFCCC COP26" in labels  # a lane of several conventions names each session


def test_the_rest_of_one_convention_is_named_by_it() -> None:
    codes = ["UNFCCC"] * 3 + ["PARIS; UNFCCC"] * 2 + ["CBD"] * 3 + ["ESPOO", "AARHUS", None]
    kinds = ["cop"] * len(codes)
    lanes = figures.timeline_lanes(kinds, codes, [None] * len(codes))
    assert [(lane.part, len(lane.members)) for lane in lanes] == [
        ("UNFCCC", 5),
        ("CBD", 3),
        ("other conventions", 3),
    ]
    lanes = figures.timeline_lanes(kinds[:-2], codes[:-2], [None] * (len(codes) - 2))
    espoo = codes_module.convention_short_name("ESPOO")
    assert [lane.part for lane in lanes] == ["UNFCCC", "CBD", espoo]  # one session, no lane
    assert espoo != "ESPOO"  # named as readers call it, not by its code
    assert lanes[-1].numbering == "session"
    hostile = figures.timeline_lanes(["cop"] * 3, ["<b>X</b>"] * 3, [None] * 3)
    assert hostile[0].part == "&lt;b&gt;X&lt;/b&gt;"  # a code is drawn as written


@pytest.mark.parametrize(
    ("series", "ordinal", "title", "label"),
    [
        ("UNFCCC COP", 26, "UNFCCC COP26", "COP26"),
        ("Aarhus Convention MOP", 7, "Aarhus MOP7", "MOP7"),
        ("CBD COP", None, "CBD COP (extra)", "CBD COP (extra)"),
        ("Water Unites", 2, "Water Unites 2", "Water Unites 2"),
        (None, 3, "Something", "Something"),
    ],
)
def test_session_labels(series: Any, ordinal: Any, title: str, label: str) -> None:
    assert figures.session_label(series, ordinal, title) == label


def test_a_lane_name_is_cut_after_a_whole_word() -> None:
    name = "Consultative Meeting of the Heads of State of Central Asia"
    cut = figures.cut_at_word(name, 36)
    assert cut == "Consultative Meeting of the Heads…"
    assert len(cut) <= 36 and name.startswith(cut.removesuffix("…"))
    assert figures.cut_at_word("EU–Central Asia Economic Forum", 36) == (
        "EU–Central Asia Economic Forum"
    )
    assert figures.cut_at_word("Env. &amp; water pillar launch", 8) == "Env.…"


def test_imprecise_dates_are_open_markers_placed_mid_period(bundled: Store) -> None:
    meetings = meeting_queries.meetings_frame(bundled, Filters(search="coordination committee"))
    meetings = meetings[meetings.id == "wgecc-cc-2"]  # known only to the year: 2021
    trace = marker_traces(figures.timeline_figure(meetings, TODAY))[0]
    assert list(trace.marker.symbol) == ["circle-open"]
    assert str(trace.x[0])[:10] == "2021-07-02"


def test_meetings_on_nearby_days_are_stacked_apart() -> None:
    days = [0.0, 1.0, 2.0, 400.0, 900.0, 901.0]
    assert figures.dodge(days, span=1000.0, plot_px=330.0) == [0, 1, -1, 0, 0, 1]


@pytest.mark.parametrize("width", [320.0, 640.0, 1200.0])
def test_labels_never_overlap_on_the_same_side(width: float) -> None:
    days: list[float] = [0, 5, 10, 12, 40, 41, 42, 300, 301]
    texts = ["10th", "WGECC (Jul 2015)", "3rd", "CBD COP15, part one", "a", "b", "c", "d", "e"]
    labels = figures.place_labels(
        days,
        lambda m, limit: figures.group_label(
            texts[m[0] : m[-1] + 1], [None] * len(m), [None] * len(m), limit
        ),
        (0.0, 400.0),
        width,
    )
    for side in (figures.ABOVE, figures.BELOW):
        boxes = [label.box for label in labels if label.side == side]
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(boxes))
    assert sorted(i for label in labels for i in label.members) == list(range(len(days)))
    assert labels[0].side == figures.ABOVE


@pytest.mark.parametrize(
    ("kind", "title", "ordinal", "label"),
    [
        ("wgecc-meeting", "9th WGECC", 9, "9th"),
        ("high-level-conference", "3rd High-Level Conference", 3, "3rd"),
        ("wgecc-meeting", "WGECC", 11, "11th"),
        ("wgecc-meeting", "WGECC", 22, "22nd"),
        ("wgecc-meeting", "WGECC (Jul 2015)", None, "WGECC (Jul 2015)"),
        ("cop", "UNFCCC COP26", 26, "UNFCCC COP26"),
        ("other", "1st CA Consultative Meeting", 1, "1st CA Consultative Meeting"),
    ],
)
def test_chart_labels(kind: str, title: str, ordinal: int | None, label: str) -> None:
    assert figures.chart_label(kind, title, ordinal) == label


def test_gantt_shows_planned_and_actual_bars_meetings_and_today(bundled: Store) -> None:
    phases = phase_queries.phases_frame(bundled, Filters())
    meetings = meeting_queries.meetings_frame(bundled, Filters())
    figure = figures.gantt_figure(phases, meetings, TODAY)
    bars = {t.name: t for t in figure.data if t.type == "bar"}
    assert set(bars) == {"Planned", "Actual"}
    actual = phases[phases.actual_start.notna()]
    planned = phases[phases.planned_start.notna()]
    assert list(bars["Actual"].y) == list(actual.name)
    assert list(bars["Planned"].y) == list(planned.name)
    names = [a.text for a in figure.layout.annotations if a.xref == "paper"]
    assert names == [*phases.name, "Meetings"]  # every row named above its bars
    phase_3 = list(actual.id).index("wecoop-3")
    assert (
        bars["Actual"].x[phase_3]
        == (date(2023, 4, 14) - date(2019, 10, 1)).days * 86400000 + 86400000
    )
    diamonds = [t for t in figure.data if t.name == "Meetings"]
    assert sum(diamonds[0].customdata) == len(meetings)  # every meeting in one group
    assert all(text for text in diamonds[0].text)  # and every group named or counted
    assert figure.layout.shapes[0].x0 == TODAY


def test_gantt_marks_open_ended_and_one_day_phases(bundled: Store) -> None:
    phases = phase_queries.phases_frame(bundled, Filters())
    ended = list(phases.index[phases.actual_until.notna()])
    open_ended, one_day = ended[0], ended[1]
    phases.loc[open_ended, ["actual_until", "actual_end"]] = None
    phases.loc[one_day, "actual_start"] = phases["actual_until"].loc[one_day]
    phases.loc[one_day, "actual_start_precision"] = "day"
    figure = figures.gantt_figure(
        phases, meeting_queries.meetings_frame(bundled, Filters(countries=("CN",))), TODAY
    )
    actual = next(t for t in figure.data if t.name == "Actual")
    assert actual.marker.pattern.shape[0] == "/"
    assert [t.name for t in figure.data if t.name == "One-day phase"] == ["One-day phase"]


def test_status_bars_stack_every_count(bundled: Store) -> None:
    counts = commitment_queries.status_by(bundled, Filters(), "countries")
    figure = status_bars(counts, "By country", by_size(counts))
    drawn = sum(sum(t.x) for t in figure.data)
    assert drawn == counts.commitments.sum()
    assert figure.layout.xaxis.type == "linear"
    assert figure.layout.barmode == "stack"


def test_status_bars_put_the_largest_on_top_and_all_others_last() -> None:
    counts = pd.DataFrame(
        {
            "label": ["all others (3)", "Kazakhstan", "Austria", "Kazakhstan", "Uzbekistan"],
            "status": ["agreed", "agreed", "agreed", "fulfilled", "agreed"],
            "commitments": [900, 40, 5, 30, 60],
        }
    )
    figure = status_bars(counts, "By country", by_size(counts))
    top_down = list(reversed(figure.layout.yaxis.categoryarray))
    assert top_down == ["Kazakhstan", "Uzbekistan", "Austria", "all others (3)"]
    assert figure.layout.uniformtext.mode == "hide"


def test_a_long_bar_name_wraps_and_its_hover_names_it_whole() -> None:
    name = "Industrial Accidents Convention"
    counts = pd.DataFrame(
        {"label": [name, "CBD"], "status": ["agreed", "agreed"], "commitments": [3, 1]}
    )
    figure = status_bars(counts, "By convention", by_size(counts))
    shown = list(reversed(figure.layout.yaxis.categoryarray))
    assert shown[0] == figures.wrap(name, 18) != name
    assert shown[1] == "CBD"
    assert list(figure.data[0].y) == shown
    assert list(figure.data[0].customdata) == [name, "CBD"]
    assert "%{customdata}" in figure.data[0].hovertemplate


def every_axis(figure: go.Figure) -> list[Any]:
    return [figure.layout[name] for name in figure.layout if name[1:5] == "axis"]


def test_no_chart_asks_plotly_to_measure_its_labels(bundled: Store) -> None:
    """Plotly's automargin measures every label in the browser and lays the chart out again
    (half of a chart's drawing time): every chart's axes leave it off, and its margins hold
    8 px of padding to the labels they were computed for."""
    meetings = meeting_queries.meetings_frame(bundled, Filters())
    counts = commitment_queries.status_by(bundled, Filters(), "conventions")
    built = [
        figures.timeline_figure(meetings, TODAY),
        figures.density_figure(meeting_queries.meeting_density(bundled, Filters()), TODAY),
        figures.gantt_figure(phase_queries.phases_frame(bundled, Filters()), meetings, TODAY),
        figures.per_year_figure(meeting_queries.per_year(bundled, Filters()), TODAY),
        status_bars(counts, "By convention", by_size(counts)),
    ]
    for figure in built:
        axes = every_axis(figure)
        assert axes
        assert all(axis.automargin is False for axis in axes)
        assert figure.layout.margin.pad == figures.MARGIN_PAD_PX


@pytest.mark.parametrize("largest", [1, 9, 99, 9_999, 99_999, 2_500_000])
def test_a_count_axis_margin_fits_its_widest_tick(largest: int) -> None:
    """The left margin holds the count Plotly may write at the axis' top (up to 1.1× the
    data, with separators), at a digit's full width, and grows with it."""
    widest = f"{math.ceil(largest * 1.1):,}"
    assert figures.count_width_px(largest) >= len(widest) * figures.TICK_FONT_PX * 0.636
    assert figures.left_for_counts(largest) > figures.left_for_counts(largest / 100) or (
        largest < 100
    )
    assert figures.left_for_counts(largest, titled=True) > figures.left_for_counts(largest)


def test_long_phase_labels_wrap_instead_of_squeezing_the_gantt() -> None:
    label = "EU–Central Asia Environment and Resilience Programme (phase 1)"
    wrapped = figures.wrap(label)
    assert wrapped.replace("<br>", " ") == label
    assert all(len(line) <= 30 for line in wrapped.split("<br>"))
    assert figures.wrap("WECOOP (phase 1)") == "WECOOP (phase 1)"


def test_the_overview_picture_counts_every_meeting_and_commitment_by_year(bundled: Store) -> None:
    years = meeting_queries.per_year(bundled, Filters())
    meetings = years[years.what == "meetings"]
    commitments = years[years.what == "commitments"]
    assert meetings["count"].sum() == bundled.rows("SELECT count(*) FROM meetings")[0][0]
    assert commitments["count"].sum() == bundled.rows("SELECT count(*) FROM commitments")[0][0]
    figure = figures.per_year_figure(years, TODAY)
    drawn = {(t.name, int(x)): int(y) for t in figure.data for x, y in zip(t.x, t.y, strict=True)}
    for year, what, key, count in years[["year", "what", "key", "count"]].to_numpy().tolist():
        name = figures.KIND_LABELS.get(key, key) if what == "meetings" else key
        assert drawn[(name, int(year))] == count
    kz = meeting_queries.per_year(bundled, Filters(countries=("KZ",)))
    assert kz["count"].sum() < years["count"].sum()
