"""How complete and how current the record is: per meeting series, which numbered meetings are
present and which are missing, and which dates are known only to the month or the year. Gaps
are shown, not silent. Record labels are in the current language (`shown_text`), as is the
terminal report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from cooptrack import i18n
from cooptrack.db.store import Store
from cooptrack.i18n import _, ngettext, number

RANGES_SHOWN = 5  # in a cell of the page's series table; the command line lists them all
IMPRECISE_LISTED = 1_000  # a large record has many vague dates: list the first, count them all


@dataclass(frozen=True)
class SeriesCoverage:
    series: str  # its name in the current language
    kind: str
    meetings: int
    present: tuple[int, ...]  # ordinals recorded
    missing: tuple[int, ...]  # gaps between the lowest and the highest recorded
    earlier: tuple[int, ...]  # before the lowest recorded (the record may start later on purpose)
    unnumbered: int
    first: str  # ISO at the known precision
    last: str

    def ranges(self, numbers: tuple[int, ...], most: int | None = None) -> str:
        """`(1, 2, 3, 5)` → `1–3, 5`; past `most` ranges, the first `most` and a count of the
        rest (a table cell of hundreds of ranges was thousands of pixels tall)."""
        spans: list[list[int]] = []
        for n in numbers:
            if spans and n == spans[-1][1] + 1:
                spans[-1][1] = n
            else:
                spans.append([n, n])
        texts = [str(a) if a == b else f"{a}–{b}" for a, b in spans]
        if most is None or len(texts) <= most:
            return ", ".join(texts)
        more = len(texts) - most
        return ngettext(
            "{shown}, … and {more} more range ({numbers} numbers in all)",
            "{shown}, … and {more} more ranges ({numbers} numbers in all)",
            more,
        ).format(shown=", ".join(texts[:most]), more=number(more), numbers=number(len(numbers)))


@dataclass(frozen=True)
class Imprecise:
    kind: str  # meetings, phases, commitments, followups
    record: str
    label: str
    field: str
    value: str  # ISO at its precision: `2009-11`, `2021`


@dataclass
class Coverage:
    reviewed: date | None
    newest_fact: date | None  # the latest dated fact: a meeting held, a follow-up noted
    counts: dict[str, int]
    series: list[SeriesCoverage] = field(default_factory=list)
    imprecise: list[Imprecise] = field(default_factory=list)  # the first IMPRECISE_LISTED
    imprecise_total: int = 0


# A series by its English name (the key its meetings share), named in the language `$lang`.
_SERIES = """
    SELECT shown_text(series, max(series_ru), $lang), any_value(kind), count(*),
        list(DISTINCT ordinal ORDER BY ordinal) FILTER (WHERE ordinal IS NOT NULL),
        count(*) FILTER (WHERE ordinal IS NULL),
        arg_min(iso_partial(start_date, start_precision), start_date),
        arg_max(iso_partial(start_date, start_precision), start_date)
    FROM meetings WHERE series IS NOT NULL GROUP BY series ORDER BY series"""

# Every stored partial date coarser than a day, with the record it belongs to (labelled in
# the language `$lang`).
_IMPRECISE = """
    SELECT 'meetings', id, shown_text(short_title, short_title_ru, $lang), 'start',
        iso_partial(start_date, start_precision) FROM meetings WHERE start_precision <> 'day'
    UNION ALL SELECT 'meetings', id, shown_text(short_title, short_title_ru, $lang), 'end',
        iso_partial(end_date, end_precision) FROM meetings WHERE end_precision <> 'day'
    UNION ALL SELECT 'phases', id, shown_text(title, title_ru, $lang), c.field,
        iso_partial(c.d, c.p)
        FROM phases, (VALUES
            ('planned_start', planned_start, planned_start_precision),
            ('planned_end', planned_end, planned_end_precision),
            ('actual_start', actual_start, actual_start_precision),
            ('actual_end', actual_end, actual_end_precision)) c(field, d, p)
        WHERE c.d IS NOT NULL AND c.p <> 'day'
    UNION ALL SELECT 'commitments', id, shown_text(left(text, 80), left(text_ru, 80), $lang),
        'made_on', iso_partial(made_on, made_on_precision)
        FROM commitments WHERE made_on_precision <> 'day'
    UNION ALL SELECT 'commitments', id, shown_text(left(text, 80), left(text_ru, 80), $lang),
        'due', iso_partial(due_date, due_precision) FROM commitments WHERE due_precision <> 'day'
    ORDER BY 1, 5, 2"""

_NEWEST = """
    SELECT max(d) FROM (
        SELECT max(coalesce(end_date, start_date)) AS d FROM meetings WHERE status = 'held'
        UNION ALL SELECT max(on_date) FROM followups)"""


def coverage(store: Store) -> Coverage:
    """The coverage report of the whole record (it does not follow the filters: gaps are about
    the record, not about a view of it)."""
    meta = dict(store.rows("SELECT key, value FROM schema_meta"))
    reviewed = meta.get("data_as_of")
    counts = {
        table: int(store.rows(f"SELECT count(*) FROM {table}")[0][0])
        for table in ("meetings", "phases", "commitments", "followups")
    }
    newest = store.rows(_NEWEST)[0][0]
    report = Coverage(date.fromisoformat(reviewed) if reviewed else None, newest, counts)
    language = {"lang": i18n.current()}
    for series, kind, total, ordinals, unnumbered, first, last in store.rows(_SERIES, language):
        present = tuple(int(n) for n in ordinals or [])
        low, high = min(present, default=1), max(present, default=0)
        recorded = set(present)
        report.series.append(
            SeriesCoverage(
                series=str(series),
                kind=str(kind),
                meetings=int(total),
                present=present,
                missing=tuple(n for n in range(low, high) if n not in recorded),
                earlier=tuple(range(1, low)),
                unnumbered=int(unnumbered),
                first=str(first),
                last=str(last),
            )
        )
    listed = store.rows(f"{_IMPRECISE} LIMIT $listed", {**language, "listed": IMPRECISE_LISTED})
    report.imprecise = [Imprecise(*map(str, row)) for row in listed]
    report.imprecise_total = int(store.rows(f"SELECT count(*) FROM ({_IMPRECISE})", language)[0][0])
    return report


def newest_fact(store: Store) -> date | None:
    """The latest dated fact (a meeting held, a follow-up noted): what the Overview shows."""
    found = store.rows(_NEWEST)[0][0]
    return found if isinstance(found, date) else None


def as_text(report: Coverage) -> str:
    """The report for a terminal, in the current language (`cooptrack coverage --lang ru`)."""
    none = _("none")
    lines = [
        _("reviewed: {reviewed}   newest dated fact: {newest}").format(
            reviewed=report.reviewed or _("not recorded"), newest=report.newest_fact or none
        ),
        ", ".join(_counted(table, n) for table, n in report.counts.items()),
        "",
        _("series: numbers present | gaps | before the first | unnumbered | first – last"),
    ]
    for s in report.series:
        lines.append(
            f"  {s.series}: {s.ranges(s.present) or '-'} | {s.ranges(s.missing) or none} | "
            f"{s.ranges(s.earlier) or none} | {number(s.unnumbered)} | {s.first} – {s.last}"
        )
    total = number(report.imprecise_total)
    lines += ["", _("dates known only to the month or the year ({total}):").format(total=total)]
    lines += [f"  {i.kind} {i.record} {i.field}: {i.value}" for i in report.imprecise]
    return "\n".join(lines)


def _counted(table: str, count: int) -> str:
    """`12 meetings`: a table's row count in words."""
    if table == "meetings":
        words = ngettext("{n} meeting", "{n} meetings", count)
    elif table == "phases":
        words = ngettext("{n} phase", "{n} phases", count)
    elif table == "commitments":
        words = ngettext("{n} commitment", "{n} commitments", count)
    elif table == "followups":
        words = ngettext("{n} followup", "{n} followups", count)
    else:
        words = f"{{n}} {table}"
    return words.format(n=number(count))
