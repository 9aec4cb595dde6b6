"""Chairs: the people a sentence says chaired a meeting, as the record names them.

"co-chaired by Mr Akhmetzhan Primkulov (Ministry of Ecology …), Luca Perez (European
Commission …) and Mr Angiolo Martinelli (IMET)", "under the chairmanship of Massimo Cozzone",
"Chaired by EU High Representative Josep Borrell, Tuesday's meeting …", "под председательством
г-на Массимо Коццоне из Италии". Titles ("Mr", "Ambassador", "г-на") and organisations named
as chairs are left out; a list stops at the first item that is neither a person nor a title
("Tuesday's meeting also brought together …"). Russian names after "под председательством"
are put back in the nominative.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cooptrack.ingest.press import gazetteer, russian


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MAX_LIST = 400  # characters of a chair list read after its cue
MAX_ITEMS = 12

_TITLES = _words(
    """mr mrs ms miss dr prof professor h.e. he sir dame ambassador minister ministers commissioner
    director directors deputy first vice prime president vice-president secretary general
    special representative high head chair chairman chairwoman chairperson executive senior
    advisor adviser officer coordinator manager expert eu un hrvp hr/vp foreign state
    permanent resident assistant acting chief lead regional national team leader
    г-н г-на г-жа г-жи господин господина госпожа госпожи министр министра министров
    посол посла заместитель заместителя замминистра председатель председателя глава главы
    директор директора советник советника представитель представителя генеральный
    генерального верховный верховного специальный специального первый первого вице-премьер
    вице-премьера премьер-министр премьер-министра ес оон"""
)
_NOT_NAMES = _words(
    """ministry ministries government commission service directorate directorate-general
    department embassy delegation centre center agency office council committee union
    republic affairs environment european international regional national world bank
    programme program project platform group forum conference meeting initiative fund
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december the and of for on behalf
    министерство министерства комитет комитета комиссия комиссии правительство
    правительства посольство посольства делегация делегации европейского союза"""
)
_PARTICLES = _words("de van von der da di du le la bin ibn al")
_JOINERS = _words("by the of for on behalf and with из от и с")
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*+|\S")
_INITIALS = re.compile(r"(?:[A-ZА-ЯЁ]\.){1,3}")
_STOP = re.compile(
    r";|\s[–—]\s|(?<!\b[A-ZА-ЯЁ])\.(?:\s|$)|"
    r",\s*+(?:was|were|is|has|had|which|who|while|and the|котор\w*+|где|когда)\b"
)
# Russian titles and offices, in any case ("Вице-министра", "посла", "заместителя")
_RU_TITLE = re.compile(
    r"(?:вице-)?(?:министр|посол|посл[аеу]|председател|сопредседател|директор|заместител|"
    r"представител|глав|руководител|советник|начальник|секретар|премьер|президент|депутат|"
    r"комиссар|г-н|г-ж|господ)",
    re.I,
)
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


@dataclass(frozen=True)
class Chair:
    name: str
    organisation: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


def chairs(sentence: str, cue: re.Match[str]) -> list[Chair]:
    """The people a chair cue in `sentence` names, in the text's order."""
    word = cue.group(0).lower()
    genitive = "под" in word
    after_verb = "chaired" in word and "by" not in word
    if after_verb:  # "Ms X, Director of Y, chaired both seminars": the name comes first
        subject = sentence[: cue.start()]
        first = _first_person(subject)
        return [first] if first else []
    listing = sentence[cue.end() : listing_end(sentence, cue)]
    if _CYRILLIC.search(listing):
        return _russian_chairs(listing, genitive)
    found: list[Chair] = []
    for item in _items(listing)[:MAX_ITEMS]:
        person = _person(item, genitive)
        if person is not None:
            found.append(person)
        elif not _title_or_body(item):
            break
    return found


def listing_end(sentence: str, cue: re.Match[str]) -> int:
    """Where the list of chairs after a cue ends: a semicolon, a dash, the sentence end or
    the verb of the sentence (", was held …")."""
    listing = sentence[cue.end() : cue.end() + MAX_LIST]
    stop = _STOP.search(listing)
    return cue.end() + (stop.start() if stop else len(listing))


def _items(listing: str) -> list[str]:
    """A list split at top-level commas and "and"/"и" (not inside brackets)."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    for piece in re.split(r"(\(|\)|,|\s+and\s+|\s+и\s+)", listing):
        depth = max(0, depth + (piece == "(") - (piece == ")"))
        if depth == 0 and (piece == "," or piece.strip() in ("and", "и")):
            items.append("".join(current))
            current = []
        else:
            current.append(piece)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


def _person(item: str, genitive: bool) -> Chair | None:
    bracket = re.search(r"\(([^()]*)\)", item)
    organisation = bracket.group(1).strip() if bracket else ""
    bare = item[: bracket.start()] if bracket else item
    tokens = _TOKEN.findall(bare)
    run: list[str] = []
    rest_at = len(tokens)
    for index, token in enumerate(tokens):
        if _is_name(token) or (run and (token.lower() in _PARTICLES or _INITIALS.fullmatch(token))):
            run.append(token)
            continue
        if run:
            rest_at = index
            break
        if token.lower().rstrip(".") in _TITLES or token.lower() in _JOINERS:
            continue
        if token[:1].isupper() and (token.isupper() or _country_or_city(token)):
            continue  # "EU", "Italy" before a name
        return None
    while run and run[-1].lower() in _PARTICLES:
        run.pop()
    if gazetteer.country_words(" ".join(run)):
        return None  # "Central Asia" after "EU Special Representative for"
    if not 2 <= len(run) <= 5 and not (len(run) == 1 and genitive and _CYRILLIC.search(run[0])):
        return None
    if not organisation and rest_at < len(tokens):
        organisation = _organisation(bare[bare.find(run[-1]) + len(run[-1]) :])
    if genitive and _CYRILLIC.search(run[0]):
        run = [russian.nominative(token) for token in run]
    return Chair(" ".join(run), organisation)


def _russian_chairs(listing: str, genitive: bool) -> list[Chair]:
    """Russian lists put long titles in the genitive before each name ("Вице-министра
    экологии … Республики Казахстан Нысанбаева Е.Н."): each item's name is the run of words
    that can be names; the list ends after an item that goes on past its name."""
    found: list[Chair] = []
    for item in _items(listing)[:MAX_ITEMS]:
        tokens = _TOKEN.findall(re.sub(r"\([^()]*\)", " ", item))
        run, after = _russian_run(tokens)
        if run:
            if genitive:
                run = [russian.nominative(token) for token in run]
            found.append(Chair(" ".join(run)))
            goes_on = any(t[:1].isalnum() and t.lower() not in _JOINERS for t in after[:1])
            if goes_on and not _country_or_city(" ".join(after[1:3])):
                break
    return found


def _russian_run(tokens: list[str]) -> tuple[list[str], list[str]]:
    """The first run of name words (with initials) among `tokens`, and the tokens after it."""
    run: list[str] = []
    for index, token in enumerate(tokens):
        initials = run and (_INITIALS.fullmatch(token) or _INITIALS.fullmatch(token + "."))
        if _russian_name(token) or initials:
            run.append(token)
        elif run:
            return run, tokens[index:]
    return run, []


def _russian_name(token: str) -> bool:
    if not _CYRILLIC.match(token) or not token[:1].isupper() or token.isupper():
        return False
    if _RU_TITLE.match(token) or _country_or_city(token):
        return False
    return russian.could_be_name(token)


def _is_name(token: str) -> bool:
    if _INITIALS.fullmatch(token):
        return False
    if not token[:1].isupper() or token.isupper() or len(token) < 2:
        return False
    lowered = token.lower().rstrip(".")
    if lowered in _TITLES or lowered in _NOT_NAMES or token.endswith(("'s", "’s")):
        return False
    return not _country_or_city(token)


def _country_or_city(token: str) -> bool:
    return bool(gazetteer.country_words(token)) or gazetteer.city_named(token) is not None


def _organisation(rest: str) -> str:
    """The organisation after a name ("of the European Commission's General Directorate");
    "из Италии" names a country, not an organisation."""
    match = re.match(r"\s*+,?\s*+(?:of|from)\s++(?:the\s++)?(.+)", rest, re.S)
    return match.group(1).strip().rstrip(",") if match else ""


def _title_or_body(item: str) -> bool:
    """An item that names a title, an organisation or a country (kept going past), not the
    rest of the sentence (which ends the list)."""
    tokens = [t for t in _TOKEN.findall(re.sub(r"\([^()]*\)", "", item)) if t.isalnum() or "-" in t]
    return bool(tokens) and all(
        t[:1].isupper() or t.lower() in _JOINERS or t.lower() in _TITLES for t in tokens
    )


def _first_person(text: str) -> Chair | None:
    for item in _items(text):
        person = _person(item, genitive=False)
        if person is not None:
            return person
    return None
