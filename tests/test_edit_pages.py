"""The edit page headless: viewers never see edit controls, editors' saves land with history."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from conftest import seed_count
from streamlit.testing.v1 import AppTest
from test_pages import APP, page_path

from cooptrack.db.store import Store
from cooptrack.query.filters import Filters
from cooptrack.record import accounts, edits
from cooptrack.ui import editing, forms
from cooptrack.ui import filters as shared_filters

HASH = accounts.hash_password("a long test password")
SECRETS = {"cooptrack": {"accounts": {"alice": {"hash": HASH}}}}


@pytest.fixture
def writable_db(bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "edit.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    monkeypatch.setenv("COOPTRACK_DB", str(path))
    monkeypatch.setenv("COOPTRACK_TODAY", "2026-11-28")
    return path


def new_app(secrets: dict[str, Any] | None = None, user: dict[str, Any] | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    # Always a non-empty dict: AppTest then ignores any .streamlit/secrets.toml on disk.
    at.secrets = dict(secrets or {"cooptrack": {}})
    if user is not None:
        at.user = user
    return at


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.run()
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def test_viewers_see_no_edit_page_and_no_forms(writable_db: Path) -> None:
    at = new_app().run()
    assert "Editor sign-in" not in [e.label for e in at.expander]
    assert "Save" not in labels(at)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page_path("pages/edit.py"))
    assert "Save" not in labels(at)


def test_a_wrong_password_does_not_sign_in(writable_db: Path) -> None:
    at = sign_in(new_app(SECRETS), "alice", "not the password")
    assert "Unknown account or wrong password." in [e.value for e in at.error]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(page_path("pages/edit.py"))


def test_an_editor_changes_a_commitment_and_the_history_shows_it(writable_db: Path) -> None:
    at = sign_in(new_app(SECRETS), "alice", "a long test password")
    assert any("Signed in as **alice**" in c.value for c in at.caption)
    at.switch_page(page_path("pages/edit.py")).run()
    at.selectbox(key="pick::commitments").set_value("cc2-cop26-common-ground").run()
    status = next(
        s
        for s in at.selectbox
        if str(s.key).endswith("_status") and str(s.key).startswith("form::commitments")
    )
    status.set_value("dropped")
    save = [b for b in at.button if b.label == "Save"]
    assert save
    save[-1].click().run()
    assert not at.exception
    assert "Saved commitment 'cc2-cop26-common-ground'." in [s.value for s in at.success]
    # Same process as the app: Store.open_shared hands out the app's own store.
    with Store.open_shared(writable_db) as store:
        log = edits.history(store, "commitments", "cc2-cop26-common-ground")
    assert list(log.editor) == ["alice"]
    assert edits.field_changes(log.before[0], log.after[0]) == [("status", "proposed", "dropped")]
    assert any(e.label.startswith("History (1 change)") for e in at.expander)


def test_an_allow_listed_identity_provider_user_can_edit(writable_db: Path) -> None:
    secrets = {
        "auth": {"redirect_uri": "http://localhost/oauth2callback", "cookie_secret": "x" * 32},
        "cooptrack": {"editors": ["Editor@Example.org"]},
    }
    at = new_app(secrets, {"is_logged_in": True, "email": "editor@example.org"}).run()
    at.switch_page(page_path("pages/edit.py")).run()
    assert "Edit the record" in [t.value for t in at.title]
    assert "Save" in labels(at)
    stranger = new_app(secrets, {"is_logged_in": True, "email": "someone@else.org"}).run()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        stranger.switch_page(page_path("pages/edit.py"))


IDP_SECRETS = {
    "auth": {"redirect_uri": "http://localhost/oauth2callback", "cookie_secret": "x" * 32},
    "cooptrack": {"editors": ["editor@example.org"]},
}
IDP_EDITOR = {"is_logged_in": True, "email": "editor@example.org"}


def timeline_at(
    meeting: str, secrets: dict[str, Any] | None = None, user: dict[str, Any] | None = None
) -> AppTest:
    at = new_app(secrets, user)
    at.query_params["meeting"] = meeting
    at.run()
    return at.switch_page(page_path("pages/timeline.py")).run()


def save_meeting(path: Path, ident: str, **changes: str) -> None:
    """Change meeting `ident`, or add a new one from it when `changes` holds another id."""
    with Store.open_shared(path) as store:
        with store.cursor() as cursor:
            record = edits.fetch(cursor, "meetings", ident)
        assert record is not None
        strings = edits.to_strings("meetings", record) | changes
        new = strings["id"] != ident
        edits.save(store, "alice", "meetings", strings, expected=None if new else record)


def test_only_editors_see_a_meetings_history(writable_db: Path) -> None:
    save_meeting(writable_db, "wgecc-9", city="Bruxelles")
    viewer = timeline_at("wgecc-9")
    assert not viewer.exception
    assert not [e.label for e in viewer.expander if e.label.startswith("History")]
    assert "Bruxelles" in " ".join(m.value for m in viewer.markdown)
    editor = timeline_at("wgecc-9", IDP_SECRETS, IDP_EDITOR)
    assert any(e.label == "History (1 change)" for e in editor.expander)
    assert "Bruxelles" in " ".join(t.value.to_string() for t in editor.table)


def test_a_new_meeting_with_its_history_draws_for_everyone(writable_db: Path) -> None:
    """An added record's history line has no 'before' (NaN once read through pandas): the
    Timeline failed for every visitor while such a meeting was selected."""
    save_meeting(
        writable_db,
        "wgecc-10",
        id="wgecc-11",
        title="11th meeting of the Working Group on Environment and Climate Change",
        short_title="11th WGECC",
        ordinal="11",
        start="2027",
        end="",
        status="planned",
    )
    for at in (timeline_at("wgecc-11"), timeline_at("wgecc-11", IDP_SECRETS, IDP_EDITOR)):
        assert not at.exception
        assert [e.value for e in at.error] == []
        assert at.selectbox(key="meeting_choice").value == "wgecc-11"
    history = [e for e in at.expander if e.label.startswith("History")]
    assert [e.label for e in history] == ["History (1 change)"]
    assert "11th WGECC" in history[0].table[0].value.to_string()


def edit_page_with_a_pending_save(writable_db: Path) -> AppTest:
    at = sign_in(new_app(SECRETS), "alice", "a long test password")
    at.switch_page(page_path("pages/edit.py")).run()
    at.selectbox(key="pick::commitments").set_value("cc2-cop26-common-ground").run()
    return at


def click_save(at: AppTest) -> AppTest:
    return [b for b in at.button if b.label == "Save"][-1].click().run()


def test_a_save_is_confirmed_even_when_drawing_the_page_afterwards_fails(
    writable_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = edit_page_with_a_pending_save(writable_db)

    def broken(kind: str, ident: str) -> None:
        raise RuntimeError("drawing failed")

    monkeypatch.setattr(editing, "history_panel", broken)
    click_save(at)
    assert "Saved commitment 'cc2-cop26-common-ground'." in [s.value for s in at.success]
    errors = " ".join(e.value for e in at.error)
    assert "Something went wrong while drawing this page" in errors
    assert "Saved changes are kept" in errors and "unchanged" not in errors


def test_a_save_is_confirmed_even_when_the_page_fails_before_showing_it(
    writable_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = edit_page_with_a_pending_save(writable_db)
    original = shared_filters.settle

    def fails_after_a_save() -> Filters:
        if "flash" in st.session_state:  # the run after the save, before the page draws
            raise RuntimeError("drawing failed")
        return original()

    monkeypatch.setattr(shared_filters, "settle", fails_after_a_save)
    click_save(at)
    assert "Saved commitment 'cc2-cop26-common-ground'." in [s.value for s in at.success]
    errors = " ".join(e.value for e in at.error)
    assert "Something went wrong" in errors and "unchanged" not in errors
    assert "Edit the record" not in [t.value for t in at.title]  # the page itself never ran


def test_the_press_release_assistant_proposes_and_saves_with_the_source(writable_db: Path) -> None:
    release = (
        Path(__file__).parent / "fixtures" / "releases" / "ninth-wgecc-brussels.txt"
    ).read_text(encoding="utf-8")
    at = sign_in(new_app(SECRETS), "alice", "a long test password")
    at.switch_page(page_path("pages/edit.py")).run()
    at.text_area(key="release_text").input(release)
    at.text_input(key="release_source").input("https://example.org/news/9wgecc")
    next(b for b in at.button if b.label == "Read the release").click().run()
    assert not at.exception
    infos = " ".join(i.value for i in at.info)
    assert "Already in the record as `wgecc-9`" in infos
    save = next(b for b in at.button if b.label.startswith("Save 2 commitments at wgecc-9"))
    save.click().run()
    assert "Saved 2 commitments." in [s.value for s in at.success]
    with Store.open_shared(writable_db) as store:
        log = edits.history(store, "commitments")
        rows = store.rows(
            "SELECT ahead_of, sources FROM commitments WHERE meeting = 'wgecc-9' ORDER BY id"
        )
    assert set(log.via) == {"extract https://example.org/news/9wgecc"}
    assert list(log.editor) == ["alice", "alice"]
    assert sorted(r[0] or "" for r in rows) == ["", "hlc-7"]
    assert all(r[1] == ["https://example.org/news/9wgecc"] for r in rows)


def test_past_the_limits_records_are_searched_for_and_meetings_typed(
    writable_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At a million commitments neither the record picker nor the meeting fields can list all:
    the picker holds the newest with a search box, meeting fields take an identifier."""
    monkeypatch.setattr(edits, "PICK_LIMIT", 3)
    monkeypatch.setattr(forms, "MEETING_CHOICES_LIMIT", 5)
    at = sign_in(new_app(SECRETS), "alice", "a long test password")
    at.switch_page(page_path("pages/edit.py")).run()
    assert len(at.selectbox(key="pick::commitments").options) == 1 + 3  # "+ New" and 3 newest
    assert any(f"{seed_count('commitments')} commitments match" in c.value for c in at.caption)
    at.text_input(key="find::commitments").input("common ground cop26").run()
    at.selectbox(key="pick::commitments").set_value("cc2-cop26-common-ground").run()
    ahead = next(t for t in at.text_input if str(t.key).endswith("_ahead_of"))
    assert ahead.value == "unfccc-cop26"
    ahead.input("no-such-meeting")
    next(b for b in at.button if "form::commitments" in str(b.key)).click().run()
    assert any("no-such-meeting" in e.value for e in at.error)
    with Store.open_shared(writable_db) as store:  # as the app's connection
        assert store.rows(
            "SELECT ahead_of FROM commitments WHERE id = 'cc2-cop26-common-ground'"
        ) == [("unfccc-cop26",)]
