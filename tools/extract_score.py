"""Score the press-release reader on the hand-checked corpus in tests/fixtures/press.

    .venv/bin/python -m tools.extract_score [--part dev|heldout|all] [--misses]

Each release's main meeting is compared field by field with its NAME.json `expected`. Rules
are tuned on `dev` only; `heldout` says whether they generalise. The reader's output is mapped
to the corpus's field names in one place, `reader_fields`, so a new reader API changes only it.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "press"
PARTS = ("dev", "heldout")
LANGUAGES = ("en", "ru")
FIELDS = (
    "kind",
    "ordinal",
    "start",
    "end",
    "city",
    "host_country",
    "countries",
    "chairs",
    "format",
)
LIST_FIELDS = frozenset({"countries", "chairs"})
RELEASE_SUFFIXES = (".txt", ".html")


@dataclass(frozen=True)
class Release:
    name: str
    part: str
    text_path: Path
    source: str
    published: date
    language: str
    expected: dict[str, Any]


def load_corpus(parts: Iterable[str] = PARTS, root: Path = CORPUS) -> list[Release]:
    """Every release of the given parts with its expectations, in a stable order."""
    releases = []
    for part in parts:
        for meta in sorted((root / part).glob("*.json")):
            texts = [meta.with_suffix(s) for s in RELEASE_SUFFIXES if meta.with_suffix(s).is_file()]
            if len(texts) != 1:
                raise ValueError(f"{meta}: expected one release file beside it, found {texts}")
            record = json.loads(meta.read_text(encoding="utf-8"))
            releases.append(
                Release(
                    name=meta.stem,
                    part=part,
                    text_path=texts[0],
                    source=record["source"],
                    published=date.fromisoformat(record["published"]),
                    language=record["language"],
                    expected=record["expected"],
                )
            )
    return releases


# --- The one place that knows the reader's API ------------------------------------------

_ORGANISATION_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")  # "Name (IMELS)" -> "Name"


def reader_fields(draft: Any) -> dict[str, Any]:
    """The main meeting of a reader's `Draft` under the corpus's field names."""
    meeting = draft.meeting
    if meeting is None:
        return {name: [] if name in LIST_FIELDS else None for name in FIELDS}
    return {
        "kind": meeting.kind,
        "ordinal": meeting.ordinal,
        "start": meeting.start,
        "end": meeting.end,
        "city": meeting.city,
        "host_country": meeting.host_country,
        "countries": [item["code"] for item in draft.countries],
        "chairs": [_ORGANISATION_SUFFIX.sub("", chair) for chair in meeting.chairs],
        "format": meeting.format,
    }


def default_reader() -> Callable[[Release], dict[str, Any]]:
    """The project's reader, with the record context loaded once (as the CLI does without a
    database)."""
    from cooptrack.ingest.press import reader  # noqa: PLC0415 - loading is timed apart
    from cooptrack.record.seed import default_seed_dir, load_seed  # noqa: PLC0415

    context = reader.context_from_seed(load_seed(default_seed_dir()))

    def read(release: Release) -> dict[str, Any]:
        content = release.text_path.read_text(encoding="utf-8")
        draft = reader.extract(content, context, release.published, release.source)
        return reader_fields(draft)

    return read


# --- Comparing and counting --------------------------------------------------------------


def normalise(name: str, value: Any) -> Any:
    """Lists as sets, strings case-folded and stripped, empty as None."""
    if name in LIST_FIELDS:
        return frozenset(_scalar(v) for v in (value or []) if _scalar(v) is not None)
    return _scalar(value)


def _scalar(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split()).casefold()
    return text or None


@dataclass(frozen=True)
class Outcome:
    release: Release
    got: dict[str, Any]
    seconds: float
    error: str | None = None

    def right(self, name: str) -> bool:
        if self.error is not None:
            return False
        expected = normalise(name, self.release.expected.get(name))
        return bool(expected == normalise(name, self.got.get(name)))


@dataclass
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.right += ok
        self.total += 1

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass
class Report:
    outcomes: list[Outcome]
    by_field: dict[str, Tally] = field(default_factory=dict)
    by_part: dict[str, Tally] = field(default_factory=dict)
    by_language: dict[str, Tally] = field(default_factory=dict)
    by_field_and_column: dict[tuple[str, str], Tally] = field(default_factory=dict)
    overall: Tally = field(default_factory=Tally)

    @property
    def field_accuracy(self) -> dict[str, float]:
        return {name: tally.share for name, tally in self.by_field.items()}


def score(
    releases: Sequence[Release], reader: Callable[[Release], dict[str, Any]] | None = None
) -> Report:
    """Run the reader on every release and count right fields; a release the reader fails on
    counts as wrong in every field, with the error kept."""
    read = reader or default_reader()
    if releases:  # one untimed call: lazily compiled patterns are part of loading
        _run(read, releases[0])
    report = Report([_run(read, release) for release in releases])
    for outcome in report.outcomes:
        columns = (outcome.release.part, outcome.release.language, "all")
        for name in FIELDS:
            ok = outcome.right(name)
            report.by_field.setdefault(name, Tally()).add(ok)
            report.by_part.setdefault(outcome.release.part, Tally()).add(ok)
            report.by_language.setdefault(outcome.release.language, Tally()).add(ok)
            report.overall.add(ok)
            for column in columns:
                report.by_field_and_column.setdefault((name, column), Tally()).add(ok)
    return report


def _run(read: Callable[[Release], dict[str, Any]], release: Release) -> Outcome:
    began = time.perf_counter()
    try:
        got = read(release)
    except Exception as error:  # a failing reader is a scored result, not a crash
        return Outcome(release, {}, time.perf_counter() - began, f"{type(error).__name__}: {error}")
    return Outcome(release, got, time.perf_counter() - began)


# --- Printing ----------------------------------------------------------------------------


def _cell(tally: Tally | None) -> str:
    if tally is None or not tally.total:
        return "-"
    return f"{tally.share:6.1%} {tally.right:>3}/{tally.total}"


def render(report: Report, misses: bool = False) -> str:
    """The accuracy table (fields by part and language), timings, and optionally the misses."""
    seen = {o.release.part for o in report.outcomes} | {o.release.language for o in report.outcomes}
    columns = [c for c in (*PARTS, *LANGUAGES) if c in seen] + ["all"]
    sizes = ", ".join(f"{_LABELS[c]} {_count(report, c)}" for c in columns[:-1])
    lines = [f"extract-score: {len(report.outcomes)} releases ({sizes})", ""]
    lines.append(f"{'field':<14}" + "".join(f"{_LABELS[c]:>16}" for c in columns))
    for name in FIELDS:
        cells = (_cell(report.by_field_and_column.get((name, c))) for c in columns)
        lines.append(f"{name:<14}" + "".join(f"{cell:>16}" for cell in cells))
    totals = {**report.by_part, **report.by_language, "all": report.overall}
    lines.append(f"{'all fields':<14}" + "".join(f"{_cell(totals.get(c)):>16}" for c in columns))
    lines += ["", *_summary(report)]
    if misses:
        lines += ["", "misses:", *_misses(report)]
    return "\n".join(lines)


_LABELS = {"dev": "dev", "heldout": "held-out", "en": "English", "ru": "Russian", "all": "all"}


def _count(report: Report, column: str) -> int:
    return sum(column in (o.release.part, o.release.language) for o in report.outcomes)


def _summary(report: Report) -> list[str]:
    found = sum(1 for o in report.outcomes if o.got.get("kind") is not None)
    perfect = sum(1 for o in report.outcomes if all(o.right(n) for n in FIELDS))
    lines = [
        f"main meeting found: {found}/{len(report.outcomes)}",
        "right where a value is expected (an empty answer cannot pass): "
        + ", ".join(_where_expected(report, name) for name in FIELDS),
        f"releases with every field right: {perfect}/{len(report.outcomes)}",
    ]
    failed = sum(1 for o in report.outcomes if o.error)
    if failed:
        lines.append(f"releases the reader failed on: {failed}")
    if report.outcomes:
        times = [o.seconds * 1000 for o in report.outcomes]
        median, slowest = statistics.median(times), max(times)
        lines.append(
            f"time per release (after loading): median {median:.1f} ms, max {slowest:.1f} ms"
        )
    return lines


def _where_expected(report: Report, name: str) -> str:
    tally = Tally()
    for outcome in report.outcomes:
        if normalise(name, outcome.release.expected.get(name)):
            tally.add(outcome.right(name))
    return f"{name} {tally.right}/{tally.total}"


def _misses(report: Report) -> list[str]:
    lines = []
    for outcome in report.outcomes:
        label = f"{outcome.release.part}/{outcome.release.name}"
        if outcome.error:
            lines.append(f"  {label}: reader failed: {outcome.error}")
            continue
        for name in FIELDS:
            if not outcome.right(name):
                expected = _show(name, outcome.release.expected.get(name))
                got = _show(name, outcome.got.get(name))
                lines.append(f"  {label} {name}: expected {expected} got {got}")
    return lines


def _show(name: str, value: Any) -> str:
    if name in LIST_FIELDS:
        return "[" + ", ".join(sorted(str(v) for v in value or [])) + "]"
    return "null" if value is None else json.dumps(value, ensure_ascii=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.extract_score", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--part",
        choices=[*PARTS, "all"],
        default="all",
        help="which part of the corpus to score (default: all)",
    )
    parser.add_argument(
        "--misses", action="store_true", help="list every wrong field as expected vs got"
    )
    args = parser.parse_args(argv)
    parts = PARTS if args.part == "all" else (args.part,)
    print(render(score(load_corpus(parts)), misses=args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
