"""Who may edit. Read-only for everyone unless `.streamlit/secrets.toml` says otherwise:

    [cooptrack]
    editors = ["someone@example.org"]      # allow-list for Streamlit's native sign-in ([auth])

    [cooptrack.accounts.alice]             # local accounts: `cooptrack add-editor alice`
    salt = "…"
    hash = "…"

The editor is decided on the server at every run; widgets cannot set it, so a viewer who forges
a request never reaches a write.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import streamlit as st

from cooptrack.accounts import check_password
from cooptrack.errors import NotAllowed

_ACCOUNT_KEY = "_signed_in_account"


def _settings() -> Mapping[str, Any]:
    try:
        section = st.secrets.get("cooptrack", {})
    except Exception:  # no secrets file at all: nothing is configured
        return {}
    return section if isinstance(section, Mapping) else {}


def _has_identity_provider() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:
        return False


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
        raise NotAllowed("only signed-in editors can change the record")
    return editor


def render_sign_in() -> None:
    """Sidebar controls: who is signed in, or the ways to sign in that are configured."""
    if not editing_configured():
        return
    editor = current_editor()
    with st.sidebar:
        st.divider()
        if editor:
            st.caption(f"Signed in as **{editor}** (editor)")
            if st.button("Sign out", key="sign_out"):
                st.session_state.pop(_ACCOUNT_KEY, None)
                if st.user.to_dict().get("is_logged_in"):
                    st.logout()
                st.rerun()
            return
        with st.expander("Editor sign-in"):
            if _has_identity_provider() and allowed_emails():
                st.button("Sign in with your organisation", on_click=st.login, key="oidc")
            if accounts():
                _password_form()


def _password_form() -> None:
    with st.form("sign_in", clear_on_submit=True):
        name = st.text_input("Account", key="sign_in_name")
        password = st.text_input("Password", type="password", key="sign_in_password")
        if st.form_submit_button("Sign in"):
            if check_password(accounts(), name.strip(), password):
                st.session_state[_ACCOUNT_KEY] = name.strip()
                st.rerun()
            st.error("Unknown account or wrong password.")
