"""Convention profile: its COPs, which tracked countries are parties, related records."""

import streamlit as st

from cooptrack.query.figures import timeline_figure
from cooptrack.ui import data
from cooptrack.ui.choice import url_choice
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import CHART_TEXT, chart_safe, label, md, source_markdown
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
    lambda c: label(f"{c} — {vocabulary.conventions[c]}"),
)
profile = data.convention_profile(version, code, filters, today)
if profile is None:
    st.warning(f"No convention {md(code)} in the record.")
    st.stop()

st.header(md(profile.name) or md(code))
if profile.url:
    st.markdown(f"Secretariat: {source_markdown([profile.url])}")

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
    empty_state(f"{md(code)} COPs", profile.filters)
else:
    st.plotly_chart(
        timeline_figure(chart_safe(profile.cops, *CHART_TEXT), today),
        config={"displaylogo": False},
        key="cop_chart",
    )

st.subheader(f"Other meetings on {md(code)}")
record_table(
    "meetings",
    profile.meetings,
    profile.filters,
    what=f"other meetings on {md(code)}",
    key="convention_meetings",
)

st.subheader(f"Commitments on {md(code)}")
record_table(
    "commitments",
    profile.commitments,
    profile.filters,
    what=f"commitments on {md(code)}",
    key="convention_commitments",
)
