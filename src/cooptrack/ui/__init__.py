"""Streamlit glue: the cached store, the shared filter widgets and URL sync. Only this
subpackage (and the pages) may import streamlit."""
