"""The editor's side of the dashboard: record forms, follow-ups, history and restore.

The version of a record an editor opened is kept in the session; saving compares it with the
database inside the write transaction, so a second editor's save is refused, never merged.

Messages that name the kind of record are whole sentences per kind: Russian words change with
it (встреча, этап, обязательство), so a kind is never glued into a sentence.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
import streamlit as st

from cooptrack.db.schema import Kind
from cooptrack.errors import CooptrackError, EditConflict
from cooptrack.i18n import N_, _, ngettext, number, pgettext
from cooptrack.query.rows import rows
from cooptrack.record import edits as record_edits
from cooptrack.record.edits import Record
from cooptrack.ui import auth, data, forms
from cooptrack.ui.text import label, md
from cooptrack.ui.widgets import table

NEW = "__new__"
_BLANK = {"status": "", "confidence": "M", "tentative": "false"}
_TEXTS: dict[str, dict[str, str]] = {
    "meetings": {
        "new": N_("+ New meeting"),
        "choose": N_("Choose a meeting"),
        "find": N_("Find a meeting"),
        "no_match": N_("No meeting holds all of: {words}"),
        "saved": N_("Saved meeting '{id}'."),
        "delete": N_("Delete this meeting"),
        "deleted": N_("Deleted meeting '{id}'."),
        "gone": N_("meeting **{id}**, deleted by {editor} on {when} UTC"),
    },
    "phases": {
        "new": N_("+ New phase"),
        "choose": N_("Choose a phase"),
        "find": N_("Find a phase"),
        "no_match": N_("No phase holds all of: {words}"),
        "saved": N_("Saved phase '{id}'."),
        "delete": N_("Delete this phase"),
        "deleted": N_("Deleted phase '{id}'."),
        "gone": N_("phase **{id}**, deleted by {editor} on {when} UTC"),
    },
    "commitments": {
        "new": N_("+ New commitment"),
        "choose": N_("Choose a commitment"),
        "find": N_("Find a commitment"),
        "no_match": N_("No commitment holds all of: {words}"),
        "saved": N_("Saved commitment '{id}'."),
        "delete": N_("Delete this commitment"),
        "deleted": N_("Deleted commitment '{id}'."),
        "gone": N_("commitment **{id}**, deleted by {editor} on {when} UTC"),
    },
}


def _text(kind: str, what: str) -> str:
    """One of `_TEXTS` in the current language."""
    return _(_TEXTS[kind][what])


def _too_many(kind: str, matching: int) -> str:
    """How many records match, past the picker's limit (Russian counts in three forms)."""
    values = {"n": number(matching), "limit": number(record_edits.PICK_LIMIT)}
    if kind == "meetings":
        text = ngettext(
            "{n} meeting matches; the list holds the {limit} newest. Type words to narrow it.",
            "{n} meetings match; the list holds the {limit} newest. Type words to narrow it.",
            matching,
        )
    elif kind == "phases":
        text = ngettext(
            "{n} phase matches; the list holds the {limit} newest. Type words to narrow it.",
            "{n} phases match; the list holds the {limit} newest. Type words to narrow it.",
            matching,
        )
    else:
        text = ngettext(
            "{n} commitment matches; the list holds the {limit} newest. Type words to narrow it.",
            "{n} commitments match; the list holds the {limit} newest. Type words to narrow it.",
            matching,
        )
    return text.format(**values)


def _opened_key(kind: str, ident: str) -> str:
    return f"opened::{kind}::{ident}"


def _form_key(kind: str, ident: str, record: Record | None) -> str:
    """Changes whenever the opened version does, so the form shows fresh values."""
    digest = hashlib.sha256(json.dumps(record, sort_keys=True, default=str).encode()).hexdigest()
    return f"form::{kind}::{ident}::{digest[:10]}"


def record_editor(kind: Kind) -> None:
    pending = st.session_state.pop(f"pending::{kind}", None)
    labels = {NEW: _text(kind, "new"), **_pick_labels(kind, pending)}
    if pending in labels:  # chosen by the last save or delete, before the picker exists
        st.session_state[f"pick::{kind}"] = pending
    choice = st.selectbox(
        _text(kind, "choose"),
        list(labels),
        format_func=lambda ident: label(labels[ident]) or ident,
        key=f"pick::{kind}",
    )
    expected = _opened(kind, choice)
    if choice != NEW and expected is None:
        st.warning(_("This record no longer exists; it may have been deleted meanwhile."))
        return
    strings = (
        forms.with_russian(kind, record_edits.to_strings(kind, expected), expected)
        if expected
        else dict(_BLANK)
    )
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
    store = data.store()
    picked = pending or st.session_state.get(f"pick::{kind}")
    include = picked if isinstance(picked, str) and picked != NEW else None
    labels, matching = record_edits.pick_labels(store, kind, "", include)
    if matching <= record_edits.PICK_LIMIT:
        return labels
    search = st.text_input(
        _text(kind, "find"),
        key=f"find::{kind}",
        placeholder=_("words from its title or text, or its identifier"),
    )
    labels, matching = record_edits.pick_labels(store, kind, search, include)
    if matching > record_edits.PICK_LIMIT:
        st.caption(_too_many(kind, matching))
    elif search.strip() and matching == 0:
        st.caption(_text(kind, "no_match").format(words=md(search)))
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
        st.error(_("Not saved: {error}").format(error=md(error)), icon=":material/error:")
        return
    _after_write(change, _text(kind, "saved").format(id=md(change.record_id)))
    st.session_state[f"pending::{kind}"] = change.record_id
    st.rerun()


def _show_conflict(kind: Kind, conflict: EditConflict) -> None:
    st.error(md(conflict), icon=":material/sync_problem:")
    if conflict.changes:
        frame = _changes_frame(kind, conflict.changes)
        headers = {"field": _("field"), "before": _("when you opened it"), "after": _("now")}
        st.table(frame.rename(columns=headers), hide_index=True)
    st.button(
        _("Load the current version (your edits are discarded)"),
        on_click=_forget_opened,
        args=(kind,),
        key=f"reload::{kind}",
    )


def _forget_opened(kind: Kind) -> None:
    ident = st.session_state.get(f"pick::{kind}")
    st.session_state.pop(_opened_key(kind, str(ident)), None)


def _changes_frame(kind: str, changes: list[tuple[str, Any, Any]]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            (forms.field_label(kind, name), _shown(name, before), _shown(name, after))
            for name, before, after in changes
        ],
        columns=["field", "before", "after"],
    )


def _shown(column: str, value: Any) -> str:
    """A changed value as the reader reads it: a date's precision and a yes/no in the
    interface's words (English keeps the stored words), anything else as stored."""
    if column.endswith("_precision") and isinstance(value, str):
        precisions = {
            "day": pgettext("date precision", "day"),
            "month": pgettext("date precision", "month"),
            "year": pgettext("date precision", "year"),
        }
        return precisions.get(value, value)
    if isinstance(value, bool):
        return pgettext("yes or no", "True") if value else pgettext("yes or no", "False")
    return _short(value)


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
    with (
        st.expander(_("Add a follow-up note")),
        st.form(f"followup::{ident}", clear_on_submit=True),
    ):
        when = st.text_input(_("Date"), placeholder=_("YYYY-MM-DD"), help=_(forms.DATE_HELP))
        note = st.text_area(_("What happened"))
        note_ru = st.text_area(
            _("What happened, in Russian (optional)"), help=_(forms.RUSSIAN_HELP)
        )
        evidence = _meeting_choice(_("Evidence: the meeting where it happened"), lists)
        # Labels made now, in this run's language: format_func may be called outside the run.
        statuses = {
            code: forms.choice_label("status_after", code) for code in lists["status_after"]
        }
        status = st.selectbox(
            _("Status afterwards"), list(statuses), format_func=statuses.__getitem__
        )
        sources = st.text_area(_("Sources"), help=_("one address per line, or: no public source"))
        if st.form_submit_button(_("Add note")):
            _add_followup(
                ident,
                {
                    "date": when,
                    "note": note,
                    "note_ru": note_ru,
                    "evidence_meeting": evidence,
                    "status_after": status,
                    "sources": ";".join(s.strip() for s in sources.splitlines() if s.strip()),
                },
            )


def _meeting_choice(title: str, lists: dict[str, dict[str, str]]) -> str:
    meetings = lists.get("meetings_or_none")
    if meetings is None:  # too many to list
        return st.text_input(title, help=_(forms.MEETING_ID_HELP)).strip()
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
        st.error(_("Not saved: {error}").format(error=md(error)), icon=":material/error:")
        return
    _after_write(change, _("Follow-up added."))
    st.rerun()


def _delete_control(kind: Kind, ident: str) -> None:
    with st.expander(_text(kind, "delete")):
        sure = st.checkbox(
            _("Yes, delete it (it can be restored from the history)"),
            key=f"sure::{kind}::{ident}",
        )
        if st.button(_("Delete"), disabled=not sure, key=f"delete::{kind}::{ident}"):
            try:
                change = record_edits.delete(
                    data.store(), auth.require_editor(), kind, ident, expected=_opened(kind, ident)
                )
            except CooptrackError as error:
                st.error(_("Not deleted: {error}").format(error=md(error)), icon=":material/error:")
                return
            _after_write(change, _text(kind, "deleted").format(id=md(ident)))
            st.session_state[f"pending::{kind}"] = NEW
            st.rerun()


def history_panel(kind: str, ident: str) -> None:
    """Every recorded change of one record: who, when, each field before and after. For
    editors only: callers check `auth.current_editor()`."""
    log = record_edits.history(data.store(), kind, ident)
    count = len(log)
    title = ngettext("History ({n} change)", "History ({n} changes)", count)
    with st.expander(title.format(n=number(count))):
        if log.empty:
            st.caption(_("No changes since the record was loaded from the bundled data."))
        for entry in rows(log):
            st.markdown(
                _("**{when} UTC** · {editor} · {action} · via {via}").format(
                    when=md(_when(entry.changed_at)),
                    editor=md(entry.editor),
                    action=md(_action(entry.action)),
                    via=md(_via(entry.via)),
                )
            )
            changes = record_edits.field_changes(_json(entry.before), _json(entry.after))
            if not changes:  # every saved change differs somewhere: this line was damaged
                st.caption(_("The fields of this change cannot be read."))
                continue
            table(
                _changes_frame(kind, changes),
                {"field": _("Field"), "before": _("Before"), "after": _("After")},
            )


def _action(action: Any) -> str:
    """A history line's action (stored in English, like the whole line) as the reader reads it."""
    actions = {
        "add": pgettext("history action", "add"),
        "change": pgettext("history action", "change"),
        "delete": pgettext("history action", "delete"),
        "restore": pgettext("history action", "restore"),
    }
    return actions.get(str(action), str(action))


def _via(via: Any) -> str:
    """How a change was made: its first word (form, import, extract, iati, restore) translated,
    the rest (a file name, an address) as stored."""
    head, space, rest = str(via).partition(" ")
    words = {
        "form": pgettext("history via", "form"),
        "import": pgettext("history via", "import"),
        "extract": pgettext("history via", "extract"),
        "iati": pgettext("history via", "iati"),
        "restore": pgettext("history via", "restore"),
    }
    return words.get(head, head) + space + rest


def _json(value: Any) -> str | None:
    """A stored before/after as JSON text; None for none (read through pandas, a missing one
    arrives as NaN: an added record has no before, a deleted one no after)."""
    return value if isinstance(value, str) and value.strip() else None


def _when(moment: Any) -> str:
    return _("unknown time") if pd.isna(moment) else f"{pd.Timestamp(moment):%Y-%m-%d %H:%M}"


def restore_panel() -> None:
    gone = record_edits.deleted(data.store())
    if gone.empty:
        st.caption(_("Nothing has been deleted."))
        return
    for entry in rows(gone):
        left, right = st.columns([4, 1])
        left.markdown(
            _deleted_line(entry.record_kind, entry.record_id, entry.editor, entry.changed_at)
        )
        if right.button(_("Restore"), key=f"restore::{entry.change_id}"):
            try:
                change = record_edits.restore(
                    data.store(), auth.require_editor(), int(entry.change_id)
                )
            except CooptrackError as error:
                st.error(
                    _("Not restored: {error}").format(error=md(error)), icon=":material/error:"
                )
                return
            _after_write(change, _("Restored '{id}'.").format(id=md(entry.record_id)))
            st.rerun()


def _deleted_line(kind: Any, ident: Any, editor: Any, when: Any) -> str:
    values = {"id": md(ident), "editor": md(editor), "when": md(_when(when))}
    if kind in _TEXTS:
        return _text(str(kind), "gone").format(**values)
    return _("{kind} **{id}**, deleted by {editor} on {when} UTC").format(kind=md(kind), **values)
