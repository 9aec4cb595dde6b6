"""Start the dashboard: `python -m cooptrack.ui.serve [streamlit options]`.

Streamlit runs `cooptrack/ui/dashboard.py`, which runs the project's `app.py` (see its
docstring for why the entry point is not `app.py` itself). The project's Streamlit settings
(no error details for users, no file watcher, …) are passed as options, so they hold from any
folder; options given here come after them and win.
"""

from __future__ import annotations

import logging
import sys
import tomllib
from pathlib import Path

from streamlit.web import cli

from cooptrack import config

ENTRY = Path(__file__).resolve().parent / "dashboard.py"


def settings_as_options(path: Path) -> list[str]:
    """`[client] showErrorDetails = "none"` → `--client.showErrorDetails=none`."""
    if not path.is_file():
        return []
    settings = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        f"--{section}.{key}={str(value).lower() if isinstance(value, bool) else value}"
        for section, values in settings.items()
        for key, value in values.items()
    ]


def main() -> None:
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    options = settings_as_options(config.streamlit_settings())
    sys.argv = ["streamlit", "run", str(ENTRY), *options, *sys.argv[1:]]
    cli.main()


if __name__ == "__main__":
    main()
