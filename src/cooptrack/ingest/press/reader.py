"""Read a press release and propose draft records, each field with the sentence it came from.

General rules, not rules for one text: the meeting a release reports is the first meeting named
in its opening sentences; other meetings it names are matched to the record; dates, places,
chairs and the firmness of each commitment come from patterns of how such releases are written.
Nothing here writes: a person reviews the draft, and saving goes through the normal validation.
"""

from __future__ import annotations

import bisect
import functools
import html
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Any

from cooptrack.dates import PartialDate
from cooptrack.errors import InputError
from cooptrack.ingest.press import gazetteer
from cooptrack.ingest.press.textdates import Found, Spans, find_dates

# Bounds on the work one release can cause. Every pattern here runs in time linear in what it
# reads; these keep what it reads small: a release is a few pages, a sentence a few lines.
MAX_CHARS = 200_000  # a release's text, after HTML is stripped
MAX_HTML = 1_000_000  # the page it comes in (HTML is parsed at about 1 µs a character)
MAX_SENTENCE = 1_000  # a longer run without a sentence end is read in pieces of this size
MAX_CANDIDATES = 100  # candidate commitments proposed from one release

ORDINAL_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
            "sixteenth",
            "seventeenth",
            "eighteenth",
            "nineteenth",
            "twentieth",
        ],
        start=1,
    )
}
_ORD = (
    r"(?:(?P<num>\d{1,2})(?:st|nd|rd|th|-?(?:е|я|й|го|м))?|(?P<word>"
    + "|".join(ORDINAL_WORDS)
    + r"))"
)
_EU_CA = r"(?:(?:EU|European Union)\s*[–—-]\s*Central Asia\s+)?"
_WG = r"(?:WGECC|Working Group on Environment and Climate Change(?:\s*\(WGECC\))?)"
MEETING_PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    (
        "coordination-committee",
        "WGECC Coordination Committee",
        re.compile(rf"\b{_ORD}\s+meeting\s+of\s+the\s+(?:{_WG}\s+)?Coordination\s+Committee", re.I),
    ),
    (
        "wgecc-meeting",
        "WGECC",
        re.compile(rf"\b{_ORD}\s+(?:meeting\s+of\s+the\s+)?{_EU_CA}{_WG}(?:\s+meeting)?", re.I),
    ),
    ("wgecc-meeting", "WGECC", re.compile(rf"\b{_ORD}\s+заседани\w+\s+(?:РГОСИК|{_WG})", re.I)),
    (
        "high-level-conference",
        "EU–CA High-Level Conference on Environment and Water",
        re.compile(rf"\b{_ORD}\s+Конференци\w+\s+высокого\s+уровня", re.I),
    ),
    (
        "high-level-conference",
        "EU–CA High-Level Conference on Environment and Water",
        re.compile(rf"\b{_ORD}\s+{_EU_CA}High[- ]Level\s+Conference", re.I),
    ),
    (
        "cop",
        "COP",
        re.compile(
            r"\b(?:(?P<pre>UNFCCC|CBD|UNCCD)\s+)?(?:COP|КС)[\s-]?(?P<num>\d{1,2})"
            r"(?:\s+(?P<post>UNFCCC|CBD|UNCCD))?\b"
        ),
    ),
    (
        "cop",
        "COP",
        re.compile(
            rf"\b{_ORD}\s+Conference\s+of\s+the\s+Parties\s+to\s+the\s+(?P<name>[A-Z][\w\s]+?"
            r"(?:Climate Change|Biological Diversity|Desertification))",
            re.I,
        ),
    ),
    ("ministerial", "", re.compile(r"\bministerial\s+(?:meeting|conference)\b", re.I)),
    ("workshop", "", re.compile(r"\b(?:workshop|seminar|webinar|training|round\s?table)\b", re.I)),
]
_COP_SERIES = {"UNFCCC": "UNFCCC COP", "CBD": "CBD COP", "UNCCD": "UNCCD COP"}
_HELD = re.compile(
    r"\b(?:convened|held|took place|met|gathered|opened|hosted|organi[sz]ed|"
    r"took part|participated|состоял\w*|прош[её]л\w*|провел\w*)\b|^Today\b",
    re.I,
)
_PLANNED = re.compile(
    r"\b(?:scheduled|will (?:take place|be held|meet)|planned|upcoming|"
    r"to be held|forthcoming|next|запланирован\w*|предстоящ\w*|пройд[её]т|состоится)\b",
    re.I,
)
_ONLINE = re.compile(
    r"\b(?:online|virtual(?:ly)?|video ?conferenc\w*|by video|"
    r"онлайн\w*|в режиме видеоконференц\w*)\b",
    re.I,
)
_HYBRID = re.compile(r"\bhybrid\b|гибридн\w*", re.I)
_IN_CITY = re.compile(r"\b(?:in|at|в|во)\s++$", re.I)
_CHAIRED = re.compile(
    r"\b(?:co-?)?chaired by\s+(?P<list>.+?)(?=,\s+(?:was|were|is|has|had)\b|"
    r"\.\s|\.$|;|$)",
    re.I,
)
_PERSON = re.compile(
    r"(?:Mr|Ms|Mrs|Dr|Prof|H\.?E\.?|Minister)\.?\s+(?P<name>[A-ZÀ-Ž][\w'’-]+"
    r"(?:\s+[A-ZÀ-Ž][\w'’-]+){0,3})(?:,?\s+(?:of|from)\s+(?:the\s+)?"
    r"(?P<org>.+))?"
)
FIRMNESS: list[tuple[re.Pattern[str], str, str]] = [
    (re.compile(r"\breiterated (?:its|their) commitment(?: to)?\b", re.I), "reiterated", "agreed"),
    (re.compile(r"\breaffirmed (?:its|their) commitment(?: to)?\b", re.I), "reiterated", "agreed"),
    (re.compile(r"\bagreed (?:to|on|that|upon)\b", re.I), "agreed", "agreed"),
    (re.compile(r"\bdecided to\b", re.I), "agreed", "agreed"),
    (re.compile(r"(?<!is )(?<!are )\b(?:committed|pledged) to\b", re.I), "committed", "agreed"),
    (re.compile(r"\bconsidered\b", re.I), "considered", "proposed"),
    (
        re.compile(r"\b(?:proposed|suggested|recommended|called for)\b", re.I),
        "proposed",
        "proposed",
    ),
    (re.compile(r"\bhighlighted the importance of\b", re.I), "proposed", "proposed"),
    (re.compile(r"\b(?:договорились|согласились|решили)\b", re.I), "agreed", "agreed"),
    (re.compile(r"\bподтверди\w+ (?:свою )?приверженность\b", re.I), "reiterated", "agreed"),
    (re.compile(r"\b(?:предложил\w*|рассмотрели)\b", re.I), "proposed", "proposed"),
]
_GROUP_SUBJECT = re.compile(
    r"\b(?:delegates|participants|parties|they|members|officials|"
    r"the sides|both sides|участники|стороны|делегаты)\b",
    re.I,
)
_SPLIT = re.compile(r",?\s+and\s+to\s+(?=\w)", re.I)
_AHEAD = re.compile(
    r"\b(?:ahead of|in preparation for|before|at the|during the|prior to|"
    r"в преддверии|накануне)\b",
    re.I,
)


@dataclass
class MeetingDraft:
    kind: str
    series: str
    ordinal: int | None
    title: str
    start: str | None = None
    end: str | None = None
    tentative: bool = False
    city: str | None = None
    host_country: str | None = None
    format: str | None = None
    status: str | None = None
    chairs: list[str] = field(default_factory=list)
    chair_organisations: list[str] = field(default_factory=list)
    matched_id: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)
    position: int = 0


@dataclass
class CommitmentDraft:
    text: str
    made_by: list[str]
    firmness: str
    status: str
    ahead_of: str | None
    ahead_of_title: str | None
    evidence: str


@dataclass
class Draft:
    source: str | None
    published: str | None
    meeting: MeetingDraft | None
    mentioned: list[MeetingDraft]
    countries: list[dict[str, str]]
    conventions: list[dict[str, str]]
    organisations: list[dict[str, str]]
    topics: list[dict[str, str]]
    commitments: list[CommitmentDraft]
    notes: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass
class Context:
    """What the extractor knows about the record: organisations, existing meetings."""

    organisations: gazetteer.Organisations
    meetings: list[dict[str, Any]] = field(default_factory=list)


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
    """HTML (if it is HTML) reduced to its text, whitespace tidied, paragraphs kept."""
    if re.search(r"<(?:p|div|body|html|br|span)\b", content, re.I):
        parser = _TextOnly()
        parser.feed(content)
        content = html.unescape("".join(parser.parts))
    content = content.replace("’", "'")
    lines = [_SPACES.sub(" ", line).strip() for line in content.splitlines()]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


_SPACES = re.compile(r"\s++")  # within a line: any run of white space becomes one space
_BLANK_LINES = re.compile(r"\n{3,}+")


class Sentences(list[Sentence]):
    """The sentences of a text in order, with their starts for finding one by position."""

    def __init__(self, found: list[Sentence]) -> None:
        super().__init__(found)
        self.starts = [sentence.start for sentence in found]


_SENTENCE = re.compile(
    r"[^\n]+?(?:(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bMrs)(?<!\be\.g)(?<!\bi\.e)"
    r"[.!?](?=\s+[A-ZА-ЯЁ\"“(])|$)",
    re.M,
)


def sentences(text: str) -> Sentences:
    """Split on sentence ends and paragraph breaks, not on 'Mr.' or 'e.g.'; a run longer than
    MAX_SENTENCE is cut into pieces at spaces."""
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


def _ordinal(match: re.Match[str]) -> int | None:
    groups = match.groupdict()
    if groups.get("num"):
        return int(groups["num"])
    if groups.get("word"):
        return ORDINAL_WORDS[groups["word"].lower()]
    return None


def _cop_series(match: re.Match[str], sentence: str) -> str:
    groups = match.groupdict()
    code = groups.get("pre") or groups.get("post")
    name = (groups.get("name") or "").lower()
    if not code and name:
        code = "UNFCCC" if "climate" in name else "CBD" if "biological" in name else "UNCCD"
    if not code:
        code = _cop_convention_near(sentence)
    return _COP_SERIES.get(code, "COP")


@functools.lru_cache(maxsize=256)
def _cop_convention_near(sentence: str) -> str:
    """The first convention a sentence names that holds COPs, or "" (asked once a sentence)."""
    near = [h.code for h in gazetteer.conventions(sentence) if h.code in _COP_SERIES]
    return near[0] if near else ""


def mentions(text: str, skip_titles: bool = True) -> list[MeetingDraft]:
    """Every meeting named in the text, first mention of each, in order."""
    found: dict[tuple[str, str, int | None], MeetingDraft] = {}
    for sentence in sentences(text):
        if skip_titles and _is_title(sentence.text):
            continue
        taken = Spans()
        for kind, default_series, pattern in MEETING_PATTERNS:
            for match in pattern.finditer(sentence.text):
                if not taken.take(*match.span()):
                    continue
                number = _ordinal(match)
                series = _cop_series(match, sentence.text) if kind == "cop" else default_series
                key = (kind, series, number)
                if key in found:
                    continue
                draft = MeetingDraft(
                    kind,
                    series,
                    number,
                    _title(kind, series, number),
                    position=sentence.start + match.start(),
                )
                draft.evidence["kind"] = sentence.text
                found[key] = draft
    return sorted(found.values(), key=lambda m: m.position)


def _is_title(line: str) -> bool:
    """A headline: no closing punctuation. It names a meeting but says nothing of it."""
    return not line.strip().endswith((".", "!", "?", ":", ";", "»", '"', "”", ")"))


def _title(kind: str, series: str, number: int | None) -> str:
    nth = _nth(number) if number else ""
    if kind == "coordination-committee":
        return f"{nth} meeting of the WGECC Coordination Committee".strip()
    if kind == "wgecc-meeting":
        return (
            f"{nth} meeting of the EU–Central Asia Working Group on Environment and "
            "Climate Change (WGECC)".strip()
        )
    if kind == "high-level-conference":
        return f"{nth} EU–Central Asia High-Level Conference on Environment and Water".strip()
    if kind == "cop":
        return f"{series}{number}" if series.endswith("COP") and number else series
    return kind.replace("-", " ").capitalize()


def _nth(number: int) -> str:
    teen = 10 <= number % 100 <= 20
    return f"{number}{'th' if teen else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"


def _sentence_of(position: int, parts: list[Sentence]) -> Sentence:
    """The sentence holding `position` (the first, where two touch), else the last one."""
    starts = parts.starts if isinstance(parts, Sentences) else [s.start for s in parts]
    index = bisect.bisect_right(starts, position) - 1
    for candidate in (index - 1, index):
        if candidate >= 0 and parts[candidate].start <= position < parts[candidate].end + 1:
            return parts[candidate]
    return parts[-1]


@functools.lru_cache(maxsize=256)
def _dates_in(sentence: str, published: date | None) -> tuple[Found, ...]:
    """The dates of a sentence, read once however many meetings it names."""
    return tuple(find_dates(sentence, published))


def _locate(
    meeting: MeetingDraft, parts: list[Sentence], published: date | None, lead: bool
) -> None:
    """Dates, place and status from the sentence that names the meeting."""
    sentence = _sentence_of(meeting.position, parts)
    offset = meeting.position - sentence.start
    after = sentence.text[offset:]
    dates = [d for d in _dates_in(sentence.text, published) if d.position >= offset]
    dates = dates or (list(_dates_in(sentence.text, published)) if lead else [])
    nearest = _next_mention_cut(after)
    dates = [d for d in dates if d.position - offset <= nearest] or dates[:0]
    if dates:
        _set_dates(meeting, dates[0], sentence.text)
    place = _places(after[:nearest])
    if not place and lead:  # "met in Tashkent for the 8th WGECC meeting"
        place = _places(sentence.text[:offset])
    if place:
        meeting.city, meeting.host_country = place[0][0], place[0][1]
        meeting.evidence["city"] = sentence.text
    if _PLANNED.search(after[: nearest + 60]) or (
        published and meeting.start and PartialDate.parse(meeting.start).start > published
    ):
        meeting.status = "planned"
    elif _HELD.search(sentence.text):
        meeting.status = "held"
    if meeting.status:
        meeting.evidence["status"] = sentence.text


def _places(text: str) -> list[tuple[str, str, int]]:
    """Known cities introduced by 'in'/'at'/'в' in `text`."""
    return [
        (c, k, p) for c, k, p in gazetteer.cities(text) if _IN_CITY.search(text, max(0, p - 12), p)
    ]


def _next_mention_cut(after: str) -> int:
    """Stop reading a meeting's details where the next meeting is named."""
    cuts = [m.start() for _, _, p in MEETING_PATTERNS for m in p.finditer(after) if m.start() > 0]
    return min(cuts) if cuts else len(after)


def _set_dates(meeting: MeetingDraft, found: Found, sentence: str) -> None:
    meeting.start = found.start.iso()
    meeting.end = found.end.iso() if found.end else None
    meeting.tentative = found.tentative
    meeting.evidence["start"] = sentence


def _chairs(meeting: MeetingDraft, parts: list[Sentence], context: Context) -> None:
    for sentence in parts:
        match = _CHAIRED.search(sentence.text)
        if not match:
            continue
        people = re.split(r"\s+and\s+(?=(?:Mr|Ms|Mrs|Dr|Prof|H\.?E)\b)", match.group("list"))
        for person in people:
            found = _PERSON.search(person)
            if not found:
                continue
            org = (found.group("org") or "").strip().rstrip(",")
            meeting.chairs.append(f"{found.group('name')} ({org})" if org else found.group("name"))
            codes = gazetteer.unique(context.organisations.find(org)) if org else []
            specific = [c for c in codes if c not in ("eu", "ec")] or codes
            meeting.chair_organisations += [
                c for c in specific[:1] if c not in meeting.chair_organisations
            ]
        meeting.evidence["chairs"] = sentence.text
        return


_DATELINE = re.compile(
    r"^\s*(?P<city>[A-ZА-ЯЁ][\w .'’-]{1,40}?)(?:\s*,\s*(?P<when>[^—–\n]{4,30}?))?"
    r"\s++[—–-]{1,2}\s"
)


def dateline(text: str, published: date | None) -> tuple[str, str, date | None] | None:
    """("Nur-Sultan", "KZ", date or None) from an opening like "NUR-SULTAN —"."""
    match = _DATELINE.match(text)
    if not match:
        return None
    place = gazetteer.city_named(match.group("city"))
    if place is None:
        return None
    when = find_dates(match.group("when") or "", published)
    day = when[0].start.start if when and when[0].start.precision == "day" else None
    return place[0], place[1], day


def _actors(text: str, context: Context) -> list[str]:
    return gazetteer.unique([*context.organisations.find(text), *gazetteer.countries(text)])


def _main_meeting(found: list[MeetingDraft], parts: list[Sentence]) -> MeetingDraft | None:
    """The meeting the release reports: named in the opening sentences as held or convened."""
    lead_end = parts[min(2, len(parts) - 1)].end if parts else 0
    in_lead = [m for m in found if m.position <= lead_end]
    for meeting in in_lead:
        if _HELD.search(_sentence_of(meeting.position, parts).text) and meeting.kind != "cop":
            return meeting
    return in_lead[0] if in_lead else (found[0] if found else None)


def _format(text: str) -> str | None:
    if _HYBRID.search(text):
        return "hybrid"
    return "online" if _ONLINE.search(text) else None


def _listing(hits: list[gazetteer.Hit], parts: list[Sentence]) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for hit in hits:
        seen.setdefault(
            hit.code, {"code": hit.code, "evidence": _sentence_of(hit.start, parts).text}
        )
    return list(seen.values())


_TAKING_PART = re.compile(
    r"\b(?:attended|participated|took part|delegations?|representatives|"
    r"officials|participants|ministers|участ\w+|представител\w+)\b",
    re.I,
)


def _main_countries(
    text: str, parts: list[Sentence], main: MeetingDraft | None, others: list[MeetingDraft]
) -> list[gazetteer.Hit]:
    """Countries taking part in the reported meeting: named in its paragraph, or in a
    sentence about who took part, and not in a sentence about another meeting."""
    if main is None:
        return []
    paragraph = _paragraph(text, main.position)
    main_sentence = _sentence_of(main.position, parts).start
    about_others = {_sentence_of(m.position, parts).start for m in others} - {main_sentence}
    chosen = []
    taking_part: dict[int, bool] = {}
    for hit in gazetteer.countries(text):
        sentence = _sentence_of(hit.start, parts)
        if sentence.start not in taking_part:
            taking_part[sentence.start] = bool(_TAKING_PART.search(sentence.text))
        near = paragraph[0] <= hit.start < paragraph[1] or taking_part[sentence.start]
        if near and sentence.start not in about_others:
            chosen.append(hit)
    return chosen


def _paragraph(text: str, position: int) -> tuple[int, int]:
    start = text.rfind("\n\n", 0, position)
    end = text.find("\n\n", position)
    return (0 if start < 0 else start, len(text) if end < 0 else end)


def _verbs(text: str) -> list[tuple[re.Match[str], str, str]]:
    """Every firmness verb in a sentence, in order, without overlaps."""
    found: list[tuple[re.Match[str], str, str]] = []
    taken = Spans()
    for pattern, firmness, status in FIRMNESS:
        for match in pattern.finditer(text):
            if taken.take(*match.span()):
                found.append((match, firmness, status))
    return sorted(found, key=lambda f: f[0].start())


def _commitments(
    parts: list[Sentence],
    main: MeetingDraft | None,
    others: list[MeetingDraft],
    participants: list[str],
    context: Context,
) -> list[CommitmentDraft]:
    drafts: list[CommitmentDraft] = []
    for sentence in parts:
        verbs = _verbs(sentence.text)
        if not verbs:
            continue
        subject = sentence.text[: verbs[0][0].start()]
        who = _actors(subject, context)
        if not who or _GROUP_SUBJECT.search(subject):
            who = participants if not who or len(who) < 2 else who
        ends = [v[0].start() for v in verbs[1:]] + [len(sentence.text)]
        for (verb, firmness, status), end in zip(verbs, ends, strict=True):
            what = re.sub(r"\s+and\s*$", "", sentence.text[verb.end() : end].strip())
            for part in (p for p in _SPLIT.split(what.rstrip(".")) if len(p.split()) > 2):
                ahead = _looks_ahead(part, others, main)
                drafts.append(
                    CommitmentDraft(
                        text=_sentence_case(part),
                        made_by=who,
                        firmness=firmness,
                        status=status,
                        ahead_of=ahead.matched_id if ahead else None,
                        ahead_of_title=ahead.title if ahead else None,
                        evidence=sentence.text,
                    )
                )
    return drafts + _scheduled_meetings(others, participants, context)


def _looks_ahead(
    part: str, others: list[MeetingDraft], main: MeetingDraft | None
) -> MeetingDraft | None:
    named = mentions(part, skip_titles=False)
    if not named or not _AHEAD.search(part):
        return None
    key = (named[0].kind, named[0].series, named[0].ordinal)
    return next(
        (m for m in [*others, *([main] if main else [])] if (m.kind, m.series, m.ordinal) == key),
        None,
    )


def _scheduled_meetings(
    others: list[MeetingDraft], participants: list[str], context: Context
) -> list[CommitmentDraft]:
    """A group's own next meeting announced as scheduled is a commitment to hold it."""
    own = ("wgecc-meeting", "coordination-committee", "high-level-conference")
    drafts = []
    for meeting in others:
        if meeting.kind not in own or meeting.status != "planned":
            continue
        where = f" in {meeting.city}" if meeting.city else ""
        when = f" ({meeting.start})" if meeting.start else ""
        who = ["wgecc"] if context.organisations.find("WGECC") else participants
        drafts.append(
            CommitmentDraft(
                text=f"Hold the {meeting.title}{where}{when}",
                made_by=who,
                firmness="scheduled",
                status="agreed",
                ahead_of=None,
                ahead_of_title=None,
                evidence=meeting.evidence.get("status", meeting.evidence.get("kind", "")),
            )
        )
    return drafts


_TRAILING = re.compile(
    r",?\s+(?:scheduled|to be held|which|that will|under the presidency|"
    r"запланированн\w*|котор\w+)\b.*$",
    re.I,
)


def _sentence_case(text: str) -> str:
    text = re.sub(r"^(?:to|that|on|upon)\s+", "", text.strip(), flags=re.I)
    text = _TRAILING.sub("", text)
    return text[:1].upper() + text[1:] if text else text


def match_existing(draft: MeetingDraft, meetings: list[dict[str, Any]]) -> str | None:
    """The id of the record's meeting this draft names (same kind, series and number; the
    one in the same year when several share them), or None."""
    if draft.ordinal is None:
        return None
    series = draft.series.lower()
    same = [
        m
        for m in meetings
        if m["kind"] == draft.kind
        and m["ordinal"] == draft.ordinal
        and (
            not series
            or series in str(m["series"] or "").lower()
            or str(m["series"] or "").lower() in series
        )
    ]
    if draft.start and len(same) > 1:
        year = draft.start[:4]
        same = [m for m in same if str(m["start_date"])[:4] == year] or same
    same.sort(key=lambda m: str(m["start_date"]))
    return str(same[0]["id"]) if same else None


def extract(
    content: str, context: Context, published: date | None = None, source: str | None = None
) -> Draft:
    """The draft records a press release supports, each field with its sentence. InputError
    for a release too long to be one (MAX_CHARS of text; an HTML page up to MAX_HTML)."""
    if len(content) > MAX_HTML:
        raise InputError(
            f"the release is {len(content):,} characters long; at most {MAX_HTML:,} are read"
        )
    text = plain_text(content)
    if len(text) > MAX_CHARS:
        raise InputError(
            f"the release's text is {len(text):,} characters long; at most {MAX_CHARS:,} are "
            "read (a release is a few pages: give the release alone)"
        )
    notes: list[str] = []
    line = dateline(text, published)
    if published is None and line and line[2]:
        published = line[2]
        notes.append(f"publication date {published} taken from the dateline")
    parts = sentences(text) or [Sentence(text, 0)]
    found = mentions(text)
    main = _main_meeting(found, parts)
    others = [m for m in found if m is not main]
    for meeting in found:
        _locate(meeting, parts, published, lead=meeting is main)
        meeting.matched_id = match_existing(meeting, context.meetings)
    if main is not None:
        _complete_main(
            main, text, parts, line=line, published=published, context=context, notes=notes
        )
    participants = [
        a
        for a in (_actors(_sentence_of(main.position, parts).text, context) if main else [])
        if a not in gazetteer.FORUMS
    ]
    candidates = _commitments(parts, main, others, participants, context)
    if len(candidates) > MAX_CANDIDATES:
        notes.append(
            f"{len(candidates):,} candidate commitments found; the first {MAX_CANDIDATES} "
            "are proposed"
        )
    return Draft(
        source=source,
        published=published.isoformat() if published else None,
        meeting=main,
        mentioned=others,
        countries=_listing(_main_countries(text, parts, main, others), parts),
        conventions=_listing(gazetteer.conventions(text), parts),
        organisations=_listing(context.organisations.find(text), parts),
        topics=_listing(gazetteer.topics(text), parts),
        commitments=candidates[:MAX_CANDIDATES],
        notes=notes,
    )


def _complete_main(
    main: MeetingDraft,
    text: str,
    parts: list[Sentence],
    *,
    line: tuple[str, str, date | None] | None,
    published: date | None,
    context: Context,
    notes: list[str],
) -> None:
    main.format = _format(text)
    if main.format:
        main.evidence["format"] = next(
            s.text for s in parts if _ONLINE.search(s.text) or _HYBRID.search(s.text)
        )
    if main.city is None and line:
        main.city, main.host_country = line[0], line[1]
        main.evidence["city"] = parts[0].text
        notes.append(f"place taken from the dateline ({line[0]})")
    if main.start is None:
        notes.append(
            "no date found for the reported meeting"
            + ("" if published else "; give --published for 'today'")
        )
    if main.status is None:
        main.status = "held"
    _chairs(main, parts, context)


def context_from_store(store: Any) -> Context:
    """Organisations and meetings of an open database, for naming and matching."""
    names = {
        str(i): (str(n), str(s))
        for i, n, s in store.rows("SELECT id, name, short_name FROM organisations")
    }
    meetings = store.frame(
        "SELECT id, kind, series, ordinal, start_date, title FROM meetings"
    ).to_dict("records")
    return Context(gazetteer.Organisations(names), meetings)


def context_from_seed(seed: Any) -> Context:
    """The same from the bundled seed files, when no database is at hand."""
    names = {
        str(row["id"]): (str(row["name"]), str(row["short_name"]))
        for row in seed.tables["organisations"]
    }
    wanted = ("id", "title", "kind", "series", "ordinal", "start_date")
    meetings = [{column: m[column] for column in wanted} for m in seed.tables["meetings"]]
    return Context(gazetteer.Organisations(names), meetings)


def to_text(draft: Draft) -> str:
    """The draft for a terminal: each field with the sentence it came from."""
    lines = [f"source: {draft.source or '-'}   published: {draft.published or 'not given'}"]
    if draft.meeting:
        lines += _meeting_lines("reported meeting", draft.meeting)
    for meeting in draft.mentioned:
        lines += _meeting_lines("also mentioned", meeting)
    for name, items in (
        ("countries", draft.countries),
        ("conventions", draft.conventions),
        ("organisations", draft.organisations),
        ("topics", draft.topics),
    ):
        lines.append(f"{name}: {', '.join(i['code'] for i in items) or '-'}")
    for number, item in enumerate(draft.commitments, start=1):
        ahead = f" (ahead of {item.ahead_of_title})" if item.ahead_of_title else ""
        lines.append(
            f"commitment {number} [{item.firmness} -> {item.status}] by "
            f"{', '.join(item.made_by) or '?'}: {item.text}{ahead}"
        )
        lines.append(f"    from: {item.evidence}")
    lines += [f"note: {note}" for note in draft.notes]
    return "\n".join(lines)


def _meeting_lines(label: str, meeting: MeetingDraft) -> list[str]:
    when = meeting.start or "date not found"
    if meeting.end:
        when += f" to {meeting.end}"
    if meeting.tentative:
        when += " (tbc)"
    match = f" = record {meeting.matched_id}" if meeting.matched_id else " (not in the record)"
    lines = [
        f"{label}: {meeting.title} [{meeting.kind}]{match}",
        f"    when: {when}; where: {meeting.city or '-'} ({meeting.host_country or '-'}); "
        f"format: {meeting.format or '-'}; status: {meeting.status or '-'}",
    ]
    if meeting.chairs:
        lines.append(f"    chairs: {'; '.join(meeting.chairs)}")
    lines += [f"    {key} from: {text}" for key, text in meeting.evidence.items()]
    return lines


def slug(text: str, limit: int = 48) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return words[:limit].rstrip("-") or "record"


def meeting_strings(
    meeting: MeetingDraft, source: str, current: dict[str, str] | None = None
) -> dict[str, str]:
    """The draft meeting in the seed format, over the record it matched (kept where the
    release says nothing), with the release added to the sources."""
    found = {
        "title": meeting.title,
        "kind": meeting.kind,
        "series": meeting.series,
        "ordinal": str(meeting.ordinal or ""),
        "start": meeting.start or "",
        "end": meeting.end or "",
        "tentative": "true" if meeting.tentative else "false",
        "city": meeting.city or "",
        "host_country": meeting.host_country or "",
        "format": meeting.format or "",
        "status": meeting.status or "",
        "chairs": ";".join(meeting.chairs),
        "chair_organisations": ";".join(meeting.chair_organisations),
    }
    if current:
        merged = dict(current)
        merged |= {k: v for k, v in found.items() if v and k not in ("title", "series")}
        if found["start"] and not found["end"]:
            merged["end"] = ""
        sources = [s for s in current.get("sources", "").split(";") if s]
        merged["sources"] = ";".join(dict.fromkeys([*sources, source]))
        return merged
    return found | {
        "id": slug(meeting.title),
        "short_title": "",
        "confidence": "M",
        "sources": source,
        "countries": "",
        "conventions": "",
        "topics": "",
        "organisers": "",
        "summary": "",
    }


def commitment_strings(
    item: CommitmentDraft, meeting_id: str, source: str, conventions: list[str], topics: list[str]
) -> dict[str, str]:
    """A candidate commitment in the seed format, made at `meeting_id`."""
    return {
        "id": f"{meeting_id}-{slug(item.text, 32)}",
        "text": item.text,
        "made_by": ";".join(item.made_by),
        "meeting": meeting_id,
        "made_on": "",
        "countries": ";".join(c for c in item.made_by if len(c) == 2 and c.isupper()),
        "conventions": ";".join(conventions),
        "topics": ";".join(topics),
        "due": "",
        "ahead_of": item.ahead_of or "",
        "status": item.status,
        "fulfilled_by": "",
        "confidence": "M",
        "sources": source,
    }
