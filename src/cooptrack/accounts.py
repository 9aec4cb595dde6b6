"""Local editor accounts for a small team without an identity provider.

Passwords are never stored: each account keeps a random salt and an scrypt hash in
`.streamlit/secrets.toml` (section `[cooptrack.accounts.NAME]`), and checking compares hashes in
constant time, also for unknown names, so timing does not reveal which names exist.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cooptrack.errors import InputError

_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}
MIN_PASSWORD = 10
DEFAULT_SECRETS = Path(".streamlit/secrets.toml")


def hash_password(password: str, salt: bytes | None = None) -> tuple[str, str]:
    """(salt, hash) as hex, for storing."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return salt.hex(), digest.hex()


_DUMMY_SALT, _DUMMY_HASH = hash_password("no such account", bytes(16))


def check_password(accounts: Mapping[str, Any], name: str, password: str) -> bool:
    """True only for a configured name with the right password; same work either way."""
    account = accounts.get(name) if isinstance(accounts, Mapping) else None
    salt = str(account.get("salt", _DUMMY_SALT)) if isinstance(account, Mapping) else _DUMMY_SALT
    stored = str(account.get("hash", _DUMMY_HASH)) if isinstance(account, Mapping) else _DUMMY_HASH
    try:
        _, computed = hash_password(password, bytes.fromhex(salt))
    except ValueError:
        return False
    return hmac.compare_digest(computed, stored) and isinstance(account, Mapping)


def validate_new(name: str, password: str) -> None:
    if not _NAME.match(name):
        raise InputError(
            f"{name!r} is not an account name: use lowercase letters, digits, '.', '_' or '-'"
        )
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password needs at least {MIN_PASSWORD} characters")


def add_account(secrets_file: Path, name: str, password: str) -> bool:
    """Add or replace one account in the secrets file, keeping everything else in it.
    Returns True when it replaced an existing account."""
    validate_new(name, password)
    text = secrets_file.read_text(encoding="utf-8") if secrets_file.exists() else ""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{secrets_file} is not valid TOML ({error}); fix it first") from None
    salt, digest = hash_password(password)
    section = f"[cooptrack.accounts.{name}]"
    block = f'{section}\nsalt = "{salt}"\nhash = "{digest}"\n'
    pattern = re.compile(rf"^{re.escape(section)}\n(?:(?!\[).*\n?)*", re.MULTILINE)
    replaced = bool(pattern.search(text))
    if replaced:
        text = pattern.sub(block + "\n", text, count=1)
    else:
        text = f"{text.rstrip()}\n\n{block}" if text.strip() else block
    tomllib.loads(text)
    secrets_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = secrets_file.with_suffix(".toml.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.chmod(0o600)
    temporary.replace(secrets_file)
    return replaced
