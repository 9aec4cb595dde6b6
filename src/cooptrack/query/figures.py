"""Plotly figures built from the query frames; no data access here, so they test in isolation.

Every word a chart shows (titles, axes, legends, hover texts, "today") is in the current
language; kinds and statuses arrive as the record's codes and are named here (`query.codes`).
Numbers follow the language's separators (`1 998` in Russian) through the layout's
`separators`; month names on date axes through Plotly's own locale, which `chart_config`
carries to the browser.
"""

from __future__ import annotations

import html
import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from babel.dates import get_day_names, get_month_names
from babel.numbers import get_decimal_symbol, get_group_symbol
from plotly.subplots import make_subplots

from cooptrack import i18n
from cooptrack.db.schema import MEETING_KIND_LABELS, MEETING_KINDS
from cooptrack.i18n import ENGLISH_MARKER, N_, _, ngettext, pgettext
from cooptrack.query.codes import (
    commitment_status_name,
    convention_short_name,
    kind_name,
    meeting_status_name,
)
from cooptrack.query.phases import phase_span
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
LABELS_UP_TO = 600  # beyond, the page draws meetings per quarter instead
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 13}


def _layout(figure: go.Figure, height: int, date_axis: bool = True, **extra: Any) -> go.Figure:
    figure.update_layout(
        height=height,
        margin=margins(bottom=DATE_AXIS_PX if date_axis else TICKS_PX),
        font=FONT,
        plot_bgcolor="white",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"align": "left"},
        separators=separators(),
        **extra,
    )
    figure.update_xaxes(showgrid=True, gridcolor="#eeeeee", type="date" if date_axis else "linear")
    figure.update_xaxes(automargin=False)
    figure.update_yaxes(automargin=False)
    return figure


def separators() -> str:
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


def chart_config(toolbar: bool = True) -> dict[str, Any]:
    """The `config` of a chart: in Russian, Plotly's locale (month and day names on date axes,
    number separators, its buttons' tooltips), given with the chart, as Plotly allows, so no
    locale file has to be loaded in the browser. Without `toolbar`, Plotly's buttons are not
    drawn (on a phone they cover the chart's top; dragging still zooms, a double click resets)."""
    config: dict[str, Any] = {"displaylogo": False}
    if not toolbar:
        config["displayModeBar"] = False
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


def _today_line(
    figure: go.Figure, today: date, span: tuple[pd.Timestamp, pd.Timestamp] | None = None
) -> None:
    """A dotted line at today, named at its top; left out when today is off the axis, and
    named to its left near the right end so the word is not cut."""
    now = pd.Timestamp(today)
    if span is not None and not span[0] <= now <= span[1]:
        return
    near_end = span is not None and (span[1] - now) < (span[1] - span[0]) * 0.1
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
        xanchor="right" if near_end else "center",
        font={"size": 12, "color": "#222222"},
    )


# ---- Labels that never collide -------------------------------------------------------------
# A label's box is estimated from its length and font size against the axis span at a given
# plot width; the same estimate places the labels and checks them in the tests. Labels are
# placed for a phone's plot (the narrowest the page is read at), so they stay apart at any
# wider size too.
PHONE_CHART_PX = 350.0  # a chart's width on a 390 px phone (358 measured in Chromium)
DESK_CHART_PX = 940.0  # at 1400 px with the sidebar open
SIDE_MARGINS_PX = 30.0  # the layout's left and right margins
PHONE_PLOT_PX = PHONE_CHART_PX - SIDE_MARGINS_PX  # the plot area, where labels are placed
TICK_FONT_PX = 12
LABEL_FONT_PX = 12
CHAR_EM = 0.62  # a DejaVu Sans character is at most ~0.62 of the font size wide (Cyrillic too)
LABEL_PAD_PX = 8.0  # the gap kept between two labels
LONGEST_LABEL = 20  # characters; a longer name is cut with "…" (its hover text is whole)
ABOVE, BELOW = 1, -1


def label_width_px(text: str, font_px: float = LABEL_FONT_PX) -> float:
    """The width a one-line label takes, padding included, estimated from the characters it
    shows (an entity such as `&amp;`, which the pages write for Plotly, is one)."""
    return len(html.unescape(text)) * font_px * CHAR_EM + LABEL_PAD_PX


# ---- Margins that need no measuring --------------------------------------------------------
# Axes do not size their margins themselves. With `automargin` (which Streamlit's theme turns
# on) Plotly measures every tick label in the browser and lays the chart out again: drawing
# took twice as long (Commitments by year at 1M, 57 → 25 ms; meetings per quarter, 30 → 14 ms;
# Chromium, median of 5). The margins are computed here from the labels instead, with the
# estimate that places the timeline's labels (an upper bound); a browser test draws the
# figures with hostile data and checks no label is cut.
MARGIN_PAD_PX = 8  # between the plot and its tick labels
TICK_LINE_PX = 16  # a line of 12 px tick labels
TITLE_LINE_PX = 18  # an axis title at 14 px
TICKS_PX = MARGIN_PAD_PX + TICK_LINE_PX + 8  # one line of tick labels under the plot
DATE_AXIS_PX = MARGIN_PAD_PX + 2 * TICK_LINE_PX + 6  # zoomed in, a date's year is a 2nd line
TITLED_TICKS_PX = TICKS_PX + TITLE_LINE_PX + 6  # tick labels and a title under them
DIGIT_EM = 0.64  # a DejaVu Sans digit is 0.636 em wide; other fonts' digits are narrower
EDGE_PX = 20  # at the right, half a date or a short number centred on the plot's edge


def margins(
    *, left: float = 10, right: float = EDGE_PX, top: float = 30, bottom: float = 40
) -> dict[str, Any]:
    """A layout's margins, rounded up, with the gap to the tick labels they were computed for."""
    sides = {"l": left, "r": right, "t": top, "b": bottom}
    return {side: math.ceil(px) for side, px in sides.items()} | {"pad": MARGIN_PAD_PX}


def count_width_px(largest: float, font_px: float = TICK_FONT_PX) -> float:
    """The widest tick label of a count axis whose data reach `largest`: Plotly's ticks stay
    within ~1.1× the data, written with the language's group separators (or shorter, "20k")."""
    widest = f"{math.ceil(max(largest, 1) * 1.1):,}"
    return len(widest) * font_px * DIGIT_EM


def turned_extra_px(label_px: float) -> float:
    """The height a tick label turned 30° takes beyond an upright one (Plotly turns crowded
    labels; a count axis of long numbers on a phone is crowded)."""
    return max(0.0, label_px / 2 + TICK_LINE_PX * 0.87 - TICK_LINE_PX)


def left_for_counts(largest: float, titled: bool = False) -> float:
    """The left margin that holds a count axis' tick labels (and its title, turned upright)."""
    title = TITLE_LINE_PX + 8 if titled else 0
    return MARGIN_PAD_PX + count_width_px(largest) + 4 + title


def label_box(
    x: float, text: str, anchor: str, span: float, plot_px: float, *, font_px: float = LABEL_FONT_PX
) -> tuple[float, float]:
    """The label's left and right ends in axis units; `anchor` says where the text sits
    relative to `x`: centred on it, to its left (ending at x) or to its right (starting there)."""
    width = label_width_px(text, font_px) * span / plot_px
    if anchor == "left":
        return x - width, x
    if anchor == "right":
        return x, x + width
    return x - width / 2, x + width / 2


def boxes_overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


@dataclass
class Label:
    """One label on a lane: the items it names, its text and where it is drawn."""

    members: list[int]
    text: str = ""
    x: float = 0.0
    anchor: str = "center"
    side: int = ABOVE
    box: tuple[float, float] = (0.0, 0.0)


COMPACT_LABEL = 10  # characters, when the longer label has no room on either side
Namer = Callable[[list[int], int], str]  # (members, most characters) -> the label's text


def short(text: str, limit: int = LONGEST_LABEL) -> str:
    """The text cut to `limit` characters shown, with "…" (the hover text keeps it whole);
    an entity (`&amp;`) counts as the one character it shows and is never cut in half."""
    shown = html.unescape(text)
    if len(shown) <= limit:
        return text
    return html.escape(shown[: limit - 1].rstrip(), quote=False) + "…"


def place_labels(
    xs: list[float],
    name: Namer,
    axis: tuple[float, float],
    plot_px: float = PHONE_PLOT_PX,
) -> list[Label]:
    """Label items on one lane (xs sorted, in axis units) above or below it so that no two
    labels on a side overlap: a label with no free side is shortened, and if it still has none
    its item joins the label before it, which `name(members, limit)` then words as a group
    ("5th–6th", "UNFCCC COP26 +2", "4 meetings"); an item far from the one before has the
    labels before it shortened first, so no group spans a gap. Labels near an end of the
    axis are drawn inward of their item so nothing is cut."""
    placer = _Placer(xs, name, axis, plot_px)
    for index in range(len(xs)):
        placer.add(index)
    return placer.placed


_NOTHING = {ABOVE: -math.inf, BELOW: -math.inf}


@dataclass
class _Placer:
    """Labels placed so far on a lane, and how far right each side reaches after each one."""

    xs: list[float]
    name: Namer
    axis: tuple[float, float]
    plot_px: float
    placed: list[Label] = field(default_factory=list)
    reach: list[dict[int, float]] = field(default_factory=list)

    def add(self, index: int) -> None:
        label = Label([index])
        while True:
            side = self._try_sides(label)
            if side is None and self._far(label):
                self._shorten_last()
                side = self._try_sides(label)
            if side is not None or not self.placed:
                label.side = ABOVE if side is None else side
                self._push(label)
                return
            self.reach.pop()
            label = Label(self.placed.pop().members + label.members)

    def _ends(self) -> dict[int, float]:
        return self.reach[-1] if self.reach else _NOTHING

    def _push(self, label: Label) -> None:
        ends = self._ends()
        self.placed.append(label)
        self.reach.append({**ends, label.side: max(ends[label.side], label.box[1])})

    def _fit(self, label: Label, limit: int) -> None:
        _fit(label, self.xs, self.name(label.members, limit), self.axis, self.plot_px)

    def _try_sides(self, label: Label) -> int | None:
        """The free side for the label's text, or its shorter text; None if neither fits."""
        before = self.placed[-1].side if self.placed else BELOW
        for limit in (LONGEST_LABEL, COMPACT_LABEL):
            self._fit(label, limit)
            if (side := _free_side(label, self._ends(), before)) is not None:
                return side
        return None

    def _far(self, label: Label) -> bool:
        """Whether the item is farther from the last placed ones than a short label is wide:
        grouping them would put one label far from its markers."""
        if not self.placed:
            return False
        gap = self.xs[label.members[0]] - self.xs[self.placed[-1].members[-1]]
        span = self.axis[1] - self.axis[0]
        return gap > label_width_px("x" * COMPACT_LABEL) * span / self.plot_px

    def _shorten_last(self) -> None:
        """Redraw the last two labels (one a side, usually) with their shorter texts, each
        kept as it was if the shorter one would not fit where it is."""
        kept = [self.placed.pop() for _ in range(min(2, len(self.placed)))][::-1]
        del self.reach[len(self.reach) - len(kept) :]
        for label in kept:
            before = (label.text, label.x, label.anchor, label.box)
            self._fit(label, COMPACT_LABEL)
            if label.box[0] < self._ends()[label.side]:
                label.text, label.x, label.anchor, label.box = before
            self._push(label)


def _fit(
    label: Label, xs: list[float], text: str, axis: tuple[float, float], plot_px: float
) -> None:
    """The label's text, position and box; moved inward of its items at the axis ends."""
    span = axis[1] - axis[0]
    label.text = text
    label.x = (xs[label.members[0]] + xs[label.members[-1]]) / 2
    label.anchor = "center"
    box = label_box(label.x, label.text, "center", span, plot_px)
    if box[0] < axis[0]:
        label.anchor, label.x = "right", max(axis[0], xs[label.members[0]])
    elif box[1] > axis[1]:
        label.anchor, label.x = "left", min(axis[1], xs[label.members[-1]])
    label.box = label_box(label.x, label.text, label.anchor, span, plot_px)


def _free_side(label: Label, ends: dict[int, float], before: int) -> int | None:
    """A side where the label starts past every label already there; the other side than the
    label before first (alternating reads best)."""
    for side in (-before, before):
        if label.box[0] >= ends[side]:
            return side
    return None


# Kinds that are one numbered series each: their lane names the series, so a number says it.
SERIES_KINDS = ("high-level-conference", "wgecc-meeting", "coordination-committee", "ministerial")


def ordinal_label(ordinal: Any) -> str | None:
    """A meeting's number in its series as a label ("9th", «№ 9»); None when it has none."""
    if ordinal is None or pd.isna(ordinal):
        return None
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


def chart_label(kind: str, short_title: str, ordinal: Any) -> str:
    """The lane already names the kind, so a numbered meeting of a one-series lane is labelled
    by its number; any other by its short title."""
    if kind not in SERIES_KINDS:
        return short_title
    return ordinal_label(ordinal) or short_title


def session_label(series: Any, ordinal: Any, short_title: str) -> str:
    """On a lane of one convention, a session by its number, as its series counts them:
    "COP26" («КС-26»), "MOP7" («СС-7»); a session of another series, or with no number, by
    its short title."""
    if ordinal is None or pd.isna(ordinal) or not isinstance(series, str) or not series:
        return short_title
    body = series.split()[-1]
    if body == "COP":
        return pgettext("numbered session", "COP{number}").format(number=int(ordinal))
    if body == "MOP":
        return pgettext("numbered session", "MOP{number}").format(number=int(ordinal))
    return short_title


def group_label(
    texts: list[str], ordinals: list[Any], series: list[Any], limit: int = LONGEST_LABEL
) -> str:
    """One label for meetings too close to be labelled apart: a run of one series by its
    numbers ("5th–6th", "COP26–27"), else the first one's label and how many more."""
    if len(texts) == 1:
        return short(texts[0], limit)
    numbers = [None if o is None or pd.isna(o) else int(o) for o in ordinals]
    first, last = numbers[0], numbers[-1]
    one_series = len({str(s) for s in series}) == 1 and not pd.isna(series[0])
    if one_series and first is not None and last is not None and first < last:
        if texts[0].endswith(str(first)) and texts[-1].endswith(str(last)):
            return short(_("{first}–{last}").format(first=texts[0], last=last), limit)
        return short(_("{first}–{last}").format(first=texts[0], last=texts[-1]), limit)
    lead = short(texts[0], limit)
    return _("{label} +{more}").format(label=lead, more=i18n.number(len(texts) - 1))


def unmarked(text: Any) -> str:
    """A short title as a chart label: without the marker of a text shown in English (codes
    and names such as "UNFCCC COP26" read the same; the hover title keeps the marker)."""
    return str(text).removesuffix(ENGLISH_MARKER)


def _days(values: Any, origin: pd.Timestamp) -> list[float]:
    """Dates as days since `origin` (the axis the labels are placed on)."""
    return [(pd.Timestamp(v) - origin) / pd.Timedelta(days=1) for v in values]


def dodge(days: list[float], span: float, plot_px: float = PHONE_PLOT_PX) -> list[int]:
    """Markers of a lane closer than a marker's width at `plot_px` are stacked: 0, +1, −1 in
    turn, so meetings on the same or nearby days stay apart; a lone marker stays on the lane."""
    gap = (MARKER_PX + 2) * span / plot_px
    levels: list[int] = []
    for index, day in enumerate(days):
        crowded = index > 0 and day - days[index - 1] < gap
        step = (levels[-1] + 1) % 3 if crowded else 0
        levels.append(step)
    return [(0, 1, -1)[level] for level in levels]


# ---- Lanes ---------------------------------------------------------------------------------
# A kind with many meetings of several conventions or series reads better split: one lane per
# convention (COPs) or series (other meetings) that has a few meetings, the rest on one lane,
# under a heading that names the kind (the legend's name for it).
PART_FROM = 2  # meetings a convention or series needs for a lane of its own
PARTS_PER_KIND = 6  # lanes of their own at most, the largest first
PART_CHARS = 36  # a part's name on one line of a phone (its hover text is whole)
PART_FONT_PX = 12  # a part's name, under its kind's (13 px)


@dataclass
class Lane:
    """One row of the timeline: a kind's meetings, or the part of them held under one
    convention or series (`part` names it), and how its meetings are labelled."""

    kind: str
    members: list[int]  # rows of the date-ordered frame
    part: str | None = None
    numbering: str = "kind"  # "kind" (chart_label), "session", "ordinal" or "title"


def timeline_lanes(
    kinds: list[str], codes: list[Any], series: list[Any], names: list[Any] | None = None
) -> list[Lane]:
    """The lanes, kind by kind in the usual order: COPs split by convention and other
    meetings by series where that gives lanes of a few meetings each. Meetings are grouped by
    their English `series`; a series' lane is titled by its `names` (the series in the page's
    language) where given."""
    lanes: list[Lane] = []
    for kind in MEETING_KINDS:
        members = [i for i, k in enumerate(kinds) if k == kind]
        if not members:
            continue
        parts: list[Lane] = []
        if kind == "cop":
            parts = _convention_parts(members, codes)
        elif kind == "other":
            parts = _series_parts(members, series, names)
        lanes += parts or [Lane(kind, members)]
    return lanes


def _convention_parts(members: list[int], codes: list[Any]) -> list[Lane]:
    """COPs by convention. A session held under a convention and its protocol ("PARIS;
    UNFCCC") counts for the one most sessions share; a single convention gets a lane of its
    own whatever its count, the rest share one."""
    held = {i: str(codes[i]).split("; ") if isinstance(codes[i], str) and codes[i] else []
            for i in members}  # fmt: skip
    counts = Counter(code for found in held.values() for code in found)
    primary = {i: min(found, key=lambda c: (-counts[c], c)) if found else None
               for i, found in held.items()}  # fmt: skip
    tally = Counter(code for code in primary.values() if code is not None)
    own = [code for code, n in tally.most_common() if n >= PART_FROM][:PARTS_PER_KIND]
    if len(tally) == 1 and None not in primary.values():
        own = list(tally)
    if not own:
        return []
    names = {code: _code_text(convention_short_name(code)) for code in tally}
    lanes = [Lane("cop", [i for i in members if primary[i] == code], names[code], "session")
             for code in own]  # fmt: skip
    rest = [i for i in members if primary[i] not in own]
    return lanes + _rest_lane("cop", rest, primary, _("other conventions"), "session", titles=names)


def _code_text(code: str) -> str:
    """A convention's name or code as Plotly shows it as written (callers escape record texts,
    not codes)."""
    return html.escape(code, quote=False)


def _series_parts(members: list[int], series: list[Any], names: list[Any] | None) -> list[Lane]:
    """Other meetings by series, for a series of a few meetings; the rest share one lane."""
    named = {i: series[i] if isinstance(series[i], str) and series[i] else None for i in members}
    tally = Counter(name for name in named.values() if name is not None)
    own = [name for name, n in tally.most_common() if n >= PART_FROM][:PARTS_PER_KIND]
    if not own:
        return []
    titles = _series_titles(named, names)
    lanes = [Lane("other", [i for i in members if named[i] == name], titles.get(name, name),
                  "ordinal") for name in own]  # fmt: skip
    rest = [i for i in members if named[i] not in own]
    return lanes + _rest_lane("other", rest, named, _("other meetings"), "ordinal", titles=titles)


def _series_titles(named: dict[int, str | None], names: list[Any] | None) -> dict[str, str]:
    """Each series' lane title: the name in the page's language most of its meetings give
    (`shown_text`: its Russian name, or its English one with the marker). A record text the
    page does not escape (it escapes `series`, the key), so it is escaped here."""
    counted: dict[str, Counter[str]] = {}
    for i, key in named.items():
        name = names[i] if names is not None else None
        if key is not None and isinstance(name, str) and name:
            counted.setdefault(key, Counter())[name] += 1
    return {key: html.escape(found.most_common(1)[0][0], quote=False)
            for key, found in counted.items()}  # fmt: skip


def _rest_lane(
    kind: str,
    rest: list[int],
    part_of: dict[int, Any],
    name: str,
    numbering: str,
    *,
    titles: dict[str, str] | None = None,
) -> list[Lane]:
    """The lane of the meetings left over: named by their convention or series when they
    share one (and labelled as its lane would be; `titles` names a convention or series),
    else by `name`."""
    if not rest:
        return []
    shared = {part_of[i] for i in rest}
    if len(shared) == 1 and None not in shared:
        key = str(shared.pop())
        return [Lane(kind, rest, (titles or {}).get(key, key), numbering)]
    return [Lane(kind, rest, name, "title")]


def _lane_texts(lane: Lane, titles: list[str], ordinals: list[Any], series: list[Any]) -> list[str]:
    """Each meeting's label on its lane: a number where the lane names the series."""
    texts = []
    for i in lane.members:
        title = unmarked(titles[i])
        if lane.numbering == "kind":
            texts.append(chart_label(lane.kind, title, ordinals[i]))
        elif lane.numbering == "session":
            texts.append(session_label(series[i], ordinals[i], title))
        elif lane.numbering == "ordinal":
            texts.append(ordinal_label(ordinals[i]) or title)
        else:
            texts.append(title)
    return texts


def _lane_ys(lanes: list[Lane]) -> tuple[list[float], float]:
    """Each lane's y (one lane height apart, a heading's height more above the first lane of a
    split kind) and the top of the y axis."""
    ys: list[float] = []
    cursor = 0.0
    for index, lane in enumerate(lanes):
        if index and lane.part is not None and lanes[index - 1].kind != lane.kind:
            cursor -= HEADING_AT
        ys.append(cursor)
        cursor -= 1.0
    top = LANE_ABOVE + (HEADING_AT if lanes and lanes[0].part is not None else 0.0)
    return ys, top


_COLUMNS = ("id", "title", "short_title", "kind", "series", "series_name", "ordinal",
            "convention_codes", "start_precision", "alive_from", "alive_to", "status", "when",
            "where")  # fmt: skip


def timeline_figure(meetings: pd.DataFrame, today: date) -> go.Figure:
    """Meetings on a time axis, one named lane per kind, COPs one per convention and other
    meetings one per series where those have a few meetings each. Dates known only to the
    month or year are open markers with a bar over the whole period, so no made-up day is
    shown. Every meeting is labelled, or grouped with its neighbours when their labels would
    collide on a phone; meetings on nearby days are stacked instead of drawn on top of each
    other. The lanes' headings name the kinds in their colours, so there is no legend; all
    markers are one trace and all labels another (Plotly draws each trace apart: 15 traces
    took 20 ms to draw in Chromium, 3 take 13 ms)."""
    figure = go.Figure()
    first, last = fitted_range(meetings.alive_from.min(), meetings.alive_to.max(), today)
    axis = (0.0, (last - first) / pd.Timedelta(days=1))
    frame, xs = _date_ordered(meetings)
    missing: list[Any] = [None] * len(frame)  # a frame without codes or series (a test's)
    column = {name: frame[name].tolist() if name in frame else missing for name in _COLUMNS}
    days = ((xs - first) / pd.Timedelta(days=1)).tolist()
    lanes = timeline_lanes(
        column["kind"], column["convention_codes"], column["series"], column["series_name"]
    )
    ys, top = _lane_ys(lanes)
    labelled = len(frame) <= LABELS_UP_TO
    names: list[dict[str, Any]] = []  # set at once: Plotly checks every annotation on each add
    placed: list[tuple[int, float]] = []  # each meeting's row and the y it is drawn at
    labels: list[tuple[Label, float]] = []  # each label and its lane's y
    periods: dict[str, list[tuple[int, float]]] = {}  # imprecise meetings by kind
    for index, (lane, y) in enumerate(zip(lanes, ys, strict=True)):
        lane_days = [days[i] for i in lane.members]
        levels = dodge(lane_days, axis[1])
        placed += [(i, y + level * DODGE_AT) for i, level in zip(lane.members, levels, strict=True)]
        for i in lane.members:
            if column["start_precision"][i] != "day":
                periods.setdefault(lane.kind, []).append((i, y))
        if index == 0 or lanes[index - 1].kind != lane.kind:
            heading = y + LANE_NAME_AT + (HEADING_AT if lane.part is not None else 0.0)
            names += _kind_name(lane.kind, heading)
        if lane.part is not None:
            names.append(_part_name(lane.part, y))
        if labelled:
            texts = _lane_texts(lane, column["short_title"], column["ordinal"], column["series"])
            labels += [(label, y) for label in _lane_labels(lane, column, texts, lane_days, axis)]
    for kind, members in periods.items():
        figure.add_trace(_period_bars(column, members, KIND_COLOURS[kind]))
    figure.add_trace(_markers(column, placed, xs))
    if labels:
        figure.add_trace(_label_texts(labels, first))
    figure.update_layout(annotations=names)
    _today_line(figure, today, (first, last))
    bottom = (ys[-1] if ys else 0.0) - LANE_BELOW
    figure.update_yaxes(
        range=[bottom, top], showticklabels=False, showgrid=False, zeroline=False, fixedrange=True,
    )  # fmt: skip
    figure.update_xaxes(range=[first, last])
    plot_px = LANE_PX * (top - bottom)
    _layout(figure, height=round(plot_px) + LANE_TOP_PX + DATE_AXIS_PX, clickmode="event+select")
    figure.update_layout(
        hovermode="closest", showlegend=False, margin={"t": LANE_TOP_PX, "b": DATE_AXIS_PX}
    )
    return figure


def _date_ordered(meetings: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """The meetings by the date their marker is drawn at (an exact day where known; for a
    month or a year, the middle of its drawn period), and those dates."""
    start = pd.to_datetime(meetings.alive_from)
    end = pd.to_datetime(meetings.alive_to)
    xs = start.where(meetings.start_precision == "day", start + (end - start) / 2)
    order = pd.DataFrame({"x": xs.to_numpy(), "id": meetings.id.to_numpy()}).sort_values(
        ["x", "id"], kind="stable"
    )
    frame = meetings.iloc[order.index].reset_index(drop=True)
    return frame, order.x.reset_index(drop=True)


# The lanes' geometry, in lane heights: each lane has its name, a row of labels above the
# markers and one below; a split kind's heading sits above its first lane's name.
LANE_PX = 84.0
LANE_NAME_AT, LABEL_AT, DODGE_AT = 0.5, 0.27, 0.1
HEADING_AT = 0.3
LANE_ABOVE, LANE_BELOW = 0.64, 0.42
MARKER_PX = 11
LANE_TOP_PX = 30  # room for "today" above the plot


def _kind_name(kind: str, y: float) -> list[dict[str, Any]]:
    """The kind's name above its (first) lane's left end, in dark bold text after a dot of its
    colour (tick labels would take a third of a phone's width)."""
    where = {"x": 0, "xref": "paper", "xanchor": "left", "y": y, "yref": "y"}
    return [
        {**where, "text": "●", "showarrow": False,
         "font": {"size": 14, "color": KIND_COLOURS[kind]}},
        {**where, "xshift": 16, "text": kind_name(kind), "showarrow": False,
         "font": {"size": 13, "color": "#222222", "weight": "bold"}},
    ]  # fmt: skip


def cut_at_word(text: str, limit: int) -> str:
    """The text cut after its last whole word that fits `limit` characters shown, with "…"
    (a lane's name: half a word reads as another); entities are kept whole, as in `short`."""
    shown = html.unescape(text)
    if len(shown) <= limit:
        return text
    head = shown[: limit - 1]
    if shown[limit - 1] != " " and " " in head.strip():
        head = head[: head.rstrip().rindex(" ")]
    return html.escape(head.rstrip(" ,;:–-"), quote=False) + "…"


def _part_name(part: str, y: float) -> dict[str, Any]:
    """A split kind's lane named under the kind's heading: its convention or series (cut to a
    phone's line, whole on hover)."""
    shown = cut_at_word(part, PART_CHARS)
    return {"x": 0, "xref": "paper", "xanchor": "left", "y": y + LANE_NAME_AT, "yref": "y",
            "xshift": 16, "text": shown, "showarrow": False,
            "hovertext": part if shown != part else None,
            "font": {"size": PART_FONT_PX, "color": "#333333", "weight": "bold"}}  # fmt: skip


def _lane_labels(
    lane: Lane,
    column: dict[str, list[Any]],
    texts: list[str],
    days: list[float],
    axis: tuple[float, float],
) -> list[Label]:
    """The lane's labels, above and below the lane by turns, grouped where they would collide."""
    ordinals = [column["ordinal"][i] for i in lane.members]
    series = [column["series"][i] for i in lane.members]

    def name(members: list[int], limit: int) -> str:
        run = slice(members[0], members[-1] + 1)
        return group_label(texts[run], ordinals[run], series[run], limit)

    return place_labels(days, name, axis)


def _label_texts(labels: list[tuple[Label, float]], first: pd.Timestamp) -> go.Scatter:
    """Every lane's labels as one text trace, each a label row off its lane's y."""
    return go.Scatter(
        x=[first + pd.Timedelta(days=label.x) for label, _y in labels],
        y=[y + label.side * LABEL_AT for label, y in labels],
        mode="text",
        text=[label.text for label, _y in labels],
        textposition=[f"middle {_TEXT_SIDE[label.anchor]}" for label, _y in labels],
        textfont={"size": LABEL_FONT_PX, "color": "#222222"},
        meta=[len(label.members) for label, _y in labels],  # how many meetings each names
        hoverinfo="skip",
        showlegend=False,
        cliponaxis=False,
    )


# Plotly's textposition names where the text goes relative to its point.
_TEXT_SIDE = {"center": "center", "left": "left", "right": "right"}


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
    highest = density.groupby("quarter").meetings.sum().max() if not density.empty else 0
    figure.update_layout(
        margin=margins(left=left_for_counts(highest, titled=True), bottom=DATE_AXIS_PX)
    )
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


def _markers(
    column: dict[str, list[Any]], placed: list[tuple[int, float]], xs: pd.Series
) -> go.Scatter:
    """Every meeting's marker, in its kind's colour, filled where the day is known; the hover
    text is short and names the meeting whole."""
    scatter = go.Scattergl if len(placed) > WEBGL_ABOVE else go.Scatter
    at = [i for i, _y in placed]
    colours = [KIND_COLOURS[column["kind"][i]] for i in at]
    statuses = map(meeting_status_name, (column["status"][i] for i in at))
    return scatter(
        x=[xs.iloc[i] for i in at],
        y=[y for _i, y in placed],
        mode="markers",
        name="",
        showlegend=False,
        marker={
            "size": MARKER_PX,
            "color": colours,
            "line": {"width": 2, "color": colours},
            "symbol": [
                "circle" if column["start_precision"][i] == "day" else "circle-open" for i in at
            ],
        },
        cliponaxis=False,
        customdata=[
            [
                column["id"][i],
                column["title"][i],
                column["when"][i],
                column["where"][i],
                _("status: {status}").format(status=status),
            ]
            for i, status in zip(at, statuses, strict=True)
        ],
        hovertemplate="<b>%{customdata[1]}</b><br>%{customdata[2]} · %{customdata[3]}"
        "<br>%{customdata[4]}<extra></extra>",
    )


def _period_bars(
    column: dict[str, list[Any]], placed: list[tuple[int, float]], colour: str
) -> go.Scatter:
    """Pale bars over the month or year a meeting known only to that is placed in, on its
    lane (one trace for a kind's bars: a trace has one colour)."""
    xs: list[Any] = []
    ys: list[Any] = []
    for i, y in placed:
        xs += [column["alive_from"][i], column["alive_to"][i], None]
        ys += [y, y, None]
    return go.Scatter(
        x=xs,
        y=ys,
        mode="lines",
        line={"color": colour, "width": 6},
        opacity=0.3,
        hoverinfo="skip",
        showlegend=False,
    )


# How far past the data an axis may run to keep today's line in view.
TODAY_NEAR = pd.Timedelta(days=366)


def fitted_range(first: Any, last: Any, today: date) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The x range: the data, and today when it is within a year of it, with a narrow margin
    (markers and labels at the ends are drawn inward, so none is cut)."""
    now = pd.Timestamp(today)
    start = now if first is None or pd.isna(first) else pd.Timestamp(first)
    end = now if last is None or pd.isna(last) else pd.Timestamp(last)
    if end < now <= end + TODAY_NEAR:
        end = now
    if start > now >= start - TODAY_NEAR:
        start = now
    margin = min(max(pd.Timedelta(days=20), (end - start) * 0.025), pd.Timedelta(days=120))
    return start - margin, end + margin


_DAY_MS = 24 * 60 * 60 * 1000


def wrap(label: str, width: int = 18) -> str:
    """Break a long axis label over lines, so it does not squeeze the plot; a phase's
    "· phase N" stays on one line."""
    head, dot, tail = label.rpartition(" · ")
    words = (
        [*head.split(" "), f"·\u00a0{tail.replace(' ', chr(0xA0))}"] if dot else label.split(" ")
    )
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + len(word) < width:
            lines[-1] += f" {word}"
        else:
            lines.append(word)
    return "<br>".join(lines)


def gantt_figure(phases: pd.DataFrame, meetings: pd.DataFrame, today: date) -> go.Figure:
    """Planned and actual periods of each phase as paired bars named above their left end (a
    phone keeps its whole width for the bars), meetings grouped on their own row (each group
    labelled by its meeting or its count), and a line at today. A phase whose end is not
    recorded runs to today, hatched."""
    figure = go.Figure()
    rows_shown = list(phases.name)
    for kind, columns, colour in (
        ("planned", ("planned_start", "planned_until"), "#c6dbef"),
        ("actual", ("actual_start", "actual_until"), "#08519c"),
    ):
        figure.add_trace(_phase_bars(phases, kind, columns, colour, today))
    _milestones(figure, phases)
    first, last = _gantt_range(phases, meetings, today)
    if not meetings.empty:
        rows_shown.append(_("Meetings"))
        figure.add_trace(_meeting_groups(meetings, (first, last), PHONE_PLOT_PX))
    figure.update_layout(
        annotations=[
            {"x": 0, "xref": "paper", "xanchor": "left", "y": row, "yref": "y",
             "yshift": ROW_NAME_SHIFT, "text": row_name(row), "showarrow": False,
             "font": {"size": 12, "color": "#222222", "weight": "bold"}}
            for row in rows_shown
        ]
    )  # fmt: skip
    _today_line(figure, today, (first, last))
    figure.update_yaxes(
        type="category", categoryorder="array", categoryarray=list(reversed(rows_shown)),
        showticklabels=False,
    )  # fmt: skip
    figure.update_xaxes(range=[first, last])
    _layout(figure, height=110 + ROW_PX * len(rows_shown), barmode="group", bargap=0.45)
    figure.update_layout(hovermode="closest")
    return figure


# A Gantt row: its name above a pair of bars (or the meetings' diamonds and their labels).
ROW_PX = 64
ROW_NAME_SHIFT = 28
ROW_NAME_CHARS = 46  # fits a phone's plot in one line


def row_name(name: str, limit: int = ROW_NAME_CHARS) -> str:
    """A row's name cut to one line of a phone, keeping its "· phase N" and the marker of a
    name shown in English: the project's name is what gives way."""
    head, dot, tail = name.rpartition(" · ")
    if not dot or len(name) <= limit:
        return short(name, limit)
    marker = ENGLISH_MARKER if head.endswith(ENGLISH_MARKER) else ""
    room = limit - len(dot) - len(tail) - len(marker)
    return f"{short(head.removesuffix(marker), room)}{marker}{dot}{tail}"


def _phase_bars(
    phases: pd.DataFrame, kind: str, columns: tuple[str, str], colour: str, today: date
) -> go.Bar:
    """One bar per phase with a start: `kind` "planned" or "actual"; no end runs to today."""
    start_col, end_col = columns
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
        ys.append(row.name)
        hover.append(
            f"<b>{row.name}</b><br>{row.title}<br>" + line.format(period=getattr(row, kind))
        )
        patterns.append("/" if open_ended else "")
    return go.Bar(
        base=starts, x=lengths, y=ys, orientation="h", name=name, offsetgroup=kind,
        marker={"color": colour, "line": {"color": "#08519c", "width": 1},
                "pattern": {"shape": patterns}},
        hovertext=hover, hoverinfo="text",
    )  # fmt: skip


def _gantt_range(
    phases: pd.DataFrame, meetings: pd.DataFrame, today: date
) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The phases' span with their meetings, fitted (`fitted_range`)."""
    days = [] if meetings.empty else [meetings.alive_from.min(), meetings.alive_from.max()]
    return fitted_range(*phase_span(phases, today, days), today)


def _meeting_groups(
    meetings: pd.DataFrame, span: tuple[pd.Timestamp, pd.Timestamp], plot_px: float
) -> go.Scatter:
    """The meetings as diamonds on one row, grouped where their labels would collide on a
    phone: each diamond names its meeting, or says how many it stands for and lists them on
    hover."""
    first, last = span
    ordered = meetings.sort_values(["alive_from", "id"]).reset_index(drop=True)
    days = _days(ordered.alive_from, first)
    texts = [unmarked(t) for t in ordered.short_title]  # one row for all kinds: no numbers

    def name(members: list[int], limit: int) -> str:
        if len(members) == 1:
            return short(texts[members[0]], limit)
        count = members[-1] - members[0] + 1
        return ngettext("{n} meeting", "{n} meetings", count).format(n=i18n.number(count))

    labels = place_labels(days, name, (0.0, (last - first) / pd.Timedelta(days=1)), plot_px)
    hover = []
    whens = [str(w) for w in ordered["when"]]
    for label in labels:
        shown = [f"{texts[i]} · {whens[i]}" for i in range(label.members[0], label.members[-1] + 1)]
        more = len(shown) - HOVER_LINES
        if more > 0:
            shown = [*shown[:HOVER_LINES], _("and {n} more").format(n=i18n.number(more))]
        hover.append("<br>".join(shown))
    counts = [label.members[-1] - label.members[0] + 1 for label in labels]
    return go.Scatter(
        x=[first + pd.Timedelta(days=label.x) for label in labels],
        y=[_("Meetings")] * len(labels),
        mode="markers+text",
        name=_("Meetings"),
        marker={
            "symbol": "diamond",
            "size": [11 if c == 1 else 15 for c in counts],
            "color": "#d62728",
        },
        text=[label.text for label in labels],
        textposition=[
            f"{'top' if label.side == ABOVE else 'bottom'} {_TEXT_SIDE[label.anchor]}"
            for label in labels
        ],
        textfont={"size": LABEL_FONT_PX, "color": "#222222"},
        customdata=counts,
        hovertext=hover,
        hoverinfo="text",
        cliponaxis=False,
    )


HOVER_LINES = 12


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
            y=list(same_day.name),
            mode="markers",
            name=_("One-day phase"),
            marker={"symbol": "diamond-wide", "size": 16, "color": "#08519c"},
            hovertext=[f"{r.label}: {r.actual}" for r in rows(same_day)],
            hoverinfo="text",
        )
    )


def per_year_figure(years: pd.DataFrame, today: date) -> go.Figure:
    """The record at a glance: meetings per year by kind above, the commitments made each year
    by what has become of them below, on one year axis."""
    figure = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.17,
        # Wrapped: a phone's plot is ~340 px wide, and a title must not run past its edges.
        subplot_titles=(
            wrap(_("Meetings per year, by kind"), 32),
            wrap(_("Commitments made each year, by status now"), 32),
        ),
    )  # fmt: skip
    rows_of = {"meetings": 1, "commitments": 2}
    legend: dict[str, list[str]] = {"meetings": [], "commitments": []}
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
            legend[what].append(name)
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
    _layout(figure, height=620 + _stacked_legend_px(list(legend.values())), date_axis=False,
            barmode="stack")  # fmt: skip
    # The legend below the charts, where a phone has room for it (beside them it squeezes
    # the bars); year ticks spaced so that upright labels never touch at a phone's width.
    figure.update_layout(
        legend={"orientation": "h", "y": -0.08, "yanchor": "top", "x": 0},
        margin=margins(left=left_for_counts(_highest_stack(years)), top=60, bottom=40),
    )
    figure.update_annotations(font={"size": 13})
    span = int(years.year.max() - years.year.min()) + 1 if not years.empty else 1
    figure.update_xaxes(dtick=_year_step(span), tickformat="d", tickangle=0)
    return figure


LEGEND_ROW_PX = 19
LEGEND_ENTRY_PX = 48  # an entry's symbol and the gaps around its text


def _stacked_legend_px(groups: list[list[str]]) -> int:
    """How much taller a legend of these groups is when they do not fit side by side on a
    phone and Plotly stacks them: the figure grows by that, so its charts keep their height
    (at a million, every kind and status named, the two charts were squeezed to ~100 px)."""
    shown = [names for names in groups if names]
    side_by_side = sum(LEGEND_ENTRY_PX + max(map(label_width_px, names)) for names in shown)
    if side_by_side <= PHONE_CHART_PX:
        return 0
    stacked = sum(map(len, shown)) + len(shown) - 1  # a row's gap between groups
    return (stacked - max(map(len, shown))) * LEGEND_ROW_PX


def _highest_stack(years: pd.DataFrame) -> float:
    """The tallest stacked bar of either chart of `per_year_figure`."""
    if years.empty:
        return 0
    return float(years.groupby(["what", "year"])["count"].sum().max())


def _year_step(years: int) -> int:
    """Every year on a short axis; every 2nd or 5th on a long one (a phone fits ~9 labels)."""
    return 1 if years <= 9 else 2 if years <= 18 else 5
