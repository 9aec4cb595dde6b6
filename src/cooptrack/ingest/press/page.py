"""A release as text, and its layout: which line is the headline, where the dateline is, which
paragraphs make the lead, which lines are page furniture (menus, captions, tags).

HTML goes through trafilatura, which keeps the article and drops menus, cookie banners and
footers; the page title is put back as the first line when the article text lacks it (many
sites keep the headline outside the article body). When trafilatura finds nothing (a fragment,
broken markup) a plain parser keeps every text node instead.
"""

from __future__ import annotations

import bisect
import functools
import html
import logging
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

from cooptrack.ingest.press import gazetteer
from cooptrack.ingest.press.textdates import find_dates

MAX_SENTENCE = 1_000  # a longer run without a sentence end is read in pieces of this size
MAX_TRAFILATURA = 400_000  # larger pages go to the plain parser: boilerplate removal there
# costs more than it saves (a release page is rarely above 200 kB)
LEAD_PARAGRAPHS = 3  # prose paragraphs after the headline that make the lead
MAX_LEAD = 4_000  # characters of prose read as the lead however long its paragraphs

_HTML_MARK = re.compile(
    r"<(?:p|div|body|html|br|span|h[1-6]|article|main|section|table|tr|td|li|ul|a)\b", re.I
)
_SPACES = re.compile(r"\s++")  # within a line: any run of white space becomes one space
_BLANK_LINES = re.compile(r"\n{3,}+")


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


class Sentences(list[Sentence]):
    """The sentences of a text in order, with their starts for finding one by position."""

    def __init__(self, found: list[Sentence]) -> None:
        super().__init__(found)
        self.starts = [sentence.start for sentence in found]


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "div", "li", "h1", "h2", "h3", "tr"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def plain_text(content: str) -> str:
    """HTML (if it is HTML) reduced to its article text, whitespace tidied, one paragraph a
    line; plain text keeps its lines."""
    if _HTML_MARK.search(content):
        content = _article(content) or _all_text(content)
    content = content.replace("’", "'")
    lines = [_SPACES.sub(" ", line).strip() for line in content.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _all_text(content: str) -> str:
    parser = _TextOnly()
    parser.feed(content)
    parser.close()
    return html.unescape("".join(parser.parts))


def _article(content: str) -> str:
    """The article with its headline, by trafilatura; "" when it finds none."""
    if len(content) > MAX_TRAFILATURA:
        return ""
    trafilatura = _trafilatura()
    try:
        tree = trafilatura.utils.load_html(content)
        if tree is None:
            return ""
        title = _title(trafilatura, tree)
        document = trafilatura.bare_extraction(
            tree,
            favor_recall=True,
            include_comments=False,
            include_tables=True,
            with_metadata=False,  # its date search (htmldate, dateparser) costs seconds
        )
    except Exception:  # any failure of the library falls back to the plain parser
        return ""
    text = str(getattr(document, "text", "") or "") if document is not None else ""
    if not text.strip():
        return ""
    first = _SPACES.sub(" ", text.lstrip().split("\n", 1)[0]).strip()
    if title and not _same_line(title, first):
        text = f"{title}\n{text}"
    return "\n\n".join(line for line in text.splitlines() if line.strip())


def _title(trafilatura: Any, tree: Any) -> str:
    """The page's headline (its one h1, else its title element …), read before extraction
    prunes the tree."""
    try:
        title = trafilatura.metadata.extract_title(tree) or ""
    except Exception:  # a page without a readable title still has its text
        return ""
    return _SPACES.sub(" ", str(title)).strip()


def _same_line(title: str, first: str) -> bool:
    a, b = title.casefold(), first.casefold()
    return a == b or a.startswith(b) or b.startswith(a)


@functools.cache
def _trafilatura() -> Any:
    """trafilatura, imported on the first HTML release (about 0.25 s), its log kept quiet: a
    page it cannot read is not an error here."""
    for name in ("trafilatura", "htmldate", "courlan", "justext", "readability"):
        logging.getLogger(name).addHandler(logging.NullHandler())
        logging.getLogger(name).propagate = False
    import trafilatura  # noqa: PLC0415 - heavy, and only HTML needs it
    import trafilatura.metadata  # noqa: PLC0415
    import trafilatura.utils  # noqa: PLC0415

    return trafilatura


_SENTENCE = re.compile(
    r"[^\n]+?(?:(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\be\.g)(?<!\bi\.e)(?<!\bг)(?<!\bг-на)"
    r"(?<!\b[A-ZА-ЯЁ])(?<!\bJan)(?<!\bFeb)(?<!\bAug)(?<!\bSept)(?<!\bSep)(?<!\bOct)(?<!\bNov)"
    r"(?<!\bDec)(?<!\bNo)(?<!\bSt)"
    r"[.!?](?=\s+[A-ZА-ЯЁ\"“«(0-9])|$)",
    re.M,
)


def sentences(text: str) -> Sentences:
    """Split on sentence ends and line breaks, not on 'Mr.', 'e.g.', 'Jan.' or an initial; a
    run longer than MAX_SENTENCE is cut into pieces at spaces."""
    found: list[Sentence] = []
    for match in _SENTENCE.finditer(text):
        chunk = match.group(0).strip()
        if chunk:
            found.extend(_pieces(chunk, match.start() + match.group(0).index(chunk)))
    return Sentences(found)


def _pieces(chunk: str, start: int) -> list[Sentence]:
    pieces = []
    while len(chunk) > MAX_SENTENCE:
        cut = chunk.rfind(" ", MAX_SENTENCE // 2, MAX_SENTENCE)
        cut = cut if cut > 0 else MAX_SENTENCE
        pieces.append(Sentence(chunk[:cut].rstrip(), start))
        rest = chunk[cut:].lstrip()
        start += len(chunk) - len(rest)
        chunk = rest
    if chunk:
        pieces.append(Sentence(chunk, start))
    return pieces


# --- layout ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    start: int
    paragraph: int  # lines of one paragraph share its number

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True)
class Dateline:
    """ "BISHKEK, February 6 (TCA) —": where (and maybe when) the release was written."""

    city: str
    country: str
    day: date | None
    start: int
    end: int
    text: str


@dataclass
class Layout:
    """Where things are in a release's text (positions are offsets into it)."""

    text: str
    headline: Line | None = None
    header: list[Line] = field(default_factory=list)  # short lines after the headline
    prose: list[Line] = field(default_factory=list)  # paragraphs that are sentences
    furniture: list[Line] = field(default_factory=list)  # menus, tags, captions
    dateline: Dateline | None = None
    lead_end: int = 0  # the lead is text[:lead_end] (headline, header and first paragraphs)

    _lines: list[Line] = field(default_factory=list, repr=False)
    _starts: list[int] = field(default_factory=list, repr=False)
    _furniture_starts: list[int] = field(default_factory=list, repr=False)

    def in_lead(self, position: int) -> bool:
        return position < self.lead_end

    def line_of(self, position: int) -> Line | None:
        index = bisect.bisect_right(self._starts, position) - 1
        if index >= 0 and position <= self._lines[index].end:
            return self._lines[index]
        return None

    def is_furniture(self, position: int) -> bool:
        index = bisect.bisect_right(self._furniture_starts, position) - 1
        return index >= 0 and position < self.furniture[index].end

    def paragraph_of(self, position: int) -> int:
        """The number of the paragraph holding `position` (-1 outside any line)."""
        line = self.line_of(position)
        return line.paragraph if line else -1


_LABEL = re.compile(
    r"(?:Tags?|Related|Read (?:also|more)|See also|Source|Теги|Метки|Читайте также|Источник|"
    r"Фото|Photo)\s*+:",
    re.I,
)
_PROSE_END = re.compile(r"[.!?…][»\"”')]*+\s*+$")
_DIGITS = re.compile(r"\d")
MAX_LAYOUT_LINES = 60  # the headline and lead are found among the first lines


def layout(text: str, published: date | None) -> Layout:
    """The headline, header lines, dateline, furniture and lead of a release's text."""
    lines = _lines(text)
    found = Layout(text, _lines=lines, _starts=[line.start for line in lines])
    found.furniture = [line for line in lines if _is_furniture(line.text)]
    found._furniture_starts = [line.start for line in found.furniture]
    prose_seen = 0
    for line in lines[:MAX_LAYOUT_LINES]:
        kind = _line_kind(line.text)
        if kind == "furniture":
            continue
        if found.dateline is None and prose_seen == 0:
            found.dateline = dateline(line, published)
            if found.dateline is not None and found.dateline.end >= line.end - 1:
                found.header.append(line)  # a line that is only a dateline ("Dubai – UAE")
                continue
        if kind == "prose":
            prose_seen += 1
            found.prose.append(line)
            if prose_seen == LEAD_PARAGRAPHS:
                break
        elif prose_seen == 0 and found.headline is None and kind == "title":
            found.headline = line
        elif prose_seen == 0:
            found.header.append(line)
        else:
            break  # a heading after the first paragraphs ends the lead
    ends = [line.end for line in [*found.prose, *found.header]]
    if found.headline:
        ends.append(found.headline.end)
    found.lead_end = min(max(ends, default=0), _lead_limit(found))
    found.header = [
        h for h in found.header if found.headline is None or h.start > found.headline.start
    ]
    return found


def _lead_limit(found: Layout) -> int:
    first = found.prose[0].start if found.prose else 0
    return first + MAX_LEAD


def _lines(text: str) -> list[Line]:
    lines = []
    paragraph = 0
    position = 0
    for raw in text.split("\n"):
        if raw.strip():
            lines.append(Line(raw, position, paragraph))
        else:
            paragraph += 1
        position += len(raw) + 1
    return lines


def _is_furniture(line: str) -> bool:
    """A menu ("Home | News | About"), or a label line ("Tags: …", "Photo: …")."""
    return line.count(" | ") + line.count(" » ") >= 2 or bool(_LABEL.match(line.lstrip("(")))


def _line_kind(line: str) -> str:
    """ "furniture" (menus, tags, captions), "prose" (sentences), "title" (a headline-like
    line) or "other" (dates, addresses, short labels)."""
    words = line.split()
    if _is_furniture(line):
        return "furniture"
    if _PROSE_END.search(line) and len(words) >= 6:
        return "prose"
    letters = [c for c in line if c.isalpha()]
    capitals = sum(c.isupper() for c in letters)
    if (
        len(words) >= 3
        and (line[0].isupper() or line[0].isdigit() or line[0] in '"“«')
        and capitals * 2 < len(letters)
        and not find_dates(line)
        and len(_DIGITS.findall(line)) < 6
    ):
        return "title"
    return "other"


_DATELINE = re.compile(
    r"(?P<city>[^\W\d_][\w'’-]*+(?:[ -][^\W\d_][\w'’-]*+){0,2}?)"
    r"(?P<sep>\s*+,|\s*+\.|\s++[–—-]{1,2}\s|\s*+:)"
)
_DATELINE_END = re.compile(r"\s[–—-]{1,2}(?:\s|$)|:\s|\)\s*[–—-]{1,2}\s|$")
MAX_DATELINE = 70


def dateline(line: Line, published: date | None) -> Dateline | None:
    """A dateline at the start of `line`: a known city then a comma, full stop, dash or colon
    ("TASHKENT –", "Ashgabat, 16 March 2023:", "BISHKEK, February 6 (TCA) —")."""
    match = _DATELINE.match(line.text)
    if not match:
        return None
    place = gazetteer.city_named(match.group("city"))
    if place is None:
        return None
    head = line.text[: MAX_DATELINE + 1]
    end_match = _DATELINE_END.search(head, match.start("sep"))
    if match.group("sep").strip() in ("–", "—", "-", "--", ":"):
        end = match.end()
    elif end_match is not None and end_match.start() <= MAX_DATELINE:
        end = end_match.end()
    elif match.group("sep").strip() == ".":
        end = match.end()  # "ASHGABAT. KAZINFORM The latest meeting …"
    else:
        return None
    when = find_dates(line.text[match.end() : end], published)
    day = when[0].start.start if when and when[0].start.precision == "day" else None
    return Dateline(place[0], place[1], day, line.start, line.start + end, line.text[:end].strip())
