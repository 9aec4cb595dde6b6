"""The coverage report: gaps in numbered series and vague dates are listed, not silent."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from test_pages import APP, page_path

from cooptrack import cli
from cooptrack.db.store import Store
from cooptrack.query.coverage import coverage


def with_meetings(
    bundled_db: Path, tmp_path: Path, rows: list[tuple[str, int | None, str]]
) -> Path:
    """A copy of the bundled record with WGECC meetings (id, ordinal, start) added."""
    path = tmp_path / "coverage.duckdb"
    shutil.copyfile(bundled_db, path)
    with duckdb.connect(str(path)) as connection:
        for ident, ordinal, start in rows:
            connection.execute(
                """INSERT INTO meetings BY NAME SELECT * REPLACE (
                       ? AS id, ? AS title, ? AS ordinal, ?::DATE AS start_date,
                       ? AS start_precision, NULL::DATE AS end_date, NULL AS end_precision)
                   FROM meetings WHERE id = 'wgecc-9'""",
                [ident, f"Meeting {ident}", ordinal, f"{start}-01-01", "year"],
            )
    return path


def test_gaps_inside_a_series_are_told_apart_from_numbers_before_it(
    bundled_db: Path, tmp_path: Path
) -> None:
    path = with_meetings(
        bundled_db, tmp_path, [("wgecc-13", 13, "2025"), ("wgecc-x", None, "2026")]
    )
    with Store.open(path) as store:
        report = coverage(store)
    (wgecc,) = [s for s in report.series if s.series == "WGECC"]
    assert wgecc.present[-1] == 13 and 13 in wgecc.present
    assert set(wgecc.missing) == set(range(wgecc.present[0], 13)) - set(wgecc.present)
    assert 11 in wgecc.missing and 12 in wgecc.missing
    assert wgecc.earlier == tuple(range(1, wgecc.present[0]))
    assert wgecc.unnumbered >= 1
    assert ("meetings", "wgecc-13", "start", "2025") in {
        (i.kind, i.record, i.field, i.value) for i in report.imprecise
    }
    assert wgecc.ranges((1, 2, 3, 5, 7, 8)) == "1–3, 5, 7–8"
    assert wgecc.ranges((1, 2, 3, 5, 7, 8), most=3) == "1–3, 5, 7–8"
    assert wgecc.ranges((1, 2, 3, 5, 7, 8), most=2) == (
        "1–3, 5, … and 1 more range (6 numbers in all)"
    )
    every_other = tuple(range(1, 2001, 2))
    assert wgecc.ranges(every_other, most=4) == (
        "1, 3, 5, 7, … and 996 more ranges (1,000 numbers in all)"
    )


def test_every_date_coarser_than_a_day_is_listed(store: Store) -> None:
    report = coverage(store)
    stored = (
        store.rows("SELECT count(*) FROM meetings WHERE start_precision <> 'day'")[0][0]
        + store.rows("SELECT count(*) FROM meetings WHERE end_precision <> 'day'")[0][0]
    )
    assert sum(1 for i in report.imprecise if i.kind == "meetings") == stored
    assert report.reviewed is not None
    assert report.counts["meetings"] == store.rows("SELECT count(*) FROM meetings")[0][0]


def test_the_command_prints_the_report(
    bundled_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["coverage", "--db", str(bundled_db)]) == 0
    out = capsys.readouterr().out
    assert "WGECC:" in out and "dates known only to the month or the year" in out


@pytest.mark.parametrize("name", ["pages/coverage.py", "pages/overview.py"])
def test_the_page_shows_the_series_and_the_overview_links_to_it(
    bundled_db: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv("COOPTRACK_DB", str(bundled_db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"cooptrack": {}}
    at.run()
    if name != "pages/overview.py":
        at.switch_page(page_path(name)).run()
    assert not at.exception
    assert not [e.value for e in at.error]
    if name == "pages/coverage.py":
        assert "What the record covers" in [t.value for t in at.title]
        assert any("WGECC" in str(t.value) for t in at.table)
    else:
        assert any("Newest dated fact" in m.value for m in at.markdown)
