"""Profiles of one country or one convention, within the current filters."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from cooptrack.db.store import Store
from cooptrack.i18n import _, current, pgettext
from cooptrack.query.commitments import commitments_frame, count_commitments
from cooptrack.query.filters import Filters, where
from cooptrack.query.meetings import SHOWN_ROWS, count_meetings, meetings_frame

# The COP chart's newest sessions: every session of a real convention (UNFCCC's COP, CMP and
# CMA number ~60), each labelled; 600 took 141 ms to build and 136 KiB to send at a million.
COP_POINTS = 100


@dataclass(frozen=True)
class CountryProfile:
    code: str
    name: str
    filters: Filters
    parties: pd.DataFrame
    meetings: pd.DataFrame
    commitments: pd.DataFrame
    meetings_total: int = 0
    hosted_total: int = 0
    commitments_total: int = 0


@dataclass(frozen=True)
class ConventionProfile:
    code: str
    name: str
    filters: Filters
    url: str | None
    cops: pd.DataFrame  # the newest COP_POINTS
    cops_total: int
    parties: pd.DataFrame
    meetings: pd.DataFrame
    commitments: pd.DataFrame


def tracked_countries(store: Store) -> list[tuple[str, str]]:
    """(code, name) of the countries the record follows, then every other one it mentions,
    named and ordered in the interface's language."""
    rows = store.rows(
        """SELECT code, name_in(name, name_ru, $lang) AS shown FROM countries
           WHERE tracked OR code IN (SELECT DISTINCT unnest(match_countries) FROM meeting_facts)
           ORDER BY NOT tracked, shown, code""",
        {"lang": current()},
    )
    return [(str(code), str(name)) for code, name in rows]


def country_profile(store: Store, code: str, filters: Filters, today: date) -> CountryProfile:
    """Conventions it is party to, meetings it hosted or joined, commitments concerning it."""
    lang = current()
    found = store.rows(
        "SELECT name_in(name, name_ru, $lang) FROM countries WHERE code = $code",
        {"code": code, "lang": lang},
    )
    name = str(found[0][0]) if found else code
    parties = store.frame(
        """SELECT p.convention, name_in(c.name, c.name_ru, $lang) AS name, p.since_year,
               coalesce(CAST(p.since_year AS VARCHAR), '') AS since,
               p.confidence,
               array_to_string(p.sources, ' ') AS sources
           FROM convention_parties p JOIN conventions c ON c.code = p.convention
           WHERE p.country = $code ORDER BY p.convention""",
        {"code": code, "lang": lang},
    )
    scoped = replace(filters, countries=(code,))
    condition, params = where(scoped)
    hosted = store.rows(
        f"SELECT count(*) FILTER (WHERE host_country = $code), count(*) FROM meeting_facts "
        f"WHERE {condition}",
        {**params, "code": code},
    )[0]
    return CountryProfile(
        code,
        name,
        scoped,
        parties,
        meetings_frame(store, scoped, SHOWN_ROWS),
        commitments_frame(store, scoped, today),
        meetings_total=int(hosted[1]),
        hosted_total=int(hosted[0]),
        commitments_total=count_commitments(store, scoped, today).total,
    )


def convention_profile(
    store: Store, code: str, filters: Filters, today: date
) -> ConventionProfile | None:
    """Its COPs, which tracked countries are parties (and since when), related records."""
    lang = current()
    found = store.rows(
        "SELECT name_in(name, name_ru, $lang), url FROM conventions WHERE code = $code",
        {"code": code, "lang": lang},
    )
    if not found:
        return None
    scoped = replace(filters, conventions=(code,))
    parties = store.frame(
        """SELECT name_in(c.name, c.name_ru, $lang) AS country,
               p.convention IS NOT NULL AS party, p.since_year,
               CASE WHEN p.convention IS NULL THEN $no_status ELSE $party END AS status,
               CASE WHEN p.convention IS NULL THEN ''
                    ELSE coalesce(CAST(p.since_year AS VARCHAR), '') END AS since,
               p.confidence, array_to_string(p.sources, ' ') AS sources
           FROM countries c
           LEFT JOIN convention_parties p ON p.country = c.code AND p.convention = $code
           WHERE c.tracked ORDER BY country, c.code""",
        {
            "code": code,
            "lang": lang,
            "party": pgettext("convention party status", "party"),
            "no_status": _("no party status recorded"),
        },
    )
    return ConventionProfile(
        code=code,
        name=str(found[0][0]),
        filters=scoped,
        url=str(found[0][1]) if found[0][1] else None,
        cops=meetings_frame(store, scoped, COP_POINTS, cops=True),
        cops_total=count_meetings(store, scoped, cops=True),
        parties=parties,
        meetings=meetings_frame(store, scoped, SHOWN_ROWS, cops=False),
        commitments=commitments_frame(store, scoped, today),
    )
