"""The benchmark runs end to end at the smallest scale and writes every section of its report.

A smoke check, not a timed test: no figure is asserted, only that each is measured, that the
naive pages give the same rows as the core, and that the report says which target each meets.
"""

from __future__ import annotations

import json

from benchmarks import calls, naive, plan, report
from benchmarks.__main__ import main

SECTIONS = (
    "## Machine",
    "## Data",
    "## 1. Page reruns on the server",
    "## 2. Data work: the core beside the naive way",
    "## 3. CSV export beside the COPY floor",
    "## 4. Bytes sent to the browser per page",
    "## 5. Peak memory",
    "## 6. In a browser",
    "## Targets missed at 1m",
    "## Below the targets at smaller scales (for reference)",
)


def test_the_smallest_benchmark_writes_a_full_report(tmp_path, capsys):
    output, data = tmp_path / "benchmarks.md", tmp_path / "bench-data"
    argv = ["--scale", "small", "--runs", "1", "--naive-runs", "1"]
    assert main([*argv, "--data-dir", str(data), "--output", str(output)]) == 0
    written = output.read_text(encoding="utf-8")
    printed = capsys.readouterr().out
    assert written.startswith(printed.rstrip("\n"))
    assert written.endswith(report.NOTES_MARKER + "\n")
    for section in SECTIONS:
        assert section in written
    for line in ("| CPU | ", "| memory | ", "duckdb ", "pandas ", "streamlit "):
        assert line in written
    for page in plan.PAGES:
        for name in plan.FILTERS:
            assert f"| small | {page} | {name} |" in written
    for kind in ("meetings", "phases", "commitments"):
        assert f"| small | {kind} | KZ+UNFCCC |" in written
    assert "**no**" not in written, "a naive page gave other rows than the core"
    assert " met" in written or "**missed**" in written

    saved = json.loads((data / "results" / "small-seed0.json").read_text(encoding="utf-8"))
    pages = saved["dashboard"]["pages"]
    assert len(pages) == len(plan.PAGES) * len(plan.FILTERS)
    assert all(not p["problem"] and p["bytes"] > 0 and p["cold"] and p["calls"] for p in pages)
    assert saved["dashboard"]["peak_rss_mb"] > 0 and saved["naive"]["peak_rss_mb"] > 0


def saved_result(data, scale: str, peak_mb: float) -> None:
    result = {
        "scale": scale,
        "seed": 0,
        "db": "unused",
        "db_bytes": 1,
        "generated_s": None,
        "counts": dict.fromkeys(("meetings", "phases", "commitments", "followups"), 1),
        "dashboard": {"pages": [], "core": [], "exports": [], "peak_rss_mb": peak_mb},
        "naive": {"naive": [], "peak_rss_mb": 1.0},
    }
    (data / "results").mkdir(parents=True, exist_ok=True)
    (data / "results" / f"{scale}-seed0.json").write_text(json.dumps(result), encoding="utf-8")


def test_a_saved_result_is_reused_and_judged_only_at_the_target_scale(tmp_path):
    data = tmp_path / "bench-data"
    saved_result(data, "small", 3000.0)
    output = tmp_path / "report.md"
    argv = ["--reuse", "--data-dir", str(data), "--output", str(output)]
    assert main(["--scale", "small", *argv]) == 0
    judged, reference = output.read_text(encoding="utf-8").split("## Below the targets")
    assert "not judged: this run did not measure 1m" in judged
    assert "- peak memory, small: 3,000 MiB, 1.5× the 2 GiB target" in reference
    assert "| small | 3,000 MiB | 1 MiB | – | below |" in judged

    saved_result(data, "1m", 2500.0)
    assert main(["--scale", "small", "--scale", "1m", *argv]) == 0
    judged, reference = output.read_text(encoding="utf-8").split("## Below the targets")
    assert "- peak memory, 1m: 2,500 MiB, 1.2× the 2 GiB target" in judged
    assert "| 1m | 2,500 MiB | 1 MiB | – | **missed** |" in judged
    assert "peak memory, 1m" not in reference


def test_calls_that_differ_are_named():
    call = calls.Call("meetings.meetings_frame", {}, 0.1, ["a", "b"])
    assert naive.difference([call], [["a", "b"]]) == ""
    found = naive.difference([call], [["a", "c", "d"]])
    assert found == "meetings.meetings_frame: 2 rows from the core, 3 naive; first differs at 1"
    unknown = calls.Call("meetings.something_new", {}, 0.1, ["x"])
    assert naive.difference([unknown], [[]]) == "no naive twin for meetings.something_new"
    assert plan.filter_name({}) == "none"


def test_every_naive_twin_stands_for_a_data_function_of_the_core():
    """A renamed core function leaves its twin behind: section 2 would then say so."""
    assert set(naive.TWINS) <= set(calls.data_functions())


def test_notes_below_the_marker_survive_a_rewrite(tmp_path):
    output = tmp_path / "report.md"
    assert report.kept_notes(output) == "\n" + report.NOTES_MARKER + "\n"
    output.write_text(f"# old figures\n\n{report.NOTES_MARKER}\n\n## Why\n\nbecause\n")
    assert report.kept_notes(output) == f"\n{report.NOTES_MARKER}\n\n## Why\n\nbecause\n"
