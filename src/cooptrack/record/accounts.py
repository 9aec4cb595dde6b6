"""Local editor accounts for a small team without an identity provider.

Passwords are never stored: each account keeps an argon2id hash that carries its own parameters
and salt (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) in `.streamlit/secrets.toml`, under
`[cooptrack.accounts.NAME]`. A check does the same work for unknown names (against a dummy hash
made with the same parameters), so timing does not reveal which names exist. Accounts from before
argon2 (scrypt `salt` + `hash` in hex) still sign in; a successful sign-in hands back an argon2id
hash to replace them, as it does when the library's parameters have moved on. Failed sign-ins are
throttled per account and per session (`Throttle`, `attempt_sign_in`) and logged, without the
password, to the "cooptrack.auth" logger. The secrets file is edited with tomlkit, so comments,
layout and every other setting stay as they were.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import hmac
import logging
import math
import re
import threading
import time
import tomllib
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomlkit
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import InlineTable

from cooptrack import files
from cooptrack.errors import InputError
from cooptrack.i18n import N_, _, ngettext, number

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
_LONGEST_NAME = 63
MIN_PASSWORD = 10
DEFAULT_SECRETS = Path(".streamlit/secrets.toml")
WRONG = N_("Unknown account or wrong password.")  # translated where it is shown

_log = logging.getLogger("cooptrack.auth")
_HASHER = PasswordHasher()  # argon2id, RFC 9106 low-memory parameters (64 MiB, t=3, p=4)
_LEGACY_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
# One check at a time: each holds 64 MiB, and a check-then-record under one lock means a burst of
# parallel attempts cannot slip past the throttle before the first failure is counted.
_CHECKING = threading.Lock()
_WRITING = threading.Lock()


def _secret(password: str) -> bytes:
    return password.encode("utf-8", "surrogatepass")


def hash_password(password: str) -> str:
    """The argon2id hash to store: salt and parameters are inside it."""
    return _HASHER.hash(_secret(password))


@functools.cache
def _dummy_hash() -> str:
    return _HASHER.hash(b"no such account")


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    upgraded_hash: str | None = None  # set when accepted and the stored hash should be replaced


def verify(accounts: Mapping[str, Any], name: str, password: str) -> Verdict:
    """Accepted only for a configured name with the right password; same work either way."""
    with _CHECKING:
        return _verify(accounts, name, password)


def check_password(accounts: Mapping[str, Any], name: str, password: str) -> bool:
    return verify(accounts, name, password).accepted


def _verify(accounts: Mapping[str, Any], name: str, password: str) -> Verdict:
    dummy = _dummy_hash()  # made before branching: the first check costs the same for any name
    account = accounts.get(name) if isinstance(accounts, Mapping) else None
    stored = account.get("hash") if isinstance(account, Mapping) else None
    salt = account.get("salt") if isinstance(account, Mapping) else None
    secret = _secret(password)
    if isinstance(stored, str) and stored.startswith("$argon2"):
        return _verify_argon2(stored, secret, password)
    if isinstance(stored, str) and isinstance(salt, str):
        return _verify_scrypt(salt, stored, secret, password)
    _argon2_matches(dummy, secret)
    return Verdict(False)


def _argon2_matches(stored: str, secret: bytes) -> bool:
    try:
        return _HASHER.verify(stored, secret)
    except VerificationError:
        return False


def _verify_argon2(stored: str, secret: bytes, password: str) -> Verdict:
    try:
        _HASHER.verify(stored, secret)
    except VerifyMismatchError:
        return Verdict(False)
    except (VerificationError, InvalidHashError):  # a damaged hash: still do the usual work
        _argon2_matches(_dummy_hash(), secret)
        return Verdict(False)
    outdated = _HASHER.check_needs_rehash(stored)
    return Verdict(True, hash_password(password) if outdated else None)


def _verify_scrypt(salt: str, stored: str, secret: bytes, password: str) -> Verdict:
    """Accounts written before argon2: accepted, and upgraded on success."""
    try:
        salt_bytes, expected = bytes.fromhex(salt), bytes.fromhex(stored)
    except ValueError:
        _argon2_matches(_dummy_hash(), secret)
        return Verdict(False)
    computed = hashlib.scrypt(secret, salt=salt_bytes, **_LEGACY_SCRYPT)
    if not hmac.compare_digest(computed, expected):
        return Verdict(False)
    return Verdict(True, hash_password(password))


def validate_new(name: str, password: str) -> None:
    if not _NAME.match(name):
        raise InputError(
            f"{name!r} is not an account name: use lowercase letters, digits, '.', '_' or '-'"
        )
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password needs at least {MIN_PASSWORD} characters")


# --- throttling -----------------------------------------------------------------------------


@dataclass
class _Record:
    failures: list[float] = field(default_factory=list)
    lockouts: int = 0
    locked_until: float = 0.0


class Throttle:
    """Failed attempts per key (an account name, or one browser session).

    After `limit` failures within `window` seconds the key is locked for `delay` seconds; each
    failure after a lockout locks it again for twice as long, up to `longest`. A success, or
    `window` quiet seconds after the last lock ends, forgets the key. Attempts refused while
    locked are not checked and do not count. Thread-safe; `clock` is injectable for tests.
    """

    def __init__(
        self,
        *,
        limit: int = 5,
        window: float = 15 * 60.0,
        delay: float = 60.0,
        longest: float = 15 * 60.0,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 10_000,
    ) -> None:
        self.limit, self.window, self.delay, self.longest = limit, window, delay, longest
        self.clock, self.max_keys = clock, max_keys
        self._lock = threading.Lock()
        self._records: OrderedDict[str, _Record] = OrderedDict()

    def wait(self, key: str) -> float:
        """Seconds before `key` may try again (0 when it may now)."""
        with self._lock:
            now = self.clock()
            record = self._current(key, now)
            return max(0.0, record.locked_until - now) if record else 0.0

    def failed(self, key: str) -> float:
        """Count a failure; returns the wait it imposes (0 when none yet)."""
        with self._lock:
            now = self.clock()
            record = self._current(key, now) or _Record()
            record.failures = [t for t in record.failures if now - t < self.window] + [now]
            if record.lockouts or len(record.failures) >= self.limit:
                record.lockouts += 1
                lasting = min(self.delay * 2 ** min(record.lockouts - 1, 32), self.longest)
                record.locked_until = now + lasting
            self._records[key] = record
            self._records.move_to_end(key)
            self._forget_beyond_capacity(now)
            return max(0.0, record.locked_until - now)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._records.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    def _current(self, key: str, now: float) -> _Record | None:
        record = self._records.get(key)
        if record is not None and self._quiet(record, now):
            del self._records[key]
            return None
        return record

    def _quiet(self, record: _Record, now: float) -> bool:
        last = max(record.failures[-1] if record.failures else -math.inf, record.locked_until)
        return now - last >= self.window

    def _forget_beyond_capacity(self, now: float) -> None:
        """Bounded memory when someone tries many names: quiet keys first, then the oldest."""
        if len(self._records) <= self.max_keys:
            return
        for key in [k for k, r in self._records.items() if self._quiet(r, now)]:
            del self._records[key]
        while len(self._records) > self.max_keys:
            self._records.popitem(last=False)


@dataclass(frozen=True)
class SignIn:
    """The outcome shown to the person signing in: `message` is the same for an unknown name and
    a wrong password; `upgraded_hash`, if any, replaces the stored one (`store_upgraded_hash`)."""

    accepted: bool
    message: str = ""
    upgraded_hash: str | None = None


_SESSION = "session"


def attempt_sign_in(
    accounts: Mapping[str, Any],
    name: str,
    password: str,
    *,
    by_account: Throttle,
    by_session: Throttle,
    session: str,
) -> SignIn:
    """One sign-in attempt, throttled by account name and by session, logged without the
    password. A locked account or session is refused without checking the password."""
    key, shown = name[:_LONGEST_NAME], _loggable(name)
    with _CHECKING:
        wait = max(by_account.wait(key), by_session.wait(_SESSION))
        if wait > 0:
            _log.warning(
                "sign-in refused, too many failures: account %s, session %s, %d s left",
                shown,
                session,
                math.ceil(wait),
            )
            return SignIn(False, too_many_failures(wait))
        verdict = _verify(accounts, name, password)
        if verdict.accepted:
            by_account.succeeded(key)
            by_session.succeeded(_SESSION)
            _log.info("signed in: account %s, session %s", shown, session)
            return SignIn(True, upgraded_hash=verdict.upgraded_hash)
        locked = max(by_account.failed(key), by_session.failed(_SESSION))
    _log.warning("sign-in failed: account %s, session %s", shown, session)
    wrong = _(WRONG)
    return SignIn(False, f"{wrong} {too_many_failures(locked)}" if locked else wrong)


def too_many_failures(wait: float) -> str:
    """Why a sign-in is refused for now, in the language of the page."""
    minutes = math.ceil(wait / 60)
    return ngettext(
        "Too many failed sign-ins: try again in {n} minute.",
        "Too many failed sign-ins: try again in {n} minutes.",
        minutes,
    ).format(n=number(minutes))


def _loggable(name: str) -> str:
    """A name that cannot be an account is not written out: it may be a password typed into the
    wrong field."""
    return repr(name) if _NAME.match(name) else f"<not an account name, {len(name)} characters>"


# --- the secrets file -----------------------------------------------------------------------


def add_account(secrets_file: Path, name: str, password: str) -> bool:
    """Add or replace one account in the secrets file, keeping everything else in it.
    Returns True when it replaced an existing account."""
    validate_new(name, password)
    encoded = hash_password(password)
    with _WRITING:
        target = _regular_file(secrets_file)
        text = _read(target)
        new_text, replaced = with_account_hash(text, name, encoded, where=str(secrets_file))
        _write_atomically(target, new_text)
    return replaced


def store_upgraded_hash(
    secrets_files: Iterable[Path], name: str, encoded: str, *, replacing: str
) -> Path | None:
    """Store the hash a sign-in upgraded, in the last of `secrets_files` (the one that wins)
    whose account `name` still holds `replacing`; returns that file, or None when no file holds
    it (secrets given some other way, or a new password was set meanwhile)."""
    with _WRITING:
        for path in reversed(list(secrets_files)):
            if path.suffix != ".toml" or not path.is_file():
                continue
            target = _regular_file(path)
            text = _read(target)
            account = _stored_account(_parse(text, str(path)), name)
            if account is not None and account.get("hash") == replacing:
                _write_atomically(target, with_account_hash(text, name, encoded, str(path))[0])
                return path
    return None


def _stored_account(settings: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
    found: Any = settings
    for part in ("cooptrack", "accounts", name):
        found = found.get(part) if isinstance(found, Mapping) else None
    return found if isinstance(found, Mapping) else None


def with_account_hash(text: str, name: str, encoded: str, where: str) -> tuple[str, bool]:
    """`text` with account `name` set to hash `encoded` (an old `salt` dropped), in whatever
    form the file already writes it (table, inline table, dotted keys); and whether it existed.
    Refuses, rather than writes, any result that changes something else."""
    before = _parse(text, where)
    try:
        document = tomlkit.parse(text)
    except (TOMLKitError, ValueError) as error:
        raise InputError(f"{where} is not valid TOML ({error}); fix it first") from None
    existed = _stored_account(before, name) is not None
    expected = _expected(before, name, encoded)
    try:
        new_text: str | None = _edited(document, name, encoded, where)
    except InputError:
        raise
    except Exception:  # tomlkit trips over some layouts: say so rather than end in a traceback
        new_text = None
    if not existed and (new_text is None or _parse(new_text, where) != expected):
        # A table of its own at the end, which TOML allows even beside dotted keys.
        key = tomlkit.key(["cooptrack", "accounts", name]).as_string()
        new_text = f'{text.rstrip()}\n\n[{key}]\nhash = "{encoded}"\n'.lstrip()
    if new_text is None or _parse_or_none(new_text) != expected:
        raise InputError(
            f"{where} is laid out in a way this command cannot edit safely; nothing was changed. "
            f"Add the account by hand: [cooptrack.accounts.{tomlkit.string(name).as_string()}] "
            f'hash = "{encoded}"'
        )
    return new_text, existed


def _edited(document: tomlkit.TOMLDocument, name: str, encoded: str, where: str) -> str:
    table = _accounts_table(document, where)
    account = table.get(name)
    if account is None:
        new = tomlkit.inline_table() if isinstance(table, InlineTable) else tomlkit.table()
        new["hash"] = encoded
        if not isinstance(new, InlineTable):
            new.add(tomlkit.nl())  # a blank line before whatever table follows
        table[name] = new
    elif isinstance(account, MutableMapping):
        account["hash"] = encoded  # before dropping the salt: tomlkit fails the other way round
        account.pop("salt", None)
    else:
        raise InputError(f"{where}: cooptrack.accounts.{name} is not a table; fix it first")
    return tomlkit.dumps(document).rstrip("\r\n") + "\n"


def _accounts_table(document: MutableMapping[str, Any], where: str) -> MutableMapping[str, Any]:
    table: MutableMapping[str, Any] = document
    for part in ("cooptrack", "accounts"):
        inner = table.get(part)
        if inner is None:
            new = tomlkit.inline_table() if isinstance(table, InlineTable) else None
            table[part] = new if new is not None else tomlkit.table(is_super_table=True)
            inner = table[part]
        if not isinstance(inner, MutableMapping):
            dotted = "cooptrack" if part == "cooptrack" else "cooptrack.accounts"
            raise InputError(f"{where}: {dotted} is not a table; fix it first")
        table = inner
    return table


def _expected(before: dict[str, Any], name: str, encoded: str) -> dict[str, Any]:
    """What the file must hold after the edit (a setting that is not a table where one is
    needed is refused by `_edited`, before this is compared)."""
    expected = copy.deepcopy(before)
    table = expected
    for part in ("cooptrack", "accounts", name):
        inner = table.setdefault(part, {})
        table = inner if isinstance(inner, dict) else {}
    table.pop("salt", None)
    table["hash"] = encoded
    return expected


def _parse_or_none(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{where} is not valid TOML ({error}); fix it first") from None


def _regular_file(path: Path) -> Path:
    """The file to write: through a symbolic link to the file it names, and never a folder,
    pipe or device."""
    target = path.resolve() if path.is_symlink() else path
    if target.exists() and not target.is_file():
        raise InputError(f"{path} is not a regular file; give the path of a secrets.toml file")
    return target


def _read(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        return ""
    except UnicodeDecodeError:
        raise InputError(f"{path} is not UTF-8 text; fix it first") from None
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from None


def _write_atomically(target: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of one; only the owner can read it.
    A link to the secrets file is followed: the file it points to is replaced."""
    with files.replacing(target.resolve(), make_parents=True, mode=0o600) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="")
