"""The press-release assistant: paste or upload a release, review the draft, save what is right.

Every proposed field shows the sentence it came from; nothing is written until the editor saves,
and each save is an ordinary validated save recorded in the history with the release's address.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from cooptrack.errors import CooptrackError
from cooptrack.i18n import _, ngettext, number, pgettext
from cooptrack.ingest.press import reader
from cooptrack.record import edits
from cooptrack.record.validation import url_problem
from cooptrack.ui import auth, data, forms
from cooptrack.ui.text import md

_DRAFT = "assistant_draft"


def assistant_panel() -> None:
    st.caption(
        _(
            "Paste a press release or upload it (.txt or .html). The assistant proposes "
            "records with the sentence each field came from; nothing is saved until you do."
        )
    )
    upload = st.file_uploader(_("Release file"), type=["txt", "html", "htm"], key="release_file")
    pasted = st.text_area(_("…or paste the text"), height=160, key="release_text")
    left, right = st.columns(2)
    source = left.text_input(_("Source address"), placeholder="https://…", key="release_source")
    published = right.date_input(
        _("Published on (for 'today')"),
        value=None,
        key="release_date",
        min_value=date(1990, 1, 1),
        max_value=date(2060, 12, 31),
    )
    if st.button(_("Read the release"), type="primary"):
        if upload is not None and upload.size > 4 * reader.MAX_HTML:  # UTF-8: up to 4 bytes
            st.error(
                ngettext(
                    "The file is {size} byte; a release is a few pages at most.",
                    "The file is {size} bytes; a release is a few pages at most.",
                    upload.size,
                ).format(size=number(upload.size))
            )
            return
        text = upload.getvalue().decode("utf-8", errors="replace") if upload else pasted
        if not text.strip():
            st.error(_("Paste a release or upload a file first."))
            return
        try:
            context = reader.context_from_store(data.store())
            st.session_state[_DRAFT] = reader.extract(text, context, published, source or None)
        except CooptrackError as error:
            st.error(
                _("Cannot read the release: {error}").format(error=md(error)),
                icon=":material/error:",
            )
            return
    kept = st.session_state.get(_DRAFT)
    if isinstance(kept, reader.Draft):
        _review(kept, source)


def _review(draft: reader.Draft, source: str) -> None:
    for note in draft.notes:
        st.caption(_("Note: {note}").format(note=md(note)))
    if not source.strip():
        st.warning(_("Give the release's source address above before saving anything."))
        return
    problem = url_problem(source.strip())
    if problem is not None:
        st.warning(
            _("The source address {problem}; give the release's own address.").format(
                problem=md(problem)
            )
        )
        return
    source = source.strip()
    meeting_id = _meeting_section(draft, source)
    if draft.mentioned:
        st.markdown(_("**Other meetings it mentions**"))
        for other in draft.mentioned:
            known = (
                _("in the record as `{id}`").format(id=other.matched_id)
                if other.matched_id
                else _("not in the record")
            )
            st.markdown(
                _("- {title} — {date}, {place} ({known})").format(
                    title=md(other.title),
                    date=md(other.start or _("date not found")),
                    place=md(other.city or _("place not found")),
                    known=known,
                )
            )
    _commitments_section(draft, source, meeting_id)


def _meeting_section(draft: reader.Draft, source: str) -> str | None:
    meeting = draft.meeting
    st.subheader(_("The meeting it reports"))
    if meeting is None:
        st.info(_("No meeting found in the release."))
        return None
    current = None
    if meeting.matched_id:
        with data.store().cursor() as cursor:
            current = edits.fetch(cursor, "meetings", meeting.matched_id)
        st.info(
            _(
                "Already in the record as `{id}`: saving updates it with what the release adds."
            ).format(id=meeting.matched_id)
        )
    with st.expander(_("Where each field came from")):
        for field_name, sentence in meeting.evidence.items():
            st.markdown(
                _("**{field}** — “{sentence}”").format(
                    field=md(forms.field_label("meetings", field_name)), sentence=md(sentence)
                )
            )
        for country in draft.countries:
            st.markdown(
                _("**country {code}** — “{sentence}”").format(
                    code=md(country["code"]), sentence=md(country["evidence"])
                )
            )
    stored = (
        forms.with_russian("meetings", edits.to_strings("meetings", current), current)
        if current
        else None
    )
    strings = reader.meeting_strings(
        meeting, source, stored, countries=[c["code"] for c in draft.countries]
    )
    edited = forms.render(
        "meetings",
        strings,
        data.option_lists(data.version()),
        f"assistant::{strings['id']}",
        new=current is None,
    )
    if edited is not None:
        try:
            change = edits.save(
                data.store(),
                auth.require_editor(),
                "meetings",
                edited,
                expected=current,
                via=f"extract {source}",
            )
        except CooptrackError as error:
            st.error(_("Not saved: {error}").format(error=md(error)))
        else:
            st.cache_data.clear()
            st.success(_("Saved meeting '{id}'.").format(id=md(change.record_id)))
            return change.record_id
    return meeting.matched_id


def _firmness(firmness: str) -> str:
    """How firmly the release words a commitment (the reader's own codes)."""
    words = {
        "agreed": pgettext("commitment firmness", "agreed"),
        "committed": pgettext("commitment firmness", "committed"),
        "reiterated": pgettext("commitment firmness", "reiterated"),
        "proposed": pgettext("commitment firmness", "proposed"),
        "considered": pgettext("commitment firmness", "considered"),
        "scheduled": pgettext("commitment firmness", "scheduled"),
    }
    return words.get(firmness, firmness)


def _commitments_section(draft: reader.Draft, source: str, meeting_id: str | None) -> None:
    st.subheader(_("Candidate commitments"))
    if not draft.commitments:
        st.info(_("No commitment found in the release."))
        return
    if meeting_id is None:
        st.caption(_("Save the meeting first: commitments are recorded at a meeting."))
        return
    chosen = []
    for index, item in enumerate(draft.commitments):
        with st.container(border=True):
            keep = st.checkbox(
                _("{firmness}: keep").format(firmness=md(_firmness(item.firmness))),
                value=True,
                key=f"keep::{index}",
            )
            text = st.text_area(_("Commitment"), value=item.text, key=f"ctext::{index}")
            st.caption(_("From: “{sentence}”").format(sentence=md(item.evidence)))
            if keep:
                chosen.append((item, text))
    save = ngettext(
        "Save {n} commitment at {meeting}", "Save {n} commitments at {meeting}", len(chosen)
    ).format(n=number(len(chosen)), meeting=meeting_id)
    if st.button(save, disabled=not chosen):
        _save_commitments(draft, source, meeting_id, chosen)


def _save_commitments(
    draft: reader.Draft,
    source: str,
    meeting_id: str,
    chosen: list[tuple[reader.CommitmentDraft, str]],
) -> None:
    conventions = [c["code"] for c in draft.conventions]
    topics = [t["code"] for t in draft.topics]
    saved, problems = 0, []
    for item, text in chosen:
        item.text = text
        strings = reader.commitment_strings(item, meeting_id, source, conventions, topics)
        try:
            edits.save(
                data.store(),
                auth.require_editor(),
                "commitments",
                strings,
                expected=None,
                via=f"extract {source}",
            )
            saved += 1
        except CooptrackError as error:
            problems.append(_("{text}…: {error}").format(text=md(item.text[:60]), error=md(error)))
    st.cache_data.clear()
    if saved:
        st.success(
            ngettext("Saved {n} commitment.", "Saved {n} commitments.", saved).format(
                n=number(saved)
            )
        )
    for problem in problems:
        st.error(problem)
