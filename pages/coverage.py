"""Coverage: which meetings of each series the record holds, which are missing, and which dates
are known only to the month or the year (the whole record: gaps do not follow the filters)."""

import pandas as pd
import streamlit as st

from cooptrack.ui import data
from cooptrack.ui.text import md
from cooptrack.ui.widgets import table

report = data.coverage(data.version())

st.title("What the record covers")
newest = f"{report.newest_fact:%d %B %Y}" if report.newest_fact else "none"
reviewed = f"{report.reviewed:%d %B %Y}" if report.reviewed else "not recorded"
st.caption(
    f"Last reviewed {reviewed} · newest dated fact (a meeting held or a follow-up): {newest}. "
    "This page covers the whole record; the sidebar filters do not apply."
)

st.subheader("Meeting series")
series = pd.DataFrame(
    [
        {
            "Series": s.series,
            "Meetings": s.meetings,
            "Numbers recorded": s.ranges(s.present) or "—",
            "Gaps": s.ranges(s.missing) or "none",
            "Before the first recorded": s.ranges(s.earlier) or "none",
            "Without a number": s.unnumbered,
            "First": s.first,
            "Last": s.last,
        }
        for s in report.series
    ]
)
if series.empty:
    st.info("No meeting in the record belongs to a series yet.", icon=":material/info:")
else:
    table(series, {c: c for c in series.columns}, key="coverage-series")
    st.caption(
        "Gaps are numbers between the first and the last recorded meeting of a series that "
        "the record does not hold; earlier numbers may be out of the record's scope."
    )

st.subheader("Dates known only to the month or the year")
vague = pd.DataFrame(
    [
        {"Record": i.kind[:-1], "Id": i.record, "What": i.label, "Field": i.field, "Date": i.value}
        for i in report.imprecise
    ]
)
if vague.empty:
    st.success("Every date in the record is known to the day.", icon=":material/check_circle:")
else:
    listed = len(vague)
    shown = "" if report.imprecise_total <= listed else f"; the first {listed:,} are listed"
    total = report.imprecise_total
    st.markdown(md(f"{total:,} dates are stored at the precision their source gives{shown}."))
    table(vague, {c: c for c in vague.columns}, key="coverage-dates")
