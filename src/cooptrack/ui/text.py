"""Record text shown as text, never as markup.

Streamlit reads markdown in st.markdown, captions, headings, alerts, expander and tab labels and
every st.table cell, and plotly reads a few HTML tags in chart labels and hover text. Titles,
summaries, notes and sources written by editors or imported from files reach all of those, so
they pass through here first; only a source that is exactly one web address becomes a link, and
its label is the address itself.
"""

from __future__ import annotations

import html
import math
import numbers
import re
import unicodedata
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, urlsplit

import pandas as pd

from cooptrack.i18n import _, pgettext
from cooptrack.query.codes import commitment_status_name, meeting_status_name

WORD_JOINER = "\u2060"

# Syntax anywhere in a line (CommonMark, GitHub's extensions, Streamlit's `:directives[...]`,
# emoji and icon codes, LaTeX): a backslash before each makes it a literal character.
_ANYWHERE = re.compile(r"([\\`*_\[\](){}!<>&$~|:@#])")
# ...and syntax only at the start of a block: list items ("- ", "+ ", "1. ", "1) ").
_LEADING = re.compile(r"^(?:([-+])|(\d{1,9})([.)]))")
# GitHub-style autolinks are found in the text after escapes are undone, so a backslash cannot
# stop them: an invisible word joiner after ':' (also ending ':emoji:' codes), before '@' and
# inside 'www.' does, without changing what a reader sees.
_WWW = re.compile(r"(?i)(www)(?=\.)")
# Embedding, override and isolate controls reorder the page's own text around a value (an
# unclosed right-to-left override turns "— 2 Jun 2027" after it around); new writes refuse them.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")

# RFC 3986 characters minus ( ) [ ], which could close a markdown link early.
_URL_ASCII = "-._~:/?#@!$&'*+,;=%"
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")
_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LONGEST_URL = 2048
# The columns of record text the chart functions put in labels and hover text.
CHART_TEXT = ("title", "short_title", "label", "where", "when", "planned", "actual", "status")


def as_text(value: Any) -> str:
    """Any cell as plain text: None and NaN as nothing, lists joined by '; '."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        value = value.tolist()
    if isinstance(value, list | tuple):
        return "; ".join(text for text in (as_text(v) for v in value) if text)
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def plain(value: Any) -> str:
    """`value` on one line, for widgets that show text as written (option labels, st.text)."""
    return " ".join(_BIDI_CONTROLS.sub("", as_text(value)).split())


def block(value: Any) -> str:
    """`value` for st.text: its own line breaks kept, outer blank space and bidi controls not."""
    return _BIDI_CONTROLS.sub("", as_text(value)).strip()


def label(value: Any, limit: int = 120) -> str:
    """A plain one-line label of at most `limit` characters (an option in a drop-down)."""
    text = plain(value)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def md(value: Any, *, in_link: bool = False) -> str:
    """`value` as literal text inside markdown, on one line (line breaks become spaces).
    `in_link`: the label of a link, where nothing is autolinked, so no joiners are needed."""
    text = plain(value)
    if not in_link:
        text = _WWW.sub(r"\1" + WORD_JOINER, text)
        text = text.replace(":", ":" + WORD_JOINER).replace("@", WORD_JOINER + "@")
    text = _ANYWHERE.sub(r"\\\1", text)
    return _LEADING.sub(_escape_marker, text)


def _escape_marker(match: re.Match[str]) -> str:
    if match[1]:
        return "\\" + match[1]
    return match[2] + "\\" + match[3]


def web_address(value: Any) -> str | None:
    """The link target when `value` is exactly one http(s) address, percent-encoded; else
    None. Anything that could end the link early or name another host is not one address."""
    text = as_text(value)
    if not text or len(text) > _LONGEST_URL or _PERCENT.search(text):
        return None
    if not all(_url_character(c) for c in text):
        return None
    parts = urlsplit(text)
    netloc = parts.netloc
    host, _, port = netloc.partition(":")
    if parts.scheme.lower() not in ("http", "https") or not _HOST.fullmatch(host):
        return None
    if "." not in host and host.lower() != "localhost":
        return None
    if port and not (port.isdigit() and len(port) <= 5):
        return None
    return quote(text, safe=_URL_ASCII)


def _url_character(char: str) -> bool:
    if char.isascii():
        return char.isalnum() or char in _URL_ASCII
    return not unicodedata.category(char).startswith(("C", "Z"))


def source_markdown(sources: Any) -> str:
    """Each source as a link named by its own full address when it is one, else as text."""
    values = (
        sources if isinstance(sources, Iterable) and not isinstance(sources, str) else [sources]
    )
    shown = [_source(value) for value in values if as_text(value).strip()]
    return " · ".join(shown) or _("none recorded")


def _source(value: Any) -> str:
    text = as_text(value).strip()
    href = web_address(text)
    if href is None:
        return md(text)
    destination = href.replace("&", "\\&")  # entities are read in link destinations too
    return f"[{md(text, in_link=True)}](<{destination}>)"


def chart_safe(frame: pd.DataFrame, *columns: str, limit: int = 90) -> pd.DataFrame:
    """A copy whose text columns plotly shows as written (plotly reads <a>, <b>, <br> and
    entities in labels and hover text), each cut to `limit` characters: a chart label has no
    room for a record's whole text, which the tables and details below the chart show."""
    safe = frame.copy()
    for column in columns:
        if column in safe.columns:
            safe[column] = [
                html.escape(label(v, limit), quote=False) if isinstance(v, str) else v
                for v in safe[column]
            ]
    return safe


def table_cells(frame: pd.DataFrame, sources: str = "sources") -> pd.DataFrame:
    """Cells for st.table (which reads markdown in every cell): text escaped, gaps empty, and
    the `sources` column (addresses joined by spaces) as links named by their addresses."""
    cells = frame.astype(object).map(lambda v: v if _is_number(v) else md(v))
    if sources in frame.columns:
        cells[sources] = [source_markdown(as_text(v).split()) for v in frame[sources]]
    return cells


def _is_number(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return False
    return not (isinstance(value, float) and math.isnan(value))


def status_label(code: Any) -> str:
    """A meeting's or a commitment's status as the interface names it; the record stores codes
    (`in-progress`), and anything that is not one is shown as it is."""
    return commitment_status_name(meeting_status_name(as_text(code)))


def format_label(code: Any) -> str:
    """A meeting's format (`in-person`, `online`, `hybrid`) in words; anything else as it is."""
    labels = {
        "in-person": pgettext("meeting format", "in-person"),
        "online": pgettext("meeting format", "online"),
        "hybrid": pgettext("meeting format", "hybrid"),
    }
    text = as_text(code)
    return labels.get(text, text)


def confidence_label(code: Any) -> str:
    """How sure the record is of a source (`H`, `M`, `L`): the code in English, a word where
    the interface's language has one (высокая, средняя, низкая)."""
    labels = {
        "H": pgettext("confidence", "H"),
        "M": pgettext("confidence", "M"),
        "L": pgettext("confidence", "L"),
    }
    text = as_text(code)
    return labels.get(text, text)
