"""Charts in Russian: every word a chart shows comes from the catalog in the chosen language,
numbers use the language's separators, and English stays as it was by default.

Expected words are read from the catalog (`_`, `pgettext`) under the same language, and each is
checked to differ from its English source, so a missing translation fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pytest

from cooptrack.db import schema
from cooptrack.db.schema import COMMITMENT_STATUSES, MEETING_KIND_LABELS, MEETING_KINDS
from cooptrack.db.store import Store
from cooptrack.i18n import ENGLISH_MARKER, Language, _, pgettext, use_language
from cooptrack.query import codes, figures
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import phases as phase_queries
from cooptrack.query.filters import Filters
from cooptrack.query.status_charts import by_size, status_bars
from cooptrack.ui.text import CHART_TEXT, chart_safe

TODAY = date(2026, 11, 28)


@pytest.fixture(scope="module")
def bundled(bundled_db: Path) -> Iterator[Store]:
    with Store.open(bundled_db) as store:
        yield store


def russian(message: str, context: str | None = None) -> str:
    """`message` as the Russian catalog has it; fails when it is not translated."""
    with use_language("ru"):
        found = pgettext(context, message) if context else _(message)
    assert found != message, f"{message!r} has no Russian translation"
    return found


def legend(figure: go.Figure) -> list[str]:
    return [str(t.name) for t in figure.data if t.showlegend is not False and t.name]


def annotation_texts(figure: go.Figure) -> list[str]:
    return [str(a.text) for a in figure.layout.annotations]


def test_kinds_and_statuses_are_named_in_both_languages() -> None:
    """English names are the record's own labels and codes; Russian ones all differ."""
    assert [codes.kind_name(k) for k in MEETING_KINDS] == [
        MEETING_KIND_LABELS[k] for k in MEETING_KINDS
    ]
    assert [codes.commitment_status_name(s) for s in COMMITMENT_STATUSES] == list(
        COMMITMENT_STATUSES
    )
    with use_language("ru"):
        kinds = [codes.kind_name(k) for k in MEETING_KINDS]
        statuses = [codes.commitment_status_name(s) for s in COMMITMENT_STATUSES]
        held = codes.meeting_status_name("held")
        assert codes.kind_name("no-such-kind") == "no-such-kind"  # not a code: shown as it is
    assert not set(kinds) & set(MEETING_KIND_LABELS.values())
    assert not set(statuses) & set(COMMITMENT_STATUSES)
    assert held == russian("held", "meeting status")


def test_the_timeline_names_lanes_today_and_status_in_russian(bundled: Store) -> None:
    with use_language("ru"):
        meetings = meeting_queries.meetings_frame(bundled, Filters())
        figure = figures.timeline_figure(meetings, TODAY)
        lanes = [codes.kind_name(k) for k in MEETING_KINDS if k in set(meetings.kind)]
    headings = [str(a.text) for a in figure.layout.annotations if a.xshift and a.font.size == 13]
    assert headings == lanes
    assert russian("today") in annotation_texts(figure)
    held = russian("status: {status}").format(status=russian("held", "meeting status"))
    hovers = {row[4] for t in figure.data if t.customdata is not None for row in t.customdata}
    assert held in hovers
    assert all(not str(h).startswith("status: ") for h in hovers)


def test_convention_lanes_are_named_as_russian_readers_call_them(bundled: Store) -> None:
    """Each COP lane of the bundled record is named in Russian (РКИК ООН, not UNFCCC; the
    Aarhus Convention as «Орхусская конвенция», not AARHUS)."""
    with use_language("ru"):
        meetings = meeting_queries.meetings_frame(bundled, Filters())
        figure = figures.timeline_figure(meetings, TODAY)
    cops = meetings[meetings.kind == "cop"]
    codes_held = {c for value in cops.convention_codes.dropna() for c in value.split("; ")}
    assert {"UNFCCC", "AARHUS", "UNECE-WATER"} <= codes_held
    texts = annotation_texts(figure)
    for code in ("UNFCCC", "AARHUS", "UNECE-WATER"):
        assert russian(codes.convention_short_name(code), "convention") in texts
        assert code not in texts


def test_numbered_meetings_are_labelled_without_english_suffixes() -> None:
    with use_language("ru"):
        labels = [figures.chart_label("wgecc-meeting", "WGECC", n) for n in (1, 2, 3, 11, 22)]
    expected = [
        russian(f"{{number}}{s}", "numbered meeting") for s in ("st", "nd", "rd", "th", "nd")
    ]
    assert labels == [e.format(number=n) for e, n in zip(expected, (1, 2, 3, 11, 22), strict=True)]
    assert not any(label.endswith(("st", "nd", "rd", "th")) for label in labels)


def test_the_density_chart_hovers_and_axis_are_russian(bundled: Store) -> None:
    with use_language("ru"):
        density = meeting_queries.meeting_density(bundled, Filters())
        figure = figures.density_figure(density, TODAY)
    assert figure.layout.yaxis.title.text == russian("meetings per quarter")
    first = figure.data[0]
    quarter = pd.Timestamp(first.x[0])
    count = int(first.y[0])
    with use_language("ru"):
        when = _("{year} Q{quarter}").format(
            year=quarter.year, quarter=(quarter.month - 1) // 3 + 1
        )
    assert first.hovertext[0].startswith(f"{when}: {count} ")
    assert first.name in first.hovertext[0]
    english = figures.density_figure(meeting_queries.meeting_density(bundled, Filters()), TODAY)
    assert english.layout.yaxis.title.text == "meetings per quarter"
    assert " Q" in english.data[0].hovertext[0] and " meeting" in english.data[0].hovertext[0]


def test_the_gantt_bars_rows_and_hovers_are_russian(bundled: Store) -> None:
    with use_language("ru"):
        phases = phase_queries.phases_frame(bundled, Filters())
        meetings = meeting_queries.meetings_frame(bundled, Filters())
        figure = figures.gantt_figure(phases, meetings, TODAY)
    planned, actual = russian("Planned", "phase period"), russian("Actual", "phase period")
    bars = {t.name: t for t in figure.data if t.type == "bar"}
    assert set(bars) == {planned, actual}
    line = russian("Actual: {period}").split("{period}")[0]
    assert all(line in text for text in bars[actual].hovertext)
    row = russian("Meetings")
    assert row in list(figure.layout.yaxis.categoryarray)
    assert [t.name for t in figure.data if t.type == "scatter"] == [row]


def test_status_bars_name_statuses_and_count_the_russian_way() -> None:
    with use_language("ru"):
        rest = _("all others ({n})").format(n=3)
        counts = pd.DataFrame(
            {
                "label": [rest, "Казахстан", "Австрия", "Казахстан"],
                "status": ["agreed", "agreed", "agreed", "fulfilled"],
                "commitments": [1200, 40, 5, 30],
            }
        )
        figure = status_bars(counts, "По странам", by_size(counts))
    assert legend(figure) == [  # the order the segments stack: kept promises first
        russian("fulfilled", "commitment status"),
        russian("agreed", "commitment status"),
    ]
    assert figure.layout.xaxis.title.text == russian("commitments")
    assert figure.layout.separators == ",\u00a0"  # 1 200, as Russian writes it
    assert russian("fulfilled", "commitment status") in figure.data[0].hovertemplate
    assert list(reversed(figure.layout.yaxis.categoryarray))[-1] == rest  # "all others" last
    assert status_bars(counts, "x", by_size(counts)).layout.separators == ".,"  # English: 1,200


def test_the_overview_picture_has_russian_titles_and_names(bundled: Store) -> None:
    with use_language("ru"):
        years = meeting_queries.per_year(bundled, Filters())
        figure = figures.per_year_figure(years, TODAY)
        names = {codes.kind_name(k) for k in MEETING_KINDS} | {
            codes.commitment_status_name(s) for s in COMMITMENT_STATUSES
        }
    titles = [t.replace("<br>", " ") for t in annotation_texts(figure)]  # wrapped for phones
    assert russian("Meetings per year, by kind") in titles
    assert russian("Commitments made each year, by status now") in titles
    assert set(legend(figure)) <= names and legend(figure)
    assert all(" in %{x}" not in str(t.hovertemplate) for t in figure.data)


def test_charts_carry_plotly_s_russian_locale_only_in_russian() -> None:
    assert figures.chart_config() == {"displaylogo": False}
    with use_language("ru"):
        config: dict[str, Any] = figures.chart_config()
    locale = config["locales"][config["locale"]]
    assert config["locale"] == "ru"
    assert locale["format"]["months"][0].lower() == "январь"
    assert len(locale["format"]["shortDays"]) == 7 and locale["format"]["decimal"] == ","
    assert locale["dictionary"]["Zoom in"] == russian("Zoom in")
    assert all(locale["dictionary"][text] != text for text in figures.PLOTLY_TEXTS)


def lane_titles(figure: go.Figure) -> list[str]:
    """The titles of a split kind's lanes (their whole text: the hover of one cut short)."""
    return [
        str(a.hovertext or a.text)
        for a in figure.layout.annotations
        if a.font.size == figures.PART_FONT_PX
    ]


def series_names(store: Store) -> dict[str, str]:
    """Each series' Russian name as the record holds it (one per series)."""
    return dict(
        store.rows("SELECT DISTINCT series, series_ru FROM meetings WHERE series_ru IS NOT NULL")
    )


def drawn_as_the_page_draws(store: Store, language: Language) -> go.Figure:
    """The Timeline's figure, its frame escaped as the page escapes it (`chart_safe`)."""
    with use_language(language):
        meetings = meeting_queries.meetings_frame(store, Filters())
        return figures.timeline_figure(chart_safe(meetings, *CHART_TEXT, "series"), TODAY)


def test_series_lanes_are_titled_by_the_series_russian_names(bundled: Store) -> None:
    english = lane_titles(drawn_as_the_page_draws(bundled, "en"))
    russian_titles = lane_titles(drawn_as_the_page_draws(bundled, "ru"))
    names = series_names(bundled)
    series = [title for title in english if title in names]  # the lanes of one series each
    assert len(series) >= 2, english
    assert [names[s] for s in series] == [t for t in russian_titles if t in names.values()]
    assert len(russian_titles) == len(english)
    assert not set(series) & set(russian_titles)


@pytest.fixture
def writable(bundled_db: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "copy.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    with Store.open(path, read_only=False) as store:
        yield store


def set_series_ru(store: Store, series: str, name: str | None) -> None:
    with store.transaction() as cursor:
        cursor.execute("UPDATE meetings SET series_ru = ? WHERE series = ?", [name, series])
        schema.rebuild_facts(cursor)


def test_a_series_named_only_in_english_keeps_its_lane_with_the_marker(writable: Store) -> None:
    names = series_names(writable)
    before = lane_titles(drawn_as_the_page_draws(writable, "ru"))
    series = next(s for s, ru in names.items() if ru in before)
    set_series_ru(writable, series, None)
    after = lane_titles(drawn_as_the_page_draws(writable, "ru"))
    assert after == [series + ENGLISH_MARKER if t == names[series] else t for t in before]


def test_a_russian_series_name_with_markup_is_shown_as_written(writable: Store) -> None:
    names = series_names(writable)
    before = lane_titles(drawn_as_the_page_draws(writable, "ru"))
    series = next(s for s, ru in names.items() if ru in before)
    set_series_ru(writable, series, "<b>Серия</b> &amp; <br>")
    titles = lane_titles(drawn_as_the_page_draws(writable, "ru"))
    assert "&lt;b&gt;Серия&lt;/b&gt; &amp;amp; &lt;br&gt;" in titles
    assert not any("<b>" in t or "<br>" in t for t in titles)
