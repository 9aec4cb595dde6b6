"""The query layer in Russian: names from the record's Russian columns, translated statuses,
record texts in Russian where the record has them (else English with the marker), exports whose
machine columns do not depend on the language, and a search that finds Russian words in their
other forms. English stays as it was (tests/test_queries.py and the golden extracts)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooptrack.db import schema
from cooptrack.db.store import Store
from cooptrack.i18n import ENGLISH_MARKER, use_language
from cooptrack.ingest import tabular
from cooptrack.query import commitments as commitment_queries
from cooptrack.query import detail, profiles
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import phases as phase_queries
from cooptrack.query.choices import record_choices
from cooptrack.query.export import BOM, export_bytes
from cooptrack.query.filters import (
    FilterInput,
    Filters,
    resolve,
    search_needles,
    search_stem,
    where,
)

TODAY = date(2026, 11, 28)
CYRILLIC = re.compile(r"[А-Яа-яЁё]")
# What each export writes as readable labels (they follow the language); every other column
# is for programs and must be the same in both languages.
LABEL_COLUMNS = {
    "host_country",
    "countries",
    "topics",
    "organisations",
    "chair_organisations",
    "organisers",
    "implementers",
    "made_by",
    "due",
}
RUSSIAN_COLUMNS = {
    "meetings": ("title_ru", "short_title_ru", "summary_ru", "series_ru"),
    "phases": ("title_ru", "summary_ru"),
    "commitments": ("text_ru",),
}


@dataclass(frozen=True)
class Russian:
    """A copy of the bundled record with a few Russian texts written in."""

    path: Path
    meeting: str
    commitment: str
    topic: str


TITLE_RU = "Заседание в Астане по вопросам климатической политики"
SHORT_TITLE_RU = "Заседание в Астане"
TEXT_RU = "Провести консультации по адаптации к изменению климата"
NOTE_RU = "Консультации проведены в Астане"
TOPIC_RU = "Изменение климата (тема)"


@pytest.fixture(scope="module")
def russian(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Russian:
    path = tmp_path_factory.mktemp("russian") / "record.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    with duckdb.connect(str(path)) as connection:
        # A meeting held in Kazakhstan whose commitments have follow-up notes.
        meeting, commitment = connection.execute(
            """SELECT c.meeting, c.id FROM commitments c
               JOIN meetings m ON m.id = c.meeting AND m.host_country = 'KZ'
               JOIN followups f ON f.commitment = c.id
               GROUP BY ALL ORDER BY count(*) DESC, c.id LIMIT 1"""
        ).fetchone() or ("", "")
        topic = (connection.execute("SELECT min(id) FROM topics").fetchone() or ("",))[0]
        connection.execute(
            "UPDATE meetings SET title_ru = ?, short_title_ru = ? WHERE id = ?",
            [TITLE_RU, SHORT_TITLE_RU, meeting],
        )
        connection.execute("UPDATE commitments SET text_ru = ? WHERE id = ?", [TEXT_RU, commitment])
        connection.execute(
            "UPDATE followups SET note_ru = ? WHERE commitment = ? AND seq = "
            "(SELECT max(seq) FROM followups WHERE commitment = ?)",
            [NOTE_RU, commitment, commitment],
        )
        connection.execute("UPDATE topics SET label_ru = ? WHERE id = ?", [TOPIC_RU, topic])
        schema.rebuild_facts(connection)
    assert meeting and commitment and topic
    return Russian(path, str(meeting), str(commitment), str(topic))


@pytest.fixture
def store(russian: Russian) -> Iterator[Store]:
    with Store.open(russian.path) as opened:
        yield opened


def shown_as(english: object, russian: object) -> str:
    """What a record text must read in Russian: its Russian version, else English + marker."""
    if isinstance(russian, str) and russian.strip():
        return russian
    return f"{english}{ENGLISH_MARKER}"


def texts(store: Store, sql: str) -> dict[str, tuple[object, object]]:
    """id → (English, Russian) read straight from the record's tables."""
    return {str(i): (en, ru) for i, en, ru in store.rows(sql)}


def names(store: Store, column: str = "name_ru") -> dict[str, str]:
    return {
        str(code): str(name) for code, name in store.rows(f"SELECT code, {column} FROM countries")
    }


def test_meetings_name_countries_statuses_and_kinds_in_russian(store: Store) -> None:
    russian_names, english_names = names(store), names(store, "name")
    assert russian_names["KG"] != english_names["KG"] and CYRILLIC.search(russian_names["KG"])
    with use_language("ru"):
        frame = meeting_queries.meetings_frame(store, Filters(countries=("KG",)))
    assert not frame.empty
    hosted = frame[frame.host_country.notna()]
    assert list(hosted.host_name) == [russian_names[c] for c in hosted.host_country]
    assert all(
        russian_names[c] in where
        for c, where in zip(hosted.host_country, hosted["where"], strict=True)
    )
    assert set(frame.status) <= set(schema.MEETING_STATUSES)  # codes stay codes
    for column in ("status_label", "kind_label"):
        assert all(CYRILLIC.search(label) for label in frame[column]), column
    with_format = frame[frame.format.notna()]
    assert all(CYRILLIC.search(label) for label in with_format.format_label)

    english = meeting_queries.meetings_frame(store, Filters(countries=("KG",)))
    assert list(english.id) == list(frame.id)
    assert list(english[english.host_country.notna()].host_name) == [
        english_names[c] for c in hosted.host_country
    ]
    assert list(english.status_label) == list(english.status)
    assert not any(ENGLISH_MARKER in title for title in english.title)


def test_record_texts_are_russian_where_recorded_else_english_with_the_marker(
    store: Store, russian: Russian
) -> None:
    with use_language("ru"):
        frame = meeting_queries.meetings_frame(store, Filters()).set_index("id")
        made = commitment_queries.commitments_frame(
            store, Filters(), TODAY, limit=100_000
        ).set_index("id")
        found = detail.commitment_detail(store, russian.commitment, TODAY)
        meeting = meeting_queries.meeting_detail(store, russian.meeting)
    english = meeting_queries.meetings_frame(store, Filters()).set_index("id")
    titles = texts(store, "SELECT id, title, title_ru FROM meetings")
    statements = texts(store, "SELECT id, text, text_ru FROM commitments")
    assert frame.loc[russian.meeting, "title"] == TITLE_RU
    assert frame.loc[russian.meeting, "short_title"] == SHORT_TITLE_RU
    assert {i: frame.loc[i, "title"] for i in frame.index} == {
        i: shown_as(*titles[i]) for i in frame.index
    }
    assert {ru for _, ru in titles.values() if ru} and any(
        title.endswith(ENGLISH_MARKER) for title in frame.title
    ), "the record should hold meetings with and without a Russian title"
    assert dict(english.title) == {i: titles[i][0] for i in english.index}
    assert made.loc[russian.commitment, "commitment"] == TEXT_RU
    assert str(made.loc[russian.commitment, "latest_followup"]).endswith(f": {NOTE_RU}")
    assert str(made.loc[russian.commitment, "at"]).startswith(SHORT_TITLE_RU)
    assert dict(made.commitment) == {i: shown_as(*statements[i]) for i in made.index}
    assert set(made.status) <= set(schema.COMMITMENT_STATUSES)
    assert all(CYRILLIC.search(label) for label in made.status_label)

    assert found is not None and found.text == TEXT_RU
    assert found.meeting is not None and found.meeting.title == TITLE_RU
    assert found.followups[-1].note == NOTE_RU
    assert found.status in schema.COMMITMENT_STATUSES and CYRILLIC.search(found.status_label)
    assert all(CYRILLIC.search(step.how) for step in found.statuses)
    assert meeting is not None and meeting.meeting["title"] == TITLE_RU
    made_there = meeting.commitments_made.set_index("id")
    assert made_there.loc[russian.commitment, "text"] == TEXT_RU

    with Store.open(russian.path) as again:
        in_english = detail.commitment_detail(again, russian.commitment, TODAY)
    assert in_english is not None and in_english.text != TEXT_RU
    assert ENGLISH_MARKER not in in_english.text


def test_counts_profiles_phases_and_lists_speak_russian(store: Store, russian: Russian) -> None:
    russian_names = names(store)
    with use_language("ru"):
        by_country = commitment_queries.status_by(store, Filters(), "countries")
        by_convention = commitment_queries.status_by(store, Filters(), "conventions")
        tracked = profiles.tracked_countries(store)
        kz = profiles.country_profile(store, "KZ", Filters(), TODAY)
        phases = phase_queries.phases_frame(store, Filters())
        vocabulary = meeting_queries.vocabulary(store)
        choices = record_choices(store, 10_000)
        followups = commitment_queries.recent_followups(store, Filters(), limit=1_000)
    assert russian_names["KZ"] in set(by_country.label)
    assert schema.NONE_LABEL not in set(by_convention.label)
    assert all(CYRILLIC.search(label) for label in by_country.label)
    assert tracked[:5] == [(code, russian_names[code]) for code, _ in tracked[:5]]
    assert kz.name == russian_names["KZ"]
    assert all(CYRILLIC.search(countries) for countries in phases.countries.dropna())
    with_budget = phases[phases.currency.notna() & phases.budget.notna()]
    assert all(
        label.endswith(f" {currency}")
        for label, currency in zip(with_budget.budget_label, with_budget.currency, strict=True)
    )
    titles = texts(store, "SELECT id, title, title_ru FROM phases")
    assert dict(zip(phases.id, phases.title, strict=True)) == {
        i: shown_as(*titles[i]) for i in phases.id
    }
    assert all(
        label.startswith(title.removesuffix(ENGLISH_MARKER))
        and label.endswith(ENGLISH_MARKER) == title.endswith(ENGLISH_MARKER)
        for label, title in zip(phases.label, phases.title, strict=True)
    )
    assert vocabulary.topics[russian.topic] == TOPIC_RU
    # A link written in English still works when the interface speaks Russian, and so does
    # the Russian name.
    english_label = str(store.rows("SELECT label FROM topics WHERE id = ?", [russian.topic])[0][0])
    assert vocabulary.resolve_topic(english_label) == russian.topic
    assert vocabulary.resolve_topic(TOPIC_RU.upper()) == russian.topic
    assert choices["countries"]["KG"] == russian_names["KG"]
    assert choices["topics"][russian.topic] == TOPIC_RU
    assert NOTE_RU in set(followups.note)


def rows_of(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


@pytest.mark.parametrize("kind", ["meetings", "phases", "commitments"])
def test_a_russian_export_keeps_the_machine_columns_and_names_in_russian(
    store: Store, kind: schema.Kind
) -> None:
    filters = Filters(countries=("KZ",))
    english = export_bytes(store, kind, filters, today=TODAY)
    with use_language("ru"):
        russian = export_bytes(store, kind, filters, today=TODAY)
    english_rows, russian_rows = rows_of(english), rows_of(russian)
    header = english.split(b"\n", 1)[0]
    assert header == russian.split(b"\n", 1)[0]
    assert set(RUSSIAN_COLUMNS[kind]) <= set(english_rows[0])
    assert len(english_rows) == len(russian_rows) > 0
    machine = [c for c in english_rows[0] if c not in LABEL_COLUMNS]
    for ours, theirs in zip(english_rows, russian_rows, strict=True):
        assert {c: ours[c] for c in machine} == {c: theirs[c] for c in machine}
    assert machine != list(english_rows[0])  # some columns are labels
    kazakhstan = names(store)["KZ"]
    assert any(kazakhstan in row["countries"] for row in russian_rows)
    assert not any(kazakhstan in row["countries"] for row in english_rows)


def test_the_russian_texts_are_exported_in_their_columns(store: Store, russian: Russian) -> None:
    with use_language("ru"):
        meetings = {r["id"]: r for r in rows_of(export_bytes(store, "meetings", Filters()))}
        made = rows_of(export_bytes(store, "commitments", Filters(), today=TODAY))
    assert meetings[russian.meeting]["title_ru"] == TITLE_RU
    assert meetings[russian.meeting]["title"] != TITLE_RU  # the English text stays in its column
    assert {r["id"]: r["text_ru"] for r in made}[russian.commitment] == TEXT_RU


def test_the_csv_for_excel_carries_cyrillic_after_its_byte_order_mark(store: Store) -> None:
    with use_language("ru"):
        plain = export_bytes(store, "meetings", Filters(countries=("KG",)))
        excel = export_bytes(store, "meetings", Filters(countries=("KG",)), form="csv-excel")
    assert excel.startswith(BOM) and excel[len(BOM) :] == plain
    text = excel.decode("utf-8-sig")
    assert names(store)["KG"] in text and not text.startswith("\ufeff")


def ids_found(store: Store, kind: str, search: str) -> set[str]:
    filters, problems = resolve(FilterInput(search=search), meeting_queries.vocabulary(store))
    assert problems == []
    condition, params = where(filters)
    facts = {"meetings": "meeting_facts", "commitments": "commitment_facts"}[kind]
    return {str(i) for (i,) in store.rows(f"SELECT id FROM {facts} WHERE {condition}", params)}


@pytest.mark.parametrize(
    ("kind", "search"),
    [
        ("meetings", "Астана"),  # «в Астане»
        ("meetings", "астаны"),
        ("meetings", "климата"),  # «климатической»
        ("meetings", "ЗАСЕДАНИЯ климатическая"),
        ("commitments", "адаптацию"),  # «по адаптации»
        ("commitments", "изменения климата"),  # «к изменению климата»
    ],
)
def test_a_russian_word_finds_its_other_forms(
    store: Store, russian: Russian, kind: str, search: str
) -> None:
    wanted = russian.meeting if kind == "meetings" else russian.commitment
    assert wanted in ids_found(store, kind, search)


def test_a_russian_search_finds_the_records_whose_texts_hold_the_word(
    store: Store, russian: Russian
) -> None:
    assert russian.meeting in ids_found(store, "meetings", "Астане")
    # A country's name finds the meetings whose Russian texts name it, in any of its forms,
    # and nothing else (read here from the tables, not from the stored search text).
    holding = {
        str(i)
        for i, *ru in store.rows(
            "SELECT id, title_ru, short_title_ru, summary_ru, series_ru FROM meetings"
        )
        if any("казахстан" in (text or "").lower() for text in ru)
    }
    assert holding
    assert ids_found(store, "meetings", "Казахстан") == holding
    assert ids_found(store, "meetings", "Казахстана") == holding
    assert ids_found(store, "meetings", "Казахстан Нарния") == set()
    # An English word is matched whole, as before.
    english = ids_found(store, "meetings", "Astana")
    assert english and all(
        "astana" in str(text)
        for (text,) in store.rows(
            "SELECT search_text FROM meeting_facts WHERE list_contains(?, id)", [sorted(english)]
        )
    )


def test_python_lower_cases_cyrillic_as_duckdb_made_the_search_text() -> None:
    letters = "".join(chr(code) for code in range(0x0400, 0x0530) if chr(code).isalpha())
    with duckdb.connect() as connection:
        lowered = (connection.execute("SELECT lower(?)", [letters]).fetchone() or ("",))[0]
    assert lowered == letters.lower()


@given(st.text(alphabet="абвгдеёжзийклмнопрстуфхцчшщъыьэюя", min_size=1, max_size=20))
def test_a_stem_is_a_prefix_long_enough_to_mean_something(word: str) -> None:
    stem = search_stem(word)
    assert word.startswith(stem)
    assert stem == word or (len(word) >= 5 and len(stem) >= 4)


@given(st.text(alphabet="abcxyz-0123456789ǵәқөүұі", min_size=1, max_size=20))
def test_other_words_are_matched_whole(word: str) -> None:
    assert search_stem(word) == word


@pytest.mark.parametrize("kind", ["meetings", "phases", "commitments"])
def test_a_russian_export_imports_back_as_it_is(russian: Russian, kind: schema.Kind) -> None:
    """Names in Russian go back to the same codes, and the Russian texts to the same records:
    planned against the record it came from, the file changes nothing."""
    with Store.open(russian.path) as store:
        with use_language("ru"):
            content = export_bytes(store, kind, Filters(), today=TODAY)
        plan = tabular.plan(store, f"{kind}.csv", content)
        total = store.rows(f"SELECT count(*) FROM {kind}")[0][0]
    assert plan.problems == [] and plan.adds == [] and plan.changes == []
    assert plan.unchanged == total > 0


@pytest.mark.parametrize(
    "raw",
    [
        FilterInput(countries=("Narnia",)),
        FilterInput(topics=("astrology",)),
        FilterInput(conventions=("",)),
        FilterInput(date_from="2022", date_to="2021"),
        FilterInput(search="x" * 300),
        FilterInput(organisations=("eu",) * 51),
    ],
)
def test_filter_problems_are_worded_in_the_interface_language(
    store: Store, raw: FilterInput
) -> None:
    vocabulary = meeting_queries.vocabulary(store)
    _, english = resolve(raw, vocabulary)
    with use_language("ru"):
        _, russian = resolve(raw, meeting_queries.vocabulary(store))
    assert [p.at for p in russian] == [p.at for p in english] and len(russian) == 1
    assert CYRILLIC.search(russian[0].reason) and not CYRILLIC.search(english[0].reason)
    for typed in ("Narnia", "astrology", "2022", "2021"):
        assert (typed in russian[0].reason) == (typed in english[0].reason)


@pytest.mark.parametrize(
    ("written", "typed"), [("Зелёный курс", "зеленый"), ("зеленый", "ЗЕЛЁНОГО")]
)
def test_yo_and_ye_find_each_other(store: Store, written: str, typed: str) -> None:
    """Russian texts write «ё» or «е» for the same letter; a search must not care which."""
    (stored,) = store.rows("SELECT search_text_of(?)", [written])[0]
    assert all(needle in stored for needle in search_needles(typed))
