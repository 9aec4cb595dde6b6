"""The press-release assistant: paste or upload a release, review the draft, save what is right.

Every proposed field shows the sentence it came from; nothing is written until the editor saves,
and each save is an ordinary validated save recorded in the history with the release's address.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from cooptrack.errors import CooptrackError
from cooptrack.ingest.press import reader
from cooptrack.record import edits
from cooptrack.record.validation import url_problem
from cooptrack.ui import auth, data, forms
from cooptrack.ui.text import md

_DRAFT = "assistant_draft"


def assistant_panel() -> None:
    st.caption(
        "Paste a press release or upload it (.txt or .html). The assistant proposes "
        "records with the sentence each field came from; nothing is saved until you do."
    )
    upload = st.file_uploader("Release file", type=["txt", "html", "htm"], key="release_file")
    pasted = st.text_area("…or paste the text", height=160, key="release_text")
    left, right = st.columns(2)
    source = left.text_input("Source address", placeholder="https://…", key="release_source")
    published = right.date_input(
        "Published on (for 'today')",
        value=None,
        key="release_date",
        min_value=date(1990, 1, 1),
        max_value=date(2060, 12, 31),
    )
    if st.button("Read the release", type="primary"):
        if upload is not None and upload.size > 4 * reader.MAX_HTML:  # UTF-8: up to 4 bytes
            st.error(f"The file is {upload.size:,} bytes; a release is a few pages at most.")
            return
        text = upload.getvalue().decode("utf-8", errors="replace") if upload else pasted
        if not text.strip():
            st.error("Paste a release or upload a file first.")
            return
        try:
            context = reader.context_from_store(data.store())
            st.session_state[_DRAFT] = reader.extract(text, context, published, source or None)
        except CooptrackError as error:
            st.error(md(f"Cannot read the release: {error}"), icon=":material/error:")
            return
    kept = st.session_state.get(_DRAFT)
    if isinstance(kept, reader.Draft):
        _review(kept, source)


def _review(draft: reader.Draft, source: str) -> None:
    for note in draft.notes:
        st.caption(md(f"Note: {note}"))
    if not source.strip():
        st.warning("Give the release's source address above before saving anything.")
        return
    problem = url_problem(source.strip())
    if problem is not None:
        st.warning(md(f"The source address {problem}; give the release's own address."))
        return
    source = source.strip()
    meeting_id = _meeting_section(draft, source)
    if draft.mentioned:
        st.markdown("**Other meetings it mentions**")
        for other in draft.mentioned:
            known = (
                f"in the record as `{other.matched_id}`"
                if other.matched_id
                else "not in the record"
            )
            st.markdown(
                f"- {md(other.title)} — {md(other.start or 'date not found')}, "
                f"{md(other.city or 'place not found')} ({known})"
            )
    _commitments_section(draft, source, meeting_id)


def _meeting_section(draft: reader.Draft, source: str) -> str | None:
    meeting = draft.meeting
    st.subheader("The meeting it reports")
    if meeting is None:
        st.info("No meeting found in the release.")
        return None
    current = None
    if meeting.matched_id:
        with data.store().cursor() as cursor:
            current = edits.fetch(cursor, "meetings", meeting.matched_id)
        st.info(
            f"Already in the record as `{meeting.matched_id}`: saving updates it with what "
            "the release adds."
        )
    with st.expander("Where each field came from"):
        for field_name, sentence in meeting.evidence.items():
            st.markdown(f"**{md(field_name)}** — “{md(sentence)}”")
        for country in draft.countries:
            st.markdown(f"**country {md(country['code'])}** — “{md(country['evidence'])}”")
    strings = reader.meeting_strings(
        meeting,
        source,
        edits.to_strings("meetings", current) if current else None,
        countries=[c["code"] for c in draft.countries],
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
            st.error(md(f"Not saved: {error}"))
        else:
            st.cache_data.clear()
            st.success(md(f"Saved meeting {change.record_id!r}."))
            return change.record_id
    return meeting.matched_id


def _commitments_section(draft: reader.Draft, source: str, meeting_id: str | None) -> None:
    st.subheader("Candidate commitments")
    if not draft.commitments:
        st.info("No commitment found in the release.")
        return
    if meeting_id is None:
        st.caption("Save the meeting first: commitments are recorded at a meeting.")
        return
    chosen = []
    for number, item in enumerate(draft.commitments):
        with st.container(border=True):
            keep = st.checkbox(f"{md(item.firmness)}: keep", value=True, key=f"keep::{number}")
            text = st.text_area("Commitment", value=item.text, key=f"ctext::{number}")
            st.caption(f"From: “{md(item.evidence)}”")
            if keep:
                chosen.append((item, text))
    if st.button(f"Save {len(chosen)} commitments at {meeting_id}", disabled=not chosen):
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
            problems.append(md(f"{item.text[:60]}…: {error}"))
    st.cache_data.clear()
    if saved:
        st.success(f"Saved {saved} commitments.")
    for problem in problems:
        st.error(problem)
