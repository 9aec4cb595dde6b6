"""What the Edit page's lists offer: code → label for countries, organisations, meetings and
the other records a form can refer to, named in the interface's language (a record without a
Russian name keeps its English one: a list is for picking, so it carries no marker)."""

from __future__ import annotations

from cooptrack.db.store import Store
from cooptrack.i18n import current


def record_choices(store: Store, meeting_limit: int) -> dict[str, dict[str, str]]:
    """code → label for every list of records a form offers. Past `meeting_limit` meetings
    there is no meeting list (forms then ask for a meeting's identifier)."""
    lang = {"lang": current()}

    def pairs(sql: str) -> dict[str, str]:
        return {str(k): str(v) for k, v in store.rows(sql, lang)}

    countries = pairs(
        "SELECT code, name_in(name, name_ru, $lang) AS shown FROM countries "
        "ORDER BY NOT tracked, shown, code"
    )
    organisations = pairs(
        "SELECT id, name_in(name, name_ru, $lang) AS shown FROM organisations ORDER BY shown, id"
    )
    lists = {
        "countries": countries,
        "countries_or_none": {"": "—", **countries},
        "organisations": organisations,
        "actors": {**organisations, **countries},
        "conventions": pairs(
            "SELECT code, code || ' — ' || name_in(name, name_ru, $lang) FROM conventions "
            "ORDER BY code"
        ),
        "topics": pairs(
            "SELECT id, name_in(label, label_ru, $lang) AS shown FROM topics ORDER BY shown, id"
        ),
        "projects": pairs(
            "SELECT id, name_in(name, name_ru, $lang) AS shown FROM projects ORDER BY shown, id"
        ),
    }
    if store.rows("SELECT count(*) FROM meetings")[0][0] <= meeting_limit:
        meetings = pairs(
            "SELECT id, name_in(short_title, short_title_ru, $lang) || ' (' || id || ')' "
            "FROM meetings ORDER BY start_date, id"
        )
        lists["meetings_or_none"] = {"": "—", **meetings}
    return lists
