"""Meetings as releases name them, in English and Russian: a head noun ("meeting", "seminar",
"заседание", "встреча") with the words around it that say which meeting it is ("the 5th
EU-CA High Level Conference", "8-м совещании Рабочей группы ЕС-ЦА", "the informal meeting of
foreign ministers"), and the COPs by their numbers.

A mention carries its kind (by the schema's kinds, or None for a bare "the meeting" that can
only be the same as another), its number in its series when the words give one, and whether
the words mark it as some other meeting than the one reported ("the last WGECC meeting",
"ahead of COP28", "после 9-го заседания").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from cooptrack.ingest.press import gazetteer, russian
from cooptrack.ingest.press.page import Sentence
from cooptrack.ingest.press.textdates import Spans

ORDINAL_WORDS = {
    w: i
    for i, w in enumerate(
        (
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
        ),
        start=1,
    )
}
_EN_NUMBER = re.compile(r"(\d{1,2})(?:st|nd|rd|th)", re.I)
# "6-ая", "16-ОЙ", "8-м", "9-го", "17-яЦА" (glued on a page), "5-ой"
_RU_NUMBER = re.compile(
    r"(\d{1,2})-?(?:ая|ое|ой|ый|ий|го|му|ом|я|й|е|м|АЯ|ОЕ|ОЙ|ЫЙ|ИЙ|ГО|МУ|ОМ|Я|Й|Е|М)(?![а-яё])"
)

_HEAD = re.compile(
    r"\b(?P<head>(?:side[- ])?event|meeting|conference|workshop|seminar|webinar|"
    r"training(?:\s++course)?|round[- ]?table|session|forum|summit|ministerial|"
    r"leadership\s++program(?:me)?|week)\b(?!['’]s\b)"
    r"|\b(?P<plural>workshops|seminars|webinars|trainings|training\s++courses|"
    r"round[- ]?tables|side[- ]events)\b"
    r"|(?<![\w-])(?P<ru>заседани[еяюи]\w*+|совещани[еяюи]\w*+|"
    r"встреч(?:а|и|е|у|ей|ой)(?![\w-])|конференци[яиюей]\w*+|семинар\w*+|тренинг\w*+|"
    r"кругл\w++\s++стол\w*+|форум\w*+|саммит\w*+|сесси[яиюей]\w*+|сайд-ивент\w*+|"
    r"программ\w++\s++лидерств\w*+)",
    re.I,
)
# A head noun used as a modifier is not a meeting: "Training Centre", "Meeting agenda"
_NOT_A_HEAD_AFTER = re.compile(
    r"\s++(?:[A-Z][a-z]|(?:agenda|room|hall|cent(?:re|er)|venue|materials|participants|report|"
    r"documents|minutes|schedule|series|format|meeting|seminar|workshop|conference|course|"
    r"programme|program|session)\b)",
)
_COP = re.compile(
    r"\b(?:(?P<pre>UNFCCC|CBD|UNCCD)\s++)?(?:COP|КС)[\s-]?(?P<num>\d{1,2})(?!\d)"
    r"(?:\s++(?P<post>UNFCCC|CBD|UNCCD|РКИК))?\b"
    r"|\b(?P<ord>\d{1,2}(?:st|nd|rd|th)|"
    + "|".join(ORDINAL_WORDS)
    + r")\s++(?:session\s++of\s++the\s++)?Conference\s++of\s++the\s++Parties\b"
    r"(?:\s*+\([^()\n]{0,20}\))?(?:\s++to\s++the\s++(?P<name>[A-Z][\w ]{0,60}?"
    r"(?:Climate Change|Biological Diversity|Desertification)))?",
    re.I,
)
_COP_SERIES = {"UNFCCC": "UNFCCC COP", "CBD": "CBD COP", "UNCCD": "UNCCD COP", "РКИК": "UNFCCC COP"}

_WGECC = re.compile(
    r"WGECC|РГОСИК|Working Group on Environment and Climate Change|"
    r"Рабоч\w*+ групп\w*+ (?:ЕС|Европейского союза)\s*+[–—-]\s*+(?:ЦА|Центральн\w*+ Ази\w*+)"
    r"\s++по окружающей среде",
    re.I,
)
_CC = re.compile(r"Coordination Committee|Координационн\w*+ комитет", re.I)
_HLC = re.compile(
    r"High[- ]Level Conference|High[- ]Level Meeting|Конференци\w*+ (?:на )?высок\w*+ уровн|"
    r"встреч\w*+ (?:на )?высок\w*+ уровн",
    re.I,
)
_MINISTERIAL = re.compile(
    r"Ministerial|Foreign Ministers|ministers of foreign affairs|министр\w*+ иностранных дел|"
    r"глав\w*+ МИД|министерск",
    re.I,
)
# "a working meeting of deputy foreign ministers" is not a ministerial
_DEPUTIES = re.compile(r"\bdeputy\s++(?:foreign\s++)?ministers?\b|заместител\w*+ министр", re.I)
_CUES = (("wgecc-meeting", _WGECC), ("high-level-conference", _HLC), ("ministerial", _MINISTERIAL))
_WORKSHOP_HEAD = re.compile(
    r"side|workshop|seminar|webinar|training|round|leadership|семинар|тренинг|кругл|сайд|"
    r"программ",
    re.I,
)
_NAMED_BODY_RU = re.compile(
    r"\s*+(?:[(«\"“]|[A-ZА-ЯЁ]|(?:регионал|рабоч|межведомств|координац|международ|межгосудар|"
    r"групп|комисси|комитет|совет|платформ)\w*+)"
)
_NAMED_BODY_EN = re.compile(r"\s*+(?:[(«\"“]|(?:of|on|for)\s++(?:the\s++)?[A-Z])")
# Words before a mention that say it is not the meeting reported
_OTHER = re.compile(
    r"\b(?:ahead of|in preparation for|preparations? for|prepare for|preparing for|since|after|"
    r"following|previous|last|next|earlier|upcoming|forthcoming|before|prior to|"
    r"после|предыдущ\w*+|следующ\w*+|накануне|в преддверии|перспектив\w*+|подготовк\w*+)\b"
    r"[^.;]{0,40}+$",
    re.I,
)
_AT = re.compile(
    r"\b(?:at|during|on the (?:margins|sidelines) of|на|в рамках)\s++(?:the\s++)?$", re.I
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_CYRILLIC_WORD = re.compile(r"[А-Яа-яЁё][А-Яа-яЁё-]*+")
_LEFT_TOKEN = re.compile(r"[\w'’.-]+|[–—]")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "this",
        "that",
        "its",
        "his",
        "her",
        "their",
        "our",
        "in",
        "at",
        "on",
        "of",
        "for",
        "to",
        "by",
        "with",
        "from",
        "and",
        "or",
        "as",
        "is",
        "was",
        "were",
        "be",
        "will",
        "has",
        "have",
        "had",
        "it",
        "which",
        "who",
        "about",
        "into",
        "over",
        "under",
        "within",
        "between",
        "during",
        "в",
        "во",
        "на",
        "с",
        "со",
        "по",
        "о",
        "об",
        "и",
        "или",
        "к",
        "из",
        "от",
        "для",
        "при",
        "за",
        "до",
        "у",
        "это",
        "этот",
        "эта",
        "эти",
        "его",
        "её",
        "их",
    ]
)
_WEEKDAY_OR_POSSESSIVE = re.compile(
    r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|.*['’]s$", re.I
)
MAX_LEFT = 7  # modifier words read before a head noun
MAX_RIGHT = 110  # characters read after it for what it names


@dataclass
class Mention:
    """One naming of a meeting in a sentence."""

    kind: str | None  # None: a bare "the meeting", the same as some other mention
    series: str
    ordinal: int | None
    position: int  # offset in the text of the phrase's start
    end: int
    sentence: Sentence
    head: str  # "meeting", "conference" … (lower case, English or Russian)
    other: bool = False  # marked as some other meeting ("the last …", "ahead of …")
    hosted_at: bool = False  # "at COP28": the event that hosts another one
    plural: bool = False  # "two seminars", "trainings": a series of sessions reported as one

    @property
    def offset(self) -> int:
        """Where the mention starts within its sentence."""
        return self.position - self.sentence.start


def find(sentence: Sentence, wgecc_named: bool) -> list[Mention]:
    """The meetings a sentence names, in order, none overlapping."""
    taken = Spans()
    found: list[Mention] = []
    for match in _COP.finditer(sentence.text):
        if taken.take(*match.span()):
            found.append(_cop(match, sentence))
    previous_kind: str | None = None
    for match in _HEAD.finditer(sentence.text):
        floor = max(
            (m.end - sentence.start for m in found if m.end - sentence.start <= match.start()),
            default=0,
        )
        mention = _headed(match, sentence, wgecc_named, floor)
        if mention is None or not taken.take(mention.offset, match.end()):
            continue
        found.append(mention)
    found.sort(key=lambda m: m.position)
    found = _without_aliases(found, sentence)
    for mention in found:  # "после 9-го заседания РГОСИК и перспективы 10-го заседания"
        if mention.kind is None and mention.ordinal is not None and previous_kind:
            mention.kind = previous_kind
            mention.series = _series(previous_kind)
        previous_kind = mention.kind or previous_kind
    return found


def _without_aliases(found: list[Mention], sentence: Sentence) -> list[Mention]:
    """One meeting named twice in a row is one mention, the first, which says more: "the
    26th Conference of the Parties to the UNFCCC (COP26 UNFCCC)"."""
    kept: list[Mention] = []
    for mention in found:
        if kept:
            last = kept[-1]
            gap = sentence.text[last.end - sentence.start : mention.position - sentence.start]
            same = (last.kind, last.ordinal) == (mention.kind, mention.ordinal)
            if same and mention.ordinal is not None and re.fullmatch(r"[\s(,]{0,3}", gap):
                last.end = max(last.end, mention.end)
                continue
        kept.append(mention)
    return kept


def _cop(match: re.Match[str], sentence: Sentence) -> Mention:
    groups = match.groupdict()
    if groups.get("num"):
        number: int | None = int(groups["num"])
    else:
        number = _ordinal_token(groups.get("ord") or "")
    code = groups.get("pre") or groups.get("post") or ""
    name = (groups.get("name") or "").lower()
    if not code and name:
        code = "UNFCCC" if "climate" in name else "CBD" if "biological" in name else "UNCCD"
    if not code:
        code = _convention_near(sentence.text)
    left = sentence.text[max(0, match.start() - 60) : match.start()]
    return Mention(
        "cop",
        _COP_SERIES.get(code.upper() if code.isascii() else code, "COP"),
        number,
        sentence.start + match.start(),
        sentence.start + match.end(),
        sentence,
        "cop",
        other=bool(_OTHER.search(left)),
        hosted_at=bool(_AT.search(left)),
    )


@functools.lru_cache(maxsize=64)
def _convention_near(sentence: str) -> str:
    """The first convention a sentence names that holds COPs, or "" (asked once a sentence)."""
    near = [h.code for h in gazetteer.conventions(sentence) if h.code in _COP_SERIES]
    return near[0] if near else ""


def _headed(
    match: re.Match[str], sentence: Sentence, wgecc_named: bool, floor: int
) -> Mention | None:
    text = sentence.text
    head = (match.group("head") or match.group("ru") or match.group("plural") or "").lower()
    russian_head = match.group("ru") is not None
    plural = match.group("plural") is not None
    if head == "week" and not match.group(0).startswith("W"):
        return None  # "last week"; a "Climate Week" is named with a capital
    if russian_head and russian.is_plural(head.split()[0]):
        if not _WORKSHOP_HEAD.match(head):
            return None  # "рабочие встречи": several meetings, none of them named
        plural = True
    modifier_of_next = not russian_head and _NOT_A_HEAD_AFTER.match(text, match.end())
    if modifier_of_next and not _NAMED_BODY_EN.match(text, match.end()):
        return None
    right = _right(text, match.end(), russian_head)
    if re.match(r"\s*+of\s++the\s++Parties", right):
        return None  # "Conference of the Parties": a COP, found by its own pattern
    start, ordinal, modifiers = _left(text, match.start(), floor)
    phrase = " ".join(" ".join([*modifiers, head, right]).split())
    kind = _kind(
        phrase, head, modifiers, right=right, russian_head=russian_head, wgecc_named=wgecc_named
    )
    determined = re.search(r"\b(?:the|this|that)\s++$", text[max(0, start - 6) : start], re.I)
    if head in ("event", "session") and kind is None and not determined:
        return None
    if "leadership" in head or "лидерств" in head:
        kind = "workshop"
    left = text[max(0, start - 60) : start]
    if ordinal == 1 and re.match(r"[^.;]{0,30}?\bsince\b", text[match.end() :]):
        ordinal = None  # "the first gathering since …" is no number in a series
    return Mention(
        kind,
        _series(kind) if kind else "",
        ordinal,
        sentence.start + start,
        sentence.start + match.end(),
        sentence,
        head,
        other=bool(_OTHER.search(left)) or any(_OTHER.search(w + " ") for w in modifiers[:1]),
        hosted_at=bool(_AT.search(left)),
        plural=plural,
    )


def _left(text: str, head_start: int, floor: int) -> tuple[int, int | None, list[str]]:
    """Walk back over the words that qualify a head noun, not past `floor` (the end of the
    meeting named before it): (where the phrase starts, its ordinal, the modifier words in
    text order)."""
    window = text[max(0, floor, head_start - 120) : head_start]
    base = head_start - len(window)
    tokens = list(_LEFT_TOKEN.finditer(window))
    start, ordinal = head_start, None
    modifiers: list[str] = []
    skipped = 0
    for token in reversed(tokens):
        word = token.group(0)
        lowered = word.lower().rstrip(".")
        if lowered in ("счёту", "счету") or (lowered == "по" and skipped == 1):
            skipped += 1
            continue
        number = _ordinal_token(word)
        if number is not None:
            start, ordinal = base + token.start(), number
            break
        if lowered in _STOP or len(modifiers) >= MAX_LEFT:
            break
        if _CYRILLIC_WORD.fullmatch(word) and not word.isupper() and not russian.is_modifier(word):
            break  # "прошёл сайд-ивент": a verb is not part of the name
        if _between_clauses(window, token.end(), start - base):
            break
        modifiers.insert(0, word)
        start = base + token.start()
    return start, ordinal, modifiers


def _between_clauses(window: str, token_end: int, phrase_start: int) -> bool:
    """A comma, semicolon or full stop between a word and the phrase ends the walk."""
    gap = window[token_end:phrase_start]
    return any(mark in gap for mark in ',;:()"“”«»') or ". " in gap


def _right(text: str, head_end: int, russian_head: bool) -> str:
    """The words after a head noun that name what it is a meeting of: English "of …", "on
    …", "(WGECC)", a quoted name (not "… also brought together the foreign ministers");
    Russian genitives up to a verb or a comma."""
    window = text[head_end : head_end + MAX_RIGHT]
    if not russian_head and not _COMPLEMENT_EN.match(window):
        return ""
    stop = _RIGHT_STOP_RU if russian_head else _RIGHT_STOP_EN
    cut = stop.search(window)
    return window[: cut.start()] if cut else window


_COMPLEMENT_EN = re.compile(
    r"\s*+(?:[(\"“«]|(?:of|on|for|in|at|between|with|among|under|to)\b)", re.I
)
_RIGHT_STOP_EN = re.compile(
    r"[,;:.!?]\s|\s(?:held|took|was|were|is|are|will|would|which|that|to be|scheduled|in \d|"
    r"on \d|from \d)\b|\s[–—]\s"
)
_RIGHT_STOP_RU = re.compile(r"[,;:.!?]\s|\s(?:прош\w*+|состоя\w*+|котор\w*+)\b")


def _ordinal_token(word: str) -> int | None:
    """The number an ordinal word or figure gives ("5th", "Fifth", "6-ая", "Пятой")."""
    lowered = word.lower().rstrip(".,")
    if lowered in ORDINAL_WORDS:
        return ORDINAL_WORDS[lowered]
    match = _EN_NUMBER.fullmatch(lowered) or _RU_NUMBER.match(word)
    if match:
        number = int(match.group(1))
        return number if number > 0 else None
    if len(lowered) > 4 and _CYRILLIC_WORD.fullmatch(lowered):
        return russian.ordinal(lowered)
    return None


def _kind(
    phrase: str,
    head: str,
    modifiers: list[str],
    *,
    right: str,
    russian_head: bool,
    wgecc_named: bool,
) -> str | None:
    """The schema kind the words give, or None for a bare "the meeting"."""
    if _CC.search(phrase) and (wgecc_named or _WGECC.search(phrase)):
        return "coordination-committee"
    cues = [
        (match.start(), kind)
        for kind, pattern in _CUES
        if (match := pattern.search(phrase)) is not None
        and not (kind == "ministerial" and _DEPUTIES.search(phrase))
    ]
    if cues:  # the words nearest the head say which meeting it is
        return min(cues)[1]
    if _DEPUTIES.search(phrase):
        return "other"
    if _WORKSHOP_HEAD.match(head):
        return "workshop"
    named = _NAMED_BODY_RU.match(right) if russian_head else _NAMED_BODY_EN.match(right)
    capitalised = [
        w for w in modifiers if w[:1].isupper() and not _WEEKDAY_OR_POSSESSIVE.fullmatch(w)
    ]
    if named or capitalised or _capitalised_russian_adjective(modifiers):
        return "other"
    return None


def _capitalised_russian_adjective(modifiers: list[str]) -> bool:
    return any(w[:1].isupper() and not w.isascii() for w in modifiers)


def _series(kind: str) -> str:
    return {
        "coordination-committee": "WGECC Coordination Committee",
        "wgecc-meeting": "WGECC",
        "high-level-conference": "EU–CA High-Level Conference on Environment and Water",
    }.get(kind, "")


def title(kind: str, series: str, number: int | None) -> str:
    nth = nth_of(number) if number else ""
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
    return f"{nth} {kind.replace('-', ' ')}".strip().capitalize() if nth else kind.capitalize()


def nth_of(number: int) -> str:
    teen = 10 <= number % 100 <= 20
    return f"{number}{'th' if teen else {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th')}"
