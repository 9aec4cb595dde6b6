"""Page queries against the small fixture record, whose every row is known."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from conftest import busier

from cooptrack.db.store import Store
from cooptrack.query import calendar, codes, export, profiles
from cooptrack.query import commitments as commitment_queries
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import phases as phase_queries
from cooptrack.query.filters import Filters


@pytest.fixture
def small(fixture_db: Path) -> Iterator[Store]:
    with Store.open(fixture_db) as store:
        yield store


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2018, 6, 7), meeting_queries.OverviewCounts(2, 1, 1, 2, 1, 0, 1, 2)),
        (date(2020, 1, 1), meeting_queries.OverviewCounts(2, 1, 1, 2, 1, 0, 1, 2)),
        (date(2024, 1, 1), meeting_queries.OverviewCounts(2, 1, 0, 2, 1, 0, 1, 2)),
        (date(2032, 1, 2), meeting_queries.OverviewCounts(2, 1, 0, 2, 1, 1, 1, 2)),
    ],
)
def test_overview_counts_depend_on_today(
    small: Store, today: date, expected: meeting_queries.OverviewCounts
) -> None:
    assert meeting_queries.overview_counts(small, Filters(), today) == expected


def test_overview_counts_follow_the_filters(small: Store) -> None:
    counts = meeting_queries.overview_counts(small, Filters(countries=("IT",)), date(2026, 1, 1))
    assert (counts.meetings_held, counts.meetings_planned, counts.commitments_total) == (1, 0, 0)


def test_meetings_carry_readable_dates_and_places(small: Store) -> None:
    frame = meeting_queries.meetings_frame(small, Filters())
    assert list(frame.id) == ["m-b", "m-a", "m-c"]
    assert list(frame["when"]) == ["Nov 2009", "7–8 Jun 2018", "2031 (tbc)"]
    assert list(frame["where"]) == ["Rome, Italy", "Tashkent, Uzbekistan", "place not recorded"]
    assert list(frame.kind_label) == [
        "High-level conference",
        "WGECC meeting",
        "COP / meeting of parties",
    ]


def test_upcoming_meetings_are_those_not_yet_ended(small: Store) -> None:
    assert list(meeting_queries.upcoming_meetings(small, Filters(), date(2026, 1, 1)).id) == ["m-c"]
    assert list(meeting_queries.upcoming_meetings(small, Filters(), date(2009, 11, 15)).id) == [
        "m-b",
        "m-a",
        "m-c",
    ]


def test_meeting_detail_links_commitments_both_ways(small: Store) -> None:
    alpha = meeting_queries.meeting_detail(small, "m-a")
    assert alpha is not None
    assert list(alpha.commitments_made.id) == ["c-1", "c-2"]
    assert alpha.meeting["chairs"] == ["Jane Doe (European Commission)"]
    beta = meeting_queries.meeting_detail(small, "m-b")
    assert beta is not None and list(beta.commitments_fulfilled.id) == ["c-1"]
    gamma = meeting_queries.meeting_detail(small, "m-c")
    assert gamma is not None and list(gamma.commitments_ahead.id) == ["c-2"]
    assert meeting_queries.meeting_detail(small, "no-such") is None


def test_commitments_know_when_they_are_due_and_overdue(small: Store) -> None:
    frame = commitment_queries.commitments_frame(small, Filters(), date(2032, 1, 1)).set_index("id")
    assert frame.loc["c-1", "due"] == "by 2019"
    assert frame.loc["c-2", "due"] == "before 1 Jan 2031 (Gamma COP)"
    assert list(frame.overdue) == [False, True]
    assert frame.loc["c-1", "latest_followup"] == "Mar 2019: Session held."
    assert frame.loc["c-2", "latest_followup"] == "none recorded"  # not a blank cell
    assert frame.loc["c-1", "where_it_stands"] == "fulfilled"  # closed: never past its date
    assert frame.loc["c-2", "where_it_stands"] == (
        "open (agreed), due before 1 Jan 2031 (Gamma COP): no outcome recorded since"
    )
    overdue = commitment_queries.commitments_frame(
        small, Filters(), date(2032, 1, 1), overdue_only=True
    )
    assert list(overdue.id) == ["c-2"]
    assert commitment_queries.commitments_frame(
        small, Filters(), date(2026, 1, 1), overdue_only=True
    ).empty


def test_status_counts_keep_to_the_filtered_conventions(small: Store) -> None:
    everything = commitment_queries.status_by(small, Filters(), "conventions")
    assert sorted(map(tuple, everything[["label", "status", "commitments"]].to_numpy())) == [
        ("CBD", "fulfilled", 1),
        ("UNFCCC", "agreed", 1),
    ]
    assert not everything.unnamed.any()  # both name a convention
    only_cbd = commitment_queries.status_by(small, Filters(conventions=("CBD",)), "conventions")
    assert list(only_cbd.label) == ["CBD"]
    by_country = commitment_queries.status_by(small, Filters(), "countries")
    assert set(by_country.label) == {"Kazakhstan", "Uzbekistan"}


def test_status_bars_name_conventions_as_readers_call_them(store: Store) -> None:
    """The bundled record's commitments under the Aarhus and Water conventions: their bars
    read "Aarhus Convention" and "Water Convention", never the record's codes."""
    labels = set(commitment_queries.status_by(store, Filters(), "conventions").label)
    renamed = {code: codes.convention_short_name(code) for code in ("AARHUS", "UNECE-WATER")}
    assert set(renamed.values()) <= labels
    assert not set(renamed) & labels
    assert "UNFCCC" in labels  # an acronym readers use stays as it is


@pytest.mark.parametrize("dimension", ["conventions", "countries"])
def test_unfiltered_status_counts_come_from_stored_totals_that_match_a_count(
    store: Store, dimension: commitment_queries.Dimension
) -> None:
    stored = commitment_queries.status_by(store, Filters(), dimension)
    counted = commitment_queries.status_by(store, Filters(date_from=date(1900, 1, 1)), dimension)
    assert len(stored) > 1 and stored.equals(counted)


def test_phases_show_planned_and_actual_spans(small: Store) -> None:
    frame = phase_queries.phases_frame(small, Filters()).set_index("id")
    assert frame.loc["p-1", "planned"] == "not recorded"
    assert frame.loc["p-1", "actual"] == "Aug 2016 – Feb 2019"
    assert frame.loc["p-2", "actual"] == "Oct 2019 – 14 Apr 2023"
    assert frame.loc["p-1", "budget_label"] == "EUR 1,000"
    assert frame.loc["p-2", "budget_label"] == "not recorded"
    assert frame.loc["p-1", "label"] == "P one (phase 1)"


def test_profiles(small: Store) -> None:
    kz = profiles.country_profile(small, "KZ", Filters(), date(2026, 1, 1))
    assert list(kz.parties.convention) == ["CBD"] and list(kz.parties.since) == ["1994"]
    assert list(kz.meetings.id) == ["m-b", "m-a"]
    assert kz.filters.countries == ("KZ",)
    unfccc = profiles.convention_profile(small, "UNFCCC", Filters(), date(2026, 1, 1))
    assert unfccc is not None
    assert list(unfccc.cops.id) == ["m-c"] and list(unfccc.meetings.id) == ["m-a"]
    assert dict(zip(unfccc.parties.country, unfccc.parties.status, strict=True)) == {
        "Kazakhstan": "no party status recorded",
        "Kyrgyzstan": "no party status recorded",
        "Tajikistan": "no party status recorded",
        "Turkmenistan": "no party status recorded",
        "Uzbekistan": "party",
    }
    assert profiles.convention_profile(small, "NOPE", Filters(), date(2026, 1, 1)) is None


def test_a_conventions_cops_are_found_past_its_newest_meetings(
    bundled_db: Path, tmp_path: Path
) -> None:
    """The profile's COPs are the newest COPs, not the COPs among its newest meetings: with
    more newer meetings than the chart draws, the page said "No UNFCCC COPs match"."""
    newer = meeting_queries.TIMELINE_POINTS + 1  # the old way picked COPs among these
    with Store.open(busier(bundled_db, tmp_path, "workshop", newer)) as store:
        unfccc = profiles.convention_profile(store, "UNFCCC", Filters(), date(2026, 1, 1))
        cops = meeting_queries.count_meetings(store, Filters(conventions=("UNFCCC",)), cops=True)
    assert unfccc is not None
    assert cops >= 1
    assert len(unfccc.cops) == unfccc.cops_total == cops
    assert set(unfccc.cops.kind) == {"cop"}
    assert len(unfccc.meetings) == meeting_queries.SHOWN_ROWS
    assert set(unfccc.meetings.kind) == {"workshop"}  # the newest others: the added ones


def test_a_convention_with_more_cops_than_drawn_counts_them_all(
    bundled_db: Path, tmp_path: Path
) -> None:
    newer = profiles.COP_POINTS + 5
    with Store.open(busier(bundled_db, tmp_path, "cop", newer)) as store:
        unfccc = profiles.convention_profile(store, "UNFCCC", Filters(), date(2026, 1, 1))
    assert unfccc is not None
    assert len(unfccc.cops) == profiles.COP_POINTS
    assert unfccc.cops_total > newer
    assert unfccc.cops.start_date.min() >= date(2031, 1, 1)  # the newest


def test_large_results_are_limited_and_counted_in_sql(small: Store) -> None:
    assert meeting_queries.count_meetings(small, Filters()) == 3
    newest_two = meeting_queries.meetings_frame(small, Filters(), limit=2)
    assert list(newest_two.id) == ["m-a", "m-c"]
    density = meeting_queries.meeting_density(small, Filters())
    assert density.meetings.sum() == 3 and set(density.kind) == {
        "wgecc-meeting",
        "high-level-conference",
        "cop",
    }
    assert commitment_queries.count_commitments(small, Filters(), date(2032, 1, 1)).overdue == 1
    assert list(
        commitment_queries.commitments_frame(small, Filters(), date(2026, 1, 1), limit=1).id
    ) == ["c-2"]


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(countries=("KZ",)),
        Filters(conventions=("UNFCCC", "CBD")),
        Filters(date_from=date(2019, 1, 1), date_to=date(2021, 12, 31)),
        Filters(search="water"),
        Filters(countries=("TM",), conventions=("UNCCD",)),
    ],
    ids=["none", "KZ", "UNFCCC-or-CBD", "2019-2021", "water", "TM+UNCCD"],
)
def test_the_pages_one_scan_counts_what_export_and_calendar_count(
    store: Store, filters: Filters
) -> None:
    """The Commitments page counts its total, its overdue, its extract's rows and its
    calendar's events in one scan, and each page's count is its extract's size; each must be
    what the command line's own counts say."""
    today = date(2026, 11, 28)
    counted = commitment_queries.count_commitments(store, filters, today)
    assert counted.total == export.count_rows(store, "commitments", filters)
    assert counted.in_calendar == calendar.counts(store, "commitments", filters)
    shown = commitment_queries.commitments_frame(store, filters, today, True, limit=10_000)
    assert counted.overdue == len(shown)
    # The extract sizes of the other kinds are their pages' counts too.
    assert meeting_queries.count_meetings(store, filters) == export.count_rows(
        store, "meetings", filters
    )
    assert phase_queries.count_phases(store, filters) == export.count_rows(store, "phases", filters)


def test_the_one_scan_counts_tell_day_known_from_vague_due_dates(store: Store) -> None:
    """The bundled record has both (else the test above could not tell them apart)."""
    counted = commitment_queries.count_commitments(store, Filters(), date(2026, 11, 28))
    assert counted.in_calendar.events > 0 and counted.in_calendar.left_out > 0
    assert counted.total > counted.in_calendar.events + counted.in_calendar.left_out
    assert 0 < counted.overdue < counted.total


def test_status_bars_beyond_the_largest_are_summed(
    small: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commitment_queries, "TOP_LABELS", 1)
    counts = commitment_queries.status_by(small, Filters(), "countries")
    assert set(counts.label) == {"Kazakhstan", "all others (1)"}
    assert counts.commitments.sum() == 3


def test_the_gantt_takes_the_most_recent_phases_when_there_are_many(small: Store) -> None:
    assert phase_queries.count_phases(small, Filters()) == 2
    assert list(phase_queries.phases_frame(small, Filters(), limit=1).id) == ["p-2"]


@pytest.mark.parametrize(
    ("today", "kept"),
    [
        (date(2030, 1, 1), "p-2"),  # both started (2016-08, 2019-10): the most recent
        (date(2018, 1, 1), "p-1"),  # p-2 is still to start: the started one comes first
        (date(2015, 1, 1), "p-1"),  # neither started: the soonest to start
    ],
)
def test_the_gantt_takes_the_phases_nearest_today(small: Store, today: date, kept: str) -> None:
    """A phase planned years ahead never pushes out one that has started (a 1M record's Gantt
    showed only phases starting in 2032, far from its today line)."""
    assert list(phase_queries.phases_frame(small, Filters(), limit=1, today=today).id) == [kept]
    both = phase_queries.phases_frame(small, Filters(), limit=2, today=today)
    assert sorted(both.id) == ["p-1", "p-2"]


def test_the_gantts_meetings_are_those_of_the_period_its_phases_span(small: Store) -> None:
    """When the Gantt shows a window of a longer list of phases (here the newest one only)."""
    shown = phase_queries.phases_frame(small, Filters(), limit=1, today=date(2030, 1, 1))
    beside = phase_queries.meetings_beside(Filters(countries=("UZ",)), shown, date(2030, 1, 1))
    # p-2: planned 2019-10 to 2022-10, actual 2019-10 to 2023-04-14
    assert beside == Filters(
        countries=("UZ",), date_from=date(2019, 10, 1), date_to=date(2023, 4, 14)
    )
    narrowed = Filters(date_from=date(2020, 1, 1), date_to=date(2020, 12, 31))
    assert phase_queries.meetings_beside(narrowed, shown, date(2030, 1, 1)) == narrowed
    running = shown.assign(actual_until=None)  # no recorded end: runs to today
    assert phase_queries.meetings_beside(Filters(), running, date(2030, 1, 1)).date_to == date(
        2030, 1, 1
    )
