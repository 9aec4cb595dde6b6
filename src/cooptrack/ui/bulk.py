"""Bulk import from the dashboard: check the file first, then apply it all at once."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from cooptrack import backup, iati, importer
from cooptrack.errors import CooptrackError
from cooptrack.ui import auth, data
from cooptrack.ui.widgets import table


def import_panel() -> None:
    st.caption(
        "A CSV (UTF-8) or Excel file in the columns of a download from this dashboard "
        "(rows with a known id change that record; new ids are added), or an IATI activity "
        "file (.xml) whose activities become projects and phases."
    )
    upload = st.file_uploader("File to import", type=["csv", "xlsx", "xml"], key="import_file")
    if upload is None:
        return
    if upload.name.lower().endswith(".xml"):
        _iati(upload.name, upload.getvalue())
        return
    try:
        plan = importer.plan(data.store(), upload.name, upload.getvalue())
    except CooptrackError as error:
        st.error(f"Cannot import {upload.name}: {error}", icon=":material/error:")
        return
    _show(plan)
    if plan.problems:
        st.error("Fix the problems above and upload the file again; nothing was written.")
        return
    if not plan.adds and not plan.changes:
        st.info("The file matches the record already; there is nothing to import.")
        return
    if st.button(f"Apply: add {len(plan.adds)}, change {len(plan.changes)}", type="primary"):
        _apply(plan)


def _show(plan: importer.Plan) -> None:
    st.markdown(f"**Dry run** — {plan.summary()}")
    if plan.problems:
        table(
            pd.DataFrame(
                [(p.row, p.column, p.reason) for p in plan.problems],
                columns=["row", "column", "reason"],
            ),
            {"row": "Row", "column": "Column", "reason": "Problem"},
        )
    if plan.adds:
        table(pd.DataFrame(plan.adds, columns=["id", "title"]), {"id": "New id", "title": "Title"})
    if plan.changes:
        rows = [
            (ident, name, str(before), str(after))
            for ident, fields in plan.changes
            for name, before, after in fields
        ]
        table(
            pd.DataFrame(rows, columns=["id", "field", "before", "after"]),
            {"id": "Record", "field": "Field", "before": "Now", "after": "After import"},
        )


def _apply(plan: importer.Plan) -> None:
    try:
        editor = auth.require_editor()
        folder = backup.backup(data.store(), reason="before-import")
        written = importer.apply(data.store(), editor, plan)
    except CooptrackError as error:
        st.error(f"Nothing was imported: {error}", icon=":material/error:")
        return
    st.cache_data.clear()
    st.success(
        f"Imported {written} {plan.kind}. A backup was taken first: {folder}",
        icon=":material/check_circle:",
    )


def _iati(name: str, content: bytes) -> None:
    source = st.text_input(
        "Where the file is published (optional)",
        key="iati_source",
        placeholder="https://iatiregistry.org/dataset/…",
    )
    try:
        plan = iati.plan(data.store(), name, content, source=source or None)
    except CooptrackError as error:
        st.error(f"Cannot import {name}: {error}", icon=":material/error:")
        return
    st.code("\n".join(iati.describe(plan)), language=None)
    if plan.problems:
        st.error("Fix the problems above and upload the file again; nothing was written.")
        return
    if st.button("Apply the IATI file", type="primary"):
        try:
            editor = auth.require_editor()
            folder = backup.backup(data.store(), reason="before-import")
            written = iati.apply(data.store(), editor, plan)
        except CooptrackError as error:
            st.error(f"Nothing was imported: {error}", icon=":material/error:")
            return
        st.cache_data.clear()
        st.success(
            f"Imported {written} records. A backup was taken first: {folder}",
            icon=":material/check_circle:",
        )
