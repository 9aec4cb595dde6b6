"""Edit forms, generated from one field list per kind. The form returns text in the seed files'
format, so the loader's own validation checks what an editor typed.

Labels are marked here (`N_`) and translated where they are drawn: the language is per page run.
The fixed choices (meeting kinds, statuses, formats, confidence) keep their codes as values; only
the label an editor reads is translated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import streamlit as st

from cooptrack.db import schema
from cooptrack.db.schema import Kind
from cooptrack.db.store import Store
from cooptrack.i18n import DEFAULT, N_, _, current, pgettext
from cooptrack.query.choices import record_choices
from cooptrack.query.codes import commitment_status_name, meeting_status_name
from cooptrack.ui.text import label

DATE_HELP = N_("YYYY, YYYY-MM or YYYY-MM-DD: give only as much as is known")
RUSSIAN_HELP = N_(
    "Shown when the dashboard is in Russian; without it, the English text is shown there "
    "with the mark [EN]."
)
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
    label: str  # marked with N_(), translated where drawn
    widget: str  # text, area, lines, date, check, select, multi
    options: str = ""  # a CHOICES key or a record list from `option_lists`
    help: str = ""


_COMMON = [
    Field("countries", N_("Countries"), "multi", "countries"),
    Field("conventions", N_("Conventions"), "multi", "conventions"),
    Field("topics", N_("Topics"), "multi", "topics"),
    Field(
        "confidence",
        N_("Confidence of the source"),
        "select",
        "confidence",
        N_("H official or first-hand; M news or secondary; L indirect or conflicting"),
    ),
    Field(
        "sources",
        N_("Sources"),
        "lines",
        help=N_("one address per line, or: no public source"),
    ),
]
FIELDS: dict[str, list[Field]] = {
    "meetings": [
        Field("title", N_("Title"), "text"),
        Field("title_ru", N_("Title in Russian (optional)"), "text", help=RUSSIAN_HELP),
        Field("short_title", N_("Short title (charts)"), "text"),
        Field(
            "short_title_ru",
            N_("Short title in Russian (optional)"),
            "text",
            help=RUSSIAN_HELP,
        ),
        Field("kind", N_("Kind"), "select", "meeting_kind"),
        Field("series", N_("Series"), "text"),
        Field("series_ru", N_("Series in Russian (optional)"), "text", help=RUSSIAN_HELP),
        Field("ordinal", N_("Number in the series"), "text"),
        Field("start", N_("Start"), "date", help=DATE_HELP),
        Field("end", N_("End"), "date", help=DATE_HELP),
        Field("tentative", N_("Date tentative (tbc)"), "check"),
        Field("city", N_("City"), "text"),
        Field("host_country", N_("Host country"), "select", "countries_or_none"),
        Field("format", N_("Format"), "select", "format"),
        Field("status", N_("Status"), "select", "meeting_status"),
        Field("chairs", N_("Chairs"), "lines", help=N_("one per line: Name (Organisation)")),
        Field("chair_organisations", N_("Chairing organisations"), "multi", "organisations"),
        Field("organisers", N_("Organisers"), "multi", "organisations"),
        Field("summary", N_("Summary"), "area"),
        Field("summary_ru", N_("Summary in Russian (optional)"), "area", help=RUSSIAN_HELP),
        *_COMMON,
    ],
    "phases": [
        Field("project", N_("Project"), "select", "projects"),
        Field("phase", N_("Phase number"), "text"),
        Field("title", N_("Title"), "text"),
        Field("title_ru", N_("Title in Russian (optional)"), "text", help=RUSSIAN_HELP),
        Field("implementers", N_("Implementers"), "multi", "organisations"),
        Field("budget", N_("Budget"), "text"),
        Field("currency", N_("Currency (e.g. EUR)"), "text"),
        Field("planned_start", N_("Planned start"), "date", help=DATE_HELP),
        Field("planned_end", N_("Planned end"), "date", help=DATE_HELP),
        Field("actual_start", N_("Actual start"), "date", help=DATE_HELP),
        Field("actual_end", N_("Actual end"), "date", help=DATE_HELP),
        Field("summary", N_("Summary"), "area"),
        Field("summary_ru", N_("Summary in Russian (optional)"), "area", help=RUSSIAN_HELP),
        *_COMMON,
    ],
    "commitments": [
        Field("text", N_("What was committed"), "area"),
        Field(
            "text_ru",
            N_("What was committed, in Russian (optional)"),
            "area",
            help=RUSSIAN_HELP,
        ),
        Field("made_by", N_("Made by"), "multi", "actors"),
        Field("meeting", N_("At meeting"), "select", "meetings_or_none"),
        Field("made_on", N_("Made on (empty: the meeting's start)"), "date", help=DATE_HELP),
        Field("due", N_("Due"), "date", help=DATE_HELP),
        Field("ahead_of", N_("Looks ahead to meeting"), "select", "meetings_or_none"),
        Field("status", N_("Status"), "select", "commitment_status"),
        Field("fulfilled_by", N_("Fulfilled by meeting"), "select", "meetings_or_none"),
        *_COMMON,
    ],
}
# The Russian versions of a record's texts (schema 4; a series' name: 5): optional, each beside
# its English.
RUSSIAN_FIELDS = {
    kind: tuple(spec.name for spec in fields if spec.name.endswith("_ru"))
    for kind, fields in FIELDS.items()
}


def with_russian(kind: Kind, strings: dict[str, str], record: Any) -> dict[str, str]:
    """`strings` plus the Russian versions the stored `record` holds that `strings` lacks, so
    that saving the form never empties a Russian text it did not show."""
    if not isinstance(record, dict):
        return strings
    missing = {
        name: str(record.get(name) or "") for name in RUSSIAN_FIELDS[kind] if name not in strings
    }
    return {**strings, **missing}


# Stored columns that the form shows under another name.
_FORM_NAME = {
    "start_date": "start",
    "end_date": "end",
    "due_date": "due",
    "made_by_organisations": "made_by",
    "made_by_countries": "made_by",
}


def field_label(kind: str, column: str) -> str:
    """A record's column as an editor knows it: in English its name as in the seed files and
    downloads (the columns imports use); in another language the form's label for it."""
    if current() == DEFAULT:
        return column
    if column == "id":
        return _("Identifier")
    if column == "followups":
        return _("Follow-up notes")
    if column.endswith("_precision"):
        shown = field_label(kind, column.removesuffix("_precision"))
        return _("{field} (precision)").format(field=shown)
    name = _FORM_NAME.get(column, column)
    for spec in FIELDS.get(kind, []):
        if spec.name == name:
            return _(spec.label)
    return column


def choice_label(options: str, code: str) -> str:
    """How a fixed choice is shown (its code is what is stored): in English the code itself, as
    the seed files and downloads write it; in Russian its translation."""
    if not code:
        return _("unchanged") if options == "status_after" else "—"
    return _choice_names().get(options, {}).get(code, code)


def _choice_names() -> dict[str, dict[str, str]]:
    # Written out call by call, so that the message extractor finds every one.
    meeting_statuses = {code: meeting_status_name(code) for code in schema.MEETING_STATUSES}
    commitment_statuses = {
        code: commitment_status_name(code) for code in schema.COMMITMENT_STATUSES
    }
    return {
        "meeting_kind": {
            "high-level-conference": pgettext("meeting kind", "high-level-conference"),
            "wgecc-meeting": pgettext("meeting kind", "wgecc-meeting"),
            "coordination-committee": pgettext("meeting kind", "coordination-committee"),
            "cop": pgettext("meeting kind", "cop"),
            "ministerial": pgettext("meeting kind", "ministerial"),
            "workshop": pgettext("meeting kind", "workshop"),
            "other": pgettext("meeting kind", "other"),
        },
        "format": {
            "in-person": pgettext("meeting format", "in-person"),
            "online": pgettext("meeting format", "online"),
            "hybrid": pgettext("meeting format", "hybrid"),
        },
        "meeting_status": meeting_statuses,
        "commitment_status": commitment_statuses,
        "status_after": commitment_statuses,
        "confidence": {
            "H": pgettext("confidence", "H"),
            "M": pgettext("confidence", "M"),
            "L": pgettext("confidence", "L"),
        },
    }


# More meetings than this are not offered in a drop-down (a hundred thousand would make every
# form megabytes long): the form asks for the meeting's identifier, which saving checks.
MEETING_CHOICES_LIMIT = 1000
MEETING_ID_HELP = N_("the meeting's identifier, as the Timeline shows it; empty for none")


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
                _("Identifier"),
                value=edited["id"],
                help=_("short lowercase words joined by '-', e.g. wgecc-11"),
            )
        for spec in FIELDS[kind]:
            edited[spec.name] = _widget(spec, strings.get(spec.name, ""), lists, key)
        saved = st.form_submit_button(_("Save"), type="primary")
    return edited if saved else None


def _help(spec: Field) -> str | None:
    return _(spec.help) if spec.help else None  # _("") would be the catalog's header


def _widget(spec: Field, value: str, lists: dict[str, dict[str, str]], key: str) -> str:
    wid = f"{key}_{spec.name}"
    shown_label = _(spec.label)
    if spec.widget == "check":
        return "true" if st.checkbox(shown_label, value=value == "true", key=wid) else "false"
    if spec.widget in ("select", "multi"):
        return _choice(spec, value, lists, wid)
    if spec.widget in ("area", "lines"):
        shown = value.replace(";", "\n") if spec.widget == "lines" else value
        text = st.text_area(shown_label, value=shown, key=wid, help=_help(spec))
        if spec.widget == "lines":
            return ";".join(line.strip() for line in text.splitlines() if line.strip())
        return text
    return st.text_input(
        shown_label,
        value=value,
        key=wid,
        help=_help(spec),
        placeholder=_("YYYY-MM-DD") if spec.widget == "date" else "",
    )


def _choice(spec: Field, value: str, lists: dict[str, dict[str, str]], wid: str) -> str:
    """A drop-down or multi-select; a text box for a list too long to offer (meetings)."""
    if spec.options not in lists:
        return st.text_input(_(spec.label), value=value, key=wid, help=_(MEETING_ID_HELP)).strip()
    choices = lists[spec.options]
    current = [v for v in value.split(";") if v] if value else []
    if spec.widget == "multi":
        picked = st.multiselect(
            _(spec.label),
            list(choices),
            default=[c for c in current if c in choices],
            format_func=lambda c: label(choices[c]) or c,
            key=wid,
        )
        return ";".join(picked)
    options = list(choices)
    index = options.index(value) if value in options else 0
    # Labels made now, in this run's language: format_func may be called outside the run.
    if spec.options in CHOICES:
        shown = {c: choice_label(spec.options, c) for c in options}
    else:
        shown = {c: label(choices[c]) or c or "—" for c in options}
    return str(
        st.selectbox(
            _(spec.label),
            options,
            index=index,
            format_func=shown.__getitem__,
            key=wid,
            help=_help(spec),
        )
    )
