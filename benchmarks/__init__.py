"""How fast, how heavy: the benchmark of cooptrack, a tool kept out of the runtime package.

`python -m benchmarks --scale small|10k|100k|1m [--browser]` (or `make bench`) measures the
dashboard at each scale and writes docs/benchmarks.md. Modules by job:

- `synth`: synthetic databases of any size (`python -m benchmarks.synth`);
- `plan`: what a run measures (scales, pages, filters) and the targets figures are judged by;
- `calls`: the core's data calls a page makes, recorded with a comparable form of each result;
- `naive`: the same calls done the naive way in pandas, checked to give the same rows;
- `measure`: the workers that time pages, data work and exports, and count bytes and memory,
  and the browser measurement;
- `report`: the report itself.

These modules import streamlit (AppTest) and pandas freely: none of them ships in the wheel.
"""

from streamlit import logger as _streamlit_logger


def quiet_streamlit() -> None:
    """The workers call the dashboard's cached functions outside a Streamlit server, and
    Streamlit warns of that on every call: thousands of lines that buried the run's progress."""
    _streamlit_logger.set_log_level("error")


quiet_streamlit()
