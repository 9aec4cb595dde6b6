"""Invariants of the record after any sequence of writes (hypothesis' stateful testing).

Every rule is a write path a user has: the Edit page's saves, deletions, restores and
follow-ups (the same `records` functions, on the dashboard's shared store), CSV, XLSX and IATI
imports, backup and restore, and opening a file of an older schema. After every step:

- every stored `*_facts` table equals what its source view derives, row for row;
- the stored status totals equal a live count;
- every history line has parseable before/after JSON that fits its action;
- references between records hold (a delete never leaves a dangling link);
- a refused write changed nothing;
- and (every few steps, it copies the file) each export equals the export of a copy whose
  facts were rebuilt whole.

`make test` runs a few dozen sequences; `make soak` runs thousands.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
)
from openpyxl import Workbook

from cooptrack.db import backup, schema
from cooptrack.db.schema import KINDS, Kind
from cooptrack.db.store import Store
from cooptrack.errors import CooptrackError
from cooptrack.ingest import iati, tabular
from cooptrack.query.export import export_bytes
from cooptrack.query.filters import Filters
from cooptrack.record import edits
from cooptrack.record.seed import build_database

ROOT = Path(__file__).resolve().parents[1]
IATI_FILES = sorted((ROOT / "tests" / "fixtures" / "iati").glob("*-2.0*.xml"))
BASE_TABLES = ("meetings", "projects", "phases", "commitments", "followups", "history")
_TEMPLATE: dict[str, Path] = {}


def template_db() -> Path:
    """The bundled record, built once per test run and copied for each sequence."""
    if "path" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="cooptrack-invariants-"))
        build_database(ROOT / "data" / "seed", folder / "template.duckdb")
        _TEMPLATE["path"] = folder / "template.duckdb"
    return _TEMPLATE["path"]


# --- what a user types -------------------------------------------------------------------------


def partial_dates() -> st.SearchStrategy[str]:
    """Dates at every precision the record keeps."""
    days = st.dates(date(2005, 1, 1), date(2032, 12, 31)).map(date.isoformat)
    months = st.tuples(st.integers(2005, 2032), st.integers(1, 12)).map(
        lambda ym: f"{ym[0]}-{ym[1]:02d}"
    )
    years = st.integers(2005, 2032).map(str)
    return st.one_of(days, months, years)


words = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() != "" and ";" not in s)


# What a careless or hostile user types into one field; every other field of the same form is
# valid, so that most writes go through and each refusal has one cause.
BROKEN = {
    "start": "2021-02-30",
    "end": "1999",
    "made_on": "2023-13",
    "due": "20x1",
    "planned_start": "tomorrow",
    "actual_end": "2001-01-01",
    "ordinal": "eleventh",
    "phase": "x",
    "host_country": "XX",
    "kind": "summit",
    "status": "done",
    "sources": "ftp://example.org",
    "budget": "-5",
    "currency": "eur",
    "project": "no-such-project",
    "meeting": "no-such-meeting",
    "made_by": "",
    "text": "",
    "title": "",
    "note": "mail me at someone@example.org",
    "evidence_meeting": "no-such-meeting",
    "date": "",
}


def maybe_broken(data: st.DataObject, strings: dict[str, str]) -> dict[str, str]:
    """`strings`, or one of its fields replaced by an invalid value (about one write in six)."""
    fields = [name for name in strings if name in BROKEN]
    broken = data.draw(
        st.one_of(st.none(), st.none(), st.none(), st.none(), st.none(), st.sampled_from(fields))
    )
    return strings if broken is None else {**strings, broken: BROKEN[broken]}


def some(data: st.DataObject, values: list[str], most: int = 3) -> str:
    """A '; '-joined choice of up to `most` of `values` (the list cells of a form)."""
    if not values:
        return ""
    chosen = data.draw(st.lists(st.sampled_from(values), max_size=most, unique=True))
    return ";".join(chosen)


class Invariants(RuleBasedStateMachine):
    """One database file, written through every path, checked after every step."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="cooptrack-sm-"))
        self.path = self.folder / "record.duckdb"
        shutil.copyfile(template_db(), self.path)
        self.store = Store.open_shared(self.path)
        self.steps = 0
        self.counter = 0

    def teardown(self) -> None:
        self.store.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    def ids(self, table: str, column: str = "id") -> list[str]:
        return [str(r[0]) for r in self.store.rows(f"SELECT {column} FROM {table} ORDER BY 1")]

    def fresh_id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-sm-{self.counter}"

    def content(self) -> dict[str, list[str]]:
        """Every recorded table in a comparable form (what a refused write must not touch)."""
        return {
            table: sorted(map(repr, self.store.rows(f"SELECT * FROM {table}")))
            for table in BASE_TABLES
        }

    def attempt(self, write: Callable[[], object]) -> bool:
        """Run one write; a refusal must leave the record exactly as it was."""
        before = self.content()
        try:
            write()
        except CooptrackError as error:
            assert self.content() == before, "a refused write changed the record"
            event(f"refused: {type(error).__name__}")
            return False
        event("written" if self.content() != before else "no change")
        return True

    def current(self, kind: Kind, ident: str) -> edits.Record | None:
        with self.store.cursor() as cursor:
            return edits.fetch(cursor, kind, ident)

    # --- the Edit page ---------------------------------------------------------------------

    @rule(data=st.data(), new=st.booleans())
    def save_meeting(self, data: st.DataObject, new: bool) -> None:
        existing = self.ids("meetings")
        ident = self.fresh_id("m") if new or not existing else data.draw(st.sampled_from(existing))
        expected = self.current("meetings", ident)
        strings = {
            "id": ident,
            "title": data.draw(words) + f" {ident}",
            "short_title": data.draw(words),
            "kind": data.draw(st.sampled_from(schema.MEETING_KINDS)),
            "series": data.draw(st.sampled_from(["", "WGECC", "EU–CA HLC"])),
            "ordinal": data.draw(st.sampled_from(["", "1", "11"])),
            "start": data.draw(partial_dates()),
            "end": data.draw(st.one_of(st.just(""), partial_dates())),
            "tentative": data.draw(st.sampled_from(["true", "false"])),
            "city": data.draw(st.one_of(st.just(""), words)),
            "host_country": data.draw(st.sampled_from(["", "KZ", "BE", "CA"])),
            "format": data.draw(st.sampled_from(["", *schema.MEETING_FORMATS])),
            "status": data.draw(st.sampled_from(schema.MEETING_STATUSES)),
            "chairs": "",
            "chair_organisations": some(data, self.ids("organisations")),
            "organisers": some(data, self.ids("organisations")),
            "countries": some(data, ["KZ", "KG", "TJ", "TM", "UZ", "DE"], 5),
            "conventions": some(data, self.ids("conventions", "code")),
            "topics": some(data, self.ids("topics")),
            "summary": data.draw(st.one_of(st.just(""), words)),
            "confidence": data.draw(st.sampled_from(schema.CONFIDENCES)),
            "sources": data.draw(st.sampled_from(["https://example.org/a", "no public source"])),
        }
        strings = maybe_broken(data, strings)
        self.attempt(lambda: edits.save(self.store, "sm", "meetings", strings, expected=expected))

    @rule(data=st.data(), new=st.booleans())
    def save_phase(self, data: st.DataObject, new: bool) -> None:
        existing = self.ids("phases")
        ident = self.fresh_id("p") if new or not existing else data.draw(st.sampled_from(existing))
        expected = self.current("phases", ident)
        strings = {
            "id": ident,
            "project": data.draw(st.sampled_from(self.ids("projects"))),
            "phase": data.draw(st.sampled_from(["", "1", "4"])),
            "title": data.draw(words),
            "implementers": some(data, self.ids("organisations")),
            "budget": data.draw(st.sampled_from(["", "1000000"])),
            "currency": "EUR",
            "planned_start": data.draw(st.one_of(st.just(""), partial_dates())),
            "planned_end": data.draw(st.one_of(st.just(""), partial_dates())),
            "actual_start": data.draw(st.one_of(st.just(""), partial_dates())),
            "actual_end": data.draw(st.one_of(st.just(""), partial_dates())),
            "countries": some(data, ["KZ", "KG", "TJ", "TM", "UZ"], 5),
            "conventions": some(data, self.ids("conventions", "code")),
            "topics": some(data, self.ids("topics")),
            "summary": data.draw(st.one_of(st.just(""), words)),
            "confidence": data.draw(st.sampled_from(schema.CONFIDENCES)),
            "sources": "https://example.org/phase",
        }
        strings = maybe_broken(data, strings)
        self.attempt(lambda: edits.save(self.store, "sm", "phases", strings, expected=expected))

    @rule(data=st.data(), new=st.booleans())
    def save_commitment(self, data: st.DataObject, new: bool) -> None:
        existing = self.ids("commitments")
        ident = self.fresh_id("c") if new or not existing else data.draw(st.sampled_from(existing))
        expected = self.current("commitments", ident)
        meetings = ["", *self.ids("meetings")]
        strings = {
            "id": ident,
            "text": data.draw(words),
            "made_by": some(data, ["eu", "KZ", "UZ", "TJ"], 3),
            "meeting": data.draw(st.sampled_from(meetings)),
            "made_on": data.draw(st.one_of(st.just(""), partial_dates())),
            "countries": some(data, ["KZ", "KG", "TJ", "TM", "UZ"], 5),
            "conventions": some(data, self.ids("conventions", "code")),
            "topics": some(data, self.ids("topics")),
            "due": data.draw(st.one_of(st.just(""), partial_dates())),
            "ahead_of": data.draw(st.sampled_from(meetings)),
            "status": data.draw(st.sampled_from(schema.COMMITMENT_STATUSES)),
            "fulfilled_by": data.draw(st.sampled_from(meetings)),
            "confidence": data.draw(st.sampled_from(schema.CONFIDENCES)),
            "sources": "https://example.org/commitment",
        }
        strings = maybe_broken(data, strings)
        self.attempt(
            lambda: edits.save(self.store, "sm", "commitments", strings, expected=expected)
        )

    @rule(data=st.data())
    def add_followup(self, data: st.DataObject) -> None:
        existing = self.ids("commitments")
        if not existing:
            return
        ident = data.draw(st.sampled_from(existing))
        expected = self.current("commitments", ident)
        strings = {
            "date": data.draw(partial_dates()),
            "note": data.draw(words),
            "evidence_meeting": data.draw(st.sampled_from(["", *self.ids("meetings")])),
            "status_after": data.draw(st.sampled_from(["", *schema.COMMITMENT_STATUSES])),
            "sources": "https://example.org/followup",
        }
        strings = maybe_broken(data, strings)
        self.attempt(lambda: edits.add_followup(self.store, "sm", ident, strings, expected))

    @rule(data=st.data(), kind=st.sampled_from(KINDS))
    def delete_record(self, data: st.DataObject, kind: Kind) -> None:
        existing = self.ids(kind)
        if not existing:
            return
        ident = data.draw(st.sampled_from(existing))
        expected = self.current(kind, ident)
        self.attempt(lambda: edits.delete(self.store, "sm", kind, ident, expected))

    @rule(data=st.data())
    def restore_deleted(self, data: st.DataObject) -> None:
        gone = edits.deleted(self.store)
        if gone.empty:
            return
        change = int(data.draw(st.sampled_from(list(gone.change_id))))
        self.attempt(lambda: edits.restore(self.store, "sm", change))

    @rule(data=st.data(), conflict=st.booleans())
    def stale_save_is_refused(self, data: st.DataObject, conflict: bool) -> None:
        """A save based on an outdated copy of the record is refused, whole."""
        existing = self.ids("meetings")
        ident = data.draw(st.sampled_from(existing))
        record = self.current("meetings", ident)
        assert record is not None
        strings = edits.to_strings("meetings", record)
        stale = {**record, "city": "somewhere else"} if conflict else record
        saved = self.attempt(
            lambda: edits.save(self.store, "sm", "meetings", strings, expected=stale)
        )
        assert saved is not conflict

    # --- imports ---------------------------------------------------------------------------

    def edited_export(self, data: st.DataObject, kind: Kind) -> bytes:
        """This record's own export of `kind`, a few cells changed and maybe a row copied."""
        rows = list(csv.DictReader(io.StringIO(export_bytes(self.store, kind, Filters()).decode())))
        if not rows:
            return b""
        text_column = {"meetings": "summary", "phases": "summary", "commitments": "text"}[kind]
        for row in data.draw(st.lists(st.sampled_from(rows), max_size=3)):
            row[text_column] = data.draw(words)
        if data.draw(st.booleans()):
            copy = dict(data.draw(st.sampled_from(rows)))
            copy["id"] = self.fresh_id(kind[0])
            if kind == "meetings":
                copy["title"] = f"{copy['title']} {copy['id']}"
            rows.append(copy)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        return out.getvalue().encode()

    @rule(data=st.data(), kind=st.sampled_from(KINDS))
    def import_csv(self, data: st.DataObject, kind: Kind) -> None:
        content = self.edited_export(data, kind)
        self.import_file(f"{kind}.csv", content, kind)

    @rule(data=st.data(), kind=st.sampled_from(KINDS))
    def import_xlsx(self, data: st.DataObject, kind: Kind) -> None:
        rows = list(csv.reader(io.StringIO(self.edited_export(data, kind).decode())))
        book = Workbook()
        sheet = book.active
        assert sheet is not None
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        self.import_file(f"{kind}.xlsx", out.getvalue(), kind)

    def import_file(self, name: str, content: bytes, kind: Kind) -> None:
        def run() -> None:
            plan = tabular.plan(self.store, name, content, kind=kind)
            if plan.problems:
                event("import refused with problems")
            else:
                tabular.apply(self.store, "sm", plan)

        self.attempt(run)

    @precondition(lambda self: bool(IATI_FILES))
    @rule(path=st.sampled_from(IATI_FILES))
    def import_iati(self, path: Path) -> None:
        def run() -> None:
            plan = iati.plan(
                self.store, path.name, path.read_bytes(), source="https://example.org/iati"
            )
            if plan.problems:
                event("IATI import refused with problems")
            else:
                iati.apply(self.store, "sm", plan)

        self.attempt(run)

    # --- files -----------------------------------------------------------------------------

    @rule()
    def backup_and_restore(self) -> None:
        """A backup restored over the file gives back exactly what was backed up."""
        exports = self.exports(self.store)
        folder = backup.backup(self.store, self.folder / f"backup-{self.fresh_id('b')}")
        self.store.close()
        backup.restore(folder, self.path, force=True)
        self.store = Store.open_shared(self.path)
        assert self.exports(self.store) == exports

    @rule()
    def open_an_older_schema(self) -> None:
        """The file as the previous release left it (facts derived in views) opens migrated,
        with the same record."""
        before, exports = self.content(), self.exports(self.store)
        self.store.close()
        with duckdb.connect(str(self.path)) as connection:
            for facts in schema.FACTS:
                connection.execute(f"DROP TABLE {facts}")
                connection.execute(f"CREATE VIEW {facts} AS SELECT * FROM {facts}_source")
            connection.execute("UPDATE schema_meta SET value = '2' WHERE key = 'schema_version'")
        self.store = Store.open_shared(self.path)
        assert self.content() == before
        assert self.exports(self.store) == exports

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def facts_equal_a_full_rebuild(self) -> None:
        """Compared as multisets: row count and the sum of row hashes, stored vs derived."""
        sums = " UNION ALL ".join(
            f"SELECT '{name}', count(*), sum(hash(t)) FROM {name} t"
            for table in (*schema.FACTS, *schema.TOTALS)
            for name in (table, f"{table}_source")
        )
        found = {name: (count, total) for name, count, total in self.store.rows(sums)}
        for table in (*schema.FACTS, *schema.TOTALS):
            assert found[table] == found[f"{table}_source"], self.drift(table)

    def drift(self, table: str) -> str:
        """What a drifted facts table holds that its source does not, and the reverse."""
        source = f"{table}_source"
        extra = self.store.rows(f"SELECT * FROM {table} EXCEPT ALL SELECT * FROM {source} LIMIT 3")
        gone = self.store.rows(f"SELECT * FROM {source} EXCEPT ALL SELECT * FROM {table} LIMIT 3")
        return f"{table} drifted from a full rebuild: extra {extra}, missing {gone}"

    @invariant()
    def history_lines_parse_and_fit_their_action(self) -> None:
        for action, before, after in self.store.rows("SELECT action, before, after FROM history"):
            old = json.loads(before) if before is not None else None
            new = json.loads(after) if after is not None else None
            assert old is None or isinstance(old, dict)
            assert new is None or isinstance(new, dict)
            assert (old is None) == (action in ("add", "restore"))
            assert (new is None) == (action == "delete")
            assert edits.field_changes(before, after) is not None

    @invariant()
    def links_point_to_records_that_exist(self) -> None:
        dangling = self.store.rows(
            """SELECT 'commitment meeting', id FROM commitments
                WHERE meeting IS NOT NULL AND meeting NOT IN (SELECT id FROM meetings)
               UNION ALL SELECT 'ahead_of', id FROM commitments
                WHERE ahead_of IS NOT NULL AND ahead_of NOT IN (SELECT id FROM meetings)
               UNION ALL SELECT 'fulfilled_by', id FROM commitments
                WHERE fulfilled_by IS NOT NULL AND fulfilled_by NOT IN (SELECT id FROM meetings)
               UNION ALL SELECT 'follow-up', commitment FROM followups
                WHERE commitment NOT IN (SELECT id FROM commitments)
               UNION ALL SELECT 'evidence', commitment FROM followups
                WHERE evidence_meeting IS NOT NULL
                  AND evidence_meeting NOT IN (SELECT id FROM meetings)
               UNION ALL SELECT 'phase project', id FROM phases
                WHERE project NOT IN (SELECT id FROM projects)"""
        )
        assert dangling == []

    @invariant()
    def exports_equal_those_of_a_rebuilt_copy(self) -> None:
        self.steps += 1
        if self.steps % 3:
            return  # copying the file every step would triple the run's time
        copy = self.folder / "rebuilt.duckdb"
        shutil.copyfile(self.path, copy)
        with duckdb.connect(str(copy)) as connection:
            schema.rebuild_facts(connection)
        with Store.open(copy) as rebuilt:
            assert self.exports(self.store) == self.exports(rebuilt)
        copy.unlink()

    @staticmethod
    def exports(store: Store) -> dict[str, bytes]:
        return {kind: export_bytes(store, kind, Filters()) for kind in KINDS}


# The ci profile's 200 examples become 20 sequences of 15 writes (300 steps); soak's 5,000
# become 500 sequences (7,500 steps).
Invariants.TestCase.settings = settings(
    settings.default,
    stateful_step_count=15,
    max_examples=max(20, settings().max_examples // 10),  # settings(): the loaded profile
)
test_write_invariants = pytest.mark.soak(Invariants.TestCase)
