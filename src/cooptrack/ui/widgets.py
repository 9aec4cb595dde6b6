"""Small pieces every page uses: the filtered download, empty states, tables, captions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cooptrack.db.schema import Kind
from cooptrack.query.export import export_bytes, file_name
from cooptrack.query.filters import Filters
from cooptrack.ui import data
from cooptrack.ui.text import md, table_cells

KIND_NAMES = {"meetings": "meetings", "phases": "project phases", "commitments": "commitments"}


def download_csv(kind: Kind, filters: Filters, key: str | None = None) -> None:
    """A button giving exactly the rows shown, produced by the same code as `cooptrack export`.
    The file is made when the button is clicked, not at every rerun: at a million rows it is
    hundreds of megabytes that most visits never ask for."""
    store = data.store()
    st.download_button(
        f"Download CSV ({KIND_NAMES[kind]})",
        data=lambda: export_bytes(store, kind, filters),
        file_name=file_name(kind, filters, data.today().isoformat()),
        mime="text/csv",
        key=key or f"download_{kind}",
        on_click="ignore",
        icon=":material/download:",
    )


def empty_state(what: str, filters: Filters) -> None:
    """Say why nothing is shown and how to see more, instead of drawing an empty chart.
    `what` is markdown: callers escape any record text in it with `md`."""
    if filters.is_empty():
        st.info(f"The record holds no {what} yet.", icon=":material/info:")
        return
    st.info(
        f"No {what} match the current filters ({describe(filters)}). Remove a filter in the "
        "sidebar, widen the date range, or press **Clear filters**.",
        icon=":material/filter_alt_off:",
    )


def describe(filters: Filters) -> str:
    """The filters in words, for captions and empty states (markdown: every value is escaped,
    since a link's `?q=` or a stored name could carry markup)."""
    names = dict(data.countries(data.version()))
    vocabulary = data.vocabulary(data.version())
    parts = [
        " or ".join(md(names.get(c, c)) for c in filters.countries),
        " or ".join(md(c) for c in filters.conventions),
        " or ".join(md(vocabulary.topics.get(t, t)) for t in filters.topics),
        " or ".join(md(vocabulary.organisations.get(o, o)) for o in filters.organisations),
    ]
    if filters.date_from or filters.date_to:
        parts.append(f"{md(filters.date_from or '…')} to {md(filters.date_to or '…')}")
    if filters.search:
        parts.append(f"“{md(filters.search)}”")
    return " · ".join(p for p in parts if p) or "no filters"


def caption(filters: Filters) -> None:
    st.caption(f"Filters: {describe(filters)}")


WRAPPED_ROWS_UP_TO = 60


def table(
    frame: pd.DataFrame, columns: dict[str, str], key: str | None = None, counted: bool = False
) -> None:
    """A readable table: short results wrap their text in full; long ones scroll (and say so,
    unless the caller has `counted` them already). st.table reads markdown in every cell, so
    its cells are escaped; st.dataframe shows cells as plain text."""
    shown = frame[list(columns)]
    if len(shown) <= WRAPPED_ROWS_UP_TO:
        st.table(table_cells(shown).rename(columns=columns), hide_index=True)
    else:
        if not counted:
            st.caption(f"{len(shown)} rows; scroll the table, or download them.")
        st.dataframe(shown.rename(columns=columns), hide_index=True, key=key)


MEETING_COLUMNS = {
    "when": "When",
    "short_title": "Meeting",
    "kind_label": "Kind",
    "where": "Where",
    "status": "Status",
    "convention_codes": "Conventions",
}
COMMITMENT_COLUMNS = {
    "commitment": "Commitment",
    "made_by": "Made by",
    "at": "At",
    "conventions": "Conventions",
    "due": "Due",
    "status": "Status",
    "latest_followup": "Latest follow-up",
}


def record_table(
    kind: Kind,
    frame: pd.DataFrame,
    filters: Filters,
    *,
    what: str,
    key: str,
    columns: dict[str, str] | None = None,
    total: int | None = None,
) -> None:
    """Records with their download button, or a note saying why there are none (`what` is
    markdown, as for `empty_state`)."""
    if frame.empty:
        empty_state(what, filters)
        return
    counted = total is not None and total > len(frame)
    if counted:
        st.caption(
            f"Showing the {len(frame)} most recent of {total:,} {what} (scroll the table); "
            "the download holds them all. Narrow the filters to see others here."
        )
    default = MEETING_COLUMNS if kind == "meetings" else COMMITMENT_COLUMNS
    table(frame, columns or default, key=f"{key}_table", counted=counted)
    download_csv(kind, filters, key=f"{key}_download")
