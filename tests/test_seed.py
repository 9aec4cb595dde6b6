"""The bundled record: what it says must match the sourced facts, and a bad row stops the load."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from conftest import SEED_DIR

from cooptrack.errors import SeedError
from cooptrack.seed import build_database, load_seed


def meeting(store, ident):
    rows = store.frame("SELECT * FROM meeting_facts WHERE id = ?", [ident])
    assert len(rows) == 1, ident
    return rows.iloc[0]


def test_the_9th_wgecc_was_in_brussels_on_12_13_february_2020(store):
    row = meeting(store, "wgecc-9")
    assert (row.city, row.host_country, row.ordinal) == ("Brussels", "BE", 9)
    assert (row.start_date, row.start_precision) == (date(2020, 2, 12), "day")
    assert (row.end_date, row.end_precision) == (date(2020, 2, 13), "day")


def test_uncertain_dates_keep_their_honest_precision(store):
    committee = meeting(store, "wgecc-cc-2")
    assert (committee.start_date, committee.start_precision) == (date(2021, 1, 1), "year")
    conference = meeting(store, "hlc-3")
    assert (conference.start_date, conference.start_precision) == (date(2009, 11, 1), "month")
    assert conference.alive_to == date(2009, 11, 30)


def test_wecoop_phase_3_dates(store):
    row = store.frame("SELECT * FROM phases WHERE project = 'wecoop' AND phase = 3").iloc[0]
    assert (row.actual_start, row.actual_start_precision) == (date(2019, 10, 1), "month")
    assert (row.planned_end, row.planned_end_precision) == (date(2022, 10, 1), "month")
    assert (row.actual_end, row.actual_end_precision) == (date(2023, 4, 14), "day")


def test_the_seed_release_commitments_and_what_became_of_them(store):
    rows = store.frame("SELECT * FROM commitment_facts ORDER BY id").set_index("id")
    assert len(rows) == 7
    assert set(rows.meeting) == {"wgecc-cc-2"}
    cop26 = rows.loc["cc2-cop26-common-ground"]
    assert cop26.ahead_of == "unfccc-cop26" and cop26.is_open
    assert cop26.due_by == date(2021, 10, 31)
    cop15 = rows.loc["cc2-cop15-common-views"]
    assert cop15.ahead_of == "cbd-cop15-1" and cop15.status == "agreed"
    fulfilled = rows[rows.status == "fulfilled"]
    assert set(fulfilled.fulfilled_by) == {"wgecc-10"}
    assert len(fulfilled) == 3


def test_every_record_carries_a_source_address(store):
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


def test_no_press_contact_details_are_bundled():
    text = "\n".join(p.read_text(encoding="utf-8") for p in SEED_DIR.glob("*.csv"))
    assert "+7701" not in text and "Serebrennikova" not in text
    assert not re.search(r"[\w.+-]+@[\w-]+\.\w+", text)


def test_countries_come_from_iso_with_the_five_tracked(store):
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
    ("commitments.csv", ",UNFCCC,", ",KYOTO,", "conventions", "unknown convention 'KYOTO'"),
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
    seed_copy: Path, tmp_path, file, old, new, column, reason
):
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


def test_a_failed_reload_leaves_the_existing_database_untouched(seed_copy, tmp_path):
    target = tmp_path / "record.duckdb"
    build_database(seed_copy, target)
    before = target.read_bytes()
    (seed_copy / "topics.csv").write_text("id,label\nclimate\n", encoding="utf-8")
    with pytest.raises(SeedError, match=r"topics\.csv, line 2"):
        build_database(seed_copy, target, force=True)
    assert target.read_bytes() == before


def test_a_wrong_header_is_reported(seed_copy):
    path = seed_copy / "projects.csv"
    text = path.read_text(encoding="utf-8").replace("donor", "funder", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SeedError, match=r"projects\.csv, line 1.*header must be"):
        load_seed(seed_copy)


def test_duplicate_ids_are_refused(seed_copy):
    path = seed_copy / "topics.csv"
    first = path.read_text(encoding="utf-8").splitlines()[1]
    path.write_text(path.read_text(encoding="utf-8") + first + "\n", encoding="utf-8")
    with pytest.raises(SeedError, match="duplicate topic id"):
        load_seed(seed_copy)


def test_an_unknown_parent_organisation_is_reported_on_its_line(seed_copy):
    path = seed_copy / "organisations.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines, start=1) if line.startswith("dg-env,"))
    lines[number - 1] = lines[number - 1].replace(",ec,", ",no-such-body,", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SeedError) as caught:
        load_seed(seed_copy)
    assert (caught.value.line, caught.value.column) == (number, "parent")
    assert "unknown organisation 'no-such-body'" in caught.value.reason
