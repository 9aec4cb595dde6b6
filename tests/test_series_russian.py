"""A meeting series named in Russian (schema 5, `meetings.series_ru`): an older file gains the
column, exports and imports carry it like the other Russian texts, saves check it like them,
and every page that names a series names it in the page's language while `series`, the English
name meetings are grouped by, stays as it is."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import duckdb
import pytest
from conftest import seed_count
from test_pages_russian import open_page
from test_record_russian import as_csv

from cooptrack.db import schema
from cooptrack.db.store import Store
from cooptrack.errors import InputError, StoreError
from cooptrack.i18n import ENGLISH_MARKER, use_language
from cooptrack.ingest import tabular
from cooptrack.query import brief, coverage, detail, meetings
from cooptrack.query.export import export_bytes
from cooptrack.query.filters import Filters
from cooptrack.record import edits

TODAY = date(2026, 11, 28)
NEW_NAME = "Новое название серии"


@pytest.fixture
def writable(bundled_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "record.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    return path


def rows(path: Path, sql: str, params: list[object] | None = None) -> list[tuple[object, ...]]:
    with Store.open(path) as store:
        return store.rows(sql, params or [])


def named_meeting(path: Path) -> tuple[str, str, str]:
    """(id, series, series_ru) of the first meeting whose series has a Russian name."""
    [(ident, series, series_ru)] = rows(
        path,
        "SELECT id, series, series_ru FROM meetings WHERE series_ru IS NOT NULL ORDER BY id "
        "LIMIT 1",
    )
    return str(ident), str(series), str(series_ru)


# ---- migration 4 → 5 ------------------------------------------------------------------------


def as_version_4(path: Path) -> None:
    """The file as schema 4 left it: no `series_ru`, facts in the version-4 layout."""
    with duckdb.connect(str(path)) as connection:
        for table in (*schema.FACTS, *schema.TOTALS):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("ALTER TABLE meetings DROP COLUMN series_ru")
        connection.execute("CREATE TABLE meeting_facts AS SELECT * FROM meetings")
        connection.execute("UPDATE schema_meta SET value = '4' WHERE key = 'schema_version'")


def test_a_version_4_file_gains_an_empty_series_ru_and_keeps_every_record(writable: Path) -> None:
    russian_titles = rows(writable, "SELECT id, title_ru FROM meetings ORDER BY id")
    as_version_4(writable)
    with pytest.raises(StoreError, match="cooptrack migrate --db"):
        Store.open(writable)  # read-only: says how to migrate, writes nothing
    with Store.open_shared(writable) as store:
        assert store.rows("SELECT value FROM schema_meta WHERE key = 'schema_version'") == [
            (str(schema.SCHEMA_VERSION),)
        ]
        for table in ("meetings", "meeting_facts"):
            assert "series_ru" in store.frame(f"SELECT * FROM {table} LIMIT 0").columns, table
        assert store.rows("SELECT count(*) FROM meetings WHERE series_ru IS NOT NULL") == [(0,)]
        assert store.rows("SELECT id, title_ru FROM meetings ORDER BY id") == russian_titles
        assert store.rows("SELECT count(*) FROM meeting_facts")[0][0] == seed_count("meetings")
        with use_language("ru"):
            frame = meetings.meetings_frame(store, Filters())
    named = frame[frame.series.notna()]
    assert len(named) > 0
    assert list(named.series_name) == [s + ENGLISH_MARKER for s in named.series]
    assert frame[frame.series.isna()].series_name.isna().all()


def test_schema_5_adds_series_ru_after_the_version_4_columns() -> None:
    assert schema.SCHEMA_VERSION == 5
    assert schema.RUSSIAN_COLUMNS["meetings"] == (
        *schema.RUSSIAN_COLUMNS_4["meetings"],
        "series_ru",
    )
    assert "series_ru" not in schema.RUSSIAN_COLUMNS_4["meetings"]  # 3 → 4 adds what it added
    with duckdb.connect() as connection:
        connection.execute(schema.TABLES)
        columns = [c[0] for c in connection.execute("DESCRIBE meetings").fetchall()]
    assert columns[-4:] == ["title_ru", "short_title_ru", "summary_ru", "series_ru"]


# ---- export and import ----------------------------------------------------------------------


def exported(path: Path, form: str = "csv") -> bytes:
    with Store.open(path) as store:
        return export_bytes(store, "meetings", Filters(), form=form)  # type: ignore[arg-type]


def table(content: bytes) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(content.decode()))
    return list(reader.fieldnames or []), list(reader)


def test_the_export_has_series_ru_after_the_other_russian_columns(writable: Path) -> None:
    header, records = table(exported(writable))
    assert header[-4:] == ["title_ru", "short_title_ru", "summary_ru", "series_ru"]
    found = rows(writable, "SELECT id, coalesce(series_ru, '') FROM meetings")
    stored = {str(ident): str(name) for ident, name in found}
    assert {r["id"]: r["series_ru"] for r in records} == stored
    assert any(stored.values())


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_an_export_imports_back_unchanged_and_a_new_series_name_is_one_change(
    writable: Path, form: str
) -> None:
    ident, _series, before = named_meeting(writable)
    with Store.open(writable) as store:
        same = tabular.plan(store, f"m.{form}", exported(writable, form))
    assert (same.problems, same.changes) == ([], [])
    assert same.unchanged == seed_count("meetings")
    header, records = table(exported(writable))
    renamed = [r | {"series_ru": NEW_NAME} if r["id"] == ident else r for r in records]
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "m.csv", as_csv(header, renamed))
        assert plan.problems == []
        assert plan.changes == [(ident, [("series_ru", before, NEW_NAME)])]
        assert tabular.apply(store, "tester", plan) == 1
    assert rows(writable, "SELECT series_ru FROM meetings WHERE id = ?", [ident]) == [(NEW_NAME,)]
    assert rows(writable, "SELECT series_ru FROM meeting_facts WHERE id = ?", [ident]) == [
        (NEW_NAME,)
    ]
    assert {r["id"]: r["series_ru"] for r in table(exported(writable))[1]}[ident] == NEW_NAME


def test_a_file_without_series_ru_keeps_it_and_an_empty_cell_clears_it(writable: Path) -> None:
    ident, _series, before = named_meeting(writable)
    header, records = table(exported(writable))
    without = [c for c in header if c != "series_ru"]
    row = next(r for r in records if r["id"] == ident)
    with Store.open(writable) as store:
        kept = tabular.plan(store, "m.csv", as_csv(without, records))
        cleared = tabular.plan(store, "m.csv", as_csv(header, [row | {"series_ru": ""}]))
    assert (kept.problems, kept.changes, kept.unchanged) == ([], [], len(records))
    assert cleared.problems == []
    assert cleared.changes == [(ident, [("series_ru", before, None)])]


# ---- saves ---------------------------------------------------------------------------------


def test_a_save_checks_series_ru_like_the_other_russian_texts(writable: Path) -> None:
    ident, _series, before = named_meeting(writable)
    with Store.open(writable, read_only=False) as store:
        with store.cursor() as cursor:
            record = edits.fetch(cursor, "meetings", ident)
        assert record is not None
        strings = edits.to_strings("meetings", record)
        assert strings["series_ru"] == before
        for bad, reason in (
            ("a\x00b", "contains the control character"),
            ("я" * 301, "301 characters long"),
            ("пишите: someone@example.org", "e-mail address"),
        ):
            with pytest.raises(InputError, match=reason) as refused:
                edits.save(store, "ed", "meetings", strings | {"series_ru": bad}, expected=record)
            assert str(refused.value).startswith("series_ru: ")
        english_only = {k: v for k, v in strings.items() if not k.endswith("_ru")}
        kept = edits.save(store, "ed", "meetings", english_only | {"city": "Ashgabat"},
                          expected=record).after  # fmt: skip
        assert kept is not None and kept["series_ru"] == before
        cleared = edits.save(store, "ed", "meetings", strings | {"series_ru": ""}, expected=kept)
        assert cleared.after is not None and cleared.after["series_ru"] is None


# ---- the series in the page's language -----------------------------------------------------


def test_detail_brief_coverage_and_calendar_name_the_series_in_russian(writable: Path) -> None:
    ident, series, series_ru = named_meeting(writable)
    with Store.open(writable) as store:
        english = detail.meeting_context(store, ident)
        english_cover = {s.series for s in coverage.coverage(store).series}
        with use_language("ru"):
            context = detail.meeting_context(store, ident)
            panel = meetings.meeting_detail(store, ident)
            made = brief.brief(store, ident, TODAY)
            cover = {s.series for s in coverage.coverage(store).series}
            ics = export_bytes(store, "meetings", Filters(), today=TODAY, form="ics")
    assert english is not None and (english.series, english.series_name) == (series, series)
    assert context is not None and (context.series, context.series_name) == (series, series_ru)
    assert panel is not None and panel.meeting["series_name"] == series_ru
    assert panel.meeting["series"] == series
    assert made.meeting.series == series_ru
    unfolded = ics.replace(b"\r\n ", b"").decode()
    assert f" · {series_ru}" in unfolded and f" · {series}" not in unfolded
    assert series in english_cover and series_ru in cover and series not in cover
    unnamed = rows(
        writable,
        "SELECT DISTINCT series FROM meetings WHERE series IS NOT NULL AND series_ru IS NULL",
    )
    assert {f"{s}{ENGLISH_MARKER}" for (s,) in unnamed} <= cover


def test_the_meeting_page_in_russian_names_its_series_in_russian(
    writable: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ident, series, series_ru = named_meeting(writable)
    at = open_page(writable, monkeypatch, "pages/meeting.py", id=ident, lang="ru")
    shown = "\n".join(m.value for m in at.markdown)
    assert f"**{series_ru}**" in shown  # "In its series"
    assert series_ru in shown.split(f"**{series_ru}**")[0]  # the panel's facts, above it
    assert series not in shown


def test_a_word_of_a_russian_series_name_finds_the_meetings_of_that_series(
    bundled_db: Path,
) -> None:
    """«Орхусской» is in no Russian title or summary: only the series' name holds it."""
    wanted = {
        str(i)
        for (i,) in rows(bundled_db, "SELECT id FROM meetings WHERE series_ru LIKE '%Орхусской%'")
    }
    assert wanted
    with Store.open(bundled_db) as store:
        found = meetings.meetings_frame(store, Filters(search="орхусской"))
    assert set(found.id) == wanted
