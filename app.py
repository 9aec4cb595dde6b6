"""cooptrack dashboard entry point (replaced by the multi-page router)."""

import streamlit as st

from cooptrack.queries import dataset_info
from cooptrack.store import Store

with Store.open() as store:
    info = dataset_info(store)
st.title(info.title)
st.write(f"Record as of {info.as_of}")
st.table(info.counts)
