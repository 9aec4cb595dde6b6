"""The core's outputs in Russian: a brief (and its Word file), the glossary, the coverage report,
calendars, workbooks, error messages and `cooptrack … --lang ru`; English stays as it was.

Built on tests/fixtures/seed with Russian versions added to a few records (and left out of
others, which then show the English text with its marker). Expected words are read from the
catalog under the same language and checked to differ from their English source.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from icalendar import Calendar

from cooptrack import cli, config
from cooptrack.db.schema import RUSSIAN_COLUMNS
from cooptrack.db.store import Store
from cooptrack.errors import ConfigError, EditConflict, Problem
from cooptrack.i18n import ENGLISH_MARKER, _, ngettext, pgettext, use_language
from cooptrack.query import calendar, codes, coverage, glossary
from cooptrack.query.brief import brief
from cooptrack.query.brief_document import brief_docx
from cooptrack.query.export import export_bytes
from cooptrack.query.filters import Filters
from cooptrack.record.seed import build_database

TODAY = date(2026, 11, 28)
FIXTURE_SEED = Path(__file__).parent / "fixtures" / "seed"
# Russian versions written into the copied seed: (file, id) -> {column: text}.
RUSSIAN = {
    ("meetings", "m-a"): {"title_ru": "Встреча «Альфа»", "short_title_ru": "Альфа"},
    ("meetings", "m-c"): {"short_title_ru": "КС «Гамма»"},
    ("commitments", "c-1"): {"text_ru": "Провести сессию с участием экспертов"},
    ("conventions", "CBD"): {"name_ru": "Конвенция о биологическом разнообразии"},
}


def russian(message: str, context: str | None = None) -> str:
    """`message` as the Russian catalog has it; fails when it is not translated."""
    with use_language("ru"):
        found = pgettext(context, message) if context else _(message)
    assert found != message, f"{message!r} has no Russian translation"
    return found


def with_russian(seed: Path) -> None:
    """Add the RUSSIAN columns to the copied seed files (the import's optional columns)."""
    for table in {table for table, _ident in RUSSIAN}:
        path = seed / f"{table}.csv"
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows, names = list(reader), list(reader.fieldnames or [])
        key = "code" if "code" in names else "id"
        wanted = {c for (t, _i), cols in RUSSIAN.items() if t == table for c in cols}
        extra = [c for c in RUSSIAN_COLUMNS[table] if c in wanted]  # in the order seeds take
        for row in rows:
            row.update({c: RUSSIAN.get((table, row[key]), {}).get(c, "") for c in extra})
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, [*names, *extra])
            writer.writeheader()
            writer.writerows(rows)


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("russian")
    shutil.copytree(FIXTURE_SEED, folder / "seed")
    with_russian(folder / "seed")
    build_database(folder / "seed", folder / "record.duckdb")
    return folder / "record.duckdb"


@pytest.fixture(scope="module")
def store(records: Path) -> Iterator[Store]:
    with Store.open(records) as opened:
        yield opened


def docx_text(content: bytes) -> tuple[list[str], str]:
    document = docx.Document(io.BytesIO(content))
    headings = [
        p.text for p in document.paragraphs if "Heading" in str(getattr(p.style, "name", ""))
    ]
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return headings, "\n".join([p.text for p in document.paragraphs] + cells)


def test_a_brief_in_russian_shows_russian_texts_and_marks_english_ones(store: Store) -> None:
    with use_language("ru"):
        made = brief(store, "m-a", TODAY)
        content = brief_docx(made)
        kind = codes.kind_name("wgecc-meeting")
    assert made.meeting.title == RUSSIAN["meetings", "m-a"]["title_ru"]
    assert made.meeting.kind == kind != "WGECC meeting"
    texts = {c.id: c.text for c in made.committed.shown}
    assert texts["c-1"] == RUSSIAN["commitments", "c-1"]["text_ru"]
    assert texts["c-2"] == "Agree common views" + ENGLISH_MARKER
    assert made.convention_names["CBD"] == RUSSIAN["conventions", "CBD"]["name_ru"]
    headings, text = docx_text(content)
    assert docx.Document(io.BytesIO(content)).core_properties.title == russian(
        "Briefing: {title}"
    ).format(title=made.meeting.title)
    assert (
        russian("Committed at this meeting and the earlier ones of its series ({total})").format(
            total=made.committed.total
        )
        in headings
    )
    assert russian("fulfilled", "commitment status") in text
    assert russian("Latest follow-up") in text and "Latest follow-up" not in text
    assert f"CBD ({RUSSIAN['conventions', 'CBD']['name_ru']})" in text
    english = brief(store, "m-a", TODAY)
    assert english.meeting.title.startswith("Alpha meeting") and english.meeting.kind == (
        "WGECC meeting"
    )
    assert "Latest follow-up" in docx_text(brief_docx(english))[1]


def test_the_glossary_explains_in_russian(store: Store) -> None:
    with use_language("ru"):
        terms = {t.term: t for t in glossary.glossary(store)}
        kinds = glossary.kind_meanings()
    assert terms["WGECC"].meaning == russian(
        "EU–Central Asia Working Group on Environment and Climate Change"
    )
    assert terms["WGECC"].group == russian("Meetings and bodies")
    assert terms["CBD"].meaning == RUSSIAN["conventions", "CBD"]["name_ru"]
    assert terms["CBD"].group == russian("Conventions")
    assert terms["UNFCCC"].meaning == "United Nations Framework Convention on Climate Change"
    assert kinds["cop"] == russian("COP / meeting of parties", "meeting kind")
    english = {t.term: t for t in glossary.glossary(store)}
    assert english["CBD"].meaning == "Convention on Biological Diversity"
    assert english["WGECC"].group == "Meetings and bodies"


def test_the_coverage_report_in_russian(store: Store) -> None:
    with use_language("ru"):
        report = coverage.coverage(store)
        text = coverage.as_text(report)
        meetings = ngettext("{n} meeting", "{n} meetings", 3).format(n=3)
    labels = {(i.record, i.field): i.label for i in report.imprecise}
    assert labels["m-c", "start"] == RUSSIAN["meetings", "m-c"]["short_title_ru"]
    assert labels["m-b", "start"] == "Beta" + ENGLISH_MARKER
    assert meetings in text and meetings != "3 meetings"
    assert (
        russian("dates known only to the month or the year ({total}):").format(
            total=report.imprecise_total
        )
        in text
    )
    assert "dates known only to the month" in coverage.as_text(coverage.coverage(store))


def left_out(parsed: Calendar) -> str:
    """The X- property as written (icalendar leaves an unknown property's commas escaped)."""
    return str(parsed[calendar.LEFT_OUT_PROPERTY]).replace("\\,", ",")


def test_a_calendar_in_russian(store: Store) -> None:
    with use_language("ru"):
        content, found = calendar.calendar_bytes(store, "meetings", Filters(), TODAY)
        held = codes.meeting_status_name("held")
    parsed = Calendar.from_ical(content)
    events = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    alpha = events["meeting-m-a@cooptrack"]
    assert str(alpha["summary"]) == RUSSIAN["meetings", "m-a"]["title_ru"]
    assert russian("Status: {status}").format(status=held) in str(alpha["description"])
    assert str(parsed["x-wr-calname"]) == russian("cooptrack meetings")
    with use_language("ru"):
        note = ngettext(
            "{count} meeting known only to the month or year is left out: a calendar entry "
            "needs a day, and cooptrack does not invent one",
            "{count} meetings known only to the month or year are left out: a calendar "
            "entry needs a day, and cooptrack does not invent one",
            found.left_out,
        ).format(count=found.left_out)
    assert found.left_out == 2 and left_out(parsed) == note
    english = Calendar.from_ical(calendar.calendar_bytes(store, "meetings", Filters(), TODAY)[0])
    assert str(english["x-wr-calname"]) == "cooptrack meetings"


def test_a_workbook_in_russian_keeps_the_column_names_and_notes_their_meaning(
    store: Store,
) -> None:
    with use_language("ru"):
        content = export_bytes(store, "meetings", Filters(), today=TODAY, form="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(content)).worksheets[0]
    english = openpyxl.load_workbook(
        io.BytesIO(export_bytes(store, "meetings", Filters(), today=TODAY, form="xlsx"))
    ).worksheets[0]
    assert sheet.title == russian("meetings", "sheet") and english.title == "meetings"
    header = [c.value for c in sheet[1]]
    assert header == [c.value for c in english[1]]  # what an import reads, in any language
    notes = {c.value: c.comment.text for c in sheet[1] if c.comment is not None}
    assert notes["title"] == russian("Title") and notes["host_country"] == russian("Host country")
    assert {c.value: c.comment.text for c in english[1] if c.comment}["title"] == "Title"


def test_errors_a_dashboard_user_meets_are_in_russian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPTRACK_TODAY", "soon")
    with use_language("ru"):
        conflict = str(EditConflict("m-a", [("title", "a", "b")]))
        problem = str(Problem(3, "start", "не дата"))
        with pytest.raises(ConfigError) as refused:
            config.today()
    message = russian(
        "{record} was changed by someone else since you opened it ({fields}); nothing was "
        "saved. Review their change and edit again."
    )
    assert conflict == message.format(record="m-a", fields="title")
    assert problem == russian("row {row}, column {column}").format(row=3, column="'start'") + (
        ": не дата"
    )
    assert str(refused.value).startswith("COOPTRACK_TODAY='soon' — ")
    assert str(Problem(3, "start", "x")) == "row 3, column 'start': x"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_writes_in_the_language_asked(
    capsys: pytest.CaptureFixture[str], records: Path, store: Store, tmp_path: Path
) -> None:
    """`--lang ru` reaches what each command writes: the export's label columns (the same rows
    and columns), the brief, the coverage report."""
    db = ["--db", str(records)]
    code, english, _err = run(capsys, "export", "commitments", "--today", "2026-11-28", *db)
    assert code == 0
    code, russian_csv, _err = run(
        capsys, "export", "commitments", "--today", "2026-11-28", "--lang", "ru", *db
    )
    assert code == 0
    rows_en = list(csv.DictReader(io.StringIO(english)))
    rows_ru = list(csv.DictReader(io.StringIO(russian_csv)))
    assert [r["id"] for r in rows_en] == [r["id"] for r in rows_ru]  # same rows and columns
    kazakhstan = store.rows("SELECT name_ru FROM countries WHERE code = 'KZ'")[0][0]
    assert kazakhstan and kazakhstan != "Kazakhstan"
    assert any(kazakhstan in r["countries"] for r in rows_ru)
    assert not any(kazakhstan in r["countries"] for r in rows_en)
    target = tmp_path / "brief.docx"
    code, _out, _err = run(capsys, "brief", "m-a", "-o", str(target), "--lang", "ru", *db)
    assert code == 0
    title = RUSSIAN["meetings", "m-a"]["title_ru"]
    assert docx_text(target.read_bytes())[1].startswith(
        russian("Briefing: {title}").format(title=title)
    )
    code, out, _err = run(capsys, "coverage", "--lang", "ru", *db)
    series = "series: numbers present | gaps | before the first | unnumbered | first – last"
    assert code == 0 and russian(series) in out and series not in out


def test_an_unknown_language_is_refused_and_nothing_is_written(
    capsys: pytest.CaptureFixture[str], records: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.csv"
    for command in (["export", "meetings", "-o", str(target)], ["coverage"], ["brief", "m-a"]):
        code, out, err = run(capsys, *command, "--lang", "xx", "--db", str(records))
        assert code == 2 and out == ""
        assert "argument --lang: invalid choice: 'xx' (choose from en, ru)" in err.replace(
            "'en', 'ru'", "en, ru"
        )
    assert not target.exists() and not list(tmp_path.iterdir())
