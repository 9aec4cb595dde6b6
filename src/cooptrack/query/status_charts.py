"""The Commitments page's charts: where commitments stand, by convention and over time.

Each is a horizontal stacked bar per label, in the order the caller gives (oldest year first,
the largest convention first), its segments in STATUS_ORDER from the axis out and its legend
in that same order, left to right. No data access here: the frames come from
`query.commitments` (counted in SQL), so the figures test in isolation.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from cooptrack.i18n import _
from cooptrack.query.codes import commitment_status_name
from cooptrack.query.figures import (
    EDGE_PX,
    FONT,
    MARGIN_PAD_PX,
    STATUS_COLOURS,
    TITLED_TICKS_PX,
    count_width_px,
    label_width_px,
    margins,
    separators,
    turned_extra_px,
    wrap,
)

# Closed first, then open from the most advanced: the kept promises are read against the axis.
STATUS_ORDER = ("fulfilled", "in-progress", "agreed", "proposed", "superseded", "dropped")


def status_bars(counts: pd.DataFrame, title: str, order: Sequence[str]) -> go.Figure:
    """One stacked bar per label of `counts` (label, status, commitments), top to bottom in
    `order`; a count too long for its segment is left to hover.

    Built from plain dicts in one go: Plotly checks a figure's properties on every update,
    and adding the traces and axes one call at a time took 4× as long (17 ms against 4.5 ms
    at 31 years; charts are built again whenever the record or the filters change)."""
    totals = counts.groupby("label").commitments.sum()
    small = not totals.empty and totals.max() <= 10
    names = {label: wrap(str(label), NAME_CHARS) for label in order}
    lines = max((name.count("<br>") + 1 for name in names.values()), default=1)
    return go.Figure(
        data=[_status_trace(counts[counts.status == s], s, names) for s in statuses_in(counts)],
        layout={
            "yaxis": {
                "type": "category",
                "categoryorder": "array",
                "categoryarray": [names[label] for label in reversed(order)],
                "automargin": False,  # the margin is computed (`figures.margins`)
                "tickfont": {"size": CATEGORY_FONT_PX, "color": "#333333"},
            },
            "xaxis": {
                "type": "linear",  # counts, even where a frame carries them as text
                "automargin": False,
                "autotickangles": [0, 30],
                "title": {"text": _("commitments")},
                "dtick": 1 if small else None,
                "rangemode": "tozero",
                "tickformat": ",",
                "showgrid": True,
                "gridcolor": "#eeeeee",
            },
            "height": 150 + (28 if lines == 1 else 16 * lines + 8) * max(len(order), 1),
            "margin": _margins(list(names.values()), totals.max() if not totals.empty else 0),
            "font": FONT,
            "plot_bgcolor": "white",
            "barmode": "stack",
            # "normal": the legend reads left to right in the order the segments stack (Plotly
            # reverses it for stacked bars by default, which reads against the bars).
            "legend": {
                "orientation": "h",
                "x": 0,
                "y": 1,
                "yanchor": "bottom",
                "traceorder": "normal",
            },
            "hoverlabel": {"align": "left"},
            "separators": separators(),
            "uniformtext": {"minsize": 10, "mode": "hide"},
            "title": {
                "text": title,
                "font": {"size": 14},
                "x": 0,
                "xref": "container",
                "y": 1,
                "yref": "container",
                "yanchor": "top",
                "pad": {"t": 6, "l": 6},
            },
        },
    )


CATEGORY_FONT_PX = 12
# A bar's name per line ("Industrial Accidents / Convention"): on a phone, a name on one line
# took two thirds of the chart's width from the bars.
NAME_CHARS = 18


def _margins(names: Sequence[str], largest: float) -> dict[str, Any]:
    """Room for the bars' names at the left (their longest line), and for the counts and their
    title below, the last count centred on the right edge at most."""
    lines = [line for name in names for line in name.split("<br>")]
    widest = max((label_width_px(line, CATEGORY_FONT_PX) for line in lines), default=0)
    return margins(
        left=MARGIN_PAD_PX + widest,
        right=max(EDGE_PX, count_width_px(largest) / 2 + 4),
        top=80,
        bottom=TITLED_TICKS_PX + turned_extra_px(count_width_px(largest)),
    )


def _status_trace(group: pd.DataFrame, status: str, names: dict[str, str]) -> dict[str, Any]:
    """The segments of one status, one per label (drawn under its wrapped name, named whole in
    the hover text), its count written inside where it fits."""
    name = commitment_status_name(status)
    hover = _("{label}: {count} {status}").format(
        label="%{customdata}", count="%{x:,}", status=name
    )
    return {
        "type": "bar",
        "x": group.commitments,
        "y": [names.get(label, label) for label in group.label],
        "customdata": group.label,
        "orientation": "h",
        "name": name,
        "marker": {"color": STATUS_COLOURS.get(status, "#969696")},
        "texttemplate": "%{x:,}",
        "textposition": "inside",
        "insidetextanchor": "middle",
        "hovertemplate": hover + "<extra></extra>",
    }


def statuses_in(counts: pd.DataFrame) -> list[str]:
    """The statuses `counts` holds, in STATUS_ORDER (a code not listed last, as found)."""
    found = list(dict.fromkeys(counts.status))
    return [s for s in STATUS_ORDER if s in found] + [s for s in found if s not in STATUS_ORDER]


def by_size(counts: pd.DataFrame) -> list[str]:
    """Labels, the largest first and "all others" last."""
    totals = counts.groupby("label").commitments.sum()
    rest = counts.label[counts.label.str.startswith(_("all others"))].unique().tolist()
    return sorted(totals.index, key=lambda x: (x in rest, -totals[x], x))


def in_place_order(counts: pd.DataFrame) -> list[str]:
    """Labels in the order of their `place` column (oldest year or meeting first)."""
    return list(dict.fromkeys(counts.sort_values(["place", "label"], kind="stable").label))


def apart_from_unnamed(counts: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """The bars of named conventions, and how many commitments name none (shown as a count
    beside the chart: "no convention" is not a convention, and would be the largest bar)."""
    unnamed = counts.unnamed.astype(bool)
    return counts[~unnamed], int(counts.commitments[unnamed].sum())


def by_year_made(per_year: pd.DataFrame) -> pd.DataFrame:
    """The commitments of `meetings.per_year` (year, what, key, count; shared with the
    Overview, so counted once) as bars: label (the year), status, commitments, place."""
    made = per_year[per_year.what == "commitments"]
    return pd.DataFrame(
        {
            "label": made.year.astype(int).astype(str),
            "status": made.key,
            "commitments": made["count"].astype(int),
            "place": made.year.astype(int),
        }
    ).reset_index(drop=True)


def one_bar(counts: pd.DataFrame, label: str) -> pd.DataFrame:
    """`counts` summed by status into one bar named `label`: when no split says anything."""
    summed = counts.groupby("status", as_index=False).agg(commitments=("commitments", "sum"))
    return summed.assign(label=label, place=0)


def bars_differ(counts: pd.DataFrame) -> bool:
    """Whether the bars say something: at least two of them, not all with the same count in
    every status (five identical bars only repeat the total)."""
    table = counts.pivot_table(
        index="label", columns="status", values="commitments", aggfunc="sum", fill_value=0
    )
    return len(table) > 1 and len(table.drop_duplicates()) > 1
