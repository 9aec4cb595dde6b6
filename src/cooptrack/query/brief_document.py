"""A brief as a Word file (python-docx) that officials can edit: headings, plain paragraphs and
tables in the default template's styles, every source a hyperlink named by its site.

Record text goes into runs as text: Word never reads it as a field, a formula or markup. The
few characters XML cannot hold at all (control characters an old file may carry) are dropped.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

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
    document.core_properties.title = xml_text(f"Briefing: {m.title}")[:255]
    document.core_properties.subject = "EU–Central Asia environment and climate cooperation"
    document.add_heading(xml_text(f"Briefing: {m.title}"), level=0)
    _meeting_summary(document, brief)
    _earlier(document, brief.earlier, m)
    _commitments(
        document,
        "Overdue",
        brief.overdue,
        "Open commitments among those below whose due date, or the meeting they looked "
        f"ahead to, has passed (as of {brief.today:%d %B %Y}).",
    )
    _commitments(
        document,
        "Committed at this meeting and the earlier ones of its series"
        if m.series
        else "Committed at this meeting",
        brief.committed,
        "Newest first; each with its due date, status and latest follow-up note.",
    )
    _commitments(
        document,
        "Committed elsewhere in view of this meeting",
        brief.looked_ahead,
        "Commitments made at other meetings that were to be met before this one.",
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
    facts.add_run(xml_text(f" · {m.status}"))
    note = document.add_paragraph()
    note.add_run(
        f"Prepared on {brief.today:%d %B %Y} from the cooptrack record of EU–Central Asia "
        f"cooperation ({_chosen(brief.chosen)}). Dates known only to the month or year are "
        "given that way. Edit freely: this is an ordinary Word document."
    ).italic = True
    if m.chairs:
        _labelled(document, "Chairs", "; ".join(m.chairs))
    if m.conventions:
        named = [f"{c} ({brief.convention_names.get(c, c)})" for c in m.conventions]
        _labelled(document, "Conventions", "; ".join(named))
    if m.summary:
        document.add_paragraph(xml_text(m.summary))
    paragraph = _labelled(document, "Sources", "")
    _sources(paragraph, m.sources)


def _chosen(why: str) -> str:
    return {
        "asked for": "the meeting asked for",
        "the next meeting": "the next meeting in the record",
        "the latest meeting": "no meeting is ahead: the latest one in the record",
    }.get(why, why)


def _labelled(document: Document, name: str, value: str) -> Paragraph:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{name}: ").bold = True
    if value:
        paragraph.add_run(xml_text(value))
    return paragraph


def _count_note(listed: Listed[Any], what: str) -> str:
    if listed.total > len(listed.shown):
        return f" Showing {len(listed.shown)} of {listed.total:,} {what}."
    return ""


def _earlier(document: Document, earlier: Listed[BriefMeeting], meeting: BriefMeeting) -> None:
    document.add_heading(f"Earlier meetings of the series ({earlier.total:,})", level=1)
    if not meeting.series:
        document.add_paragraph("This meeting is not part of a recorded series.")
        return
    if not earlier.shown:
        document.add_paragraph(xml_text(f"The first recorded meeting of {meeting.series}."))
        return
    document.add_paragraph(
        xml_text(f"{meeting.series}, newest first.{_count_note(earlier, 'meetings')}")
    )
    rows = [(e.when, e.title, e.where, e.status, e.sources) for e in earlier.shown]
    _table(document, ("When", "Meeting", "Where", "Status", "Sources"), rows)


def _commitments(
    document: Document, title: str, listed: Listed[BriefCommitment], lead: str
) -> None:
    document.add_heading(f"{title} ({listed.total:,})", level=1)
    if not listed.shown:
        document.add_paragraph("None recorded.")
        return
    document.add_paragraph(lead + _count_note(listed, "commitments"))
    rows = []
    for c in listed.shown:
        at = f"{c.at.short_title or c.at.title} ({c.made_on})" if c.at else c.made_on
        status = c.status + (" — OVERDUE" if c.overdue else "")
        latest = c.latest
        if c.latest_evidence is not None:
            latest += f" (evidence: {c.latest_evidence.short_title})"
        rows.append((c.text, c.made_by, at, c.due, status, latest or "none", c.sources))
    header = ("Commitment", "Made by", "At", "Due", "Status", "Latest follow-up", "Sources")
    _table(document, header, rows)


def _coming(document: Document, brief: Brief) -> None:
    coming = brief.coming
    document.add_heading(f"Convention meetings ahead ({coming.total:,})", level=1)
    which = ", ".join(brief.coming_conventions) or "any convention"
    if not coming.shown:
        document.add_paragraph(xml_text(f"No COP or meeting of the parties of {which} ahead."))
        return
    document.add_paragraph(
        xml_text(f"COPs and meetings of the parties of {which}, soonest first.")
        + _count_note(coming, "meetings")
    )
    rows = [(c.when, c.title, c.where, c.status, c.sources) for c in coming.shown]
    _table(document, ("When", "Meeting", "Where", "Status", "Sources"), rows)


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
        paragraph.add_run("none recorded")
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
