"""cooptrack dashboard: a thin router plus the filters every page shares."""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

import streamlit as st

from cooptrack.errors import CooptrackError
from cooptrack.i18n import _
from cooptrack.ui import auth, data, language, pacing
from cooptrack.ui import filters as shared_filters
from cooptrack.ui.text import md

# The tab's icon ships with the package: a Material icon name here made every page fetch its
# picture from fonts.gstatic.com, which fails (and logs an error) where there is no internet.
ICON = resources.files("cooptrack").joinpath("data", "favicon.png")  # as region_map reads its map
st.set_page_config(page_title="cooptrack", page_icon=str(ICON), layout="wide")
language.begin()  # before any text: page titles in the navigation are translated too

# Pages by their full path: Streamlit runs this file through cooptrack/ui/dashboard.py, whose
# folder has no pages/ beside it (a pages/ folder beside the entry point would switch Streamlit
# to its old pages-folder mode for a first visitor who arrives by a deep link).
HERE = Path(__file__).resolve().parent


def routed(
    name: str, title: str, icon: str, default: bool = False, hidden: bool = False
) -> st.Page:
    """A page from pages/NAME.py, at /NAME (the default page at /); `hidden` pages are
    reached by links only (a record's own page)."""
    path = str(HERE / "pages" / f"{name}.py")
    if default:
        return st.Page(path, title=title, icon=f":material/{icon}:", default=True)
    return st.Page(
        path,
        title=title,
        icon=f":material/{icon}:",
        url_path=name,
        visibility="hidden" if hidden else "visible",
    )


PAGES = [
    routed("overview", _("Overview"), "dashboard", default=True),
    routed("timeline", _("Timeline"), "timeline"),
    routed("projects", _("Projects"), "view_timeline"),
    routed("commitments", _("Commitments"), "handshake"),
    routed("countries", _("Countries"), "flag"),
    routed("conventions", _("Conventions"), "gavel"),
    routed("coverage", _("Coverage"), "fact_check"),
    routed("brief", _("Briefing"), "description"),
    routed("glossary", _("Glossary"), "menu_book"),
    routed("commitment", _("Commitment"), "handshake", hidden=True),
    routed("meeting", _("Meeting"), "event", hidden=True),
]
EDIT_PAGE = routed("edit", _("Edit"), "edit")


def show_unshown_confirmation() -> None:
    """A committed save's confirmation that the page failed before showing: still shown."""
    if flash := st.session_state.pop("flash", None):
        st.success(flash, icon=":material/check_circle:")


editing = data.editing_offered()  # a viewer (COOPTRACK_ROLE=viewer) never offers editing
page = st.navigation(PAGES + ([EDIT_PAGE] if editing and auth.current_editor() else []))
try:
    data.begin_run()
    language.settle()
    st.session_state.filters = shared_filters.settle()
    try:
        page.run()
    finally:  # the sidebar after the page: its heading and first chart reach the browser first
        language.render()
        shared_filters.draw()
        if editing:
            auth.render_sign_in()
        pacing.run_ended()
except CooptrackError as error:
    show_unshown_confirmation()
    st.error(
        _("**The record cannot be shown.** {reason}").format(reason=md(error)),
        icon=":material/error:",
    )
except Exception:
    logging.getLogger("cooptrack").exception("page %s failed", page.title)
    show_unshown_confirmation()
    # True whatever failed: a save commits whole or not at all, before any drawing after it.
    st.error(
        _(
            "**Something went wrong while drawing this page.** Saved changes are kept, and "
            "nothing is ever half-saved. Reload the page; if it happens again, tell the "
            "maintainers which link you opened."
        ),
        icon=":material/error:",
    )
