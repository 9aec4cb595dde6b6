"""Editor accounts: argon2id hashes, old scrypt accounts upgraded, the secrets file edited in
place, sign-in throttled and logged without the password, new accounts live without a restart."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import stat
import threading
import tomllib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import argon2
import pytest
import tomlkit
from hypothesis import given
from hypothesis import strategies as st
from streamlit.runtime.secrets import secrets_singleton
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.util import patch_config_options
from test_pages import APP

from cooptrack.cli import main
from cooptrack.errors import InputError
from cooptrack.record import accounts
from cooptrack.ui import auth

PASSWORD = "correct horse battery"
HEADER = '# kept: a comment\n[auth]\ncookie_secret = "keep me"  # and this one\n'


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def fresh_throttle() -> Iterator[None]:
    """The dashboard's per-account throttle is process-wide: no test leaves an account locked."""
    clock = auth.ACCOUNT_THROTTLE.clock
    auth.ACCOUNT_THROTTLE.clear()
    yield
    auth.ACCOUNT_THROTTLE.clear()
    auth.ACCOUNT_THROTTLE.clock = clock


@pytest.fixture
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """For tests of throttling and of file editing, not of hashing: argon2id at 1 MiB, one pass."""
    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    monkeypatch.setattr(accounts, "_HASHER", cheap)
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


def scrypt_account(password: str) -> dict[str, str]:
    """An account as `add-editor` wrote it before argon2."""
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return {"salt": salt.hex(), "hash": digest.hex()}


def stored(path: Path) -> dict[str, Any]:
    table: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))["cooptrack"]["accounts"]
    return table


# --- hashing --------------------------------------------------------------------------------


def test_accounts_are_argon2id_hashes_with_their_parameters(tmp_path: Path) -> None:
    secrets = tmp_path / ".streamlit" / "secrets.toml"
    secrets.parent.mkdir()
    secrets.write_text(HEADER, encoding="utf-8")
    secrets.chmod(0o644)
    assert accounts.add_account(secrets, "alice", PASSWORD) is False
    text = secrets.read_text(encoding="utf-8")
    assert PASSWORD not in text and text.startswith(HEADER)
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o600
    table = stored(secrets)
    assert list(table["alice"]) == ["hash"]
    encoded = table["alice"]["hash"]
    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert argon2.extract_parameters(encoded) == argon2.profiles.RFC_9106_LOW_MEMORY
    assert accounts.check_password(table, "alice", PASSWORD)
    assert not accounts.check_password(table, "alice", PASSWORD + "!")
    assert not accounts.check_password(table, "mallory", PASSWORD)
    assert accounts.add_account(secrets, "alice", "another long secret") is True
    assert stored(secrets)["alice"]["hash"] != encoded
    assert accounts.check_password(stored(secrets), "alice", "another long secret")
    with pytest.raises(InputError, match="at least 10 characters"):
        accounts.add_account(secrets, "bob", "short")
    with pytest.raises(InputError, match="not an account name"):
        accounts.add_account(secrets, "Bob Smith", "long enough password")
    assert list(stored(secrets)) == ["alice"]


def test_every_name_costs_one_check_against_a_hash_of_the_same_parameters(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Timing does not tell which names exist: unknown, malformed and damaged entries are checked
    against a dummy hash made like a real one."""
    real = {"hash": accounts.hash_password(PASSWORD)}
    table = {"alice": real, "broken": {"hash": "$argon2id$nonsense"}, "odd": "not a table"}
    checked: list[str] = []
    original = argon2.PasswordHasher.verify

    def spy(hasher: argon2.PasswordHasher, encoded: str, secret: bytes) -> bool:
        checked.append(encoded)
        return original(hasher, encoded, secret)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", spy)
    for name in ["alice", "mallory", "Not A Name", "x" * 10_000, "broken", "odd", ""]:
        checked.clear()
        assert not accounts.check_password(table, name, "a wrong password")
        assert len(checked) == 1 + (name == "broken"), name
        assert argon2.extract_parameters(checked[-1]) == argon2.extract_parameters(real["hash"])


def test_old_scrypt_accounts_sign_in_and_are_upgraded_in_their_file(tmp_path: Path) -> None:
    legacy = scrypt_account(PASSWORD)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        f'{HEADER}\n[cooptrack.accounts.alice]\n# set up in 2024\nsalt = "{legacy["salt"]}"\n'
        f'hash = "{legacy["hash"]}"\n\n[cooptrack.accounts.bob]\nhash = "$argon2id$x"\n',
        encoding="utf-8",
    )
    other = tmp_path / "global.toml"
    other.write_text('[cooptrack]\neditors = ["a@b.c"]\n', encoding="utf-8")
    assert accounts.verify(stored(secrets), "alice", "wrong password!") == accounts.Verdict(False)
    verdict = accounts.verify(stored(secrets), "alice", PASSWORD)
    assert verdict.accepted and verdict.upgraded_hash
    assert verdict.upgraded_hash.startswith("$argon2id$")
    # Someone set a new password meanwhile: the upgrade does not overwrite it.
    assert accounts.store_upgraded_hash([secrets], "alice", "$argon2id$new", replacing="0f") is None
    before = other.read_bytes()
    written = accounts.store_upgraded_hash(
        [secrets, other, tmp_path / "missing.toml"],
        "alice",
        verdict.upgraded_hash,
        replacing=legacy["hash"],
    )
    assert written == secrets and other.read_bytes() == before
    text = secrets.read_text(encoding="utf-8")
    assert text.startswith(HEADER) and "# set up in 2024" in text
    assert stored(secrets)["alice"] == {"hash": verdict.upgraded_hash}
    assert stored(secrets)["bob"] == {"hash": "$argon2id$x"}
    assert accounts.verify(stored(secrets), "alice", PASSWORD) == accounts.Verdict(True)


def test_hashes_made_with_older_parameters_are_upgraded() -> None:
    weaker = argon2.PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    verdict = accounts.verify({"alice": {"hash": weaker.hash(PASSWORD)}}, "alice", PASSWORD)
    assert verdict.accepted and verdict.upgraded_hash
    assert argon2.extract_parameters(verdict.upgraded_hash) == argon2.profiles.RFC_9106_LOW_MEMORY
    assert accounts.verify({"alice": {"hash": weaker.hash(PASSWORD)}}, "alice", "nope!") == (
        accounts.Verdict(False)
    )


# --- the secrets file -----------------------------------------------------------------------

INLINE_LAYOUTS = {
    "inline under [cooptrack]": '[cooptrack]\naccounts = {{ alice = {{ salt = "{salt}", '
    'hash = "{hash}" }}, carol = {{ hash = "$argon2id$c" }} }}\n',
    "inline under [cooptrack.accounts]": '[cooptrack.accounts]\nalice = {{salt="{salt}", '
    'hash="{hash}"}}\ncarol = {{hash="$argon2id$c"}}\n',
    "dotted keys": '[cooptrack]\naccounts.alice.salt = "{salt}"\naccounts.alice.hash = "{hash}"\n'
    'accounts.carol.hash = "$argon2id$c"\n',
}


@pytest.mark.parametrize("layout", INLINE_LAYOUTS)
def test_accounts_written_inline_are_read_and_replaced(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    layout: str,
    cheap_hashing: None,
) -> None:
    legacy = scrypt_account(PASSWORD)
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(HEADER + INLINE_LAYOUTS[layout].format(**legacy), encoding="utf-8")
    assert accounts.check_password(stored(secrets), "alice", PASSWORD)
    monkeypatch.setattr("sys.stdin", io.StringIO("a new long password\n"))
    command = ["add-editor", "alice", "--secrets", str(secrets), "--password-stdin"]
    assert main(command) == 0
    assert "replaced editor account 'alice'" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO("dora's long password\n"))
    assert main(["add-editor", "dora", "--secrets", str(secrets), "--password-stdin"]) == 0
    table = stored(secrets)
    assert secrets.read_text(encoding="utf-8").startswith(HEADER)
    assert set(table) == {"alice", "carol", "dora"} and table["carol"] == {"hash": "$argon2id$c"}
    assert list(table["alice"]) == ["hash"]
    assert accounts.check_password(table, "alice", "a new long password")
    assert accounts.check_password(table, "dora", "dora's long password")


@pytest.mark.parametrize(
    "content, reason",
    [
        ("[cooptrack\n", "is not valid TOML"),
        ("a = 1\na = 2\n", "is not valid TOML"),
        ('cooptrack = "on"\n', "cooptrack is not a table"),
        ("[[cooptrack.accounts]]\nhash = 'x'\n", "cooptrack.accounts is not a table"),
        ('[cooptrack.accounts]\nalice = "secret"\n', "cooptrack.accounts.alice is not a table"),
        (b"[auth]\nx = '\xff'\n", "is not UTF-8 text"),
    ],
)
def test_a_file_that_cannot_be_edited_is_one_message_and_stays_as_it_was(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str | bytes,
    reason: str,
    cheap_hashing: None,
) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_bytes(content if isinstance(content, bytes) else content.encode())
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["add-editor", "alice", "--secrets", str(secrets), "--password-stdin"]) == 2
    error = capsys.readouterr().err
    assert reason in error and error.count("\n") == 1 and "Traceback" not in error
    assert PASSWORD not in error
    assert secrets.read_bytes() == (content if isinstance(content, bytes) else content.encode())
    assert os.listdir(tmp_path) == ["secrets.toml"]


def test_the_file_is_replaced_whole_or_not_at_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cheap_hashing: None
) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(HEADER, encoding="utf-8")

    def full_disk(source: str, target: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(InputError, match=r"cannot write .*No space left on device"):
        accounts.add_account(secrets, "alice", PASSWORD)
    assert secrets.read_text(encoding="utf-8") == HEADER
    assert os.listdir(tmp_path) == ["secrets.toml"]  # no temporary file left behind


def test_only_regular_files_are_written_and_links_are_followed(
    tmp_path: Path, cheap_hashing: None
) -> None:
    real = tmp_path / "kept" / "secrets.toml"
    real.parent.mkdir()
    real.write_text(HEADER, encoding="utf-8")
    link = tmp_path / "secrets.toml"
    link.symlink_to(real)
    accounts.add_account(link, "alice", PASSWORD)
    assert link.is_symlink() and "alice" in stored(real)
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    for path in [tmp_path / "kept", fifo]:
        with pytest.raises(InputError, match="is not a regular file"):
            accounts.add_account(path, "alice", PASSWORD)
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(InputError, match=r"cannot (read|write)"):
        accounts.add_account(real / "under-a-file.toml", "alice", PASSWORD)


KEYS = st.sampled_from(["alice", "bob", "first.last", "x-1", "editors", "hash", "salt"])
VALUES = st.one_of(
    st.integers(-5, 5), st.text(max_size=8), st.lists(st.text(max_size=4), max_size=2)
)
COMMENTS = st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=20)
NAMES = ["alice", "bob", "first.last", "x-1"]
BODIES = ['hash = "h"', 'salt = "00"\nhash = "11"']


def toml_key(name: str) -> str:
    return tomlkit.key(name).as_string()


@st.composite
def secrets_documents(draw: st.DrawFn) -> str:
    """Secrets files as people write them: other settings, comments, and accounts as tables,
    inline tables or dotted keys."""
    bodies = {
        toml_key(n): draw(st.sampled_from(BODIES)) for n in draw(st.sets(st.sampled_from(NAMES)))
    }
    inline = {key: "{ " + body.replace("\n", ", ") + " }" for key, body in bodies.items()}
    lines = [f"# {draw(COMMENTS)}"]
    lines += [
        f"{k} = {tomlkit.item(v).as_string()}"
        for k, v in draw(st.dictionaries(KEYS, VALUES)).items()
    ]
    style = draw(
        st.sampled_from(["tables", "under [cooptrack]", "inline", "each inline", "dotted"])
    )
    if style == "dotted":
        lines += [
            f"cooptrack.accounts.{k}.{line}" for k, b in bodies.items() for line in b.split("\n")
        ]
    if draw(st.booleans()):
        lines += ["[auth]", f'cookie_secret = "s"  # {draw(COMMENTS)}']
    if style == "under [cooptrack]":
        lines += ["[cooptrack]", 'editors = ["e@x.org"]']
    if style in ("tables", "under [cooptrack]"):
        lines += [f"[cooptrack.accounts.{k}]\n{b}" for k, b in bodies.items()]
    elif style == "inline":
        lines += [
            "[cooptrack]",
            f"accounts = {{ {', '.join(f'{k} = {v}' for k, v in inline.items())} }}",
        ]
    elif style == "each inline":
        lines += ["[cooptrack.accounts]", *(f"{k} = {v}" for k, v in inline.items())]
    if draw(st.booleans()):
        lines += ["[other]", "x = 1  # trailing"]
    return "\n".join(lines) + "\n"


@given(secrets_documents(), st.sampled_from(["alice", "bob", "first.last", "dora"]))
def test_setting_a_hash_changes_that_account_and_nothing_else(text: str, name: str) -> None:
    before = tomllib.loads(text)
    new_text, replaced = accounts.with_account_hash(text, name, "$argon2id$new", "secrets.toml")
    after = tomllib.loads(new_text)
    assert replaced == (name in before.get("cooptrack", {}).get("accounts", {}))
    assert after["cooptrack"]["accounts"][name] == {"hash": "$argon2id$new"}
    del after["cooptrack"]["accounts"][name]
    before.get("cooptrack", {}).get("accounts", {}).pop(name, None)
    if not after["cooptrack"]["accounts"] and "accounts" not in before.get("cooptrack", {}):
        del after["cooptrack"]["accounts"]
    if not after["cooptrack"] and "cooptrack" not in before:
        del after["cooptrack"]
    assert after == before
    comments = [line for line in text.splitlines() if line.lstrip().startswith("#")]
    assert all(comment in new_text for comment in comments)


@pytest.mark.fuzz
@given(
    st.one_of(
        st.text(max_size=300),
        secrets_documents(),
        secrets_documents().map(lambda t: t[: len(t) // 2]),
    ),
    st.one_of(st.sampled_from(NAMES), st.text(max_size=70)),
)
def test_any_file_and_name_give_a_faithful_edit_or_one_input_error(text: str, name: str) -> None:
    try:
        new_text, _ = accounts.with_account_hash(text, name, "$argon2id$new", "secrets.toml")
    except InputError as error:
        assert "\n" not in str(error)
        return
    assert tomllib.loads(new_text)["cooptrack"]["accounts"][name] == {"hash": "$argon2id$new"}


# --- throttling -----------------------------------------------------------------------------


def attempt(
    table: Mapping[str, Any],
    name: str,
    password: str,
    by_account: accounts.Throttle,
    by_session: accounts.Throttle,
    session: str = "s1",
) -> accounts.SignIn:
    return accounts.attempt_sign_in(
        table, name, password, by_account=by_account, by_session=by_session, session=session
    )


def test_200_wrong_passwords_then_the_right_one_is_refused_until_the_lock_ends(
    caplog: pytest.LogCaptureFixture, cheap_hashing: None
) -> None:
    clock = Clock()
    by_account, by_session = accounts.Throttle(clock=clock), accounts.Throttle(clock=clock)
    table = {"alice": {"hash": accounts.hash_password(PASSWORD)}}
    caplog.set_level(logging.INFO, logger="cooptrack.auth")
    outcomes = []
    for guess in range(200):  # 200 guesses in 90 s, each from a new session
        new_session = accounts.Throttle(clock=clock)
        outcomes.append(attempt(table, "alice", f"guess number {guess}", by_account, new_session))
        clock.now += 0.45
    assert not any(o.accepted for o in outcomes)
    checked = [i for i, o in enumerate(outcomes) if o.message.startswith(accounts.WRONG)]
    assert checked == [0, 1, 2, 3, 4, 138]  # five; then one as the minute's lock ends (62.1 s)
    assert outcomes[4].message == f"{accounts.WRONG} {accounts.too_many_failures(60)}"
    assert outcomes[138].message == f"{accounts.WRONG} {accounts.too_many_failures(120)}"
    refused = [o.message for i, o in enumerate(outcomes) if i not in checked]
    assert all(m.startswith("Too many failed sign-ins: try again in") for m in refused)
    right = attempt(table, "alice", PASSWORD, by_account, by_session)
    assert not right.accepted and right.message == accounts.too_many_failures(120)
    clock.now += by_account.wait("alice")
    assert attempt(table, "alice", PASSWORD, by_account, by_session).accepted
    messages = [r.getMessage() for r in caplog.records]
    assert sum("sign-in failed: account 'alice', session s1" in m for m in messages) == 6
    assert sum("sign-in refused" in m and "'alice', session s1" in m for m in messages) == 195
    assert "signed in: account 'alice', session s1" in messages[-1]
    assert not [m for m in messages if PASSWORD in m or "guess number" in m]
    assert {r.name for r in caplog.records} == {"cooptrack.auth"}


def test_an_unknown_name_and_a_wrong_password_get_the_same_answers(cheap_hashing: None) -> None:
    clock = Clock()
    table = {"alice": {"hash": accounts.hash_password(PASSWORD)}}

    def answers(name: str) -> list[str]:
        by_account = accounts.Throttle(clock=clock)
        said = []
        for _ in range(7):
            session = accounts.Throttle(clock=clock)
            said.append(attempt(table, name, "wrong password", by_account, session).message)
            clock.now += 61
        return said

    wrong, locked = accounts.WRONG, accounts.too_many_failures
    expected = [wrong] * 4 + [f"{wrong} {locked(60)}", f"{wrong} {locked(120)}", locked(59)]
    assert answers("alice") == expected
    assert answers("mallory") == expected


def test_one_session_trying_many_names_is_locked_out_but_not_the_others(
    cheap_hashing: None,
) -> None:
    clock = Clock()
    by_account, mine, theirs = (
        accounts.Throttle(clock=clock),
        accounts.Throttle(clock=clock),
        accounts.Throttle(clock=clock),
    )
    table = {"alice": {"hash": accounts.hash_password(PASSWORD)}}
    for name in ["ann", "ben", "cat", "dan", "eve"]:
        attempt(table, name, "wrong password", by_account, mine)
    assert not attempt(table, "alice", PASSWORD, by_account, mine).accepted
    assert attempt(table, "alice", PASSWORD, by_account, theirs).accepted


def test_locks_grow_with_each_failure_after_one_and_a_quiet_window_forgets() -> None:
    clock = Clock()
    throttle = accounts.Throttle(clock=clock)
    assert [throttle.failed("a") for _ in range(5)] == [0, 0, 0, 0, 60]
    waits = []
    for _ in range(6):
        clock.now += throttle.wait("a")
        waits.append(throttle.failed("a"))
    assert waits == [120, 240, 480, 900, 900, 900]
    clock.now += 900 + throttle.window
    assert throttle.wait("a") == 0 and throttle.failed("a") == 0
    throttle.succeeded("a")
    assert [throttle.failed("a") for _ in range(5)][-1] == 60


def test_failures_spread_wider_than_the_window_never_lock() -> None:
    clock = Clock()
    throttle = accounts.Throttle(clock=clock)
    for _ in range(20):
        assert throttle.failed("a") == 0
        clock.now += throttle.window / 4
    assert throttle.wait("a") == 0


def test_trying_endless_names_keeps_memory_bounded() -> None:
    clock = Clock()
    throttle = accounts.Throttle(clock=clock, max_keys=100)
    for i in range(1_000):
        throttle.failed(f"name-{i}")
    assert len(throttle._records) == 100
    assert throttle.wait("name-999") == 0 and throttle.failed("name-999") == 0


def test_a_burst_of_parallel_guesses_gets_no_more_checks_than_the_limit(
    monkeypatch: pytest.MonkeyPatch, cheap_hashing: None
) -> None:
    clock = Clock()
    by_account = accounts.Throttle(clock=clock)
    table = {"alice": {"hash": accounts.hash_password(PASSWORD)}}
    checks: list[str] = []
    original = accounts._verify

    def counted(table: Mapping[str, Any], name: str, password: str) -> accounts.Verdict:
        checks.append(name)
        return original(table, name, password)

    monkeypatch.setattr(accounts, "_verify", counted)

    def guess() -> None:
        for _ in range(5):
            attempt(table, "alice", "wrong password", by_account, accounts.Throttle(clock=clock))

    threads = [threading.Thread(target=guess) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(checks) == by_account.limit


# --- on the dashboard -----------------------------------------------------------------------


@pytest.fixture
def dashboard(bundled_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COOPTRACK_DB", str(bundled_db))
    monkeypatch.setenv("COOPTRACK_TODAY", "2026-11-28")


@pytest.fixture
def secrets_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A real secrets file read by Streamlit itself (not `AppTest.secrets`), with Streamlit's
    own poller off, as when the file did not exist at start-up."""
    path = tmp_path / "secrets.toml"
    secrets_singleton._reset()
    monkeypatch.setattr(secrets_singleton, "_file_watchers_installed", True)
    with patch_config_options({"secrets.files": [str(path)]}):
        yield path
    secrets_singleton._reset()


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="sign_in_name").input(name)
    at.text_input(key="sign_in_password").input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


def signed_in_as(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if c.value.startswith("Signed in as")]


def test_an_editor_added_while_the_dashboard_runs_signs_in_without_a_restart(
    dashboard: None, secrets_file: Path, cheap_hashing: None
) -> None:
    secrets_file.write_text("[cooptrack]\neditors = []\n", encoding="utf-8")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and "Editor sign-in" not in [e.label for e in at.expander]
    accounts.add_account(secrets_file, "alice", PASSWORD)  # the first editor
    at.run()
    assert not at.exception and not at.error
    assert "Editor sign-in" in [e.label for e in at.expander]
    assert signed_in_as(sign_in(at, "alice", PASSWORD)) == ["Signed in as **alice** (editor)"]
    accounts.add_account(secrets_file, "bob", "bob's long password")  # a second one
    next(b for b in at.button if b.label == "Sign out").click().run()
    assert signed_in_as(sign_in(at, "bob", "bob's long password")) == [
        "Signed in as **bob** (editor)"
    ]
    assert not at.exception and not at.error
    fresh = AppTest.from_file(APP, default_timeout=60).run()
    assert signed_in_as(sign_in(fresh, "alice", PASSWORD)) == ["Signed in as **alice** (editor)"]


def test_an_old_scrypt_account_signing_in_on_the_page_is_stored_as_argon2id(
    dashboard: None, secrets_file: Path, cheap_hashing: None
) -> None:
    legacy = scrypt_account(PASSWORD)
    secrets_file.write_text(
        f'{HEADER}[cooptrack.accounts.alice]\nsalt = "{legacy["salt"]}"\n'
        f'hash = "{legacy["hash"]}"\n',
        encoding="utf-8",
    )
    at = sign_in(AppTest.from_file(APP, default_timeout=60).run(), "alice", PASSWORD)
    assert signed_in_as(at) == ["Signed in as **alice** (editor)"]
    assert stored(secrets_file)["alice"]["hash"].startswith("$argon2id$")
    assert secrets_file.read_text(encoding="utf-8").startswith(HEADER)
    at.run()  # the rewritten file is read again: still signed in, nothing broken
    assert signed_in_as(at) == ["Signed in as **alice** (editor)"] and not at.exception


def test_sign_in_on_the_page_is_throttled_and_names_the_wait(
    dashboard: None, cheap_hashing: None
) -> None:
    clock = Clock()
    auth.ACCOUNT_THROTTLE.clock = clock
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = {"cooptrack": {"accounts": {"dora": {"hash": accounts.hash_password(PASSWORD)}}}}
    at.run()
    for guess in range(5):
        sign_in(at, "dora", f"wrong guess {guess}")
    assert [e.value for e in at.error] == [
        f"{accounts.WRONG} Too many failed sign-ins: try again in 1 minute."
    ]
    sign_in(at, "dora", PASSWORD)
    assert [e.value for e in at.error] == ["Too many failed sign-ins: try again in 1 minute."]
    assert signed_in_as(at) == []
    clock.now += 60
    assert signed_in_as(sign_in(at, "dora", PASSWORD)) == ["Signed in as **dora** (editor)"]


def test_without_a_secrets_file_streamlit_is_asked_once_not_at_every_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit searches for a missing secrets file under one process-wide lock at every
    access: every page run of every session queued behind it. Asked again only when a file
    appears or changes."""
    path = tmp_path / "secrets.toml"
    secrets_singleton._reset()
    monkeypatch.setattr(secrets_singleton, "_file_watchers_installed", True)
    monkeypatch.setattr(auth, "_secrets_seen", None)
    parse = type(secrets_singleton)._parse
    calls: list[None] = []

    def counted(self: Any) -> Any:
        calls.append(None)
        return parse(self)

    monkeypatch.setattr(type(secrets_singleton), "_parse", counted)
    with patch_config_options({"secrets.files": [str(path)]}):
        checks = [auth.editing_configured() for _ in range(20)]
        assert checks == [False] * 20
        assert len(calls) == 1  # the first check only
        accounts.add_account(path, "alice", PASSWORD)
        assert auth.editing_configured() and list(auth.accounts()) == ["alice"]
        asked = len(calls)
        assert [auth.editing_configured() for _ in range(5)] == [True] * 5
        assert len(calls) == asked
    secrets_singleton._reset()
