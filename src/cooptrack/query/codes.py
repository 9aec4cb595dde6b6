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
