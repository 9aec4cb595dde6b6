"""Edit forms, generated from one field list per kind. The form returns text in the seed files'
format, so the loader's own validation checks what an editor typed."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from cooptrack.db import schema
from cooptrack.db.schema import Kind
from cooptrack.db.store import Store
from cooptrack.query.choices import record_choices
from cooptrack.ui.text import label

DATE_HELP = "YYYY, YYYY-MM or YYYY-MM-DD: give only as much as is known"
CHOICES = {
    "meeting_kind": schema.MEETING_KINDS,
    "format": ("", *schema.MEETING_FORMATS),
    "meeting_status": schema.MEETING_STATUSES,
    "commitment_status": schema.COMMITMENT_STATUSES,
    "status_after": ("", *schema.COMMITMENT_STATUSES),
    "confidence": schema.CONFIDENCES,
}


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    widget: str  # text, area, lines, date, check, select, multi
    options: str = ""  # a CHOICES key or a record list from `option_lists`
    help: str = ""


_COMMON = [
    Field("countries", "Countries", "multi", "countries"),
    Field("conventions", "Conventions", "multi", "conventions"),
    Field("topics", "Topics", "multi", "topics"),
    Field(
        "confidence",
        "Confidence of the source",
        "select",
        "confidence",
        "H official or first-hand; M news or secondary; L indirect or conflicting",
    ),
    Field("sources", "Sources", "lines", help="one address per line, or: no public source"),
]
FIELDS: dict[str, list[Field]] = {
    "meetings": [
        Field("title", "Title", "text"),
        Field("short_title", "Short title (charts)", "text"),
        Field("kind", "Kind", "select", "meeting_kind"),
        Field("series", "Series", "text"),
        Field("ordinal", "Number in the series", "text"),
        Field("start", "Start", "date", help=DATE_HELP),
        Field("end", "End", "date", help=DATE_HELP),
        Field("tentative", "Date tentative (tbc)", "check"),
        Field("city", "City", "text"),
        Field("host_country", "Host country", "select", "countries_or_none"),
        Field("format", "Format", "select", "format"),
        Field("status", "Status", "select", "meeting_status"),
        Field("chairs", "Chairs", "lines", help="one per line: Name (Organisation)"),
        Field("chair_organisations", "Chairing organisations", "multi", "organisations"),
        Field("organisers", "Organisers", "multi", "organisations"),
        Field("summary", "Summary", "area"),
        *_COMMON,
    ],
    "phases": [
        Field("project", "Project", "select", "projects"),
        Field("phase", "Phase number", "text"),
        Field("title", "Title", "text"),
        Field("implementers", "Implementers", "multi", "organisations"),
        Field("budget", "Budget", "text"),
        Field("currency", "Currency (e.g. EUR)", "text"),
        Field("planned_start", "Planned start", "date", help=DATE_HELP),
        Field("planned_end", "Planned end", "date", help=DATE_HELP),
        Field("actual_start", "Actual start", "date", help=DATE_HELP),
        Field("actual_end", "Actual end", "date", help=DATE_HELP),
        Field("summary", "Summary", "area"),
        *_COMMON,
    ],
    "commitments": [
        Field("text", "What was committed", "area"),
        Field("made_by", "Made by", "multi", "actors"),
        Field("meeting", "At meeting", "select", "meetings_or_none"),
        Field("made_on", "Made on (empty: the meeting's start)", "date", help=DATE_HELP),
        Field("due", "Due", "date", help=DATE_HELP),
        Field("ahead_of", "Looks ahead to meeting", "select", "meetings_or_none"),
        Field("status", "Status", "select", "commitment_status"),
        Field("fulfilled_by", "Fulfilled by meeting", "select", "meetings_or_none"),
        *_COMMON,
    ],
}


# More meetings than this are not offered in a drop-down (a hundred thousand would make every
# form megabytes long): the form asks for the meeting's identifier, which saving checks.
MEETING_CHOICES_LIMIT = 1000
MEETING_ID_HELP = "the meeting's identifier, as the Timeline shows it; empty for none"


def option_lists(store: Store) -> dict[str, dict[str, str]]:
    """code → label for every list a form offers: the record's, and the fixed choices."""
    lists = record_choices(store, MEETING_CHOICES_LIMIT)
    lists |= {name: {c: c or "—" for c in choices} for name, choices in CHOICES.items()}
    return lists


def render(
    kind: Kind, strings: dict[str, str], lists: dict[str, dict[str, str]], key: str, new: bool
) -> dict[str, str] | None:
    """Draw the form with `strings` as its values; return the edited strings when saved."""
    with st.form(key):
        edited = {"id": strings.get("id", "")}
        if new:
            edited["id"] = st.text_input(
                "Identifier",
                value=edited["id"],
                help="short lowercase words joined by '-', e.g. wgecc-11",
            )
        for spec in FIELDS[kind]:
            edited[spec.name] = _widget(spec, strings.get(spec.name, ""), lists, key)
        saved = st.form_submit_button("Save", type="primary")
    return edited if saved else None


def _widget(spec: Field, value: str, lists: dict[str, dict[str, str]], key: str) -> str:
    wid = f"{key}_{spec.name}"
    if spec.widget == "check":
        return "true" if st.checkbox(spec.label, value=value == "true", key=wid) else "false"
    if spec.widget in ("select", "multi"):
        return _choice(spec, value, lists, wid)
    if spec.widget in ("area", "lines"):
        shown = value.replace(";", "\n") if spec.widget == "lines" else value
        text = st.text_area(spec.label, value=shown, key=wid, help=spec.help or None)
        if spec.widget == "lines":
            return ";".join(line.strip() for line in text.splitlines() if line.strip())
        return text
    return st.text_input(
        spec.label,
        value=value,
        key=wid,
        help=spec.help or None,
        placeholder="YYYY-MM-DD" if spec.widget == "date" else "",
    )


def _choice(spec: Field, value: str, lists: dict[str, dict[str, str]], wid: str) -> str:
    """A drop-down or multi-select; a text box for a list too long to offer (meetings)."""
    if spec.options not in lists:
        return st.text_input(spec.label, value=value, key=wid, help=MEETING_ID_HELP).strip()
    choices = lists[spec.options]
    current = [v for v in value.split(";") if v] if value else []
    if spec.widget == "multi":
        picked = st.multiselect(
            spec.label,
            list(choices),
            default=[c for c in current if c in choices],
            format_func=lambda c: label(choices[c]) or c,
            key=wid,
        )
        return ";".join(picked)
    options = list(choices)
    index = options.index(value) if value in options else 0
    return str(
        st.selectbox(
            spec.label,
            options,
            index=index,
            format_func=lambda c: label(choices[c]) or c or "—",
            key=wid,
            help=spec.help or None,
        )
    )
