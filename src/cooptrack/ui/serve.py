"""Start the dashboard: `python -m cooptrack.ui.serve [streamlit options]`.

Streamlit runs `cooptrack/ui/dashboard.py`, which runs the project's `app.py` (see its
docstring for why the entry point is not `app.py` itself).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from streamlit.web import cli

ENTRY = Path(__file__).resolve().parent / "dashboard.py"


def main() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    sys.argv = ["streamlit", "run", str(ENTRY), *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
