"""Convention profile: its COPs, which tracked countries are parties, related records."""

import streamlit as st

from cooptrack.i18n import N_, _, number, pgettext
from cooptrack.query.figures import timeline_figure
from cooptrack.ui import data, pacing
from cooptrack.ui.choice import url_choice
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import CHART_TEXT, chart_safe, label, md, source_markdown
from cooptrack.ui.widgets import caption, empty_state, record_table, table

filters = current_filters()
version, today = data.version(), data.today()
vocabulary = data.vocabulary(version)

pacing.heading(_("Convention profiles"))
caption(filters)
code = url_choice(
    _("Convention"),
    list(vocabulary.conventions),
    "profile_convention",
    [*filters.conventions, "UNFCCC"],
    lambda c: label(f"{c} — {vocabulary.conventions[c]}"),
)
profile = data.convention_profile(version, code, filters, today)
if profile is None:
    st.warning(_("No convention {code} in the record.").format(code=md(code)))
    st.stop()

st.header(md(profile.name) or md(code))
if profile.url:
    st.markdown(_("Secretariat: {link}").format(link=source_markdown([profile.url])))

st.subheader(_("Parties among the tracked countries"))
table(
    profile.parties,
    {
        "country": N_("Country"),
        "status": N_("Status"),
        "since": N_("Since (where recorded)"),
        "confidence": N_("Confidence"),
        "sources": N_("Source"),
    },
)

# TRANSLATORS: the records named inside "The record holds no {what} yet." and the like
# (in Russian the genitive plural).
cops = pgettext("records in a sentence", "{code} COPs").format(code=md(code))
others = pgettext("records in a sentence", "other meetings on {code}").format(code=md(code))
promised = pgettext("records in a sentence", "commitments on {code}").format(code=md(code))

st.subheader(_("Conferences of the Parties"))
if profile.cops.empty:
    empty_state(cops, profile.filters)
else:
    sessions = profile.cops
    if profile.cops_total > len(sessions):
        st.caption(
            _(
                "The newest {shown} of {total} COPs are drawn; narrow the filters to see others."
            ).format(shown=number(len(sessions)), total=number(profile.cops_total))
        )
    st.plotly_chart(
        data.figure(
            ("cops", version, code, filters, today),
            lambda: timeline_figure(chart_safe(sessions, *CHART_TEXT), today),
        ),
        config={"displaylogo": False},
        key="cop_chart",
    )
    pacing.first_chart_sent()

st.subheader(_("Other meetings on {code}").format(code=md(code)))
record_table(
    "meetings",
    profile.meetings,
    profile.filters,
    what=others,
    key="convention_meetings",
)

st.subheader(_("Commitments on {code}").format(code=md(code)))
record_table(
    "commitments",
    profile.commitments,
    profile.filters,
    what=promised,
    key="convention_commitments",
)
