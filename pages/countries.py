"""Country profile: conventions it is party to, meetings it hosted or joined, commitments."""

import streamlit as st

from cooptrack.ui import data
from cooptrack.ui.choice import url_choice
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import label, md
from cooptrack.ui.widgets import caption, record_table, table

filters = current_filters()
version, today = data.version(), data.today()
names = dict(data.countries(version))

st.title("Country profiles")
caption(filters)
code = url_choice("Country", list(names), "profile", filters.countries, lambda c: label(names[c]))
profile = data.country_profile(version, code, filters, today)
hosted = profile.meetings.host_country == code

name = md(profile.name) or md(code)
st.header(name)
party, hosted_count, concerned = st.columns(3)
party.metric("Conventions it is party to", len(profile.parties), border=True)
hosted_count.metric(
    "Meetings hosted",
    f"{profile.hosted_total:,}",
    border=True,
    help=f"of {profile.meetings_total:,} meetings with it, under the current filters",
)
concerned.metric("Commitments concerning it", f"{profile.commitments_total:,}", border=True)

st.subheader("Party to")
if profile.parties.empty:
    st.info(f"The record holds no party status for {name}.", icon=":material/info:")
else:
    table(
        profile.parties,
        {
            "convention": "Code",
            "name": "Convention",
            "since": "Since (where recorded)",
            "confidence": "Confidence",
            "sources": "Source",
        },
    )

st.subheader(f"Meetings with {name}")
record_table(
    "meetings",
    profile.meetings.assign(role=hosted.map({True: "host", False: "participant"})),
    profile.filters,
    what=f"meetings with {name}",
    key="country_meetings",
    total=profile.meetings_total,
    columns={
        "when": "When",
        "short_title": "Meeting",
        "where": "Where",
        "role": "Role",
        "status": "Status",
    },
)

st.subheader(f"Commitments concerning {name}")
record_table(
    "commitments",
    profile.commitments,
    profile.filters,
    what=f"commitments concerning {name}",
    key="country_commitments",
    total=profile.commitments_total,
)
