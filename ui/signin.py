"""Who is signed in, in this session: the sidebar's sign-in and sign-out, shared by every page.

Only ``geodata.editors.sign_in`` makes an ``Editor``, and :func:`signed_in` takes the session's
only if ``editors.require`` accepts it (its seal, expiry and account), so a value put into the
session state, a widget key or the URL is never an editor. Every message here is plain text.
"""

from __future__ import annotations

import streamlit as st

from geodata import editors
from geodata._errors import AtlasError

NO_ACCOUNTS = (
    "Editing needs an editor account. The operator creates one with: python -m geodata editors add NAME"
)


def signed_in() -> editors.Editor | None:
    """The editor signed in in this session: only what ``editors.sign_in`` made passes ``require``
    (a value put into the session state, a widget key or the URL never does)."""
    editor = st.session_state.get("editor")
    try:
        editors.require(editor)
    except AtlasError:
        return None
    assert isinstance(editor, editors.Editor)
    return editor


def can_edit() -> bool:
    """Who may add articles and review events: a signed-in editor."""
    return signed_in() is not None


def sign_in_panel() -> None:
    """The sidebar's sign-in (or who is signed in, and sign-out). Every message here is plain text."""
    bar, editor = st.sidebar, signed_in()
    if editor is not None:
        bar.text(f"Signed in as editor {editor.name}")
        if bar.button("Sign out"):
            st.session_state.pop("editor", None)
            st.rerun()
        return
    with bar.expander("Editors: sign in"):
        try:
            accounts = editors.list_editors()
        except AtlasError as exc:
            st.text(f"Editing is off: {exc}")
            return
        if not accounts:
            st.text(NO_ACCOUNTS)
            return
        with st.form("sign_in", clear_on_submit=True):
            name = st.text_input("Editor name")
            password = st.text_input("Password", type="password")
            if st.form_submit_button("Sign in"):
                try:
                    st.session_state.editor = editors.sign_in(name, password)  # waits after a failure
                except editors.SignInError:
                    st.error("Unknown editor name or wrong password.")
                else:
                    st.rerun()
