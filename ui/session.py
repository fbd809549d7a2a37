"""What a browser session keeps in its URL, so that a reload finds it again.

`s` is the owner key of the session's conversations (random, made here), `c` the open conversation and
`editor` the editor's signed unlock. Streamlit's session state dies with the websocket on a reload; the URL
does not. The app calls `restore` on every run, so a page switch does not lose them either.
"""

from __future__ import annotations

import re
import secrets

import streamlit as st

OWNER = "s"
CONVERSATION = "c"
EDITOR = "editor"
_KEY = re.compile(r"[A-Za-z0-9_-]{32,64}")


def _state_key(name: str) -> str:
    return f"url-{name}"


def recall(name: str) -> str:
    """The value this session keeps under `name`: set in this session, or else found in the URL."""
    key = _state_key(name)
    if key not in st.session_state:
        st.session_state[key] = st.query_params.get(name, "")
    return str(st.session_state[key])


def remember(name: str, value: str) -> None:
    """Keep `value` (or drop it when empty) in the session and its URL."""
    st.session_state[_state_key(name)] = value
    if value:
        st.query_params[name] = value
    else:
        st.query_params.pop(name, None)


def owner() -> str:
    """This browser session's owner key; a new random one when the URL holds none that could be one."""
    given = recall(OWNER)
    if not _KEY.fullmatch(given):
        given = secrets.token_urlsafe(24)
        remember(OWNER, given)
    return given


def restore() -> None:
    """Write the session's values back into the URL when a page switch or a link dropped them."""
    owner()
    for name in (OWNER, CONVERSATION, EDITOR):
        value = recall(name)
        if value and st.query_params.get(name) != value:
            st.query_params[name] = value


def client_address() -> str:
    """The browser's address as the server sees it ("local" for localhost, or when there is no browser)."""
    address = st.context.ip_address
    return address if isinstance(address, str) and address else "local"
