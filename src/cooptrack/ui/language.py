"""The language of the dashboard for this session: `?lang=`, the switch, the browser.

Chosen before anything is drawn (page titles in the navigation are translated too): a link's
`?lang=ru`/`?lang=en` first, then the switch once the visitor has touched it, and for a first
view without either, the browser's preferred language. Like the filters, the choice is written
back to the URL (`lang` when it is not English), so it survives page switches and copied links.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from cooptrack import i18n
from cooptrack.i18n import LANGUAGES, Language, language_of
from cooptrack.ui.text import md

KEY = "f_lang"
T = TypeVar("T")


def begin() -> Language:
    """Settle this run's language and make every `_()` of the run speak it."""
    state = st.session_state
    if KEY not in state or language_of(state.get(KEY)) is None:
        state[KEY] = _first_choice()
    chosen = language_of(state[KEY]) or i18n.DEFAULT
    i18n.set_language(chosen)
    return chosen


def _first_choice() -> Language:
    asked = st.query_params.get_all("lang")
    for value in asked:
        if (language := language_of(value)) is not None:
            return language
    if asked:
        st.session_state.lang_ignored = asked[0][:40]
    if not asked:  # a link that names a language wins over the browser, even a wrong one
        try:
            browser = language_of(st.context.locale)
        except Exception:  # no browser behind this run (a headless test): the default
            browser = None
        if browser is not None:
            return browser
    return i18n.DEFAULT


def settle() -> None:
    """Before the page: the URL kept in step with the language, and a `lang` the link held
    that is not one of ours named above the page."""
    if ignored := st.session_state.pop("lang_ignored", None):
        st.warning(
            i18n._(
                "Ignored from the link: the language “{value}” (this dashboard speaks "
                "English and Russian: lang=en or lang=ru)."
            ).format(value=md(ignored)),
            icon=":material/link_off:",
        )
    chosen = i18n.current()
    wanted = [] if chosen == i18n.DEFAULT else [chosen]
    if st.query_params.get_all("lang") != wanted:
        if wanted:
            st.query_params["lang"] = wanted
        else:
            del st.query_params["lang"]


def render() -> None:
    """The switch, at the top of the sidebar (drawn after the page)."""
    st.sidebar.segmented_control(
        i18n._("Language"),
        options=list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=KEY,
        required=True,
        label_visibility="collapsed",
    )


def link_suffix() -> str:
    """`&lang=ru` for links this page builds by hand (a record's own page), '' in English."""
    chosen = i18n.current()
    return "" if chosen == i18n.DEFAULT else f"&lang={chosen}"


def link_params() -> dict[str, str]:
    """`{"lang": "ru"}` for a page link's query parameters, empty in English: a link opened in
    a new tab (a new session, no switch touched yet) keeps the language it was shown in."""
    chosen = i18n.current()
    return {} if chosen == i18n.DEFAULT else {"lang": chosen}


def deferred(make: Callable[[], T]) -> Callable[[], T]:
    """`make`, to be called later by Streamlit (a download's file is made when it is clicked,
    outside the page run), in the language of the run that offered it."""
    chosen = i18n.current()

    def in_the_runs_language() -> T:
        with i18n.use_language(chosen):
            return make()

    return in_the_runs_language
