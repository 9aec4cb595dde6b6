"""What the Edit page's lists offer: code → label for countries, organisations, meetings and
the other records a form can refer to."""

from __future__ import annotations

from cooptrack.db.store import Store


def record_choices(store: Store, meeting_limit: int) -> dict[str, dict[str, str]]:
    """code → label for every list of records a form offers. Past `meeting_limit` meetings
    there is no meeting list (forms then ask for a meeting's identifier)."""

    def pairs(sql: str) -> dict[str, str]:
        return {str(k): str(v) for k, v in store.rows(sql)}

    countries = pairs("SELECT code, name FROM countries ORDER BY NOT tracked, name")
    organisations = pairs("SELECT id, name FROM organisations ORDER BY name")
    lists = {
        "countries": countries,
        "countries_or_none": {"": "—", **countries},
        "organisations": organisations,
        "actors": {**organisations, **countries},
        "conventions": pairs("SELECT code, code || ' — ' || name FROM conventions ORDER BY code"),
        "topics": pairs("SELECT id, label FROM topics ORDER BY label"),
        "projects": pairs("SELECT id, name FROM projects ORDER BY name"),
    }
    if store.rows("SELECT count(*) FROM meetings")[0][0] <= meeting_limit:
        meetings = pairs(
            "SELECT id, short_title || ' (' || id || ')' FROM meetings ORDER BY start_date"
        )
        lists["meetings_or_none"] = {"": "—", **meetings}
    return lists
