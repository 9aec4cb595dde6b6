"""Country profiles: the sidebar's Country filter picks the country. With none (or several)
chosen, a map of the five shows what each counts and a click on one picks it; with one, its
profile: conventions it is party to, meetings it hosted or joined, commitments concerning it."""

import pandas as pd
import streamlit as st

from cooptrack.i18n import N_, _, ngettext, number, pgettext
from cooptrack.query import region_map
from cooptrack.query.figures import chart_config
from cooptrack.query.filters import Filters
from cooptrack.ui import data, pacing
from cooptrack.ui import filters as shared_filters
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import md
from cooptrack.ui.widgets import caption, record_table, table

filters = current_filters()
version, today = data.version(), data.today()
names = dict(data.countries(version))


@st.cache_data(show_spinner=False, max_entries=64)
def country_counts(db_version: str, shown: Filters) -> pd.DataFrame:
    return region_map.country_counts(data.store(), shown)


def pick_from_map() -> None:
    """A click on a country sets the sidebar's Country filter to it (before the rerun draws
    the sidebar), which shows its profile."""
    points = st.session_state.region_map.selection.points
    picked = [p["customdata"] for p in points if p.get("customdata") in names]
    if picked:
        shared_filters.set_countries([str(picked[0])])


def show_map() -> None:
    chosen = filters.countries
    if chosen:
        st.info(
            _(
                "The Country filter holds several countries: click one on the map, or keep "
                "only one in the filter, to see its profile."
            ),
            icon=":material/touch_app:",
        )
    else:
        st.info(
            _(
                "Click a country on the map, or choose one in the side panel's Country filter, "
                "to see its profile."
            ),
            icon=":material/touch_app:",
        )
    counts = country_counts(version, filters)
    st.plotly_chart(
        data.figure(
            ("region_map", version, filters),
            lambda: region_map.map_figure(counts, region_map.geometry(), chosen),
        ),
        key="region_map",
        on_select=pick_from_map,
        selection_mode="points",
        config={**chart_config(), **region_map.map_config()},
    )
    pacing.first_chart_sent()
    st.caption(
        _(
            "The number on each country, and its shade: the meetings it hosted under the current "
            "filters (the Country filter aside). Borders are simplified."
        )
    )


def show_profile(code: str) -> None:
    profile = data.country_profile(version, code, filters, today)
    hosted = profile.meetings.host_country == code

    name = md(profile.name) or md(code)
    st.header(name)
    st.button(
        _("All five countries on the map"),
        icon=":material/map:",
        on_click=shared_filters.set_countries,
        args=([],),
    )
    party, hosted_count, concerned = st.columns(3)
    party.metric(_("Conventions it is party to"), number(len(profile.parties)), border=True)
    hosted_count.metric(
        _("Meetings hosted"),
        number(profile.hosted_total),
        border=True,
        help=ngettext(
            "of {total} meeting with it, under the current filters",
            "of {total} meetings with it, under the current filters",
            profile.meetings_total,
        ).format(total=number(profile.meetings_total)),
    )
    concerned.metric(_("Commitments concerning it"), number(profile.commitments_total), border=True)

    st.subheader(_("Party to"))
    if profile.parties.empty:
        st.info(
            _("The record holds no party status for {name}.").format(name=name),
            icon=":material/info:",
        )
    else:
        table(
            profile.parties,
            {
                "convention": N_("Code"),
                "name": N_("Convention"),
                "since": N_("Since (where recorded)"),
                "confidence": N_("Confidence"),
                "sources": N_("Source"),
            },
        )

    st.subheader(_("Meetings with {name}").format(name=name))
    roles = {
        True: pgettext("country's role", "host"),
        False: pgettext("country's role", "participant"),
    }
    record_table(
        "meetings",
        profile.meetings.assign(role=hosted.map(roles)),
        profile.filters,
        # TRANSLATORS: inside "The record holds no {what} yet." and the like (genitive plural).
        what=pgettext("records in a sentence", "meetings with {name}").format(name=name),
        key="country_meetings",
        total=profile.meetings_total,
        columns={
            "when": N_("When"),
            "short_title": N_("Meeting"),
            "where": N_("Where"),
            "role": N_("Role"),
            "status": N_("Status"),
        },
    )

    st.subheader(_("Commitments concerning {name}").format(name=name))
    record_table(
        "commitments",
        profile.commitments,
        profile.filters,
        # TRANSLATORS: inside "The record holds no {what} yet." and the like (genitive plural).
        what=pgettext("records in a sentence", "commitments concerning {name}").format(name=name),
        key="country_commitments",
        total=profile.commitments_total,
    )


pacing.heading(_("Country profiles"))
caption(filters)
old_link = st.query_params.get("profile")  # the page's own picker, before the map
if old_link is not None:
    del st.query_params["profile"]
    if old_link in names and not filters.countries:
        shared_filters.countries_from_link([old_link])
if len(filters.countries) == 1:
    show_profile(filters.countries[0])
else:
    show_map()
