"""Bulk import from the dashboard: check the file first, then apply it all at once.

A plan of a large file takes seconds, so it is made once per file and state of the record (kept
in the session, not made again on every click) and shows its progress while it is made.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from cooptrack.db import backup
from cooptrack.errors import CooptrackError
from cooptrack.ingest import iati, tabular
from cooptrack.ui import auth, data
from cooptrack.ui.text import md, plain
from cooptrack.ui.widgets import table

_PLAN = "import_plan"
PLAN_LINES_SHOWN = 1_000  # rows of a plan's tables drawn on the page; the rest are counted


def import_panel() -> None:
    st.caption(
        "A CSV (UTF-8) or Excel file in the columns of a download from this dashboard "
        "(rows with a known id change that record; new ids are added), or an IATI activity "
        "file (.xml) whose activities become projects and phases."
    )
    upload = st.file_uploader("File to import", type=["csv", "xlsx", "xml"], key="import_file")
    if upload is None:
        return
    name, content = upload.name, upload.getvalue()
    if name.lower().endswith(".xml"):
        _iati(name, content)
        return
    plan = _planned(
        ("csv", name, content),
        lambda progress: tabular.plan(data.store(), name, content, progress=progress),
    )
    if plan is None:
        return
    _show(plan)
    if plan.problems:
        st.error("Fix the problems above and upload the file again; nothing was written.")
        return
    if not plan.adds and not plan.changes:
        st.info("The file matches the record already; there is nothing to import.")
        return
    if st.button(f"Apply: add {len(plan.adds):,}, change {len(plan.changes):,}", type="primary"):
        _apply(
            plan.kind,
            lambda progress: tabular.apply(data.store(), _editor(), plan, progress=progress),
        )


def _planned(what: tuple[Any, ...], make: Callable[[tabular.Progress], Any]) -> Any:
    """The plan of this file against the record as it is now, made once (with progress) and
    kept for the session's next clicks; None (and a message) when the file cannot be read."""
    kind, name, content, *rest = what
    key = (kind, name, hashlib.sha256(content).hexdigest(), *rest, data.version())
    kept = st.session_state.get(_PLAN)
    if isinstance(kept, tuple) and kept[0] == key:
        return kept[1]
    try:
        with _progress(f"Checking {plain(name)}…") as progress:
            plan = make(progress)
    except CooptrackError as error:
        st.error(md(f"Cannot import {name}: {error}"), icon=":material/error:")
        return None
    st.session_state[_PLAN] = (key, plan)
    return plan


@contextmanager
def _progress(label: str) -> Iterator[tabular.Progress]:
    """A progress bar told (done, of) by the core while it works, removed when it is done."""
    bar = st.progress(0.0, text=label)

    def tell(done: int, total: int) -> None:
        bar.progress(
            min(done / total, 1.0) if total else 1.0, text=f"{label} {done:,} of {total:,}"
        )

    try:
        yield tell
    finally:
        bar.empty()


def _shown(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    if len(frame) > PLAN_LINES_SHOWN:
        st.caption(f"The first {PLAN_LINES_SHOWN:,} of {len(frame):,} {what} are shown.")
        return frame.head(PLAN_LINES_SHOWN)
    return frame


def _show(plan: tabular.Plan) -> None:
    st.markdown(f"**Dry run** — {md(plan.summary())}")
    if plan.problems:
        problems = pd.DataFrame(
            [(p.at, p.field, p.reason) for p in plan.problems],
            columns=["row", "column", "reason"],
        )
        table(
            _shown(problems, "problems"),
            {"row": "Row", "column": "Column", "reason": "Problem"},
            key="import_problems",
        )
    if plan.adds:
        adds = pd.DataFrame(plan.adds, columns=["id", "title"])
        table(_shown(adds, "new records"), {"id": "New id", "title": "Title"}, key="import_adds")
    if plan.changes:
        rows = [
            (ident, name, str(before), str(after))
            for ident, fields in plan.changes
            for name, before, after in fields
        ]
        changes = pd.DataFrame(rows, columns=["id", "field", "before", "after"])
        table(
            _shown(changes, "changed fields"),
            {"id": "Record", "field": "Field", "before": "Now", "after": "After import"},
            key="import_changes",
        )


def _editor() -> str:
    return auth.require_editor()


def _apply(what: str, write: Callable[[tabular.Progress], int]) -> None:
    """Back up, then write the whole plan in one transaction; say what was done."""
    try:
        _editor()
        folder = backup.backup(data.store(), reason="before-import")
        with _progress("Importing…") as progress:
            written = write(progress)
    except CooptrackError as error:
        st.error(md(f"Nothing was imported: {error}"), icon=":material/error:")
        return
    st.cache_data.clear()
    st.session_state.pop(_PLAN, None)
    st.success(
        md(f"Imported {written:,} {what}. A backup was taken first: {folder}"),
        icon=":material/check_circle:",
    )


def _iati(name: str, content: bytes) -> None:
    source = st.text_input(
        "Where the file is published (optional)",
        key="iati_source",
        placeholder="https://iatiregistry.org/dataset/…",
    )
    plan = _planned(
        ("iati", name, content, source),
        lambda progress: iati.plan(
            data.store(), name, content, source=source or None, progress=progress
        ),
    )
    if plan is None:
        return
    lines = list(iati.describe(plan))
    if len(lines) > PLAN_LINES_SHOWN:
        st.caption(f"The first {PLAN_LINES_SHOWN:,} of {len(lines):,} lines are shown.")
    st.code("\n".join(lines[:PLAN_LINES_SHOWN]), language=None)
    if plan.problems:
        st.error("Fix the problems above and upload the file again; nothing was written.")
        return
    if st.button("Apply the IATI file", type="primary"):
        _apply(
            "records", lambda progress: iati.apply(data.store(), _editor(), plan, progress=progress)
        )
