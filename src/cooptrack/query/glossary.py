"""What the record's acronyms and codes mean, for tooltips, table captions and the Glossary page.

Three sources: the terms below (meeting series, bodies, programmes and the record's own codes),
the conventions table (code → full name) and the organisations table, whose names end with
their acronym in brackets ("European External Action Service (EEAS)"). `terms_in` finds which
of them a piece of text uses, so a table can explain the codes it shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cooptrack.db.schema import MEETING_KIND_LABELS
from cooptrack.db.store import Store
from cooptrack.reference import CENTRAL_ASIA_CODE


@dataclass(frozen=True)
class Term:
    term: str
    meaning: str
    group: str
    link: str | None = None  # an official address, where the record holds one


MEETINGS = "Meetings and bodies"
PROGRAMMES = "Projects and programmes"
CONVENTIONS = "Conventions"
ORGANISATIONS = "Organisations"
CODES = "Codes in the record"

STATUS_MEANINGS = {
    "proposed": "suggested at the meeting, not yet agreed (open)",
    "agreed": "agreed at the meeting (open)",
    "in-progress": "being carried out, as a follow-up note reports (open)",
    "fulfilled": "done, as a later meeting or note records (closed)",
    "superseded": "replaced by a later commitment (closed)",
    "dropped": "given up (closed)",
}
MEETING_STATUS_MEANINGS = {
    "planned": "announced, not yet held",
    "held": "took place",
    "postponed": "put off to a date not yet recorded",
    "cancelled": "will not take place",
}
CONFIDENCE_MEANINGS = {
    "H": "high: an official or first-hand page states it",
    "M": "medium: a news or secondary page states it",
    "L": "low: indirect or conflicting sources",
}

STATIC: tuple[Term, ...] = (
    Term("WGECC", "EU–Central Asia Working Group on Environment and Climate Change", MEETINGS),
    Term("HLC", "EU–Central Asia High-Level Conference on Environment and Water", MEETINGS),
    Term(
        "COP",
        "Conference of the Parties: the decision-making meeting of a convention's member "
        "states; COP26 is the 26th",
        MEETINGS,
    ),
    Term(
        "MOP",
        "Meeting of the Parties: the decision-making meeting of a protocol or of a UNECE "
        "convention; MOP8 is the 8th",
        MEETINGS,
    ),
    Term("CACCC", "Central Asia Climate Change Conference", MEETINGS),
    Term("EU", "European Union", ORGANISATIONS),
    Term("EC", "European Commission", ORGANISATIONS),
    Term("DG", "Directorate-General: a department of the European Commission", ORGANISATIONS),
    Term("MFA", "Ministry of Foreign Affairs", ORGANISATIONS),
    Term("CA", "Central Asia: Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan, Uzbekistan", CODES),
    Term(
        CENTRAL_ASIA_CODE,
        "the five Central Asian countries together, as a country filter (not an ISO country)",
        CODES,
    ),
    Term("TEI", "Team Europe Initiative: EU and member states' programmes joined up", PROGRAMMES),
    Term("SECCA", "Sustainable Energy Connectivity in Central Asia (EU project)", PROGRAMMES),
    Term("CAWEP", "Central Asia Water and Energy Program (World Bank)", PROGRAMMES),
    Term(
        "CAMP4ASB",
        "Climate Adaptation and Mitigation Program for the Aral Sea Basin (World Bank)",
        PROGRAMMES,
    ),
    Term("EURECA", "EU Regional Environment Programme for Central Asia (2009)", PROGRAMMES),
    Term("NDC", "Nationally Determined Contribution: a country's climate plan under Paris", CODES),
    Term("SEA", "Strategic Environmental Assessment (a protocol to the Espoo Convention)", CODES),
    Term("PRTR", "Pollutant Release and Transfer Registers (a protocol to Aarhus)", CODES),
    Term("EUR", "euro", CODES),
    Term("USD", "US dollar", CODES),
    Term("tbc", "to be confirmed: the dates are announced but not fixed", CODES),
    *(Term(code, meaning, CODES) for code, meaning in CONFIDENCE_MEANINGS.items()),
)
# Single letters are codes only in their own column (confidence), never found in running text.
_NOT_IN_TEXT = frozenset(CONFIDENCE_MEANINGS)
_ACRONYM = re.compile(r"\(([A-Z][A-Za-z0-9 &/.-]{1,30})\)\s*$")
_LOOKS_LIKE_ACRONYM = re.compile(r"[A-Z][A-Z0-9&.-]*(?: [A-Z][A-Z0-9&.-]*)?")


def glossary(store: Store) -> list[Term]:
    """Every term, grouped and sorted: the fixed ones, the conventions, the organisations."""
    conventions = [
        Term(str(code), str(name), CONVENTIONS, str(url) if url else None)
        for code, name, url in store.rows("SELECT code, name, url FROM conventions ORDER BY code")
    ]
    known = {t.term for t in (*STATIC, *conventions)}
    organisations = []
    for name, short in store.rows("SELECT name, short_name FROM organisations ORDER BY name"):
        for acronym, meaning in _organisation_acronyms(str(name), str(short)):
            if acronym not in known:
                known.add(acronym)
                organisations.append(Term(acronym, meaning, ORGANISATIONS))
    order = {MEETINGS: 0, CONVENTIONS: 1, ORGANISATIONS: 2, PROGRAMMES: 3, CODES: 4}
    every = [*STATIC, *conventions, *organisations]
    return sorted(every, key=lambda t: (order[t.group], t.term.casefold()))


def _organisation_acronyms(name: str, short: str) -> list[tuple[str, str]]:
    """("EEAS", "European External Action Service") from "European External Action Service
    (EEAS)"; "IMELS/MATTM" gives both; a short name that is an acronym counts too."""
    found: list[tuple[str, str]] = []
    match = _ACRONYM.search(name)
    full = name[: match.start()].strip() if match else name
    if match:
        for part in re.split(r"[/,]", match.group(1)):
            if _LOOKS_LIKE_ACRONYM.fullmatch(part.strip()):
                found.append((part.strip(), full))
        if not found and _LOOKS_LIKE_ACRONYM.fullmatch(full):  # "MWH (Montgomery Watson Harza)"
            found.append((full, match.group(1).strip()))
    if short != name and _LOOKS_LIKE_ACRONYM.fullmatch(short) and len(short) <= 12:
        found.append((short, full))
    return [(acronym, meaning) for acronym, meaning in found if acronym != meaning]


def terms_in(texts: Iterable[str], terms: Sequence[Term]) -> list[Term]:
    """The terms that `texts` use, in glossary order (a code followed by digits counts: COP26)."""
    wanted = [t for t in terms if t.term not in _NOT_IN_TEXT]
    if not wanted:
        return []
    names = sorted({t.term for t in wanted}, key=len, reverse=True)
    pattern = re.compile(
        r"(?<![A-Za-z0-9-])(" + "|".join(re.escape(n) for n in names) + r")(?![A-Za-z-])"
    )
    seen: set[str] = set()
    for text in texts:
        seen.update(pattern.findall(text))
    return [t for t in wanted if t.term in seen]


def kind_meanings() -> dict[str, str]:
    """Meeting kinds as the record codes them, with their labels."""
    return dict(MEETING_KIND_LABELS)
