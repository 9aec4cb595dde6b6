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
from cooptrack.i18n import _, ngettext, number
from cooptrack.ingest import iati, tabular
from cooptrack.ui import auth, data
from cooptrack.ui.text import md, plain
from cooptrack.ui.widgets import table

_PLAN = "import_plan"
PLAN_LINES_SHOWN = 1_000  # rows of a plan's tables drawn on the page; the rest are counted


def import_panel() -> None:
    st.caption(
        _(
            "A CSV (UTF-8) or Excel file in the columns of a download from this dashboard "
            "(rows with a known id change that record; new ids are added), or an IATI activity "
            "file (.xml) whose activities become projects and phases. Russian versions of "
            "texts go in the optional columns ending in _ru (title_ru, summary_ru, text_ru, "
            "note_ru…)."
        )
    )
    upload = st.file_uploader(_("File to import"), type=["csv", "xlsx", "xml"], key="import_file")
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
        st.error(_("Fix the problems above and upload the file again; nothing was written."))
        return
    if not plan.adds and not plan.changes:
        st.info(_("The file matches the record already; there is nothing to import."))
        return
    apply = _("Apply: add {added}, change {changed}").format(
        added=number(len(plan.adds)), changed=number(len(plan.changes))
    )
    if st.button(apply, type="primary"):
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
        with _progress(_("Checking {file}…").format(file=plain(name))) as progress:
            plan = make(progress)
    except CooptrackError as error:
        st.error(
            _("Cannot import {file}: {error}").format(file=md(name), error=md(error)),
            icon=":material/error:",
        )
        return None
    st.session_state[_PLAN] = (key, plan)
    return plan


@contextmanager
def _progress(label: str) -> Iterator[tabular.Progress]:
    """A progress bar told (done, of) by the core while it works, removed when it is done."""
    bar = st.progress(0.0, text=label)

    def tell(done: int, total: int) -> None:
        counted = _("{done} of {total}").format(done=number(done), total=number(total))
        bar.progress(min(done / total, 1.0) if total else 1.0, text=f"{label} {counted}")

    try:
        yield tell
    finally:
        bar.empty()


def _shown(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    """The first PLAN_LINES_SHOWN rows, saying so when there are more; `what` is a message
    with {shown} and {total} (one per table: Russian words differ with the thing counted)."""
    if len(frame) > PLAN_LINES_SHOWN:
        st.caption(what.format(shown=number(PLAN_LINES_SHOWN), total=number(len(frame))))
        return frame.head(PLAN_LINES_SHOWN)
    return frame


def _show(plan: tabular.Plan) -> None:
    st.markdown(
        _(
            "**Dry run** — {file}: {added} to add, {changed} to change, {unchanged} unchanged, "
            "{problems} problems"
        ).format(
            file=md(plan.source),
            added=number(len(plan.adds)),
            changed=number(len(plan.changes)),
            unchanged=number(plan.unchanged),
            problems=number(len(plan.problems)),
        )
    )
    if plan.problems:
        problems = pd.DataFrame(
            [(p.at, p.field, p.reason) for p in plan.problems],
            columns=["row", "column", "reason"],
        )
        table(
            _shown(
                problems,
                ngettext(
                    "The first {shown} of {total} problem are shown.",
                    "The first {shown} of {total} problems are shown.",
                    len(problems),
                ),
            ),
            {"row": _("Row"), "column": _("Column"), "reason": _("Problem")},
            key="import_problems",
        )
    if plan.adds:
        adds = pd.DataFrame(plan.adds, columns=["id", "title"])
        table(
            _shown(
                adds,
                ngettext(
                    "The first {shown} of {total} new record are shown.",
                    "The first {shown} of {total} new records are shown.",
                    len(adds),
                ),
            ),
            {"id": _("New id"), "title": _("Title")},
            key="import_adds",
        )
    if plan.changes:
        rows = [
            (ident, name, str(before), str(after))
            for ident, fields in plan.changes
            for name, before, after in fields
        ]
        changes = pd.DataFrame(rows, columns=["id", "field", "before", "after"])
        table(
            _shown(
                changes,
                ngettext(
                    "The first {shown} of {total} changed field are shown.",
                    "The first {shown} of {total} changed fields are shown.",
                    len(changes),
                ),
            ),
            {
                "id": _("Record"),
                "field": _("Field"),
                "before": _("Now"),
                "after": _("After import"),
            },
            key="import_changes",
        )


def _editor() -> str:
    return auth.require_editor()


def _apply(what: str, write: Callable[[tabular.Progress], int]) -> None:
    """Back up, then write the whole plan in one transaction; say what was done."""
    try:
        _editor()
        folder = backup.backup(data.store(), reason="before-import")
        with _progress(_("Importing…")) as progress:
            written = write(progress)
    except CooptrackError as error:
        st.error(
            _("Nothing was imported: {error}").format(error=md(error)), icon=":material/error:"
        )
        return
    st.cache_data.clear()
    st.session_state.pop(_PLAN, None)
    st.success(
        _("{imported} A backup was taken first: {folder}").format(
            imported=_imported(what, written), folder=md(folder)
        ),
        icon=":material/check_circle:",
    )


def _imported(what: str, count: int) -> str:
    """ "Imported 12 meetings." for the kind of record the file held (Russian nouns differ)."""
    if what == "meetings":
        text = ngettext("Imported {n} meeting.", "Imported {n} meetings.", count)
    elif what == "phases":
        text = ngettext("Imported {n} phase.", "Imported {n} phases.", count)
    elif what == "commitments":
        text = ngettext("Imported {n} commitment.", "Imported {n} commitments.", count)
    else:
        text = ngettext("Imported {n} record.", "Imported {n} records.", count)
    return text.format(n=number(count))


def _iati(name: str, content: bytes) -> None:
    source = st.text_input(
        _("Where the file is published (optional)"),
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
        st.caption(
            ngettext(
                "The first {shown} of {total} line are shown.",
                "The first {shown} of {total} lines are shown.",
                len(lines),
            ).format(shown=number(PLAN_LINES_SHOWN), total=number(len(lines)))
        )
    st.code("\n".join(lines[:PLAN_LINES_SHOWN]), language=None)
    if plan.problems:
        st.error(_("Fix the problems above and upload the file again; nothing was written."))
        return
    if st.button(_("Apply the IATI file"), type="primary"):
        _apply(
            "records", lambda progress: iati.apply(data.store(), _editor(), plan, progress=progress)
        )
