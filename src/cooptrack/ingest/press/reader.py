"""Read a press release and propose draft records, each field with the sentence it came from.

General rules, not rules for one text. The reported meeting is assembled from the headline
and the lead (`assemble`): every meeting named there is a candidate, the one reported as held
or to be held wins, and its facts come from every sentence that names it. The countries taking
part come from the roles the text gives them (`participants`), chairs from how chairs are
written (`people`), other meetings it names are matched to the record, and the firmness of each
commitment comes from its verb. Nothing here writes: a person reviews the draft, and saving
goes through the normal validation.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from cooptrack.errors import InputError
from cooptrack.ingest.press import assemble, gazetteer, meetings, participants
from cooptrack.ingest.press.draft import CommitmentDraft, Draft, MeetingDraft
from cooptrack.ingest.press.page import (
    MAX_SENTENCE,
    Sentence,
    Sentences,
    layout,
    plain_text,
    sentences,
)
from cooptrack.ingest.press.textdates import Spans
from cooptrack.record.validation import slug

__all__ = [
    "MAX_CANDIDATES",
    "MAX_CHARS",
    "MAX_HTML",
    "MAX_SENTENCE",
    "CommitmentDraft",
    "Context",
    "Draft",
    "MeetingDraft",
    "commitment_strings",
    "context_from_seed",
    "context_from_store",
    "extract",
    "match_existing",
    "meeting_strings",
    "plain_text",
    "sentences",
    "to_text",
]

# Bounds on the work one release can cause. Every pattern here runs in time linear in what it
# reads; these keep what it reads small: a release is a few pages, a sentence a few lines.
MAX_CHARS = 200_000  # a release's text, after HTML is stripped
MAX_HTML = 1_000_000  # the page it comes in
MAX_CANDIDATES = 100  # candidate commitments proposed from one release
MAX_MENTIONED = 50  # other meetings located and matched from one release

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
class Context:
    """What the extractor knows about the record: organisations, existing meetings."""

    organisations: gazetteer.Organisations
    meetings: list[dict[str, Any]] = field(default_factory=list)


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
    page = layout(text, published)
    if published is None and page.dateline and page.dateline.day:
        published = page.dateline.day
        notes.append(f"publication date {published} taken from the dateline")
        page = layout(text, published)
    parts = sentences(text) or Sentences([Sentence(text, 0)])
    reading = assemble.read(text, page, parts, published)
    chosen = assemble.choose(reading)
    merged = assemble.same_meeting(reading, chosen) if chosen else []
    main = _reported(reading, chosen, merged, context, notes) if chosen else None
    others = _others(reading, merged, context)
    countries = _countries(reading, chosen, merged, main)
    actors = _actors(chosen.sentence.text, context) if chosen else []
    candidates = _commitments(
        parts, main, others, [a for a in actors if a not in gazetteer.FORUMS], context
    )
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
        countries=countries,
        conventions=_listing(gazetteer.conventions(text), parts),
        organisations=_listing(context.organisations.find(text), parts),
        topics=_listing(gazetteer.topics(text), parts),
        commitments=candidates[:MAX_CANDIDATES],
        notes=notes,
    )


def _reported(
    reading: assemble.Reading,
    chosen: meetings.Mention,
    merged: list[meetings.Mention],
    context: Context,
    notes: list[str],
) -> MeetingDraft:
    meeting_format, said = assemble.meeting_format(reading, merged)
    main = assemble.facts(reading, chosen, merged, online=meeting_format == "online")
    main.format = meeting_format
    if meeting_format:
        main.evidence["format"] = said
    dateline = reading.layout.dateline
    if dateline is not None and main.evidence.get("city") == dateline.text:
        notes.append(f"place taken from the dateline ({dateline.city})")
    if meeting_format == "online" and dateline is not None:
        notes.append(f"held online: the dateline ({dateline.city}) is not taken as its venue")
    if main.start is None:
        notes.append(
            "no date found for the reported meeting"
            + ("" if reading.published else "; give --published for 'today'")
        )
    _chair_organisations(main, context)
    main.matched_id = match_existing(main, context.meetings)
    return main


def _chair_organisations(meeting: MeetingDraft, context: Context) -> None:
    for chair in meeting.chairs:
        org = chair[chair.find("(") + 1 : -1] if chair.endswith(")") else ""
        codes = gazetteer.unique(context.organisations.find(org)) if org else []
        specific = [c for c in codes if c not in ("eu", "ec")] or codes
        meeting.chair_organisations += [
            c for c in specific[:1] if c not in meeting.chair_organisations
        ]


def _others(
    reading: assemble.Reading, merged: list[meetings.Mention], context: Context
) -> list[MeetingDraft]:
    """Other meetings the release names (first naming of each), located and matched."""
    ours = {id(m) for m in merged}
    found: dict[tuple[str, str, int | None, str | None], MeetingDraft] = {}
    for mention in reading.mentions:
        if id(mention) in ours or mention.kind is None or mention.plural:
            continue
        if len(found) >= MAX_MENTIONED:
            continue
        draft = assemble.located(reading, mention)
        if draft.ordinal is None and draft.start is None:
            continue  # "a workshop", "the forum": nothing to match or record
        key = (draft.kind, draft.series, draft.ordinal, None if draft.ordinal else draft.start)
        if key in found:
            continue
        draft.matched_id = match_existing(draft, context.meetings)
        found[key] = draft
    return sorted(found.values(), key=lambda m: m.position)


def _countries(
    reading: assemble.Reading,
    chosen: meetings.Mention | None,
    merged: list[meetings.Mention],
    main: MeetingDraft | None,
) -> list[dict[str, str]]:
    if chosen is None or main is None:
        return []
    ours = {id(m) for m in merged}
    parts = reading.parts

    def eligible(position: int) -> bool:
        if reading.layout.is_furniture(position):
            return False
        named = reading.sentence_mentions(_sentence_of(position, parts))
        return not named or any(id(m) in ours for m in named)

    return participants.taking_part(
        reading.text,
        eligible,
        chair_clauses=assemble.chair_clauses(reading, merged),
        eu_central_asia=assemble.names_eu_central_asia(merged),
        evidence=lambda position: _sentence_of(position, parts).text,
        main_sentence=chosen.sentence.text,
    )


def _sentence_of(position: int, parts: Sentences) -> Sentence:
    """The sentence holding `position` (the first, where two touch), else the last one."""
    index = bisect.bisect_right(parts.starts, position) - 1
    for candidate in (index - 1, index):
        if candidate >= 0 and parts[candidate].start <= position < parts[candidate].end + 1:
            return parts[candidate]
    return parts[-1]


def _actors(text: str, context: Context) -> list[str]:
    return gazetteer.unique([*context.organisations.find(text), *gazetteer.countries(text)])


def _listing(hits: list[gazetteer.Hit], parts: Sentences) -> list[dict[str, str]]:
    seen: dict[str, dict[str, str]] = {}
    for hit in hits:
        seen.setdefault(
            hit.code, {"code": hit.code, "evidence": _sentence_of(hit.start, parts).text}
        )
    return list(seen.values())


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
    parts: Sentences,
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
    named = [m for m in meetings.find(Sentence(part, 0), wgecc_named=False) if m.kind]
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
        if meeting.kind not in own or meeting.status != "planned" or meeting.ordinal is None:
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
    """The id of the record's meeting this draft names: same kind, series and number (the
    one in the same year when several share them); without a number, the only one of its
    kind and series in the same month (or year, as precise as the draft's date); else None."""
    series = draft.series.lower()
    same = [
        m
        for m in meetings
        if m["kind"] == draft.kind
        and (draft.ordinal is None or m["ordinal"] == draft.ordinal)
        and (
            not series
            or series in str(m["series"] or "").lower()
            or str(m["series"] or "").lower() in series
        )
    ]
    if draft.ordinal is None:
        if not draft.start or draft.kind == "other":
            return None
        same = [m for m in same if str(m["start_date"]).startswith(draft.start[:7])]
        return str(same[0]["id"]) if len(same) == 1 else None
    if not series and draft.kind in ("other", "workshop"):  # numbered in some series of its own
        year = (draft.start or "")[:4]
        same = [m for m in same if year and str(m["start_date"])[:4] == year]
    if draft.start and len(same) > 1:
        year = draft.start[:4]
        same = [m for m in same if str(m["start_date"])[:4] == year] or same
    same.sort(key=lambda m: str(m["start_date"]))
    return str(same[0]["id"]) if same else None


def context_from_store(store: Any) -> Context:
    """Organisations and meetings of an open database, for naming and matching (plain rows:
    no DataFrame, so the command line does not load pandas for this)."""
    names = {
        str(i): (str(n), str(s))
        for i, n, s in store.rows("SELECT id, name, short_name FROM organisations")
    }
    wanted = ("id", "kind", "series", "ordinal", "start_date", "title")
    rows = store.rows(f"SELECT {', '.join(wanted)} FROM meetings")  # fixed column names
    return Context(
        gazetteer.Organisations(names), [dict(zip(wanted, r, strict=True)) for r in rows]
    )


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
    lines.append(f"countries taking part: {', '.join(c['code'] for c in draft.countries) or '-'}")
    by_sentence: dict[str, list[str]] = {}
    for country in draft.countries:
        by_sentence.setdefault(country["evidence"], []).append(country["code"])
    lines += [f"    {', '.join(codes)} from: {said}" for said, codes in by_sentence.items()]
    for name, items in (
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


def meeting_strings(
    meeting: MeetingDraft,
    source: str,
    current: dict[str, str] | None = None,
    countries: list[str] | None = None,
) -> dict[str, str]:
    """The draft meeting in the seed format, over the record it matched (kept where the
    release says nothing), with the release added to the sources and the countries it names
    as taking part added to the record's."""
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
        known = [c for c in current.get("countries", "").split(";") if c]
        merged["countries"] = ";".join(dict.fromkeys([*known, *(countries or [])]))
        return merged
    return found | {
        "id": (slug(meeting.title) or "record"),
        "short_title": "",
        "confidence": "M",
        "sources": source,
        "countries": ";".join(countries or []),
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
        "id": f"{meeting_id}-{slug(item.text, 32) or 'record'}",
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
