"""The bundled record: what it says must match the sourced facts, and a bad row stops the load."""

from __future__ import annotations

import csv
import re
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from conftest import SEED_DIR
from hypothesis import given
from hypothesis import strategies as st

from cooptrack.db.store import Store
from cooptrack.errors import SeedError
from cooptrack.record.seed import build_database, load_seed
from cooptrack.record.validation import Known, Row, has_contact_details, title_key, url_problem


def meeting(store: Store, ident: str) -> pd.Series:
    rows = store.frame("SELECT * FROM meeting_facts WHERE id = ?", [ident])
    assert len(rows) == 1, ident
    return rows.iloc[0]


def test_the_9th_wgecc_was_in_brussels_on_12_13_february_2020(store: Store) -> None:
    row = meeting(store, "wgecc-9")
    assert (row.city, row.host_country, row.ordinal) == ("Brussels", "BE", 9)
    assert (row.start_date, row.start_precision) == (date(2020, 2, 12), "day")
    assert (row.end_date, row.end_precision) == (date(2020, 2, 13), "day")


def test_uncertain_dates_keep_their_honest_precision(store: Store) -> None:
    committee = meeting(store, "wgecc-cc-2")
    assert (committee.start_date, committee.start_precision) == (date(2021, 1, 1), "year")
    conference = meeting(store, "hlc-3")
    assert (conference.start_date, conference.start_precision) == (date(2009, 11, 1), "month")
    assert conference.alive_to == date(2009, 11, 30)


def test_wecoop_phase_3_dates(store: Store) -> None:
    row = store.frame("SELECT * FROM phases WHERE project = 'wecoop' AND phase = 3").iloc[0]
    assert (row.actual_start, row.actual_start_precision) == (date(2019, 10, 1), "month")
    assert (row.planned_end, row.planned_end_precision) == (date(2022, 10, 1), "month")
    assert (row.actual_end, row.actual_end_precision) == (date(2023, 4, 14), "day")


def test_the_seed_release_commitments_and_what_became_of_them(store: Store) -> None:
    rows = store.frame(
        "SELECT * FROM commitment_facts WHERE meeting = 'wgecc-cc-2' ORDER BY id"
    ).set_index("id")
    assert len(rows) == 7  # the seed release (shared/seed) names seven
    cop26 = rows.loc["cc2-cop26-common-ground"]
    assert cop26.ahead_of == "unfccc-cop26" and cop26.is_open
    assert cop26.due_by == date(2021, 10, 31)
    cop15 = rows.loc["cc2-cop15-common-views"]
    assert cop15.ahead_of == "cbd-cop15-1" and cop15.status == "agreed"
    fulfilled = rows[rows.status == "fulfilled"]
    assert set(fulfilled.fulfilled_by) == {"wgecc-10"}
    assert len(fulfilled) == 3


def test_every_record_carries_a_source_address(store: Store) -> None:
    for table in (
        "meetings",
        "phases",
        "commitments",
        "followups",
        "conventions",
        "convention_parties",
        "organisations",
        "projects",
    ):
        empty = store.rows(f"SELECT count(*) FROM {table} WHERE len(sources) = 0")[0][0]
        assert empty == 0, table
        urls = store.rows(f"SELECT unnest(sources) FROM {table}")
        assert urls and all(re.match(r"^https?://\S+$", url) for (url,) in urls), table


def test_no_press_contact_details_are_bundled() -> None:
    text = "\n".join(p.read_text(encoding="utf-8") for p in SEED_DIR.glob("*.csv"))
    assert "+7701" not in text and "Serebrennikova" not in text
    assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text)


def test_countries_come_from_iso_with_the_five_tracked(store: Store) -> None:
    assert store.rows("SELECT count(*) FROM countries")[0][0] >= 249
    tracked = store.rows("SELECT code FROM countries WHERE tracked ORDER BY code")
    assert [c for (c,) in tracked] == ["KG", "KZ", "TJ", "TM", "UZ"]


BREAKAGES = [
    (
        "meetings.csv",
        "2020-02-12,2020-02-13",
        "2020-02-12,2020-02-30",
        "end",
        "February 2020 has 29 days",
    ),
    ("meetings.csv", "2020-02-12,2020-02-13", "2020-02-13,2020-02-12", "end", "is before start"),
    ("meetings.csv", ",held,", ",finished,", "status", "'finished' is not one of"),
    ("meetings.csv", "Brussels,BE", "Brussels,XX", "host_country", "unknown country 'XX'"),
    ("phases.csv", ",1998000,", ",lots,", "budget", "'lots' is not a number"),
    ("commitments.csv", ",wgecc-cc-2,", ",wgecc-99,", "meeting", "unknown meeting 'wgecc-99'"),
    ("commitments.csv", ",UNFCCC,", ",NO-SUCH,", "conventions", "unknown convention 'NO-SUCH'"),
    (
        "followups.csv",
        "https://wecoop.eu/events/10wgecc/",
        "",
        "sources",
        "at least one source address",
    ),
    (
        "meetings.csv",
        "https://wecoop.eu/news-9wgecc/",
        "wecoop.eu/news",
        "sources",
        "not an http(s) address",
    ),
    (
        "meetings.csv",
        "more than 100 participants",
        "call +7 701 981 4020",
        "summary",
        "phone number",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "column", "reason"), BREAKAGES)
def test_a_bad_row_stops_the_load_naming_file_line_and_column(
    seed_copy: Path, tmp_path: Path, file: str, old: str, new: str, column: str, reason: str
) -> None:
    path = seed_copy / file
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if old in line)
    lines[number - 1] = lines[number - 1].replace(old, new, 1)
    path.write_text("".join(lines), encoding="utf-8")
    target = tmp_path / "out.duckdb"
    with pytest.raises(SeedError) as caught:
        build_database(seed_copy, target)
    error = caught.value
    assert (error.file, error.line, error.column) == (file, number, column)
    assert reason in error.reason
    assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["seed"]


def test_a_failed_reload_leaves_the_existing_database_untouched(
    seed_copy: Path, tmp_path: Path
) -> None:
    target = tmp_path / "record.duckdb"
    build_database(seed_copy, target)
    before = target.read_bytes()
    (seed_copy / "topics.csv").write_text("id,label\nclimate\n", encoding="utf-8")
    with pytest.raises(SeedError, match=r"topics\.csv, line 2"):
        build_database(seed_copy, target, force=True)
    assert target.read_bytes() == before


def test_a_wrong_header_is_reported(seed_copy: Path) -> None:
    path = seed_copy / "projects.csv"
    text = path.read_text(encoding="utf-8").replace("donor", "funder", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SeedError, match=r"projects\.csv, line 1.*header must be"):
        load_seed(seed_copy)


def test_duplicate_ids_are_refused(seed_copy: Path) -> None:
    path = seed_copy / "topics.csv"
    first = path.read_text(encoding="utf-8").splitlines()[1]
    path.write_text(path.read_text(encoding="utf-8") + first + "\n", encoding="utf-8")
    with pytest.raises(SeedError, match="duplicate topic id"):
        load_seed(seed_copy)


def test_an_unknown_parent_organisation_is_reported_on_its_line(seed_copy: Path) -> None:
    path = seed_copy / "organisations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("dg-env,"))
    lines[number - 1] = lines[number - 1].replace(",ec,", ",no-such-body,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_seed(seed_copy)
    assert (caught.value.line, caught.value.column) == (number, "parent")
    assert "unknown organisation 'no-such-body'" in caught.value.reason


# --- linear-time patterns and named limits ----------------------------------------------------

# The old contact-details patterns: quadratic on long cells, the reference for what they meant.
OLD_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
OLD_PHONE = re.compile(r"\+?\d[\d ()-]{8,}\d")


@given(st.text(alphabet="1 ()-+a@._x٣", max_size=30))
def test_contact_details_are_found_exactly_as_the_old_patterns_found_them(text: str) -> None:
    assert has_contact_details(text) == bool(OLD_EMAIL.search(text) or OLD_PHONE.search(text))


ADVERSARIAL = {
    "word run": "a" * 100_000,
    "dots": "a." * 50_000,
    "at signs": "a@" * 50_000,
    "no dot after at": "a@" + "b" * 100_000,
    "pluses before at": "+" * 99_999 + "@a",
    "digits and spaces": "1 " * 50_000 + "x",
    "brackets after a digit": "1" + "(" * 100_000,
    "nine-digit runs": ("1" * 9 + " ") * 10_000,
}


@pytest.mark.timeout(5)
@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_a_100000_character_cell_is_checked_at_once_and_refused_by_its_limit(name: str) -> None:
    text = ADVERSARIAL[name]
    has_contact_details(text)  # finishes: linear, whatever the text
    row = Row("m.csv", 7, {"summary": text, "sources": text}, Known())
    with pytest.raises(SeedError) as caught:
        row.text("summary")
    assert caught.value.line == 7 and caught.value.column == "summary"
    assert f"is {len(text.strip()):,} characters long; the limit is 5,000" in caught.value.reason
    with pytest.raises(SeedError, match=r"characters long|values; the limit"):
        row.sources()


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("title", "t" * 301, "is 301 characters long; the limit is 300"),
        ("summary", "s" * 5_001, "is 5,001 characters long; the limit is 5,000"),
        ("countries", ";".join(["KZ"] * 51), "has 51 values; the limit is 50"),
        ("topics", "climate;" + "x" * 301, "value 2 is 301 characters long; the limit is 300"),
        ("sources", "https://example.org/" + "p" * 1_981, "is 2,001 characters long"),
        ("title", "Line one\nline two", "control character '\\n' at position 9"),
        ("summary", "right\u202eto left", "control character '\\u202e'"),
    ],
)
def test_limits_are_named_with_column_limit_and_length(
    seed_copy: Path, tmp_path: Path, column: str, value: str, reason: str
) -> None:
    path = seed_copy / "meetings.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(SeedError) as caught:
        build_database(seed_copy, tmp_path / "out.duckdb")
    assert (caught.value.file, caught.value.line, caught.value.column) == (
        "meetings.csv",
        2,
        column,
    )
    assert reason in caught.value.reason


def test_a_long_text_keeps_its_line_breaks() -> None:
    row = Row("form", 0, {"summary": "First paragraph.\n\nSecond.\tTabbed."}, Known())
    assert row.text("summary") == "First paragraph.\n\nSecond.\tTabbed."


@pytest.mark.parametrize(
    "url",
    [
        "https://wecoop.eu/news-9wgecc/",
        "http://example.org/a?b=c&d=e#f",
        "https://bücher.example/x",
        "https://example.org/%28bracketed%29",
        "https://192.0.2.1/report.pdf",
        "https://example.org:8443/x",
    ],
)
def test_one_web_address_each_passes(url: str) -> None:
    assert url_problem(url) is None


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "https://wecoop.eu/)[Official_EU_record](https://phish.example/login",
            "contains ')'",
        ),
        ("https://example.org/a b", "contains ' '"),
        ("https://example.org/<img>", "contains '<'"),
        ('https://example.org/"x', "contains '\"'"),
        ("https://example.org/`x`", "contains '`'"),
        ("https://example.org/x\\y", "contains '\\\\'"),
        ("https://example.org/\u200bx", "percent-encode it as %E2%80%8B"),
        ("https://example.org/x\x00", "contains '\\x00'"),
        ("https://example.org/100%", "'%' that is not followed by two hexadecimal digits"),
        ("javascript://example.org/%0aalert(1)", "contains '('"),
        ("ftp://example.org/file", "is not an http(s) address"),
        ("wecoop.eu/news", "is not an http(s) address"),
        ("https://wecoop.eu@phish.example/", "names a user before its host"),
        ("https://localhost/x", "has no valid host name"),
        ("https://exa_mple.org/x", "has no valid host name"),
        ("https://-bad-.org/x", "has no valid host name"),
        ("https://999.1.1.1/x", "has no valid host name"),
        ("https://example.org:99999/", "is not a web address"),
        ("https:///path-only", "has no valid host name"),
    ],
)
def test_what_is_not_one_web_address_is_refused_with_the_reason(url: str, reason: str) -> None:
    problem = url_problem(url)
    assert problem is not None and reason in problem


def test_a_source_that_smuggles_a_second_link_is_refused_at_load(
    seed_copy: Path, tmp_path: Path
) -> None:
    path = seed_copy / "meetings.csv"
    text = path.read_text(encoding="utf-8")
    smuggled = "https://wecoop.eu/)[Official_EU_record](https://phish.example/login"
    path.write_text(text.replace("https://wecoop.eu/news-9wgecc/", smuggled, 1), encoding="utf-8")
    with pytest.raises(SeedError, match=r"column 'sources'.*contains '\)'"):
        build_database(seed_copy, tmp_path / "out.duckdb")


def test_every_bundled_source_is_one_web_address() -> None:
    for path in SEED_DIR.glob("*.csv"):
        for row in csv.DictReader(path.open(encoding="utf-8")):
            for url in (row.get("sources") or "").split(";"):
                if url.strip() and url.strip() != "no public source":
                    assert url_problem(url.strip()) is None, (path.name, url)


def test_a_meeting_whose_end_would_be_stored_before_its_start_is_refused(
    seed_copy: Path, tmp_path: Path
) -> None:
    """The database stores a year as its first day and checks end >= start: '2020' as the end
    of a meeting starting in May 2020 would pass the loader and fail the write."""
    path = seed_copy / "meetings.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("2020-02-12,2020-02-13", "2020-02-12,2020", 1), encoding="utf-8")
    with pytest.raises(SeedError, match=r"column 'end'.*stored as its first day, 2020-01-01"):
        build_database(seed_copy, tmp_path / "out.duckdb")


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("ordinal", "1234567890", r"not a whole number \(up to 9 digits\)"),
        ("ordinal", "٣", "not a whole number"),
    ],
)
def test_numbers_the_database_cannot_hold_are_refused(
    seed_copy: Path, tmp_path: Path, column: str, value: str, reason: str
) -> None:
    path = seed_copy / "meetings.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    rows[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(SeedError, match=reason):
        build_database(seed_copy, tmp_path / "out.duckdb")


@pytest.mark.parametrize(
    ("budget", "reason"),
    [
        ("1.234", "has more than two decimals"),
        ("1e20", "is not an amount"),
        ("-5", "is not an amount"),
        ("NaN", "is not an amount"),
        ("١٢", "is not an amount"),
    ],
)
def test_amounts_the_database_cannot_hold_are_refused(budget: str, reason: str) -> None:
    row = Row("form", 0, {"budget": budget}, Known())
    with pytest.raises(SeedError, match=reason):
        row.decimal("budget")


def test_amounts_are_kept_to_the_cent_as_the_database_keeps_them() -> None:
    assert str(Row("f", 0, {"budget": "5500000"}, Known()).decimal("budget")) == "5500000.00"


@pytest.mark.parametrize("title", ["ΟΔΟΣ ΜΕΤΑΞΥ", "İSTANBUL meeting", "Straße", "ǅungla", "Plain"])
def test_one_title_rule_the_same_as_the_databases_lower(title: str) -> None:
    with duckdb.connect() as connection:
        stored = connection.execute("SELECT lower(?)", [title]).fetchone()
    assert stored is not None and title_key(title) == stored[0]
