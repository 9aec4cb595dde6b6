"""`cooptrack`: build the database and write CSV extracts from the command line.

Every failure a user can cause prints one line, `cooptrack: error: …`, and exits with status 2;
nothing is written. A traceback means a bug. Arguments are checked before anything runs: each
must be plain text (no control characters, valid UTF-8) of a bounded length, and no option may
be empty or be given `--` as its value.

`--lang en|ru` (export, brief, coverage) writes the labels, texts and words of what a command
makes in that language; the CLI's own messages stay English.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

from cooptrack import __version__, config, files
from cooptrack.dates import PartialDate  # loads cooptrack.i18n (Babel) anyway

# Only what every command needs is imported here: each command imports its own modules, so
# that `cooptrack extract` or `--help` does not wait for pandas, openpyxl or argon2.
from cooptrack.db.schema import KINDS, Kind
from cooptrack.db.store import Store, default_path, publish_snapshot
from cooptrack.errors import CooptrackError, InputError
from cooptrack.i18n import DEFAULT, LANGUAGES, use_language
from cooptrack.query.export import (
    BINARY,
    FORMATS,
    Format,
    count_rows,
    export_bytes,
    export_to_file,
)
from cooptrack.query.filters import FilterInput, Filters, resolve_strict

EXIT_USAGE = 2
MAX_ARGUMENT_CHARS = 4096  # the longest path Linux accepts; filter values have their own limits
_NOT_PLAIN_TEXT = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_OPTION_NAMES = {"date_from": "--from", "date_to": "--to", "output": "-o/--output"}
_POSITIONAL = ("kind", "file", "folder", "name", "meeting")


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error as one CooptrackError line instead of exiting."""

    def error(self, message: str) -> NoReturn:
        raise InputError(f"{message} (see: {self.prog} --help)")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="cooptrack",
        description="Record of EU–Central Asia environment and climate cooperation.",
    )
    parser.add_argument("--version", action="version", version=f"cooptrack {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    db_help = "database file (default: $COOPTRACK_DB, else data/cooptrack.duckdb)"

    init = commands.add_parser("init", help="build a database from the bundled seed data")
    init.add_argument("--db", help=db_help)
    rebuild = init.add_mutually_exclusive_group()
    rebuild.add_argument("--force", action="store_true", help="replace an existing database")
    rebuild.add_argument(
        "--refresh",
        action="store_true",
        help="build it when missing, rebuild it when it holds an earlier version of the seed's "
        "record with no saved changes, else leave it (what `make run` does)",
    )
    init.add_argument("--seed", help="folder of seed files (default: data/seed)")
    init.add_argument(
        "--empty",
        action="store_true",
        help="reference lists only: no meetings, phases or commitments",
    )

    export = commands.add_parser(
        "export", help="write an extract of one kind of record (CSV, Excel, Parquet, calendar)"
    )
    export.add_argument("kind", choices=KINDS)
    export.add_argument(
        "--format",
        choices=FORMATS,
        default="csv",
        help="csv (default); csv-excel (with a BOM, so Excel reads UTF-8); xlsx; parquet; "
        "ics (meetings, or commitment due dates, known to the day)",
    )
    export.add_argument(
        "--today", metavar="DATE", help="the day 'overdue' is reckoned from (default: today)"
    )
    export.add_argument(
        "--country",
        action="append",
        default=[],
        metavar="X",
        help="ISO alpha-2/alpha-3 code or English name; repeat to OR",
    )
    export.add_argument(
        "--convention",
        action="append",
        default=[],
        metavar="X",
        help="convention code such as UNFCCC, CBD, UNCCD, AARHUS",
    )
    export.add_argument("--topic", action="append", default=[], metavar="X")
    export.add_argument("--organisation", action="append", default=[], metavar="X")
    export.add_argument(
        "--from",
        dest="date_from",
        metavar="DATE",
        help="records alive on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)",
    )
    export.add_argument(
        "--to",
        dest="date_to",
        metavar="DATE",
        help="records alive on or before DATE (a year or month means its end)",
    )
    export.add_argument("--search", metavar="TEXT", help="words in titles, summaries, texts")
    export.add_argument("--db", help=db_help)
    export.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    _language_option(export, "label columns and calendar texts")
    _maintenance_commands(commands, db_help)
    return parser


def _language_option(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument(
        "--lang",
        choices=tuple(LANGUAGES),
        default=DEFAULT,
        help=f"language of the {what}: en (default) or ru",
    )


def _maintenance_commands(commands: Any, db_help: str) -> None:
    """import, backup, restore, migrate, add-editor, extract, serve."""
    bulk = commands.add_parser(
        "import", help="add or change records from a CSV/.xlsx export or an IATI .xml file"
    )
    bulk.add_argument("file", help="columns of `cooptrack export`, or IATI activity XML")
    bulk.add_argument(
        "--source", metavar="URL", help="for IATI files: the address the file was published at"
    )
    bulk.add_argument("--kind", choices=KINDS, help="what the file holds (default: by columns)")
    bulk.add_argument("--dry-run", action="store_true", help="list changes and problems only")
    bulk.add_argument(
        "--editor",
        default=os.environ.get("USER") or "command line",
        help="name recorded in the history (default: $USER)",
    )
    bulk.add_argument("--db", help=db_help)

    save = commands.add_parser("backup", help="copy the whole database into a folder")
    save.add_argument("folder", nargs="?", help="new folder (default: data/backups/…)")
    save.add_argument("--db", help=db_help)

    back = commands.add_parser("restore", help="rebuild the database from a backup folder")
    back.add_argument("folder")
    back.add_argument("--db", help=db_help)
    back.add_argument("--force", action="store_true", help="replace an existing database")

    upgrade = commands.add_parser(
        "migrate", help="bring a database from an older release up to date"
    )
    upgrade.add_argument("--db", help=db_help)

    editor = commands.add_parser("add-editor", help="add a local editor account (asks password)")
    editor.add_argument("name")
    editor.add_argument(
        "--secrets",
        default=".streamlit/secrets.toml",
        help="secrets file (default: .streamlit/secrets.toml)",
    )
    editor.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from standard input (for scripts)",
    )

    reader = commands.add_parser("extract", help="propose draft records from a press release")
    reader.add_argument("file", help="a .txt or .html press release")
    reader.add_argument("--published", metavar="DATE", help="publication date (for 'today')")
    reader.add_argument("--source", metavar="URL", help="address of the release")
    reader.add_argument("--format", choices=("text", "json"), default="text")
    reader.add_argument("--db", help=db_help)

    briefing = commands.add_parser(
        "brief", help="write a briefing (Word .docx) for a meeting: by default the next one"
    )
    briefing.add_argument(
        "meeting", nargs="?", help="meeting id (default: the next meeting, else the latest)"
    )
    briefing.add_argument(
        "-o", "--output", metavar="FILE", help="default: brief_<meeting>_<today>.docx here"
    )
    briefing.add_argument("--today", metavar="DATE", help="the day the brief is made as of")
    briefing.add_argument("--db", help=db_help)
    _language_option(briefing, "brief")

    report = commands.add_parser(
        "coverage", help="which meetings of each series are present or missing, and vague dates"
    )
    report.add_argument("--db", help=db_help)
    _language_option(report, "report")

    server = commands.add_parser(
        "serve", help="serve the dashboard (streamlit options such as --server.port may follow)"
    )
    server.add_argument("--db", help=db_help)
    server.add_argument("--port", type=int, default=8501, help="port (default: 8501)")
    server.add_argument(
        "--viewer",
        action="store_true",
        help="read-only: serve the newest published snapshot, never write (COOPTRACK_ROLE)",
    )
    server.add_argument(
        "--snapshots",
        metavar="FOLDER",
        help="snapshot folder: an editor publishes there after every change, a viewer reads "
        "from it (default: $COOPTRACK_SNAPSHOTS, else DB.snapshots when it exists)",
    )


def _database(option: str | None) -> Path:
    """The database a command names; something there that is not a file (a named pipe, on
    which opening would wait forever, or a device) is refused before DuckDB sees it."""
    path = default_path(option)
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return path  # nothing there: each command says what that means for it
    if not (stat.S_ISREG(found.st_mode) or stat.S_ISDIR(found.st_mode)):
        raise InputError(f"{files.shown(path)} is not a database file (nor a regular file)")
    return path


def _init(args: argparse.Namespace) -> int:
    from cooptrack.record.seed import build_database, default_seed_dir  # noqa: PLC0415

    target = _database(args.db)
    seed_dir = Path(args.seed) if args.seed else default_seed_dir()
    if args.refresh:
        return _refresh(seed_dir, target, args.empty)
    data = build_database(seed_dir, target, force=args.force, empty=args.empty)
    counts = ", ".join(f"{len(rows)} {table}" for table, rows in data.tables.items())
    print(f"wrote {target}: {counts}", file=sys.stderr)
    _publish(target)
    return 0


def _refresh(seed_dir: Path, target: Path, empty: bool) -> int:
    from cooptrack.record.refresh import refresh  # noqa: PLC0415

    if empty:
        raise InputError("--refresh keeps or rebuilds the whole record: it does not take --empty")
    done = refresh(seed_dir, target)
    print(done.message, file=sys.stderr)
    if done.action in {"built", "rebuilt"}:
        _publish(target)
    return 0


def _publish(target: Path) -> None:
    """After a command that made or replaced the file: the viewers' snapshot, when set."""
    folder = publish_snapshot(target)
    if folder is not None:
        print(f"published a snapshot for viewers in {folder}", file=sys.stderr)


def _today(text: str | None) -> date:
    """`--today`, else the configured day (COOPTRACK_TODAY, else today)."""
    if text is None:
        return config.today()
    try:
        found = PartialDate.parse(text)
    except ValueError as error:
        raise InputError(f"--today: {error}") from None
    if found.precision != "day":
        raise InputError(f"--today: {text!r} is not a day; use YYYY-MM-DD")
    return found.start


def _export(args: argparse.Namespace) -> int:
    from cooptrack.query.meetings import vocabulary  # noqa: PLC0415

    kind: Kind = args.kind
    form: Format = args.format
    today = _today(args.today)
    if form in BINARY and args.output is None and sys.stdout.isatty():
        raise InputError(
            f"{form} is a binary file: give -o FILE, or redirect standard output to a file"
        )
    raw = FilterInput(
        countries=tuple(args.country),
        conventions=tuple(args.convention),
        topics=tuple(args.topic),
        organisations=tuple(args.organisation),
        date_from=args.date_from,
        date_to=args.date_to,
        search=args.search,
    )
    with Store.open(_database(args.db)) as store:
        filters = resolve_strict(raw, vocabulary(store))
        if form == "ics":
            return _export_calendar(store, kind, filters, today, args.output)
        if args.output is not None:
            rows = export_to_file(store, kind, filters, Path(args.output), today=today, form=form)
            print(f"wrote {rows} {kind} to {args.output}", file=sys.stderr)
        else:
            _write_stdout(export_bytes(store, kind, filters, today=today, form=form))
            print(f"{count_rows(store, kind, filters)} {kind}", file=sys.stderr)
    return 0


def _export_calendar(
    store: Store, kind: Kind, filters: Filters, today: date, output: str | None
) -> int:
    """An .ics file; the message says how many records were left out for want of a day."""
    from cooptrack.query import calendar  # noqa: PLC0415

    if output is not None:
        events = export_to_file(store, kind, filters, Path(output), today=today, form="ics")
        done = f"wrote {events} events to {output}"
    else:
        content, found = calendar.calendar_bytes(store, kind, filters, today)
        _write_stdout(content)
        done = f"{found.events} events"
    note = calendar.counts(store, kind, filters).left_out_note(kind)
    print(f"{done}; {note}" if note else done, file=sys.stderr)
    return 0


def _write_stdout(content: bytes) -> None:
    try:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as error:
        raise InputError(f"cannot write to standard output: {error.strerror or error}") from None


def _import(args: argparse.Namespace) -> int:
    from cooptrack.db import backup  # noqa: PLC0415
    from cooptrack.ingest import tabular  # noqa: PLC0415

    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no file {path}")
    if path.suffix.lower() == ".xml":
        return _import_iati(args, path)
    with Store.open(_database(args.db), read_only=args.dry_run) as store:
        result = tabular.plan(store, path.name, path.read_bytes(), kind=args.kind)
        _print_plan(result)
        if args.dry_run or result.problems:
            return EXIT_USAGE if result.problems else 0
        folder = backup.backup(store, reason="before-import")
        written = tabular.apply(store, args.editor, result)
    print(f"imported {written} {result.kind}; backup taken before: {folder}", file=sys.stderr)
    return 0


def _import_iati(args: argparse.Namespace, path: Path) -> int:
    """IATI activity XML: projects and phases, planned then applied like any import."""
    from cooptrack.db import backup  # noqa: PLC0415
    from cooptrack.ingest import iati  # noqa: PLC0415

    with Store.open(_database(args.db), read_only=args.dry_run) as store:
        result = iati.plan(store, path.name, path.read_bytes(), source=args.source)
        for line in iati.describe(result):
            print(line)
        if args.dry_run or result.problems:
            return EXIT_USAGE if result.problems else 0
        folder = backup.backup(store, reason="before-import")
        written = iati.apply(store, args.editor, result)
    print(
        f"imported {written} records from {path.name}; backup taken before: {folder}",
        file=sys.stderr,
    )
    return 0


def _print_plan(result: Any) -> None:  # a tabular.Plan
    print(result.summary())
    for ident, title in result.adds:
        print(f"  add     {ident}: {title}")
    for ident, fields in result.changes:
        for name, before, after in fields:
            print(f"  change  {ident}.{name}: {before!r} -> {after!r}")
    for problem in result.problems:
        print(f"  problem {problem}")


def _backup(args: argparse.Namespace) -> int:
    from cooptrack.db import backup  # noqa: PLC0415

    with Store.open(_database(args.db)) as store:
        folder = backup.backup(store, Path(args.folder) if args.folder else None)
    print(f"backup written to {folder}", file=sys.stderr)
    return 0


def _migrate(args: argparse.Namespace) -> int:
    target = _database(args.db)
    with Store.open(target, read_only=False):
        pass  # a writable opening brings an older file up to date
    print(f"{target} is up to date", file=sys.stderr)
    _publish(target)
    return 0


def _restore(args: argparse.Namespace) -> int:
    from cooptrack.db import backup  # noqa: PLC0415

    target = _database(args.db)
    backup.restore(Path(args.folder), target, force=args.force)
    print(f"restored {target} from {args.folder}", file=sys.stderr)
    _publish(target)
    return 0


def _add_editor(args: argparse.Namespace) -> int:
    from cooptrack.record import accounts  # noqa: PLC0415

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise InputError("the two passwords differ; nothing was changed")
    replaced = accounts.add_account(Path(args.secrets), args.name, password)
    verb = "replaced" if replaced else "added"
    print(f"{verb} editor account {args.name!r} in {args.secrets}", file=sys.stderr)
    return 0


def _extract(args: argparse.Namespace) -> int:
    from cooptrack.ingest.press import reader as press_reader  # noqa: PLC0415
    from cooptrack.record.seed import default_seed_dir, load_seed  # noqa: PLC0415

    path = Path(args.file)
    if not path.is_file():
        raise InputError(f"no file {path}")
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text") from None
    try:
        published = PartialDate.parse(args.published).start if args.published else None
    except ValueError as error:
        raise InputError(f"--published: {error}") from None
    target = _database(args.db)
    if target.exists():
        with Store.open(target) as store:
            context = press_reader.context_from_store(store)
    else:
        context = press_reader.context_from_seed(load_seed(default_seed_dir()))
    draft = press_reader.extract(content, context, published, args.source)
    if args.format == "json":
        print(json.dumps(draft.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(press_reader.to_text(draft))
    return 0


def _brief(args: argparse.Namespace) -> int:
    from cooptrack.query import brief_document  # noqa: PLC0415
    from cooptrack.query.brief import brief  # noqa: PLC0415

    today = _today(args.today)
    with Store.open(_database(args.db)) as store:
        made = brief(store, args.meeting, today)
        content = brief_document.brief_docx(made)
        target = Path(args.output or f"brief_{_file_part(made.meeting.id)}_{today}.docx")
        if files.same_file(target, store.path):
            raise InputError(f"{files.shown(target)} is the database being read; write elsewhere")
    with files.replacing(target, make_parents=True) as temporary:
        temporary.write_bytes(content)
    why = "" if made.chosen == "asked for" else f" ({made.chosen})"
    print(f"wrote the brief of {made.meeting.id}{why} to {target}", file=sys.stderr)
    return 0


def _file_part(text: str) -> str:
    """A record id as part of a file name: letters, digits, '-' and '_' only."""
    return re.sub(r"[^A-Za-z0-9_-]", "-", text)[:60] or "meeting"


def _coverage(args: argparse.Namespace) -> int:
    from cooptrack.query import coverage  # noqa: PLC0415

    with Store.open(_database(args.db)) as store:
        print(coverage.as_text(coverage.coverage(store)))
    return 0


def _serve(args: argparse.Namespace, streamlit_options: list[str]) -> int:
    """Bring the file up to date (an editor) or check that a snapshot is there to read (a
    viewer), then hand this process over to the dashboard's server."""
    if args.viewer:
        os.environ["COOPTRACK_ROLE"] = "viewer"
    if args.snapshots:
        os.environ["COOPTRACK_SNAPSHOTS"] = str(Path(args.snapshots).resolve())
    target = _database(args.db)
    if config.role() == "viewer":
        folder = config.snapshot_folder(target)
        if folder is None:
            raise InputError(
                "a viewer reads published snapshots: give --snapshots FOLDER (the folder the "
                "editor publishes in) or set COOPTRACK_SNAPSHOTS"
            )
        with Store.open_viewer(folder):
            pass  # says so when nothing was published there yet
        os.environ["COOPTRACK_SNAPSHOTS"] = str(folder.resolve())
    else:
        with Store.open(target, read_only=False):
            pass  # a writable opening migrates an older file; the server then reads it shared
    environment = {**os.environ, "COOPTRACK_DB": str(target.resolve())}
    command = [sys.executable, "-m", "cooptrack.ui.serve", "--server.port", str(args.port)]
    os.execve(sys.executable, [*command, *streamlit_options], environment)  # noqa: S606
    return 0  # not reached: execve replaces the process


def _check_arguments(arguments: Sequence[str]) -> None:
    """Refuse, before parsing, what no option may hold: control characters, text that is not
    UTF-8 (surrogate escapes), huge values, and `--opt=--` (argparse gives such an option a
    list instead of a string)."""
    for index, argument in enumerate(arguments):
        where = _naming(arguments, index)
        if len(argument) > MAX_ARGUMENT_CHARS:
            raise InputError(
                f"{where} is {len(argument):,} characters long; the limit is {MAX_ARGUMENT_CHARS:,}"
            )
        if _SURROGATE.search(argument):
            raise InputError(f"{where} is not valid UTF-8 text")
        if _NOT_PLAIN_TEXT.search(argument):
            raise InputError(f"{where} holds a control character (such as a newline or NUL)")
        option, equals, value = argument.partition("=")
        if option.startswith("-") and equals and value == "--":
            raise InputError(f"{option} needs a value; '--' is not one")


def _naming(arguments: Sequence[str], index: int) -> str:
    """`the value of --country`, or `argument 3`, for a message that names no raw value."""
    argument = arguments[index]
    if argument.startswith("-") and "=" in argument:
        return f"the value of {argument.partition('=')[0][:40]}"
    previous = arguments[index - 1] if index else ""
    if previous.startswith("-") and "=" not in previous and len(previous) <= 40:
        return f"argument {index + 1} (after {previous})"
    return f"argument {index + 1}"


def _check_values(args: argparse.Namespace) -> None:
    """Every option given holds text that is not blank: argparse can pass a list (`--x=--`),
    and a blank value would otherwise be dropped silently or mean the default."""
    for dest, value in vars(args).items():
        if dest == "command" or value is None or isinstance(value, bool | int):
            continue
        name = dest.upper() if dest in _POSITIONAL else _OPTION_NAMES.get(dest, f"--{dest}")
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str):
                raise InputError(f"{name} needs a value; '--' is not one")
            if not item.strip():
                raise InputError(f"{name} is empty; give a value or leave the option out")


def _system_refusal(error: OSError) -> str:
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is None:
        return reason
    return f"{files.shown(Path(os.fsdecode(error.filename)))}: {reason}"


def _parsed(arguments: list[str]) -> tuple[argparse.Namespace, list[str]]:
    """The options, and the ones left for `serve` to pass on to Streamlit."""
    args, extra = _parser().parse_known_args(arguments)
    if extra and args.command != "serve":
        _parser().parse_args(arguments)  # names the arguments it does not know, and exits
    return args, extra


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "init": _init,
        "export": _export,
        "import": _import,
        "backup": _backup,
        "restore": _restore,
        "migrate": _migrate,
        "add-editor": _add_editor,
        "extract": _extract,
        "coverage": _coverage,
        "brief": _brief,
    }
    try:
        _check_arguments(arguments)
        try:
            args, extra = _parsed(arguments)
        except SystemExit as done:  # --help and --version print and stop
            return done.code if isinstance(done.code, int) else 0
        _check_values(args)
        handlers["serve"] = lambda args: _serve(args, extra)
        with use_language(getattr(args, "lang", DEFAULT)):
            return handlers[args.command](args)
    except CooptrackError as error:
        print(f"cooptrack: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except OSError as error:  # a path the system refuses (too long, not allowed…) is input too
        print(f"cooptrack: error: {_system_refusal(error)}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("cooptrack: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
