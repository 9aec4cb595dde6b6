"""Edit: add, change and delete records, add follow-ups, import files, restore deletions."""

import streamlit as st

from cooptrack.i18n import _, pgettext
from cooptrack.ui import auth, pacing
from cooptrack.ui.assistant import assistant_panel
from cooptrack.ui.bulk import import_panel
from cooptrack.ui.editing import record_editor, restore_panel
from cooptrack.ui.text import md

editor = auth.current_editor()
pacing.heading(_("Edit the record"))
if editor is None:
    st.warning(_("Only signed-in editors can change the record."), icon=":material/lock:")
    st.stop()
st.caption(
    _(
        "Signed in as {editor}. Every save is checked like the bundled data and kept in "
        "the history with your name."
    ).format(editor=md(editor))
)
# A committed save's confirmation, shown before anything else is drawn: if drawing the rest
# fails, the editor still reads that the save happened.
if flash := st.session_state.pop("flash", None):
    st.success(flash, icon=":material/check_circle:")

meetings, phases, commitments, release, bulk, deleted = st.tabs(
    [
        _("Meetings"),
        _("Project phases"),
        _("Commitments"),
        _("From a press release"),
        _("Import a file"),
        pgettext("edit page tab", "Restore"),
    ],
    key="edit_tab",
    on_change="rerun",  # remembered across reruns, so a save keeps the editor on the same tab
)
with meetings:
    record_editor("meetings")
with phases:
    record_editor("phases")
with commitments:
    record_editor("commitments")
with release:
    assistant_panel()
with bulk:
    import_panel()
with deleted:
    restore_panel()
