"""Start the dashboard: `python -m cooptrack.ui.serve [streamlit options]`.

Streamlit runs `cooptrack/ui/dashboard.py`, which runs the project's `app.py` (see its
docstring for why the entry point is not `app.py` itself). The project's Streamlit settings
(no error details for users, no file watcher, …) are passed as options, so they hold from any
folder; options given here come after them and win.

Log lines go to standard error, as text or, with COOPTRACK_LOG_FORMAT=json, one JSON object per
line; each names the process's role and id, and, within a page run, the browser session and
the run (so one visitor's requests can be followed across lines). Nothing a user typed as a
password, and no secrets file content, is ever logged.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sys
import tomllib
from pathlib import Path

from streamlit.web import cli

from cooptrack import config
from cooptrack.db.store import Store
from cooptrack.errors import ConfigError, CooptrackError

ENTRY = Path(__file__).resolve().parent / "server_app.py"


def settings_as_options(path: Path) -> list[str]:
    """`[client] showErrorDetails = "none"` → `--client.showErrorDetails=none`."""
    if not path.is_file():
        return []
    settings = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        f"--{section}.{key}={str(value).lower() if isinstance(value, bool) else value}"
        for section, values in settings.items()
        for key, value in values.items()
    ]


class RunContext(logging.Filter):
    """Adds `role`, `session` and `run` to every record ("-" outside a page run)."""

    def __init__(self, role: str) -> None:
        super().__init__()
        self.role = role

    def filter(self, record: logging.LogRecord) -> bool:
        record.role = self.role
        record.session = _session_id() or "-"
        data = sys.modules.get("cooptrack.ui.data")  # loaded once the first page runs
        run = data.current_run() if data is not None else None
        record.run = run or "-"
        return True


def _session_id() -> str | None:
    """Streamlit's id of the browser session whose page run is logging, if any."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx  # noqa: PLC0415

        context = get_script_run_ctx(suppress_warning=True)
    except Exception:  # logging must never fail for want of an id
        return None
    return None if context is None else str(context.session_id)[:12]


class JsonLines(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "role": getattr(record, "role", "-"),
            "pid": record.process,
            "session": getattr(record, "session", "-"),
            "run": getattr(record, "run", "-"),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        text: str = json.dumps(entry, ensure_ascii=False)
        return text


TEXT_FORMAT = (
    "%(asctime)s %(levelname)s %(name)s [%(role)s pid=%(process)d session=%(session)s "
    "run=%(run)s]: %(message)s"
)


def configure_logging(form: config.LogFormat, role: str) -> logging.Handler:
    """Standard error, INFO and up, with the run context on every line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RunContext(role))
    handler.setFormatter(JsonLines() if form == "json" else logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    return handler


def prepare_record(log: logging.Logger) -> None:
    """Before serving, an editor brings an older record up to this release's schema (at a
    million commitments that takes seconds, which the first visitor would otherwise wait
    for) and, with a snapshot folder, publishes a snapshot, so that viewers started beside
    it have a record to read before anyone opens a page here."""
    try:
        database = config.database_path()
        if database.is_file():
            Store.open_shared(database).close()  # migrates; publishes unless the newest is current
    except CooptrackError as error:
        log.error("the record was not prepared at start: %s", error)  # pages say what is wrong


def send_small_messages_at_once() -> bool:
    """Turn Nagle's algorithm off for the dashboard's connections; False when Streamlit no
    longer binds its socket where this expects.

    Streamlit binds its listening socket as `socket.socket(family)`, with protocol 0, and
    asyncio sets TCP_NODELAY only on sockets whose protocol reads IPPROTO_TCP. With Nagle on,
    the small websocket messages of a page's first run (status, page config, navigation, the
    heading) waited behind the first for the browser's delayed acknowledgement: they reached it
    together ~40 ms after they were sent, on every visit (strace of the server and a protocol
    client, docs/benchmarks.md). Linux hands the listening socket's TCP_NODELAY on to each
    connection it accepts."""
    try:
        from streamlit.web.server.starlette import starlette_server  # noqa: PLC0415
    except ImportError:
        return False
    bind = getattr(starlette_server, "_bind_socket", None)
    if bind is None:
        return False

    def bind_without_nagle(*args: object, **kwargs: object) -> socket.socket:
        bound: socket.socket = bind(*args, **kwargs)
        with contextlib.suppress(OSError):  # not a TCP socket: nothing to turn off
            bound.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return bound

    starlette_server._bind_socket = bind_without_nagle
    return True


def main() -> None:
    try:
        role, form = config.role(), config.log_format()
        config.memory_limit()  # checked now: every page would otherwise say it
    except ConfigError as error:
        print(f"cooptrack: error: {error}", file=sys.stderr)
        sys.exit(2)
    configure_logging(form, role)
    log = logging.getLogger("cooptrack.serve")
    log.info("starting the %s dashboard (pid %d)", role, os.getpid())
    if role == "editor":
        prepare_record(log)
    options = settings_as_options(config.streamlit_settings())
    if not send_small_messages_at_once():
        log.warning("Streamlit's socket binding changed: small messages may wait up to 40 ms")
    sys.argv = ["streamlit", "run", str(ENTRY), *options, *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
