"""Convention profile: its COPs, which tracked countries are parties, related records."""

import streamlit as st

from cooptrack.figures import timeline_figure
from cooptrack.ui import data
from cooptrack.ui.choice import url_choice
from cooptrack.ui.page import current_filters
from cooptrack.ui.widgets import caption, empty_state, record_table, table

filters = current_filters()
version, today = data.version(), data.today()
vocabulary = data.vocabulary(version)

st.title("Convention profiles")
caption(filters)
code = url_choice(
    "Convention",
    list(vocabulary.conventions),
    "profile_convention",
    [*filters.conventions, "UNFCCC"],
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
table(
    profile.parties,
    {
        "country": "Country",
        "status": "Status",
        "since": "Since (where recorded)",
        "confidence": "Confidence",
        "sources": "Source",
    },
)

st.subheader("Conferences of the Parties")
if profile.cops.empty:
    empty_state(f"{code} COPs", profile.filters)
else:
    st.plotly_chart(
        timeline_figure(profile.cops, today), config={"displaylogo": False}, key="cop_chart"
    )

st.subheader(f"Other meetings on {code}")
record_table(
    "meetings",
    profile.meetings,
    profile.filters,
    what=f"other meetings on {code}",
    key="convention_meetings",
)

st.subheader(f"Commitments on {code}")
record_table(
    "commitments",
    profile.commitments,
    profile.filters,
    what=f"commitments on {code}",
    key="convention_commitments",
)
