"""Editing: validation like the loader, one transaction per save, history, conflicts, restore."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from cooptrack.db import schema
from cooptrack.db.schema import KINDS, Kind
from cooptrack.db.store import Store
from cooptrack.errors import EditConflict, InputError
from cooptrack.record import edits


@pytest.fixture
def writable(bundled_db: Path, tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "edit.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    with Store.open(path, read_only=False) as store:
        yield store


def current(store: Store, kind: Kind, ident: str) -> edits.Record | None:
    with store.cursor() as cursor:
        return edits.fetch(cursor, kind, ident)


def existing(store: Store, kind: Kind, ident: str) -> edits.Record:
    """A record the test goes on to read or edit, so it must be there."""
    record = current(store, kind, ident)
    assert record is not None, f"{kind} {ident} is not in the record"
    return record


def all_ids(store: Store, kind: Kind) -> list[str]:
    return [i for (i,) in store.rows(f"SELECT id FROM {kind} ORDER BY id")]


@pytest.mark.parametrize("kind", KINDS)
def test_every_bundled_record_survives_the_form_format_unchanged(
    writable: Store, kind: Kind
) -> None:
    with writable.cursor() as cursor:
        for ident in all_ids(writable, kind):
            record = edits.fetch(cursor, kind, ident)
            assert record is not None
            strings = edits.to_strings(kind, record)
            known = edits.known_from(cursor, skip=(kind, ident))
            values = edits.validate(kind, strings, known)
            cursor.execute(f"SELECT * FROM {kind} WHERE id = ?", [ident])
            names = [d[0] for d in cursor.description or []]
            row = dict(zip(names, cursor.fetchone() or (), strict=True))
            assert values == row, ident


def test_a_change_is_saved_with_its_history(writable: Store) -> None:
    before = existing(writable, "commitments", "cc2-cop26-common-ground")
    strings = edits.to_strings("commitments", before)
    strings["status"] = "dropped"
    change = edits.save(writable, "alice", "commitments", strings, expected=before)
    assert change.action == "change"
    assert existing(writable, "commitments", "cc2-cop26-common-ground")["status"] == "dropped"
    log = edits.history(writable, "commitments", "cc2-cop26-common-ground")
    assert list(log.editor) == ["alice"] and list(log.action) == ["change"]
    assert edits.field_changes(log.before[0], log.after[0]) == [("status", "proposed", "dropped")]


def test_a_bad_value_is_refused_and_nothing_changes(writable: Store) -> None:
    before = existing(writable, "meetings", "wgecc-9")
    strings = edits.to_strings("meetings", before)
    strings["end"] = "2020-02-30"
    with pytest.raises(InputError, match="end: '2020-02-30' does not exist"):
        edits.save(writable, "alice", "meetings", strings, expected=before)
    assert current(writable, "meetings", "wgecc-9") == before
    assert edits.history(writable).empty


def test_the_second_of_two_concurrent_saves_is_refused_showing_what_changed(
    writable: Store,
) -> None:
    opened_by_alice = existing(writable, "meetings", "wgecc-9")
    opened_by_bob = existing(writable, "meetings", "wgecc-9")
    alice = edits.to_strings("meetings", opened_by_alice)
    alice["city"] = "Bruxelles"
    edits.save(writable, "alice", "meetings", alice, expected=opened_by_alice)
    bob = edits.to_strings("meetings", opened_by_bob)
    bob["summary"] = "Bob's summary"
    with pytest.raises(EditConflict) as caught:
        edits.save(writable, "bob", "meetings", bob, expected=opened_by_bob)
    assert caught.value.changes == [("city", "Brussels", "Bruxelles")]
    assert existing(writable, "meetings", "wgecc-9")["summary"] != "Bob's summary"


def test_adding_needs_a_new_id_and_known_references(writable: Store) -> None:
    strings = edits.to_strings("meetings", existing(writable, "meetings", "wgecc-9"))
    strings.update(
        id="wgecc-11",
        title="11th WGECC meeting",
        short_title="11th WGECC",
        ordinal="11",
        start="2026-12",
        end="",
        status="planned",
    )
    edits.save(writable, "alice", "meetings", strings, expected=None)
    assert existing(writable, "meetings", "wgecc-11")["start_precision"] == "month"
    strings.update(id="wgecc-12", title="12th WGECC meeting", host_country="XX")
    with pytest.raises(InputError, match="host_country: unknown country 'XX'"):
        edits.save(writable, "alice", "meetings", strings, expected=None)
    strings.update(host_country="BE", title="11th WGECC meeting")
    with pytest.raises(InputError, match="duplicate meeting title"):
        edits.save(writable, "alice", "meetings", strings, expected=None)


def test_a_meeting_still_linked_from_commitments_is_not_deleted(writable: Store) -> None:
    record = current(writable, "meetings", "wgecc-10")
    with pytest.raises(InputError, match="still linked from commitments"):
        edits.delete(writable, "alice", "meetings", "wgecc-10", expected=record)
    assert current(writable, "meetings", "wgecc-10") == record


def test_a_deleted_commitment_is_restored_with_its_follow_ups(writable: Store) -> None:
    record = existing(writable, "commitments", "cc2-eu-climate-sessions")
    assert len(record["followups"]) == 1
    edits.delete(writable, "alice", "commitments", "cc2-eu-climate-sessions", expected=record)
    assert current(writable, "commitments", "cc2-eu-climate-sessions") is None
    gone = edits.deleted(writable)
    assert list(gone.record_id) == ["cc2-eu-climate-sessions"]
    edits.restore(writable, "bob", int(gone.change_id[0]))
    assert current(writable, "commitments", "cc2-eu-climate-sessions") == record
    assert edits.deleted(writable).empty
    assert list(edits.history(writable).action) == ["restore", "delete"]


def test_a_follow_up_that_fulfils_sets_status_and_evidence(writable: Store) -> None:
    before = current(writable, "commitments", "cc2-cop26-common-ground")
    edits.add_followup(
        writable,
        "alice",
        "cc2-cop26-common-ground",
        {
            "date": "2021-10-05",
            "note": "Discussed in session 3.",
            "evidence_meeting": "wgecc-10",
            "status_after": "fulfilled",
            "sources": "https://wecoop.eu/events/10wgecc/",
        },
        expected=before,
    )
    after = existing(writable, "commitments", "cc2-cop26-common-ground")
    assert (after["status"], after["fulfilled_by"]) == ("fulfilled", "wgecc-10")
    assert [f["seq"] for f in after["followups"]] == [1]
    logged = edits.history(writable, "commitments", "cc2-cop26-common-ground")
    changed = {name for name, _, _ in edits.field_changes(logged.before[0], logged.after[0])}
    assert changed == {"status", "fulfilled_by", "followups"}
    assert json.loads(logged.after[0])["followups"][0]["note"] == "Discussed in session 3."


def test_a_follow_up_without_a_source_is_refused(writable: Store) -> None:
    before = current(writable, "commitments", "cc2-cop26-common-ground")
    with pytest.raises(InputError, match="sources: every record needs at least one source"):
        edits.add_followup(
            writable,
            "alice",
            "cc2-cop26-common-ground",
            {"date": "2021-10-05", "note": "x", "sources": ""},
            expected=before,
        )
    assert current(writable, "commitments", "cc2-cop26-common-ground") == before


def test_a_read_only_store_cannot_be_changed(store: Store) -> None:
    record = existing(store, "meetings", "wgecc-9")
    with pytest.raises(Exception, match="read-only"):
        edits.save(
            store, "alice", "meetings", edits.to_strings("meetings", record), expected=record
        )


# The stored facts follow every write (schema.refresh_facts), including the records a change
# reaches through links: a meeting's date is the due date of commitments that look ahead to it.


def stale_facts(store: Store) -> dict[str, int]:
    """Rows where a stored facts table and its source view disagree, both ways."""
    return {
        facts: store.rows(
            f"SELECT count(*) FROM ((SELECT * FROM {facts} EXCEPT ALL SELECT * FROM "
            f"{facts}_source) UNION ALL (SELECT * FROM {facts}_source EXCEPT ALL "
            f"SELECT * FROM {facts}))"
        )[0][0]
        for facts in schema.FACTS + schema.TOTALS
    }


def due_by(store: Store, ident: str) -> date | None:
    due: date | None = store.rows("SELECT due_by FROM commitment_facts WHERE id = ?", [ident])[0][0]
    return due


def test_moving_a_meeting_moves_the_due_date_of_what_looks_ahead_to_it(writable: Store) -> None:
    assert due_by(writable, "cc2-cop26-common-ground") == date(2021, 10, 31)
    before = existing(writable, "meetings", "unfccc-cop26")
    strings = edits.to_strings("meetings", before)
    strings["start"], strings["end"] = "2021-11-01", "2021-11-12"
    edits.save(writable, "alice", "meetings", strings, expected=before)
    assert due_by(writable, "cc2-cop26-common-ground") == date(2021, 11, 1)
    assert writable.rows("SELECT alive_to FROM meeting_facts WHERE id = 'unfccc-cop26'") == [
        (date(2021, 11, 12),)
    ]
    assert set(stale_facts(writable).values()) == {0}


def test_a_follow_up_that_closes_a_commitment_closes_its_facts(writable: Store) -> None:
    ident = "cc2-cop26-common-ground"
    assert writable.rows("SELECT is_open FROM commitment_facts WHERE id = ?", [ident]) == [(True,)]
    before = current(writable, "commitments", ident)
    edits.add_followup(
        writable,
        "alice",
        ident,
        {"date": "2022-03", "note": "Dropped.", "status_after": "dropped",
         "sources": "https://example.org/n"},
        before,
    )  # fmt: skip
    assert writable.rows(
        "SELECT is_open, alive_to FROM commitment_facts WHERE id = ?", [ident]
    ) == [(False, date(2022, 3, 31))]
    assert set(stale_facts(writable).values()) == {0}


def test_deleting_and_restoring_a_record_follows_in_its_facts(writable: Store) -> None:
    ident = "cc2-eu-support"
    before = current(writable, "commitments", ident)
    change = edits.delete(writable, "alice", "commitments", ident, before)
    assert writable.rows("SELECT count(*) FROM commitment_facts WHERE id = ?", [ident]) == [(0,)]
    deletion = edits.history(writable, "commitments", ident).change_id[0]
    edits.restore(writable, "alice", int(deletion))
    assert change.action == "delete"
    assert writable.rows("SELECT count(*) FROM commitment_facts WHERE id = ?", [ident]) == [(1,)]
    assert set(stale_facts(writable).values()) == {0}


def test_a_refused_write_leaves_the_facts_as_they_were(writable: Store) -> None:
    facts = writable.frame("SELECT * FROM meeting_facts ORDER BY id")
    before = existing(writable, "meetings", "wgecc-9")
    strings = edits.to_strings("meetings", before)
    strings["end"] = "2020-02-30"
    with pytest.raises(InputError):
        edits.save(writable, "alice", "meetings", strings, expected=before)
    assert writable.frame("SELECT * FROM meeting_facts ORDER BY id").equals(facts)


def test_known_identifiers_are_looked_up_in_the_database_with_local_changes_on_top(
    writable: Store,
) -> None:
    with writable.cursor() as cursor:
        known = edits.known_from(cursor, skip=("meetings", "wgecc-9"))
        meetings = known.ids["meeting"]
        assert "wgecc-10" in meetings and "no-such-meeting" not in meetings
        assert "wgecc-9" not in meetings  # the record being saved is not its own duplicate
        meetings.add("planned-meeting")
        assert "planned-meeting" in meetings
        assert len(meetings) == len(all_ids(writable, "meetings"))  # one out, one in
        assert known.meeting_starts.get("wgecc-9") is not None
        assert known.meeting_starts.get("no-such-meeting") is None


def test_the_record_picker_lists_the_newest_and_finds_the_rest_by_words(
    writable: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(edits, "PICK_LIMIT", 2)
    labels, matching = edits.pick_labels(writable, "meetings")
    newest = writable.rows("SELECT id FROM meetings ORDER BY start_date DESC, id LIMIT 2")
    assert matching == len(all_ids(writable, "meetings")) and list(labels) == [i for (i,) in newest]
    labels, matching = edits.pick_labels(writable, "commitments", "COP26  common")
    assert (list(labels), matching) == (["cc2-cop26-common-ground"], 1)
    assert edits.pick_labels(writable, "commitments", "no such words") == ({}, 0)
    labels, _ = edits.pick_labels(writable, "meetings", include="wgecc-9")
    assert "wgecc-9" in labels and len(labels) == 3


@pytest.mark.parametrize("missing", [None, float("nan"), "", "not json", "[1, 2]"])
def test_field_changes_reads_a_missing_side_as_no_record(missing: object) -> None:
    """An "add" line read through pandas has NaN where SQL has NULL: the history panel that
    showed it failed for every visitor."""
    after = '{"id": "m", "city": "Almaty"}'
    assert edits.field_changes(missing, after) == [("id", None, "m"), ("city", None, "Almaty")]
    assert edits.field_changes(after, missing) == [("id", "m", None), ("city", "Almaty", None)]
