"""Every extract format, each opened with its own reader and compared with the CSV of the same
filters: Excel (openpyxl), Parquet (DuckDB's reader), iCalendar (icalendar), the CSV for Excel.

The records come from tests/fixtures/seed plus a few written here through the edit path: text
a spreadsheet would run as a formula, HTML, a due date known to the day, a commitment due
before a meeting, a follow-up note. Expectations are computed from the CSV, never typed in.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from icalendar import Calendar
from openpyxl import load_workbook

from cooptrack.cli import main
from cooptrack.db.schema import KINDS, Kind
from cooptrack.db.store import Store
from cooptrack.ingest import tabular
from cooptrack.query import calendar
from cooptrack.query.export import (
    BOM,
    COLUMNS,
    FORMATS,
    Format,
    export_bytes,
    neutralise,
    plain_cell,
)
from cooptrack.query.filters import FilterInput, Filters, resolve_strict
from cooptrack.query.meetings import vocabulary
from cooptrack.record import edits

TODAY = date(2026, 11, 28)
FORMULA_TITLE = '=HYPERLINK("https://evil.example","click") <script>alert(1)</script>'
FORMULA_TEXT = "=1+1 <img src=x onerror=alert(1)> & more"
NOTE = "@SUM(A1) noted <b>in bold</b>"
HOSTILE = (FORMULA_TITLE, FORMULA_TEXT, NOTE, "+Town", "-1 <i>summary</i>")
FILTER_SETS = {
    "none": FilterInput(),
    "kazakhstan": FilterInput(countries=("KZ",)),
    "nothing": FilterInput(date_to="1990"),
}


@pytest.fixture(scope="module")
def records(fixture_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture record and a few more, written as an editor would."""
    path = tmp_path_factory.mktemp("formats") / "formats.duckdb"
    path.write_bytes(fixture_db.read_bytes())
    meeting = {
        "id": "m-h",
        "title": FORMULA_TITLE,
        "short_title": "Hostile workshop",
        "kind": "workshop",
        "start": "2020-05-05",
        "end": "2020-05-06",
        "status": "held",
        "city": "+Town",
        "host_country": "KZ",
        "summary": "-1 <i>summary</i>",
        "confidence": "M",
        "tentative": "false",
        "sources": "https://example.org/h;https://example.org/h2",
    }
    due = {
        "id": "c-h",
        "text": FORMULA_TEXT,
        "made_by": "eu;KZ",
        "meeting": "m-h",
        "due": "2030-06-30",
        "status": "agreed",
        "confidence": "H",
        "sources": "https://example.org/ch",
    }
    ahead = {
        "id": "c-d",
        "text": "Report back before the workshop",
        "made_by": "ec",
        "meeting": "m-b",
        "ahead_of": "m-h",
        "status": "proposed",
        "confidence": "L",
        "sources": "https://example.org/cd",
    }
    note = {
        "date": "2021-01-02",
        "note": NOTE,
        "status_after": "in-progress",
        "sources": "https://example.org/n",
    }
    with Store.open(path, read_only=False) as store:
        edits.save(store, "tester", "meetings", meeting, expected=None)
        edits.save(store, "tester", "commitments", due, expected=None)
        edits.save(store, "tester", "commitments", ahead, expected=None)
        with store.cursor() as cursor:
            current = edits.fetch(cursor, "commitments", "c-h")
        edits.add_followup(store, "tester", "c-h", note, expected=current)
    return path


@pytest.fixture(scope="module")
def store(records: Path) -> Iterator[Store]:
    with Store.open(records) as opened:
        yield opened


def filters_of(store: Store, name: str) -> Filters:
    return resolve_strict(FILTER_SETS[name], vocabulary(store))


def csv_rows(store: Store, kind: Kind, filters: Filters) -> list[dict[str, str]]:
    content = export_bytes(store, kind, filters, today=TODAY).decode("utf-8")
    return list(csv.DictReader(io.StringIO(content)))


def csv_header(store: Store, kind: Kind) -> list[str]:
    content = export_bytes(store, kind, Filters(), today=TODAY).decode("utf-8")
    return next(csv.reader(io.StringIO(content)))


SHAPES = {kind: {c.name: c.shape for c in COLUMNS[kind]} for kind in KINDS}


def as_csv_text(kind: Kind, name: str, value: Any) -> str:
    """A workbook cell written back as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, float) and SHAPES[kind][name] == "number":
        return f"{value:.2f}" if name == "budget" else str(int(value))
    return str(value)


@pytest.mark.parametrize("which", list(FILTER_SETS))
@pytest.mark.parametrize("kind", KINDS)
def test_the_workbook_holds_the_csv_rows_typed(store: Store, kind: Kind, which: str) -> None:
    filters = filters_of(store, which)
    expected = csv_rows(store, kind, filters)
    book = load_workbook(io.BytesIO(export_bytes(store, kind, filters, today=TODAY, form="xlsx")))
    sheet = book.worksheets[0]
    assert len(book.worksheets) == 1 and sheet.title == kind
    cells = list(sheet.iter_rows(values_only=True))
    assert list(cells[0]) == csv_header(store, kind)
    assert sheet.freeze_panes == "A2"
    header = list(cells[0])
    found = [
        {name: as_csv_text(kind, str(name), v) for name, v in zip(header, row, strict=True)}
        for row in cells[1:]
    ]
    assert found == expected
    for cells_of_row in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(cells_of_row):
            assert cell.data_type != "f"  # no formula, whatever the text
            name = str(header[index])
            if SHAPES[kind][name] == "date" and cell.value is not None:
                # typed when the day is known; the precision kept as text when it is not
                assert isinstance(cell.value, datetime) == (len(str(cell.value)) > 7)
    for number, expected_row in enumerate(expected, start=2):
        source = sheet.cell(number, header.index("sources") + 1)
        first = expected_row["sources"].split("; ")[0]
        if first.startswith("https://"):
            assert source.hyperlink is not None and source.hyperlink.target == first
        else:
            assert source.hyperlink is None
    widths = [sheet.column_dimensions[c].width for c in "ABC"]
    assert all(6 <= w <= 62 for w in widths)


def test_dates_known_to_the_day_are_dates_and_others_stay_text(store: Store) -> None:
    content = export_bytes(store, "meetings", Filters(), today=TODAY, form="xlsx")
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    starts = {row[0]: row[6] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert starts["m-a"] == datetime(2018, 6, 7)
    assert starts["m-b"] == "2009-11" and starts["m-c"] == "2031"


@pytest.mark.parametrize("which", list(FILTER_SETS))
@pytest.mark.parametrize("kind", KINDS)
def test_parquet_holds_the_csv_rows_typed(
    store: Store, kind: Kind, which: str, tmp_path: Path
) -> None:
    filters = filters_of(store, which)
    expected = csv_rows(store, kind, filters)
    path = tmp_path / f"{kind}.parquet"
    path.write_bytes(export_bytes(store, kind, filters, today=TODAY, form="parquet"))
    with duckdb.connect() as connection:
        relation = connection.sql("SELECT * FROM read_parquet($p)", params={"p": str(path)})
        types = dict(zip(relation.columns, (str(t) for t in relation.types), strict=True))
        rows = [dict(zip(relation.columns, r, strict=True)) for r in relation.fetchall()]
    assert len(rows) == len(expected)
    for column in COLUMNS[kind]:
        wanted = {
            "date": "DATE",
            "list": "VARCHAR[]",
            "sources": "VARCHAR[]",
            "flag": "BOOLEAN",
        }.get(column.shape)
        if wanted:
            assert types[column.name] == wanted, column.name
        if column.shape == "date":
            assert types[f"{column.name}_precision"] == "VARCHAR"
    for typed, cells in zip(rows, expected, strict=True):
        for name, cell in cells.items():
            assert parquet_as_csv(kind, name, typed) == cell, (name, typed[name], cell)


def parquet_as_csv(kind: Kind, name: str, row: dict[str, Any]) -> str:
    """What the CSV shows of a Parquet value (the CSV quotes formula-like text; Parquet not)."""
    value = row[name]
    if value is None or value == []:
        return ""
    shape = SHAPES[kind][name]
    if shape == "date":
        iso = str(value.isoformat())
        return iso[: {"day": 10, "month": 7, "year": 4}[row[f"{name}_precision"]]]
    if shape in ("list", "sources"):
        return "; ".join(value)
    if shape == "flag":
        return "true" if value else "false"
    if name == "budget":
        return f"{value:.2f}"
    text = str(value)
    return text if shape == "number" else plain_to_csv(text)


def plain_to_csv(text: str) -> str:
    return neutralise(text)


def test_hostile_text_stays_literal_in_every_format(store: Store, tmp_path: Path) -> None:
    """Formulas and HTML reach the reader as the characters written: quoted in the CSV and
    the workbook (as strings), as recorded in Parquet and the calendar."""
    seen: set[str] = set()
    for kind in ("meetings", "commitments"):
        rows = csv_rows(store, kind, Filters())
        text = " ".join(" ".join(r.values()) for r in rows)
        book = load_workbook(
            io.BytesIO(export_bytes(store, kind, Filters(), today=TODAY, form="xlsx"))
        )
        cells = [c for row in book.worksheets[0].iter_rows() for c in row]
        assert all(c.data_type in ("s", "n", "b", "d") for c in cells if c.value is not None)
        workbook_text = " ".join(str(c.value) for c in cells)
        path = tmp_path / f"{kind}.parquet"
        path.write_bytes(export_bytes(store, kind, Filters(), today=TODAY, form="parquet"))
        with duckdb.connect() as connection:
            parquet = connection.sql("SELECT * FROM read_parquet($p)", params={"p": str(path)})
            parquet_text = " ".join(str(v) for row in parquet.fetchall() for v in row)
        shown = [hostile for hostile in HOSTILE if hostile in parquet_text]
        assert shown
        for hostile in shown:
            assert f"'{hostile}" in text and f"'{hostile}" in workbook_text
        seen.update(shown)
    assert seen == set(HOSTILE)
    events = list(ics_events(store, "meetings", Filters()).values())
    assert FORMULA_TITLE in [str(e["summary"]) for e in events]
    assert any("-1 <i>summary</i>" in str(e["description"]) for e in events)
    dues = ics_events(store, "commitments", Filters())
    assert FORMULA_TEXT in str(dues["commitment-due-c-h@cooptrack"]["description"])


def day_of(event: Any, name: str) -> date:
    """An all-day event's DTSTART or DTEND (a date, never a time)."""
    value = event[name].dt
    assert isinstance(value, date) and not isinstance(value, datetime)
    return value


def ics_events(store: Store, kind: Kind, filters: Filters) -> dict[str, Any]:
    content = export_bytes(store, kind, filters, today=TODAY, form="ics")
    parsed = Calendar.from_ical(content)
    uids = [str(e["uid"]) for e in parsed.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    return {str(e["uid"]): e for e in parsed.walk("VEVENT")}


@pytest.mark.parametrize("which", list(FILTER_SETS))
def test_the_calendar_holds_the_meetings_known_to_the_day(store: Store, which: str) -> None:
    filters = filters_of(store, which)
    rows = csv_rows(store, "meetings", filters)
    content = export_bytes(store, "meetings", filters, today=TODAY, form="ics")
    parsed = Calendar.from_ical(content)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    day_known = [r for r in rows if len(r["start_date"]) == 10]
    assert sorted(events) == sorted(f"meeting-{r['id']}@cooptrack" for r in day_known)
    for row in day_known:
        event = events[f"meeting-{row['id']}@cooptrack"]
        assert day_of(event, "dtstart").isoformat() == row["start_date"]
        last = row["end_date"] if len(row["end_date"]) == 10 else row["start_date"]
        assert (day_of(event, "dtend") - date.fromisoformat(last)).days == 1
        assert str(event["summary"]) == plain_cell(row["title"])
    vague = len(rows) - len(day_known)
    note = str(parsed.get(calendar.LEFT_OUT_PROPERTY, ""))
    assert (f"{vague:,} meeting" in note) if vague else note == ""
    assert calendar.counts(store, "meetings", filters) == calendar.Counts(len(day_known), vague)


def test_the_calendar_of_due_dates_follows_the_csv(store: Store) -> None:
    rows = csv_rows(store, "commitments", Filters())
    events = ics_events(store, "commitments", Filters())
    with_day = {}
    for row in rows:
        due = row["due"]
        day = due if len(due) == 10 else due.removeprefix("before ")[:10]
        if due and len(day) == 10 and day[4] == "-" and (len(due) == 10 or day[7] == "-"):
            with_day[f"commitment-due-{row['id']}@cooptrack"] = day
    assert {uid: day_of(e, "dtstart").isoformat() for uid, e in events.items()} == with_day
    assert "Due before Hostile workshop" in str(events["commitment-due-c-d@cooptrack"]["summary"])
    found = calendar.counts(store, "commitments", Filters())
    assert found.events == len(with_day)
    assert found.left_out == sum(1 for r in rows if r["due"]) - len(with_day) > 0


def test_importing_the_calendar_twice_updates_rather_than_duplicates(
    records: Path, tmp_path: Path
) -> None:
    """A client keeps one event per UID and takes the higher SEQUENCE: after an edit and a
    second import, every event is there once, and the edited one has changed."""
    client: dict[str, tuple[int, str]] = {}

    def import_file(content: bytes) -> None:
        for event in Calendar.from_ical(content).walk("VEVENT"):
            uid, sequence = str(event["uid"]), int(event.get("sequence", 0))
            if uid not in client or client[uid][0] <= sequence:
                client[uid] = (sequence, str(event["summary"]))

    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(records.read_bytes())
    with Store.open(copy, read_only=False) as store:
        first = export_bytes(store, "meetings", Filters(), today=TODAY, form="ics")
        import_file(first)
        import_file(first)
        assert len(client) == len(Calendar.from_ical(first).walk("VEVENT")) > 0
        with store.cursor() as cursor:
            current = edits.fetch(cursor, "meetings", "m-a")
        assert current is not None
        edits.save(
            store,
            "tester",
            "meetings",
            strings_of(current, title="Alpha, renamed"),
            expected=current,
        )
        second = export_bytes(store, "meetings", Filters(), today=TODAY, form="ics")
    import_file(second)
    assert len(client) == len(Calendar.from_ical(second).walk("VEVENT"))
    assert client["meeting-m-a@cooptrack"][1] == "Alpha, renamed"
    assert first != second


def strings_of(record: edits.Record, **changed: str) -> dict[str, str]:
    return {**edits.to_strings("meetings", record), **changed}


def test_the_csv_for_excel_is_the_csv_after_a_bom(store: Store) -> None:
    for kind in KINDS:
        plain = export_bytes(store, kind, Filters(), today=TODAY)
        excel = export_bytes(store, kind, Filters(), today=TODAY, form="csv-excel")
        assert excel == BOM + plain and not plain.startswith(BOM)


def test_the_commitments_csv_says_when_each_is_due_and_what_followed(store: Store) -> None:
    rows = {r["id"]: r for r in csv_rows(store, "commitments", Filters())}
    assert rows["c-1"]["due"] == rows["c-1"]["due_date"] != ""
    assert rows["c-2"]["due_date"] == "" and rows["c-2"]["due"].startswith("before ")
    assert rows["c-2"]["due"].endswith(f"({rows['c-2']['ahead_of']})")  # the short title
    assert rows["c-d"]["due"] == "before 2020-05-05 (Hostile workshop)"
    assert rows["c-d"]["overdue"] == "true" and rows["c-2"]["overdue"] == "false"
    assert rows["c-1"]["overdue"] == "false"  # fulfilled: never overdue
    assert rows["c-h"]["latest_followup_on"] == "2021-01-02"
    assert plain_cell(rows["c-h"]["latest_followup"]) == NOTE
    later = {r["id"]: r for r in csv_rows_on(store, date(2031, 1, 2))}
    assert later["c-2"]["overdue"] == "true" and later["c-h"]["overdue"] == "true"


def csv_rows_on(store: Store, today: date) -> list[dict[str, str]]:
    content = export_bytes(store, "commitments", Filters(), today=today).decode("utf-8")
    return list(csv.DictReader(io.StringIO(content)))


# --- the command line ---------------------------------------------------------------------------


def run(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    code = main(list(args))
    out, err = capsysbinary.readouterr()
    return code, out, err.decode("utf-8")


def test_an_unknown_format_is_named_with_the_accepted_ones(
    capsysbinary: pytest.CaptureFixture[bytes], records: Path
) -> None:
    code, out, err = run(
        capsysbinary, "export", "meetings", "--format", "pdf", "--db", str(records)
    )
    assert code == 2 and out == b""
    assert "'pdf'" in err and all(form in err for form in FORMATS)


@pytest.mark.parametrize("form", [f for f in FORMATS if f != "ics"])
def test_the_command_line_writes_what_the_download_gives(
    capsysbinary: pytest.CaptureFixture[bytes], records: Path, tmp_path: Path, form: Format
) -> None:
    target = tmp_path / f"out.{form}"
    args = ["--country", "KZ", "--today", TODAY.isoformat(), "--db", str(records)]
    code, _, err = run(
        capsysbinary, "export", "commitments", "--format", form, *args, "-o", str(target)
    )
    assert code == 0, err
    with Store.open(records) as store:
        filters = resolve_strict(FilterInput(countries=("KZ",)), vocabulary(store))
        expected = export_bytes(store, "commitments", filters, today=TODAY, form=form)
    if form == "xlsx":  # a zip holds its own timestamps: compare what the sheets hold
        assert sheet_values(target.read_bytes()) == sheet_values(expected)
    else:
        assert target.read_bytes() == expected


def sheet_values(content: bytes) -> list[tuple[Any, ...]]:
    return list(load_workbook(io.BytesIO(content)).worksheets[0].iter_rows(values_only=True))


def test_a_calendar_from_the_command_line_says_what_it_left_out(
    capsysbinary: pytest.CaptureFixture[bytes], records: Path
) -> None:
    code, out, err = run(
        capsysbinary, "export", "meetings", "--format", "ics", "--db", str(records)
    )
    assert code == 0
    with Store.open(records) as store:
        found = calendar.counts(store, "meetings", Filters())
    assert len(Calendar.from_ical(out).walk("VEVENT")) == found.events
    assert f"{found.events} events; {found.left_out} meetings known only to the month" in err
    code, _, err = run(capsysbinary, "export", "phases", "--format", "ics", "--db", str(records))
    assert code == 2 and "a calendar holds meetings and commitment due dates" in err


@pytest.mark.parametrize("form", FORMATS)
@pytest.mark.parametrize("kind", KINDS)
def test_an_export_of_no_rows_is_a_valid_file(
    capsysbinary: pytest.CaptureFixture[bytes],
    records: Path,
    tmp_path: Path,
    kind: Kind,
    form: Format,
) -> None:
    target = tmp_path / f"empty.{form}"
    args = ["export", kind, "--format", form, "--to", "1990", "--db", str(records)]
    code, _, err = run(capsysbinary, *args, "-o", str(target))
    if form == "ics" and kind == "phases":
        assert code == 2 and not target.exists()
        return
    assert code == 0, err
    content = target.read_bytes()
    if form == "xlsx":
        rows = sheet_values(content)
        assert len(rows) == 1 and rows[0][0] == "id"
    elif form == "parquet":
        with duckdb.connect() as connection:
            found = connection.sql("SELECT * FROM read_parquet($p)", params={"p": str(target)})
            assert found.fetchall() == [] and found.columns[0] == "id"
    elif form == "ics":
        parsed = Calendar.from_ical(content)
        assert parsed.walk("VEVENT") == [] and str(parsed["version"]) == "2.0"
    else:
        text = content.removeprefix(BOM).decode("utf-8")
        assert text.count("\n") == 1 and text.startswith("id,")


def test_a_binary_format_is_not_written_to_a_terminal(
    capsysbinary: pytest.CaptureFixture[bytes], records: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    code, out, err = run(
        capsysbinary, "export", "meetings", "--format", "xlsx", "--db", str(records)
    )
    assert code == 2 and out == b"" and "xlsx is a binary file: give -o FILE" in err


@pytest.mark.parametrize("value", ["2026-02-30", "2026-11", "tomorrow"])
def test_a_bad_today_is_named(
    capsysbinary: pytest.CaptureFixture[bytes], records: Path, value: str
) -> None:
    code, _, err = run(
        capsysbinary, "export", "commitments", "--today", value, "--db", str(records)
    )
    assert code == 2 and err.startswith("cooptrack: error: --today:")


@pytest.mark.parametrize("kind", ["meetings", "phases"])
def test_a_workbook_imports_back_as_no_change(store: Store, kind: Kind) -> None:
    """Typed dates, numbers and flags, and quoted formula-like text, read back as they were.
    (Commitments too, once the import accepts the CSV's derived columns: due, overdue and the
    latest follow-up.)"""
    content = export_bytes(store, kind, Filters(), today=TODAY, form="xlsx")
    plan = tabular.plan(store, f"{kind}.xlsx", content)
    assert plan.problems == [] and plan.changes == [] and plan.adds == []
    assert plan.unchanged == len(csv_rows(store, kind, Filters())) > 0
