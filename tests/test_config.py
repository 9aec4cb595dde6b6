"""Settings from the environment: read in one module, each bad value named with what to write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cooptrack import config
from cooptrack.errors import ConfigError


@pytest.mark.parametrize(
    ("value", "expected"), [("", date.today()), ("2026-12-01", date(2026, 12, 1))]
)
def test_today_is_today_or_the_pinned_day(
    monkeypatch: pytest.MonkeyPatch, value: str, expected: date
) -> None:
    monkeypatch.setenv("COOPTRACK_TODAY", value)
    assert config.today() == expected


@pytest.mark.parametrize("value", ["tomorrow", "2021-02-30", "01.12.2026", "2026"])
def test_a_pinned_day_that_is_not_a_date_is_named(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("COOPTRACK_TODAY", value)
    with pytest.raises(ConfigError, match=r"COOPTRACK_TODAY=.*YYYY-MM-DD"):
        config.today()


@pytest.mark.parametrize(("value", "seconds"), [("", 30.0), ("5", 5.0), ("0", None)])
def test_query_seconds(monkeypatch: pytest.MonkeyPatch, value: str, seconds: float | None) -> None:
    monkeypatch.setenv("COOPTRACK_QUERY_SECONDS", value)
    assert config.query_seconds() == seconds


@pytest.mark.parametrize(
    ("value", "limit"), [("", "1GB"), ("512MB", "512MB"), ("2 GiB", "2GiB"), ("1.5gb", "1.5gb")]
)
def test_memory_limit(monkeypatch: pytest.MonkeyPatch, value: str, limit: str) -> None:
    monkeypatch.setenv("COOPTRACK_MEMORY", value)
    assert config.memory_limit() == limit


@pytest.mark.parametrize("value", ["lots", "1", "99MB", "0.09GB", "95MiB", "1 PB", "-1GB", "1GB;"])
def test_bad_memory_limits_are_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("COOPTRACK_MEMORY", value)
    with pytest.raises(ConfigError, match="COOPTRACK_MEMORY"):
        config.memory_limit()


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "1e9"])
def test_bad_query_seconds_are_named(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("COOPTRACK_QUERY_SECONDS", value)
    with pytest.raises(ConfigError, match="COOPTRACK_QUERY_SECONDS"):
        config.query_seconds()


def test_the_database_path_prefers_the_option_then_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("COOPTRACK_DB", raising=False)
    assert config.database_path() == Path("data/cooptrack.duckdb")
    monkeypatch.setenv("COOPTRACK_DB", "/srv/record.duckdb")
    assert config.database_path() == Path("/srv/record.duckdb")
    assert config.database_path("mine.duckdb") == Path("mine.duckdb")


def test_the_seed_and_the_app_are_found_from_any_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("COOPTRACK_SEED", raising=False)
    monkeypatch.chdir(tmp_path)
    assert (config.seed_dir() / "meetings.csv").is_file()
    assert config.app_script().name == "app.py" and config.app_script().is_file()
    monkeypatch.setenv("COOPTRACK_SEED", str(tmp_path))
    assert config.seed_dir() == tmp_path
