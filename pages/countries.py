"""Country profile: conventions it is party to, meetings it hosted or joined, commitments."""

import streamlit as st

from cooptrack.i18n import N_, _, ngettext, number, pgettext
from cooptrack.ui import data
from cooptrack.ui.choice import url_choice
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import label, md
from cooptrack.ui.widgets import caption, record_table, table

filters = current_filters()
version, today = data.version(), data.today()
names = dict(data.countries(version))

st.title(_("Country profiles"))
caption(filters)
code = url_choice(
    _("Country"), list(names), "profile", filters.countries, lambda c: label(names[c])
)
profile = data.country_profile(version, code, filters, today)
hosted = profile.meetings.host_country == code

name = md(profile.name) or md(code)
st.header(name)
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
roles = {True: pgettext("country's role", "host"), False: pgettext("country's role", "participant")}
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
