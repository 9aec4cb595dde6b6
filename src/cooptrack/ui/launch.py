"""Run the dashboard in a child process exactly as `make run` does, and wait until it answers.

Shared by the browser tests and the benchmark's browser measurement, so both drive the server a
user gets (`python -m cooptrack.ui.serve`).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


class ServerDidNotStart(RuntimeError):
    """The server exited or did not answer its health check in time; says why."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:  # noqa: S310
            return bool(response.read().decode().strip() == "ok")
    except (urllib.error.URLError, OSError):
        return False


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask a server to stop; kill it if it has not within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _under_prefix(url: str, options: tuple[str, ...]) -> str:
    """Where the server answers with `--server.baseUrlPath PREFIX` among `options`."""
    for number, option in enumerate(options):
        if option == "--server.baseUrlPath" and number + 1 < len(options):
            return f"{url}/{options[number + 1].strip('/')}"
        if option.startswith("--server.baseUrlPath="):
            return f"{url}/{option.split('=', 1)[1].strip('/')}"
    return url


@contextmanager
def running_server(
    env: Mapping[str, str],
    cwd: Path,
    logs: tuple[Path, Path],
    startup_seconds: float,
    *options: str,
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Start the dashboard on a free local port with Streamlit `options`; yield its base URL
    and process; stop it on leaving. Output goes to the `logs` files (stdout, stderr), never to
    pipes: a chatty server must not block on a full pipe buffer."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "cooptrack.ui.serve",
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.address",
        "127.0.0.1",
        *options,
    ]
    with logs[0].open("ab") as out, logs[1].open("ab") as err:
        process = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=out, stderr=err)
    served = _under_prefix(url, options)
    try:
        deadline = time.monotonic() + startup_seconds
        while not healthy(served):
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = logs[1].read_text(errors="replace")
                raise ServerDidNotStart(
                    f"dashboard did not become healthy at {url} "
                    f"(exit code {process.poll()}); stderr:\n{stderr}"
                )
            time.sleep(0.25)
        yield url, process
    finally:
        stop(process)
