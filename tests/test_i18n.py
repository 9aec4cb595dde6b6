"""The translation layer: catalogs complete and well-formed, languages per run, locale formats."""

from __future__ import annotations

import os
import shutil
import threading
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from cooptrack import i18n
from cooptrack.dates import span_label
from cooptrack.i18n import _, language_of, money, number, use_language
from tools import catalogs


def test_every_message_in_the_code_is_translated_with_its_placeholders() -> None:
    """A new `_()` without a Russian translation, or a translation that drops or renames a
    `{placeholder}` (a KeyError at run time), fails here: `make messages`, then translate."""
    assert catalogs.problems() == []


def test_the_checker_finds_a_missing_translation_and_a_broken_placeholder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalogs, "LOCALES", tmp_path)
    shutil.copytree(catalogs.PACKAGE / "locales", tmp_path, dirs_exist_ok=True)
    po = catalogs.po_path("ru", "core")
    text = po.read_text(encoding="utf-8")
    broken = text.replace('msgstr "{date} (уточняется)"', 'msgstr "{дата} (уточняется)"')
    broken = broken.replace('msgstr "неизвестно"', 'msgstr ""')
    assert broken != text
    po.write_text(broken, encoding="utf-8")
    found = "\n".join(catalogs.problems())
    assert "untranslated 'unknown'" in found
    assert "placeholders differ in '{date} (tbc)'" in found


@pytest.mark.parametrize(
    ("value", "expected"),
    [("ru", "ru"), ("RU", "ru"), ("ru-KZ", "ru"), ("ru_RU", "ru"), ("en-GB", "en"),
     (" en ", "en"), ("kk", None), ("", None), (None, None), (["ru"], None)],
)  # fmt: skip
def test_a_language_is_read_from_links_and_browsers(value: object, expected: str | None) -> None:
    assert language_of(value) == expected


def test_each_thread_speaks_its_own_language() -> None:
    """Streamlit draws sessions in threads at once: one Russian run must not turn another's
    words Russian."""
    seen: dict[str, list[str]] = {"en": [], "ru": []}

    def run(language: i18n.Language) -> None:
        i18n.set_language(language)
        for _round in range(50):
            seen[language].append(_("Overview"))
            time.sleep(0.0005)

    threads = [threading.Thread(target=run, args=(lang,)) for lang in ("en", "ru")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(seen["en"]) == {"Overview"}
    assert set(seen["ru"]) == {"Обзор"}
    assert i18n.current() == "en"  # this thread was never switched


def test_dates_and_numbers_are_written_the_russian_way() -> None:
    with use_language("ru"):
        assert span_label(date(2020, 2, 12), "day", date(2020, 2, 13), "day") == (
            "12–13 февраля 2020"
        )
        assert span_label(date(2009, 11, 1), "month") == "ноябрь 2009"
        assert span_label(date(2021, 10, 31), "day", date(2021, 11, 13), "day") == (
            "31 октября – 13 ноября 2021"
        )
        assert number(1998000) == "1\u00a0998\u00a0000"
        assert money(Decimal("1998000.00"), "EUR") == "1\u00a0998\u00a0000\u00a0EUR"
    assert span_label(date(2020, 2, 12), "day", date(2020, 2, 13), "day") == "12–13 Feb 2020"
    assert number(1998000) == "1,998,000"
    assert money(None, "EUR") == ""


def test_a_catalog_edited_after_compiling_is_read_from_its_po(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A stale .mo (an edited .po, not yet compiled) must not win: the .po is compiled in
    memory; and without any .mo (an installed wheel) the .po is used too."""
    folder = tmp_path / "ru" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    po = folder / "core.po"
    po.write_text('msgid ""\nmsgstr ""\n"Language: ru\\n"\n\nmsgid "Overview"\nmsgstr "Старое"\n')
    (folder / "core.mo").write_bytes(i18n.compiled_po(po).read())
    os.utime(folder / "core.mo", (1, 1))
    po.write_text(po.read_text().replace("Старое", "Новое"))
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    i18n._catalog.cache_clear()
    try:
        with use_language("ru"):
            assert _("Overview") == "Новое"
            assert _("a message nobody translated") == "a message nobody translated"
    finally:
        i18n._catalog.cache_clear()
