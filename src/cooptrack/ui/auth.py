"""Who may edit. Read-only for everyone unless `.streamlit/secrets.toml` says otherwise:

    [cooptrack]
    editors = ["someone@example.org"]      # allow-list for Streamlit's native sign-in ([auth])

    [cooptrack.accounts.alice]             # local accounts: `cooptrack add-editor alice`
    hash = "$argon2id$v=19$m=65536,t=3,p=4$…"

The editor is decided on the server at every run; widgets cannot set it, so a viewer who forges
a request never reaches a write. Accounts added while the dashboard runs count from the next run:
the secrets files are checked at every run (see `_secrets_now`).
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st
from streamlit import config as streamlit_config
from streamlit.runtime.secrets import secrets_singleton

from cooptrack.errors import CooptrackError, NotAllowed
from cooptrack.i18n import _
from cooptrack.record import accounts as local_accounts
from cooptrack.ui.text import md

_ACCOUNT_KEY = "_signed_in_account"
_SESSION_THROTTLE_KEY = "_sign_in_failures"
_SESSION_ID_KEY = "_sign_in_session_id"
_log = logging.getLogger("cooptrack.auth")

# Failed sign-ins per account name, for the whole process (every browser session).
ACCOUNT_THROTTLE = local_accounts.Throttle()

Signature = dict[str, tuple[int, ...] | None]
# What the secrets files said when they looked like this: (their signature, the `cooptrack`
# section, whether `[auth]` is configured).
_secrets_seen: tuple[Signature, Mapping[str, Any], bool] | None = None
_secrets_seen_lock = threading.Lock()


def _secrets_files() -> list[str]:
    return [str(p) for p in streamlit_config.get_option("secrets.files") or []]


def _signature(paths: list[str]) -> Signature:
    def stat(path: str) -> tuple[int, ...] | None:
        try:
            found = os.stat(path)
        except OSError:
            return None
        return (found.st_ino, found.st_size, found.st_mtime_ns)

    return {path: stat(path) for path in paths}


def _secrets_now() -> tuple[Mapping[str, Any], bool]:
    """The `cooptrack` section of the secrets and whether `[auth]` is configured, read again
    only when a secrets file changed. Read at every call, `st.secrets` without a secrets file
    searches the disk under one process-wide lock each time (50 sessions queued behind it:
    p95 9.7 s); a few `stat`s per call cost nothing.

    Streamlit polls the files itself, but only those that existed when it first read them, and
    a poller stops for good after a failed read; `cooptrack add-editor` on a running dashboard
    must not depend on either: a changed file is re-read here. Secrets given another way
    (tests' `AppTest.secrets`) are read as they are."""
    global _secrets_seen  # noqa: PLW0603 - one process-wide record, written under its lock
    if st.secrets is not secrets_singleton:
        return _read_secrets()
    signature = _signature(_secrets_files())
    seen = _secrets_seen
    if seen is not None and seen[0] == signature:
        return seen[1], seen[2]
    with _secrets_seen_lock:
        seen = _secrets_seen
        if seen is not None and seen[0] == signature:
            return seen[1], seen[2]
        if seen is not None:  # changed since the last look (the first: Streamlit reads it now)
            _reload_secrets(signature, seen[0])
        section, has_auth = _read_secrets()
        _secrets_seen = (signature, section, has_auth)
    return section, has_auth


def _reload_secrets(signature: Signature, previous: Signature) -> None:
    reload = getattr(secrets_singleton, "_on_secrets_changed", None)
    if callable(reload):
        changed = next((p for p in signature if signature[p] != previous.get(p)), "secrets.files")
        try:
            reload(changed)
        except Exception as error:  # an unreadable file: st.secrets says so on the next access
            _log.warning("secrets file %s could not be read again: %s", changed, error)


def _read_secrets() -> tuple[Mapping[str, Any], bool]:
    try:
        section = st.secrets.get("cooptrack", {})
        has_auth = "auth" in st.secrets
    except Exception:  # no secrets file at all, or an unreadable one: nothing is configured
        return {}, False
    return (section if isinstance(section, Mapping) else {}), has_auth


def _settings() -> Mapping[str, Any]:
    return _secrets_now()[0]


def _has_identity_provider() -> bool:
    return _secrets_now()[1]


def accounts() -> Mapping[str, Any]:
    table = _settings().get("accounts", {})
    return table if isinstance(table, Mapping) else {}


def allowed_emails() -> set[str]:
    return {str(e).strip().lower() for e in _settings().get("editors", []) or []}


def editing_configured() -> bool:
    return bool(accounts()) or (_has_identity_provider() and bool(allowed_emails()))


def current_editor() -> str | None:
    """The signed-in editor's name or e-mail, or None for a viewer."""
    user = st.user.to_dict() if hasattr(st.user, "to_dict") else {}
    email = str(user.get("email") or "").lower()
    if user.get("is_logged_in") and email and email in allowed_emails():
        return email
    account = st.session_state.get(_ACCOUNT_KEY)
    if isinstance(account, str) and account in accounts():
        return account
    return None


def require_editor() -> str:
    """Every write asks this first: a viewer gets NotAllowed, whatever the request says."""
    editor = current_editor()
    if editor is None:
        raise NotAllowed(_("only signed-in editors can change the record"))
    return editor


def render_sign_in() -> None:
    """Sidebar controls: who is signed in, or the ways to sign in that are configured."""
    if not editing_configured():
        return
    editor = current_editor()
    with st.sidebar:
        st.divider()
        if editor:
            st.caption(_("Signed in as **{editor}** (editor)").format(editor=md(editor)))
            if st.button(_("Sign out"), key="sign_out"):
                st.session_state.pop(_ACCOUNT_KEY, None)
                if st.user.to_dict().get("is_logged_in"):
                    st.logout()
                st.rerun()
            return
        with st.expander(_("Editor sign-in")):
            if _has_identity_provider() and allowed_emails():
                st.button(_("Sign in with your organisation"), on_click=st.login, key="oidc")
            if accounts():
                _password_form()


def _password_form() -> None:
    with st.form("sign_in", clear_on_submit=True):
        name = st.text_input(_("Account"), key="sign_in_name", max_chars=64)
        password = st.text_input(_("Password"), type="password", key="sign_in_password")
        if st.form_submit_button(_("Sign in")):
            _sign_in(name.strip(), password)


def _sign_in(name: str, password: str) -> None:
    table = accounts()
    outcome = local_accounts.attempt_sign_in(
        table,
        name,
        password,
        by_account=ACCOUNT_THROTTLE,
        by_session=_session_throttle(),
        session=_session_id(),
    )
    if not outcome.accepted:
        st.error(outcome.message)
        return
    if outcome.upgraded_hash:
        _store_upgraded_hash(name, outcome.upgraded_hash, table)
    st.session_state[_ACCOUNT_KEY] = name
    st.rerun()


def _store_upgraded_hash(name: str, encoded: str, table: Mapping[str, Any]) -> None:
    """Replace an old scrypt hash, or argon2 parameters behind the current ones. Best effort: the
    sign-in stands either way, and the next one tries again."""
    account = table.get(name)
    stored = account.get("hash") if isinstance(account, Mapping) else None
    if not isinstance(stored, str):
        return
    files = [Path(p) for p in _secrets_files()]
    try:
        written = local_accounts.store_upgraded_hash(files, name, encoded, replacing=stored)
    except (CooptrackError, OSError) as error:
        _log.warning("could not store the upgraded hash of account %r: %s", name, error)
        return
    if written is None:
        _log.info("account %r is not in a secrets file this dashboard can rewrite", name)
    else:
        _log.info("upgraded the stored hash of account %r in %s", name, written)


def _session_throttle() -> local_accounts.Throttle:
    throttle = st.session_state.get(_SESSION_THROTTLE_KEY)
    if not isinstance(throttle, local_accounts.Throttle):
        throttle = local_accounts.Throttle(clock=ACCOUNT_THROTTLE.clock)
        st.session_state[_SESSION_THROTTLE_KEY] = throttle
    return throttle


def _session_id() -> str:
    """A random id that ties one browser session's log lines together."""
    ident = st.session_state.get(_SESSION_ID_KEY)
    if not isinstance(ident, str):
        ident = uuid.uuid4().hex[:12]
        st.session_state[_SESSION_ID_KEY] = ident
    return ident
