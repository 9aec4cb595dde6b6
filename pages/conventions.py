"""Convention profile: its COPs, which tracked countries are parties, related records."""

import streamlit as st

from cooptrack.figures import timeline_figure
from cooptrack.ui import data
from cooptrack.ui.choice import url_choice
from cooptrack.ui.page import current_filters
from cooptrack.ui.widgets import caption, download_csv, empty_state

filters = current_filters()
version, today = data.version(), data.today()
vocabulary = data.vocabulary(version)
codes = list(vocabulary.conventions)

st.title("Convention profiles")
caption(filters)
preferred = [*filters.conventions, "UNFCCC"]
code = url_choice(
    "Convention",
    codes,
    "profile_convention",
    preferred,
    lambda c: f"{c} — {vocabulary.conventions[c]}",
)
profile = data.convention_profile(version, code, filters, today)
if profile is None:
    st.warning(f"No convention {code!r} in the record.")
    st.stop()

st.header(profile.name)
if profile.url:
    st.markdown(f"Secretariat: [{profile.url}]({profile.url})")

st.subheader("Parties among the tracked countries")
st.dataframe(
    profile.parties,
    hide_index=True,
    column_config={
        "country": "Country",
        "party": st.column_config.CheckboxColumn(
            "Party", help="unticked: no party status recorded (not a confirmed non-party)"
        ),
        "since_year": st.column_config.NumberColumn("Since", format="%d"),
        "confidence": "Confidence",
        "sources": st.column_config.LinkColumn("Source"),
    },
)

st.subheader("Conferences of the Parties")
if profile.cops.empty:
    empty_state(f"{code} COPs", profile.filters)
else:
    st.plotly_chart(
        timeline_figure(profile.cops, today), config={"displaylogo": False}, key="cop_chart"
    )

st.subheader(f"Meetings and commitments on {code}")
meetings = profile.meetings
if meetings.empty:
    empty_state(f"other meetings on {code}", profile.filters)
else:
    st.dataframe(
        meetings[["when", "short_title", "where", "status"]],
        hide_index=True,
        column_config={
            "when": "When",
            "short_title": "Meeting",
            "where": "Where",
            "status": "Status",
        },
    )
download_csv("meetings", profile.filters, key="convention_meetings")
if profile.commitments.empty:
    empty_state(f"commitments on {code}", profile.filters)
else:
    st.dataframe(
        profile.commitments[
            ["commitment", "made_by", "meeting", "due", "status", "latest_followup"]
        ],
        hide_index=True,
    )
    download_csv("commitments", profile.filters, key="convention_commitments")
