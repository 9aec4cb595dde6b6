"""The record's codes (meeting kinds and statuses) in the interface's words.

The codes are stored and exported as they are (`wgecc-meeting`, `in-progress`); charts,
briefs, calendars and the glossary show these names instead, in the current language (English
shows a status as its code). A code not listed here (one a frame already turned into a name)
is shown as it is. The context of each message keeps apart words alike in English: a "planned"
meeting is «запланирована», a phase's "Planned" period «плановые сроки».
"""

from __future__ import annotations

from cooptrack.i18n import pgettext


def kind_name(code: str) -> str:
    """`wgecc-meeting` → "WGECC meeting" / «Заседание WGECC»."""
    names = {
        "high-level-conference": pgettext("meeting kind", "High-level conference"),
        "wgecc-meeting": pgettext("meeting kind", "WGECC meeting"),
        "coordination-committee": pgettext("meeting kind", "Coordination committee"),
        "cop": pgettext("meeting kind", "COP / meeting of parties"),
        "ministerial": pgettext("meeting kind", "Ministerial"),
        "workshop": pgettext("meeting kind", "Workshop"),
        "other": pgettext("meeting kind", "Other"),
    }
    return names.get(code, code)


def meeting_status_name(code: str) -> str:
    """`held` → "held" / «состоялась»."""
    names = {
        "planned": pgettext("meeting status", "planned"),
        "held": pgettext("meeting status", "held"),
        "postponed": pgettext("meeting status", "postponed"),
        "cancelled": pgettext("meeting status", "cancelled"),
    }
    return names.get(code, code)


def commitment_status_name(code: str) -> str:
    """`in-progress` → "in-progress" / «выполняется»."""
    names = {
        "proposed": pgettext("commitment status", "proposed"),
        "agreed": pgettext("commitment status", "agreed"),
        "in-progress": pgettext("commitment status", "in-progress"),
        "fulfilled": pgettext("commitment status", "fulfilled"),
        "superseded": pgettext("commitment status", "superseded"),
        "dropped": pgettext("commitment status", "dropped"),
    }
    return names.get(code, code)


def convention_short_name(code: str) -> str:
    """A convention as readers call it where a code would be cryptic (a chart's lane):
    `UNECE-WATER` → "Water Convention" («Конвенция по водам»). The acronyms readers use stay
    as they are in English (UNFCCC, CBD, UNCCD); an unknown code is shown as it is."""
    names = {
        "UNFCCC": pgettext("convention", "UNFCCC"),
        "CBD": pgettext("convention", "CBD"),
        "UNCCD": pgettext("convention", "UNCCD"),
        "CITES": pgettext("convention", "CITES"),
        "CMS": pgettext("convention", "CMS"),
        "PARIS": pgettext("convention", "Paris Agreement"),
        "KYOTO": pgettext("convention", "Kyoto Protocol"),
        "AARHUS": pgettext("convention", "Aarhus Convention"),
        "ESPOO": pgettext("convention", "Espoo Convention"),
        "UNECE-WATER": pgettext("convention", "Water Convention"),
        "UNECE-AIR": pgettext("convention", "Air Convention"),
        "UNECE-TEIA": pgettext("convention", "Industrial Accidents Convention"),
        "RAMSAR": pgettext("convention", "Ramsar Convention"),
        "BASEL": pgettext("convention", "Basel Convention"),
        "VIENNA": pgettext("convention", "Vienna Convention"),
        "MONTREAL": pgettext("convention", "Montreal Protocol"),
    }
    return names.get(code, code)
