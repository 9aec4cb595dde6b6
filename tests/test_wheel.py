"""The package as a user installs it: a wheel built from this tree, installed into a fresh
environment, run from another folder. The dashboard's scripts and the bundled record must
travel inside the wheel (nothing found by walking up from the source tree)."""

from __future__ import annotations

import csv
import io
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT

UV = ROOT / ".tools" / "bin" / "uv"


def run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=300
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv holding only the built wheel; its dependencies come from the project's venv by
    a path entry (no download), so the package itself is what is tested."""
    uv = str(UV) if UV.exists() else shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not installed here (make installs it into .tools)")
    work = tmp_path_factory.mktemp("wheel")
    built = run([uv, "build", "--wheel", "-o", str(work / "dist"), str(ROOT)], ROOT)
    assert built.returncode == 0, built.stderr
    (wheel,) = (work / "dist").glob("cooptrack-*.whl")
    venv = work / "venv"
    assert run([sys.executable, "-m", "venv", "--without-pip", str(venv)], work).returncode == 0
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (site / "project_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = venv / "bin" / "python"
    done = run([uv, "pip", "install", "--no-deps", "--python", str(python), str(wheel)], work)
    assert done.returncode == 0, done.stderr
    return venv / "bin"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_installed_wheel_builds_exports_and_serves_from_another_folder(
    installed: Path, tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("COOPTRACK_")}
    init = run([str(installed / "cooptrack"), "init", "--db", "record.duckdb"], elsewhere,
               env=environment)  # fmt: skip
    assert init.returncode == 0, init.stderr
    exported = run(
        [str(installed / "cooptrack"), "export", "meetings", "--db", "record.duckdb"],
        elsewhere,
        env=environment,
    )
    assert exported.returncode == 0, exported.stderr
    bundled = (ROOT / "data" / "seed" / "meetings.csv").read_text(encoding="utf-8")
    ids = {row["id"] for row in csv.DictReader(io.StringIO(exported.stdout))}
    assert ids == {row["id"] for row in csv.DictReader(io.StringIO(bundled))}

    port = free_port()
    server = subprocess.Popen(
        [str(installed / "cooptrack"), "serve", "--db", "record.duckdb", "--port", str(port),
         "--server.address", "127.0.0.1"],
        cwd=elsewhere, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline, answer = time.monotonic() + 60, ""
        while time.monotonic() < deadline and answer != "ok":
            time.sleep(0.5)
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health") as reply:
                    answer = reply.read().decode()
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
        assert answer == "ok"
    finally:
        server.terminate()
        server.wait(timeout=30)
