"""`python -m benchmarks --scale small|10k|100k|1m [--browser]`: measure, then write the report.

Also the entry point of the worker processes a run starts (`--worker dashboard|naive`).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from benchmarks import report
from benchmarks.browser import CHROMIUM
from benchmarks.measure import worker_dashboard, worker_naive
from benchmarks.plan import PAGES, ROOT, SCALES
from benchmarks.run import measure_scale, snapshot_code

PROG = "python -m benchmarks"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Measure the dashboard at several data scales and write a report.",
    )
    parser.add_argument(
        "--scale",
        action="append",
        choices=list(SCALES),
        help="small (bundled), 10k, 100k or 1m commitments; repeat for several",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument(
        "--naive-runs", type=int, default=3, help="timed runs of each naive page (default 3)"
    )
    parser.add_argument("--seed", type=int, default=0, help="synthetic data seed (default 0)")
    parser.add_argument(
        "--data-dir",
        default=str(ROOT / ".bench"),
        help="where synthetic databases and results are kept (default .bench/)",
    )
    parser.add_argument(
        "--output",
        default=str(ROOT / "docs" / "benchmarks.md"),
        help="the report to write (default docs/benchmarks.md)",
    )
    parser.add_argument(
        "--browser", action="store_true", help="also time filtered links in headless Chromium"
    )
    parser.add_argument(
        "--browser-runs", type=int, default=3, help="visits per link in the browser (default 3)"
    )
    parser.add_argument(
        "--page", action="append", choices=list(PAGES), help="only these pages (default: all)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a scale's saved results instead of measuring it again",
    )
    parser.add_argument("--worker", choices=("dashboard", "naive"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    parser.add_argument("--calls", help=argparse.SUPPRESS)
    return parser


def _worker_main(args: argparse.Namespace) -> int:
    """One worker's measures, written as JSON to `--result`."""
    calls_file = Path(args.calls)
    if args.worker == "dashboard":
        result = worker_dashboard(list(args.page or PAGES), args.runs, calls_file)
    else:
        result = worker_naive(Path(args.db), args.naive_runs, calls_file)
    Path(args.result).write_text(json.dumps(result), encoding="utf-8")
    return 0


def _command(args: argparse.Namespace, scales: list[str]) -> str:
    """The command as the report names it (what to run to measure the same again)."""
    shown = [PROG, *(f"--scale {s}" for s in scales)]
    if args.browser:
        shown.append("--browser")
    if args.runs != 5:
        shown.append(f"--runs {args.runs}")
    return " ".join(shown)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each scale asked for, print the report and write it to `--output`."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.runs < 1 or args.naive_runs < 1 or args.browser_runs < 1:
        parser.error("--runs, --naive-runs and --browser-runs must be at least 1")
    if args.worker:
        return _worker_main(args)
    if not args.scale:
        parser.error("give at least one --scale")
    if args.browser and not CHROMIUM.exists():
        parser.error(f"--browser needs {CHROMIUM} (make browser-deps)")
    scales = list(dict.fromkeys(args.scale))
    code = snapshot_code(Path(args.data_dir))
    try:
        results = [measure_scale(scale, args, code) for scale in scales]
    finally:
        shutil.rmtree(code, ignore_errors=True)
    runs = f"{args.runs} runs (naive pages: {args.naive_runs}; browser: {args.browser_runs} visits)"
    output = Path(args.output)
    print(report.write(output, results, _command(args, scales), runs))
    print(f"wrote {output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
