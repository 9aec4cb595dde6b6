"""Country profile: conventions it is party to, meetings it hosted or joined, commitments."""

import streamlit as st

from cooptrack.ui import data
from cooptrack.ui.choice import url_choice
from cooptrack.ui.page import current_filters
from cooptrack.ui.widgets import caption, download_csv, empty_state

filters = current_filters()
version, today = data.version(), data.today()
names = dict(data.countries(version))

st.title("Country profiles")
caption(filters)
code = url_choice("Country", list(names), "profile", filters.countries, names.__getitem__)
profile = data.country_profile(version, code, filters, today)

st.header(profile.name)
parties, meetings, commitments = st.columns(3)
parties.metric("Conventions it is party to", len(profile.parties), border=True)
meetings.metric(
    "Meetings hosted",
    int((profile.meetings.host_country == code).sum()),
    border=True,
    help="under the current filters",
)
commitments.metric("Commitments concerning it", len(profile.commitments), border=True)

st.subheader("Party to")
if profile.parties.empty:
    st.info(f"The record holds no party status for {profile.name}.", icon=":material/info:")
else:
    st.dataframe(
        profile.parties,
        hide_index=True,
        column_config={
            "convention": "Code",
            "name": "Convention",
            "since_year": st.column_config.NumberColumn(
                "Since", format="%d", help="empty: year not recorded"
            ),
            "confidence": "Confidence",
            "sources": st.column_config.LinkColumn("Source"),
        },
    )

st.subheader(f"Meetings with {profile.name}")
country_filters = profile.filters
if profile.meetings.empty:
    empty_state(f"meetings with {profile.name}", country_filters)
else:
    st.dataframe(
        profile.meetings.assign(hosted=profile.meetings.host_country == code)[
            ["when", "short_title", "where", "hosted", "status"]
        ],
        hide_index=True,
        column_config={
            "when": "When",
            "short_title": "Meeting",
            "where": "Where",
            "hosted": st.column_config.CheckboxColumn("Host"),
            "status": "Status",
        },
    )
    download_csv("meetings", country_filters, key="country_meetings")

st.subheader(f"Commitments concerning {profile.name}")
if profile.commitments.empty:
    empty_state(f"commitments concerning {profile.name}", country_filters)
else:
    st.dataframe(
        profile.commitments[
            ["commitment", "made_by", "meeting", "due", "status", "latest_followup"]
        ],
        hide_index=True,
    )
    download_csv("commitments", country_filters, key="country_commitments")
