"""The meeting a release reports, assembled from its headline and lead.

Every meeting the text names is a candidate; the reported one is the candidate the headline or
the first sentences name as held, opened, hosted or to be held, not one marked as another
("ahead of COP28", "since the 9th meeting"), and not the large event that hosts it ("at
COP28"). Its facts are then gathered from every sentence that names it again ("the session",
"Tuesday's meeting"), from the sentence after one that names it, from the headline and the lines
under it, and last from the dateline: in each sentence a date or place belongs to the meeting
named nearest before it (or, before any, to the first named after it that is not a host).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from cooptrack.dates import PartialDate
from cooptrack.ingest.press import gazetteer, meetings, people
from cooptrack.ingest.press.draft import MeetingDraft
from cooptrack.ingest.press.meetings import Mention
from cooptrack.ingest.press.page import Layout, Line, Sentence, Sentences
from cooptrack.ingest.press.textdates import Found, find_dates

HELD = re.compile(
    r"\b(?:convened?|convenes|held|holds?|holding|took place|takes place|met|meet|meets|"
    r"gathered|opened|hosted|hosts?|organi[sz]ed|took part|participated|attended|"
    r"will (?:take place|be held|meet|hold|convene)|to be held|to host|"
    r"состоял\w*+|состоится|прош[её]л\w*+|прошл[аои]|пройд[её]т|провел\w*+|проводит\w*+|"
    r"открыл\w*+|стартовал\w*+|участвова\w*+|примут участие|собрал\w*+)\b",
    re.I,
)
PLANNED = re.compile(
    r"\b(?:scheduled|will (?:take place|be held|meet|hold|convene|be the venue|gather)|planned|"
    r"upcoming|to be held|forthcoming|next|is to|are to|to host|запланирован\w*+|"
    r"предстоящ\w*+|пройд[её]т|состоится|примут участие|будет|будут)\b",
    re.I,
)
ONLINE = re.compile(
    r"\b(?:online|on-line|virtual(?:ly)?|video ?conferenc\w*+|by video|via video|"
    r"video[- ]?link|онлайн\w*+|видеоконференц\w*+|видеосвяз\w*+|дистанционн\w*+)\b",
    re.I,
)
HYBRID = re.compile(r"\bhybrid\b|гибридн\w*+", re.I)
IN_PERSON = re.compile(r"\bin[- ]person\b|\bочн\w*+ формат\w*+|\bв очном\b", re.I)
# "the Turkmen government said on May 27": the date of a statement about the meeting
_STATEMENT = re.compile(
    r"\b(?:said|says|stated|reported|reports|announced|issued|published|posted|added|told|"
    r"noted|wrote|сообщил\w*+|заявил\w*+|опубликова\w*+)\b[^.;]{0,12}+$",
    re.I,
)
_PLACE_INTRO = re.compile(
    r"(?:\b(?:in|at|to|capital of|city of)|(?<![\w-])(?:во?|г\.|городе|город|столице))"
    r"\s*+(?:the\s++)?$",
    re.I,
)
_PLACE_SUBJECT = re.compile(
    r"\s*+(?:\([^()\n]{0,30}\)\s*+)?(?:hosted|hosts|will host|is hosting|welcomed|welcomes|"
    r"will be the venue|was the venue|принял\w*+|принимает|стал\w* местом)\b",
    re.I,
)
_EU_CA = re.compile(
    r"(?:\bEU|European Union|\bЕС|Евросоюз\w*+|Европейск\w*+ [Сс]оюз\w*+)\s*+[–—-]\s*+"
    r"(?:Central Asia|CA\b|ЦА\b|Центральн\w*+ Ази\w*+)"
    r"|(?:Central Asia|\bЦА|Центральн\w*+ Ази\w*+)\s*+[–—-]\s*+"
    r"(?:EU\b|ЕС\b|Европейск\w*+ [Сс]оюз\w*+|Евросоюз\w*+)",
)
# A sentence that opens by pointing back at the meeting just named continues its facts
_REFERS_BACK = re.compile(r"(?:It|This|They|Its|Она|Оно|Он|Это)\b")
LEAD_SENTENCES = 8  # sentences of the lead whose meetings are candidates


@dataclass
class Reading:
    """A release's text with its layout, sentences and every meeting it names."""

    text: str
    layout: Layout
    parts: Sentences
    published: date | None
    mentions: list[Mention] = field(default_factory=list)
    in_sentence: dict[int, list[Mention]] = field(default_factory=dict)  # by sentence start
    _dates: dict[tuple[int, int], list[Found]] = field(default_factory=dict)
    _places: dict[tuple[int, int], list[tuple[str, str, int]]] = field(default_factory=dict)

    def sentence_mentions(self, sentence: Sentence) -> list[Mention]:
        return self.in_sentence.get(sentence.start, [])

    def dates(self, sentence: Sentence) -> list[Found]:
        """The dates of a sentence, read once however many meetings it names."""
        key = (sentence.start, sentence.end)
        if key not in self._dates:
            self._dates[key] = find_dates(sentence.text, self.published)
        return self._dates[key]

    def places(self, sentence: Sentence) -> list[tuple[str, str, int]]:
        key = (sentence.start, sentence.end)
        if key not in self._places:
            self._places[key] = places(sentence.text)
        return self._places[key]


def read(text: str, layout: Layout, parts: Sentences, published: date | None) -> Reading:
    reading = Reading(text, layout, parts, published)
    wgecc_named = bool(re.search(r"WGECC|РГОСИК|Working Group on Environment and Climate", text))
    for sentence in parts:
        if layout.is_furniture(sentence.start):
            continue
        found = meetings.find(sentence, wgecc_named)
        if found:
            reading.in_sentence[sentence.start] = found
            reading.mentions.extend(found)
    return reading


# --- which meeting is reported ----------------------------------------------------------------


def choose(reading: Reading) -> Mention | None:
    """The candidate named in the headline or first sentences as held, best first."""
    lead = _lead_sentences(reading)
    order = {sentence.start: index for index, sentence in enumerate(lead)}
    headline = reading.layout.headline
    candidates = [
        m
        for m in reading.mentions
        if m.kind is not None and (m.sentence.start in order or _in_line(m, headline))
    ]
    if not candidates:
        named = [m for m in reading.mentions if m.kind is not None and not m.other]
        bare = [  # "The meeting, held on …": a meeting all the same, of no known kind
            m
            for m in reading.mentions
            if m.sentence.start in order and not m.other and HELD.search(m.sentence.text)
        ]
        fallback = named or bare
        return fallback[0] if fallback else None
    return max(candidates, key=lambda m: (_score(m, order, headline), -m.position))


def _lead_sentences(reading: Reading) -> list[Sentence]:
    """The first sentences of the lead's prose (not the headline, not short labels)."""
    found: list[Sentence] = []
    for sentence in reading.parts:
        if sentence.start >= reading.layout.lead_end or len(found) >= LEAD_SENTENCES:
            break
        line = reading.layout.line_of(sentence.start)
        if line is None or line not in reading.layout.prose or len(sentence.text.split()) < 4:
            continue
        found.append(sentence)
    return found


def _in_line(mention: Mention, line: Line | None) -> bool:
    return line is not None and line.start <= mention.position < line.end


def _score(mention: Mention, order: dict[int, int], headline: Line | None) -> int:
    score = 0
    index = order.get(mention.sentence.start)
    if _in_line(mention, headline) or index == 0:
        score += 3
    elif index == 1:
        score += 1
    if HELD.search(mention.sentence.text):
        score += 2
    if mention.ordinal is not None:
        score += 1
    if mention.other:
        score -= 6
    if mention.kind == "cop":
        score -= 4
    if mention.hosted_at:
        score -= 3
    if mention.plural:
        score -= 2
    return score


def same_meeting(reading: Reading, main: Mention) -> list[Mention]:
    """Every mention of the reported meeting, in text order: the chosen one, bare "the
    meeting"s, and the headline's or lead's other names for it."""
    merged: list[Mention] = []
    ordinal = main.ordinal
    for mention in reading.mentions:
        if mention is main:
            merged.append(mention)
            continue
        if mention.other or not _kinds_agree(reading, mention, main):
            continue
        if mention.ordinal is not None and ordinal is not None and mention.ordinal != ordinal:
            continue
        far = mention.kind is not None and not reading.layout.in_lead(mention.position)
        if far and mention.ordinal is None and _own_facts(reading, mention):
            continue  # "the EU-CA high level conference held in Rome in November 2009"
        if mention.ordinal is not None:
            ordinal = mention.ordinal
        merged.append(mention)
    return merged


def _kinds_agree(reading: Reading, mention: Mention, main: Mention) -> bool:
    if mention.kind is None or mention.kind == main.kind:
        return True
    if "other" not in (mention.kind, main.kind) or "cop" in (mention.kind, main.kind):
        return False
    headline = reading.layout.headline
    return (_in_line(mention, headline) or _in_line(main, headline)) and _family(
        mention.head
    ) == _family(main.head)


def _family(head: str) -> str:
    if head.startswith(("conference", "конференц", "forum", "форум")):
        return "conference"
    if head.startswith(("summit", "саммит", "meeting", "встреч", "ministerial")):
        return "meeting"
    return head


def _own_facts(reading: Reading, mention: Mention) -> bool:
    """Whether the words after a mention give it a date or place of its own."""
    return bool(_owned_dates(reading, mention.sentence, {id(mention)})) or bool(
        _owned_places(reading, mention.sentence, {id(mention)})
    )


# --- who owns what in a sentence ---------------------------------------------------------------


def owner(reading: Reading, sentence: Sentence, offset: int) -> Mention | None:
    """The mention a date, place or chair at `offset` in a sentence belongs to: the nearest
    named before it, or before any, the first named after it that does not host another."""
    named = reading.sentence_mentions(sentence)
    before = [m for m in named if m.offset <= offset]
    if before:
        return before[-1]
    after = [m for m in named if not m.hosted_at] or named
    return after[0] if after else None


def _owned(reading: Reading, sentence: Sentence, offset: int, ours: set[int]) -> bool:
    found = owner(reading, sentence, offset)
    return found is None or id(found) in ours


def _owned_dates(reading: Reading, sentence: Sentence, ours: set[int]) -> list[Found]:
    dateline = reading.layout.dateline
    kept = []
    for found in reading.dates(sentence):
        where = sentence.start + found.position
        if dateline is not None and dateline.start <= where < dateline.end:
            continue
        if _STATEMENT.search(sentence.text, max(0, found.position - 40), found.position):
            continue
        if _owned(reading, sentence, found.position, ours):
            kept.append(found)
    return kept


def _owned_places(
    reading: Reading, sentence: Sentence, ours: set[int]
) -> list[tuple[str, str, int]]:
    return [
        place
        for place in reading.places(sentence)
        if _owned(reading, sentence, place[2], ours)
        and not _in_dateline(reading, sentence.start + place[2])
    ]


def _in_dateline(reading: Reading, position: int) -> bool:
    dateline = reading.layout.dateline
    return dateline is not None and dateline.start <= position < dateline.end


def places(text: str) -> list[tuple[str, str, int]]:
    """Known cities a text names as a venue: "in Tashkent", "в г. Ашхабаде", "the Kyrgyz
    capital of Bishkek", "Milan hosted", "Brussels (Belgium) welcomed", "в туркменской столице"."""
    found = []
    named = {p: (c, k) for c, k, p in gazetteer.cities(text)}
    for city, country, position in gazetteer.russian_cities(text):
        named.setdefault(position, (city, country))
    for position, (city, country) in sorted(named.items()):
        intro = _PLACE_INTRO.search(text, max(0, position - 24), position)
        if intro or _PLACE_SUBJECT.match(text, _word_end(text, position)):
            found.append((city, country, position))
    capital = gazetteer.capital_named(text)
    if capital is not None and _PLACE_INTRO.search(text, max(0, capital[2] - 24), capital[2]):
        found.append(capital)
    return sorted(found, key=lambda place: place[2])


_NAME_WORDS = re.compile(r"[\w'’-]++(?:\s++[A-Z][\w'’-]*+)?")  # "Milan", "New York"


def _word_end(text: str, position: int) -> int:
    match = _NAME_WORDS.match(text, position)
    return match.end() if match else position


# --- the reported meeting's facts ----------------------------------------------------------------


@dataclass
class Sources:
    """Where the reported meeting's facts are read, in the order they are trusted."""

    prose: list[Sentence]  # sentences naming it, and each one's next in its paragraph
    headline: list[Sentence]  # the headline, if there is one
    header: list[Sentence]  # the short lines under it (an agenda's venue and dates)
    first: Sentence | None  # the lead's first sentence, when it names no meeting at all


def sources(reading: Reading, merged: list[Mention]) -> Sources:
    layout = reading.layout
    naming = {m.sentence.start for m in merged}
    prose: dict[int, Sentence] = {}
    for index, sentence in enumerate(reading.parts):
        if sentence.start not in naming or _in_line_sentence(sentence, layout.headline):
            continue
        if layout.line_of(sentence.start) in layout.header:
            continue
        prose[sentence.start] = sentence
        following = reading.parts[index + 1] if index + 1 < len(reading.parts) else None
        if following is not None and (
            layout.paragraph_of(following.start) == layout.paragraph_of(sentence.start)
            or _REFERS_BACK.match(following.text)
        ):
            prose.setdefault(following.start, following)
    headline = layout.headline
    lead = _lead_sentences(reading)
    return Sources(
        prose=[prose[k] for k in sorted(prose)],
        headline=[Sentence(headline.text, headline.start)] if headline else [],
        header=[Sentence(line.text, line.start) for line in layout.header],
        first=lead[0] if lead and not reading.sentence_mentions(lead[0]) else None,
    )


def _in_line_sentence(sentence: Sentence, line: Line | None) -> bool:
    return line is not None and line.start <= sentence.start < line.end


def facts(reading: Reading, main: Mention, merged: list[Mention], online: bool) -> MeetingDraft:
    """The reported meeting as a draft: kind and number from all its names; date, place and
    chairs from the first source that gives them."""
    kind = _kind(main, merged)
    ordinal = next((m.ordinal for m in [main, *merged] if m.ordinal is not None), None)
    series = (
        main.series if main.kind == kind else next((m.series for m in merged if m.kind == kind), "")
    )
    draft = MeetingDraft(kind, series, ordinal, meetings.title(kind, series, ordinal))
    if kind == "ministerial" and names_eu_central_asia(merged):
        nth = f"{meetings.nth_of(ordinal)} " if ordinal else ""
        draft.title = f"{nth}EU–Central Asia Ministerial Meeting"
    draft.position = main.position
    draft.evidence["kind"] = main.sentence.text
    if ordinal is not None:
        draft.evidence["ordinal"] = next(
            m.sentence.text for m in [main, *merged] if m.ordinal == ordinal
        )
    ours = {id(m) for m in merged}
    found = sources(reading, merged)
    _date(reading, draft, found, ours)
    if not online:
        _place(reading, draft, found, ours)
    _chairs(reading, draft, found, ours)
    _status(reading, draft, main)
    return draft


def _kind(main: Mention, merged: list[Mention]) -> str:
    kind = main.kind or "other"
    if kind == "other":
        specific = [m.kind for m in merged if m.kind not in (None, "other", "cop")]
        if specific:
            return str(specific[0])
    return kind


def _date(reading: Reading, draft: MeetingDraft, found: Sources, ours: set[int]) -> None:
    published = reading.published
    for sentence in found.prose:
        dates = _owned_dates(reading, sentence, ours)
        if dates:
            _set_dates(draft, dates[0], sentence.text)
            return
    for sentence in [*found.headline, *found.header]:
        dates = [
            d
            for d in _owned_dates(reading, sentence, ours)
            if not (published and d.start.precision == "day" and d.start.start == published)
        ]
        if dates:
            _set_dates(draft, dates[0], sentence.text)
            return
    if found.first is not None:
        dates = _owned_dates(reading, found.first, ours)
        if dates:
            _set_dates(draft, dates[0], found.first.text)
            return
    dateline = reading.layout.dateline
    held = not any(PLANNED.search(s.text) for s in found.prose[:1])
    if dateline is not None and dateline.day is not None and held:
        draft.start = dateline.day.isoformat()
        draft.evidence["start"] = dateline.text


def _set_dates(draft: MeetingDraft, found: Found, sentence: str) -> None:
    draft.start = found.start.iso()
    draft.end = found.end.iso() if found.end else None
    draft.tentative = found.tentative
    draft.evidence["start"] = sentence


def _place(reading: Reading, draft: MeetingDraft, found: Sources, ours: set[int]) -> None:
    for sentence in [*found.prose, *found.headline]:
        named = _owned_places(reading, sentence, ours)
        first = min(
            (m.offset for m in reading.sentence_mentions(sentence) if id(m) in ours), default=0
        )
        named.sort(key=lambda place: (place[2] < first, place[2]))  # after its name first
        if named:
            _set_place(draft, named[0][0], named[0][1], sentence.text)
            return
    for sentence in found.header:
        cities = gazetteer.cities(sentence.text)
        if cities:
            _set_place(draft, cities[0][0], cities[0][1], sentence.text)
            return
    dateline = reading.layout.dateline
    if dateline is not None:
        _set_place(draft, dateline.city, dateline.country, dateline.text)


def _set_place(draft: MeetingDraft, city: str, country: str, sentence: str) -> None:
    draft.city, draft.host_country = city, country
    draft.evidence["city"] = sentence


_CHAIR_CUE = re.compile(
    r"\b(?:co-?)?chaired\s++by\b|\bunder\s++the\s++(?:co-?)?chair(?:man|wo?man)?ship\s++of\b|"
    r"\bпод\s++(?:со)?председательством\b|\bпредседательствовал\w*+\b|\b(?:co-?)?chaired\b",
    re.I,
)


def _chairs(reading: Reading, draft: MeetingDraft, found: Sources, ours: set[int]) -> None:
    for sentence in found.prose:
        for cue in _CHAIR_CUE.finditer(sentence.text):
            if not _owned(reading, sentence, cue.start(), ours):
                continue
            chairs = people.chairs(sentence.text, cue)
            if chairs:
                draft.chairs = [c.label for c in chairs]
                draft.evidence["chairs"] = sentence.text
                return


def chair_clauses(reading: Reading, merged: list[Mention]) -> list[tuple[int, int]]:
    """Where the text says who chairs the reported meeting ("co-chaired by Italy, by the
    EEAS … and by the Kyrgyz Government"): (start, end) offsets, in order."""
    ours = {id(m) for m in merged}
    clauses = []
    for sentence in sources(reading, merged).prose:
        for cue in _CHAIR_CUE.finditer(sentence.text):
            if _owned(reading, sentence, cue.start(), ours):
                end = people.listing_end(sentence.text, cue)
                clauses.append((sentence.start + cue.start(), sentence.start + end))
    return sorted(clauses)


def _status(reading: Reading, draft: MeetingDraft, main: Mention) -> None:
    clause = main.sentence.text
    published = reading.published
    later = bool(published and draft.start and PartialDate.parse(draft.start).start > published)
    draft.status = "planned" if later or PLANNED.search(clause) else "held"
    draft.evidence["status"] = clause


def meeting_format(reading: Reading, merged: list[Mention]) -> tuple[str | None, str]:
    """The format ("online", "hybrid", "in-person" or None) and the sentence that says so:
    sentences naming the reported meeting first, then any that names no other meeting."""
    ours = {id(m) for m in merged}
    naming = [m.sentence for m in merged]
    found = sources(reading, merged)
    others = [
        s
        for s in reading.parts
        if not reading.layout.is_furniture(s.start)
        and all(id(m) in ours for m in reading.sentence_mentions(s))
    ]
    for sentence in [*naming, *found.prose, *others]:
        for pattern, name in ((HYBRID, "hybrid"), (ONLINE, "online"), (IN_PERSON, "in-person")):
            match = pattern.search(sentence.text)
            if match and _owned(reading, sentence, match.start(), ours):
                return name, sentence.text
    return None, ""


def names_eu_central_asia(merged: list[Mention]) -> bool:
    """Whether the reported meeting is named as an EU–Central Asia one."""
    for mention in merged:
        text = mention.sentence.text
        start = mention.offset
        if _EU_CA.search(text[max(0, start - 10) : mention.end - mention.sentence.start + 90]):
            return True
    return False


# --- other meetings ------------------------------------------------------------------------------


def located(reading: Reading, mention: Mention) -> MeetingDraft:
    """A meeting other than the reported one, with the date and place its own words give."""
    kind = mention.kind or "other"
    draft = MeetingDraft(
        kind, mention.series, mention.ordinal, meetings.title(kind, mention.series, mention.ordinal)
    )
    draft.position = mention.position
    draft.evidence["kind"] = mention.sentence.text
    ours = {id(mention)}
    dates = _owned_dates(reading, mention.sentence, ours)
    if dates:
        _set_dates(draft, dates[0], mention.sentence.text)
    named = _owned_places(reading, mention.sentence, ours)
    if named:
        _set_place(draft, named[0][0], named[0][1], mention.sentence.text)
    clause = mention.sentence.text[mention.offset :]
    published = reading.published
    if PLANNED.search(clause[:160]) or (
        published and draft.start and PartialDate.parse(draft.start).start > published
    ):
        draft.status = "planned"
    elif HELD.search(mention.sentence.text):
        draft.status = "held"
    if draft.status:
        draft.evidence["status"] = mention.sentence.text
    return draft
