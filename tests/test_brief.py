"""The briefing for a meeting: chosen by default as the next meeting (else the latest), read back
from its Word file with python-docx, and compared with the CSV of the same commitments.

Built on tests/fixtures/seed plus records written here, so every expectation is computed from
the database or its CSV, never from the bundled record's counts.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import docx
import pytest

from cooptrack.cli import main
from cooptrack.db.store import Store
from cooptrack.errors import InputError
from cooptrack.query.brief import Brief, brief, default_meeting
from cooptrack.query.brief_document import brief_docx, xml_text
from cooptrack.query.export import export_bytes, plain_cell
from cooptrack.query.filters import Filters
from cooptrack.record import edits

TODAY = date(2026, 11, 28)
HOSTILE = '=HYPERLINK("https://evil.example") <b>bold</b> {{ field }}'


@pytest.fixture(scope="module")
def records(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture record with a second meeting of the WGECC series (held after m-a, before
    today), a commitment made there with hostile text, and one due before it."""
    path = tmp_path_factory.mktemp("brief") / "brief.duckdb"
    path.write_bytes(fixture_db.read_bytes())
    meeting = {
        "id": "m-w2",
        "title": "Second WGECC " + HOSTILE,
        "short_title": "WGECC 2",
        "kind": "wgecc-meeting",
        "series": "WGECC",
        "ordinal": "2",
        "start": "2024-03-04",
        "status": "held",
        "confidence": "H",
        "tentative": "false",
        "conventions": "UNFCCC",
        "sources": "https://example.org/w2",
    }
    made = {
        "id": "c-w2",
        "text": HOSTILE,
        "made_by": "eu",
        "meeting": "m-w2",
        "due": "2025-01-31",
        "status": "agreed",
        "confidence": "H",
        "sources": "https://example.org/cw2",
    }
    ahead = {
        "id": "c-ahead",
        "text": "Prepare the second WGECC",
        "made_by": "ec",
        "meeting": "m-b",
        "ahead_of": "m-w2",
        "status": "in-progress",
        "confidence": "M",
        "sources": "https://example.org/ca",
    }
    with Store.open(path, read_only=False) as store:
        edits.save(store, "tester", "meetings", meeting, expected=None)
        edits.save(store, "tester", "commitments", made, expected=None)
        edits.save(store, "tester", "commitments", ahead, expected=None)
    return path


@pytest.fixture(scope="module")
def store(records: Path) -> Iterator[Store]:
    with Store.open(records) as opened:
        yield opened


def csv_commitments(store: Store) -> dict[str, dict[str, str]]:
    content = export_bytes(store, "commitments", Filters(), today=TODAY).decode("utf-8")
    return {row["id"]: row for row in csv.DictReader(io.StringIO(content))}


def test_the_default_meeting_is_the_next_one_else_the_latest(store: Store) -> None:
    starts = {
        str(i): (s, status)
        for i, s, status in store.rows("SELECT id, alive_to, status FROM meeting_facts")
    }
    ahead = [i for i, (end, status) in starts.items() if end >= TODAY and status != "cancelled"]
    found = default_meeting(store, TODAY)
    assert found is not None
    if ahead:
        assert found == (min(ahead, key=lambda i: store_start(store, i)), "the next meeting")
    assert default_meeting(store, date(2099, 1, 1)) == (
        max(starts, key=lambda i: (store_start(store, i), i)),
        "the latest meeting",
    )
    assert brief(store, None, TODAY).meeting.id == found[0]


def store_start(store: Store, ident: str) -> date:
    return store.rows("SELECT alive_from FROM meeting_facts WHERE id = ?", [ident])[0][0]  # type: ignore[no-any-return]


def test_a_brief_holds_the_series_its_commitments_and_what_is_overdue(store: Store) -> None:
    made = brief(store, "m-w2", TODAY)
    rows = csv_commitments(store)
    series = {
        str(i)
        for (i,) in store.rows("SELECT id FROM meetings WHERE series = 'WGECC' AND id <> 'm-w2'")
    }
    assert {m.id for m in made.earlier.shown} == series and made.earlier.total == len(series)
    at_series = {
        i for i, r in rows.items() if plain_cell(r["meeting"]).startswith(("Alpha", "Second"))
    }
    assert {c.id for c in made.committed.shown} == at_series
    assert [c.id for c in made.looked_ahead.shown] == ["c-ahead"]
    shown = {c.id: c for c in (*made.committed.shown, *made.looked_ahead.shown)}
    for ident, commitment in shown.items():
        assert commitment.status == rows[ident]["status"]
        assert commitment.overdue == (rows[ident]["overdue"] == "true")
        assert commitment.text == plain_cell(rows[ident]["text"])
        assert (commitment.latest != "") == (rows[ident]["latest_followup"] != "")
    overdue = {i for i in shown if rows[i]["overdue"] == "true"}
    assert {c.id for c in made.overdue.shown} == overdue and "c-w2" in overdue
    assert made.coming_conventions == ["UNFCCC"]
    assert all("UNFCCC" in m.conventions for m in made.coming.shown)


def test_an_unknown_meeting_is_named(store: Store) -> None:
    with pytest.raises(InputError, match="no meeting 'no-such-meeting' in the record"):
        brief(store, "no-such-meeting", TODAY)


def style_of(paragraph: Any) -> str:
    return str(paragraph.style.name) if paragraph.style is not None else ""


def document_text(content: bytes) -> tuple[list[str], str]:
    document = docx.Document(io.BytesIO(content))
    headings = [p.text for p in document.paragraphs if style_of(p).startswith(("Heading", "Title"))]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    text = "\n".join([p.text for p in document.paragraphs] + cells)
    return headings, text


def test_the_word_file_holds_the_brief_and_keeps_hostile_text_literal(store: Store) -> None:
    made: Brief = brief(store, "m-w2", TODAY)
    content = brief_docx(made)
    headings, text = document_text(content)
    assert headings[0] == f"Briefing: {made.meeting.title}"
    assert HOSTILE in text  # as written: no field, no formula, no markup
    for section in (made.earlier, made.committed, made.looked_ahead, made.overdue, made.coming):
        for item in section.shown:
            assert (item.text if hasattr(item, "text") else item.title) in text
    assert any(h.startswith(f"Overdue ({made.overdue.total:,})") for h in headings)
    document = docx.Document(io.BytesIO(content))
    links = [r.target_ref for r in document.part.rels.values() if r.is_external]
    assert "https://example.org/cw2" in links and "https://example.org/w2" in links


def test_text_xml_cannot_hold_is_dropped_not_fatal() -> None:
    assert xml_text("a\x00b\x0bc\td\ne") == "abc\td\ne"


def test_the_command_line_writes_the_brief_and_names_a_bad_id(
    capsys: pytest.CaptureFixture[str],
    records: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "out" / "brief.docx"
    args = ["brief", "m-w2", "--today", TODAY.isoformat(), "--db", str(records)]
    assert main([*args, "-o", str(target)]) == 0
    assert "wrote the brief of m-w2 to" in capsys.readouterr().err
    with Store.open(records) as store:
        assert document_text(target.read_bytes()) == document_text(
            brief_docx(brief(store, "m-w2", TODAY))
        )
    monkeypatch.chdir(tmp_path)
    assert main(["brief", "--today", TODAY.isoformat(), "--db", str(records)]) == 0
    err = capsys.readouterr().err
    with Store.open(records) as store:
        chosen = default_meeting(store, TODAY)
    assert chosen is not None
    assert f"wrote the brief of {chosen[0]} ({chosen[1]}) to brief_{chosen[0]}_" in err
    assert len(list(tmp_path.glob("brief_*.docx"))) == 1
    assert main(["brief", "nope", "--db", str(records)]) == 2
    assert "cooptrack: error: no meeting 'nope' in the record" in capsys.readouterr().err
