"""A run: one copy of the code, each scale's database, the workers in processes of their own.

At each scale (the bundled record, or a synthetic one from `benchmarks.synth`, cached under
`--data-dir` by scale and seed) the dashboard worker and then the naive worker measure
(`benchmarks.measure`), and with `--browser` a real server is timed (`benchmarks.browser`).
Each scale's results are saved as JSON beside its database, for `--reuse`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from functools import partial
from pathlib import Path

import duckdb

from benchmarks import synth
from benchmarks.browser import measure_browser
from benchmarks.calls import timed
from benchmarks.plan import ROOT, SCALES, TODAY, Result
from cooptrack.record.seed import default_seed_dir

# What a run copies: the code it measures (the core, the UI glue, the router, the pages, the
# config) and this tool, whose workers run from the copy.
SNAPSHOT_PARTS = ("src/cooptrack", "app.py", "pages", ".streamlit/config.toml", "benchmarks")
_BUNDLED = (
    "import sys; from pathlib import Path; from cooptrack.record.seed import build_database; "
    "build_database(Path(sys.argv[1]), Path(sys.argv[2]), force=True)"
)


def snapshot_code(data_dir: Path) -> Path:
    """Copy the code to measure into a folder of its own: a run then measures one version of
    it even while the working tree is being edited. Workers and the server run from the copy
    (PYTHONPATH and working directory), so `benchmarks.plan.ROOT` is the copy in them."""
    data_dir.mkdir(parents=True, exist_ok=True)
    target = Path(tempfile.mkdtemp(prefix="code-", dir=data_dir))
    for part in SNAPSHOT_PARTS:
        source, copy = ROOT / part, target / part
        if source.is_dir():
            shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            copy.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy)
    return target


def environment(code: Path, db: Path) -> dict[str, str]:
    """A child's environment: the copied code first on the path, the database, a fixed day,
    and the seed files of the working tree (the copy holds code only)."""
    path = os.pathsep.join(p for p in (str(code / "src"), os.environ.get("PYTHONPATH")) if p)
    return {
        **os.environ,
        "PYTHONPATH": path,
        "COOPTRACK_DB": str(db),
        "COOPTRACK_TODAY": TODAY.isoformat(),
        "COOPTRACK_SEED": str(default_seed_dir().resolve()),
    }


def prepare_database(
    scale: str, seed: int, data_dir: Path, code: Path
) -> tuple[Path, float | None]:
    """The database of a scale, and how long it took to make (None: reused from the cache).
    Made by the copied code, so that its schema is the one the workers expect."""
    data_dir.mkdir(parents=True, exist_ok=True)
    sizes = SCALES[scale]
    if sizes is None:
        path = data_dir / "small.duckdb"
        command = [sys.executable, "-c", _BUNDLED, str(default_seed_dir().resolve()), str(path)]
    else:
        path = data_dir / f"{scale}-seed{seed}-v{synth.VERSION}.duckdb"
        if path.exists():
            _migrated(path, code)
            return path, None
        print(f"generating {path.name} …", file=sys.stderr, flush=True)
        meetings, phases, commitments = sizes
        command = [
            sys.executable, "-m", "benchmarks.synth", "--meetings", str(meetings),
            "--phases", str(phases), "--commitments", str(commitments), "--seed", str(seed),
            "--db", str(path), "--force",
        ]  # fmt: skip
    seconds, _ = timed(
        partial(subprocess.run, command, cwd=code, env=environment(code, path), check=True)
    )
    return path, seconds


def _migrated(path: Path, code: Path) -> None:
    """A cached database made by an older schema, brought up to date once: otherwise every
    measurement that opens a copy of it would time the migration as well."""
    migrate = "import sys; from cooptrack.cli import main; sys.exit(main(sys.argv[1:]))"
    command = [sys.executable, "-c", migrate, "migrate", "--db", str(path)]
    subprocess.run(command, cwd=code, env=environment(code, path), check=True)


def _counts(db: Path) -> dict[str, int]:
    """Rows per table, read directly (opening a Store here could migrate the file)."""
    counts: dict[str, int] = {}
    with duckdb.connect(str(db), read_only=True) as connection:
        for table in ("meetings", "phases", "commitments", "followups"):
            found = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
            counts[table] = int(found[0]) if found else 0
    return counts


def _run_worker(kind: str, db: Path, args: argparse.Namespace, calls: Path, code: Path) -> Result:
    """`python -m benchmarks --worker KIND …` in the copied code; its result, read back."""
    handle, name = tempfile.mkstemp(prefix="cooptrack-bench-", suffix=".json")
    os.close(handle)
    command = [
        sys.executable, "-m", "benchmarks", "--worker", kind, "--db", str(db), "--result", name,
        "--runs", str(args.runs), "--naive-runs", str(args.naive_runs), "--calls", str(calls),
    ]  # fmt: skip
    for page in args.page or []:
        command += ["--page", page]
    try:
        subprocess.run(command, cwd=code, env=environment(code, db), check=True)
        loaded: Result = json.loads(Path(name).read_text(encoding="utf-8"))
        return loaded
    finally:
        os.unlink(name)


def _measured(scale: str, args: argparse.Namespace, code: Path) -> Result:
    """A scale's database (made or reused), then both workers' figures on it."""
    db, generated = prepare_database(scale, args.seed, Path(args.data_dir), code)
    result: Result = {
        "scale": scale,
        "seed": args.seed,
        "db": str(db),
        "db_bytes": db.stat().st_size,
        "generated_s": generated,
        "counts": _counts(db),
    }
    print(f"{scale}: dashboard worker", file=sys.stderr, flush=True)
    with tempfile.TemporaryDirectory(prefix="cooptrack-bench-") as folder:
        calls = Path(folder) / "calls.pickle"
        result["dashboard"] = _run_worker("dashboard", db, args, calls, code)
        print(f"{scale}: naive worker", file=sys.stderr, flush=True)
        result["naive"] = _run_worker("naive", db, args, calls, code)
    return result


def measure_scale(scale: str, args: argparse.Namespace, code: Path) -> Result:
    """One scale's figures, measured (or read back with `--reuse`), and saved."""
    data_dir = Path(args.data_dir)
    saved = data_dir / "results" / f"{scale}-seed{args.seed}.json"
    if args.reuse and saved.exists():
        result: Result = json.loads(saved.read_text(encoding="utf-8"))
        print(f"{scale}: reusing {saved}", file=sys.stderr)
    else:
        result = _measured(scale, args, code)
    if args.browser and not result.get("browser"):
        logs = data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        env = environment(code, Path(result["db"]))
        result["browser"] = measure_browser(env, args.browser_runs, logs, code)
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result
