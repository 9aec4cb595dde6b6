"""The pages that take the record along, headless with AppTest over tests/fixtures/seed: a page
per commitment and per meeting, the briefing, the glossary, links from every commitments table,
the downloads beside each CSV one, and conventions found by their full names."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_SEED_DIR
from streamlit.testing.v1 import AppTest
from test_pages import APP, literal, page_path

from cooptrack.cli import main
from cooptrack.db.store import Store
from cooptrack.query import calendar
from cooptrack.query.export import export_bytes, plain_cell
from cooptrack.query.filters import FilterInput, from_query_params, resolve_strict
from cooptrack.query.meetings import vocabulary
from cooptrack.record.seed import build_database

TODAY = "2026-11-28"


def open_page(
    db: Path, monkeypatch: pytest.MonkeyPatch, page: str, **params: str | list[str]
) -> AppTest:
    monkeypatch.setenv("COOPTRACK_DB", str(db))
    monkeypatch.setenv("COOPTRACK_TODAY", TODAY)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"cooptrack": {}}
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.switch_page(page_path(page)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    return at


def csv_rows(db: Path, kind: str) -> dict[str, dict[str, str]]:
    with Store.open(db) as store:
        content = export_bytes(store, kind, resolve_strict(FilterInput(), vocabulary(store)))  # type: ignore[arg-type]
    return {r["id"]: r for r in csv.DictReader(io.StringIO(content.decode("utf-8")))}


def cells(at: AppTest) -> list[str]:
    found: list[str] = []
    for table in at.table:
        for column in table.value.columns:
            found += [v for v in table.value[column].tolist() if isinstance(v, str)]
    return found


def labels(at: AppTest, element: str) -> list[str]:
    return [str(e.proto.label) for e in at.get(element)]


def test_a_commitment_has_its_own_page(fixture_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    row = csv_rows(fixture_db, "commitments")["c-1"]
    at = open_page(fixture_db, monkeypatch, "pages/commitment.py", id="c-1")
    assert "Commitment" in [t.value for t in at.title]
    assert plain_cell(row["text"]) in [t.value for t in at.text]
    assert plain_cell(row["latest_followup"]) in [t.value for t in at.text]  # the trail
    links = [literal(label) for label in labels(at, "page_link")]
    assert f"Made at: {plain_cell(row['meeting'])} (7 Jun 2018)" in links
    assert any(link.startswith(f"Fulfilled by: {row['fulfilled_by']}") for link in links)
    assert any(link.startswith("Evidence: ") for link in links)  # the note's evidence meeting
    history = cells(at)
    assert row["status"] in history and "follow-up note" in history
    details = literal(" ".join(m.value for m in at.markdown))
    assert row["sources"] in details and "Convention on Biological Diversity" in details


def test_an_unknown_commitment_or_meeting_is_named(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(fixture_db, monkeypatch, "pages/commitment.py", id="no-such-[id]")
    assert literal(at.warning[0].value) == "No commitment no-such-[id] in the record."
    at = open_page(fixture_db, monkeypatch, "pages/meeting.py", id="nope")
    assert literal(at.warning[0].value) == "No meeting nope in the record."
    at = open_page(fixture_db, monkeypatch, "pages/brief.py", meeting="nope")
    assert "No meeting nope in the record" in literal(at.warning[0].value)
    assert "Briefing" in [t.value for t in at.title]  # and the default meeting's brief


def test_a_meeting_has_its_own_page_linking_its_commitments(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    meetings = csv_rows(fixture_db, "meetings")
    at = open_page(fixture_db, monkeypatch, "pages/meeting.py", id="m-a")
    assert literal(at.subheader[0].value) == plain_cell(meetings["m-a"]["title"])
    made_here = [
        i
        for i, r in csv_rows(fixture_db, "commitments").items()
        if r["meeting"] == meetings["m-a"]["title"]
    ]
    linked = [c for c in cells(at) if "](commitment?id=" in c]
    assert sorted(c.rsplit("?id=", 1)[1].rstrip(")") for c in linked) == sorted(made_here)
    links = {e.proto.page: e.proto.query_string for e in at.get("page_link")}
    assert links["brief"] == "meeting=m-a" and links["timeline"] == "meeting=m-a"


def test_every_commitments_table_links_each_row_to_its_page(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(fixture_db, monkeypatch, "pages/commitments.py")
    linked = {c.rsplit("?id=", 1)[1].rstrip(")") for c in cells(at) if "](commitment?id=" in c}
    assert linked == set(csv_rows(fixture_db, "commitments"))
    searched = open_page(fixture_db, monkeypatch, "pages/commitments.py", q="experts")
    found = {c.rsplit("?id=", 1)[1].rstrip(")") for c in cells(searched) if "?id=" in c}
    assert found == {"c-1"}  # a search's results link too


def test_each_table_has_every_format_beside_its_csv(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(fixture_db, monkeypatch, "pages/commitments.py")
    buttons = labels(at, "download_button")
    assert buttons[:4] == [
        "Download CSV (commitments)",
        "CSV for Excel",
        "Excel workbook (.xlsx)",
        "Parquet",
    ]
    with Store.open(fixture_db) as store:
        found = calendar.counts(
            store, "commitments", resolve_strict(FilterInput(), vocabulary(store))
        )
    assert f"Add to calendar ({found.events} due dates, .ics)" in buttons
    assert any(f"{found.left_out} commitment due dates known only" in c.value for c in at.caption)
    timeline = open_page(fixture_db, monkeypatch, "pages/timeline.py")
    assert any(b.startswith("Add to calendar (") for b in labels(timeline, "download_button"))
    assert "meeting" in [e.proto.page for e in timeline.get("page_link")]


def test_codes_in_a_table_are_explained_beside_it(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(fixture_db, monkeypatch, "pages/commitments.py")
    explained = " ".join(literal(c.value) for c in at.caption)
    assert "**CBD** Convention on Biological Diversity" in explained
    glossary = open_page(fixture_db, monkeypatch, "pages/glossary.py")
    rows = cells(glossary)
    assert "WGECC" in rows and "Convention on Biological Diversity" in rows
    assert "H" in rows and "HLC" in rows


@pytest.mark.parametrize(
    "name", ["Convention on Biological Diversity", "biological diversity", "the CBD", "Convention"]
)
def test_a_convention_is_found_by_its_full_name(
    fixture_db: Path, capsysbinary: pytest.CaptureFixture[bytes], name: str
) -> None:
    with Store.open(fixture_db) as store:
        words = vocabulary(store)
    if name == "Convention":  # in every name: which one is not known, so it is refused
        filters, problems = from_query_params({"convention": name}, words)
        assert problems and filters.conventions == ()
        return
    filters, problems = from_query_params({"convention": name}, words)
    assert (filters.conventions, problems) == (("CBD",), [])
    assert main(["export", "meetings", "--convention", name, "--db", str(fixture_db)]) == 0
    by_name = capsysbinary.readouterr().out
    assert main(["export", "meetings", "--convention", "CBD", "--db", str(fixture_db)]) == 0
    assert by_name == capsysbinary.readouterr().out


def test_the_briefing_page_shows_the_brief_of_the_meeting_asked_for(
    fixture_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(fixture_db, monkeypatch, "pages/brief.py", meeting="m-a")
    meetings = csv_rows(fixture_db, "meetings")
    assert literal(at.header[0].value) == plain_cell(meetings["m-a"]["title"])
    assert at.selectbox(key="brief_meeting").value == "m-a"
    assert "Download as Word (.docx)" in labels(at, "download_button")
    subheaders: list[Any] = [literal(s.value) for s in at.subheader]
    assert any(s.startswith("Earlier meetings of the series") for s in subheaders)
    at.selectbox(key="brief_meeting").set_value("m-c").run()
    assert literal(at.header[0].value) == plain_cell(meetings["m-c"]["title"])
    assert at.query_params["meeting"] == "m-c"


def test_an_empty_record_has_no_brief_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty.duckdb"
    build_database(FIXTURE_SEED_DIR, empty, empty=True)
    at = open_page(empty, monkeypatch, "pages/brief.py")
    assert [i.value for i in at.info] == [
        "The record holds no meeting yet: a briefing is made for one."
    ]
