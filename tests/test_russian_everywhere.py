"""Every page in Russian, and not one English word of the interface left on it.

The pages are drawn over a copy of the bundled record in which every record text and every
vocabulary name has a Russian version (Cyrillic only), so that whatever Latin-letter word is
still on a page is either a proper name or code the record holds as such (a city, a chair, an
id, a convention code, a source address) or the interface's own English: the failure lists
those words with the element they are in. Every string of every element is read from the
page's protocol messages (labels, placeholders, help, options, captions, table cells and
column headers, chart titles, axes, legends and hover texts), so no kind of element is missed.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from google.protobuf.json_format import MessageToDict  # type: ignore[import-untyped]
from streamlit.testing.v1 import AppTest
from test_page_sweep import open_app

from cooptrack.db import schema
from cooptrack.db.store import Store
from cooptrack.query.glossary import glossary

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
URL = re.compile(r"https?://\S+|www\.\S+|[\w.-]+\.(?:eu|org|int|com|kz|kg|tj|tm|uz|net|gov)\b\S*")
ICON = re.compile(r":material/[a-z_]+:|:[a-z_]+\[|\]\(|\$\$\S+")
# Link targets inside markdown and plotly's %{…} placeholders are machinery, not words.
MACHINERY = re.compile(
    r"\]\([^)]*\)|%\{[^}]*\}|<[^>]*>|&[a-z]+;|\\[a-z]\b|(?:commitment|meeting)\?id=\S+"
)
# Names and codes a Russian text writes in Latin letters as well.
PROPER = {
    "EU", "UN", "WECOOP", "WGECC", "UNFCCC", "CBD", "UNCCD", "UNECE", "CITES", "CMS", "IATI",
    "COP", "CMA", "CMP", "EN", "CSV", "Excel", "XLSX", "Word", "DOCX", "iCalendar", "ICS",
    "Parquet", "UTF", "BOM", "ISO", "ID", "URL", "OECD", "UNDP", "UNEP", "CAREC", "OSCE",
    "GIZ", "EEAS", "DG", "ENV", "NDC", "NDCs", "SDG", "SDGs", "WECOOP2", "GEF", "GCF",
    "Google", "Microsoft", "Apple", "Outlook", "xlsx", "docx", "ics", "csv", "parquet",
    "English",  # the language switch names each language in its own words
    "Calendar", "cooptrack", "Nexus",
}  # fmt: skip
PAGES = [
    "pages/overview.py",
    "pages/timeline.py",
    "pages/projects.py",
    "pages/commitments.py",
    "pages/countries.py",
    "pages/conventions.py",
    "pages/coverage.py",
    "pages/brief.py",
    "pages/glossary.py",
]
CYRILLIC_TEXT = {
    "meetings": ("title_ru", "short_title_ru", "summary_ru", "series_ru"),
    "projects": ("name_ru", "summary_ru"),
    "phases": ("title_ru", "summary_ru"),
    "commitments": ("text_ru",),
    "followups": ("note_ru",),
    "organisations": ("name_ru", "short_name_ru"),
    "topics": ("label_ru",),
    "conventions": ("name_ru",),
}
# Record values that stay as written (no Russian version exists for them): their words are
# proper names here.
PROPER_COLUMNS = {
    "meetings": ("id", "city", "chairs", "sources"),  # a series has its Russian name
    "phases": ("id", "currency", "sources"),
    "projects": ("id", "sources"),
    "commitments": ("id", "sources"),
    "conventions": ("code", "url", "sources"),
    "organisations": ("id", "sources"),
    "topics": ("id",),
    "countries": ("code", "alpha3"),
}


@pytest.fixture(scope="module")
def russian_db(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled record with a Cyrillic version of every text that can have one (kept where
    the record already has one)."""
    path = tmp_path_factory.mktemp("russian") / "russian.duckdb"
    shutil.copy(bundled_db, path)
    with Store.open(path, read_only=False) as store, store.transaction() as cursor:
        for table, columns in CYRILLIC_TEXT.items():
            for column in columns:
                cursor.execute(
                    f"UPDATE {table} SET {column} = coalesce({column}, 'Русский текст записи')"
                )
        schema.rebuild_facts(cursor)
    return path


# The codes files hold (the glossary shows them beside their names, on purpose).
FILE_CODES = (
    *schema.MEETING_KINDS, *schema.MEETING_FORMATS, *schema.MEETING_STATUSES,
    *schema.COMMITMENT_STATUSES, *schema.ORGANISATION_KINDS, *schema.CONFIDENCES,
)  # fmt: skip


def proper_words(db: Path) -> set[str]:
    """Every Latin word of the record's values that are proper names or codes: the record's
    ids, places and addresses, the terms the glossary explains, and what its Russian texts
    themselves write in Latin letters (SECCA, DG CLIMA, Umweltbundesamt)."""
    words: set[str] = set(PROPER)
    with Store.open(db) as store:
        for term in glossary(store):
            words.update(LATIN_WORD.findall(term.term))
        for table, columns in CYRILLIC_TEXT.items():
            for column in columns:
                for (value,) in store.rows(f"SELECT DISTINCT {column} FROM {table}"):
                    words.update(LATIN_WORD.findall(URL.sub(" ", str(value or ""))))
    with Store.open(db) as store:
        for table, columns in PROPER_COLUMNS.items():
            for column in columns:
                for (value,) in store.rows(f"SELECT DISTINCT {column}::VARCHAR FROM {table}"):
                    words.update(LATIN_WORD.findall(URL.sub(" ", str(value or ""))))
    return words


# Message fields that hold machinery, not words (ids, element kinds, CSS, file names).
SKIPPED_KEYS = {
    "id", "formId", "key", "icon", "url", "pageScriptHash", "data", "type", "tag", "anchor",
    "theme", "style", "cssClass", "mimeType", "fileName", "link", "pageName", "urlPath",
    "columnOrder", "width", "format", "step", "defaultValue", "page", "queryString", "config",
    "deferredFileId",
}  # fmt: skip


def strings_of(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string in a protocol message turned to a dict, with where it is."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in SKIPPED_KEYS:
                continue
            if key == "spec" and isinstance(item, str):  # a plotly figure
                yield from chart_strings(json.loads(item), f"{path}.chart")
            elif key == "columns" and isinstance(item, str) and item.startswith("{"):
                yield from strings_of(json.loads(item), f"{path}.columns")
            else:
                yield from strings_of(item, f"{path}.{key}")
    elif isinstance(value, list):
        for item in value:
            yield from strings_of(item, path)
    elif isinstance(value, str):
        yield path, value


CHART_KEYS = {"text", "title", "name", "hovertemplate", "ticktext", "texttemplate"}


def chart_strings(figure: Any, path: str) -> Iterator[tuple[str, str]]:
    """The words a chart shows: titles, axis titles, legend entries, hover and tick texts."""
    if isinstance(figure, dict):
        for key, item in figure.items():
            if key in {"template", "customdata", "x", "y", "base", "ids", "meta", "uid"}:
                continue
            if key in CHART_KEYS and isinstance(item, str):
                yield f"{path}.{key}", item
            elif key in CHART_KEYS and isinstance(item, list):
                yield from ((f"{path}.{key}", str(v)) for v in item if isinstance(v, str))
            else:
                yield from chart_strings(item, f"{path}.{key}")
    elif isinstance(figure, list):
        for item in figure:
            yield from chart_strings(item, path)


def table_cells(proto: Any) -> Iterator[str]:
    """The text cells of a dataframe element (Arrow IPC bytes in its message)."""
    data = getattr(proto, "data", None) or getattr(getattr(proto, "arrow_data", None), "data", b"")
    if not data:
        return
    table = pa.ipc.open_stream(data).read_all()
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            yield from (v for v in column.to_pylist() if isinstance(v, str))
    yield from (name for name in table.column_names if not name.startswith("__"))


def english_left(at: AppTest, proper: set[str]) -> list[str]:
    found: list[str] = []
    for element in _elements(at):
        proto = element.proto
        texts = list(strings_of(MessageToDict(proto, use_integers_for_enums=True)))
        texts += [("cell", cell) for cell in table_cells(proto)]
        for where, text in texts:
            unescaped = text.replace("\\", "")  # markdown escapes: `https\://…`
            cleaned = ICON.sub(" ", MACHINERY.sub(" ", URL.sub(" ", unescaped)))
            words = [w for w in LATIN_WORD.findall(cleaned) if w not in proper]
            if words:
                found.append(f"{type(element).__name__}{where}: {words[:6]} in {text[:90]!r}")
    return found


def _elements(at: AppTest) -> Iterator[Any]:
    def walk(node: Any) -> Iterator[Any]:
        children = getattr(node, "children", None)
        if isinstance(children, dict):
            for child in children.values():
                yield from walk(child)
        if getattr(node, "proto", None) is not None:
            yield node

    for root in (at.main, at.sidebar):
        yield from walk(root)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_speaks_russian(
    page: str, russian_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_app(russian_db, monkeypatch, page, lang="ru")
    assert not at.exception, [e.value for e in at.exception]
    proper = proper_words(russian_db)
    if page == "pages/glossary.py":  # it shows the codes files hold beside their names
        proper |= {word for code in FILE_CODES for word in LATIN_WORD.findall(code)}
    left = english_left(at, proper)
    assert not left, "\n".join(left[:40])
