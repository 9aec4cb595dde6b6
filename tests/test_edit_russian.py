"""The Edit page in Russian: its words come from the catalog, and editors add the Russian
versions of record texts there (stored in the *_ru columns, kept when another field changes)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest
from test_edit_pages import SECRETS, new_app
from test_pages import page_path

from cooptrack.db.store import Store
from cooptrack.i18n import _, ngettext, pgettext, use_language
from cooptrack.record import edits
from cooptrack.ui import forms
from cooptrack.ui.text import md

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
PASSWORD = "a long test password"


@pytest.fixture
def writable_db(bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "edit.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    monkeypatch.setenv("COOPTRACK_DB", str(path))
    monkeypatch.setenv("COOPTRACK_TODAY", "2026-11-28")
    return path


def ru(message: str) -> str:
    with use_language("ru"):
        return _(message)


def edit_page(lang: str) -> AppTest:
    """The Edit page as editor alice opens it in `lang`, signing in with the form's own words."""
    at = new_app(SECRETS)
    if lang != "en":
        at.query_params["lang"] = lang
    at.run()
    sign_in = ru("Sign in") if lang == "ru" else "Sign in"
    at.text_input(key="sign_in_name").input("alice")
    at.text_input(key="sign_in_password").input(PASSWORD)
    next(b for b in at.button if b.label == sign_in).click()
    at.run()
    return at.switch_page(page_path("pages/edit.py")).run()


def form_labels(at: AppTest, kind: str) -> list[str]:
    """The labels of one record form's fields, in the order drawn."""
    prefix = f"form::{kind}"
    widgets = [
        *at.text_input,
        *at.text_area,
        *at.selectbox,
        *at.multiselect,
        *at.checkbox,
    ]
    drawn = [w for w in widgets if str(w.key).startswith(prefix)]
    order = {spec.name: index for index, spec in enumerate(forms.FIELDS[kind])}
    drawn.sort(key=lambda w: order[_field(w.key)])
    return [w.label for w in drawn]


def _field(key: object) -> str:
    """The field name at the end of a form widget's key (`form::meetings::…_title_ru`)."""
    names = sorted((spec.name for specs in forms.FIELDS.values() for spec in specs), key=len)
    return next(name for name in reversed(names) if str(key).endswith(f"_{name}"))


def widget(at: AppTest, kind: str, name: str) -> Any:
    """The one input of a record form for field `name`."""
    found = [
        w
        for w in [*at.text_input, *at.text_area, *at.selectbox]
        if str(w.key).startswith(f"form::{kind}") and _field(w.key) == name
    ]
    assert len(found) == 1, (kind, name, [w.key for w in found])
    return found[0]


def save(at: AppTest, kind: str, label: str) -> AppTest:
    button = next(b for b in at.button if b.label == label and f"form::{kind}" in str(b.key))
    return button.click().run()


def stored(db: Path, sql: str, *params: str) -> list[tuple[object, ...]]:
    with Store.open_shared(db) as store:  # the app's own connection, as the app writes
        return store.rows(sql, list(params))


def test_the_edit_page_speaks_russian_from_the_catalog(writable_db: Path) -> None:
    at = edit_page("ru")
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [ru("Edit the record")]
    tabs = [t.label for t in at.tabs]
    with use_language("ru"):
        restore_tab = pgettext("edit page tab", "Restore")
        meeting_statuses = [pgettext("meeting status", s) for s in ("planned", "held")]
    assert tabs == [
        ru("Meetings"),
        ru("Project phases"),
        ru("Commitments"),
        ru("From a press release"),
        ru("Import a file"),
        restore_tab,
    ]
    at.selectbox(key="pick::meetings").set_value("wgecc-9").run()
    labels = form_labels(at, "meetings")
    assert labels == [ru(spec.label) for spec in forms.FIELDS["meetings"]]
    assert ru("Title in Russian (optional)") in labels
    assert all(CYRILLIC.search(label) for label in labels), labels
    status = widget(at, "meetings", "status")
    assert status.value == "held"  # the stored code, shown in Russian
    assert set(meeting_statuses) <= set(status.options)
    buttons = {b.label for b in at.button}
    assert {ru("Save"), ru("Delete")} <= buttons
    expanders = {e.label for e in at.expander}
    assert ru("Delete this meeting") in expanders
    with use_language("ru"):
        history = ngettext("History ({n} change)", "History ({n} changes)", 0).format(n=0)
    assert history in expanders, expanders


def test_english_stays_the_default_with_the_new_fields(writable_db: Path) -> None:
    at = edit_page("en")
    assert not at.exception
    assert [t.value for t in at.title] == ["Edit the record"]
    at.selectbox(key="pick::commitments").set_value("hlc5-joint-communique").run()
    labels = form_labels(at, "commitments")
    assert labels == [spec.label for spec in forms.FIELDS["commitments"]]
    assert "What was committed, in Russian (optional)" in labels
    assert widget(at, "commitments", "status").options[:2] == ["proposed", "agreed"]


def test_an_editor_adds_and_keeps_russian_versions_of_record_texts(writable_db: Path) -> None:
    at = edit_page("ru")
    # A meeting without a Russian title gets one.
    at.selectbox(key="pick::meetings").set_value("wgecc-9").run()
    assert widget(at, "meetings", "title_ru").value == ""
    title = "9-е заседание Рабочей группы ЕС – Центральная Азия по окружающей среде"
    widget(at, "meetings", "title_ru").input(title)
    save(at, "meetings", ru("Save"))
    assert not at.exception
    assert [s.value for s in at.success] == [ru("Saved meeting '{id}'.").format(id=md("wgecc-9"))]
    assert stored(writable_db, "SELECT title_ru FROM meetings WHERE id = ?", "wgecc-9") == [
        (title,)
    ]
    with Store.open_shared(writable_db) as store:
        log = edits.history(store, "meetings", "wgecc-9")
    assert edits.field_changes(log.before[0], log.after[0]) == [("title_ru", None, title)]

    # A meeting that has one keeps it when an editor changes another text.
    (before,) = stored(writable_db, "SELECT title_ru FROM meetings WHERE id = ?", "wgecc-8")
    assert before[0]
    at.selectbox(key="pick::meetings").set_value("wgecc-8").run()
    assert widget(at, "meetings", "title_ru").value == before[0]
    widget(at, "meetings", "short_title_ru").input("8-е заседание WGECC")
    save(at, "meetings", ru("Save"))
    assert not at.exception
    assert stored(
        writable_db, "SELECT title_ru, short_title_ru FROM meetings WHERE id = ?", "wgecc-8"
    ) == [(before[0], "8-е заседание WGECC")]


def test_a_follow_up_note_is_added_with_its_russian_version(writable_db: Path) -> None:
    at = edit_page("ru")
    at.selectbox(key="pick::commitments").set_value("cc2-cop26-common-ground").run()
    form = "followup::cc2-cop26-common-ground"
    inputs = {w.label: w for w in [*at.text_input, *at.text_area] if w.form_id == form}
    inputs[ru("Date")].input("2026-11-20")
    inputs[ru("What happened")].input("Discussed again at the 10th WGECC.")
    inputs[ru("What happened, in Russian (optional)")].input("Вновь обсуждено на 10-м заседании.")
    inputs[ru("Sources")].input("https://example.org/wgecc-10")
    next(b for b in at.button if b.label == ru("Add note")).click().run()
    assert not at.exception
    assert [s.value for s in at.success] == [ru("Follow-up added.")]
    assert stored(
        writable_db,
        "SELECT note, note_ru FROM followups WHERE commitment = ? ORDER BY seq DESC LIMIT 1",
        "cc2-cop26-common-ground",
    ) == [("Discussed again at the 10th WGECC.", "Вновь обсуждено на 10-м заседании.")]


def test_the_series_russian_name_is_edited_beside_the_series(writable_db: Path) -> None:
    names = [spec.name for spec in forms.FIELDS["meetings"]]
    assert names[names.index("series") + 1] == "series_ru"
    ((series, before),) = stored(
        writable_db, "SELECT series, series_ru FROM meetings WHERE id = ?", "wgecc-9"
    )
    assert before, "the bundled record names the WGECC series in Russian"
    at = edit_page("ru")
    at.selectbox(key="pick::meetings").set_value("wgecc-9").run()
    field = widget(at, "meetings", "series_ru")
    assert field.label == ru("Series in Russian (optional)") != "Series in Russian (optional)"
    assert field.value == before
    field.input("Рабочая группа ЕС – ЦА по окружающей среде и изменению климата")
    save(at, "meetings", ru("Save"))
    assert not at.exception
    assert stored(
        writable_db, "SELECT series, series_ru FROM meetings WHERE id = ?", "wgecc-9"
    ) == [(series, "Рабочая группа ЕС – ЦА по окружающей среде и изменению климата")]
