"""Glossary: every acronym and code the record uses, in one place (tables also explain the codes
they show, and the sidebar's Convention filter takes full names as well as codes)."""

import pandas as pd
import streamlit as st

from cooptrack.i18n import N_, _, pgettext
from cooptrack.query.glossary import (
    CONFIDENCE_MEANINGS,
    MEETING_STATUS_MEANINGS,
    STATUS_MEANINGS,
    kind_meanings,
)
from cooptrack.ui import data, pacing
from cooptrack.ui.text import md, status_label
from cooptrack.ui.widgets import table

pacing.heading(_("Glossary"))
st.markdown(
    _(
        "What the acronyms and codes in the record stand for. A link or the sidebar's Convention "
        "filter takes a convention's full name as well as its code."
    )
)
terms = data.glossary(data.version())
groups: dict[str, list[tuple[str, str, str]]] = {}
for term in terms:
    sources = term.link or ""
    groups.setdefault(term.group, []).append((term.term, term.meaning, sources))
for group, rows in groups.items():
    st.subheader(md(group))
    frame = pd.DataFrame(rows, columns=["term", "meaning", "sources"])
    columns = {"term": N_("Term"), "meaning": N_("Meaning")}
    if frame.sources.str.len().any():
        columns["sources"] = N_("Official site")
    table(frame, columns, key=f"glossary_{group}")

st.subheader(_("Kinds of meeting"))
table(
    pd.DataFrame(list(kind_meanings().items()), columns=["code", "meaning"]),
    {"code": N_("Code in files"), "meaning": N_("Shown as")},
)
st.subheader(_("Statuses"))
# The record's codes, what the pages call them, and what they mean (the meanings are the
# glossary's own messages, translated where they are defined).
of_commitment = pgettext("status of", "commitment")
of_meeting = pgettext("status of", "meeting")
statuses = [(s, status_label(s), _(m), of_commitment) for s, m in STATUS_MEANINGS.items()] + [
    (s, status_label(s), _(m), of_meeting) for s, m in MEETING_STATUS_MEANINGS.items()
]
frame = pd.DataFrame(statuses, columns=["status", "shown", "meaning", "of"])
status_columns = {"status": N_("Status")}
if (frame.shown != frame.status).any():  # the pages name statuses in another language
    status_columns = {"status": N_("Code in files"), "shown": N_("Shown as")}
table(frame, status_columns | {"of": N_("Of a"), "meaning": N_("Meaning")})
st.subheader(_("Confidence"))
table(
    pd.DataFrame(
        [(code, _(meaning)) for code, meaning in CONFIDENCE_MEANINGS.items()],
        columns=["code", "meaning"],
    ),
    {"code": N_("Code"), "meaning": N_("How sure the record is")},
)
st.subheader(_("Dates"))
st.markdown(
    _(
        "A date is shown as precisely as the sources give it: **12 Feb 2020** (the day is "
        "known), **Nov 2009** (the month), **2021** (the year); **(tbc)** marks dates announced "
        "but not confirmed. Filters, calendars and exports never invent a day: a month or a "
        "year counts as its whole period, and a calendar leaves out what has no day."
    )
)
