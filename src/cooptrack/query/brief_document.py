"""A brief as a Word file (python-docx) that officials can edit: headings, plain paragraphs and
tables in the default template's styles, every source a hyperlink named by its site.

Record text goes into runs as text: Word never reads it as a field, a formula or markup. The
few characters XML cannot hold at all (control characters an old file may carry) are dropped.
Every word of the file is in the language the brief was made in (the current one).
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from cooptrack import i18n
from cooptrack.i18n import _, full_date, ngettext, number
from cooptrack.query.brief import Brief, BriefCommitment, BriefMeeting, Listed
from cooptrack.query.workbook import link_target

if TYPE_CHECKING:
    from docx.document import Document
    from docx.text.paragraph import Paragraph

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
TABLE_STYLE = "Light Grid Accent 1"


def xml_text(value: object) -> str:
    """Text XML 1.0 can hold (a .docx is XML): control characters other than tab and line
    breaks are dropped."""
    return _NOT_XML.sub("", str(value))


def brief_docx(brief: Brief) -> bytes:
    """The brief as a .docx file."""
    import docx  # noqa: PLC0415 - only briefs need python-docx

    document = docx.Document()
    m = brief.meeting
    heading = xml_text(_("Briefing: {title}").format(title=m.title))
    document.core_properties.title = heading[:255]
    document.core_properties.subject = _("EU–Central Asia environment and climate cooperation")
    document.core_properties.language = i18n.current()
    document.add_heading(heading, level=0)
    _meeting_summary(document, brief)
    _earlier(document, brief.earlier, m)
    _commitments(
        document,
        _("Overdue ({total})"),
        brief.overdue,
        _(
            "Open commitments among those below whose due date, or the meeting they looked "
            "ahead to, has passed (as of {date})."
        ).format(date=full_date(brief.today)),
    )
    _commitments(
        document,
        _("Committed at this meeting and the earlier ones of its series ({total})")
        if m.series
        else _("Committed at this meeting ({total})"),
        brief.committed,
        _("Newest first; each with its due date, status and latest follow-up note."),
    )
    _commitments(
        document,
        _("Committed elsewhere in view of this meeting ({total})"),
        brief.looked_ahead,
        _("Commitments made at other meetings that were to be met before this one."),
    )
    _coming(document, brief)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write(brief: Brief, path: Path) -> None:
    path.write_bytes(brief_docx(brief))


def _meeting_summary(document: Document, brief: Brief) -> None:
    m = brief.meeting
    facts = document.add_paragraph()
    facts.add_run(xml_text(f"{m.when} · {m.where}")).bold = True
    facts.add_run(xml_text(f"\n{m.kind}" + (f" · {m.series}" if m.series else "")))
    facts.add_run(xml_text(f" · {m.status_name}"))
    note = document.add_paragraph()
    note.add_run(
        _(
            "Prepared on {date} from the cooptrack record of EU–Central Asia cooperation "
            "({why}). Dates known only to the month or year are given that way. Edit freely: "
            "this is an ordinary Word document."
        ).format(date=full_date(brief.today), why=_chosen(brief.chosen))
    ).italic = True
    if m.chairs:
        _labelled(document, _("Chairs"), "; ".join(m.chairs))
    if m.conventions:
        named = [f"{c} ({brief.convention_names.get(c, c)})" for c in m.conventions]
        _labelled(document, _("Conventions"), "; ".join(named))
    if m.summary:
        document.add_paragraph(xml_text(m.summary))
    paragraph = _labelled(document, _("Sources"), "")
    _sources(paragraph, m.sources)


def _chosen(why: str) -> str:
    return {
        "asked for": _("the meeting asked for"),
        "the next meeting": _("the next meeting in the record"),
        "the latest meeting": _("no meeting is ahead: the latest one in the record"),
    }.get(why, why)


def _labelled(document: Document, name: str, value: str) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{name}: ").bold = True
    if value:
        paragraph.add_run(xml_text(value))
    return paragraph


def _count_note(listed: Listed[Any], what: str) -> str:
    """` Showing 10 of 25 meetings.` when not all are listed (`what`: meetings, commitments)."""
    if listed.total <= len(listed.shown):
        return ""
    if what == "meetings":
        note = ngettext(
            "Showing {shown} of {total} meeting.",
            "Showing {shown} of {total} meetings.",
            listed.total,
        )
    else:
        note = ngettext(
            "Showing {shown} of {total} commitment.",
            "Showing {shown} of {total} commitments.",
            listed.total,
        )
    return " " + note.format(shown=number(len(listed.shown)), total=number(listed.total))


def _meeting_header() -> tuple[str, ...]:
    return (_("When"), _("Meeting"), _("Where"), _("Status"), _("Sources"))


def _earlier(document: Document, earlier: Listed[BriefMeeting], meeting: BriefMeeting) -> None:
    heading = _("Earlier meetings of the series ({total})").format(total=number(earlier.total))
    document.add_heading(heading, level=1)
    if not meeting.series:
        document.add_paragraph(_("This meeting is not part of a recorded series."))
        return
    if not earlier.shown:
        first = _("The first recorded meeting of {series}.").format(series=meeting.series)
        document.add_paragraph(xml_text(first))
        return
    newest = _("{series}, newest first.").format(series=meeting.series)
    document.add_paragraph(xml_text(newest + _count_note(earlier, "meetings")))
    rows = [(e.when, e.title, e.where, e.status_name, e.sources) for e in earlier.shown]
    _table(document, _meeting_header(), rows)


def _commitments(
    document: Document, title: str, listed: Listed[BriefCommitment], lead: str
) -> None:
    """A section of commitments; `title` holds `{total}`, the number of them in all."""
    document.add_heading(title.format(total=number(listed.total)), level=1)
    if not listed.shown:
        document.add_paragraph(_("None recorded."))
        return
    document.add_paragraph(lead + _count_note(listed, "commitments"))
    rows = []
    for c in listed.shown:
        at = f"{c.at.short_title or c.at.title} ({c.made_on})" if c.at else c.made_on
        status = (
            _("{status} — OVERDUE").format(status=c.status_name) if c.overdue else c.status_name
        )
        latest = c.latest
        if c.latest_evidence is not None:
            latest += " " + _("(evidence: {meeting})").format(meeting=c.latest_evidence.short_title)
        rows.append((c.text, c.made_by, at, c.due, status, latest or _("none"), c.sources))
    header = (
        _("Commitment"),
        _("Made by"),
        _("At"),
        _("Due"),
        _("Status"),
        _("Latest follow-up"),
        _("Sources"),
    )
    _table(document, header, rows)


def _coming(document: Document, brief: Brief) -> None:
    coming = brief.coming
    heading = _("Convention meetings ahead ({total})").format(total=number(coming.total))
    document.add_heading(heading, level=1)
    which = ", ".join(brief.coming_conventions)
    if not coming.shown:
        none_ahead = (
            _("No COP or meeting of the parties of {conventions} ahead.").format(conventions=which)
            if which
            else _("No COP or meeting of the parties of any convention ahead.")
        )
        document.add_paragraph(xml_text(none_ahead))
        return
    soonest = (
        _("COPs and meetings of the parties of {conventions}, soonest first.").format(
            conventions=which
        )
        if which
        else _("COPs and meetings of the parties of any convention, soonest first.")
    )
    document.add_paragraph(xml_text(soonest) + _count_note(coming, "meetings"))
    rows = [(c.when, c.title, c.where, c.status_name, c.sources) for c in coming.shown]
    _table(document, _meeting_header(), rows)


def _table(document: Document, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """A table whose last column holds sources (a list of addresses or texts)."""
    table = document.add_table(rows=1, cols=len(header))
    table.style = TABLE_STYLE
    for cell, name in zip(table.rows[0].cells, header, strict=True):
        cell.text = name
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells[:-1], values[:-1], strict=True):
            cell.text = xml_text(value)
        _sources(cells[-1].paragraphs[0], values[-1])


def _sources(paragraph: Paragraph, sources: Sequence[str]) -> None:
    """Each source a hyperlink named by its site (the address is the link), else its text."""
    shown = [s.strip() for s in sources if s.strip()]
    if not shown:
        paragraph.add_run(_("none recorded"))
    for index, source in enumerate(shown):
        if index:
            paragraph.add_run("; ")
        target = link_target(source)
        if target is None:
            paragraph.add_run(xml_text(source))
        else:
            _hyperlink(paragraph, target, urlsplit(target).netloc)


def _hyperlink(paragraph: Paragraph, url: str, text: str) -> None:
    from docx.opc.constants import RELATIONSHIP_TYPE  # noqa: PLC0415
    from docx.oxml import OxmlElement  # noqa: PLC0415
    from docx.oxml.ns import qn  # noqa: PLC0415

    relation = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), relation)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "1155CC")
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    properties.extend([style, color, underline])
    run.append(properties)
    body = OxmlElement("w:t")
    body.text = xml_text(text)
    run.append(body)
    link.append(run)
    paragraph._p.append(link)  # python-docx has no public API for hyperlinks
