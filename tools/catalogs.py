"""The translation catalogs: extract the interface's messages, update, check and compile them.

    python -m tools.catalogs update [DOMAIN...]  # new messages into the .po (translations kept)
    python -m tools.catalogs check [DOMAIN...]   # every message translated, placeholders intact
    python -m tools.catalogs compile   # .po -> .mo (make does this before run and test)
    python -m tools.catalogs merge DOMAIN --from ru.json  # translations from a JSON file

Messages are found by Babel's extractor in calls to `_`, `N_`, `ngettext` and `pgettext`
(`cooptrack.i18n`). Each part of the code has its own catalog (a domain), so that people
translating different parts never edit the same file; at run time they are merged.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from cooptrack.i18n import DOMAINS

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "cooptrack"
LOCALES = PACKAGE / "locales"
TRANSLATED = ("ru",)
# Which files each catalog holds; a file in none of the lists belongs to "core" if it is in the
# package, and is not extracted otherwise.
# Each catalog is one translator's: the pages, the editing pages, the record's layers (db,
# record, ingest), the queries that build tables, and the rest of the core (figures, exports,
# briefs, the CLI, dates).
EDIT_FILES = {
    "pages/edit.py",
    "src/cooptrack/ui/editing.py",
    "src/cooptrack/ui/forms.py",
    "src/cooptrack/ui/bulk.py",
    "src/cooptrack/ui/assistant.py",
    "src/cooptrack/ui/auth.py",
}
QUERY_FILES = {
    f"src/cooptrack/query/{name}.py"
    for name in (
        "meetings",
        "commitments",
        "phases",
        "profiles",
        "detail",
        "export",
        "filters",
        "choices",
    )
}
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)?[^{}]*\}")


def domain_of(relative: str) -> str | None:
    """The catalog a source file's messages go to (paths relative to the repository)."""
    if relative in EDIT_FILES:
        return "edit"
    if relative in QUERY_FILES:
        return "queries"
    if relative == "app.py" or relative.startswith(("pages/", "src/cooptrack/ui/")):
        return "pages"
    if relative.startswith(("src/cooptrack/db/", "src/cooptrack/record/", "src/cooptrack/ingest/")):
        return "record"
    if relative.startswith("src/cooptrack/"):
        return "core"
    return None


def sources() -> Iterator[tuple[str, Path]]:
    for path in sorted([ROOT / "app.py", *ROOT.glob("pages/*.py"), *PACKAGE.rglob("*.py")]):
        relative = path.relative_to(ROOT).as_posix()
        if (domain := domain_of(relative)) is not None:
            yield domain, path


def extracted() -> dict[str, Catalog]:
    """A template catalog per domain: every message in the code, with where it is used."""
    templates = {domain: Catalog(domain=domain) for domain in DOMAINS}
    for domain, path in sources():
        relative = path.relative_to(ROOT).as_posix()
        for line, message, comments, context in extract_from_file(
            "python", str(path), keywords=DEFAULT_KEYWORDS, comment_tags=("TRANSLATORS:",)
        ):
            templates[domain].add(
                message,
                locations=[(relative, line)],
                auto_comments=comments,
                context=context,
            )
    return templates


def po_path(language: str, domain: str) -> Path:
    return LOCALES / language / "LC_MESSAGES" / f"{domain}.po"


def read(path: Path, language: str, domain: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, domain=domain)
    with path.open("rb") as source:
        return read_po(source, locale=language, domain=domain)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """One writer of a catalog at a time (several people may translate at once)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (path.parent / f".{path.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _write(path: Path, catalog: Catalog) -> None:
    with path.open("wb") as target:
        write_po(target, catalog, width=100, ignore_obsolete=True, omit_header=False)


def _updated(path: Path, language: str, domain: str, template: Catalog) -> Catalog:
    catalog = read(path, language, domain)
    created = catalog.creation_date
    catalog.update(template, no_fuzzy_matching=True)
    # Stable headers: a catalog changes in git only when its messages do.
    catalog.project, catalog.version, catalog.fuzzy = "cooptrack", "", False
    catalog.creation_date = catalog.revision_date = created
    return catalog


def update(only: list[str]) -> None:
    for domain, template in extracted().items():
        if only and domain not in only:
            continue
        for language in TRANSLATED:
            path = po_path(language, domain)
            with locked(path):
                catalog = _updated(path, language, domain, template)
                _write(path, catalog)
            print(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


def merge(translations: Path, domain: str, language: str = "ru") -> None:
    """Bring a catalog up to date with the code, then set the translations listed in a JSON
    file: [{"msgid": "…", "msgstr": "…"}, {"msgid": "…", "msgid_plural": "…", "msgstr": ["…",
    "…", "…"]}, {"context": "…", "msgid": "…", "msgstr": "…"}]."""
    wanted = json.loads(translations.read_text(encoding="utf-8"))
    template = extracted()[domain]
    path = po_path(language, domain)
    with locked(path):
        catalog = _updated(path, language, domain, template)
        missing = []
        for entry in wanted:
            plural = entry.get("msgid_plural")
            msgid = (entry["msgid"], plural) if plural else entry["msgid"]
            found = catalog.get(msgid, context=entry.get("context"))
            if found is None:
                missing.append(entry["msgid"])
                continue
            text = entry["msgstr"]
            found.string = tuple(text) if isinstance(text, list) else text
            found.flags.discard("fuzzy")
        _write(path, catalog)
    for ident in missing:
        print(f"not a message of the {domain} code (yet?): {ident!r}")


def problems(only: list[str] | None = None) -> list[str]:
    """Every message of the code that a catalog lacks or translates wrongly, one line each."""
    found: list[str] = []
    for domain, template in extracted().items():
        if only and domain not in only:
            continue
        for language in TRANSLATED:
            catalog = read(po_path(language, domain), language, domain)
            for message in template:
                if not message.id:
                    continue
                found.extend(_message_problems(message, catalog, language, domain))
    return found


def _message_problems(
    message: Message, catalog: Catalog, language: str, domain: str
) -> Iterator[str]:
    where = ", ".join(f"{file}:{line}" for file, line in message.locations[:2])
    ident = message.id if isinstance(message.id, str) else message.id[0]
    translated = catalog.get(message.id, context=message.context)
    strings = translated.string if translated is not None else None
    forms = strings if isinstance(strings, (list, tuple)) else [strings]
    if translated is None or translated.fuzzy or not all(forms):
        yield f"{language}/{domain}: untranslated {ident!r} ({where})"
        return
    wanted = {name for name in PLACEHOLDER.findall(ident)}
    for form in forms:
        assert isinstance(form, str)
        if {name for name in PLACEHOLDER.findall(form)} != wanted:
            yield f"{language}/{domain}: placeholders differ in {ident!r} -> {form!r} ({where})"


def compile_all() -> None:
    for language in TRANSLATED:
        for domain in DOMAINS:
            path = po_path(language, domain)
            if not path.exists():
                continue
            catalog = read(path, language, domain)
            with path.with_suffix(".mo").open("wb") as target:
                write_mo(target, catalog, use_fuzzy=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.catalogs", description=__doc__)
    parser.add_argument("action", choices=("update", "check", "compile", "merge"))
    parser.add_argument("domains", nargs="*", choices=[[], *DOMAINS], help="only these catalogs")
    parser.add_argument("--from", dest="source", type=Path, help="merge: the JSON translations")
    arguments = parser.parse_args(argv)
    action, only = arguments.action, arguments.domains
    if action == "merge":
        if arguments.source is None or len(only) != 1:
            parser.error("merge needs one catalog and --from FILE.json")
        merge(arguments.source, only[0])
    elif action == "update":
        update(only)
    elif action == "compile":
        compile_all()
    else:
        listed = problems(only)
        for line in listed:
            print(line)
        print(f"{len(listed)} problem(s)")
        return 1 if listed else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
