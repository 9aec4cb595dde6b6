"""The press-release corpus is well formed, the scorer runs over it, and the reader keeps the
accuracy it reached: at least 90 % of fields right on the held-out releases (whose text no
rule was written from) and 80 % on the Russian ones. The full table is printed (`pytest -s`)
and by `make extract-score`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pycountry
import pytest

from cooptrack.dates import PartialDate
from cooptrack.db.schema import MEETING_FORMATS, MEETING_KINDS
from tools import extract_score

ROOT = Path(__file__).resolve().parents[1]

CORPUS = ROOT / "tests" / "fixtures" / "press"
RECORD_KEYS = {"source", "published", "language", "expected"}
OPTIONAL_KEYS = {"published_estimated", "see_also", "notes"}


def _metas() -> list[Path]:
    return sorted(p for part in extract_score.PARTS for p in (CORPUS / part).glob("*.json"))


def test_every_release_has_its_json_and_every_json_its_release() -> None:
    for part in extract_score.PARTS:
        files = [p for p in (CORPUS / part).iterdir() if p.is_file()]
        stems = {p.stem for p in files}
        for stem in stems:
            kinds = sorted(p.suffix for p in files if p.stem == stem)
            assert len(kinds) == 2 and ".json" in kinds, f"{part}/{stem}: {kinds}"
            assert set(kinds) - {".json"} <= set(extract_score.RELEASE_SUFFIXES), stem
    names = [p.stem for p in _metas()]
    assert len(names) == len(set(names)), "a release name is used in both parts"


def test_the_corpus_is_large_enough_and_both_parts_hold_both_languages() -> None:
    releases = extract_score.load_corpus()
    assert len(releases) >= 40
    assert sum(r.language == "ru" for r in releases) >= 12
    for part in extract_score.PARTS:
        languages = {r.language for r in releases if r.part == part}
        assert languages == {"en", "ru"}, part
    suffixes = {r.text_path.suffix for r in releases}
    assert suffixes == {".txt", ".html"}


@pytest.mark.parametrize("meta", _metas(), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_release_metadata_is_valid(meta: Path) -> None:
    record = json.loads(meta.read_text(encoding="utf-8"))
    assert RECORD_KEYS <= set(record) <= RECORD_KEYS | OPTIONAL_KEYS
    assert record["source"].startswith(("http://", "https://"))
    assert PartialDate.parse(record["published"]).precision == "day"
    assert record["language"] in extract_score.LANGUAGES
    _check_expected(record["expected"])


def _check_expected(expected: dict[str, Any]) -> None:
    assert set(expected) == set(extract_score.FIELDS)
    assert expected["kind"] in MEETING_KINDS
    ordinal = expected["ordinal"]
    assert ordinal is None or (isinstance(ordinal, int) and ordinal > 0)
    dates = [PartialDate.parse(expected[k]) for k in ("start", "end") if expected[k] is not None]
    if expected["end"] is not None:
        assert expected["start"] is not None and dates[0].start <= dates[1].start
    assert (expected["city"] is None) == (expected["host_country"] is None)
    codes = [
        *expected["countries"],
        *([expected["host_country"]] if expected["host_country"] else []),
    ]
    for code in codes:
        assert len(code) == 2 and pycountry.countries.get(alpha_2=code) is not None, code
    assert expected["countries"] == sorted(set(expected["countries"]))
    assert all(isinstance(c, str) and c.strip() == c and c for c in expected["chairs"])
    assert expected["format"] is None or expected["format"] in MEETING_FORMATS


def test_normalising_compares_lists_as_sets_and_strings_without_case() -> None:
    release = extract_score.load_corpus()[0]
    same = dict(release.expected)
    same["countries"] = list(reversed(same["countries"]))
    same["kind"] = f"  {same['kind'].upper()} "
    outcome = extract_score.Outcome(release, same, 0.0)
    assert all(outcome.right(name) for name in extract_score.FIELDS)
    wrong = extract_score.Outcome(release, {**same, "countries": [*same["countries"], "FR"]}, 0.0)
    assert not wrong.right("countries")
    assert extract_score.normalise("ordinal", 6) == extract_score.normalise("ordinal", "6")
    assert extract_score.normalise("city", "") is None


def test_a_reader_that_answers_the_expected_values_scores_one_and_a_failing_one_zero() -> None:
    releases = extract_score.load_corpus()[:6]
    perfect = extract_score.score(releases, reader=lambda r: dict(r.expected))
    assert set(perfect.field_accuracy.values()) == {1.0}
    assert "misses:" in extract_score.render(perfect, misses=True)

    def broken(release: extract_score.Release) -> dict[str, Any]:
        raise RuntimeError("boom")

    failed = extract_score.score(releases, reader=broken)
    assert set(failed.field_accuracy.values()) == {0.0}
    assert "reader failed: RuntimeError: boom" in extract_score.render(failed, misses=True)


@pytest.fixture(scope="module")
def corpus_report() -> extract_score.Report:
    """The project reader scored once over the whole corpus (about a second)."""
    return extract_score.score(extract_score.load_corpus())


def test_the_scorer_runs_the_project_reader_over_the_whole_corpus(
    corpus_report: extract_score.Report,
) -> None:
    releases = extract_score.load_corpus()
    report = corpus_report
    assert [o.error for o in report.outcomes if o.error] == []
    assert set(report.field_accuracy) == set(extract_score.FIELDS)
    for share in report.field_accuracy.values():
        assert 0.0 <= share <= 1.0
    assert report.overall.total == len(releases) * len(extract_score.FIELDS)
    print("\n" + extract_score.render(report))


# The floors the reader reached (held-out 97.9 %, Russian 99.3 %, dev 100 % when they were
# set): the targets for held-out and Russian, and a guard on the rest.
FLOORS = {"heldout": 0.90, "ru": 0.80, "en": 0.90, "dev": 0.95}


@pytest.mark.parametrize(("column", "floor"), FLOORS.items())
def test_the_reader_keeps_its_accuracy(
    corpus_report: extract_score.Report, column: str, floor: float
) -> None:
    tally = {**corpus_report.by_part, **corpus_report.by_language}[column]
    assert tally.total > 0
    assert tally.share >= floor, extract_score.render(corpus_report, misses=True)


def test_every_release_is_read_in_under_half_a_second(corpus_report: extract_score.Report) -> None:
    slow = [
        (o.release.name, round(o.seconds, 2)) for o in corpus_report.outcomes if o.seconds >= 0.5
    ]
    assert slow == []
