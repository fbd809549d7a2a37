"""The Streamlit app (`stce ui`): one page per audience, each in its own module next to this file."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui import resources, session

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="STCE Assistant", page_icon="🛃", layout="wide")
resources.start()
session.restore()
st.navigation(
    [
        st.Page(HERE / "chat.py", title="Chat", icon=":material/chat:", default=True),
        st.Page(HERE / "screening.py", title="Screening", icon=":material/checklist:"),
        st.Page(HERE / "training.py", title="Training", icon=":material/school:"),
        st.Page(HERE / "sources.py", title="Sources", icon=":material/folder_managed:"),
    ]
).run()
