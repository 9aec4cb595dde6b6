"""Hostile values at every option of the command line, generated: the answer is always status 0,
or status 2 with one line `cooptrack: error: …`; never a traceback, never a changed database.

`make fuzz` (HYPOTHESIS_PROFILE=fuzz) runs 1,000 examples per entry point; `make test` fewer.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cooptrack.cli import MAX_ARGUMENT_CHARS, main

pytestmark = pytest.mark.fuzz
# capsysbinary is read after every example, so sharing it between examples is safe.
shared_fixtures = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])

SPECIAL_TEXT = [
    "",
    " ",
    "\t",
    "--",
    "-",
    "-h",
    "--help",
    "=",
    "=cmd|' /C calc'!A0",
    "KZ",
    "kaz",
    "CA",
    "XCA",
    "Central Asia",
    "CBD",
    "climate",
    "eu",
    "2021",
    "2021-02",
    "2021-02-30",
    "0000",
    "２０２１",
    "\u0662\u0660\u0662\u0661",
    "2021\n",
    "'; DROP TABLE meetings; --",
    "[x](https://elsewhere.example)",
    "<script>alert(1)</script>",
    "K\x00Z",
    "\x1b[31m",
    "\udcff",
    "a\u202eb",
    "..",
    "/",
    "~",
    "%s%n",
    "{where}",
]
# Printable text reaches the lookups and the database; the other kinds test the gate before.
printable = st.text(st.characters(exclude_categories=["Cc", "Cs"]), max_size=40)
odd_characters = st.text(st.characters(categories=["Cc", "Cs", "Zs", "Nd", "Cf"]), max_size=12)
huge = st.builds(
    lambda part, times: part * times, st.sampled_from(["word ", "K", "é"]), st.integers(0, 250_000)
)
hostile_text = st.one_of(
    printable, st.sampled_from(SPECIAL_TEXT), st.text(max_size=40), odd_characters, huge
)
EXPORT_OPTIONS = [
    "--country",
    "--convention",
    "--topic",
    "--organisation",
    "--from",
    "--to",
    "--search",
    "-o",
]


def option(name: str, value: str) -> list[str]:
    return [f"{name}={value}"] if name.startswith("--") and value.startswith("-") else [name, value]


@st.composite
def export_arguments(draw: st.DrawFn, db: str) -> list[str]:
    usual = draw(st.integers(0, 9)) > 0  # mostly a real kind, so that the options are reached
    kind = draw(st.sampled_from(["meetings", "phases", "commitments"]) if usual else hostile_text)
    arguments = ["export", kind]
    for _ in range(draw(st.integers(0, 3))):
        name = draw(st.sampled_from(EXPORT_OPTIONS))
        values = st.one_of(st.sampled_from(SPECIAL_TEXT), printable, hostile_text)
        arguments += option(name, draw(output_path if name == "-o" else values))
    position = draw(st.integers(2, len(arguments)))
    return [*arguments[:position], "--db", db, *arguments[position:]]


# Paths stay inside the test's own folder: no absolute paths, no `..`.
relative_name = st.text(
    st.characters(exclude_characters="/", exclude_categories=["Cs"]), min_size=1, max_size=30
).filter(lambda name: name not in (".", ".."))
SPECIAL_PATHS = [
    *("folder", "pipe", "link", "afile", "afile/below", "folder/new.csv", "missing/a/b", "it's"),
    *("a*b", "[ab]", "back\\slash", "x" * 300, "é" * 200, "record.duckdb", "."),
]
output_path = st.one_of(
    st.sampled_from(SPECIAL_PATHS),
    relative_name,
    st.builds("/".join, st.lists(relative_name, min_size=2, max_size=3)),
    hostile_text.filter(lambda text: not text.startswith(("/", "~")) and ".." not in text),
)


def database_state(path: Path) -> tuple[int, int, int]:
    found = path.stat()
    return found.st_ino, found.st_size, found.st_mtime_ns


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def workplace(fixture_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder of awkward things to write onto, the current directory; yields the database,
    whose bytes must be the same at the end."""
    db = tmp_path / "record.duckdb"
    shutil.copyfile(fixture_db, db)
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "inside.txt").write_text("keep")
    (tmp_path / "afile").write_text("keep")
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link").symlink_to(tmp_path / "afile")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COOPTRACK_DB", "")
    before = digest(db)
    yield db
    assert digest(db) == before
    assert (tmp_path / "link").is_symlink() and (tmp_path / "pipe").is_fifo()
    assert (tmp_path / "folder" / "inside.txt").read_text() == "keep"


def check(capsysbinary: pytest.CaptureFixture[bytes], arguments: list[str], db: Path) -> int:
    """Run one command line in-process and hold it to the CLI's promise."""
    before = database_state(db)
    code = main(arguments)  # any exception but SystemExit(0/2) fails the test
    _, err = capsysbinary.readouterr()
    text = err.decode("utf-8", "backslashreplace")
    assert code in (0, 2), (arguments[:6], text)
    if code == 2:
        assert text.startswith("cooptrack: error: ") and text.count("\n") == 1, text[:300]
        assert len(text) < 3 * MAX_ARGUMENT_CHARS  # a message may name a path twice
    assert "Traceback" not in text
    assert database_state(db) == before
    event(f"status {code}: {' '.join(text.split()[2:5]) if code else 'ok'}")
    return code


@shared_fixtures
@given(data=st.data())
def test_export_with_any_options(
    capsysbinary: pytest.CaptureFixture[bytes], workplace: Path, data: st.DataObject
) -> None:
    check(capsysbinary, data.draw(export_arguments(str(workplace))), workplace)


@shared_fixtures
@given(
    # A usable new name makes a real backup (50 ms each): a quarter of the examples.
    folder=st.one_of(
        st.sampled_from(SPECIAL_PATHS), st.sampled_from(SPECIAL_TEXT), odd_characters, huge
    )
    | st.text(max_size=20)
)
def test_backup_into_any_folder(
    capsysbinary: pytest.CaptureFixture[bytes], workplace: Path, folder: str
) -> None:
    arguments = ["backup", "--db", str(workplace), "--", folder]
    if check(capsysbinary, arguments, workplace) == 0:
        assert (Path(folder) / "cooptrack-backup.txt").is_file()
        shutil.rmtree(folder)  # keeps later examples' folders new


@pytest.fixture
def real_backup(capsysbinary: pytest.CaptureFixture[bytes], workplace: Path) -> str:
    assert main(["backup", "good-backup", "--db", str(workplace)]) == 0
    capsysbinary.readouterr()
    return "good-backup"


@shared_fixtures
@given(data=st.data())
def test_restore_from_any_folder_onto_any_path(
    capsysbinary: pytest.CaptureFixture[bytes],
    workplace: Path,
    real_backup: str,
    data: st.DataObject,
) -> None:
    folder = data.draw(st.one_of(st.just(real_backup), output_path, hostile_text))
    target = data.draw(st.one_of(st.sampled_from(SPECIAL_PATHS), output_path))
    force = data.draw(st.booleans()) and target != workplace.name
    arguments = ["restore", *option("--db", target), *(["--force"] * force), "--", folder]
    if check(capsysbinary, arguments, workplace) == 0:
        assert folder == real_backup and Path(target).is_file()
        Path(target).unlink()
        if target == "afile":
            Path(target).write_text("keep")


@shared_fixtures
@given(published=hostile_text, source=st.none() | hostile_text)
def test_extract_with_any_publication_date_and_source(
    capsysbinary: pytest.CaptureFixture[bytes], workplace: Path, published: str, source: str | None
) -> None:
    release = Path("release.txt")
    if not release.exists():
        release.write_text(
            "The 11th WGECC meeting was held in Tashkent on 5 May 2025. "
            "The European Union agreed to support Kazakhstan on water.",
            encoding="utf-8",
        )
    arguments = ["extract", str(release), "--db", str(workplace), *option("--published", published)]
    if source is not None:
        arguments += option("--source", source)
    check(capsysbinary, arguments, workplace)


@shared_fixtures
@given(path=st.one_of(output_path, hostile_text), dry_run=st.booleans())
def test_import_any_path(
    capsysbinary: pytest.CaptureFixture[bytes], workplace: Path, path: str, dry_run: bool
) -> None:
    arguments = ["import", "--db", str(workplace), *(["--dry-run"] * dry_run), "--", path]
    check(capsysbinary, arguments, workplace)
