"""The shared filter widgets, rendered once in the sidebar by `app.py`, kept in the URL.

`st.session_state` is filled from `st.query_params` once per session; after that the widgets
own the values and every run writes them back to the URL, so a copied link reproduces the view
and the filters survive page switches. A link is anyone's input: what it holds is parsed by
the pure `cooptrack.query.filters.from_query_params`, within the limits there, and every value
it ignores is named as literal text (a value such as `[x](https://elsewhere)` must not become
a link).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import streamlit as st

from cooptrack.errors import Problem
from cooptrack.i18n import _, current
from cooptrack.query.filters import (
    LIST_KEYS,
    MAX_SEARCH_CHARS,
    SINGLE_KEYS,
    FilterInput,
    Filters,
    from_query_params,
    resolve,
)
from cooptrack.ui import data
from cooptrack.ui.text import md

URL_KEYS = {
    "country": "f_country",
    "convention": "f_convention",
    "topic": "f_topic",
    "organisation": "f_organisation",
    "from": "f_from",
    "to": "f_to",
    "q": "f_search",
}
PHONE_ONLY = "phone_only"  # a container's key: its CSS class is st-key-phone_only
PHONE_WIDTH = 769  # Streamlit folds the side panel away at 768 px wide and narrower
_MULTI = ("country", "convention", "topic", "organisation")
_EARLIEST, _LATEST = date(1990, 1, 1), date(2060, 12, 31)


def _from_url() -> list[Problem]:
    """Seed the widgets from the link, keeping what resolves and reporting what does not
    (the parsing itself is `cooptrack.query.filters.from_query_params`, pure and tested alone)."""
    params = {key: st.query_params.get_all(key) for key in (*LIST_KEYS, *SINGLE_KEYS)}
    filters, problems = from_query_params(params, data.vocabulary(data.version()))
    st.session_state.f_country = list(filters.countries)
    st.session_state.f_convention = list(filters.conventions)
    st.session_state.f_topic = list(filters.topics)
    st.session_state.f_organisation = list(filters.organisations)
    st.session_state.f_from = _clamp(filters.date_from)
    st.session_state.f_to = _clamp(filters.date_to)
    st.session_state.f_search = filters.search
    return problems


def _clamp(value: date | None) -> date | None:
    return None if value is None else min(max(value, _EARLIEST), _LATEST)


def _clear() -> None:
    for name in _MULTI:
        st.session_state[URL_KEYS[name]] = []
    st.session_state.f_from = st.session_state.f_to = None
    st.session_state.f_search = ""
    st.session_state.url_problems = []


def settle() -> Filters:
    """The filters every page of this run must use, from the widgets' state (seeded from the
    link on a session's first run), written back to the URL; what the link held that does not
    resolve is said above the page. The widgets are drawn afterwards by `draw`, so that the
    page's heading reaches the browser before the sidebar does."""
    if "url_problems" not in st.session_state:
        st.session_state.url_problems = _from_url()
    vocabulary = data.vocabulary(data.version())
    filters, problems = resolve(_current_input(), vocabulary)
    st.session_state.filter_problems = [problem.reason for problem in problems]
    _write_url()
    if filters.is_empty():
        _phone_hint()
    for problem in st.session_state.url_problems:
        st.warning(
            _("Ignored from the link: {reason}. The other filters apply.").format(
                reason=md(problem.reason)
            ),
            icon=":material/link_off:",
        )
    return filters


def draw() -> None:
    """The filter widgets in the sidebar (their values were read by `settle` this run)."""
    vocabulary = data.vocabulary(data.version())
    country_names = dict(data.countries(data.version()))
    for code in st.session_state.get("f_country", []):
        country_names.setdefault(code, code)
    # Russian readers write a day as 31.01.2018; the value (and the URL) stays ISO either way.
    day_format = "DD.MM.YYYY" if current() == "ru" else "YYYY-MM-DD"
    with st.sidebar:
        st.header(_("Filters"))
        st.multiselect(
            _("Country"),
            list(country_names),
            format_func=country_names.__getitem__,
            key="f_country",
            placeholder=_("All countries"),
        )
        st.multiselect(
            _("Convention"),
            list(vocabulary.conventions),
            key="f_convention",
            # Named, so that typing "biolog" finds CBD as well as typing "cbd" does.
            format_func=lambda code: convention_label(code, vocabulary.conventions),
            placeholder=_("All conventions"),
        )
        st.multiselect(
            _("Topic"),
            list(vocabulary.topics),
            key="f_topic",
            format_func=vocabulary.topics.__getitem__,
            placeholder=_("All topics"),
        )
        st.multiselect(
            _("Organisation"),
            list(vocabulary.organisations),
            key="f_organisation",
            format_func=vocabulary.organisations.__getitem__,
            placeholder=_("All organisations"),
            help=_(
                "An organisation includes the bodies below it (the European "
                "Commission includes DG ENV)."
            ),
        )
        _year_range(record_years())
        with st.expander(_("Exact days"), expanded=_exact_days()):
            # One under the other: side by side, the sidebar cuts a date's year off.
            st.date_input(
                _("From"), key="f_from", min_value=_EARLIEST, max_value=_LATEST, format=day_format
            )
            st.date_input(
                _("To"), key="f_to", min_value=_EARLIEST, max_value=_LATEST, format=day_format
            )
        st.text_input(
            _("Search"),
            key="f_search",
            placeholder=_("words in titles and texts"),
            max_chars=MAX_SEARCH_CHARS,
        )
        st.button(_("Clear filters"), on_click=_clear, width="stretch")
        # Dates typed the wrong way round, or a search past its limits; the rest is pickers.
        for reason in st.session_state.get("filter_problems", []):
            st.warning(md(reason), icon=":material/warning:")


def convention_label(code: str, names: Mapping[str, str]) -> str:
    """ "CBD — Convention on Biological Diversity": the code a reader knows, and the name a
    reader may type instead."""
    name = names.get(code, "")
    return f"{code} — {name}" if name and name != code else code


def record_years() -> tuple[int, int]:
    """The first and last year the record has meetings or commitments in, and at least this
    year: the ends of the year slider."""
    years = data.per_year(data.version(), Filters()).year.dropna()
    this_year = data.today().year
    if years.empty:
        return this_year - 1, this_year
    return int(years.min()), max(int(years.max()), this_year)


def _year_range(span: tuple[int, int]) -> None:
    """Whole years at a drag, applied as soon as the handle is let go; its two ends mean "no
    limit", and moving one handle leaves the other end's exact day alone."""
    first, last = span
    shown = _years_shown(span)
    # Keyed by what it shows, so that dates typed below move it too (a new widget, drawn at
    # the new years), without writing a drawn widget's state.
    key = "f_years_{}_{}".format(*shown)
    st.select_slider(
        _("Years"),
        options=list(range(first, last + 1)),
        value=shown,
        key=key,
        on_change=_years_moved,
        args=(span, key),
        help=_("Drag either end; for exact days, open “Exact days” below."),
    )


def _years_shown(span: tuple[int, int]) -> tuple[int, int]:
    first, last = span
    start, end = st.session_state.get("f_from"), st.session_state.get("f_to")
    low = first if start is None else min(max(start.year, first), last)
    high = last if end is None else min(max(end.year, first), last)
    return low, max(low, high)


def _years_moved(span: tuple[int, int], key: str) -> None:
    first, last = span
    low, high = st.session_state[key]
    was_low, was_high = _years_shown(span)
    if low != was_low:
        st.session_state.f_from = None if low == first else date(low, 1, 1)
    if high != was_high:
        st.session_state.f_to = None if high == last else date(high, 12, 31)


def _exact_days() -> bool:
    """Open when a date is not a whole year's start or end, so the reader sees the day."""
    start, end = st.session_state.get("f_from"), st.session_state.get("f_to")
    return bool(
        (start and (start.month, start.day) != (1, 1)) or (end and (end.month, end.day) != (12, 31))
    )


def _phone_hint() -> None:
    """On a phone the side panel folds into an unlabelled » button: say where the filters
    are, while no filter is set. Shown on narrow screens only (the server's page hides the
    `PHONE_ONLY` container from `PHONE_WIDTH` pixels up, where the panel is open)."""
    with st.container(key=PHONE_ONLY):
        st.caption(_("Filters: tap » at the top left."))


def _current_input() -> FilterInput:
    state = st.session_state
    return FilterInput(
        countries=tuple(state.f_country),
        conventions=tuple(state.f_convention),
        topics=tuple(state.f_topic),
        organisations=tuple(state.f_organisation),
        date_from=state.f_from.isoformat() if state.f_from else None,
        date_to=state.f_to.isoformat() if state.f_to else None,
        search=(state.f_search or "").strip() or None,
    )


def _write_url() -> None:
    wanted: dict[str, Any] = {}
    for name, key in URL_KEYS.items():
        value = st.session_state.get(key)
        if name in _MULTI and value:
            wanted[name] = list(value)
        elif isinstance(value, date):
            wanted[name] = value.isoformat()
        elif isinstance(value, str) and value.strip():
            wanted[name] = value.strip()
    for name in URL_KEYS:
        current = st.query_params.get_all(name)
        target = wanted.get(name)
        target_list = target if isinstance(target, list) else ([target] if target else [])
        if current != target_list:
            if target_list:
                st.query_params[name] = target_list
            else:
                del st.query_params[name]


def set_countries(codes: list[str]) -> None:
    """The Country filter, set from a page's own control. Only from a callback (before the
    sidebar is drawn): Streamlit refuses a change to a drawn widget."""
    st.session_state.f_country = list(codes)


def countries_from_link(codes: list[str]) -> None:
    """The Country filter, set while the page is drawn (an old link's ?profile=): through the
    link, which the sidebar reads again on the rerun this starts."""
    st.query_params["country"] = list(codes)
    del st.session_state["url_problems"]
    st.rerun()
