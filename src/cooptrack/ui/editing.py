"""The editor's side of the dashboard: record forms, follow-ups, history and restore.

The version of a record an editor opened is kept in the session; saving compares it with the
database inside the write transaction, so a second editor's save is refused, never merged.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
import streamlit as st

from cooptrack.db.schema import SINGULAR, Kind
from cooptrack.errors import CooptrackError, EditConflict
from cooptrack.query.rows import rows
from cooptrack.record import edits as record_edits
from cooptrack.record.edits import Record
from cooptrack.ui import auth, data, forms
from cooptrack.ui.text import label, md
from cooptrack.ui.widgets import table

NEW = "__new__"
_BLANK = {"status": "", "confidence": "M", "tentative": "false"}


def _opened_key(kind: str, ident: str) -> str:
    return f"opened::{kind}::{ident}"


def _form_key(kind: str, ident: str, record: Record | None) -> str:
    """Changes whenever the opened version does, so the form shows fresh values."""
    digest = hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()
    return f"form::{kind}::{ident}::{digest[:10]}"


def record_editor(kind: Kind) -> None:
    pending = st.session_state.pop(f"pending::{kind}", None)
    labels = {NEW: f"+ New {SINGULAR[kind]}", **_pick_labels(kind, pending)}
    if pending in labels:  # chosen by the last save or delete, before the picker exists
        st.session_state[f"pick::{kind}"] = pending
    choice = st.selectbox(
        f"Choose a {SINGULAR[kind]}",
        list(labels),
        format_func=lambda ident: label(labels[ident]) or ident,
        key=f"pick::{kind}",
    )
    expected = _opened(kind, choice)
    if choice != NEW and expected is None:
        st.warning("This record no longer exists; it may have been deleted meanwhile.")
        return
    strings = record_edits.to_strings(kind, expected) if expected else dict(_BLANK)
    edited = forms.render(
        kind,
        strings,
        data.option_lists(data.version()),
        _form_key(kind, choice, expected),
        new=choice == NEW,
    )
    if edited is not None:
        _save(kind, edited, expected)
    if choice != NEW:
        if kind == "commitments":
            _followup_form(choice)
        _delete_control(kind, choice)
        history_panel(kind, choice)


def _pick_labels(kind: Kind, pending: str | None) -> dict[str, str]:
    """The records to pick from; past PICK_LIMIT of them, a search box narrows the list."""
    store, singular = data.store(), SINGULAR[kind]
    picked = pending or st.session_state.get(f"pick::{kind}")
    include = picked if isinstance(picked, str) and picked != NEW else None
    labels, matching = record_edits.pick_labels(store, kind, "", include)
    if matching <= record_edits.PICK_LIMIT:
        return labels
    search = st.text_input(
        f"Find a {singular}",
        key=f"find::{kind}",
        placeholder="words from its title or text, or its identifier",
    )
    labels, matching = record_edits.pick_labels(store, kind, search, include)
    if matching > record_edits.PICK_LIMIT:
        st.caption(
            f"{matching:,} {kind} match; the list holds the {record_edits.PICK_LIMIT} newest. "
            "Type words to narrow it."
        )
    elif search.strip() and matching == 0:
        st.caption(f"No {singular} holds all of: {md(search)}")
    return labels


def _opened(kind: Kind, ident: str) -> Record | None:
    if ident == NEW:
        return None
    key = _opened_key(kind, ident)
    if key not in st.session_state:
        with data.store().cursor() as cursor:
            st.session_state[key] = record_edits.fetch(cursor, kind, ident)
    value = st.session_state[key]
    return value if isinstance(value, dict) else None


def _after_write(change: record_edits.Change, confirmation: str) -> None:
    """Once a write has committed: say so first (the next run shows it before drawing
    anything that could fail), then forget what the session and the caches held."""
    st.session_state["flash"] = confirmation
    st.session_state[_opened_key(change.kind, change.record_id)] = change.after
    st.cache_data.clear()


def _save(kind: Kind, edited: dict[str, str], expected: Record | None) -> None:
    try:
        change = record_edits.save(
            data.store(), auth.require_editor(), kind, edited, expected=expected
        )
    except EditConflict as conflict:
        _show_conflict(kind, conflict)
        return
    except CooptrackError as error:
        st.error(f"Not saved: {md(error)}", icon=":material/error:")
        return
    _after_write(change, f"Saved {SINGULAR[kind]} '{md(change.record_id)}'.")
    st.session_state[f"pending::{kind}"] = change.record_id
    st.rerun()


def _show_conflict(kind: Kind, conflict: EditConflict) -> None:
    st.error(md(conflict), icon=":material/sync_problem:")
    if conflict.changes:
        st.table(_changes_frame(conflict.changes, "when you opened it", "now"), hide_index=True)
    st.button(
        "Load the current version (your edits are discarded)",
        on_click=_forget_opened,
        args=(kind,),
        key=f"reload::{kind}",
    )


def _forget_opened(kind: Kind) -> None:
    ident = st.session_state.get(f"pick::{kind}")
    st.session_state.pop(_opened_key(kind, str(ident)), None)


def _changes_frame(changes: list[tuple[str, Any, Any]], old: str, new: str) -> pd.DataFrame:
    return pd.DataFrame(
        [(name, _short(before), _short(after)) for name, before, after in changes],
        columns=["field", old, new],
    )


def _short(value: Any) -> str:
    if value is None or value == []:
        return "—"
    if isinstance(value, list):
        return "; ".join(_short(v) if isinstance(v, dict) else str(v) for v in value)
    if isinstance(value, dict):
        return f"{value.get('on_date', '')}: {value.get('note', '')}"
    return str(value)


def _followup_form(ident: str) -> None:
    lists = data.option_lists(data.version())
    with st.expander("Add a follow-up note"), st.form(f"followup::{ident}", clear_on_submit=True):
        when = st.text_input("Date", placeholder="YYYY-MM-DD", help=forms.DATE_HELP)
        note = st.text_area("What happened")
        evidence = _meeting_choice("Evidence: the meeting where it happened", lists)
        status = st.selectbox(
            "Status afterwards", list(lists["status_after"]), format_func=lambda s: s or "unchanged"
        )
        sources = st.text_area("Sources", help="one address per line, or: no public source")
        if st.form_submit_button("Add note"):
            _add_followup(
                ident,
                {
                    "date": when,
                    "note": note,
                    "evidence_meeting": evidence,
                    "status_after": status,
                    "sources": ";".join(s.strip() for s in sources.splitlines() if s.strip()),
                },
            )


def _meeting_choice(title: str, lists: dict[str, dict[str, str]]) -> str:
    meetings = lists.get("meetings_or_none")
    if meetings is None:  # too many to list
        return st.text_input(title, help=forms.MEETING_ID_HELP).strip()
    return str(st.selectbox(title, list(meetings), format_func=lambda m: label(meetings[m])))


def _add_followup(ident: str, strings: dict[str, str]) -> None:
    try:
        change = record_edits.add_followup(
            data.store(),
            auth.require_editor(),
            ident,
            strings,
            expected=_opened("commitments", ident),
        )
    except EditConflict as conflict:
        _show_conflict("commitments", conflict)
        return
    except CooptrackError as error:
        st.error(f"Not saved: {md(error)}", icon=":material/error:")
        return
    _after_write(change, "Follow-up added.")
    st.rerun()


def _delete_control(kind: Kind, ident: str) -> None:
    with st.expander(f"Delete this {SINGULAR[kind]}"):
        sure = st.checkbox(
            "Yes, delete it (it can be restored from the history)", key=f"sure::{kind}::{ident}"
        )
        if st.button("Delete", disabled=not sure, key=f"delete::{kind}::{ident}"):
            try:
                change = record_edits.delete(
                    data.store(), auth.require_editor(), kind, ident, expected=_opened(kind, ident)
                )
            except CooptrackError as error:
                st.error(f"Not deleted: {md(error)}", icon=":material/error:")
                return
            _after_write(change, f"Deleted {SINGULAR[kind]} '{md(ident)}'.")
            st.session_state[f"pending::{kind}"] = NEW
            st.rerun()


def history_panel(kind: str, ident: str) -> None:
    """Every recorded change of one record: who, when, each field before and after. For
    editors only: callers check `auth.current_editor()`."""
    log = record_edits.history(data.store(), kind, ident)
    with st.expander(f"History ({len(log)} change{'s' if len(log) != 1 else ''})"):
        if log.empty:
            st.caption("No changes since the record was loaded from the bundled data.")
        for entry in rows(log):
            st.markdown(
                f"**{md(_when(entry.changed_at))} UTC** · {md(entry.editor)} · "
                f"{md(entry.action)} · via {md(entry.via)}"
            )
            changes = record_edits.field_changes(_json(entry.before), _json(entry.after))
            if not changes:  # every saved change differs somewhere: this line was damaged
                st.caption("The fields of this change cannot be read.")
                continue
            table(
                _changes_frame(changes, "before", "after"),
                {"field": "Field", "before": "Before", "after": "After"},
            )


def _json(value: Any) -> str | None:
    """A stored before/after as JSON text; None for none (read through pandas, a missing one
    arrives as NaN: an added record has no before, a deleted one no after)."""
    return value if isinstance(value, str) and value.strip() else None


def _when(moment: Any) -> str:
    return "unknown time" if pd.isna(moment) else f"{pd.Timestamp(moment):%Y-%m-%d %H:%M}"


def restore_panel() -> None:
    gone = record_edits.deleted(data.store())
    if gone.empty:
        st.caption("Nothing has been deleted.")
        return
    for entry in rows(gone):
        left, right = st.columns([4, 1])
        left.markdown(
            f"{md(SINGULAR.get(entry.record_kind, entry.record_kind))} "
            f"**{md(entry.record_id)}**, deleted by {md(entry.editor)} on "
            f"{md(_when(entry.changed_at))} UTC"
        )
        if right.button("Restore", key=f"restore::{entry.change_id}"):
            try:
                change = record_edits.restore(
                    data.store(), auth.require_editor(), int(entry.change_id)
                )
            except CooptrackError as error:
                st.error(f"Not restored: {md(error)}", icon=":material/error:")
                return
            _after_write(change, f"Restored '{md(entry.record_id)}'.")
            st.rerun()
