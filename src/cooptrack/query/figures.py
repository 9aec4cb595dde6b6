"""Plotly figures built from the query frames; no data access here, so they test in isolation.

Every word a chart shows (titles, axes, legends, hover texts, "today") is in the current
language; kinds and statuses arrive as the record's codes and are named here (`query.codes`).
Numbers follow the language's separators (`1 998` in Russian) through the layout's
`separators`; month names on date axes through Plotly's own locale, which `chart_config`
carries to the browser.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.dates import get_day_names, get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol
from plotly.subplots import make_subplots

from cooptrack import i18n
from cooptrack.db.schema import MEETING_KIND_LABELS, MEETING_KINDS
from cooptrack.i18n import N_, _, ngettext, pgettext
from cooptrack.query.codes import commitment_status_name, kind_name, meeting_status_name
from cooptrack.query.rows import rows

KIND_LABELS = MEETING_KIND_LABELS  # English; charts name kinds with `codes.kind_name`
KIND_COLOURS = {
    "high-level-conference": "#1f77b4",
    "wgecc-meeting": "#2ca02c",
    "coordination-committee": "#9467bd",
    "cop": "#d62728",
    "ministerial": "#ff7f0e",
    "workshop": "#8c564b",
    "other": "#7f7f7f",
}
STATUS_COLOURS = {
    "proposed": "#9ecae1",
    "agreed": "#3182bd",
    "in-progress": "#fdae6b",
    "fulfilled": "#31a354",
    "superseded": "#bdbdbd",
    "dropped": "#de2d26",
}
WEBGL_ABOVE = 1000
LABELS_UP_TO = 40
# Labels are placed for a narrow plot (a phone or a half-width window), so they stay apart
# at any width; what has no room keeps its hover text and the detail below the chart.
NARROW_PLOT_PX = 320.0
_FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 13}


def _layout(figure: go.Figure, height: int, date_axis: bool = True, **extra: Any) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 10, "r": 20, "t": 30, "b": 40},
        font=_FONT,
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"align": "left"},
        separators=_separators(),
        **extra,
    )
    figure.update_xaxes(showgrid=True, gridcolor="#eeeeee", type="date" if date_axis else "linear")
    return figure


def _separators() -> str:
    """Plotly's decimal mark and thousands separator, as the current language writes them."""
    where = i18n.locale()
    return f"{get_decimal_symbol(where)}{get_group_symbol(where)}"


# The texts of Plotly's own buttons and messages (its locale dictionary), translated here.
PLOTLY_TEXTS = (
    N_("Zoom"),
    N_("Pan"),
    N_("Box Select"),
    N_("Lasso Select"),
    N_("Zoom in"),
    N_("Zoom out"),
    N_("Autoscale"),
    N_("Reset axes"),
    N_("Download plot as a PNG"),
    N_("Download plot"),
    N_("Toggle Spike Lines"),
    N_("Show closest data on hover"),
    N_("Compare data on hover"),
    N_("Toggle show closest data on hover"),
    N_("Double-click to zoom back out"),
    N_("Preparing image - this may take a few seconds"),
    N_("Image download succeeded"),
    N_("Sorry, there was a problem downloading your image!"),
)


def chart_config() -> dict[str, Any]:
    """The `config` of a chart: in Russian, Plotly's locale (month and day names on date axes,
    number separators, its buttons' tooltips), given with the chart, as Plotly allows, so no
    locale file has to be loaded in the browser."""
    config: dict[str, Any] = {"displaylogo": False}
    language = i18n.current()
    if language == i18n.DEFAULT:
        return config
    where = i18n.locale()
    months = get_month_names("wide", "stand-alone", locale=where)
    short_months = get_month_names("abbreviated", "stand-alone", locale=where)
    days = get_day_names("wide", "format", locale=where)
    short_days = get_day_names("abbreviated", "format", locale=where)
    sunday_first = [6, 0, 1, 2, 3, 4, 5]  # babel counts from Monday, Plotly from Sunday
    config["locale"] = language
    config["locales"] = {
        language: {
            "dictionary": {text: _(text) for text in PLOTLY_TEXTS},
            "format": {
                "days": [days[d] for d in sunday_first],
                "shortDays": [short_days[d] for d in sunday_first],
                "months": [months[m] for m in range(1, 13)],
                "shortMonths": [short_months[m] for m in range(1, 13)],
                "date": "%d.%m.%Y",
                "decimal": get_decimal_symbol(where),
                "thousands": get_group_symbol(where),
                "year": "%Y",
                "month": "%b %Y",
                "dayMonth": "%-d %b",
                "dayMonthYear": "%-d %b %Y",
            },
        }
    }
    return config


def _today_line(figure: go.Figure, today: date) -> None:
    figure.add_shape(
        type="line",
        x0=today,
        x1=today,
        y0=0,
        y1=1,
        yref="paper",
        line={"color": "#444444", "dash": "dot", "width": 1},
    )
    figure.add_annotation(
        x=today,
        y=1,
        yref="paper",
        text=_("today"),
        showarrow=False,
        yanchor="bottom",
        font={"size": 11, "color": "#444444"},
    )


def chart_label(kind: str, short_title: str, ordinal: Any) -> str:
    """The lane already names the kind, so a numbered meeting is labelled by its number."""
    if kind == "cop" or ordinal is None or pd.isna(ordinal):
        return short_title
    number = int(ordinal)
    if 10 <= number % 100 <= 20:
        label = pgettext("numbered meeting", "{number}th")
    elif number % 10 == 1:
        label = pgettext("numbered meeting", "{number}st")
    elif number % 10 == 2:
        label = pgettext("numbered meeting", "{number}nd")
    elif number % 10 == 3:
        label = pgettext("numbered meeting", "{number}rd")
    else:
        label = pgettext("numbered meeting", "{number}th")
    return label.format(number=number)


def label_positions(
    days: list[float], texts: list[str], span_days: float, width_px: float = NARROW_PLOT_PX
) -> list[str | None]:
    """Put each label above or below its marker so that none overlaps the previous one on
    the same side; a label with no free side is left to the hover text (None)."""
    px_per_day = width_px / max(span_days, 1.0)
    right_edge = {"top center": float("-inf"), "bottom center": float("-inf")}
    positions: list[str | None] = []
    for day, text in zip(days, texts, strict=True):
        centre, half = day * px_per_day, 3.6 * len(text) + 4
        side = next((s for s in right_edge if centre - half > right_edge[s]), None)
        if side is not None:
            right_edge[side] = centre + half
        positions.append(side)
    return positions


def timeline_figure(meetings: pd.DataFrame, today: date) -> go.Figure:
    """Meetings on a time axis, one lane per kind. Dates known only to the month or year are
    drawn as open markers with a bar over the whole period, so no made-up day is shown."""
    figure = go.Figure()
    lanes = [k for k in MEETING_KINDS if k in set(meetings.kind)]
    first, last = _range(meetings.alive_from.min(), meetings.alive_to.max(), today)
    for kind in lanes:
        group = meetings[meetings.kind == kind].reset_index(drop=True)
        lane, colour = kind_name(kind), KIND_COLOURS[kind]
        imprecise = group[group.start_precision != "day"]
        if not imprecise.empty:
            figure.add_trace(_period_bars(imprecise, lane, colour))
        figure.add_trace(_legend_entry(lane, kind, colour))
        figure.add_trace(_lane_markers(group, lane, colour, (first, last), len(meetings)))
    _today_line(figure, today)
    order = [kind_name(k) for k in reversed(lanes)]
    # Each lane is named just above its left end: tick labels would halve a narrow plot.
    for kind in lanes:
        figure.add_annotation(
            x=0, xref="paper", y=kind_name(kind), yref="y", yshift=17, xanchor="left",
            text=kind_name(kind), showarrow=False,
            font={"size": 12, "color": KIND_COLOURS[kind]},
        )  # fmt: skip
    figure.update_yaxes(
        type="category", categoryorder="array", categoryarray=order, showticklabels=False
    )
    figure.update_xaxes(range=[first, last])
    return _layout(figure, height=140 + 90 * max(len(lanes), 1), clickmode="event+select")


def density_figure(density: pd.DataFrame, today: date) -> go.Figure:
    """Meetings per quarter, stacked by kind: thousands of meetings as a few hundred bars."""
    figure = go.Figure()
    for kind in MEETING_KINDS:
        group = density[density.kind == kind]
        if group.empty:
            continue
        label = kind_name(kind)
        figure.add_trace(
            go.Bar(
                x=group.quarter,
                y=group.meetings,
                name=label,
                marker={"color": KIND_COLOURS[kind]},
                hovertext=[
                    _quarter_count(quarter, int(count), label)
                    for quarter, count in zip(group.quarter, group.meetings, strict=True)
                ],
                hoverinfo="text",
            )
        )
    _today_line(figure, today)
    _layout(figure, height=420, barmode="stack", bargap=0.1)
    figure.update_yaxes(title_text=_("meetings per quarter"), rangemode="tozero")
    return figure


def _quarter_count(quarter: Any, count: int, kind: str) -> str:
    """`2020 Q1: 3 meetings (WGECC meeting)`, in the current language."""
    start = pd.Timestamp(quarter)
    when = _("{year} Q{quarter}").format(year=start.year, quarter=(start.month - 1) // 3 + 1)
    counted = ngettext(
        "{quarter}: {count} meeting ({kind})", "{quarter}: {count} meetings ({kind})", count
    )
    return counted.format(quarter=when, count=i18n.number(count), kind=kind)


def _lane_markers(
    group: pd.DataFrame,
    lane: str,
    colour: str,
    span: tuple[pd.Timestamp, pd.Timestamp],
    total: int,
) -> go.Scatter:
    first, last = span
    texts = [chart_label(r.kind, r.short_title, r.ordinal) for r in rows(group)]
    xs = [_marker_date(r.alive_from, r.alive_to, r.start_precision) for r in rows(group)]
    days = [float((x - first).days) for x in xs]
    positions: list[str | None] = (
        label_positions(days, texts, float((last - first).days))
        if total <= LABELS_UP_TO
        else [None] * len(group)
    )
    scatter = go.Scattergl if total > WEBGL_ABOVE else go.Scatter
    return scatter(
        x=xs,
        y=[lane] * len(group),
        mode="markers+text",
        name=lane,
        legendgroup=group.kind.iloc[0],
        showlegend=False,
        marker={
            "size": 13,
            "color": colour,
            "line": {"width": 2, "color": colour},
            "symbol": ["circle" if p == "day" else "circle-open" for p in group.start_precision],
        },
        text=[t if p else "" for t, p in zip(texts, positions, strict=True)],
        textposition=[p or "top center" for p in positions],
        textfont={"size": 11},
        customdata=[
            [r.id, r.title, r.when, r.where, _("status: {status}").format(status=status)]
            for r, status in zip(
                rows(group), map(meeting_status_name, group.status.tolist()), strict=True
            )
        ],
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]}<br>%{customdata[3]}"
        "<br>%{customdata[4]}<extra></extra>",
    )


def _marker_date(start: Any, end: Any, precision: str) -> pd.Timestamp:
    """An exact day where known; for a month or a year, the middle of its (drawn) period."""
    first = pd.Timestamp(start)
    return first if precision == "day" else first + (pd.Timestamp(end) - first) / 2


def _legend_entry(lane: str, kind: str, colour: str) -> go.Scatter:
    """A filled marker for the legend, whatever the precision of the lane's first meeting."""
    return go.Scatter(
        x=[None],
        y=[None],
        mode="markers",
        name=lane,
        legendgroup=kind,
        marker={"size": 11, "color": colour, "symbol": "circle"},
    )


def _period_bars(group: pd.DataFrame, lane: str, colour: str) -> go.Scatter:
    xs: list[Any] = []
    for row in rows(group):
        xs += [row.alive_from, row.alive_to, None]
    return go.Scatter(
        x=xs,
        y=[lane if x is not None else None for x in xs],
        mode="lines",
        line={"color": colour, "width": 6},
        opacity=0.3,
        hoverinfo="skip",
        showlegend=False,
    )


def _range(first: Any, last: Any, today: date) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The x range: the data and today, with a margin so edge labels are not cut."""
    now = pd.Timestamp(today)
    start = now if first is None or pd.isna(first) else pd.Timestamp(first)
    end = now if last is None or pd.isna(last) else max(pd.Timestamp(last), now)
    margin = max(timedelta(days=240), (end - start) * 0.06)
    return start - margin, end + margin


_DAY_MS = 24 * 60 * 60 * 1000


def wrap(label: str, width: int = 30) -> str:
    """Break a long axis label over lines, so it does not squeeze the plot."""
    lines: list[str] = []
    for word in label.split():
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "<br>".join(lines)


def gantt_figure(phases: pd.DataFrame, meetings: pd.DataFrame, today: date) -> go.Figure:
    """Planned and actual periods of each phase as paired bars, meetings as diamonds on their
    own row, and a line at today. A phase whose end is not recorded runs to today, hatched."""
    figure = go.Figure()
    labels = [wrap(label) for label in phases.label]
    meetings_row = _("Meetings")
    for kind, start_col, end_col, colour, pattern in (
        ("planned", "planned_start", "planned_until", "#c6dbef", ""),
        ("actual", "actual_start", "actual_until", "#08519c", ""),
    ):
        name, line = _period_words(kind)
        starts, lengths, ys, hover, patterns = [], [], [], [], []
        for row in rows(phases):
            start = getattr(row, start_col)
            if start is None or pd.isna(start):
                continue
            end = getattr(row, end_col)
            open_ended = end is None or pd.isna(end)
            finish = pd.Timestamp(today) if open_ended else pd.Timestamp(end)
            starts.append(pd.Timestamp(start))
            lengths.append(max((finish - pd.Timestamp(start)).days + 1, 1) * _DAY_MS)
            ys.append(wrap(row.label))
            period = getattr(row, kind)
            hover.append(f"<b>{row.label}</b><br>" + line.format(period=period))
            patterns.append("/" if open_ended else pattern)
        figure.add_trace(
            go.Bar(
                base=starts,
                x=lengths,
                y=ys,
                orientation="h",
                name=name,
                offsetgroup=kind,
                marker={
                    "color": colour,
                    "line": {"color": "#08519c", "width": 1},
                    "pattern": {"shape": patterns},
                },
                hovertext=hover,
                hoverinfo="text",
            )
        )
    _milestones(figure, phases)
    if not meetings.empty:
        figure.add_trace(
            go.Scatter(
                x=meetings.alive_from,
                y=[meetings_row] * len(meetings),
                mode="markers",
                name=meetings_row,
                marker={"symbol": "diamond", "size": 11, "color": "#d62728"},
                customdata=meetings[["title", "when", "where"]].to_numpy(),
                hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>%{customdata[2]}"
                "<extra></extra>",
            )
        )
        labels.append(meetings_row)
    _today_line(figure, today)
    figure.update_yaxes(
        type="category", categoryorder="array", categoryarray=list(reversed(labels))
    )
    earliest = [phases.alive_from.min()] + ([] if meetings.empty else [meetings.alive_from.min()])
    ends = phases[["planned_until", "actual_until"]].to_numpy().ravel()
    last = max((pd.Timestamp(v) for v in ends if not pd.isna(v)), default=None)
    figure.update_xaxes(range=list(_range(min(earliest), last, today)))
    return _layout(figure, height=160 + 60 * len(labels), barmode="group", bargap=0.35)


def _period_words(kind: str) -> tuple[str, str]:
    """The legend name of a phase's planned or actual bars, and its hover line."""
    if kind == "planned":
        return pgettext("phase period", "Planned"), _("Planned: {period}")
    return pgettext("phase period", "Actual"), _("Actual: {period}")


def _milestones(figure: go.Figure, phases: pd.DataFrame) -> None:
    """A phase that starts and ends on the same day would be an invisible bar: mark it."""
    same_day = phases[
        (phases.actual_start.notna())
        & (phases.actual_start == phases.actual_until)
        & (phases.actual_start_precision == "day")
    ]
    if same_day.empty:
        return
    figure.add_trace(
        go.Scatter(
            x=same_day.actual_start,
            y=[wrap(label) for label in same_day.label],
            mode="markers",
            name=_("One-day phase"),
            marker={"symbol": "diamond-wide", "size": 16, "color": "#08519c"},
            hovertext=[f"{r.label}: {r.actual}" for r in rows(same_day)],
            hoverinfo="text",
        )
    )


def status_figure(counts: pd.DataFrame, title: str) -> go.Figure:
    """Stacked horizontal bars: how many commitments are in each status, per label, the
    largest on top and "all others" last. Counts too long for their segment are left to hover."""
    figure = go.Figure()
    totals = counts.groupby("label").commitments.sum()
    labels = sorted(totals.index, key=lambda x: (is_rest(x), -totals[x], x))
    for status, colour in STATUS_COLOURS.items():
        group = counts[counts.status == status]
        if group.empty:
            continue
        name = commitment_status_name(status)
        hover = _("{label}: {count} {status}").format(label="%{y}", count="%{x:,}", status=name)
        figure.add_trace(
            go.Bar(
                x=group.commitments,
                y=group.label,
                orientation="h",
                name=name,
                marker={"color": colour},
                texttemplate="%{x:,}",
                textposition="inside",
                insidetextanchor="middle",
                hovertemplate=hover + "<extra></extra>",
            )
        )
    figure.update_yaxes(
        type="category",
        categoryorder="array",
        categoryarray=list(reversed(labels)),
        automargin=True,
    )
    small = not counts.empty and totals.max() <= 10
    _layout(
        figure,
        height=170 + 30 * max(len(labels), 1),
        date_axis=False,
        barmode="stack",
        title={
            "text": title,
            "font": {"size": 14},
            "x": 0,
            "xref": "container",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 6, "l": 6},
        },
        uniformtext={"minsize": 10, "mode": "hide"},
    )
    figure.update_xaxes(
        title_text=_("commitments"),
        dtick=1 if small else None,
        rangemode="tozero",
        tickformat=",",
    )
    figure.update_layout(legend={"y": 1, "yanchor": "bottom"}, margin={"t": 90})
    return figure


def is_rest(label: str) -> bool:
    """The bar that sums the labels past the largest ("all others (12)"), in either language."""
    return label.startswith(("all others", _("all others")))


def per_year_figure(years: pd.DataFrame, today: date) -> go.Figure:
    """The record at a glance: meetings per year by kind above, the commitments made each year
    by what has become of them below, on one year axis."""
    figure = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
        subplot_titles=(
            _("Meetings per year, by kind"), _("Commitments made each year, by status now")
        ),
    )  # fmt: skip
    rows_of = {"meetings": 1, "commitments": 2}
    for what, order, colours, namer in (
        ("meetings", MEETING_KINDS, KIND_COLOURS, kind_name),
        ("commitments", tuple(STATUS_COLOURS), STATUS_COLOURS, commitment_status_name),
    ):
        part = years[years.what == what]
        for key in order:
            counted = part[part.key == key]
            if counted.empty:
                continue
            name = namer(key)
            figure.add_trace(
                go.Bar(
                    x=counted.year, y=counted["count"], name=name,
                    marker={"color": colours[key]}, legendgroup=what,
                    hovertemplate=_("{name}: {count} in {year}").format(
                        name=name, count="%{y}", year="%{x}"
                    ) + "<extra></extra>",
                ),
                row=rows_of[what], col=1,
            )  # fmt: skip
    figure.add_vline(x=today.year, line={"color": "#555555", "dash": "dot", "width": 1})
    _layout(figure, height=520, date_axis=False, barmode="stack")
    figure.update_layout(legend={"orientation": "v", "y": 1, "x": 1.02, "yanchor": "top"})
    figure.update_xaxes(dtick=1, tickformat="d")
    return figure
