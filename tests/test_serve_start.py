"""What the dashboard's server does before it serves: an older record is migrated then, not
in the first visitor's page run."""

from __future__ import annotations

import logging
import socket
from pathlib import Path

import duckdb
import pytest
from test_series_russian import as_version_4

from cooptrack.db import schema
from cooptrack.ui import serve
from cooptrack.ui.serve import prepare_record


def _version(path: Path) -> str:
    with duckdb.connect(str(path), read_only=True) as connection:
        row = connection.execute(
            "SELECT value FROM schema_meta WHERE key = 'schema_version'"
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_an_older_record_is_migrated_before_serving(
    bundled_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "record.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    as_version_4(path)
    monkeypatch.setenv("COOPTRACK_DB", str(path))
    prepare_record(logging.getLogger("test"))
    assert _version(path) == str(schema.SCHEMA_VERSION)


def test_a_record_that_cannot_be_opened_is_logged_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "broken.duckdb"
    path.write_bytes(b"not a database" * 100)
    monkeypatch.setenv("COOPTRACK_DB", str(path))
    with caplog.at_level(logging.ERROR):
        prepare_record(logging.getLogger("test"))  # the pages say what is wrong
    assert "not prepared" in caplog.text


@pytest.mark.parametrize(
    ("variable", "value"),
    [("COOPTRACK_MEMORY", "lots"), ("COOPTRACK_ROLE", "admin"), ("COOPTRACK_LOG_FORMAT", "xml")],
)
def test_a_setting_that_is_wrong_stops_the_server_before_it_serves(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
) -> None:
    """One line naming the setting and what to write, exit status 2, nothing served."""
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit) as stopped:
        serve.main()
    assert stopped.value.code == 2
    said = capsys.readouterr().err
    assert said.startswith(f"cooptrack: error: {variable}={value!r}")
    assert "Traceback" not in said


def test_the_server_socket_sends_small_messages_without_waiting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Nagle's algorithm held a page's first small messages ~40 ms for the browser's delayed
    acknowledgement: the socket Streamlit binds now has TCP_NODELAY, and so does every
    connection it accepts."""
    from streamlit.web.server.starlette import starlette_server

    original = starlette_server._bind_socket
    monkeypatch.setattr(starlette_server, "_bind_socket", original)  # restored after the test
    unpatched = original("127.0.0.1", 0, 8)
    assert unpatched.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0  # why it matters
    unpatched.close()
    assert serve.send_small_messages_at_once()
    listening = starlette_server._bind_socket("127.0.0.1", 0, 8)
    listening.listen()
    try:
        assert listening.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
        with socket.create_connection(listening.getsockname()[:2]):
            listening.setblocking(True)
            accepted, _ = listening.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1
    finally:
        listening.close()
