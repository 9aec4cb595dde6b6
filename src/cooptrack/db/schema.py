"""The database layout, its version, and the migrations that bring older files up to date.

Tables hold what was recorded; the `*_facts` tables add what filters need (alive-from/to dates,
one list of matching countries, lower-cased search text) so that every page and every export
filters the same way. They are derived by the `*_facts_source` views and stored, because
deriving them on every read costs hundreds of milliseconds at a million commitments: a new file
and a migration rebuild them whole, and every write transaction refreshes the records it logged
in `history` (`refresh_facts`). Views, macros and facts are derived, so a release that changes
them re-creates them on open.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Literal

import duckdb

from cooptrack.i18n import ENGLISH_MARKER
from cooptrack.reference import CENTRAL_ASIA, all_countries

SCHEMA_VERSION = 5

# The kinds of record that editors add, change and delete, and that exports and imports hold.
Kind = Literal["meetings", "phases", "commitments"]
KINDS: tuple[Kind, ...] = ("meetings", "phases", "commitments")
SINGULAR = {"meetings": "meeting", "phases": "phase", "commitments": "commitment"}
OPEN_END = "DATE '9999-12-31'"
NONE_LABEL = "(none recorded)"  # the key of commitments that name no convention or country

MEETING_KINDS = (
    "high-level-conference",
    "wgecc-meeting",
    "coordination-committee",
    "cop",
    "ministerial",
    "workshop",
    "other",
)
MEETING_KIND_LABELS = {
    "high-level-conference": "High-level conference",
    "wgecc-meeting": "WGECC meeting",
    "coordination-committee": "Coordination committee",
    "cop": "COP / meeting of parties",
    "ministerial": "Ministerial",
    "workshop": "Workshop",
    "other": "Other",
}
MEETING_FORMATS = ("in-person", "online", "hybrid")
MEETING_STATUSES = ("planned", "held", "postponed", "cancelled")
COMMITMENT_STATUSES = ("proposed", "agreed", "in-progress", "fulfilled", "superseded", "dropped")
OPEN_COMMITMENT_STATUSES = ("proposed", "agreed", "in-progress")
CONFIDENCES = ("H", "M", "L")
ORGANISATION_KINDS = (
    "eu-institution",
    "government",
    "international",
    "regional",
    "consultancy",
    "project",
    "other",
)


def _enum(column: str, values: tuple[str, ...], nullable: bool = False) -> str:
    allowed = ", ".join(f"'{value}'" for value in values)
    check = f"{column} IN ({allowed})"
    return f"CHECK ({column} IS NULL OR {check})" if nullable else f"CHECK ({check})"


_PRECISION = "('day', 'month', 'year')"

TABLES = f"""
CREATE TABLE schema_meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
CREATE TABLE countries (
    code VARCHAR PRIMARY KEY, alpha3 VARCHAR NOT NULL, name VARCHAR NOT NULL,
    tracked BOOLEAN NOT NULL, name_ru VARCHAR
);
CREATE TABLE conventions (
    code VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, adopted_year INTEGER, url VARCHAR,
    sources VARCHAR[] NOT NULL, name_ru VARCHAR
);
CREATE TABLE convention_parties (
    convention VARCHAR NOT NULL, country VARCHAR NOT NULL, since_year INTEGER,
    confidence VARCHAR NOT NULL {_enum("confidence", CONFIDENCES)},
    sources VARCHAR[] NOT NULL, PRIMARY KEY (convention, country)
);
CREATE TABLE organisations (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, short_name VARCHAR NOT NULL,
    kind VARCHAR NOT NULL {_enum("kind", ORGANISATION_KINDS)},
    parent VARCHAR, country VARCHAR, sources VARCHAR[] NOT NULL,
    name_ru VARCHAR, short_name_ru VARCHAR
);
CREATE TABLE topics (id VARCHAR PRIMARY KEY, label VARCHAR NOT NULL, label_ru VARCHAR);
CREATE TABLE meetings (
    id VARCHAR PRIMARY KEY, title VARCHAR NOT NULL, short_title VARCHAR NOT NULL,
    kind VARCHAR NOT NULL {_enum("kind", MEETING_KINDS)},
    series VARCHAR, ordinal INTEGER,
    start_date DATE NOT NULL,
    start_precision VARCHAR NOT NULL CHECK (start_precision IN {_PRECISION}),
    end_date DATE,
    end_precision VARCHAR CHECK (end_precision IS NULL OR end_precision IN {_PRECISION}),
    tentative BOOLEAN NOT NULL, city VARCHAR, host_country VARCHAR,
    format VARCHAR {_enum("format", MEETING_FORMATS, nullable=True)},
    status VARCHAR NOT NULL {_enum("status", MEETING_STATUSES)},
    chairs VARCHAR[] NOT NULL, chair_organisations VARCHAR[] NOT NULL,
    organisers VARCHAR[] NOT NULL, countries VARCHAR[] NOT NULL,
    conventions VARCHAR[] NOT NULL, topics VARCHAR[] NOT NULL, summary VARCHAR,
    confidence VARCHAR NOT NULL {_enum("confidence", CONFIDENCES)}, sources VARCHAR[] NOT NULL,
    title_ru VARCHAR, short_title_ru VARCHAR, summary_ru VARCHAR, series_ru VARCHAR,
    CHECK (end_date IS NULL OR end_date >= start_date)
);
CREATE TABLE projects (
    id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, donor VARCHAR, summary VARCHAR,
    sources VARCHAR[] NOT NULL, name_ru VARCHAR, summary_ru VARCHAR
);
CREATE TABLE phases (
    id VARCHAR PRIMARY KEY, project VARCHAR NOT NULL, phase INTEGER, title VARCHAR NOT NULL,
    implementers VARCHAR[] NOT NULL, budget DECIMAL(18, 2), currency VARCHAR,
    planned_start DATE, planned_start_precision VARCHAR,
    planned_end DATE, planned_end_precision VARCHAR,
    actual_start DATE, actual_start_precision VARCHAR,
    actual_end DATE, actual_end_precision VARCHAR,
    countries VARCHAR[] NOT NULL, conventions VARCHAR[] NOT NULL, topics VARCHAR[] NOT NULL,
    summary VARCHAR, confidence VARCHAR NOT NULL {_enum("confidence", CONFIDENCES)},
    sources VARCHAR[] NOT NULL, title_ru VARCHAR, summary_ru VARCHAR,
    CHECK (planned_start IS NOT NULL OR actual_start IS NOT NULL)
);
CREATE TABLE commitments (
    id VARCHAR PRIMARY KEY, text VARCHAR NOT NULL,
    made_by_organisations VARCHAR[] NOT NULL, made_by_countries VARCHAR[] NOT NULL,
    meeting VARCHAR, made_on DATE NOT NULL, made_on_precision VARCHAR NOT NULL,
    countries VARCHAR[] NOT NULL, conventions VARCHAR[] NOT NULL, topics VARCHAR[] NOT NULL,
    due_date DATE, due_precision VARCHAR, ahead_of VARCHAR,
    status VARCHAR NOT NULL {_enum("status", COMMITMENT_STATUSES)},
    fulfilled_by VARCHAR, confidence VARCHAR NOT NULL {_enum("confidence", CONFIDENCES)},
    sources VARCHAR[] NOT NULL, text_ru VARCHAR
);
CREATE TABLE followups (
    commitment VARCHAR NOT NULL, seq INTEGER NOT NULL, on_date DATE NOT NULL,
    on_precision VARCHAR NOT NULL, note VARCHAR NOT NULL, evidence_meeting VARCHAR,
    status_after VARCHAR {_enum("status_after", COMMITMENT_STATUSES, nullable=True)},
    sources VARCHAR[] NOT NULL, note_ru VARCHAR, PRIMARY KEY (commitment, seq)
);
"""

# Every change made through the dashboard or an import: who, when, what before and after.
# `before`/`after` hold the whole record as JSON text, so a deleted record can be restored.
# change_id is max + 1 in the writing transaction (no sequence: EXPORT DATABASE would reset it).
HISTORY = """
CREATE TABLE IF NOT EXISTS history (
    change_id BIGINT PRIMARY KEY,
    changed_at TIMESTAMP NOT NULL, editor VARCHAR NOT NULL,
    record_kind VARCHAR NOT NULL, record_id VARCHAR NOT NULL,
    action VARCHAR NOT NULL CHECK (action IN ('add', 'change', 'delete', 'restore')),
    before VARCHAR, after VARCHAR, via VARCHAR NOT NULL
);
"""

_FIVE = "[" + ", ".join(f"'{code}'" for code in CENTRAL_ASIA) + "]"
_FIVE_EN, _FIVE_RU = "the five Central Asian countries", "пять стран Центральной Азии"

MACROS = f"""
CREATE OR REPLACE MACRO period_end(d, p) AS
    CASE p WHEN 'day' THEN d WHEN 'month' THEN last_day(d) ELSE make_date(year(d), 12, 31) END;
CREATE OR REPLACE MACRO iso_partial(d, p) AS
    CASE p WHEN 'day' THEN strftime(d, '%Y-%m-%d') WHEN 'month' THEN strftime(d, '%Y-%m')
    ELSE strftime(d, '%Y') END;
CREATE OR REPLACE MACRO labels(codes, names) AS
    nullif(array_to_string(list_sort(list_transform(codes, lambda x: names[x])), '; '), '');
CREATE OR REPLACE MACRO short_country_labels(codes, names) AS
    CASE WHEN list_has_all(codes, {_FIVE})
    THEN concat_ws('; ', '{_FIVE_EN}', labels(
        list_filter(codes, lambda c: NOT list_contains({_FIVE}, c)), names))
    ELSE labels(codes, names) END;
CREATE OR REPLACE MACRO short_country_labels_in(codes, names, lang) AS
    CASE WHEN list_has_all(codes, {_FIVE})
    THEN concat_ws('; ', CASE lang WHEN 'ru' THEN '{_FIVE_RU}' ELSE '{_FIVE_EN}' END, labels(
        list_filter(codes, lambda c: NOT list_contains({_FIVE}, c)), names))
    ELSE labels(codes, names) END;
-- A record text in the interface's language: its Russian version when Russian is asked and
-- there is one, else the English text with a discreet marker (English: the English text).
CREATE OR REPLACE MACRO shown_text(en, ru, lang) AS
    CASE WHEN lang = 'ru' AND nullif(trim(ru), '') IS NOT NULL THEN ru
         WHEN lang = 'ru' THEN en || '{ENGLISH_MARKER}'
         ELSE en END;
-- A vocabulary name in the interface's language, the English one when no other is recorded.
CREATE OR REPLACE MACRO name_in(en, ru, lang) AS
    CASE WHEN lang = 'ru' THEN coalesce(nullif(trim(ru), ''), en) ELSE en END;
-- What searches match: lower case, and «ё» written «е» (Russian texts use either).
CREATE OR REPLACE MACRO search_text_of(t) AS replace(lower(t), 'ё', 'е');
CREATE OR REPLACE MACRO code_labels(codes) AS nullif(array_to_string(list_sort(codes), '; '), '');
CREATE OR REPLACE MACRO source_labels(urls) AS nullif(array_to_string(urls, '; '), '');
"""

VIEWS = f"""
-- One row of code → label maps: looking labels up in a map is vectorised, where a subquery
-- per row (the obvious macro) is several times slower at a million rows. `label_maps_in(lang)`
-- names them in a language (Russian names where the record has them, else English).
CREATE OR REPLACE MACRO label_maps_in(lang) AS TABLE SELECT
    (SELECT map(list(code), list(name_in(name, name_ru, lang))) FROM countries)
        AS country_names,
    (SELECT map(list(id), list(name_in(name, name_ru, lang))) FROM organisations)
        AS organisation_names,
    (SELECT map(list(id), list(name_in(short_name, short_name_ru, lang))) FROM organisations)
        AS organisation_short_names,
    (SELECT map(list(id), list(name_in(label, label_ru, lang))) FROM topics) AS topic_names,
    (SELECT map(list(code), list(name_in(name, name_ru, lang))) FROM conventions)
        AS convention_names;
CREATE OR REPLACE VIEW label_maps AS SELECT
    (SELECT map(list(code), list(name)) FROM countries) AS country_names,
    (SELECT map(list(id), list(name)) FROM organisations) AS organisation_names,
    (SELECT map(list(id), list(short_name)) FROM organisations) AS organisation_short_names,
    (SELECT map(list(id), list(label)) FROM topics) AS topic_names;
CREATE OR REPLACE VIEW organisation_tree AS
    WITH RECURSIVE tree(ancestor, id) AS (
        SELECT id, id FROM organisations
        UNION
        SELECT tree.ancestor, o.id FROM tree JOIN organisations o ON o.parent = tree.id
    )
    SELECT ancestor, id FROM tree;
CREATE OR REPLACE VIEW meeting_facts_source AS
    SELECT m.*,
        list_distinct(list_concat(m.countries,
            CASE WHEN m.host_country IS NULL THEN [] ELSE [m.host_country] END)) AS match_countries,
        list_distinct(list_concat(m.chair_organisations, m.organisers)) AS match_organisations,
        m.start_date AS alive_from,
        period_end(coalesce(m.end_date, m.start_date),
                   CASE WHEN m.end_date IS NULL THEN m.start_precision ELSE m.end_precision END)
            AS alive_to,
        search_text_of(concat_ws(' ', m.title, m.series, m.city, m.summary,
                                 m.title_ru, m.short_title_ru, m.summary_ru, m.series_ru))
            AS search_text
    FROM meetings m;
CREATE OR REPLACE VIEW phase_facts_source AS
    SELECT p.*, pr.name AS project_name, pr.name_ru AS project_name_ru,
        p.countries AS match_countries,
        list_distinct(list_concat(p.implementers,
            CASE WHEN pr.donor IS NULL THEN [] ELSE [pr.donor] END)) AS match_organisations,
        coalesce(p.actual_start, p.planned_start) AS alive_from,
        CASE
            WHEN p.actual_end IS NOT NULL THEN period_end(p.actual_end, p.actual_end_precision)
            WHEN p.planned_end IS NOT NULL THEN period_end(p.planned_end, p.planned_end_precision)
            ELSE {OPEN_END}
        END AS alive_to,
        search_text_of(concat_ws(' ', pr.name, p.title, p.summary,
                                 pr.name_ru, p.title_ru, p.summary_ru)) AS search_text
    FROM phases p LEFT JOIN projects pr ON pr.id = p.project;
-- A table macro, so that refreshing a few commitments aggregates their follow-ups only (the
-- aggregate over every follow-up costs ~150 ms at a million commitments); NULL: all of them.
CREATE OR REPLACE MACRO commitment_facts_of(wanted) AS TABLE
    WITH notes AS (
        SELECT f.commitment,
            max(period_end(f.on_date, f.on_precision))
                FILTER (WHERE f.status_after IN ('fulfilled', 'superseded', 'dropped'))
                AS closed_on,
            arg_max(f.seq, (f.on_date, f.seq)) AS latest_seq,
            max(f.on_date) AS latest_on,
            arg_max(f.on_precision, (f.on_date, f.seq)) AS latest_precision,
            arg_max(f.note, (f.on_date, f.seq)) AS latest_note,
            arg_max(f.note_ru, (f.on_date, f.seq)) AS latest_note_ru
        FROM followups f
        WHERE wanted IS NULL OR f.commitment IN (SELECT unnest(wanted))
        GROUP BY f.commitment
    )
    SELECT c.*,
        CASE WHEN c.due_date IS NOT NULL THEN period_end(c.due_date, c.due_precision)
             ELSE ahead.start_date END AS due_by,
        c.status IN {tuple(OPEN_COMMITMENT_STATUSES)} AS is_open,
        list_distinct(list_concat(c.made_by_countries, c.countries)) AS match_countries,
        c.made_by_organisations AS match_organisations,
        c.made_on AS alive_from,
        CASE WHEN c.status IN {tuple(OPEN_COMMITMENT_STATUSES)} THEN {OPEN_END}
             ELSE coalesce(notes.closed_on, period_end(c.made_on, c.made_on_precision))
        END AS alive_to,
        search_text_of(concat_ws(' ', c.text, c.text_ru)) AS search_text,
        notes.latest_seq, notes.latest_on, notes.latest_precision, notes.latest_note,
        notes.latest_note_ru
    FROM commitments c
    LEFT JOIN meetings ahead ON ahead.id = c.ahead_of
    LEFT JOIN notes ON notes.commitment = c.id
    WHERE wanted IS NULL OR c.id IN (SELECT unnest(wanted));
CREATE OR REPLACE VIEW commitment_facts_source AS SELECT * FROM commitment_facts_of(NULL);
"""


TOTALS_VIEWS = f"""
-- Commitments by status and convention or country, unfiltered: the commitments page's first
-- view. Counted from the stored facts (so made after them); every write counts them again.
CREATE OR REPLACE VIEW commitment_status_totals_source AS
    SELECT 'conventions' AS dimension, key, status, count(*) AS commitments FROM (
        SELECT unnest(CASE WHEN len(conventions) = 0 THEN ['{NONE_LABEL}'] ELSE conventions END)
            AS key, status FROM commitment_facts)
    GROUP BY ALL
    UNION ALL
    SELECT 'countries', key, status, count(*) FROM (
        SELECT unnest(CASE WHEN len(match_countries) = 0 THEN ['{NONE_LABEL}']
                           ELSE match_countries END) AS key, status FROM commitment_facts)
    GROUP BY ALL;
"""

FACTS = ("meeting_facts", "phase_facts", "commitment_facts")
# Derived from the facts as a whole (no id to refresh by): made again after any change.
TOTALS = ("commitment_status_totals",)

# The ids whose facts a write may have changed, from the records it logged in `touched`
# (record_kind, record_id): a meeting's start date is the due date of the commitments that look
# ahead to it; a project's name and donor are part of its phases' facts.
_AFFECTED_IDS = {
    "meeting_facts": "SELECT record_id FROM touched WHERE record_kind = 'meetings'",
    "phase_facts": """SELECT record_id FROM touched WHERE record_kind = 'phases'
        UNION SELECT id FROM phases
        WHERE project IN (SELECT record_id FROM touched WHERE record_kind = 'projects')""",
    "commitment_facts": """SELECT record_id FROM touched WHERE record_kind = 'commitments'
        UNION SELECT id FROM commitments
        WHERE ahead_of IN (SELECT record_id FROM touched WHERE record_kind = 'meetings')""",
}


# The facts of the ids in temp table `affected`, as their source view would derive them.
_SOURCE_OF_AFFECTED = {
    "meeting_facts": "SELECT * FROM meeting_facts_source WHERE id IN (SELECT * FROM affected)",
    "phase_facts": "SELECT * FROM phase_facts_source WHERE id IN (SELECT * FROM affected)",
    # coalesce: list() of no rows is NULL, which the macro reads as "every commitment".
    "commitment_facts": "SELECT * FROM commitment_facts_of("
    "(SELECT coalesce(list(a.i), []::VARCHAR[]) FROM affected a(i)))",
}


def derived_digest() -> str:
    """Fingerprint of the macros, views and facts: when it changes, open() re-creates them."""
    derived = MACROS + VIEWS + TOTALS_VIEWS + repr((FACTS, TOTALS, _AFFECTED_IDS))
    derived += repr(_SOURCE_OF_AFFECTED)  # a fixed refresh also repairs what the old one broke
    return hashlib.sha256(derived.encode()).hexdigest()[:16]


def rebuild_facts(cursor: duckdb.DuckDBPyConnection) -> None:
    """Store every facts table whole from its source view, in date order (so that DuckDB's
    per-block min/max skip most blocks under a date filter). For new files and migrations."""
    for table in FACTS:
        cursor.execute(
            f"CREATE OR REPLACE TABLE {table} AS "
            f"SELECT * FROM {table}_source ORDER BY alive_from, id"
        )
    cursor.execute(TOTALS_VIEWS)
    count_totals(cursor)


def count_totals(cursor: duckdb.DuckDBPyConnection) -> None:
    """Make the TOTALS tables again from the facts as they now are."""
    for table in TOTALS:
        cursor.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM {table}_source")


def history_mark(cursor: duckdb.DuckDBPyConnection) -> int:
    """The last history line so far: what a transaction logs after it is what it changed."""
    row = cursor.execute("SELECT coalesce(max(change_id), 0) FROM history").fetchone()
    return int(row[0]) if row else 0


def refresh_facts(cursor: duckdb.DuckDBPyConnection, since: int) -> None:
    """Re-derive the facts of every record logged in history after `since` (and of the
    records that depend on them), inside the caller's transaction."""
    cursor.execute(
        "CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT record_kind, record_id "
        "FROM history WHERE change_id > ?",
        [since],
    )
    # No try/finally around the rest: after an error the transaction is aborted, any cleanup
    # would fail and hide the error; the temp tables go with the cursor anyway.
    if cursor.execute("SELECT 1 FROM touched LIMIT 1").fetchone() is not None:
        for table, ids in _AFFECTED_IDS.items():
            cursor.execute(f"CREATE OR REPLACE TEMP TABLE affected AS {ids}")
            cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT * FROM affected)")
            cursor.execute(f"INSERT INTO {table} BY NAME {_SOURCE_OF_AFFECTED[table]}")
        cursor.execute("DROP TABLE temp.affected")
        count_totals(cursor)
    cursor.execute("DROP TABLE temp.touched")


def stored_digest(cursor: duckdb.DuckDBPyConnection) -> str | None:
    row = cursor.execute("SELECT value FROM schema_meta WHERE key = 'derived'").fetchone()
    return str(row[0]) if row else None


def create(cursor: duckdb.DuckDBPyConnection) -> None:
    """Create an empty database of the current version (inside the caller's transaction)."""
    cursor.execute(TABLES)
    cursor.execute(HISTORY)
    cursor.execute(MACROS)
    cursor.execute(VIEWS)
    rebuild_facts(cursor)
    cursor.execute(
        "INSERT INTO schema_meta (key, value) VALUES ('schema_version', ?), ('derived', ?)",
        [str(SCHEMA_VERSION), derived_digest()],
    )


Migration = Callable[[duckdb.DuckDBPyConnection], None]


# MIGRATIONS[n] turns a version-n database into version n+1. Append, never edit.
def _add_history(cursor: duckdb.DuckDBPyConnection) -> None:
    cursor.execute(HISTORY)


def _store_facts(cursor: duckdb.DuckDBPyConnection) -> None:
    """Version 3 stores the facts (see the module's docstring); version 2 derived them in views
    of the same names, dropped here so that the tables can take their place."""
    views = cursor.execute(
        "SELECT view_name FROM duckdb_views() WHERE NOT internal AND list_contains(?, view_name)",
        [list(FACTS)],
    ).fetchall()
    for (view,) in views:
        cursor.execute(f"DROP VIEW {view}")


# Version 4: a Russian version of every vocabulary name and record text (NULL: none recorded).
# Frozen: the columns migration 3 → 4 adds, whatever later versions add.
RUSSIAN_COLUMNS_4 = {
    "countries": ("name_ru",),
    "conventions": ("name_ru",),
    "organisations": ("name_ru", "short_name_ru"),
    "topics": ("label_ru",),
    "meetings": ("title_ru", "short_title_ru", "summary_ru"),
    "projects": ("name_ru", "summary_ru"),
    "phases": ("title_ru", "summary_ru"),
    "commitments": ("text_ru",),
    "followups": ("note_ru",),
}
# Version 5 adds the Russian name of a meeting's series (`series` stays the English key that
# lanes and neighbours group by).
RUSSIAN_COLUMNS = RUSSIAN_COLUMNS_4 | {"meetings": (*RUSSIAN_COLUMNS_4["meetings"], "series_ru")}


def _drop_facts(cursor: duckdb.DuckDBPyConnection) -> None:
    """The facts copy every column of their table: a migration that adds one drops them, and
    `migrate` rebuilds them in the new layout after the last step."""
    for table in FACTS:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _add_russian(cursor: duckdb.DuckDBPyConnection) -> None:
    """Version 4 adds the Russian columns."""
    _drop_facts(cursor)
    for table, columns in RUSSIAN_COLUMNS_4.items():
        for column in columns:
            cursor.execute(f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {column} VARCHAR")
    # Country names are reference data, not the record's own: a new file gets them, so does
    # an older one (where nobody has named a country in Russian yet).
    named = [(c.name_ru, c.code) for c in all_countries() if c.name_ru]
    cursor.executemany("UPDATE countries SET name_ru = ? WHERE code = ? AND name_ru IS NULL", named)


def _add_series_ru(cursor: duckdb.DuckDBPyConnection) -> None:
    """Version 5 adds `meetings.series_ru`, empty: an older file names no series in Russian."""
    _drop_facts(cursor)
    cursor.execute("ALTER TABLE meetings ADD COLUMN IF NOT EXISTS series_ru VARCHAR")


MIGRATIONS: dict[int, Migration] = {
    1: _add_history,
    2: _store_facts,
    3: _add_russian,
    4: _add_series_ru,
}


def stored_version(cursor: duckdb.DuckDBPyConnection) -> int | None:
    """The schema version written in the file, or None when it is not a cooptrack database."""
    found = cursor.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_meta'"
    ).fetchone()
    if not found or not found[0]:
        return None
    row = cursor.execute("SELECT value FROM schema_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else None


def migrate(cursor: duckdb.DuckDBPyConnection, from_version: int) -> int:
    """Apply every migration after `from_version` in one transaction; return the new version."""
    version = from_version
    cursor.execute("BEGIN TRANSACTION")
    try:
        while version < SCHEMA_VERSION:
            MIGRATIONS[version](cursor)
            version += 1
        cursor.execute(MACROS)
        cursor.execute(VIEWS)
        rebuild_facts(cursor)
        cursor.execute(
            "UPDATE schema_meta SET value = ? WHERE key = 'schema_version'", [str(version)]
        )
        cursor.execute("DELETE FROM schema_meta WHERE key = 'derived'")
        cursor.execute(
            "INSERT INTO schema_meta (key, value) VALUES ('derived', ?)", [derived_digest()]
        )
        cursor.execute("COMMIT")
    except BaseException:
        cursor.execute("ROLLBACK")
        raise
    return version
