"""`cooptrack`: build the database and write CSV extracts from the command line.

Every failure a user can cause prints one line, `cooptrack: error: …`, and exits with status 2;
nothing is written. A traceback means a bug.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from cooptrack import __version__
from cooptrack.errors import CooptrackError
from cooptrack.export import KINDS, Kind, count_rows, export_bytes, export_to_file
from cooptrack.filters import FilterInput, resolve_strict
from cooptrack.queries import vocabulary
from cooptrack.seed import build_database, default_seed_dir
from cooptrack.store import Store, default_path

EXIT_USAGE = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cooptrack",
        description="Record of EU–Central Asia environment and climate cooperation.",
    )
    parser.add_argument("--version", action="version", version=f"cooptrack {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    db_help = "database file (default: $COOPTRACK_DB, else data/cooptrack.duckdb)"

    init = commands.add_parser("init", help="build a database from the bundled seed data")
    init.add_argument("--db", help=db_help)
    init.add_argument("--force", action="store_true", help="replace an existing database")
    init.add_argument("--seed", help="folder of seed files (default: data/seed)")

    export = commands.add_parser("export", help="write a CSV extract of one kind of record")
    export.add_argument("kind", choices=KINDS)
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
    return parser


def _init(args: argparse.Namespace) -> int:
    target = default_path(args.db)
    seed_dir = Path(args.seed) if args.seed else default_seed_dir()
    data = build_database(seed_dir, target, force=args.force)
    counts = ", ".join(f"{len(rows)} {table}" for table, rows in data.tables.items())
    print(f"wrote {target}: {counts}", file=sys.stderr)
    return 0


def _export(args: argparse.Namespace) -> int:
    kind: Kind = args.kind
    raw = FilterInput(
        countries=tuple(args.country),
        conventions=tuple(args.convention),
        topics=tuple(args.topic),
        organisations=tuple(args.organisation),
        date_from=args.date_from,
        date_to=args.date_to,
        search=args.search,
    )
    with Store.open(default_path(args.db)) as store:
        filters = resolve_strict(raw, vocabulary(store))
        if args.output:
            rows = export_to_file(store, kind, filters, Path(args.output))
            print(f"wrote {rows} {kind} to {args.output}", file=sys.stderr)
        else:
            sys.stdout.buffer.write(export_bytes(store, kind, filters))
            sys.stdout.flush()
            print(f"{count_rows(store, kind, filters)} {kind}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    handlers = {"init": _init, "export": _export}
    try:
        return handlers[args.command](args)
    except CooptrackError as error:
        print(f"cooptrack: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("cooptrack: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
