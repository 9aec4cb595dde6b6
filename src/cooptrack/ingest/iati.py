"""Import of IATI activity files (standard 2.01–2.03): publishers' own data on project phases.

IATI files come from outside, so they are parsed with defusedxml and any DTD or entity
declaration is refused: nothing in a file can make the parser read a local file or expand
itself into gigabytes. Like the CSV import, a file is first turned into a plan that writes
nothing and lists what would be added and changed, every problem (activity, element, reason)
and every note about what was left out; applying writes it all in one transaction, phases
through `edits.write` so that they get exactly the seed loader's validation.

Activities linked by `related-activity` (parent, child, sibling) become the phases of one
project, numbered by their start date. A Russian title or description (a narrative in
`xml:lang="ru"`, or in an activity whose default language is Russian) becomes the phase's (and
a new project's) Russian version; an activity without one keeps the Russian version recorded.
Problems, notes and the plan's description are worded in the current language.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import duckdb
from defusedxml import DefusedXmlException, ElementTree

from cooptrack import i18n
from cooptrack.dates import PartialDate
from cooptrack.db.store import Store
from cooptrack.errors import InputError, Problem, SeedError
from cooptrack.i18n import N_, _
from cooptrack.ingest import tabular
from cooptrack.ingest.tabular import Progress
from cooptrack.record import edits
from cooptrack.record.edits import Record, conflict
from cooptrack.record.validation import (
    CONVERTERS,
    Known,
    Row,
    Values,
    quoted,
    slug,
    url_problem,
)
from cooptrack.reference import is_country_code

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # a type only; parsing is defused

MAX_BYTES = 50 * 1024 * 1024
MAX_ACTIVITIES = 100_000
MAX_DEPTH = 64  # IATI nests about six levels deep; a deeper file is not IATI
VERSIONS = ("2.01", "2.02", "2.03")
SUMMARY_CHARS = 600
CONFIDENCE = "H"  # the publisher's own data
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DATE_TYPES = {"1": "planned_start", "2": "actual_start", "3": "planned_end", "4": "actual_end"}
ROLE_FUNDING, ROLE_IMPLEMENTING = "1", "4"
LINKS = {"1": "parent", "2": "child", "3": "sibling"}
# OECD DAC (Rio) policy markers: 5 biodiversity, 6 climate mitigation, 7 climate adaptation,
# 8 desertification; significance 1 and above means the activity targets it.
MARKER_CONVENTIONS = {"5": "CBD", "6": "UNFCCC", "7": "UNFCCC", "8": "UNCCD"}
# DAC 5-digit purpose codes → the record's topics; exact codes first, then 3-digit groups.
# Small on purpose: a code missing here is listed as a note, never guessed.
SECTOR_TOPICS: dict[str, tuple[str, ...]] = {
    "41010": ("environmental-governance",),  # environmental policy and administration
    "41020": ("air-quality", "climate"),  # biosphere protection: air pollution, ozone layer
    "41030": ("biodiversity",),
    "43060": ("adaptation",),  # disaster risk reduction
    "23183": ("mitigation",),  # energy conservation and demand-side efficiency
    "14050": ("waste",),  # waste management and disposal (in the water group)
}
SECTOR_GROUP_TOPICS: dict[str, tuple[str, ...]] = {
    "140": ("water",),  # water supply, sanitation, water resources, river basins
    "232": ("renewable-energy",),  # energy generation from renewable sources
}
_ISO_DATE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:\d{2})?$"
)
_POSITION = re.compile(r":\s*line \d+, column \d+$")
NO_SOURCE = N_(
    "no source address: the activity has no document-link with an http(s) url, and no "
    "source address of the file was given"
)
# Where a seed-format column came from, so a validation failure names the IATI element.
ELEMENTS = {
    "id": "iati-identifier",
    "title": "title/narrative",
    "name": "title/narrative",
    "summary": "description/narrative",
    "title_ru": "title/narrative[@xml:lang='ru']",
    "name_ru": "title/narrative[@xml:lang='ru']",
    "summary_ru": "description/narrative[@xml:lang='ru']",
    "implementers": "participating-org[@role='4']",
    "donor": "participating-org[@role='1']",
    "budget": "budget/value",
    "currency": "budget/value/@currency",
    **{column: f"activity-date[@type='{code}']" for code, column in DATE_TYPES.items()},
    "countries": "recipient-country",
    "conventions": "policy-marker",
    "topics": "sector",
    "sources": "document-link",
}


@dataclass
class IatiPlan:
    """What applying the file would do; nothing is written while making it.

    `organisations` and `projects` are new rows in the seed files' format; `phases` are the
    phases to write, each with the record as it was when planned (None for a new one)."""

    source: str
    version: str
    activities: int = 0
    organisations: list[dict[str, str]] = field(default_factory=list)
    projects: list[dict[str, str]] = field(default_factory=list)
    adds: list[tuple[str, str]] = field(default_factory=list)
    changes: list[tuple[str, list[tuple[str, Any, Any]]]] = field(default_factory=list)
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    phases: list[tuple[dict[str, str], Record | None]] = field(default_factory=list)
    _listed: set[Problem] = field(default_factory=set, repr=False, compare=False)
    # The table rows the checks gave (values, record as stored), and where the record stood
    # (tabular.record_mark): applying an unchanged record writes them as checked.
    checked: dict[str, list[tuple[Any, Record | None]]] = field(default_factory=dict, repr=False)
    mark: tuple[Any, ...] = ()

    def problem(self, activity: str, element: str, reason: str) -> None:
        found = Problem(activity, element, reason, place="activity")
        if found not in self._listed:
            self._listed.add(found)
            self.problems.append(found)

    def note(self, activity: str, text: str) -> None:
        self.notes.append(_("activity {id}: {note}").format(id=quoted(activity), note=text))

    def summary(self) -> str:
        return _(
            "{file} (IATI {version}, {activities} activities): {projects} projects, "
            "{organisations} organisations and {adds} phases to add, {changes} phases to "
            "change, {unchanged} unchanged, {notes} notes, {problems} problems"
        ).format(
            file=self.source,
            version=self.version,
            activities=i18n.number(self.activities),
            projects=i18n.number(len(self.projects)),
            organisations=i18n.number(len(self.organisations)),
            adds=i18n.number(len(self.adds)),
            changes=i18n.number(len(self.changes)),
            unchanged=i18n.number(self.unchanged),
            notes=i18n.number(len(self.notes)),
            problems=i18n.number(len(self.problems)),
        )


@dataclass(frozen=True)
class OrgRef:
    """A participating organisation as the publisher names it: `ref` code and/or a name."""

    ref: str | None
    name: str | None


@dataclass
class Activity:
    """The facts of one `<iati-activity>` this record keeps, before matching the database."""

    identifier: str
    phase_id: str
    title: str | None = None
    summary: str | None = None
    title_ru: str | None = None
    summary_ru: str | None = None
    dates: dict[str, PartialDate] = field(default_factory=dict)
    funders: list[OrgRef] = field(default_factory=list)
    implementers: list[OrgRef] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    conventions: set[str] = field(default_factory=set)
    sectors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    budget: Decimal | None = None
    currency: str | None = None
    related: dict[str, str] = field(default_factory=dict)

    @property
    def start(self) -> date | None:
        """When the phase began (actual), else was meant to (planned): the numbering order."""
        found = self.dates.get("actual_start") or self.dates.get("planned_start")
        return found.start if found else None


# --- reading the XML -------------------------------------------------------------------------


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else f"{text[:limit]}…"


def read_activities(name: str, content: bytes) -> tuple[str, Iterator[Element]]:
    """The file's IATI version and its `<iati-activity>` elements, one at a time as the file
    is read (each is dropped from the tree once handed over, so memory stays small); an
    InputError, at once or while iterating, for anything that is not a safe, well-formed IATI
    2.01–2.03 activity file."""
    if len(content) > MAX_BYTES:
        reason = _(
            "{file} is larger than {limit} MB; import a smaller extract (for instance the "
            "activities of one programme from the IATI Datastore)"
        )
        raise InputError(reason.format(file=name, limit=MAX_BYTES // 2**20))
    if not content.strip():
        raise InputError(_("{file} is empty").format(file=name))
    events = _events(name, content)
    root = next((element for event, element in events if event == "start"), None)
    if root is None:
        raise InputError(_("{file} is not well-formed XML: no element found").format(file=name))
    if root.tag != "iati-activities":
        reason = _(
            "{file} is XML but not an IATI activity file: its root element is <{tag}>, not "
            "<iati-activities>"
        )
        raise InputError(reason.format(file=name, tag=_short(root.tag)))
    version = (root.get("version") or "").strip()
    if version not in VERSIONS:
        reason = _("{file} is IATI version {version}; only versions {versions} can be imported")
        stated = _short(version, 20) or _("(not stated)")
        raise InputError(reason.format(file=name, version=stated, versions=", ".join(VERSIONS)))
    return version, _activities(name, events, root)


def _events(name: str, content: bytes) -> Iterator[tuple[str, Element]]:
    """The parser's start and end events, with its errors turned into messages."""
    try:
        yield from ElementTree.iterparse(
            io.BytesIO(content),
            events=("start", "end"),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
    except DefusedXmlException:
        raise InputError(
            _("{file} declares a DTD or entities, which are refused for safety").format(file=name)
        ) from None
    except ElementTree.ParseError as error:
        line, column = error.position
        reason = _POSITION.sub("", str(error))
        message = _("{file} is not well-formed XML: {reason} at line {line}, column {column}")
        raise InputError(
            message.format(file=name, reason=reason, line=line, column=column + 1)
        ) from None


def _activities(
    name: str, events: Iterator[tuple[str, Element]], root: Element
) -> Iterator[Element]:
    depth, count = 1, 0
    for event, element in events:
        if event == "start":
            depth += 1
            if depth > MAX_DEPTH:
                reason = _("{file} nests elements more than {limit} levels deep")
                raise InputError(reason.format(file=name, limit=MAX_DEPTH))
            continue
        depth -= 1
        if depth != 1:
            continue
        if element.tag == "iati-activity":
            count += 1
            if count > MAX_ACTIVITIES:
                reason = _("{file} holds more than {limit} activities; import a smaller extract")
                raise InputError(reason.format(file=name, limit=i18n.number(MAX_ACTIVITIES)))
            yield element
        root.remove(element)
    if count == 0:
        raise InputError(
            _("{file} is not an IATI activity file: it holds no <iati-activity>").format(file=name)
        )


def _text(element: Element | None) -> str:
    """An element's text with runs of white space made single spaces."""
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _narrative(parent: Element | None, default_lang: str) -> str | None:
    """English if given, else the activity's default language, else the first narrative."""
    if parent is None:
        return None
    found = [
        ((n.get(XML_LANG) or default_lang).lower(), _text(n)) for n in parent.findall("narrative")
    ]
    found = [(lang, text) for lang, text in found if text]
    for wanted in ("en", default_lang.lower()):
        for lang, text in found:
            if lang == wanted:
                return text
    return found[0][1] if found else None


def _russian_narrative(parent: Element | None, default_lang: str) -> str | None:
    """The first narrative in Russian: `xml:lang="ru"`, or unmarked in a Russian activity."""
    if parent is None:
        return None
    for item in parent.findall("narrative"):
        lang = (item.get(XML_LANG) or default_lang).lower()
        text = _text(item)
        if text and lang.split("-")[0] == "ru":
            return text
    return None


def _trim(text: str | None, limit: int = SUMMARY_CHARS) -> str | None:
    """Descriptions can run to pages; a summary keeps the first ~600 characters, whole words."""
    if not text or len(text) <= limit:
        return text or None
    cut = text[:limit].rsplit(" ", 1)[0]
    return f"{cut.rstrip(' ,;:.')}…"


def _read_activity(
    element: Element, number: int, result: IatiPlan, source: str | None
) -> Activity | None:
    identifier = _text(element.find("iati-identifier"))
    if not identifier or not slug(identifier, limit=None):
        reason = _("is missing or has no letters or digits")
        result.problem(f"#{number}", "iati-identifier", reason)
        return None
    lang = element.get(XML_LANG) or "en"
    activity = Activity(identifier, slug(identifier, limit=None))
    title = _narrative(element.find("title"), lang)
    activity.title = _trimmed(title, Row.MAX_SHORT, result, activity, "title") if title else None
    title_ru = _russian_narrative(element.find("title"), lang)
    if title_ru:
        activity.title_ru = _trimmed(title_ru, Row.MAX_SHORT, result, activity, "title_ru")
    descriptions = element.findall("description")
    general = [d for d in descriptions if (d.get("type") or "1") == "1"] or descriptions
    activity.summary = _trim(_narrative(general[0], lang)) if general else None
    activity.summary_ru = _trim(_russian_narrative(general[0], lang)) if general else None
    _read_dates(element, activity, result)
    _read_organisations(element, activity, lang)
    _read_countries(element, activity, result)
    _read_markers(element, activity, result)
    _read_sectors(element, activity, result)
    _read_sources(element, activity, result, source)
    _read_budget(element, activity, result)
    _read_related(element, activity)
    return activity


def _iso_date(text: str) -> PartialDate:
    match = _ISO_DATE.match(text.strip())
    if not match:
        raise ValueError(_("{value} is not an ISO date (YYYY-MM-DD)").format(value=quoted(text)))
    return PartialDate.parse(match.group(1))


def _read_dates(element: Element, activity: Activity, result: IatiPlan) -> None:
    for item in element.findall("activity-date"):
        kind = (item.get("type") or "").strip()
        column = DATE_TYPES.get(kind)
        where = f"activity-date[@type={quoted(kind, 10)}]/@iso-date"
        if column is None:
            reason = _("{value} is not 1–4").format(value=quoted(kind))
            result.problem(activity.identifier, "activity-date/@type", reason)
        elif column in activity.dates:
            result.note(
                activity.identifier, _("a second {element} is ignored").format(element=where)
            )
        else:
            try:
                activity.dates[column] = _iso_date(item.get("iso-date") or "")
            except ValueError as error:
                result.problem(activity.identifier, where, str(error))


def _read_organisations(element: Element, activity: Activity, lang: str) -> None:
    for item in element.findall("participating-org"):
        org = OrgRef((item.get("ref") or "").strip() or None, _narrative(item, lang))
        role = (item.get("role") or "").strip()
        if role == ROLE_FUNDING:
            activity.funders.append(org)
        elif role == ROLE_IMPLEMENTING:
            activity.implementers.append(org)


def _read_countries(element: Element, activity: Activity, result: IatiPlan) -> None:
    for item in element.findall("recipient-country"):
        code = (item.get("code") or "").strip().upper()
        if not is_country_code(code):
            reason = _("{value} is not an ISO 3166-1 alpha-2 country code").format(
                value=quoted(code)
            )
            result.problem(activity.identifier, "recipient-country/@code", reason)
        elif code not in activity.countries:
            activity.countries.append(code)
    for item in element.findall("recipient-region"):
        note = _("recipient-region {code} ignored: countries come from recipient-country only")
        result.note(activity.identifier, note.format(code=quoted(item.get("code") or "")))


def _read_markers(element: Element, activity: Activity, result: IatiPlan) -> None:
    for item in element.findall("policy-marker"):
        convention = MARKER_CONVENTIONS.get((item.get("code") or "").strip())
        if (item.get("vocabulary") or "1").strip() != "1" or convention is None:
            continue
        significance = (item.get("significance") or "0").strip()
        if not significance.isdigit():
            reason = _("{value} is not a significance code (0–4)").format(
                value=quoted(significance)
            )
            result.problem(activity.identifier, "policy-marker/@significance", reason)
        elif int(significance) >= 1:
            activity.conventions.add(convention)


def _read_sectors(element: Element, activity: Activity, result: IatiPlan) -> None:
    for item in element.findall("sector"):
        code = (item.get("code") or "").strip()
        vocabulary = (item.get("vocabulary") or "1").strip()
        if vocabulary != "1":
            note = _(
                "sector {code} of vocabulary {vocabulary} ignored: only DAC 5-digit codes "
                "(vocabulary 1) are mapped to topics"
            )
            result.note(
                activity.identifier,
                note.format(code=quoted(code), vocabulary=_short(vocabulary, 10)),
            )
        elif code:
            activity.sectors.append(code)


def _read_sources(
    element: Element, activity: Activity, result: IatiPlan, source: str | None
) -> None:
    for item in element.findall("document-link"):
        url = (item.get("url") or "").strip()
        problem = url_problem(url)
        if problem is not None:
            result.note(
                activity.identifier, _("document-link left out: {problem}").format(problem=problem)
            )
        elif url not in activity.sources:
            activity.sources.append(url)
    room = Row.MAX_ITEMS - 1 if source else Row.MAX_ITEMS  # the file's address is kept
    activity.sources = _first_sources(
        activity.sources, result, activity.identifier, activity.phase_id, room
    )
    if source and source not in activity.sources:
        activity.sources.append(source)
    if not activity.sources:
        result.problem(activity.identifier, ELEMENTS["sources"], _(NO_SOURCE))


def _read_budget(element: Element, activity: Activity, result: IatiPlan) -> None:
    """Sum of the budgets per period; a revised budget (type 2) replaces the original one of
    the same period, as the standard intends, instead of being added to it."""
    periods: dict[str, dict[str, list[tuple[Decimal, str | None]]]] = {}
    default = (element.get("default-currency") or "").strip() or None
    for item in element.findall("budget"):
        value = item.find("value")
        try:
            amount = Decimal(_text(value).replace(",", ""))
        except InvalidOperation:
            reason = _("{value} is not an amount").format(value=quoted(_text(value)))
            result.problem(activity.identifier, ELEMENTS["budget"], reason)
            continue
        currency = ((value.get("currency") if value is not None else None) or default or "").strip()
        period = item.find("period-start")
        start = (period.get("iso-date") if period is not None else None) or ""
        kind = "2" if item.get("type") == "2" else "1"
        periods.setdefault(start, {}).setdefault(kind, []).append((amount, currency or None))
    chosen = [entry for kinds in periods.values() for entry in kinds.get("2") or kinds["1"]]
    if chosen:
        _set_budget(activity, result, chosen)


def _set_budget(
    activity: Activity, result: IatiPlan, amounts: list[tuple[Decimal, str | None]]
) -> None:
    currencies = {currency for _, currency in amounts}
    if None in currencies:
        reason = _("has no currency, and the activity has no default-currency")
        result.problem(activity.identifier, ELEMENTS["currency"], reason)
    elif len(currencies) > 1:
        reason = _("budgets in {currencies} cannot be added up").format(
            currencies=", ".join(sorted(str(c) for c in currencies))
        )
        result.problem(activity.identifier, ELEMENTS["currency"], reason)
    else:
        activity.budget = sum((amount for amount, _ in amounts), Decimal(0))
        activity.currency = currencies.pop()


def _read_related(element: Element, activity: Activity) -> None:
    for item in element.findall("related-activity"):
        ref = (item.get("ref") or "").strip()
        link = LINKS.get((item.get("type") or "").strip())
        if ref and link and ref != activity.identifier:
            activity.related.setdefault(ref, link)


def _read_all(
    elements: Iterator[Element],
    result: IatiPlan,
    source: str | None,
    expected: int,
    progress: Progress | None = None,
) -> list[Activity]:
    activities: list[Activity] = []
    seen: dict[str, str] = {}
    for number, element in enumerate(elements, start=1):
        result.activities = number
        if progress is not None and number % 2000 == 0:
            progress(min(number, expected), expected)
        activity = _read_activity(element, number, result, source)
        if activity is None:
            continue
        if activity.phase_id in seen:
            other = seen[activity.phase_id]
            reason = (
                _("appears twice in the file")
                if other == activity.identifier
                else _("gives the phase id {id}, as {other} does").format(
                    id=quoted(activity.phase_id), other=quoted(other)
                )
            )
            result.problem(activity.identifier, "iati-identifier", reason)
            continue
        seen[activity.phase_id] = activity.identifier
        activities.append(activity)
    return activities


# --- grouping activities into projects ------------------------------------------------------


def chains(activities: list[Activity]) -> list[list[Activity]]:
    """Activities joined by related-activity links (directly or through a shared parent that
    may be outside the file), in file order: each group becomes one project."""
    parent: dict[str, str] = {}

    def find(ident: str) -> str:
        parent.setdefault(ident, ident)
        while parent[ident] != ident:
            parent[ident] = parent[parent[ident]]
            ident = parent[ident]
        return ident

    for activity in activities:
        for ref in activity.related:
            parent[find(ref)] = find(activity.identifier)
    groups: dict[str, list[Activity]] = {}
    for activity in activities:
        groups.setdefault(find(activity.identifier), []).append(activity)
    return list(groups.values())


def project_root(chain: list[Activity]) -> tuple[str, Activity]:
    """The identifier the project is named after (the top parent, even when it is not in the
    file; else the earliest-starting activity) and the activity whose title names it."""
    parents, children = set(), set()
    for activity in chain:
        for ref, link in activity.related.items():
            if link == "parent":
                parents.add(ref)
                children.add(activity.identifier)
            elif link == "child":
                parents.add(activity.identifier)
                children.add(ref)
    by_id = {a.identifier: a for a in chain}
    earliest = min(chain, key=lambda a: (a.start or date.max, a.identifier))
    tops = sorted(parents - children, key=lambda ident: (ident not in by_id, ident))
    if not tops:
        return earliest.identifier, earliest
    return tops[0], by_id.get(tops[0], earliest)


# --- planning against the database ------------------------------------------------------------


class _Planner:
    """Matches activities to the record and collects the plan; reads, never writes. What it
    needs of the record is read once: ids, organisation names and the recorded phases."""

    def __init__(self, cursor: duckdb.DuckDBPyConnection, result: IatiPlan) -> None:
        self.cursor, self.result = cursor, result
        self.known = stored_known(cursor)
        self.names: dict[str, str] = {}
        for ident, name, short, name_ru in cursor.execute(
            "SELECT id, name, short_name, name_ru FROM organisations ORDER BY id"
        ).fetchall():
            self.names.setdefault(str(short).casefold(), str(ident))
            if name_ru:
                self.names.setdefault(str(name_ru).casefold(), str(ident))
            self.names[str(name).casefold()] = str(ident)
        self.recorded: dict[str, str] = {}
        self.by_project: dict[str, list[tuple[str, date | None]]] = {}
        for ident, project, start in cursor.execute(
            "SELECT id, project, coalesce(actual_start, planned_start) FROM phases"
        ).fetchall():
            self.recorded[str(ident)] = str(project)
            self.by_project.setdefault(str(project), []).append((str(ident), start))
        self.new_organisations: dict[str, dict[str, str]] = {}
        self.new_projects: set[str] = set()
        self.org_sources: dict[str, dict[str, None]] = {}
        self.origins: dict[str, str] = {}
        self.pending: list[tuple[str, dict[str, str]]] = []
        self.renumbered: dict[str, int] = {}
        self.columns: list[str] = []

    def match(self, org: OrgRef) -> str | None:
        """The organisation's id: an existing one whose id is the `ref`, or whose name, short
        name or id equals the name (ignoring case and punctuation); else the slug of the name
        it would get as a new organisation; None when it has neither a known ref nor a name."""
        if org.ref and org.ref in self.known.ids["organisation"]:
            return org.ref
        if not org.name:
            return None
        return self.names.get(org.name.casefold()) or slug(org.name, limit=None) or None

    def organisation(self, org: OrgRef, activity: Activity) -> str | None:
        """The organisation's id, planning it as a new organisation when it is not recorded."""
        ident = self.match(org)
        if ident is not None and ident in self.known.ids["organisation"]:
            return ident
        if ident is None or org.name is None:
            note = _(
                "participating-org {ref} has no name and is not a known organisation; left out"
            )
            self.result.note(activity.identifier, note.format(ref=quoted(org.ref or "")))
            return None
        return self._new_organisation(ident, org.name, activity)

    def _new_organisation(self, ident: str, name: str, activity: Activity) -> str:
        if ident not in self.new_organisations:
            shown = _trimmed(name, Row.MAX_SHORT, self.result, activity, "participating-org name")
            row = {"id": ident, "name": shown, "short_name": shown, "kind": "other"}
            self.new_organisations[ident] = row | {"parent": "", "country": "", "sources": ""}
            self.org_sources[ident] = {}
            self.origins[f"organisations/{ident}"] = activity.identifier
        self.org_sources[ident].update(dict.fromkeys(activity.sources))
        self.names[name.casefold()] = ident
        return ident

    def topics(self, activity: Activity) -> list[str]:
        found: list[str] = []
        for code in activity.sectors:
            mapped = SECTOR_TOPICS.get(code) or SECTOR_GROUP_TOPICS.get(code[:3], ())
            usable = [t for t in mapped if t in self.known.ids["topic"]]
            if not usable:
                note = _("sector {code} maps to no topic; left out").format(code=_short(code, 20))
                self.result.note(activity.identifier, note)
            found.extend(usable)
        return sorted(set(found))

    def conventions(self, activity: Activity) -> list[str]:
        usable = {c for c in activity.conventions if c in self.known.ids["convention"]}
        for missing in sorted(activity.conventions - usable):
            note = _("convention {code} is not in the record").format(code=missing)
            self.result.note(activity.identifier, note)
        return sorted(usable)

    def chain(self, chain: list[Activity]) -> None:
        root, named = project_root(chain)
        project = self._project_of(chain, slug(root, limit=None))
        donor = self._donor(chain, named)
        if project not in self.known.ids["project"] and project not in self.new_projects:
            self._new_project(project, named, donor, chain)
            if root != named.identifier:
                note = _(
                    "project {project} is named after the parent activity {root}, which is not "
                    "in the file; its name is this activity's title"
                )
                self.result.note(
                    named.identifier, note.format(project=quoted(project), root=quoted(root))
                )
        numbers = self._numbers(project, chain)
        for activity in chain:
            strings = self._phase(activity, project, numbers[activity.phase_id])
            self.pending.append((activity.identifier, strings))

    def _project_of(self, chain: list[Activity], computed: str) -> str:
        """A chain whose phases are already recorded stays in their project, so that a later,
        larger file (one that now includes the parent) does not move them."""
        owners = {self.recorded[a.phase_id] for a in chain if a.phase_id in self.recorded}
        if len(owners) == 1 and computed not in owners:
            owner = owners.pop()
            note = _("stays in project {project}, as recorded").format(project=quoted(owner))
            self.result.note(chain[0].identifier, note)
            return owner
        return computed

    def _donor(self, chain: list[Activity], named: Activity) -> str:
        """A project has one donor: the first funding organisation of the activity it is named
        after (else of the others); further funders are noted, not added."""
        funders = [(f, a) for a in [named, *chain] for f in a.funders if self.match(f)]
        if not funders:
            return ""
        donor = self.organisation(*funders[0]) or ""
        others = {f.name or f.ref or "" for f, _ in funders if self.match(f) != donor}
        if others:
            also = "; ".join(_short(other) for other in sorted(others))
            note = _("donor is {donor}; also funded by {others}").format(donor=donor, others=also)
            self.result.note(named.identifier, note)
        return donor

    def _new_project(
        self, project: str, named: Activity, donor: str, chain: list[Activity]
    ) -> None:
        sources = list(dict.fromkeys(s for a in [named, *chain] for s in a.sources))
        self.result.projects.append(
            {
                "id": project,
                "name": named.title or "",
                "donor": donor,
                "summary": named.summary or "",
                "sources": ";".join(
                    _first_sources(sources, self.result, named.identifier, project)
                ),
                **({"name_ru": named.title_ru} if named.title_ru else {}),
                **({"summary_ru": named.summary_ru} if named.summary_ru else {}),
            }
        )
        self.new_projects.add(project)
        self.origins[f"projects/{project}"] = named.identifier

    def _numbers(self, project: str, chain: list[Activity]) -> dict[str, int]:
        """Phases 1..n by start date among this file's activities and the project's recorded
        phases; a recorded phase whose number moves is planned as a change too."""
        starts: dict[str, date | None] = {a.phase_id: a.start for a in chain}
        for ident, start in self.by_project.get(project, []):
            starts.setdefault(ident, start)
        order = sorted(starts, key=lambda ident: (starts[ident] or date.max, ident))
        numbers = {ident: number for number, ident in enumerate(order, start=1)}
        for ident in sorted(set(numbers) - {a.phase_id for a in chain}):
            self.renumbered[ident] = numbers[ident]
        return numbers

    def _phase(self, activity: Activity, project: str, number: int) -> dict[str, str]:
        implementers = (self.organisation(o, activity) for o in activity.implementers)
        return {
            "id": activity.phase_id,
            "project": project,
            "phase": str(number),
            "title": activity.title or "",
            "implementers": ";".join(sorted({i for i in implementers if i})),
            "budget": f"{activity.budget:.2f}" if activity.budget is not None else "",
            "currency": activity.currency or "",
            **{c: d.iso() if (d := activity.dates.get(c)) else "" for c in DATE_TYPES.values()},
            "countries": ";".join(activity.countries),
            "conventions": ";".join(self.conventions(activity)),
            "topics": ";".join(self.topics(activity)),
            "summary": activity.summary or "",
            "confidence": CONFIDENCE,
            "sources": ";".join(activity.sources),
            # Only what the activity says in Russian: a missing version keeps the recorded one.
            **({"title_ru": activity.title_ru} if activity.title_ru else {}),
            **({"summary_ru": activity.summary_ru} if activity.summary_ru else {}),
        }

    def check(self, progress: Progress | None = None) -> None:
        """Validate new organisations, then projects, then phases, exactly as the seed loader
        does, and compare each phase with the record (fetched in one query)."""
        for ident, row in self.new_organisations.items():
            activity = self.origins[f"organisations/{ident}"]
            sources = list(self.org_sources[ident])
            row["sources"] = ";".join(_first_sources(sources, self.result, activity, ident))
        self.result.organisations = list(self.new_organisations.values())
        self.result.checked = {"organisations": [], "projects": [], "phases": []}
        for kind in ("organisations", "projects"):
            for strings in getattr(self.result, kind):
                activity = self.origins[f"{kind}/{strings['id']}"]
                values = self._convert(kind, strings, activity)
                self.result.checked[kind].append((values, None))
        ids = [strings["id"] for _, strings in self.pending] + list(self.renumbered)
        stored = tabular.fetch_many(self.cursor, "phases", ids)
        pending = list(self.pending)
        for ident, number in self.renumbered.items():
            current = stored.get(ident)
            if current is not None and current["phase"] != number:
                strings = edits.to_strings("phases", current) | {"phase": str(number)}
                pending.append((ident, strings))
        self.columns = [name for name, _ in tabular.columns_of(self.cursor, "phases")]
        for done, (activity, strings) in enumerate(pending, start=1):
            tabular.keep_stored_russian("phases", strings, stored.get(strings["id"]))
            values = self._convert("phases", strings, activity)
            if values is not None:
                self._compare(strings, values, stored.get(strings["id"]))
            if progress is not None and (done % 2000 == 0 or done == len(pending)):
                progress(done, len(pending))

    def _convert(self, kind: str, strings: dict[str, str], activity: str) -> Values | None:
        try:
            return CONVERTERS[kind](Row(self.result.source, 0, strings, self.known), self.known)
        except SeedError as error:
            if error.column == "sources" and not strings.get("sources"):
                return None  # already listed, with the reason, when the activity was read
            element = ELEMENTS.get(error.column, error.column)
            if kind == "organisations":
                element = _("participating-org (new organisation {id})").format(
                    id=quoted(strings["id"])
                )
            self.result.problem(activity, element, error.reason)
            return None

    def _compare(self, strings: dict[str, str], values: Values, current: Record | None) -> None:
        if current is None:
            self.result.adds.append((strings["id"], strings["title"]))
        else:
            new = {column: edits.plain(values[column]) for column in self.columns}
            changed = [(n, current.get(n), new[n]) for n in new if current.get(n) != new[n]]
            if not changed:
                self.result.unchanged += 1
                return
            self.result.changes.append((strings["id"], changed))
        self.result.phases.append((strings, current))
        self.result.checked["phases"].append((values, current))


def stored_known(cursor: duckdb.DuckDBPyConnection) -> Known:
    """The ids an IATI plan refers to, read once as sets; phases start empty (the file's own,
    checked against each other: a recorded phase in the file is a change)."""
    known = Known()
    for kind, sql in (
        ("organisation", "SELECT id FROM organisations"),
        ("project", "SELECT id FROM projects"),
        ("topic", "SELECT id FROM topics"),
        ("convention", "SELECT code FROM conventions"),
    ):
        known.ids[kind] = {str(value) for (value,) in cursor.execute(sql).fetchall()}
    known.ids["phase"] = set()
    return known


def _trimmed(text: str, limit: int, result: IatiPlan, activity: Activity, what: str) -> str:
    """A title or name cut to the record's limit at a word, with a note saying so."""
    if len(text) <= limit:
        return text
    if what == "title":
        note = _("title cut to {limit} characters (it has {length})")
    elif what == "title_ru":
        note = _("Russian title cut to {limit} characters (it has {length})")
    else:
        note = _("participating-org name cut to {limit} characters (it has {length})")
    result.note(
        activity.identifier, note.format(limit=i18n.number(limit), length=i18n.number(len(text)))
    )
    return _trim(text, limit - 1) or ""


def _first_sources(
    sources: list[str], result: IatiPlan, activity: str, owner: str, limit: int = Row.MAX_ITEMS
) -> list[str]:
    """At most `limit` source addresses for a record (a record keeps up to Row.MAX_ITEMS),
    with a note when some are left out."""
    if len(sources) <= limit:
        return sources
    note = _("{owner} keeps the first {limit} of its {count} source addresses")
    result.note(
        activity, note.format(owner=quoted(owner), limit=limit, count=i18n.number(len(sources)))
    )
    return sources[:limit]


def plan(
    store: Store,
    name: str,
    content: bytes,
    source: str | None = None,
    *,
    progress: Progress | None = None,
) -> IatiPlan:
    """Read an IATI activity file and check it against the database; writes nothing.

    `source` is the address the file was published at (e.g. its IATI Registry page), added to
    every record's sources so that each stays traceable even without document links.
    `progress` is told (done, of) while activities are read and again while they are checked."""
    if source is not None:
        problem = url_problem(source.strip())
        if problem is not None:
            raise InputError(_("source: {problem}").format(problem=problem))
    version, elements = read_activities(name, content)
    result = IatiPlan(name, version)
    expected = max(1, content.count(b"<iati-activity") - content.count(b"<iati-activities"))
    activities = _read_all(elements, result, source.strip() if source else None, expected, progress)
    with store.cursor() as cursor:
        result.mark = tabular.record_mark(cursor)
        planner = _Planner(cursor, result)
        for chain in chains(activities):
            planner.chain(chain)
        planner.check(progress)
    return result


# --- applying -----------------------------------------------------------------------------


def _checked_again(cursor: duckdb.DuckDBPyConnection, result: IatiPlan) -> dict[str, list[Any]]:
    """The plan's rows validated again inside the writing transaction, each with the record as
    stored; refused when the record has moved since the plan was made."""
    known = stored_known(cursor)
    checked: dict[str, list[Any]] = {}
    for table, rows in (("organisations", result.organisations), ("projects", result.projects)):
        existing = tabular.fetch_many(cursor, table, [strings["id"] for strings in rows])
        if existing:
            if table == "organisations":
                reason = _(
                    "organisation {id} was added by someone else since the plan was made; "
                    "nothing was written, plan the import again"
                )
            else:
                reason = _(
                    "project {id} was added by someone else since the plan was made; nothing "
                    "was written, plan the import again"
                )
            raise InputError(reason.format(id=quoted(next(iter(existing)))))
        checked[table] = [(_validated(table, strings, known, result), None) for strings in rows]
    stored = tabular.fetch_many(cursor, "phases", [strings["id"] for strings, _ in result.phases])
    checked["phases"] = []
    for strings, current in result.phases:
        now = stored.get(strings["id"])
        if now != current:
            old, new = current or {}, now or {}
            fields = [
                (k, old.get(k), new.get(k)) for k in {**old, **new} if old.get(k) != new.get(k)
            ]
            raise conflict("phases", strings["id"], fields)
        checked["phases"].append((_validated("phases", strings, known, result), current))
    return checked


def _validated(table: str, strings: dict[str, str], known: Known, result: IatiPlan) -> Any:
    try:
        return CONVERTERS[table](Row(result.source, 0, strings, known), known)
    except SeedError as error:
        reason = _(
            "{file}: the record changed since the file was checked ({table} {id}, {column}: "
            "{reason}); nothing was written, plan the import again"
        )
        raise InputError(
            reason.format(
                file=result.source,
                table=table,
                id=quoted(strings["id"]),
                column=error.column,
                reason=error.reason,
            )
        ) from None


def apply(store: Store, editor: str, result: IatiPlan, *, progress: Progress | None = None) -> int:
    """Write the whole plan in one transaction and return how many records it wrote; a plan
    with problems is refused, and any failure while writing leaves the database untouched."""
    if result.problems:
        raise InputError(
            _("{summary}; fix them first, nothing was written").format(summary=result.summary())
        )
    via = f"iati {result.source}"
    written = 0
    with store.transaction() as cursor:
        unchanged = tabular.record_mark(cursor) == result.mark and result.checked
        checked = result.checked if unchanged else _checked_again(cursor, result)
        for step, table in enumerate(("organisations", "projects", "phases"), start=1):
            written += tabular.write_rows(cursor, editor, table, checked[table], via)
            if progress is not None:
                progress(step, 3)
    return written


def describe(result: IatiPlan) -> Iterable[str]:
    """The plan as lines of text, for the CLI and the dashboard alike."""
    yield result.summary()
    for row in result.organisations:
        yield _("  add organisation {id}: {name}").format(id=row["id"], name=row["name"])
    for row in result.projects:
        yield _("  add project      {id}: {name}").format(id=row["id"], name=row["name"])
    for ident, title in result.adds:
        yield _("  add phase        {id}: {title}").format(id=ident, title=title)
    for ident, fields in result.changes:
        for name, before, after in fields:
            yield _("  change phase     {id}.{field}: {before} -> {after}").format(
                id=ident, field=name, before=repr(before), after=repr(after)
            )
    for problem in result.problems:
        yield _("  problem activity {id}, <{element}>: {reason}").format(
            id=_quoted_id(str(problem.at)), element=problem.field, reason=problem.reason
        )
    for note in result.notes:
        yield _("  note    {note}").format(note=note)


def _quoted_id(text: str, limit: int = 60) -> str:
    """An activity's identifier as `Problem` shows it: quoted, cut at `limit` characters."""
    return repr(text if len(text) <= limit else f"{text[:limit]}…")
