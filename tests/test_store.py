"""Opening databases: versions, migrations, and files that are not what they claim."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from conftest import seed_count

from cooptrack.db import schema
from cooptrack.db.store import Store
from cooptrack.errors import StoreError


def copy_of(bundled_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "copy.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    return path


def set_version(path: Path, version: int) -> None:
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "UPDATE schema_meta SET value = ? WHERE key = 'schema_version'", [str(version)]
        )


def test_a_database_from_a_newer_release_is_refused_untouched(
    bundled_db: Path, tmp_path: Path
) -> None:
    path = copy_of(bundled_db, tmp_path)
    set_version(path, schema.SCHEMA_VERSION + 1)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="written by a newer cooptrack"):
        Store.open(path)
    assert path.read_bytes() == before


def test_an_older_database_is_migrated_on_a_writable_open(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_of(bundled_db, tmp_path)
    applied: list[bool] = []

    def add_column(cursor: duckdb.DuckDBPyConnection) -> None:
        applied.append(True)
        cursor.execute("ALTER TABLE meetings ADD COLUMN remarks VARCHAR")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION - 1, add_column)
    with Store.open(path, read_only=False) as store:
        assert store.rows("SELECT value FROM schema_meta WHERE key = 'schema_version'") == [
            (str(schema.SCHEMA_VERSION),)
        ]
        assert "remarks" in store.frame("SELECT * FROM meetings LIMIT 0").columns
        assert store.rows("SELECT count(*) FROM meeting_facts")[0][0] == seed_count("meetings")
    with Store.open(path):
        pass
    assert applied == [True]


def test_a_failed_migration_changes_nothing(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copy_of(bundled_db, tmp_path)

    def broken(cursor: duckdb.DuckDBPyConnection) -> None:
        cursor.execute("ALTER TABLE meetings ADD COLUMN half_done VARCHAR")
        cursor.execute("SELECT * FROM no_such_table")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", schema.SCHEMA_VERSION + 1)
    monkeypatch.setitem(schema.MIGRATIONS, schema.SCHEMA_VERSION - 1, broken)
    with pytest.raises(StoreError, match="no_such_table"):
        Store.open(path, read_only=False)
    with duckdb.connect(str(path), read_only=True) as connection:
        columns = [c[0] for c in connection.execute("DESCRIBE meetings").fetchall()]
        version = connection.execute(
            "SELECT value FROM schema_meta WHERE key = 'schema_version'"
        ).fetchone()
    assert "half_done" not in columns
    assert version == (str(schema.SCHEMA_VERSION - 1),)


def test_a_read_only_open_of_an_older_file_writes_nothing_and_says_how_to_migrate(
    bundled_db: Path, tmp_path: Path
) -> None:
    path = copy_of(bundled_db, tmp_path)
    set_version(path, schema.SCHEMA_VERSION - 1)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="cooptrack migrate --db"):
        Store.open(path)
    assert path.read_bytes() == before
    with Store.open_shared(path) as store:  # a server is a writer: it migrates
        assert store.rows("SELECT value FROM schema_meta WHERE key = 'schema_version'") == [
            (str(schema.SCHEMA_VERSION),)
        ]


def test_a_duckdb_file_of_another_application_is_named(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE sales (amount INTEGER)")
    with pytest.raises(StoreError, match="is a DuckDB file but not a cooptrack database"):
        Store.open(path)


def test_missing_and_folder_paths_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="create it with: cooptrack init --db"):
        Store.open(tmp_path / "absent.duckdb")
    with pytest.raises(StoreError, match="is a folder"):
        Store.open(tmp_path)


def test_query_errors_become_store_errors(store: Store) -> None:
    with pytest.raises(StoreError, match="no_such_table"):
        store.frame("SELECT * FROM no_such_table")


def test_cursors_give_correct_results_from_many_threads(store: Store) -> None:
    from concurrent.futures import ThreadPoolExecutor

    def count(table: str) -> tuple[str, int]:
        return table, store.rows(f"SELECT count(*) FROM {table}")[0][0]

    tables = ["meetings", "phases", "commitments", "followups"] * 25
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = set(pool.map(count, tables))
    assert results == {(table, seed_count(table)) for table in set(tables)}


def test_a_version_1_database_is_migrated_to_the_current_schema(
    bundled_db: Path, tmp_path: Path
) -> None:
    """A file made by the first release (no history table, older views) opens and gains them."""
    path = copy_of(bundled_db, tmp_path)
    with duckdb.connect(str(path)) as connection:
        connection.execute("DROP TABLE history")
        connection.execute("DROP VIEW label_maps")
        for facts in schema.FACTS:  # the first releases derived the facts in views
            connection.execute(f"DROP TABLE {facts}")
            connection.execute(f"DROP VIEW {facts}_source")
            connection.execute(f"CREATE VIEW {facts} AS SELECT 1 AS stale")
        connection.execute("DELETE FROM schema_meta WHERE key = 'derived'")
        connection.execute("UPDATE schema_meta SET value = '1' WHERE key = 'schema_version'")
    with Store.open(path, read_only=False) as store:
        assert store.rows("SELECT count(*) FROM history") == [(0,)]
        assert store.rows("SELECT value FROM schema_meta WHERE key = 'schema_version'") == [
            (str(schema.SCHEMA_VERSION),)
        ]
        assert store.rows("SELECT count(*) FROM meeting_facts, label_maps") == [
            (seed_count("meetings"),)
        ]
        assert store.rows("SELECT count(*) FROM commitment_facts") == [(seed_count("commitments"),)]


def test_macros_and_views_from_another_release_are_recreated_on_open(
    bundled_db: Path, tmp_path: Path
) -> None:
    path = copy_of(bundled_db, tmp_path)
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE OR REPLACE VIEW label_maps AS SELECT 1 AS stale")
        connection.execute("UPDATE schema_meta SET value = 'old' WHERE key = 'derived'")
    with Store.open(path, read_only=False) as store:
        assert "country_names" in store.frame("SELECT * FROM label_maps").columns
        assert store.rows("SELECT value FROM schema_meta WHERE key = 'derived'") == [
            (schema.derived_digest(),)
        ]


def test_a_version_3_file_gains_the_russian_columns_and_keeps_every_record(
    bundled_db: Path, tmp_path: Path
) -> None:
    """A real version-3 layout (no Russian columns, facts without them): the migration adds
    the columns empty, rebuilds the facts, and Russian label lookups fall back to English."""
    path = copy_of(bundled_db, tmp_path)
    with duckdb.connect(str(path)) as connection:
        for table in (*schema.FACTS, *schema.TOTALS):
            connection.execute(f"DROP TABLE {table}")
        for table, columns in schema.RUSSIAN_COLUMNS.items():
            for column in columns:
                connection.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
        connection.execute("CREATE TABLE meeting_facts AS SELECT * FROM meetings")
    set_version(path, 3)
    with Store.open_shared(path) as store:
        for table, columns in schema.RUSSIAN_COLUMNS.items():
            layout = store.frame(f"SELECT * FROM {table} LIMIT 0").columns
            assert set(columns) <= set(layout), table
        assert store.rows("SELECT count(*) FROM meeting_facts")[0][0] == seed_count("meetings")
        assert store.rows("SELECT count(*) FROM meetings WHERE title_ru IS NOT NULL") == [(0,)]
        # Countries are named from the ISO data; a name nobody gave falls back to English.
        assert store.rows("SELECT name_ru FROM countries WHERE code = 'KG'") == [("Кыргызстан",)]
        named = store.rows("SELECT topic_names['climate'] FROM label_maps_in('ru')")
        assert named == store.rows("SELECT label FROM topics WHERE id = 'climate'")


@pytest.mark.parametrize("limit", [None, "300MB"])
def test_duckdb_holds_no_more_memory_than_configured(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, limit: str | None
) -> None:
    """Each opening is held to COOPTRACK_MEMORY (1GB unset), as DuckDB itself reads the value,
    not to DuckDB's own default of 80 % of the machine."""
    if limit is None:
        monkeypatch.delenv("COOPTRACK_MEMORY", raising=False)
    else:
        monkeypatch.setenv("COOPTRACK_MEMORY", limit)
    with duckdb.connect(config={"memory_limit": limit or "1GB"}) as reference:
        expected = reference.execute("SELECT current_setting('memory_limit')").fetchone()
    with duckdb.connect() as unlimited:
        default = unlimited.execute("SELECT current_setting('memory_limit')").fetchone()
    with Store.open(copy_of(bundled_db, tmp_path)) as store, store.cursor() as cursor:
        held = cursor.execute("SELECT current_setting('memory_limit')").fetchone()
    assert held == expected
    assert held != default


def test_running_out_of_memory_says_which_setting_to_raise(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A query that needs more than COOPTRACK_MEMORY allows: one sentence naming the limit and
    the setting, not DuckDB's allocation sizes."""
    monkeypatch.setenv("COOPTRACK_MEMORY", "100MB")
    with Store.open(copy_of(bundled_db, tmp_path)) as store, pytest.raises(StoreError) as raised:
        store.frame("SELECT string_agg(repeat('x', 100), ',') AS s FROM range(3000000)")
    said = str(raised.value)
    assert "100MB" in said and "COOPTRACK_MEMORY" in said
    assert "MiB" not in said
