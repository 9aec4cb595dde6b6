"""Validation of every row written to the record: the seed loader, the Edit page's forms and
the imports all check a row with `Row` and the converters here, so every path accepts and refuses
exactly the same values. A converter returns the table row by column name (`Values`).

A reason is written in the current language (`cooptrack.i18n`) when the check fails: the Edit
page and the import preview set it before they check; the seed loader and the CLI speak English.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, MutableSet
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from cooptrack.dates import PartialDate
from cooptrack.db import schema
from cooptrack.errors import SeedError
from cooptrack.i18n import N_, _, ngettext, number
from cooptrack.reference import is_country_code

NO_PUBLIC_SOURCE = "no public source"
# Every pattern below runs in time linear in the text: anchored, or possessive where a run is
# followed by something it could also have matched (user text can be 100,000 characters).
_EMAIL = re.compile(r"[\w.+-]@[\w-]++\.[\w.-]")  # one character each side is enough to tell
_PHONE = re.compile(r"\d[\d ()-]{8,}+")  # a phone number: 10+ of these, digit to digit
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*+")
_INTEGER = re.compile(r"-?[0-9]{1,9}")
_CODE = re.compile(r"[A-Z][A-Z0-9-]*+")
_CURRENCY = re.compile(r"[A-Z]{3}")
_HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
# What a web address cannot hold unencoded: spaces, controls, and what could end it or start
# markup around it (quotes, brackets, backslash, backtick, braces, bar, caret).
_URL_BAD = re.compile(r"[\s\x00-\x1f\x7f-\x9f()\[\]<>\"'\\`{}|^]")
# Control characters in free text: C0 and C1 controls (a line break or tab only in long texts),
# and the bidirectional overrides and isolates that make text display other than it reads.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_CONTROL_IN_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f\u2028\u2029{_BIDI}]")
_CONTROL_IN_TEXT = re.compile(f"[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f{_BIDI}]")
MAX_AMOUNT = Decimal("9999999999999999.99")  # DECIMAL(18, 2)


def slug(text: str, limit: int | None = 48) -> str:
    """An id made from a name or an outside identifier, of the form ids take (`Row.slug`):
    ASCII, lowercase, every other run of characters one '-', cut at `limit` characters (None:
    kept whole, for identifiers given by others); empty when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return words[:limit].rstrip("-")


def quoted(value: str, limit: int = 60) -> str:
    """A value for a message: its repr, cut short so that a huge cell still gives one line."""
    if len(value) <= limit:
        return repr(value)
    return ngettext("{start}… ({n} character)", "{start}… ({n} characters)", len(value)).format(
        start=repr(value[:limit]), n=number(len(value))
    )


def too_long(length: int, limit: int) -> str:
    """Why a cell is too long ("is 400 characters long; the limit is 300"), in the current
    language."""
    return ngettext(
        "is {length} character long; the limit is {limit}",
        "is {length} characters long; the limit is {limit}",
        length,
    ).format(length=number(length), limit=number(limit))


def item_too_long(place: int, length: int, limit: int) -> str:
    """Why one value of a list cell is too long ("value 2 is 400 characters long; …")."""
    return ngettext(
        "value {place} is {length} character long; the limit is {limit}",
        "value {place} is {length} characters long; the limit is {limit}",
        length,
    ).format(place=number(place), length=number(length), limit=number(limit))


def too_many(count: int, limit: int) -> str:
    """Why a list has too many values ("has 60 values; the limit is 50")."""
    return ngettext(
        "has {count} value; the limit is {limit}", "has {count} values; the limit is {limit}", count
    ).format(count=number(count), limit=number(limit))


# What a reference names, by the kind of record it refers to (Russian words differ in gender).
_UNKNOWN = {
    "country": N_("unknown country {value}"),
    "organisation": N_("unknown organisation {value}"),
    "actor": N_("unknown actor {value}"),
    "organisation or country": N_("unknown organisation or country {value}"),
    "meeting": N_("unknown meeting {value}"),
    "project": N_("unknown project {value}"),
    "phase": N_("unknown phase {value}"),
    "topic": N_("unknown topic {value}"),
    "convention": N_("unknown convention {value}"),
    "commitment": N_("unknown commitment {value}"),
}
_DUPLICATE = {
    "topic": N_("duplicate topic id {value}"),
    "convention": N_("duplicate convention id {value}"),
    "organisation": N_("duplicate organisation id {value}"),
    "party": N_("duplicate party id {value}"),
    "meeting": N_("duplicate meeting id {value}"),
    "meeting title": N_("duplicate meeting title {value}"),
    "project": N_("duplicate project id {value}"),
    "phase": N_("duplicate phase id {value}"),
    "commitment": N_("duplicate commitment id {value}"),
}


def unknown(kind: str, value: str) -> str:
    """Why a reference is refused ("unknown country 'Narnia'"): the record knows no such id."""
    template = _UNKNOWN.get(kind)
    if template is None:
        return _("unknown {kind} {value}").format(kind=kind, value=quoted(value))
    return _(template).format(value=quoted(value))


def title_key(title: str) -> str:
    """What makes two meeting titles the same: DuckDB's lower(), which the database's own
    check uses (records.known_from). Python's lower() differs only on a final capital sigma
    (context-dependent in Python) and a dotted capital I, so those go character by character."""
    if "Σ" in title or "İ" in title:
        return "".join("i" if c == "İ" else c.lower() for c in title)
    return title.lower()


def has_contact_details(text: str) -> bool:
    """True when `text` holds what looks like an e-mail address or a phone number."""
    if "@" in text and _EMAIL.search(text):
        return True
    return any(len(run.group().rstrip(" ()-")) >= 10 for run in _PHONE.finditer(text))


def url_problem(url: str) -> str | None:
    """Why `url` is not one plain http(s) web address, or None when it is one.

    A source is shown as a link: it must be exactly one address, so characters that could end
    it early or start markup (brackets, quotes, spaces, controls) must be percent-encoded."""
    if len(url) > Row.MAX_URL:
        return too_long(len(url), Row.MAX_URL)
    found = _URL_BAD.search(url)
    char = found.group() if found else None
    if char is None and not url.isascii():
        char = next((c for c in url if not c.isascii() and _is_control(c)), None)
    if char is not None:
        encoded = "".join(f"%{byte:02X}" for byte in char.encode())
        return _(
            "{url} contains {char}, which a web address cannot hold as it is "
            "(percent-encode it as {encoded} if it is part of the address)"
        ).format(url=quoted(url), char=repr(char), encoded=encoded)
    if _BAD_ESCAPE.search(url):
        return _("{url} has a '%' that is not followed by two hexadecimal digits").format(
            url=quoted(url)
        )
    return _url_parts_problem(url)


def _url_parts_problem(url: str) -> str | None:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return _("{url} is not a web address").format(url=quoted(url))
    if parts.scheme.lower() not in ("http", "https"):
        return _("{url} is not an http(s) address").format(url=quoted(url))
    if parts.username is not None or parts.password is not None:
        return _("{url} names a user before its host, which disguises where it leads").format(
            url=quoted(url)
        )
    if not _valid_host(parts.hostname or ""):
        return _("{url} has no valid host name").format(url=quoted(url))
    return None


def _is_control(char: str) -> bool:
    return unicodedata.category(char)[0] == "C"


@functools.lru_cache(maxsize=4096)
def _valid_host(host: str) -> bool:
    """A domain name of two or more labels (international names allowed) or an IPv4 address."""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    if len(ascii_host) > 253 or len(labels) < 2:
        return False
    if all(label.isdigit() for label in labels):
        return len(labels) == 4 and all(int(label) <= 255 for label in labels)
    return all(_HOST_LABEL.fullmatch(label) for label in labels) and not labels[-1].isdigit()


_is_country_code = functools.lru_cache(maxsize=1024)(is_country_code)  # asked once a cell


@dataclass
class Known:
    """Identifiers seen so far, by kind, for checking references between files."""

    ids: dict[str, MutableSet[str]] = field(default_factory=dict)
    deferred: list[tuple[str, int, str, str, str]] = field(default_factory=list)
    meeting_starts: dict[str, PartialDate] = field(default_factory=dict)
    followup_counts: dict[str, int] = field(default_factory=dict)

    def has(self, kind: str, value: str) -> bool:
        if kind == "country":
            return _is_country_code(value)
        if kind == "actor":
            return _is_country_code(value) or value in self.ids.get("organisation", set())
        return value in self.ids.get(kind, set())


class Row:
    """One CSV row with typed, validated accessors that raise SeedError naming the cell."""

    # What one cell may hold: the one place for these numbers (forms, imports and the seed
    # files all read cells through Row). A message names the column, the limit and the length.
    MAX_SHORT = 300  # titles, names, places, ids and codes: any one-line value
    MAX_LONG = 5_000  # summaries, commitment texts and follow-up notes
    MAX_ITEMS = 50  # values in one list cell (countries, topics, sources …)
    MAX_URL = 2_000  # one source address
    LONG_COLUMNS = frozenset({"summary", "text", "note", "summary_ru", "text_ru", "note_ru"})

    def __init__(self, file: str, line: int, values: dict[str, str], known: Known) -> None:
        self.file, self.line, self.values, self.known = file, line, values, known

    def fail(self, column: str, reason: str) -> SeedError:
        return SeedError(self.file, self.line, column, reason)

    def _cell(self, column: str) -> str:
        return (self.values.get(column) or "").strip()

    def _check_length(self, column: str, value: str, limit: int) -> None:
        if len(value) > limit:
            raise self.fail(column, too_long(len(value), limit))

    def raw(self, column: str) -> str:
        """The cell's text without surrounding spaces, within the column's length limit."""
        value = self._cell(column)
        limit = self.MAX_LONG if column in self.LONG_COLUMNS else self.MAX_SHORT
        self._check_length(column, value, limit)
        return value

    def items(self, column: str, item_limit: int | None = None) -> list[str]:
        """The values of a list cell (joined by ';'), at most MAX_ITEMS, each within limits."""
        limit = item_limit or self.MAX_SHORT
        value = self._cell(column)
        list_limit = self.MAX_ITEMS * (limit + 2)
        if len(value) > list_limit:
            reason = ngettext(
                "the list is {length} character long; the limit is {limit}",
                "the list is {length} characters long; the limit is {limit}",
                len(value),
            )
            raise self.fail(
                column, reason.format(length=number(len(value)), limit=number(list_limit))
            )
        found = [part.strip() for part in value.split(";") if part.strip()]
        if len(found) > self.MAX_ITEMS:
            raise self.fail(column, too_many(len(found), self.MAX_ITEMS))
        for place, item in enumerate(found, start=1):
            if len(item) > limit:
                raise self.fail(column, item_too_long(place, len(item), limit))
        return found

    def present(self, column: str, required: bool) -> str | None:
        """The cell's text, None when empty; an empty required cell is an error."""
        value = self.raw(column)
        if value:
            return value
        if required:
            raise self.fail(column, _("is required"))
        return None

    def _check_free_text(self, column: str, value: str) -> None:
        """No contact details, no control characters (a line break only in long texts)."""
        controls = _CONTROL_IN_TEXT if column in self.LONG_COLUMNS else _CONTROL_IN_LINE
        found = controls.search(value)
        if found is not None:
            reason = _("contains the control character {char} at position {position}")
            position = number(found.start() + 1)
            raise self.fail(column, reason.format(char=repr(found.group()), position=position))
        if has_contact_details(value):
            raise self.fail(column, _("looks like an e-mail address or phone number; leave it out"))

    def text(self, column: str, required: bool = True) -> str | None:
        value = self.present(column, required)
        if value is None:
            return None
        self._check_free_text(column, value)
        return value

    def label(self, column: str, required: bool = True) -> str:
        """A name shown in lists joined by '; ', so it must not contain ';' itself."""
        value = self.text(column, required) or ""
        if ";" in value:
            raise self.fail(column, _("must not contain ';' (lists of names are joined with it)"))
        return value

    def slug(self, column: str) -> str:
        value = self.raw(column)
        if not _SLUG.fullmatch(value):
            reason = _("{value} is not an id (lowercase letters, digits, '-')")
            raise self.fail(column, reason.format(value=quoted(value)))
        return value

    def choice(self, column: str, allowed: tuple[str, ...], required: bool = True) -> str | None:
        value = self.raw(column)
        if not value and not required:
            return None
        if value not in allowed:
            reason = _("{value} is not one of: {allowed}")
            raise self.fail(column, reason.format(value=quoted(value), allowed=", ".join(allowed)))
        return value

    def integer(self, column: str) -> int | None:
        value = self.raw(column)
        if not value:
            return None
        if not _INTEGER.fullmatch(value):
            reason = _("{value} is not a whole number (up to 9 digits)")
            raise self.fail(column, reason.format(value=quoted(value)))
        return int(value)

    def decimal(self, column: str) -> Decimal | None:
        """An amount: not negative, at most two decimals, within what the database stores."""
        value = self.raw(column)
        if not value:
            return None
        try:
            amount = Decimal(value) if value.isascii() else Decimal("NaN")
        except InvalidOperation:
            raise self.fail(
                column, _("{value} is not a number").format(value=quoted(value))
            ) from None
        if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
            reason = _("{value} is not an amount (0 to {largest})")
            raise self.fail(column, reason.format(value=quoted(value), largest=number(MAX_AMOUNT)))
        if amount != amount.quantize(Decimal("0.01")):
            reason = _("{value} has more than two decimals")
            raise self.fail(column, reason.format(value=quoted(value)))
        return amount.quantize(Decimal("0.01"))

    def boolean(self, column: str) -> bool:
        value = self.raw(column).lower()
        if value not in ("true", "false", ""):
            raise self.fail(column, _("{value} is not true or false").format(value=quoted(value)))
        return value == "true"

    def date(self, column: str, required: bool = False) -> PartialDate | None:
        value = self.present(column, required)
        if value is None:
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise self.fail(column, str(error)) from None

    def ref(self, column: str, kind: str, required: bool = False) -> str | None:
        value = self.present(column, required)
        if value is None:
            return None
        if not self.known.has(kind, value):
            raise self.fail(column, unknown(kind, value))
        return value

    def later_ref(self, column: str, kind: str) -> str | None:
        """A reference that may point further down the same file: checked after the file."""
        value = self.raw(column)
        if value:
            self.known.deferred.append((self.file, self.line, column, kind, value))
        return value or None

    def refs(self, column: str, kind: str) -> list[str]:
        values = self.items(column)
        for value in values:
            if not self.known.has(kind, value):
                raise self.fail(column, unknown(kind, value))
        return sorted(set(values))  # canonical order: a list is a set of codes

    def texts(self, column: str) -> list[str]:
        values = self.items(column)
        for value in values:
            self._check_free_text(column, value)
        return values

    def sources(self, column: str = "sources") -> list[str]:
        urls = self.items(column, self.MAX_URL)
        if [url.lower() for url in urls] == [NO_PUBLIC_SOURCE]:
            return [NO_PUBLIC_SOURCE]
        if not urls:
            reason = _("every record needs at least one source address, or '{none}'")
            raise self.fail(column, reason.format(none=NO_PUBLIC_SOURCE))
        for url in urls:
            problem = url_problem(url)
            if problem is not None:
                raise self.fail(column, problem)
        return urls

    def confidence(self) -> str:
        return self.choice("confidence", schema.CONFIDENCES) or "L"


def _unique_id(row: Row, column: str, kind: str, known: Known, value: str | None = None) -> str:
    ident = value if value is not None else row.slug(column)
    seen = known.ids.setdefault(kind, set())
    if ident in seen:
        shown = quoted(row.raw(column) if value is not None else ident)
        template = _DUPLICATE.get(kind)
        if template is None:
            raise row.fail(column, _("duplicate {kind} {value}").format(kind=kind, value=shown))
        raise row.fail(column, _(template).format(value=shown))
    seen.add(ident)
    return ident


def _dated(column: str, precision: str, value: PartialDate | None) -> Values:
    """A partial date as the two columns that store it: its first day (or the day) and its
    precision."""
    if value is None:
        return {column: None, precision: None}
    return {column: value.start, precision: value.precision}


def _check_order(row: Row, start_col: str, end_col: str) -> None:
    start, end = row.date(start_col), row.date(end_col)
    if start and end and end.end < start.start:
        reason = _("{end} is before {column} {start}")
        raise row.fail(end_col, reason.format(end=end.iso(), column=start_col, start=start.iso()))


# A validated row, by the names of the table's columns: every INSERT names its columns too.
Values = dict[str, Any]
Converter = Callable[[Row, Known], Values]


def _topic(row: Row, known: Known) -> Values:
    return {
        "id": _unique_id(row, "id", "topic", known),
        "label": row.label("label"),
        "label_ru": row.label("label_ru", False) or None,
    }


def _convention(row: Row, known: Known) -> Values:
    code = row.raw("code")
    if not _CODE.fullmatch(code):
        reason = _("{value} is not a convention code (A-Z, digits, '-')")
        raise row.fail("code", reason.format(value=quoted(code)))
    _unique_id(row, "code", "convention", known, code)
    return {
        "code": code,
        "name": row.text("name"),
        "adopted_year": row.integer("adopted_year"),
        "url": row.text("url", False),
        "sources": row.sources(),
        "name_ru": row.text("name_ru", False),
    }


def _organisation(row: Row, known: Known) -> Values:
    ident = _unique_id(row, "id", "organisation", known)
    name = row.label("name")
    return {
        "id": ident,
        "name": name,
        "short_name": row.text("short_name", False) or name,
        "kind": row.choice("kind", schema.ORGANISATION_KINDS),
        "parent": row.later_ref("parent", "organisation"),
        "country": row.ref("country", "country"),
        "sources": row.sources(),
        "name_ru": row.label("name_ru", False) or None,
        "short_name_ru": row.text("short_name_ru", False),
    }


def _party(row: Row, known: Known) -> Values:
    key = f"{row.raw('convention')}/{row.raw('country')}"
    convention = row.ref("convention", "convention", required=True)
    country = row.ref("country", "country", required=True)
    _unique_id(row, "country", "party", known, key)
    return {
        "convention": convention,
        "country": country,
        "since_year": row.integer("since_year"),
        "confidence": row.confidence(),
        "sources": row.sources(),
    }


def _meeting(row: Row, known: Known) -> Values:
    ident = _unique_id(row, "id", "meeting", known)
    title = row.text("title") or ""
    _unique_id(row, "title", "meeting title", known, title_key(title))
    start, end = row.date("start", required=True), row.date("end")
    _check_order(row, "start", "end")
    if start and end and end.start < start.start:  # the database stores first days and checks
        reason = _(
            "{end} is stored as its first day, {first_day}, before start {start}; "
            "give the end at least as precisely as the start"
        )
        raise row.fail("end", reason.format(end=end.iso(), first_day=end.start, start=start.iso()))
    return {
        "id": ident,
        "title": title,
        "short_title": row.text("short_title", False) or title,
        "kind": row.choice("kind", schema.MEETING_KINDS),
        "series": row.text("series", False),
        "ordinal": row.integer("ordinal"),
        **_dated("start_date", "start_precision", start),
        **_dated("end_date", "end_precision", end),
        "tentative": row.boolean("tentative"),
        "city": row.text("city", False),
        "host_country": row.ref("host_country", "country"),
        "format": row.choice("format", schema.MEETING_FORMATS, required=False),
        "status": row.choice("status", schema.MEETING_STATUSES),
        "chairs": row.texts("chairs"),
        "chair_organisations": row.refs("chair_organisations", "organisation"),
        "organisers": row.refs("organisers", "organisation"),
        "countries": row.refs("countries", "country"),
        "conventions": row.refs("conventions", "convention"),
        "topics": row.refs("topics", "topic"),
        "summary": row.text("summary", False),
        "confidence": row.confidence(),
        "sources": row.sources(),
        **_russian(row, "title_ru", "short_title_ru", "summary_ru", "series_ru"),
    }


def _russian(row: Row, *columns: str) -> Values:
    """The optional Russian versions of a record's texts (None where there is none)."""
    return {column: row.text(column, False) for column in columns}


def _project(row: Row, known: Known) -> Values:
    return {
        "id": _unique_id(row, "id", "project", known),
        "name": row.text("name"),
        "donor": row.ref("donor", "organisation"),
        "summary": row.text("summary", False),
        "sources": row.sources(),
        **_russian(row, "name_ru", "summary_ru"),
    }


def _phase(row: Row, known: Known) -> Values:
    ident = _unique_id(row, "id", "phase", known)
    _check_order(row, "planned_start", "planned_end")
    _check_order(row, "actual_start", "actual_end")
    if not row.raw("planned_start") and not row.raw("actual_start"):
        raise row.fail("actual_start", _("a phase needs a planned or an actual start"))
    budget = row.decimal("budget")
    currency = row.text("currency", False)
    if budget is not None and not (currency and _CURRENCY.fullmatch(currency)):
        raise row.fail("currency", _("a budget needs a three-letter currency code such as EUR"))
    dates = ("planned_start", "planned_end", "actual_start", "actual_end")
    return {
        "id": ident,
        "project": row.ref("project", "project", required=True),
        "phase": row.integer("phase"),
        "title": row.text("title"),
        "implementers": row.refs("implementers", "organisation"),
        "budget": budget,
        "currency": currency,
        **{
            k: v
            for column in dates
            for k, v in _dated(column, f"{column}_precision", row.date(column)).items()
        },
        "countries": row.refs("countries", "country"),
        "conventions": row.refs("conventions", "convention"),
        "topics": row.refs("topics", "topic"),
        "summary": row.text("summary", False),
        "confidence": row.confidence(),
        "sources": row.sources(),
        **_russian(row, "title_ru", "summary_ru"),
    }


def _commitment(row: Row, known: Known) -> Values:
    ident = _unique_id(row, "id", "commitment", known)
    meeting = row.ref("meeting", "meeting")
    made_on = row.date("made_on") or (known.meeting_starts.get(meeting) if meeting else None)
    if made_on is None:
        raise row.fail("made_on", _("is required when the commitment has no meeting"))
    actors = row.refs("made_by", "actor")
    if not actors:
        raise row.fail("made_by", _("who made the commitment is required"))
    countries = [a for a in actors if _is_country_code(a)]
    return {
        "id": ident,
        "text": row.text("text"),
        "made_by_organisations": [a for a in actors if a not in countries],
        "made_by_countries": countries,
        "meeting": meeting,
        **_dated("made_on", "made_on_precision", made_on),
        "countries": row.refs("countries", "country"),
        "conventions": row.refs("conventions", "convention"),
        "topics": row.refs("topics", "topic"),
        **_dated("due_date", "due_precision", row.date("due")),
        "ahead_of": row.ref("ahead_of", "meeting"),
        "status": row.choice("status", schema.COMMITMENT_STATUSES),
        "fulfilled_by": row.ref("fulfilled_by", "meeting"),
        "confidence": row.confidence(),
        "sources": row.sources(),
        **_russian(row, "text_ru"),
    }


def _followup(row: Row, known: Known) -> Values:
    commitment = row.ref("commitment", "commitment", required=True) or ""
    known.followup_counts[commitment] = known.followup_counts.get(commitment, 0) + 1
    return {
        "commitment": commitment,
        "seq": known.followup_counts[commitment],
        **_dated("on_date", "on_precision", row.date("date", required=True)),
        "note": row.text("note"),
        "evidence_meeting": row.ref("evidence_meeting", "meeting"),
        "status_after": row.choice("status_after", schema.COMMITMENT_STATUSES, required=False),
        "sources": row.sources(),
        **_russian(row, "note_ru"),
    }


COLUMNS: dict[str, tuple[str, ...]] = {
    "topics": ("id", "label"),
    "conventions": ("code", "name", "adopted_year", "url", "sources"),
    "organisations": ("id", "name", "short_name", "kind", "parent", "country", "sources"),
    "convention_parties": ("convention", "country", "since_year", "confidence", "sources"),
    "meetings": (
        "id",
        "title",
        "short_title",
        "kind",
        "series",
        "ordinal",
        "start",
        "end",
        "tentative",
        "city",
        "host_country",
        "format",
        "status",
        "chairs",
        "chair_organisations",
        "organisers",
        "countries",
        "conventions",
        "topics",
        "summary",
        "confidence",
        "sources",
    ),
    "projects": ("id", "name", "donor", "summary", "sources"),
    "phases": (
        "id",
        "project",
        "phase",
        "title",
        "implementers",
        "budget",
        "currency",
        "planned_start",
        "planned_end",
        "actual_start",
        "actual_end",
        "countries",
        "conventions",
        "topics",
        "summary",
        "confidence",
        "sources",
    ),
    "commitments": (
        "id",
        "text",
        "made_by",
        "meeting",
        "made_on",
        "countries",
        "conventions",
        "topics",
        "due",
        "ahead_of",
        "status",
        "fulfilled_by",
        "confidence",
        "sources",
    ),
    "followups": ("commitment", "date", "note", "evidence_meeting", "status_after", "sources"),
}


# The optional columns of each file: a Russian version of its names or texts. A file may leave
# them out (older exports, other tools); when present they follow the columns above.
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "topics": ("label_ru",),
    "conventions": ("name_ru",),
    "organisations": ("name_ru", "short_name_ru"),
    "convention_parties": (),
    "meetings": ("title_ru", "short_title_ru", "summary_ru", "series_ru"),
    "projects": ("name_ru", "summary_ru"),
    "phases": ("title_ru", "summary_ru"),
    "commitments": ("text_ru",),
    "followups": ("note_ru",),
}


CONVERTERS: dict[str, Converter] = {
    "topics": _topic,
    "conventions": _convention,
    "organisations": _organisation,
    "convention_parties": _party,
    "meetings": _meeting,
    "projects": _project,
    "phases": _phase,
    "commitments": _commitment,
    "followups": _followup,
}
