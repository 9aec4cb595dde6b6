"""Generated hostile input at the import entry points and the press-release reader.

Every input either becomes a plan or is refused with a CooptrackError; never another exception.
A plan's problems each name a row (or activity) and a column (or element) in a short line. A
refused input, or a plan with problems, leaves the database exactly as it was; a plan without
problems applies without error, its facts equal to the edits. `make fuzz` runs 1,000+ each.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from conftest import SEED_DIR
from hypothesis import event, given
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet.worksheet import Worksheet

from cooptrack.db.schema import KINDS, Kind
from cooptrack.db.store import Store
from cooptrack.errors import CooptrackError, InputError
from cooptrack.ingest import iati, tabular
from cooptrack.ingest.press import reader
from cooptrack.query.export import export_bytes
from cooptrack.query.filters import Filters
from cooptrack.record import edits
from cooptrack.record.seed import load_seed

pytestmark = pytest.mark.fuzz

IATI_FIXTURES = Path(__file__).parent / "fixtures" / "iati"
LONGEST_LINE = 2_000  # a problem or note is one readable line, whatever the input held


@pytest.fixture(scope="module")
def store(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One writable copy of the bundled record for all examples of the module: accepted plans
    are applied, so it grows; each example compares the record before and after itself."""
    path = tmp_path_factory.mktemp("fuzz") / "record.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    with Store.open(path, read_only=False) as opened:
        yield opened


@pytest.fixture(scope="module")
def exported(store: Store) -> dict[str, list[dict[str, str]]]:
    return {
        kind: list(csv.DictReader(io.StringIO(export_bytes(store, kind, Filters()).decode())))
        for kind in KINDS
    }


COUNTED = ("meetings", "phases", "commitments", "organisations", "projects", "followups")


def counts(store: Store, tables: tuple[str, ...]) -> list[int]:
    """Rows in each table, in one query (scalar subqueries take DuckDB long to plan)."""
    union = " UNION ALL ".join(f"SELECT {n}, count(*) FROM {t}" for n, t in enumerate(tables))
    return [count for _, count in store.rows(f"{union} ORDER BY 1")]


def fingerprint(store: Store) -> tuple[int, ...]:
    last = int(store.rows("SELECT coalesce(max(change_id), 0) FROM history")[0][0])
    return (*counts(store, COUNTED), last)


def facts_match(store: Store) -> bool:
    found = counts(store, ("commitments", "commitment_facts", "meetings", "meeting_facts"))
    phases = counts(store, ("phases", "phase_facts"))
    return found[0] == found[1] and found[2] == found[3] and phases[0] == phases[1]


def check_import(store: Store, name: str, content: bytes, kind: Kind | None = None) -> None:
    """The properties every CSV or XLSX file must have, whatever it holds."""
    before = fingerprint(store)
    try:
        plan = tabular.plan(store, name, content, kind=kind)
    except CooptrackError as error:
        event("refused unread")
        assert str(error) and len(str(error)) < LONGEST_LINE
        assert fingerprint(store) == before
        return
    event("planned with problems" if plan.problems else "planned and applied")
    for problem in plan.problems:
        assert isinstance(problem.at, int) and problem.at >= 1
        assert problem.field and problem.reason
        assert len(str(problem)) < LONGEST_LINE
    if plan.problems:
        with pytest.raises(InputError, match="fix them first, nothing was written"):
            tabular.apply(store, "fuzz", plan)
        assert fingerprint(store) == before
        return
    written = tabular.apply(store, "fuzz", plan)
    assert written == len(plan.adds) + len(plan.changes)  # the plan saw what the write does
    assert fingerprint(store)[-1] == before[-1] + written
    assert facts_match(store)


# --- values ------------------------------------------------------------------------------------

HOSTILE_CELLS = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("https://phish.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1",
    "\r=1",
    '"quoted, with comma"',
    "a\x00b",
    "\ufeffbom",
    "HUGE:x",  # markers made huge when the file is written (a huge value is slow to repr)
    "HUGE:a@",
    "HUGE:1 ",
    "<img src=x onerror=alert(1)>",
    "[link](https://phish.example)",
    "https://wecoop.eu/)[Official_EU_record](https://phish.example/login",
    "no public source",
    "NO PUBLIC SOURCE",
    "2021-02-30",
    "２０２１",
    "2021",
    "2021-13",
    "９",
    "1e999",
    "NaN",
    "-0",
    "1234567890123",
    "Kazakhstan; Narnia",
    ";;;;",
    " ; ",
    "\u202eevil",
    "line\nbreak",
    "",
    " ",
]


def huge(value: str, size: int = 60_000) -> str:
    """A marker 'HUGE:<text>' as <text> repeated to about `size` characters."""
    if value.startswith("HUGE:"):
        part = value.removeprefix("HUGE:") or "x"
        return part * (size // len(part))
    return value


CELLS = st.one_of(
    st.sampled_from(HOSTILE_CELLS),
    st.text(max_size=40),
    st.text(alphabet="=+-@;,\"'\t\r\n <>()[]{}%\\`|^:/.a1", max_size=40),
)


def header_names() -> list[str]:
    return sorted(set().union(*tabular.COLUMNS.values()))


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """Columns drawn from the real headers (any case, padded, some repeated or unknown), rows
    of hostile cells, in one of several encodings, sometimes with a BOM."""
    names = draw(st.lists(st.sampled_from([*header_names(), "x", ""]), max_size=25))
    header = [draw(st.sampled_from([n, n.upper(), f" {n} "])) for n in names]
    rows = draw(st.lists(st.lists(CELLS, max_size=len(header) + 2), max_size=6))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=draw(st.sampled_from(["\r\n", "\n", "\r"])))
    writer.writerow(header)
    writer.writerows([[huge(cell) for cell in row] for row in rows])
    text = out.getvalue()
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1251"]))
    return text.encode(encoding, errors="replace")


@st.composite
def edited_exports(
    draw: st.DrawFn, exported: dict[str, list[dict[str, str]]]
) -> tuple[Kind, bytes]:
    """A real export with hostile values in some cells, some rows given new ids (adds)."""
    kind = draw(st.sampled_from(KINDS))
    rows = [dict(row) for row in exported[kind]] or [{}]
    chosen = draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=3))
    for index in chosen:
        row = rows[index]
        for column in draw(st.lists(st.sampled_from(list(row) or ["id"]), max_size=3)):
            row[column] = huge(draw(CELLS))
        if draw(st.booleans()):
            row["id"] = draw(st.sampled_from(["fuzz-new", "fuzz-new-2", "Bad Id", "x" * 400]))
            if "title" in row:
                row["title"] = f"{row['title']} {draw(st.integers(0, 10**6))}"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return kind, out.getvalue().encode()


@given(
    data=st.data(),
    shape=st.sampled_from(["random bytes", "generated columns", "real export with hostile cells"]),
)
def test_csv_files(
    store: Store, exported: dict[str, list[dict[str, str]]], data: st.DataObject, shape: str
) -> None:
    kind: Kind | None = None
    if shape == "random bytes":
        content = data.draw(st.binary(max_size=3_000))
    elif shape == "generated columns":
        content = data.draw(csv_files())
    else:
        drawn, content = data.draw(edited_exports(exported))
        kind = data.draw(st.sampled_from([None, drawn]))
    check_import(store, "file.csv", content, kind=kind)


XLSX_VALUES = st.one_of(
    CELLS.map(lambda text: ILLEGAL_CHARACTERS_RE.sub("", text)),  # what a workbook can hold
    st.none(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(2100, 1, 1)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 1, 1)),
    st.sampled_from(["=1+2", "=NOW()", "=A1", "=cmd|' /C calc'!A0", "=SUM(A1:A3)"]),
)


def expand_huge(sheet: Worksheet) -> None:
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str):
                cell.value = huge(cell.value, 20_000)


@st.composite
def xlsx_files(draw: st.DrawFn, exported: dict[str, list[dict[str, str]]]) -> bytes:
    """A workbook from a real export or from drawn headers, with formulas, numbers for dates,
    merged cells, more sheets (empty or not) or no rows at all."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    kind = draw(st.sampled_from(KINDS))
    real = draw(st.integers(0, 3)) > 0 and bool(exported[kind])
    if real:
        header = list(exported[kind][0])
        rows: list[list[object]] = [list(row.values()) for row in exported[kind][:4]]
    else:
        header = draw(st.lists(st.sampled_from(header_names()), max_size=20))
        rows = []
    for row in rows:
        for index in draw(st.lists(st.integers(0, max(len(row) - 1, 0)), max_size=2)):
            if row:
                row[index] = draw(XLSX_VALUES)
    rows += draw(st.lists(st.lists(XLSX_VALUES, max_size=len(header) + 2), max_size=2))
    if real or draw(st.booleans()):
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    if draw(st.integers(0, 4)) == 0 and sheet.max_row > 1:
        top = draw(st.integers(1, sheet.max_row))
        sheet.merge_cells(start_row=top, start_column=1, end_row=top + 1, end_column=2)
    expand_huge(sheet)
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        extra = book.create_sheet()
        if draw(st.booleans()):
            extra["A1"] = draw(XLSX_VALUES)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@given(data=st.data(), random_bytes=st.integers(0, 4))
def test_xlsx_files(
    store: Store, exported: dict[str, list[dict[str, str]]], data: st.DataObject, random_bytes: int
) -> None:
    if random_bytes == 0:
        content = data.draw(st.binary(max_size=3_000))
    else:
        content = data.draw(xlsx_files(exported))
    check_import(store, "file.xlsx", content)


# --- IATI --------------------------------------------------------------------------------------

IATI_NAMES = [
    "iati-activity",
    "iati-identifier",
    "title",
    "description",
    "narrative",
    "participating-org",
    "activity-date",
    "recipient-country",
    "recipient-region",
    "policy-marker",
    "sector",
    "document-link",
    "budget",
    "value",
    "period-start",
    "related-activity",
    "reporting-org",
]
ATTRIBUTES = ["ref", "role", "type", "iso-date", "code", "vocabulary", "significance", "url"]
ATTRIBUTE_VALUES = st.one_of(
    st.sampled_from(
        ["1", "2", "3", "4", "KZ", "XX", "2021-02-30", "2020-01-01", "https://example.org/x"]
    ),
    st.sampled_from(["HUGE:9", "https://wecoop.eu/)[x](https://phish.example/)"]),
    st.text(max_size=20),
)


def xml_text(value: str) -> str:
    """Text made safe for XML 1.0 (which cannot hold most control characters)."""
    allowed = "".join(c for c in value if c in "\t\n\r" or (c >= " " and c not in "\ufffe\uffff"))
    return escape(allowed)


elements = st.recursive(
    st.builds(xml_text, st.one_of(st.text(max_size=30), st.just("HUGE:Water "))),
    lambda children: st.builds(
        lambda name, attributes, inner: (
            f"<{name}"
            + "".join(f" {k}={quoteattr(xml_text(v))}" for k, v in attributes.items())
            + f">{''.join(inner)}</{name}>"
        ),
        st.sampled_from(IATI_NAMES),
        st.dictionaries(st.sampled_from(ATTRIBUTES), ATTRIBUTE_VALUES, max_size=3),
        st.lists(children, max_size=4),
    ),
    max_leaves=25,
)
PROLOGUES = [
    "",
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>',
    '<!DOCTYPE x SYSTEM "file:///etc/passwd">',
    '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "http://example.org/x">]>',
]
ROOTS = [
    '<iati-activities version="2.03">',
    '<iati-activities version="2.01" xmlns="http://example.org/other">',
    '<iati-activities version="1.05">',
    "<iati-activities>",
    '<rss version="2.03">',
]


@st.composite
def iati_files(draw: st.DrawFn) -> bytes:
    """Mostly IATI-shaped: activities with an identifier and drawn children; sometimes a DTD,
    another root or version, a deep nest or a cut-short file."""
    prologue = draw(st.sampled_from(PROLOGUES)) if draw(st.integers(0, 9)) == 0 else ""
    root = draw(st.sampled_from(ROOTS)) if draw(st.integers(0, 9)) == 0 else ROOTS[0]
    end = "</rss>" if root.startswith("<rss") else "</iati-activities>"
    activities = draw(
        st.lists(
            st.tuples(
                st.sampled_from(["XX-1", "XX-2", "XX-3", "xx 1", "", "HUGE:9"]),
                st.lists(elements, max_size=5),
            ),
            min_size=1,
            max_size=4,
        )
    )
    body = "".join(
        f"<iati-activity><iati-identifier>{xml_text(ident)}</iati-identifier>"
        f'<document-link url="https://example.org/{n}"/>{"".join(children)}</iati-activity>'
        for n, (ident, children) in enumerate(activities)
    )
    if draw(st.integers(0, 9)) == 0:
        body += "<x>" * 100 + "</x>" * 100  # deeper than any IATI file
    if draw(st.integers(0, 9)) == 0:
        body = body[: draw(st.integers(0, len(body)))]  # cut short: not well-formed
    text = f"{prologue}{root}{body}{end}"
    for marker in ("HUGE:9", "HUGE:Water "):  # a 100,000-character attribute or text
        text = text.replace(marker, huge(marker, 100_000))
    return text.encode()


@st.composite
def edited_iati_fixtures(draw: st.DrawFn) -> bytes:
    """A real IATI file with a few attribute values or texts replaced."""
    path = draw(st.sampled_from(sorted(IATI_FIXTURES.glob("*.xml"))))
    text = path.read_text(encoding="utf-8")
    for old in draw(st.lists(st.sampled_from(['"2"', '"1"', '"KZ"', '"EUR"', ">"]), max_size=3)):
        text = text.replace(old, draw(st.sampled_from(['"x"', '"9"', '""', ">\x01", "> &amp;"])), 1)
    return text.encode()


def check_iati(store: Store, content: bytes, source: str | None) -> None:
    before = fingerprint(store)
    try:
        plan = iati.plan(store, "fuzz.xml", content, source=source)
    except CooptrackError as error:
        event("refused unread")
        assert str(error) and len(str(error)) < LONGEST_LINE
        assert fingerprint(store) == before
        return
    event("planned with problems" if plan.problems else "planned and applied")
    for problem in plan.problems:
        assert problem.at and problem.field and problem.reason
        assert len(str(problem)) < LONGEST_LINE
    assert all(len(note) < LONGEST_LINE for note in plan.notes)
    if plan.problems:
        with pytest.raises(InputError, match="fix them first, nothing was written"):
            iati.apply(store, "fuzz", plan)
        assert fingerprint(store) == before
        return
    written = iati.apply(store, "fuzz", plan)
    assert fingerprint(store)[-1] == before[-1] + written
    assert facts_match(store)


@given(
    content=st.one_of(iati_files(), edited_iati_fixtures(), st.binary(max_size=2_000)),
    source=st.sampled_from([None, "https://example.org/r", "x y"]),
)
def test_iati_files(store: Store, content: bytes, source: str | None) -> None:
    check_iati(store, content, source)


# --- press releases ----------------------------------------------------------------------------

FRAGMENTS = [
    "NUR-SULTAN, 15 June 2021 —",
    "The 2nd meeting of the WGECC Coordination Committee was held online.",
    "The 9th WGECC meeting took place in Brussels on 12-13 February 2020.",
    "Participants agreed to prepare common views ahead of COP26.",
    "It was chaired by Mr. John Smith of the European Commission",
    "in the second half of 2021 (tbc)",
    "Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan",
    "КС-26 состоится в Глазго 31 октября – 12 ноября 2021 года.",
    "<p>",
    "</p><script>alert(1)</script>",
    "<!--",
    "&amp;&#x0;&#99999999;",
    "\x00\x01\x1b[31m",
    "\u202e",
    "\n\n\n",
]


@st.composite
def releases(draw: st.DrawFn) -> str:
    parts = draw(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=60)), max_size=12))
    text = " ".join(parts)
    if draw(st.integers(0, 19)) == 0:
        text = (text or "x") * (100_000 // max(len(text), 1))  # large, within the limits
    return text


@pytest.fixture(scope="module")
def context() -> reader.Context:
    return reader.context_from_seed(load_seed(SEED_DIR))


@pytest.mark.timeout(120)
@given(
    text=st.one_of(
        releases(),
        st.text(max_size=500),
        st.binary(max_size=500).map(lambda b: b.decode("utf-8", errors="replace")),
    ),
    published=st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1))),
)
def test_release_texts(context: reader.Context, text: str, published: dt.date | None) -> None:
    try:
        draft = reader.extract(text, context, published, "https://example.org/r")
    except CooptrackError as error:
        assert "at most" in str(error)
        return
    assert len(draft.commitments) <= reader.MAX_CANDIDATES
    data = draft.to_dict()
    assert data["source"] == "https://example.org/r"
    for item in draft.commitments:
        assert item.status in ("agreed", "proposed") and item.evidence
    assert reader.to_text(draft)
    if draft.meeting is not None and draft.meeting.matched_id is not None:
        assert any(m["id"] == draft.meeting.matched_id for m in context.meetings)


def test_the_fuzz_store_still_holds_a_consistent_record(store: Store) -> None:
    """After every generated import: the record exports, its facts match its records, and
    every history line it logged parses."""
    assert facts_match(store)
    for kind in KINDS:
        assert export_bytes(store, kind, Filters()).startswith(b"id,")
    for before, after in store.rows("SELECT before, after FROM history WHERE editor = 'fuzz'"):
        edits.field_changes(before, after)
