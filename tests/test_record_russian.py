"""The record in Russian: vocabulary names in the seed, Russian versions of texts through imports
(CSV and IATI) and saves, Russian labels read back into codes, and messages an editor reads
worded in the page's language while English stays as it was."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from conftest import SEED_DIR

from cooptrack.db.schema import KINDS, Kind
from cooptrack.db.store import Store
from cooptrack.errors import EditConflict, InputError
from cooptrack.i18n import ENGLISH_MARKER, use_language
from cooptrack.ingest import iati, tabular
from cooptrack.query.export import export_bytes
from cooptrack.query.filters import Filters
from cooptrack.record import accounts, edits
from cooptrack.reference import resolve_countries

MEETING = "hlc-3"


@pytest.fixture
def writable(bundled_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "record.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    return path


def seed_rows(name: str) -> dict[str, dict[str, str]]:
    with (SEED_DIR / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return {row[next(iter(row))]: row for row in csv.DictReader(handle)}


def test_the_seed_names_countries_conventions_topics_and_organisations_in_russian(
    bundled_db: Path,
) -> None:
    with Store.open(bundled_db) as store:
        countries = dict(store.rows("SELECT code, name_ru FROM countries"))
        conventions = dict(store.rows("SELECT code, name_ru FROM conventions"))
        topics = dict(store.rows("SELECT id, label_ru FROM topics"))
        organisations = {
            ident: (name, short)
            for ident, name, short in store.rows(
                "SELECT id, name_ru, short_name_ru FROM organisations"
            )
        }
        maps = store.rows(
            "SELECT country_names['KG'], topic_names['climate'], convention_names['CBD'] "
            "FROM label_maps_in('ru')"
        )
    assert countries["KG"] == "Кыргызстан"  # the region's own name, not the ISO «Киргизия»
    assert countries["KZ"] == "Казахстан" and countries["UZ"] == "Узбекистан"
    assert conventions["UNFCCC"] == (
        "Рамочная конвенция Организации Объединенных Наций об изменении климата"
    )
    assert conventions["CBD"] == "Конвенция о биологическом разнообразии"
    assert topics["climate"] == "Изменение климата"
    assert organisations["undp"] == (
        "Программа развития Организации Объединенных Наций (ПРООН)",
        "ПРООН",
    )
    assert organisations["landell-mills"] == (None, None)  # a company: no Russian name guessed
    assert maps == [("Кыргызстан", "Изменение климата", "Конвенция о биологическом разнообразии")]
    # Every convention with a Russian name cites where it was read, beside its other sources.
    for code, row in seed_rows("conventions").items():
        assert row["name_ru"], code
        assert len(row["sources"].split(";")) >= 2, code
    for row in [*seed_rows("topics").values(), *seed_rows("organisations").values()]:
        assert ";" not in row.get("label_ru", "") + row.get("name_ru", "")


def exported(path: Path, kind: Kind) -> tuple[list[str], list[dict[str, str]]]:
    with Store.open(path) as store:
        text = export_bytes(store, kind, Filters()).decode()
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def as_csv(header: list[str], rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({column: row.get(column, "") for column in header} for row in rows)
    return out.getvalue().encode()


def stored(path: Path, sql: str, params: list[object]) -> list[tuple[object, ...]]:
    with Store.open(path) as store:
        return store.rows(sql, params)


def test_an_import_stores_russian_versions_and_importing_it_again_changes_nothing(
    writable: Path,
) -> None:
    header, rows = exported(writable, "meetings")
    header = [c for c in header if not c.endswith("_ru")] + ["title_ru", "summary_ru"]
    row = next(r for r in rows if r["id"] == MEETING)
    row |= {"title_ru": "Третья конференция высокого уровня", "summary_ru": "Краткое изложение."}
    content = as_csv(header, [row])
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "meetings.csv", content)
        assert plan.problems == []
        [(ident, fields)] = plan.changes
        assert ident == MEETING
        assert {name for name, _, _ in fields} == {"title_ru", "summary_ru"}
        assert tabular.apply(store, "tester", plan) == 1
        again = tabular.plan(store, "meetings.csv", content)
        assert (again.adds, again.changes, again.unchanged) == ([], [], 1)
    assert stored(
        writable, "SELECT title_ru, summary_ru FROM meetings WHERE id = ?", [MEETING]
    ) == [("Третья конференция высокого уровня", "Краткое изложение.")]


def test_a_file_without_the_russian_columns_keeps_them_and_an_empty_cell_clears_one(
    writable: Path,
) -> None:
    with Store.open(writable) as store:
        texts = store.rows("SELECT id, text_ru FROM commitments WHERE text_ru IS NOT NULL")
    assert texts, "the bundled record has Russian commitment texts"
    ident, text_ru = texts[0]
    header, rows = exported(writable, "commitments")
    english_only = [c for c in header if not c.endswith("_ru")]
    row = next(r for r in rows if r["id"] == ident)
    with Store.open(writable, read_only=False) as store:
        plan = tabular.plan(store, "c.csv", as_csv(english_only, rows))
        assert plan.problems == [] and plan.changes == [] and plan.unchanged == len(rows)
        emptied = row | {"text_ru": ""}
        cleared = tabular.plan(store, "c.csv", as_csv([*english_only, "text_ru"], [emptied]))
        assert cleared.changes == [(ident, [("text_ru", text_ru, None)])]


def russian(path: Path, table: str, key: str, column: str, ids: object) -> list[str]:
    """The Russian names of these ids, in their order."""
    assert isinstance(ids, list)
    rows = stored(path, f"SELECT {key}, {column} FROM {table} WHERE {key} IN ?", [ids])
    found = {str(ident): str(name) for ident, name in rows}
    return [found[str(ident)] for ident in ids]


def test_russian_labels_of_a_download_in_russian_import_back_as_codes(writable: Path) -> None:
    header, rows = exported(writable, "meetings")
    # A meeting with every kind of label, whose organisers all have a Russian name.
    [meeting] = stored(
        writable,
        """SELECT id, host_country, countries, topics, conventions, organisers FROM meetings m
           WHERE host_country IS NOT NULL AND len(countries) > 1 AND len(topics) > 0
             AND len(conventions) > 1 AND len(organisers) > 0
             AND NOT EXISTS (SELECT 1 FROM organisations o
                             WHERE list_contains(m.organisers, o.id) AND o.name_ru IS NULL)
           ORDER BY id LIMIT 1""",
        [],
    )
    ident, host, countries, topics, conventions, organisers = meeting
    row = next(r for r in rows if r["id"] == ident)
    assert isinstance(host, str) and countries and topics and conventions and organisers
    in_russian = row | {
        "host_country": russian(writable, "countries", "code", "name_ru", [host])[0],
        "countries": "; ".join(russian(writable, "countries", "code", "name_ru", countries)),
        "topics": "; ".join(russian(writable, "topics", "id", "label_ru", topics)),
        "conventions": "; ".join(russian(writable, "conventions", "code", "name_ru", conventions)),
        "organisers": "; ".join(russian(writable, "organisations", "id", "name_ru", organisers)),
    }
    assert in_russian["host_country"] not in (host, row["host_country"])
    with Store.open(writable) as store:
        same = tabular.plan(store, "m.csv", as_csv(header, [in_russian]))
        assert (same.problems, same.changes, same.unchanged) == ([], [], 1)
        two = tabular.plan(
            store, "m.csv", as_csv(header, [row | {"countries": "Казахстан; Узбекистан"}])
        )
    assert two.problems == []
    assert two.rows[0].values["countries"] == ["KZ", "UZ"]


def test_a_meeting_title_marked_as_shown_in_english_is_found(writable: Path) -> None:
    header, rows = exported(writable, "commitments")
    row = next(r for r in rows if r["meeting"])
    marked = row | {"meeting": row["meeting"] + ENGLISH_MARKER}
    with Store.open(writable) as store:
        plan = tabular.plan(store, "c.csv", as_csv(header, [marked]))
    assert (plan.problems, plan.changes, plan.unchanged) == ([], [], 1)
    assert resolve_countries("Казахстан") == ("KZ",)
    assert resolve_countries("центральная азия") == ("KZ", "KG", "TJ", "TM", "UZ")


def test_an_unknown_label_is_named_in_the_language_of_the_page(writable: Path) -> None:
    header, rows = exported(writable, "meetings")
    bad = next(r for r in rows if r["id"] == MEETING) | {"host_country": "Нарния"}
    with Store.open(writable) as store:
        english = tabular.plan(store, "m.csv", as_csv(header, [bad]))
        with use_language("ru"):
            in_russian = tabular.plan(store, "m.csv", as_csv(header, [bad]))
            summary = in_russian.summary()
    assert [p.reason for p in english.problems] == ["unknown country 'Нарния'"]
    assert english.summary() == "m.csv: 0 to add, 0 to change, 0 unchanged, 1 problems"
    assert [p.reason for p in in_russian.problems] == ["неизвестная страна 'Нарния'"]
    assert summary == "m.csv: добавить — 0, изменить — 0, без изменений — 0, проблем — 1"


def meeting_strings(path: Path) -> tuple[dict[str, str], edits.Record]:
    with Store.open(path) as store, store.cursor() as cursor:
        record = edits.fetch(cursor, "meetings", MEETING)
    assert record is not None
    return edits.to_strings("meetings", record), record


def test_validation_on_the_edit_page_speaks_russian_and_english_stays_as_it_was(
    writable: Path,
) -> None:
    strings, record = meeting_strings(writable)
    bad = strings | {"host_country": "XX", "title_ru": "a\x00b"}
    with Store.open(writable, read_only=False) as store:
        with pytest.raises(InputError) as english:
            edits.save(store, "ed", "meetings", bad, expected=record)
        with use_language("ru"), pytest.raises(InputError) as in_russian:
            edits.save(store, "ed", "meetings", bad, expected=record)
        with use_language("ru"), pytest.raises(InputError) as russian_text:
            edits.save(store, "ed", "meetings", strings | {"title_ru": "a\x00b"}, expected=record)
    assert str(english.value) == "host_country: unknown country 'XX'"
    assert str(in_russian.value) == "host_country: неизвестная страна 'XX'"
    assert str(russian_text.value) == "title_ru: содержит управляющий символ '\\x00' в позиции 2"


def test_a_save_keeps_a_russian_version_it_does_not_name_and_clears_one_given_empty(
    writable: Path,
) -> None:
    strings, record = meeting_strings(writable)
    with Store.open(writable, read_only=False) as store:
        named = strings | {"title_ru": "Русское название"}
        after = edits.save(store, "ed", "meetings", named, expected=record).after
        english_only = {k: v for k, v in strings.items() if not k.endswith("_ru")}
        kept = edits.save(
            store, "ed", "meetings", english_only | {"city": "Ashgabat"}, expected=after
        )
        assert kept.after is not None and kept.after["title_ru"] == "Русское название"
        cleared = edits.save(
            store, "ed", "meetings", english_only | {"title_ru": ""}, expected=kept.after
        )
        assert cleared.after is not None and cleared.after["title_ru"] is None


def test_someone_elses_change_is_reported_in_russian(writable: Path) -> None:
    strings, record = meeting_strings(writable)
    with Store.open(writable, read_only=False) as store:
        edits.save(store, "ed", "meetings", strings | {"city": "Ashgabat"}, expected=record)
        with use_language("ru"), pytest.raises(EditConflict) as caught:
            edits.save(store, "ed", "meetings", strings | {"city": "Dushanbe"}, expected=record)
    assert caught.value.changes and caught.value.record == f"Meeting {MEETING!r}"
    assert str(caught.value).startswith(f"Встречу {MEETING!r} изменил другой редактор")
    assert "(city)" in str(caught.value)


IATI = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.03">
  <iati-activity xml:lang="en" default-currency="EUR">
    <iati-identifier>XM-TEST-RU-1</iati-identifier>
    <title>
      <narrative>Clean air for Central Asian cities</narrative>
      {title_ru}
    </title>
    <description>
      <narrative>Monitoring networks and plans.</narrative>
      {summary_ru}
    </description>
    <participating-org ref="eu" role="1"><narrative>European Union</narrative></participating-org>
    <activity-date type="1" iso-date="2024-01-01"/>
    <recipient-country code="KZ"/>
    <document-link url="https://www.example.org/clean-air"/>
  </iati-activity>
</iati-activities>
"""


def iati_file(title_ru: str = "", summary_ru: str = "") -> bytes:
    return IATI.format(title_ru=title_ru, summary_ru=summary_ru).encode()


def test_an_iati_activity_in_russian_gives_the_russian_title_and_summary(writable: Path) -> None:
    content = iati_file(
        '<narrative xml:lang="ru">Чистый воздух для городов Центральной Азии</narrative>',
        '<narrative xml:lang="ru">Сети мониторинга и планы.</narrative>',
    )
    with Store.open(writable, read_only=False) as store:
        plan = iati.plan(store, "a.xml", content)
        assert plan.problems == []
        assert iati.apply(store, "ed", plan) == 2  # the project and its phase
        again = iati.plan(store, "a.xml", iati_file())  # no Russian: the recorded one is kept
        assert (again.adds, again.changes, again.unchanged) == ([], [], 1)
        with use_language("ru"):
            described = list(iati.describe(again))
    assert described[0].startswith("a.xml (IATI 2.03, мероприятий: 1): добавить проектов — 0")
    ident = "xm-test-ru-1"
    assert stored(writable, "SELECT title_ru, summary_ru FROM phases WHERE id = ?", [ident]) == [
        ("Чистый воздух для городов Центральной Азии", "Сети мониторинга и планы.")
    ]
    assert stored(writable, "SELECT name_ru FROM projects WHERE id = ?", [ident]) == [
        ("Чистый воздух для городов Центральной Азии",)
    ]


def test_a_refused_sign_in_is_explained_in_russian() -> None:
    with use_language("ru"):
        assert accounts.too_many_failures(60) == (
            "Слишком много неудачных попыток входа: повторите через 1 минуту."
        )
        assert accounts.too_many_failures(300) == (
            "Слишком много неудачных попыток входа: повторите через 5 минут."
        )
    assert accounts.too_many_failures(120) == "Too many failed sign-ins: try again in 2 minutes."


def test_every_download_made_in_russian_imports_back_unchanged(bundled_db: Path) -> None:
    """Labels follow the language of a download; the importer reads them back in either."""
    with Store.open(bundled_db) as store:
        for kind in KINDS:
            with use_language("ru"):
                content = export_bytes(store, kind, Filters())
            plan = tabular.plan(store, f"{kind}.csv", content)
            assert (plan.problems, plan.adds, plan.changes) == ([], [], []), kind
            assert plan.unchanged > 0, kind
