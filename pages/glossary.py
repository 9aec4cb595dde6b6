"""Glossary: every acronym and code the record uses, in one place (tables also explain the codes
they show, and the sidebar's Convention filter takes full names as well as codes)."""

import pandas as pd
import streamlit as st

from cooptrack.query.glossary import (
    CONFIDENCE_MEANINGS,
    MEETING_STATUS_MEANINGS,
    STATUS_MEANINGS,
    kind_meanings,
)
from cooptrack.ui import data
from cooptrack.ui.text import md
from cooptrack.ui.widgets import table

st.title("Glossary")
st.markdown(
    "What the acronyms and codes in the record stand for. A link or the sidebar's Convention "
    "filter takes a convention's full name as well as its code."
)
terms = data.glossary(data.version())
groups: dict[str, list[tuple[str, str, str]]] = {}
for term in terms:
    sources = term.link or ""
    groups.setdefault(term.group, []).append((term.term, term.meaning, sources))
for group, rows in groups.items():
    st.subheader(md(group))
    frame = pd.DataFrame(rows, columns=["term", "meaning", "sources"])
    columns = {"term": "Term", "meaning": "Meaning"}
    if frame.sources.str.len().any():
        columns["sources"] = "Official site"
    table(frame, columns, key=f"glossary_{group}")

st.subheader("Kinds of meeting")
table(
    pd.DataFrame(list(kind_meanings().items()), columns=["code", "meaning"]),
    {"code": "Code in files", "meaning": "Shown as"},
)
st.subheader("Statuses")
statuses = [(s, m, "commitment") for s, m in STATUS_MEANINGS.items()] + [
    (s, m, "meeting") for s, m in MEETING_STATUS_MEANINGS.items()
]
table(
    pd.DataFrame(statuses, columns=["status", "meaning", "of"]),
    {"status": "Status", "of": "Of a", "meaning": "Meaning"},
)
st.subheader("Confidence")
table(
    pd.DataFrame(list(CONFIDENCE_MEANINGS.items()), columns=["code", "meaning"]),
    {"code": "Code", "meaning": "How sure the record is"},
)
st.subheader("Dates")
st.markdown(
    "A date is shown as precisely as the sources give it: **12 Feb 2020** (the day is known), "
    "**Nov 2009** (the month), **2021** (the year); **(tbc)** marks dates announced but not "
    "confirmed. Filters, calendars and exports never invent a day: a month or a year counts as "
    "its whole period, and a calendar leaves out what has no day."
)
