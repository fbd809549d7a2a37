"""User interfaces: the `stce` command line and the Streamlit pages."""
