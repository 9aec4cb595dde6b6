"""A page-level picker (which country, which convention) that is kept in the URL too."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import streamlit as st


def url_choice(
    label: str,
    options: Sequence[str],
    param: str,
    preferred: Sequence[str],
    format_func: Callable[[str], str],
) -> str:
    """A selectbox whose value comes from `?param=` or the first preferred option."""
    key = f"choice_{param}"
    from_url = st.query_params.get(param)
    if key not in st.session_state or st.session_state[key] not in options:
        fallback = next((p for p in preferred if p in options), options[0])
        st.session_state[key] = from_url if from_url in options else fallback
    choice = st.selectbox(label, list(options), format_func=format_func, key=key)
    st.query_params[param] = choice
    return str(choice)
