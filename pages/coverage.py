"""Coverage: which meetings of each series the record holds, which are missing, and which dates
are known only to the month or the year (the whole record: gaps do not follow the filters)."""

import pandas as pd
import streamlit as st

from cooptrack.i18n import N_, _, full_date, ngettext, number, pgettext
from cooptrack.query.coverage import RANGES_SHOWN
from cooptrack.ui import data, pacing
from cooptrack.ui.widgets import table

SERIES_COLUMNS = {
    "series": N_("Series"),
    "meetings": N_("Meetings"),
    "present": N_("Numbers recorded"),
    "missing": N_("Gaps"),
    "earlier": N_("Before the first recorded"),
    "unnumbered": N_("Without a number"),
    "first": N_("First"),
    "last": N_("Last"),
}
DATE_COLUMNS = {
    "record": N_("Record"),
    "id": N_("Id"),
    "what": N_("What"),
    "field": N_("Field"),
    "date": N_("Date"),
}


def record_kind(table_name: str) -> str:
    """A record of the table `meetings` is a meeting (in the interface's words)."""
    kinds = {
        "meetings": pgettext("record kind", "meeting"),
        "phases": pgettext("record kind", "phase"),
        "commitments": pgettext("record kind", "commitment"),
        "followups": pgettext("record kind", "followup"),
    }
    return kinds.get(table_name, table_name)


def date_field(name: str) -> str:
    """Which date of a record (the record's own column names, in words where translated)."""
    fields = {
        "start": pgettext("date field", "start"),
        "end": pgettext("date field", "end"),
        "planned_start": pgettext("date field", "planned_start"),
        "planned_end": pgettext("date field", "planned_end"),
        "actual_start": pgettext("date field", "actual_start"),
        "actual_end": pgettext("date field", "actual_end"),
        "made_on": pgettext("date field", "made_on"),
        "due": pgettext("date field", "due"),
    }
    return fields.get(name, name)


report = data.coverage(data.version())

pacing.heading(_("What the record covers"))
none = pgettext("no such number or date", "none")
newest = full_date(report.newest_fact) if report.newest_fact else none
reviewed = full_date(report.reviewed) if report.reviewed else _("not recorded")
st.caption(
    _(
        "Last reviewed {reviewed} · newest dated fact (a meeting held or a follow-up): {newest}. "
        "This page covers the whole record; the sidebar filters do not apply."
    ).format(reviewed=reviewed, newest=newest)
)

st.subheader(_("Meeting series"))
series = pd.DataFrame(
    [
        {
            "series": s.series,
            "meetings": s.meetings,
            "present": s.ranges(s.present, RANGES_SHOWN) or "—",
            "missing": s.ranges(s.missing, RANGES_SHOWN) or none,
            "earlier": s.ranges(s.earlier, RANGES_SHOWN) or none,
            "unnumbered": s.unnumbered,
            "first": s.first,
            "last": s.last,
        }
        for s in report.series
    ],
    columns=list(SERIES_COLUMNS),
)
if series.empty:
    st.info(_("No meeting in the record belongs to a series yet."), icon=":material/info:")
else:
    table(series, SERIES_COLUMNS, key="coverage-series")
    st.caption(
        _(
            "Gaps are numbers between the first and the last recorded meeting of a series that "
            "the record does not hold; earlier numbers may be out of the record's scope."
        )
    )

st.subheader(_("Dates known only to the month or the year"))
vague = pd.DataFrame(
    [
        {
            "record": record_kind(i.kind),
            "id": i.record,
            "what": i.label,
            "field": date_field(i.field),
            "date": i.value,
        }
        for i in report.imprecise
    ],
    columns=list(DATE_COLUMNS),
)
if vague.empty:
    st.success(_("Every date in the record is known to the day."), icon=":material/check_circle:")
else:
    listed, total = len(vague), report.imprecise_total
    if total <= listed:
        stored = ngettext(
            "{total} date is stored at the precision its source gives.",
            "{total} dates are stored at the precision their source gives.",
            total,
        )
    else:
        stored = ngettext(
            "{total} date is stored at the precision its source gives; the first {listed} "
            "are listed.",
            "{total} dates are stored at the precision their source gives; the first {listed} "
            "are listed.",
            total,
        )
    st.markdown(stored.format(total=number(total), listed=number(listed)))
    table(vague, DATE_COLUMNS, key="coverage-dates")
