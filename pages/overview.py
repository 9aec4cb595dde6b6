"""Overview: headline counts, what comes next, the latest follow-ups, what the record covers."""

from pathlib import Path

import streamlit as st

from cooptrack.dates import human_text
from cooptrack.i18n import _, full_date, ngettext, number
from cooptrack.query.figures import per_year_figure
from cooptrack.ui import data, pacing
from cooptrack.ui.language import link_params
from cooptrack.ui.page import current_filters
from cooptrack.ui.text import label, md
from cooptrack.ui.widgets import caption, empty_state, records_named, with_named_statuses


def counted_records(table: str, n: int) -> str:
    """`12 meetings`: how many records of one of the record's tables, in a sentence."""
    forms = {
        "meetings": ngettext("{n} meeting", "{n} meetings", n),
        "phases": ngettext("{n} project phase", "{n} project phases", n),
        "commitments": ngettext("{n} commitment", "{n} commitments", n),
        "followups": ngettext("{n} follow-up note", "{n} follow-up notes", n),
        "conventions": ngettext("{n} convention", "{n} conventions", n),
        "organisations": ngettext("{n} organisation", "{n} organisations", n),
    }
    return forms.get(table, f"{{n}} {table}").format(n=number(n))


filters = current_filters()
version, today = data.version(), data.today()
info = data.dataset_info(version)
counts = data.overview(version, filters, today)

pacing.heading(_("EU–Central Asia environment and climate cooperation"))
caption(filters)
meetings_row = st.columns(3)
meetings_row[0].metric(_("Meetings held"), number(counts.meetings_held), border=True)
meetings_row[1].metric(_("Meetings planned"), number(counts.meetings_planned), border=True)
meetings_row[2].metric(
    _("Project phases active on {date}").format(date=human_text(today, "day")),
    _("{active} of {total}").format(
        active=number(counts.phases_active), total=number(counts.phases_total)
    ),
    border=True,
    help=_("of the phases under the filters, those running on that day"),
)
row = st.columns(4)
row[0].metric(
    _("Commitments made"), number(counts.commitments_total), border=True,
    help=_("promises recorded at the meetings under the filters"),
)  # fmt: skip
row[1].metric(
    _("Fulfilled"), number(counts.commitments_fulfilled), border=True,
    help=_("a follow-up records that the promise was kept"),
)  # fmt: skip
row[2].metric(
    _("Still open"), number(counts.commitments_open), border=True,
    help=_("proposed, agreed or in progress"),
)  # fmt: skip
row[3].metric(
    _("Open past their date"), number(counts.commitments_overdue), border=True,
    help=_(
        "open, and the due date (or the meeting they looked ahead to) has passed with no "
        "outcome recorded: the record does not say they failed, only that nothing was noted"
    ),
)  # fmt: skip

years = data.per_year(version, filters)
if not years.empty:
    st.plotly_chart(
        data.figure(("per_year", version, filters, today), lambda: per_year_figure(years, today)),
        config={"displayModeBar": False},
    )
    pacing.first_chart_sent()

left, right = st.columns(2)
with left:
    st.subheader(_("Coming up"))
    upcoming = data.upcoming(version, filters, today)
    if upcoming.empty:
        latest = data.meetings(version, filters)
        if latest.empty:
            empty_state(records_named("meetings"), filters)
        else:
            last = latest.iloc[-1]
            st.info(
                _(
                    "No upcoming meeting is recorded. The latest one is **{title}** "
                    "({when}, {where})."
                ).format(title=md(last.title), when=md(last["when"]), where=md(last["where"])),
                icon=":material/event_busy:",
            )
    else:
        titles = {
            "when": _("When"),
            "short_title": _("Meeting"),
            "where": _("Where"),
            "status": _("Status"),
        }  # the frame's own column names are words on the page too
        shown = with_named_statuses(upcoming[list(titles)])
        st.dataframe(shown.rename(columns=titles), hide_index=True)
with right:
    st.subheader(_("Latest follow-ups"))
    notes = data.followups(version, filters)
    if notes.empty:
        empty_state(records_named("followups"), filters)
    for note in notes.itertuples():
        st.markdown(f"**{md(note.when)}** · {md(label(note.note, 400))}")
        st.caption(_("On: {commitment}").format(commitment=md(label(note.commitment, 160))))

st.subheader(_("About this record"))
covered = ", ".join(counted_records(table, n) for table, n in info.counts.items())
sentences = [
    md(info.description),
    _("It holds {counts}.").format(counts=covered),
    _("Dates known only to the month or year are shown that way."),
]
if info.as_of:
    sentences.append(_("Last reviewed **{date}**.").format(date=full_date(info.as_of)))
if newest := data.newest_fact(version):
    sentences.append(_("Newest dated fact: **{date}**.").format(date=full_date(newest)))
st.markdown(" ".join(s for s in sentences if s))
st.page_link(
    str(Path(__file__).resolve().parent / "coverage.py"),  # pages are named by full path
    label=_("What the record covers, and its gaps"),
    query_params=link_params() or None,
    icon=":material/fact_check:",
)
