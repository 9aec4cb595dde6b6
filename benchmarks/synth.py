"""Synthetic cooptrack databases of any size, for benchmarks and load tests:
`python -m benchmarks.synth --meetings N --phases N --commitments N [--seed S] --db PATH`.

`generate(path, meetings, phases, commitments, seed)` writes a database with the real reference
data (every country, the bundled conventions, party status, topics and organisations) and the
asked-for number of synthetic meetings, projects and phases, commitments and follow-ups.

Why it is built this way:

- Rows are made inside DuckDB by `INSERT … SELECT … FROM range(n)`: a million commitments take
  seconds, where a Python loop would take many minutes and gigabytes.
- Every "random" choice is `hash(row, seed, 'field')` mapped to [0, 1): the same seed gives the
  same rows (and byte-identical exports), whatever the thread count or insertion order.
- Frequencies are skewed like the real record: choices from a ranked list follow a Zipf-like
  law (rank r with weight ≈ 1/r); the five Central Asian countries are the most frequent, then
  EU members and neighbours; the first bundled convention (UNFCCC), topic and organisation lead.
- Dates run from 2005 to 2035, mostly to the day, some to the month, a few to the year, stored
  as the first day of their period as the seed loader stores them.
- Every synthetic record has confidence 'L' and a source `https://example.org/synthetic/<id>`.
- The file is written beside the target and moved into place when complete (`os.replace`),
  as `cooptrack init` does (`write_new_file`); every CHECK of the schema is enforced by the
  inserts.
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from cooptrack.db import schema
from cooptrack.db.store import insert
from cooptrack.errors import CooptrackError, StoreError
from cooptrack.record.seed import SeedData, default_seed_dir, load_seed, write_new_file
from cooptrack.reference import CENTRAL_ASIA

# Bump when the generated rows change, so that cached benchmark databases are made again.
VERSION = 1
SOURCE_PREFIX = "https://example.org/synthetic/"
FIRST_DAY = date(2005, 1, 1)
LAST_DAY = date(2035, 12, 31)
REFERENCE_TABLES = ("countries", "topics", "conventions", "organisations", "convention_parties")
# The five first, in the order the real record mentions them most; then the EU and neighbours.
CENTRAL_ASIA_RANKED = ("KZ", "UZ", "KG", "TJ", "TM")
PARTNERS_RANKED = (
    "DE", "IT", "FR", "BE", "FI", "LV", "AT", "NL", "ES", "PL", "SE", "CZ", "RU", "CN", "AF",
    "TR", "AZ", "GE", "AM", "MN", "IR", "PK", "IN", "GB", "CH", "NO", "US", "JP", "KR", "EG",
)  # fmt: skip
CITIES = (
    ("Almaty", "KZ"), ("Astana", "KZ"), ("Tashkent", "UZ"), ("Bishkek", "KG"),
    ("Dushanbe", "TJ"), ("Ashgabat", "TM"), ("Brussels", "BE"), ("Samarkand", "UZ"),
    ("Rome", "IT"), ("Bonn", "DE"), ("Geneva", "CH"), ("Osh", "KG"), ("Berlin", "DE"),
    ("Paris", "FR"), ("Vienna", "AT"), ("Helsinki", "FI"), ("Riga", "LV"), ("Milan", "IT"),
    ("Baku", "AZ"), ("Tbilisi", "GE"), ("Glasgow", "GB"), ("Sharm el-Sheikh", "EG"),
    ("Dubai", "AE"), ("Madrid", "ES"), ("Katowice", "PL"), ("Montreal", "CA"),
    ("Nairobi", "KE"), ("New York", "US"), ("Istanbul", "TR"), ("Khujand", "TJ"),
)  # fmt: skip
VERBS = (
    "Prepare", "Hold", "Organise", "Draft", "Share", "Submit", "Review", "Establish",
    "Strengthen", "Support", "Exchange", "Develop", "Publish", "Discuss",
)  # fmt: skip
OBJECTS = (
    "a joint position", "a regional workshop", "national reports", "a roadmap",
    "a monitoring framework", "technical guidance", "an expert session",
    "a capacity-building programme", "data-sharing arrangements", "a financing plan",
    "a green deal dialogue", "draft legislation", "an investment pipeline", "a pilot project",
)  # fmt: skip
NOTES = (
    "Progress reported at the working group",
    "The secretariat circulated a draft",
    "Partners confirmed funding",
    "Work was delayed by the change of government",
    "A first session took place",
    "The report was published",
    "National focal points reviewed the text",
)
MEETING_TITLES = {
    "high-level-conference": "High-Level Conference",
    "wgecc-meeting": "WGECC meeting",
    "coordination-committee": "Coordination committee",
    "cop": "Conference of the Parties",
    "ministerial": "Ministerial meeting",
    "workshop": "Workshop",
    "other": "Expert meeting",
}
# '-' stands for "not recorded" (NULL) in the weighted choice of a meeting's format.
FORMATS = (*schema.MEETING_FORMATS, "-")
# Cumulative shares of meeting kinds, in schema.MEETING_KINDS order.
KIND_SHARES = (0.05, 0.30, 0.40, 0.60, 0.68, 0.93, 1.0)


@dataclass(frozen=True)
class Counts:
    """How many synthetic records of each kind were written (projects and follow-ups derived)."""

    meetings: int
    projects: int
    phases: int
    commitments: int
    followups: int


@functools.cache
def _recorded(table: str) -> str:
    """The columns the generator fills, in the table's order: every column but the Russian
    versions (synthetic records have none, which is what most real records have too)."""
    with duckdb.connect() as connection:
        connection.execute(schema.TABLES)
        names = [row[0] for row in connection.execute(f"DESCRIBE {table}").fetchall()]
    return ", ".join(n for n in names if n not in schema.RUSSIAN_COLUMNS.get(table, ()))


def _lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _list(values: Iterable[str]) -> str:
    """A SQL list literal, for ranked vocabularies embedded in the generating queries."""
    return "[" + ", ".join(_lit(v) for v in values) + "]"


def _width(count: int) -> int:
    """Zero-padded id width, so ids sort like their numbers."""
    return max(6, len(str(max(count - 1, 0))))


def _ranked_countries(data: SeedData) -> tuple[list[str], list[str]]:
    """(the five, everyone else by rank): partners first, then every other code in order."""
    known = [str(row["code"]) for row in data.tables["countries"]]
    five = [c for c in CENTRAL_ASIA_RANKED if c in known]
    assert sorted(five) == sorted(CENTRAL_ASIA), "the reference countries lack Central Asia"
    partners = [c for c in PARTNERS_RANKED if c in known]
    rest = sorted(c for c in known if c not in five and c not in partners)
    return five, partners + rest


def _macros(seed: int) -> str:
    """Temporary helpers (never stored in the file): seeded uniform numbers and ranked picks."""
    span = (LAST_DAY - FIRST_DAY).days + 1
    return f"""
CREATE OR REPLACE TEMP MACRO rnd(i, f) AS hash(i, {seed}, f) / 18446744073709551616.0;
CREATE OR REPLACE TEMP MACRO rnd2(i, f, j) AS hash(i, {seed}, f, j) / 18446744073709551616.0;
-- Rank 1..n with weight log((r + 1) / r), about 1/r: a Zipf-like law.
CREATE OR REPLACE TEMP MACRO zipf(u, n) AS
    least(n, greatest(1, CAST(floor(pow(n + 1, u)) AS INTEGER)));
CREATE OR REPLACE TEMP MACRO uniform_int(u, n) AS least(n - 1, CAST(floor(u * n) AS INTEGER));
CREATE OR REPLACE TEMP MACRO any_day(u) AS
    DATE '{FIRST_DAY.isoformat()}' + uniform_int(u, {span});
CREATE OR REPLACE TEMP MACRO clamp_day(d) AS
    least(greatest(d, DATE '{FIRST_DAY.isoformat()}'), DATE '{LAST_DAY.isoformat()}');
CREATE OR REPLACE TEMP MACRO precision_of(u) AS
    CASE WHEN u < 0.82 THEN 'day' WHEN u < 0.96 THEN 'month' ELSE 'year' END;
CREATE OR REPLACE TEMP MACRO at_precision(d, p) AS
    CASE p WHEN 'month' THEN CAST(date_trunc('month', d) AS DATE)
           WHEN 'year' THEN CAST(date_trunc('year', d) AS DATE) ELSE d END;
CREATE OR REPLACE TEMP MACRO pick_list(i, f, vocabulary, most) AS
    list_sort(list_distinct([vocabulary[zipf(rnd2(i, f, j), len(vocabulary))]
        for j in range(CAST(zipf(rnd(i, f || '#'), most + 1) - 1 AS BIGINT))]));
"""


def _countries_sql(salt: str, five: list[str], others: list[str]) -> str:
    """1–5 countries: a quarter of records name all five, else each pick is Central Asian
    two times in three (Zipf within the five, shifted by the pick's number so that picks
    seldom repeat), else a partner (Zipf over everyone else)."""
    return f"""CASE WHEN rnd(i, '{salt}.all5') < 0.25 THEN {_list(sorted(five))}
        ELSE list_sort(list_distinct([
            CASE WHEN rnd2(i, '{salt}.ca', j) < 0.65
                 THEN {_list(five)}[(zipf(rnd2(i, '{salt}.c5', j), {len(five)}) + j - 1)
                                    % {len(five)} + 1]
                 ELSE {_list(others)}[zipf(pow(rnd2(i, '{salt}.co', j), 2), {len(others)})] END
            for j in range(CAST(zipf(rnd(i, '{salt}.nc'), 5) AS BIGINT))])) END"""


def _one_of(u: str, values: Sequence[str], shares: Sequence[float]) -> str:
    """A weighted choice: `values[k]` when `u` falls below the cumulative share `shares[k]`."""
    arms = " ".join(
        f"WHEN {u} < {share} THEN {_lit(value)}"
        for value, share in zip(values[:-1], shares[:-1], strict=True)
    )
    return f"CASE {arms} ELSE {_lit(values[-1])} END"


def _meetings_sql(
    count: int, five: list[str], others: list[str], vocab: dict[str, list[str]]
) -> str:
    width = _width(count)
    kind = _one_of("rnd(i, 'm.kind')", schema.MEETING_KINDS, KIND_SHARES)
    titles = "MAP {" + ", ".join(f"{_lit(k)}: {_lit(v)}" for k, v in MEETING_TITLES.items()) + "}"
    cities, hosts = _list(c for c, _ in CITIES), _list(h for _, h in CITIES)
    topics, labels = _list(vocab["topic_ids"]), _list(vocab["topic_labels"])
    return f"""
INSERT INTO meetings ({_recorded("meetings")})
WITH base AS (
    SELECT i, 'sm' || lpad(CAST(i AS VARCHAR), {width}, '0') AS id, {kind} AS kind,
        precision_of(rnd(i, 'm.sp')) AS start_precision, any_day(rnd(i, 'm.start')) AS day,
        zipf(rnd(i, 'm.city'), {len(CITIES)}) AS place,
        {_countries_sql("m", five, others)} AS countries,
        pick_list(i, 'm.conv', {_list(vocab["conventions"])}, 3) AS conventions,
        list_sort(list_distinct([{topics}[zipf(rnd2(i, 'm.topic', j), {len(vocab["topic_ids"])})]
            for j in range(CAST(zipf(rnd(i, 'm.nt'), 4) AS BIGINT))])) AS topics
    FROM range({count}) r(i)
), dated AS (
    SELECT *, at_precision(day, start_precision) AS start_date,
        CASE WHEN kind = 'cop' AND len(conventions) = 0 THEN ['UNFCCC'] ELSE conventions END
            AS linked_conventions
    FROM base
)
SELECT id,
    {titles}[kind] || ' ' || (i + 1) || ' on '
        || lower({labels}[list_position({topics}, topics[1])])
        || coalesce(', ' || {cities}[place], '') AS title,
    {titles}[kind] || ' ' || (i + 1) AS short_title,
    kind,
    CASE kind WHEN 'wgecc-meeting' THEN 'WGECC'
        WHEN 'high-level-conference' THEN 'EU–Central Asia High-Level Conference'
        WHEN 'cop' THEN linked_conventions[1] || ' COP' END AS series,
    CASE WHEN kind IN ('wgecc-meeting', 'high-level-conference', 'cop') THEN i + 1 END
        AS ordinal,
    start_date, start_precision,
    CASE WHEN start_precision = 'day' AND rnd(i, 'm.multi') < 0.55
         THEN clamp_day(start_date + 1 + uniform_int(rnd(i, 'm.len'), 4)) END AS end_date,
    CASE WHEN start_precision = 'day' AND rnd(i, 'm.multi') < 0.55 THEN 'day' END
        AS end_precision,
    start_date > $as_of AND rnd(i, 'm.tent') < 0.3 AS tentative,
    CASE WHEN rnd(i, 'm.noplace') >= 0.1 THEN {cities}[place] END AS city,
    CASE WHEN rnd(i, 'm.noplace') >= 0.1 THEN {hosts}[place] END AS host_country,
    nullif({_one_of("rnd(i, 'm.fmt')", FORMATS, (0.6, 0.75, 0.9, 1))}, '-') AS format,
    CASE WHEN start_date > $as_of
         THEN {_one_of("rnd(i, 'm.st')", ("planned", "postponed", "cancelled"), (0.9, 0.96, 1))}
         ELSE {_one_of("rnd(i, 'm.st')", ("held", "postponed", "cancelled"), (0.92, 0.96, 1))}
    END AS status,
    ['Co-chair ' || (hash(i, j, 'm.chair') % 500) for j in range(uniform_int(rnd(i, 'm.nch'), 3))]
        AS chairs,
    pick_list(i, 'm.corg', {_list(vocab["organisations"])}, 2) AS chair_organisations,
    pick_list(i, 'm.org', {_list(vocab["organisations"])}, 2) AS organisers,
    countries, linked_conventions AS conventions, topics,
    CASE WHEN rnd(i, 'm.sum') < 0.7 THEN 'Synthetic record: ' || {titles}[kind]
        || ' with delegations of ' || len(countries) || ' countries on '
        || array_to_string([lower({labels}[list_position({topics}, t)]) for t in topics], ', ')
        || '.' END AS summary,
    'L' AS confidence, ['{SOURCE_PREFIX}' || id] AS sources
FROM dated"""


def _phases_sql(
    count: int, five: list[str], others: list[str], vocab: dict[str, list[str]]
) -> tuple[str, str]:
    """Projects of three phases each, back to back, planned and (up to today) actual."""
    projects = math.ceil(count / 3)
    width, pwidth = _width(count), _width(projects)
    project_id = f"'sp' || lpad(CAST(k AS VARCHAR), {pwidth}, '0')"
    topic_labels = vocab["topic_labels"]
    project_sql = f"""
INSERT INTO projects ({_recorded("projects")})
SELECT {project_id} AS id,
    'Synthetic programme ' || (k + 1) || ': '
        || {_list(topic_labels)}[zipf(rnd(k, 'p.topic'), {len(topic_labels)})] AS name,
    CASE WHEN rnd(k, 'p.donor') < 0.85
         THEN {_list(vocab["organisations"])}[zipf(rnd(k, 'p.d'), {len(vocab["organisations"])})]
    END AS donor,
    'Synthetic programme in three phases.' AS summary,
    ['{SOURCE_PREFIX}' || {project_id}] AS sources
FROM range({projects}) r(k)"""
    phase_sql = f"""
INSERT INTO phases ({_recorded("phases")})
WITH base AS (
    SELECT i, i // 3 AS k, i % 3 + 1 AS phase,
        'sph' || lpad(CAST(i AS VARCHAR), {width}, '0') AS id,
        clamp_day(DATE '2005-01-01' + CAST(uniform_int(rnd(i // 3, 'p.year'), 22) * 365
            + (i % 3) * 1096 + uniform_int(rnd(i, 'p.shift'), 90) AS INTEGER)) AS start,
        365 * 2 + uniform_int(rnd(i, 'p.dur'), 540) AS days,
        rnd(i, 'p.planned') < 0.75 AS has_plan,
        precision_of(rnd(i, 'p.ps')) AS ps, precision_of(rnd(i, 'p.pe')) AS pe,
        precision_of(rnd(i, 'p.as')) AS as_, precision_of(rnd(i, 'p.ae')) AS ae,
        uniform_int(rnd(i, 'p.late'), 180) AS late
    FROM range({count}) r(i)
), actual AS (
    SELECT *, clamp_day(start + late) AS actual_from, clamp_day(start + late + days) AS actual_to,
        (start + late <= $as_of AND rnd(i, 'p.started') < 0.9) OR NOT has_plan AS has_actual
    FROM base
)
SELECT id, 'sp' || lpad(CAST(k AS VARCHAR), {pwidth}, '0') AS project, phase,
    'Programme ' || (k + 1) || ', phase ' || phase AS title,
    pick_list(i, 'p.impl', {_list(vocab["organisations"])}, 3) AS implementers,
    CASE WHEN rnd(i, 'p.budget') < 0.6
         THEN CAST(round(200000 + rnd(i, 'p.amount') * 5000000, -3) AS DECIMAL(18, 2)) END,
    CASE WHEN rnd(i, 'p.budget') < 0.6 THEN 'EUR' END AS currency,
    CASE WHEN has_plan THEN at_precision(start, ps) END, CASE WHEN has_plan THEN ps END,
    CASE WHEN has_plan THEN at_precision(clamp_day(start + days), pe) END,
    CASE WHEN has_plan THEN pe END,
    CASE WHEN has_actual THEN at_precision(actual_from, as_) END,
    CASE WHEN has_actual THEN as_ END,
    CASE WHEN has_actual AND actual_to <= $as_of AND rnd(i, 'p.closed') < 0.9
         THEN at_precision(actual_to, ae) END,
    CASE WHEN has_actual AND actual_to <= $as_of AND rnd(i, 'p.closed') < 0.9 THEN ae END,
    {_countries_sql("p", five, others)} AS countries,
    pick_list(i, 'p.conv', {_list(vocab["conventions"])}, 3) AS conventions,
    list_sort(list_distinct(
        [{_list(vocab["topic_ids"])}[zipf(rnd2(i, 'p.topic', j), {len(vocab["topic_ids"])})]
         for j in range(CAST(zipf(rnd(i, 'p.nt'), 4) AS BIGINT))])) AS topics,
    CASE WHEN rnd(i, 'p.sum') < 0.8 THEN 'Synthetic phase ' || phase || ' of programme '
        || (k + 1) || '.' END AS summary,
    'L' AS confidence, ['{SOURCE_PREFIX}' || id] AS sources
FROM actual"""
    return project_sql, phase_sql


def _commitments_sql(
    count: int, meetings: int, five: list[str], others: list[str], vocab: dict[str, list[str]]
) -> str:
    width, mwidth = _width(count), _width(meetings)
    meeting_id = (
        f"'sm' || lpad(CAST(uniform_int(rnd(i, {{f}}), {meetings}) AS VARCHAR), {mwidth}, '0')"
    )
    if meetings == 0:
        meeting_id = "CAST(NULL AS VARCHAR)"
    topic_ids, topic_labels = _list(vocab["topic_ids"]), _list(vocab["topic_labels"])
    statuses = _one_of(
        "rnd(i, 'c.status')",
        ("proposed", "agreed", "in-progress", "fulfilled", "superseded", "dropped"),
        (0.1, 0.3, 0.55, 0.85, 0.9, 1),
    )
    return f"""
INSERT INTO commitments ({_recorded("commitments")})
WITH base AS (
    SELECT i, 'sc' || lpad(CAST(i AS VARCHAR), {width}, '0') AS id,
        CASE WHEN rnd(i, 'c.at') < 0.8 THEN {meeting_id.format(f="'c.m'")} END AS meeting_ref,
        CASE WHEN rnd(i, 'c.ahead') < 0.2 THEN {meeting_id.format(f="'c.a'")} END AS ahead_ref,
        {meeting_id.format(f="'c.f'")} AS fulfil_ref,
        precision_of(rnd(i, 'c.mp')) AS own_precision, any_day(rnd(i, 'c.day')) AS own_day,
        {_countries_sql("c", five, others)} AS countries,
        pick_list(i, 'c.conv', {_list(vocab["conventions"])}, 3) AS conventions,
        list_sort(list_distinct([{topic_ids}[zipf(rnd2(i, 'c.topic', j), {len(vocab["topic_ids"])})]
            for j in range(CAST(zipf(rnd(i, 'c.nt'), 4) AS BIGINT))])) AS topics,
        pick_list(i, 'c.org', {_list(vocab["organisations"])}, 2) AS organisations,
        CASE WHEN rnd(i, 'c.byall') < 0.4 THEN {_list(sorted(five))}
             WHEN rnd(i, 'c.byall') < 0.7 THEN list_sort(list_distinct(
                 [{_list(five)}[zipf(rnd2(i, 'c.by', j), {len(five)})]
                  for j in range(CAST(zipf(rnd(i, 'c.nby'), 2) AS BIGINT))]))
             ELSE [] END AS by_countries
    FROM range({count}) r(i)
), made AS (
    SELECT b.*, m.id AS meeting,
        coalesce(m.start_date, at_precision(b.own_day, b.own_precision)) AS made_on,
        coalesce(m.start_precision, b.own_precision) AS made_on_precision,
        a.id AS ahead_id, a.start_date AS ahead_start, f.id AS fulfil_id,
        f.start_date AS fulfil_start
    FROM base b
    LEFT JOIN meetings m ON m.id = b.meeting_ref
    LEFT JOIN meetings a ON a.id = b.ahead_ref
    LEFT JOIN meetings f ON f.id = b.fulfil_ref
), judged AS (
    SELECT *,
        CASE WHEN made_on > $as_of
             THEN CASE WHEN rnd(i, 'c.status') < 0.7 THEN 'proposed' ELSE 'agreed' END
             ELSE {statuses} END AS status,
        precision_of(rnd(i, 'c.dp')) AS due_precision_if_any
    FROM made
)
SELECT id,
    {_list(VERBS)}[zipf(rnd(i, 'c.verb'), {len(VERBS)})] || ' '
        || {_list(OBJECTS)}[zipf(rnd(i, 'c.obj'), {len(OBJECTS)})] || ' on '
        || lower({topic_labels}[list_position({topic_ids}, topics[1])])
        || CASE WHEN len(conventions) > 0 THEN ' under ' || conventions[1] ELSE '' END
        || ' (synthetic commitment ' || (i + 1) || ').' AS text,
    CASE WHEN len(organisations) = 0 AND len(by_countries) = 0 THEN ['eu'] ELSE organisations END,
    by_countries, meeting, made_on, made_on_precision, countries, conventions, topics,
    CASE WHEN rnd(i, 'c.due') < 0.55 THEN at_precision(
        clamp_day(made_on + 90 + uniform_int(rnd(i, 'c.dd'), 1700)), due_precision_if_any) END,
    CASE WHEN rnd(i, 'c.due') < 0.55 THEN due_precision_if_any END,
    CASE WHEN ahead_start > made_on THEN ahead_id END AS ahead_of,
    status,
    CASE WHEN status = 'fulfilled' AND rnd(i, 'c.fb') < 0.5 AND fulfil_start >= made_on
         THEN fulfil_id END AS fulfilled_by,
    'L' AS confidence, ['{SOURCE_PREFIX}' || id] AS sources
FROM judged"""


def _followups_sql(meetings: int) -> str:
    """0–3 dated notes per commitment, none after the record's as-of day; the last note of a
    closed commitment records how it closed."""
    mwidth = _width(meetings)
    evidence = (
        f"CASE WHEN rnd2(c.id, 'f.ev', k) < 0.3 THEN 'sm' || lpad(CAST(uniform_int("
        f"rnd2(c.id, 'f.m', k), {meetings}) AS VARCHAR), {mwidth}, '0') END"
        if meetings
        else "CAST(NULL AS VARCHAR)"
    )
    notes = _list(NOTES)
    return f"""
INSERT INTO followups ({_recorded("followups")})
WITH planned AS (
    SELECT c.id, c.made_on, c.status,
        CASE WHEN c.made_on > $as_of THEN 0
             ELSE {_one_of("rnd(c.id, 'f.n')", ("0", "1", "2", "3"), (0.35, 0.65, 0.85, 1))}::INT
        END AS notes,
        30 + uniform_int(rnd(c.id, 'f.step'), 370) AS step
    FROM commitments c
), each AS (
    SELECT id, made_on, status, notes, step, unnest(range(CAST(notes AS BIGINT))) AS k
    FROM planned
), dated AS (
    SELECT c.*, precision_of(rnd2(c.id, 'f.p', k)) AS on_precision,
        c.made_on + CAST((k + 1) * c.step AS INTEGER) AS day
    FROM each c
)
SELECT c.id AS commitment, k + 1 AS seq, at_precision(day, on_precision) AS on_date,
    on_precision,
    {notes}[zipf(rnd2(c.id, 'f.note', k), {len(NOTES)})] || ' (synthetic note ' || (k + 1)
        || ' on ' || c.id || ').' AS note,
    {evidence} AS evidence_meeting,
    CASE WHEN k = notes - 1 AND status IN ('fulfilled', 'superseded', 'dropped') THEN status
         WHEN status <> 'proposed' AND rnd2(c.id, 'f.st', k) < 0.4 THEN 'in-progress'
    END AS status_after,
    ['{SOURCE_PREFIX}' || c.id || '/' || (k + 1)] AS sources
FROM dated c
WHERE day <= $as_of"""


def _vocabulary(data: SeedData) -> dict[str, list[str]]:
    """Bundled identifiers in file order: the first of each file is the most frequent."""
    return {
        "conventions": [str(r["code"]) for r in data.tables["conventions"]],
        "topic_ids": [str(r["id"]) for r in data.tables["topics"]],
        "topic_labels": [str(r["label"]) for r in data.tables["topics"]],
        "organisations": [str(r["id"]) for r in data.tables["organisations"]],
    }


def _write(
    cursor: duckdb.DuckDBPyConnection,
    data: SeedData,
    *,
    meetings: int,
    phases: int,
    commitments: int,
    seed: int,
) -> None:
    """Schema, reference rows from the bundled seed, then every synthetic table in SQL."""
    as_of = date.fromisoformat(data.meta["data_as_of"])
    five, others = _ranked_countries(data)
    vocab = _vocabulary(data)
    schema.create(cursor)
    meta = {
        "data_as_of": as_of.isoformat(),
        "dataset_title": "Synthetic cooptrack record",
        "dataset_description": (
            f"Synthetic data for benchmarks (seed {seed}), not a real record: generated "
            "meetings, project phases and commitments over the real reference lists."
        ),
    }
    insert(cursor, "schema_meta", [{"key": k, "value": v} for k, v in meta.items()])
    for table in REFERENCE_TABLES:
        insert(cursor, table, data.tables[table])
    cursor.execute(_macros(seed))
    project_sql, phase_sql = _phases_sql(phases, five, others, vocab)
    for sql in (
        _meetings_sql(meetings, five, others, vocab),
        project_sql,
        phase_sql,
        _commitments_sql(commitments, meetings, five, others, vocab),
        _followups_sql(meetings),
    ):
        cursor.execute(sql, {"as_of": as_of} if "$as_of" in sql else None)


def generate(
    path: str | os.PathLike[str],
    meetings: int,
    phases: int,
    commitments: int,
    seed: int = 0,
    *,
    force: bool = False,
    seed_dir: Path | None = None,
) -> Counts:
    """Write a synthetic database at `path` (all at once: temp file, then `os.replace`)."""
    for name, value in (("meetings", meetings), ("phases", phases), ("commitments", commitments)):
        if value < 0:
            raise StoreError(f"--{name} must be 0 or more, not {value}")
    target = Path(path)
    if target.is_dir():
        raise StoreError(f"{target} is a folder, not a database file")
    if target.exists() and not force:
        raise StoreError(f"{target} already exists; add --force to replace it")
    data = load_seed(seed_dir or default_seed_dir())

    def fill(connection: duckdb.DuckDBPyConnection) -> Counts:
        _write(
            connection, data, meetings=meetings, phases=phases, commitments=commitments, seed=seed
        )
        return _counts(connection)

    counts = write_new_file(target, fill)
    return counts


def _counts(connection: duckdb.DuckDBPyConnection) -> Counts:
    found = connection.execute(
        """SELECT (SELECT count(*) FROM meetings), (SELECT count(*) FROM projects),
                  (SELECT count(*) FROM phases), (SELECT count(*) FROM commitments),
                  (SELECT count(*) FROM followups)"""
    ).fetchone()
    assert found is not None
    return Counts(*(int(value) for value in found))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.synth",
        description="Write a synthetic cooptrack database of any size (deterministic per seed).",
    )
    parser.add_argument("--meetings", type=int, required=True, metavar="N")
    parser.add_argument("--phases", type=int, required=True, metavar="N")
    parser.add_argument("--commitments", type=int, required=True, metavar="N")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="default: 0")
    parser.add_argument("--db", required=True, metavar="PATH", help="database file to write")
    parser.add_argument("--force", action="store_true", help="replace an existing file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m benchmarks.synth …`; errors exit 2 like the cooptrack command line."""
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    try:
        counts = generate(
            args.db, args.meetings, args.phases, args.commitments, args.seed, force=args.force
        )
    except CooptrackError as error:
        print(f"cooptrack: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cooptrack: interrupted", file=sys.stderr)
        return 130
    print(
        f"wrote {args.db} in {time.perf_counter() - started:.1f} s: {counts.meetings} meetings, "
        f"{counts.projects} projects, {counts.phases} phases, {counts.commitments} commitments, "
        f"{counts.followups} follow-ups",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
