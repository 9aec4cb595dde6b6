"""The Commitments page answers at a glance: where each commitment stands, in words the record
can back (open past its date is not "failed"), long texts cut short but linked, and charts
whose bars differ and whose legends read in the order the bars stack."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURE_SEED_DIR
from test_pages import literal
from test_record_pages import TODAY as PAGE_TODAY
from test_record_pages import open_page

from cooptrack.db.store import Store
from cooptrack.i18n import ENGLISH_MARKER, use_language
from cooptrack.query import commitments as commitment_queries
from cooptrack.query import meetings as meeting_queries
from cooptrack.query import status_charts
from cooptrack.query.codes import commitment_status_name
from cooptrack.query.filters import Filters
from cooptrack.record.seed import build_database

TODAY = date(2026, 1, 1)
LONG = "Build " + "a very long commitment text that goes on " * 8 + "and ends here."
# One commitment per case of "where it stands" (c-1 fulfilled and c-2, due before the Gamma
# COP in 2031, come with the fixture seed); the columns of tests/fixtures/seed/commitments.csv.
ADDED = [
    ("c-3", "Due in 2020, nothing noted", "agreed", "2020", ""),
    ("c-4", "Due in March 2020, noted since", "in-progress", "2020-03", ""),
    ("c-5", "No date given", "proposed", "", ""),
    ("c-6", "Due in 2020, noted before", "agreed", "2020", ""),
    ("c-7", LONG, "dropped", "", ""),
]
NOTES = [("c-4", "2021-05", "Work goes on."), ("c-6", "2019-06", "Work began.")]


@pytest.fixture(scope="module")
def cases_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    seed = tmp_path_factory.mktemp("cases") / "seed"
    shutil.copytree(FIXTURE_SEED_DIR, seed)
    with (seed / "commitments.csv").open("a", encoding="utf-8", newline="") as handle:
        for ident, text, status, due, ahead in ADDED:
            csv.writer(handle).writerow(
                [ident, text, "eu", "m-a", "", "KZ", "", "water", due, ahead, status, "", "M",
                 "https://example.org/x"]
            )  # fmt: skip
    with (seed / "followups.csv").open("a", encoding="utf-8", newline="") as handle:
        for ident, when, note in NOTES:
            csv.writer(handle).writerow([ident, when, note, "", "", "https://example.org/n"])
    path = seed.parent / "cases.duckdb"
    build_database(seed, path)
    return path


@pytest.fixture
def cases(cases_db: Path) -> Iterator[Store]:
    with Store.open(cases_db) as store:
        yield store


def standing(store: Store, today: date = TODAY) -> dict[str, str]:
    frame = commitment_queries.commitments_frame(store, Filters(), today)
    return dict(zip(frame.id, frame.where_it_stands, strict=True))


def test_where_it_stands_says_only_what_the_record_says(cases: Store) -> None:
    assert standing(cases) == {
        "c-1": "fulfilled",
        "c-2": "open (agreed), due before 1 Jan 2031 (Gamma COP)",
        "c-3": "open (agreed), due by 2020: no outcome recorded since",
        "c-4": "open (in-progress) past its date, due by Mar 2020; latest note May 2021",
        "c-5": "open (proposed), no due date",
        "c-6": "open (agreed), due by 2020: no outcome recorded since",
        "c-7": "dropped",
    }
    later = standing(cases, date(2032, 1, 1))
    assert (
        later["c-2"]
        == "open (agreed), due before 1 Jan 2031 (Gamma COP): no outcome recorded since"
    )


def test_where_it_stands_in_russian(cases: Store) -> None:
    with use_language("ru"):
        found = standing(cases)
        fulfilled, dropped = commitment_status_name("fulfilled"), commitment_status_name("dropped")
    assert found["c-1"] == fulfilled == "выполнено" and found["c-7"] == dropped == "снято"
    assert (
        found["c-3"]
        == "открыто (согласовано), срок — до конца 2020 г.; итог после срока не отмечен"
    )
    assert found["c-4"].startswith("открыто (выполняется) после срока (до конца марта 2020")
    assert found["c-4"].endswith("последняя отметка — май 2021")
    assert found["c-5"] == "открыто (предложено), срок не установлен"
    assert "итог" not in found["c-2"] and found["c-2"].startswith("открыто (согласовано), срок — ")


def test_an_empty_follow_up_says_none_recorded(cases: Store) -> None:
    frame = commitment_queries.commitments_frame(cases, Filters(), TODAY).set_index("id")
    assert frame.loc["c-5", "latest_followup"] == "none recorded"
    assert frame.loc["c-4", "latest_followup"] == "May 2021: Work goes on."
    with use_language("ru"):
        russian = commitment_queries.commitments_frame(cases, Filters(), TODAY).set_index("id")
    assert russian.loc["c-5", "latest_followup"] == "отметок нет"


def test_long_texts_are_clamped_keeping_the_english_marker() -> None:
    cut = commitment_queries.clamped(LONG)
    assert len(cut) <= commitment_queries.TEXT_SHOWN and cut.endswith("…")
    assert LONG.startswith(cut[:-1])
    marked = commitment_queries.clamped(LONG + ENGLISH_MARKER)
    assert marked == cut + ENGLISH_MARKER
    assert commitment_queries.clamped("Short.") == "Short."
    words = commitment_queries.clamped("Global Gateway " * 20)
    assert words.endswith("Gateway…") or words.endswith("Global…")  # whole words only


def past_their_date(db: Path) -> int:
    with Store.open(db) as store:
        on = date.fromisoformat(PAGE_TODAY)
        return commitment_queries.count_commitments(store, Filters(), on).overdue


def test_the_page_clamps_long_texts_and_keeps_each_link(
    cases_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_page(cases_db, monkeypatch, "pages/commitments.py")
    cells = at.table[0].value
    assert list(cells.columns[:2]) == ["Commitment", "Where it stands"]
    long_cell = literal(next(c for c in cells["Commitment"] if "commitment?id=c-7" in c))
    assert "…](commitment?id=c-7" in long_cell and "ends here" not in long_cell
    assert all("commitment?id=" in c for c in cells["Commitment"])
    assert "none recorded" in set(cells["Latest follow-up"])
    assert any("long text is cut short" in c.value for c in at.caption)
    assert [t.label for t in at.tabs][1] == f"Open past their date ({past_their_date(cases_db)})"


def test_the_page_in_russian(cases_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = open_page(cases_db, monkeypatch, "pages/commitments.py", lang="ru")
    cells = at.table[0].value
    assert list(cells.columns[:2]) == ["Обязательство", "Состояние"]
    assert "отметок нет" in set(cells["Последняя отметка о выполнении"])
    assert [t.label for t in at.tabs][1] == f"Открыто после срока ({past_their_date(cases_db)})"


def test_status_by_year_carries_information_on_the_bundled_record(store: Store) -> None:
    counts = status_charts.by_year_made(meeting_queries.per_year(store, Filters()))
    totals = counts.groupby("label").commitments.sum()
    assert status_charts.bars_differ(counts) and totals.nunique() > 1
    made = store.rows("SELECT count(*), count(DISTINCT year(made_on)) FROM commitments", {})[0]
    assert (totals.sum(), len(totals)) == made
    assert status_charts.in_place_order(counts) == sorted(totals.index)
    fulfilled = store.rows("SELECT count(*) FROM commitments WHERE status = 'fulfilled'", {})[0]
    assert counts.commitments[counts.status == "fulfilled"].sum() == fulfilled[0]


def test_bars_that_say_nothing_are_told_apart() -> None:
    same = pd.DataFrame(
        {"label": ["A", "A", "B", "B"], "status": ["agreed", "fulfilled"] * 2, "commitments": 3}
    )
    assert not status_charts.bars_differ(same)
    assert not status_charts.bars_differ(same[same.label == "A"])
    differ = same.assign(commitments=[3, 3, 3, 4])
    assert status_charts.bars_differ(differ)
    one = status_charts.one_bar(differ, "All")
    assert list(one.label.unique()) == ["All"] and one.commitments.sum() == 13


def test_legend_reads_in_the_order_the_bars_stack(store: Store) -> None:
    counts = commitment_queries.status_by(store, Filters(), "conventions")
    named, _ = status_charts.apart_from_unnamed(counts)
    figure = status_charts.status_bars(named, "t", status_charts.by_size(named))
    names = [trace.name for trace in figure.data]
    stacked = [s for s in status_charts.STATUS_ORDER if s in set(named.status)]
    assert names == [commitment_status_name(s) for s in stacked]
    assert figure.layout.barmode == "stack" and figure.layout.legend.traceorder == "normal"
    assert figure.layout.legend.orientation == "h"  # read left to right, as the bars stack


def test_commitments_naming_no_convention_are_counted_apart(store: Store) -> None:
    counts = commitment_queries.status_by(store, Filters(), "conventions")
    named, unnamed = status_charts.apart_from_unnamed(counts)
    none = store.rows("SELECT count(*) FROM commitments WHERE len(conventions) = 0", {})[0][0]
    assert unnamed == none > 0
    assert commitment_queries.NONE_SHOWN not in set(named.label)
    order = status_charts.by_size(named)
    totals = named.groupby("label").commitments.sum()
    assert [totals[x] for x in order] == sorted(totals, reverse=True)
