"""Every page survives every record, and record text is shown as written.

Each page is drawn headless over the bundled data and over a copy holding generated hostile
records (markdown and HTML payloads, 10,000-character texts, right-to-left, combining and
zero-width characters, empty optional fields, NULL in every nullable column), with each record
selected where a page has a picker. Every text Streamlit reads as markdown (bodies, captions,
headings, alerts, labels, st.table cells) is parsed the way the browser does: no image, no
HTML, no heading, list, quote or code from a record, no link except a source named by its own
address, no bare address or e-mail left for GitHub-style autolinking, no LaTeX; and every
payload a page shows comes out as the same characters. Chart text carries no tag plotly reads.
"""

from __future__ import annotations

import ast
import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest
from test_edit_pages import SECRETS as EDITOR_SECRETS
from test_edit_pages import sign_in
from test_pages import APP, PAGES, literal, page_path

from cooptrack.db import schema
from cooptrack.db.schema import Kind
from cooptrack.db.store import Store
from cooptrack.errors import InputError, StoreError
from cooptrack.record import edits
from cooptrack.ui.text import md, plain, source_markdown, web_address

TODAY = "2026-11-28"
HOSTILE_EDITOR = "**sweep** <img src=https://evil.example/e.png>"

# One payload a line: each must reach the reader as exactly these characters.
PAYLOADS = [
    "<img src=https://evil.example/p.png>",
    "<script>alert(1)</script>",
    "<meta http-equiv=refresh content=0;url=https://evil.example>",
    "<iframe src=https://evil.example/frame></iframe>",
    "<form action=https://evil.example/login><input type=password></form>",
    "[click](https://evil.example)",
    "![x](https://evil.example/x.png)",
    "[ref][1] [1]: https://evil.example/ref",
    "<https://evil.example/auto>",
    "**bold** __bold__ *em* ~~struck~~ `code`",
    "# heading",
    "- item",
    "1. item",
    "> quote",
    "$x$ and $$y$$",
    ":red[red] :material/home: :smile:",
    "www.evil.example and https://evil.example/bare",
    "&lt;b&gt; &#60;i&#62; &amp;",
    "| a | b |",
    "\\*escaped\\* C:\\path",
]
MARKUP = "\n".join(PAYLOADS)
# The payloads and each of their words that holds markup: each must be shown as written.
FRAGMENTS = sorted(
    {*PAYLOADS}
    | {w for p in PAYLOADS for w in p.split() if len(w) > 2 and set(w) & set("*_~`[]<>&$:|\\!")}
)
# Within the validator's limits: written through the edit path.
SHORT_MARKUP = (
    "# Markup <img src=https://evil.example/p.png> [click](https://evil.example) "
    "![x](https://evil.example/x.png) **bold** `code` $x$ :smile: www.evil.example "
    "&lt;b&gt; <script>alert(1)</script>"
)
SCRIPTS = "مؤتمر البيئة ועידה · Z\u0351\u0352a\u0353\u0354l\u0355g\u0356o · 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 · 🌍"
# Refused by the validator (format characters), so only an older file holds them.
INVISIBLE = "zero\u200bwidth\u200c\u200djoin\ufeff \u202eevil\u202c \u2066isolate\u2069 end"
LONG = ("Long [ipsum](https://evil.example) **dolor** <b>sit</b> amet " * 200)[:10_000]
PHISH = "https://wecoop.eu/)[Official_EU_record](https://phish.example/login"
HOSTILE_SOURCES = [
    PHISH,
    "javascript:alert(1)",
    "https://evil.example/x.png",
    "no public source",
    "https://user@evil.example/",
    "https://ok.example/a b",
    "",
]


def _meeting(tag: str, start: str, status: str, title: str, **more: str) -> dict[str, str]:
    return {
        "id": f"sweep-{tag}",
        "title": title,
        "short_title": more.pop("short_title", title[:60]),
        "kind": "wgecc-meeting",
        "start": start,
        "status": status,
        "confidence": "M",
        "tentative": "false",
        "sources": "https://evil.example/source",
        **more,
    }


def _phase(tag: str, title: str, **more: str) -> dict[str, str]:
    return {
        "id": f"sweep-{tag}-phase",
        "project": "wecoop",
        "title": title,
        "actual_start": "2024-01",
        "confidence": "M",
        "sources": "https://evil.example/source",
        **more,
    }


def _commitment(tag: str, text: str, **more: str) -> dict[str, str]:
    return {
        "id": f"sweep-{tag}-commitment",
        "text": text,
        "made_by": "eu;KZ",
        "meeting": f"sweep-{tag}",
        "status": "agreed",
        "confidence": "M",
        "sources": "https://evil.example/source",
        **more,
    }


# Each kind of hostile record: a meeting, a phase and a commitment with a follow-up note.
HOSTILE = {
    "markup": (
        _meeting(
            "markup",
            "2026-10-31",  # after every bundled meeting that the overview's test keeps
            "held",
            SHORT_MARKUP,
            short_title="- [click](https://evil.example) **short**",
            series="<iframe src=https://evil.example/frame></iframe> | a | b |",
            city="**Bold city** <img src=https://evil.example/c.png>",
            chairs="<b>Chair</b> ![x](https://evil.example/c.png);[Chair two](https://evil.example)",
            summary=MARKUP,
            host_country="KZ",
            countries="KZ",
        ),
        _phase("markup", "1. " + SHORT_MARKUP, summary=MARKUP, currency="$x$"),
        _commitment(
            "markup", MARKUP, ahead_of="sweep-markup", fulfilled_by="sweep-markup", due="2027"
        ),
        MARKUP,
    ),
    "long": (
        _meeting(
            "long",
            "2027-03",
            "planned",
            "Long meeting " + LONG,
            short_title=LONG,
            city=LONG,
            summary=LONG,
            chairs=LONG,
        ),
        _phase("long", "Long phase " + LONG, summary=LONG),
        _commitment("long", LONG),
        LONG,
    ),
    "scripts": (
        _meeting("scripts", "2027-05-02", "planned", "Scripts " + SCRIPTS, city=SCRIPTS),
        _phase("scripts", "Scripts phase " + SCRIPTS, summary=SCRIPTS),
        _commitment("scripts", SCRIPTS),
        SCRIPTS,
    ),
    "invisible": (
        _meeting("invisible", "2027-06-02", "planned", "Invisible " + INVISIBLE, city=INVISIBLE),
        _phase("invisible", "Invisible phase " + INVISIBLE, summary=INVISIBLE),
        _commitment("invisible", INVISIBLE),
        INVISIBLE,
    ),
    "empty": (
        _meeting("empty", "2027", "planned", "Empty meeting", sources="no public source"),
        _phase("empty", "Empty phase", sources="no public source"),
        _commitment("empty", "Empty commitment", made_by="eu", meeting="", made_on="2027"),
        "Empty note",
    ),
    "legacy": (
        _meeting("legacy", "2027-09", "planned", "Legacy meeting"),
        _phase("legacy", "Legacy phase"),
        _commitment("legacy", "Legacy commitment"),
        "Legacy note",
    ),
}


def build_hostile_db(bundled: Path, target: Path) -> dict[str, str]:
    """A copy of the bundled database with every HOSTILE record, written through the edit
    path; what the validator refuses is written with SQL afterwards, as an older file could
    hold it. Returns how each record was written."""
    target.write_bytes(bundled.read_bytes())
    how: dict[str, str] = {}
    with Store.open(target, read_only=False) as store:
        for tag, (meeting, phase, commitment, note) in HOSTILE.items():
            records: tuple[tuple[Kind, dict[str, str]], ...] = (
                ("meetings", meeting),
                ("phases", phase),
                ("commitments", commitment),
            )
            for kind, strings in records:
                how[strings["id"]] = _write(store, kind, strings)
            how[f"{tag} note"] = _note(store, commitment["id"], note)
        _legacy(store)
        _russian_versions(store)
        doomed = _meeting("doomed", "2027-06", "planned", "Deleted " + SHORT_MARKUP)
        how[doomed["id"]] = _write(store, "meetings", doomed)  # for the Restore panel
        with store.cursor() as cursor:
            record = edits.fetch(cursor, "meetings", doomed["id"])
        edits.delete(store, HOSTILE_EDITOR, "meetings", doomed["id"], expected=record)
        with store.transaction() as cursor:
            schema.rebuild_facts(cursor)
    return how


def _russian_versions(store: Store) -> None:
    """Every hostile record's Russian versions are as hostile as its English texts."""
    with store.transaction() as cursor:
        for table, key, pairs in (
            ("meetings", "id", ("title", "short_title", "summary")),
            ("phases", "id", ("title", "summary")),
            ("commitments", "id", ("text",)),
            ("followups", "commitment", ("note",)),
        ):
            assigned = ", ".join(f"{c}_ru = 'рус ' || {c}" for c in pairs)
            cursor.execute(f"UPDATE {table} SET {assigned} WHERE {key} LIKE 'sweep-%'")


_TEXT_FIELDS = {
    "meetings": ("title", "short_title", "series", "city", "chairs", "summary", "sources"),
    "phases": ("title", "currency", "summary", "sources"),
    "commitments": ("text", "sources"),
}
_LIST_FIELDS = {"chairs", "sources"}


def _write(store: Store, kind: Kind, strings: dict[str, str]) -> str:
    """Saved as an editor would; what the validator refuses goes in with SQL."""
    try:
        edits.save(store, HOSTILE_EDITOR, kind, strings, expected=None)
        return "saved"
    except InputError as refused:
        reason = str(refused)
    plain = {**strings, "sources": "https://example.org/placeholder"}
    for name in _TEXT_FIELDS[kind]:
        if name != "sources" and strings.get(name):
            plain[name] = f"placeholder {name} {strings['id']}"
    edits.save(store, HOSTILE_EDITOR, kind, plain, expected=None)
    with store.transaction() as cursor:
        for name in _TEXT_FIELDS[kind]:
            value: Any = strings.get(name, "")
            if name in _LIST_FIELDS:
                value = [part for part in value.split(";") if part] or (
                    ["no public source"] if name == "sources" else []
                )
            elif not value:
                continue
            cursor.execute(f"UPDATE {kind} SET {name} = ? WHERE id = ?", [value, strings["id"]])
    return f"sql ({reason})"


def _note(store: Store, commitment: str, note: str) -> str:
    strings = {
        "date": "2026-11-20",
        "note": note,
        "status_after": "in-progress",
        "sources": "https://evil.example/note",
    }
    try:
        edits.add_followup(
            store, HOSTILE_EDITOR, commitment, strings, expected=_fetch(store, commitment)
        )
        return "saved"
    except InputError as refused:
        with store.transaction() as cursor:
            cursor.execute(
                "INSERT INTO followups (commitment, seq, on_date, on_precision, note, "
                "evidence_meeting, status_after, sources) "
                "VALUES (?, 99, DATE '2026-11-20', 'day', ?, NULL, NULL, ?)",
                [commitment, note, ["https://evil.example/note"]],
            )
        return f"sql ({refused})"


def _fetch(store: Store, commitment: str) -> edits.Record | None:
    with store.cursor() as cursor:
        return edits.fetch(cursor, "commitments", commitment)


def _nullable(cursor: Any, table: str) -> list[str]:
    return [
        name
        for (name,) in cursor.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = ? AND is_nullable = 'YES'",
            [table],
        ).fetchall()
    ]


def _legacy(store: Store) -> None:
    """What only an older or hand-edited file holds: NULL in every nullable column, empty
    lists, e-mail addresses, sources that are not one address, a broken history line, and
    hostile names in the reference tables (a convention, an organisation, a topic, a project,
    a country)."""
    for table, ident in (
        ("meetings", "sweep-legacy"),
        ("phases", "sweep-legacy-phase"),
        ("commitments", "sweep-legacy-commitment"),
    ):
        with store.cursor() as cursor:
            nullable = _nullable(cursor, table)
        for column in nullable:  # one at a time: a CHECK may keep one of a pair
            with contextlib.suppress(StoreError), store.transaction() as cursor:
                cursor.execute(f"UPDATE {table} SET {column} = NULL WHERE id = ?", [ident])
    with store.transaction() as cursor:
        for table, ident in (
            ("meetings", "sweep-legacy"),
            ("phases", "sweep-legacy-phase"),
            ("commitments", "sweep-legacy-commitment"),
        ):
            cursor.execute(f"UPDATE {table} SET sources = ? WHERE id = ?", [HOSTILE_SOURCES, ident])
        cursor.execute(
            "UPDATE meetings SET title = ?, short_title = '', chairs = [], countries = [], "
            "host_country = 'AQ', chair_organisations = ['sweep-org'] WHERE id = 'sweep-legacy'",
            ["Write to someone@evil.example or +44 20 7946 0958 " + MARKUP],
        )
        cursor.execute(
            "UPDATE commitments SET text = ?, made_by_organisations = ['sweep-org'], "
            "conventions = ['SWEEP'], topics = ['sweep-topic'] "
            "WHERE id = 'sweep-legacy-commitment'",
            ["Mail someone@evil.example " + MARKUP],
        )
        cursor.execute(
            "UPDATE followups SET sources = ?, evidence_meeting = NULL, status_after = NULL "
            "WHERE commitment = 'sweep-legacy-commitment'",
            [HOSTILE_SOURCES],
        )
        cursor.execute(
            "INSERT INTO conventions (code, name, adopted_year, url, sources, name_ru) "
            "VALUES ('SWEEP', ?, NULL, ?, ?, ?)",
            [MARKUP, PHISH, HOSTILE_SOURCES, "**конвенция** " + MARKUP],
        )
        cursor.execute(
            "INSERT INTO convention_parties (convention, country, since_year, confidence, "
            "sources) VALUES ('SWEEP', 'KZ', NULL, 'L', ?)",
            [HOSTILE_SOURCES],
        )
        cursor.execute(
            "INSERT INTO organisations (id, name, short_name, kind, parent, country, sources, "
            "name_ru, short_name_ru) VALUES ('sweep-org', ?, ?, 'other', NULL, NULL, [], ?, ?)",
            [
                MARKUP,
                "![o](https://evil.example/o.png)",
                "# " + MARKUP,
                "[о](https://evil.example)",
            ],
        )
        cursor.execute(
            "INSERT INTO topics (id, label, label_ru) VALUES ('sweep-topic', ?, ?)",
            ["**topic** " + MARKUP, "**тема** " + MARKUP],
        )
        cursor.execute(
            "INSERT INTO projects (id, name, donor, summary, sources, name_ru) "
            "VALUES ('sweep-project', ?, NULL, NULL, [], ?)",
            ["<img src=https://evil.example/project.png> " + MARKUP, "<b>проект</b> " + MARKUP],
        )
        cursor.execute(
            "UPDATE phases SET project = 'sweep-project' WHERE id = 'sweep-legacy-phase'"
        )
        cursor.execute("UPDATE countries SET name = ? WHERE code = 'AQ'", ["# " + MARKUP])
        cursor.execute(
            "INSERT INTO history SELECT max(change_id) + 1, TIMESTAMP '2026-11-01 10:00', ?, "
            "'meetings', 'sweep-legacy', 'change', '{broken', 'null', ? FROM history",
            [HOSTILE_EDITOR, "sql <img src=https://evil.example/h.png>"],
        )


# --- what a page shows, checked the way the browser reads it ---------------------------------

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
WORD_JOINER = "\u2060"
_BLOCKS_NOT_FROM_RECORDS = {
    "heading_open",
    "bullet_list_open",
    "ordered_list_open",
    "blockquote_open",
    "table_open",
    "hr",
    "code_block",
    "fence",
    "html_block",
}
# Streamlit's own autolink pass over text (remark-gfm), its directives, emoji codes and LaTeX.
_AUTOLINK = re.compile(r"(?i)(?:https?://|www\.)[-.\w]+|[-.\w+]+@[-\w]+(?:\.[-\w]+)+")
_DIRECTIVE = re.compile(r":[a-z][\w-]*\[|:material/|:[\w+-]+:")
_UNESCAPED_DOLLAR = re.compile(r"(?<!\\)(?:\\\\)*\$")
_PLOTLY_TAG = re.compile(r"<(?!/?(?:b|br|i|extra)>)/?[a-zA-Z]")


def markdown_problems(body: str) -> list[str]:
    """What in `body` a browser would draw as something other than text."""
    problems = []
    if _UNESCAPED_DOLLAR.search(body):
        problems.append("LaTeX: an unescaped $")
    rendered: list[str] = []
    for token in PARSER.parse(body):
        if token.type in _BLOCKS_NOT_FROM_RECORDS:
            problems.append(f"block {token.type}")
        for child, link in _inline(token.children or []):
            if child.type in ("image", "html_inline", "code_inline"):
                problems.append(f"{child.type}: {child.content[:80]!r}")
            elif child.type == "link_open":
                problems.extend(_link_problems(child, link))
            elif child.type == "text":
                rendered.append(child.content)
                if link is None and (
                    _AUTOLINK.search(child.content) or _DIRECTIVE.search(child.content)
                ):
                    problems.append(f"autolink or directive in {child.content[:80]!r}")
            elif child.type in ("softbreak", "hardbreak"):
                rendered.append(" ")
    shown = literal(body)
    text = "".join(rendered).replace(WORD_JOINER, "")
    problems += [f"not literal: {p!r}" for p in FRAGMENTS if p in shown and p not in text]
    return problems


def _inline(children: list[Any]) -> Iterator[tuple[Any, str | None]]:
    """Each inline token with the label of the link it sits in (None outside links)."""
    label: str | None = None
    for index, child in enumerate(children):
        if child.type == "link_open":
            label = ""
            for inner in children[index + 1 :]:
                if inner.type == "link_close":
                    break
                label += inner.content
            yield child, label
            continue
        if child.type == "link_close":
            label = None
        yield child, label


# The one other link a page may draw in record text: a record's own page, by its encoded id.
_RECORD_PAGE = re.compile(r"(?:commitment|meeting)\?id=[A-Za-z0-9%._~-]+(?:&lang=(?:en|ru))?")


def _link_problems(token: Any, label: str | None) -> list[str]:
    href = str(token.attrs.get("href", ""))
    named = (label or "").replace(WORD_JOINER, "")
    if _RECORD_PAGE.fullmatch(href):
        return []
    if urlsplit(href).scheme not in ("http", "https") or unquote(href) != unquote(named):
        return [f"link {named[:60]!r} to {href[:60]!r}"]
    return []


def chart_problems(spec: str) -> list[str]:
    """Tags plotly would draw (a link, a styled span) in chart text that is not a template."""
    found: list[str] = []

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                walk(inner, name)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, key)
        elif (
            isinstance(value, str)
            and key not in ("hovertemplate", "texttemplate")
            and _PLOTLY_TAG.search(value)
        ):
            found.append(f"chart {key}: {value[:80]!r}")

    walk(json.loads(spec))
    return found


def page_problems(at: AppTest) -> list[str]:
    """Everything on the page that Streamlit or plotly would read as markup."""
    problems = [f"exception: {e.value}" for e in at.exception]
    problems += [f"error: {e.value[:200]}" for e in at.error]
    problems += [f"html element: {h.proto}" for h in at.get("html")]
    bodies = [
        *(m.value for m in at.markdown),
        *(c.value for c in at.caption),
        *(h.value for h in (*at.title, *at.header, *at.subheader)),
        *(a.value for a in (*at.info, *at.warning, *at.success)),
        *(e.label for e in at.expander),
        *(t.label for t in at.tabs),
        *(m.label for m in at.metric),
        *(str(m.value) for m in at.metric),
        *(cell for t in at.table for cell in _cells(t.value)),
        *(link.proto.label for link in at.get("page_link")),
    ]
    problems += [f"unsafe_allow_html: {m.value[:80]!r}" for m in at.markdown if m.proto.allow_html]
    for body in bodies:
        problems += [f"{p} (in {body[:60]!r})" for p in markdown_problems(body)]
    for chart in at.get("plotly_chart"):
        problems += chart_problems(chart.proto.spec)
    return problems


def _cells(frame: Any) -> Iterator[str]:
    yield from (str(c) for c in frame.columns)
    for column in frame.columns:
        yield from (v for v in frame[column].tolist() if isinstance(v, str))


def test_the_checker_sees_what_the_pages_must_not_do() -> None:
    """The sweep is only as good as its checker: each way markup shows must be caught."""
    assert markdown_problems("[the text](commitment?id=c-1%20x)") == []  # a record's page
    assert markdown_problems("[x](commitment?id=a&next=https://evil.example)")
    assert markdown_problems("[x](/commitment?id=a)")  # relative to the page only
    assert markdown_problems("[x](commitment?id=a&lang=ru)") == []  # in the reader's language
    assert markdown_problems("[x](commitment?id=a&lang=ru&next=https://evil.example)")
    caught = [
        "![x](https://evil.example/x.png)",
        "[Official](https://phish.example/login)",
        "<img src=https://evil.example/p.png>",
        "**bold**",
        "# heading",
        "- item",
        "`code`",
        "see https://evil.example/bare",
        "write to someone@evil.example",
        "$x$",
        ":red[red]",
        ":smile:",
    ]
    for body in caught:
        assert markdown_problems(body), body
    assert chart_problems(json.dumps({"data": [{"text": ["<a href='https://x.example'>x</a>"]}]}))
    for body in [*caught, MARKUP, LONG, SCRIPTS, INVISIBLE]:
        assert markdown_problems(md(body)) == [], body
    assert markdown_problems(source_markdown(HOSTILE_SOURCES)) == []
    assert markdown_problems(source_markdown(["https://ok.example/a_b?c=1&amp;d=(2)"])) == []


# --- the sweep --------------------------------------------------------------------------------

PICKERS = {
    "pages/timeline.py": "meeting_choice",
    "pages/countries.py": "f_country",  # the sidebar's Country filter picks the profile
    "pages/conventions.py": "choice_profile_convention",
}
EDIT_PICKERS = ("meetings", "phases", "commitments")
# A search from a link reaches every page's caption and empty states.
HOSTILE_SEARCH = "[click](https://evil.example) ![x](https://evil.example/x.png) **b** <img>"


@pytest.fixture(scope="module")
def hostile_db(bundled_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "hostile.duckdb"
    build_hostile_db(bundled_db, path)
    return path


def open_app(
    db: Path, monkeypatch: pytest.MonkeyPatch, page: str, editor: bool = False, **params: str
) -> AppTest:
    """`page` as a new visitor opens it, or as an editor signed in with a local account (an
    e-mail address from an identity provider is itself autolinked in the sidebar)."""
    monkeypatch.setenv("COOPTRACK_DB", str(db))
    monkeypatch.setenv("COOPTRACK_TODAY", TODAY)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets = EDITOR_SECRETS if editor else {"cooptrack": {}}
    for key, value in params.items():
        at.query_params[key] = value
    if editor:
        sign_in(at, "alice", "a long test password")
    else:
        at.run()
    if page != "pages/overview.py":
        at.switch_page(page_path(page)).run()
    return at


def checked(at: AppTest, where: str) -> AppTest:
    problems = page_problems(at)
    assert not problems, f"{where}: {problems[:6]}"
    return at


def options(db: Path, sql: str) -> list[str]:
    with Store.open(db) as store:
        return [str(v) for (v,) in store.rows(sql)]


def sweep_pickers(at: AppTest, key: str, values: list[str], where: str) -> int:
    for value in values:
        if key == "f_country":  # a multiselect: one country at a time
            at.multiselect(key=key).set_value([value]).run()
            assert at.multiselect(key=key).value == [value], (where, value)
        else:
            at.selectbox(key=key).set_value(value).run()
            assert at.selectbox(key=key).value == value, (where, value)
        checked(at, f"{where} {key}={value}")
    return len(values)


def picker_values(db: Path, page: str, hostile_only: bool) -> list[str]:
    if page == "pages/timeline.py":
        sql = "SELECT id FROM meetings"
    elif page == "pages/conventions.py":
        sql = "SELECT code FROM conventions"
    else:
        with Store.open(db) as store:
            from cooptrack.query.profiles import tracked_countries

            return [code for code, _ in tracked_countries(store)]
    values = options(db, sql + " ORDER BY 1")
    if hostile_only:
        values = [v for v in values if v.startswith(("sweep-", "SWEEP"))] or values
    return values


@pytest.mark.parametrize("which", ["bundled", "hostile"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_with_every_record(
    which: str, page: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = request.getfixturevalue(f"{which}_db")
    at = checked(open_app(db, monkeypatch, page), f"{which} {page}")
    assert PAGES[page] in [t.value for t in at.title]
    if page in PICKERS:
        values = picker_values(db, page, hostile_only=False)
        assert sweep_pickers(at, PICKERS[page], values, f"{which} {page}") == len(values) > 0
    searched = open_app(db, monkeypatch, page, q=HOSTILE_SEARCH)
    checked(searched, f"{which} {page} ?q=")
    assert HOSTILE_SEARCH in literal(" ".join(c.value for c in searched.caption))


# The pages of one record, opened for every record (bundled: a few of each; hostile: all of
# the sweep's own records, whose every text is hostile).
RECORD_PAGES = {
    "pages/commitment.py": ("commitments", "id"),
    "pages/meeting.py": ("meetings", "id"),
    "pages/brief.py": ("meetings", "meeting"),
}
RECORD_PAGE_TITLES = {
    "pages/commitment.py": "Commitment",
    "pages/meeting.py": "Meeting",
    "pages/brief.py": "Briefing",
    "pages/glossary.py": "Glossary",
}


def sweep_ids(db: Path, kind: str, which: str) -> list[str]:
    ids = record_ids(db, kind)
    swept = [i for i in ids if i.startswith("sweep-")]
    return swept if which == "hostile" else ids[:: max(1, len(ids) // 3)][:3]


@pytest.mark.parametrize("which", ["bundled", "hostile"])
@pytest.mark.parametrize("page", [*RECORD_PAGES, "pages/glossary.py"])
def test_the_pages_of_one_record_with_every_record(
    which: str, page: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commitment's, a meeting's and a brief's page over each record, and the glossary
    (which shows the hostile convention, organisation and topic names)."""
    db = request.getfixturevalue(f"{which}_db")
    if page not in RECORD_PAGES:
        at = checked(open_app(db, monkeypatch, page), f"{which} {page}")
        assert RECORD_PAGE_TITLES[page] in [t.value for t in at.title]
        if which == "hostile":
            assert MARKUP.split("\n")[0] in literal(" ".join(_cells_of(at)))
        return
    kind, key = RECORD_PAGES[page]
    ids = sweep_ids(db, kind, which)
    assert ids
    for ident in ids:
        params = {key: ident}
        at = checked(open_app(db, monkeypatch, page, False, **params), f"{which} {page} {ident}")
        assert RECORD_PAGE_TITLES[page] in [t.value for t in at.title]
        assert not at.warning or page == "pages/commitment.py"  # found (overdue warns)


def _cells_of(at: AppTest) -> list[str]:
    return [cell for t in at.table for cell in _cells(t.value)]


def test_a_hostile_commitment_reads_as_written_on_its_page(
    hostile_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = open_app(hostile_db, monkeypatch, "pages/commitment.py", id="sweep-markup-commitment")
    assert MARKUP in [t.value for t in at.text]  # the text, and the note, line by line
    labels = [literal(link.proto.label) for link in at.get("page_link")]
    # made at, fulfilled by: literal, cut to a label's length
    assert any(SHORT_MARKUP[:100] in text for text in labels)
    meeting = open_app(hostile_db, monkeypatch, "pages/meeting.py", id="sweep-markup")
    assert next(literal(h.value) for h in meeting.subheader) == SHORT_MARKUP
    links = [c for t in meeting.table for c in _cells(t.value) if "](commitment?id=" in c]
    assert links and all(markdown_problems(c) == [] for c in links)


def record_ids(db: Path, kind: str) -> list[str]:
    return options(db, f"SELECT id FROM {kind} ORDER BY id")


@pytest.mark.parametrize("which", ["bundled", "hostile"])
def test_editors_pages_with_every_record(
    which: str, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Editors also see each meeting's history on the Timeline, and the Edit page's forms,
    history and restore panels with every record picked."""
    db = request.getfixturevalue(f"{which}_db")
    at = checked(open_app(db, monkeypatch, "pages/timeline.py", editor=True), which)
    meetings = record_ids(db, "meetings")
    sweep_pickers(at, "meeting_choice", meetings, f"{which} editor timeline")
    assert any(e.label.startswith("History (") for e in at.expander)

    at = checked(open_app(db, monkeypatch, "pages/edit.py", editor=True), f"{which} edit")
    assert "Edit the record" in [t.value for t in at.title]
    picks = {kind: record_ids(db, kind) for kind in EDIT_PICKERS}
    for index in range(max(len(ids) for ids in picks.values())):
        chosen = {kind: ids[index % len(ids)] for kind, ids in picks.items()}
        for kind, ident in chosen.items():
            at.selectbox(key=f"pick::{kind}").set_value(ident)
        at.run()
        checked(at, f"{which} edit {chosen}")
        for kind, ident in chosen.items():
            assert at.selectbox(key=f"pick::{kind}").value == ident
        assert "Save" in [b.label for b in at.button]


def test_hostile_records_are_shown_as_written(
    hostile_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Beyond 'no markup': the reader gets the record's own characters."""
    at = open_app(hostile_db, monkeypatch, "pages/timeline.py", editor=True, meeting="sweep-markup")
    assert next(literal(h.value) for h in at.subheader) == SHORT_MARKUP
    assert MARKUP in [t.value for t in at.text]  # the summary, line by line
    details = literal(" ".join(m.value for m in at.markdown))
    assert "**Bold city** <img src=https://evil.example/c.png>" in details
    assert "<b>Chair</b> ![x](https://evil.example/c.png); [Chair two](https://evil.example)" in (
        details
    )
    made_here = " ".join(literal(c) for t in at.table for c in _cells(t.value))
    assert PAYLOADS[0] in made_here and PAYLOADS[-1] in made_here

    legacy = open_app(
        hostile_db, monkeypatch, "pages/timeline.py", editor=True, meeting="sweep-legacy"
    )
    sources = next(m.value for m in legacy.markdown if m.value.startswith("**Sources**"))
    assert all(source.strip() in literal(sources) for source in HOSTILE_SOURCES)
    tokens = PARSER.parseInline(sources)[0].children or []
    links = [t.attrs["href"] for t in tokens if t.type == "link_open"]
    assert links == ["https://evil.example/x.png"]  # the one source that is one address
    assert "The fields of this change cannot be read." in [c.value for c in legacy.caption]

    empty = open_app(hostile_db, monkeypatch, "pages/timeline.py", meeting="sweep-empty")
    assert "**Sources** (confidence M): no public source" in [m.value for m in empty.markdown]
    assert not [e.label for e in empty.expander if e.label.startswith("History")]  # a viewer

    overview = open_app(hostile_db, monkeypatch, "pages/overview.py", to="2026-11-01")
    checked(overview, "overview without upcoming meetings")
    assert SHORT_MARKUP in literal(" ".join(i.value for i in overview.info))

    edit = open_app(hostile_db, monkeypatch, "pages/edit.py", editor=True)
    edit.selectbox(key="pick::meetings").set_value("sweep-markup").run()
    titles = [t.value for t in edit.text_input if str(t.key).endswith("_title")]
    assert SHORT_MARKUP in titles
    restore = " ".join(literal(m.value) for m in edit.markdown)
    assert "sweep-doomed" in restore and HOSTILE_EDITOR in restore


def test_no_page_lets_html_through() -> None:
    """`unsafe_allow_html`, st.html and components render HTML as written: none is used (an
    exception would need a constant string and an entry here)."""
    allowed: dict[str, int] = {}
    found: dict[str, int] = {}
    files = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")), *(ROOT / "src").rglob("*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            unsafe = any(
                k.arg == "unsafe_allow_html"
                and not (isinstance(k.value, ast.Constant) and k.value.value is False)
                for k in node.keywords
            )
            name = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if unsafe or name in ("html", "iframe") or "components" in ast.unparse(node.func):
                where = str(path.relative_to(ROOT))
                found[where] = found.get(where, 0) + 1
    assert found == allowed


# --- the helpers themselves ---------------------------------------------------------------------

_PIECES = st.sampled_from([*PAYLOADS, *FRAGMENTS, "\n", "  ", "\u2060", "\\", ":", "@", "www."])
_TEXTS = st.one_of(st.text(), st.lists(st.one_of(_PIECES, st.text(max_size=8))).map("".join))


@pytest.mark.fuzz
@given(_TEXTS)
def test_any_text_escaped_reads_as_itself(text: str) -> None:
    escaped = md(text)
    assert "\n" not in escaped
    assert markdown_problems(escaped) == []
    assert literal(escaped) == plain(text).replace(WORD_JOINER, "")


@pytest.mark.fuzz
@given(st.lists(st.one_of(_PIECES, st.text(max_size=12), st.just(PHISH)), max_size=4))
def test_any_source_is_a_link_named_by_itself_or_text(sources: list[str]) -> None:
    shown = source_markdown(sources)
    assert markdown_problems(shown) == []
    links = [t for t in PARSER.parseInline(shown)[0].children or [] if t.type == "link_open"]
    assert len(links) == sum(web_address(s.strip()) is not None for s in sources)


@pytest.mark.parametrize(
    ("source", "linked"),
    [
        ("https://wecoop.eu/?p=2969", True),
        ("http://example.org:8080/a;b,c=d&e=f#top", True),
        ("https://ru.wikipedia.org/wiki/Казахстан", True),
        (PHISH, False),
        ("no public source", False),
        ("javascript:alert(1)", False),
        ("https:evil.example", False),
        ("https://user@evil.example/", False),
        ("https://evil.example/a b", False),
        ("https://[::1]/", False),
        ("https://a.example/100%", False),
        ("https://evil.example/<script>", False),
        ("ftp://files.example/x", False),
        ("https://localhost:99999999/", False),
    ],
)
def test_a_source_is_a_link_only_when_it_is_one_address(source: str, linked: bool) -> None:
    assert (web_address(source) is not None) is linked
    shown = source_markdown([source])
    if linked:
        assert shown.startswith("[") and shown.endswith(">)")
    else:
        assert literal(shown) == source
    assert markdown_problems(shown) == []


@pytest.mark.parametrize(
    ("page", "params"),
    [
        ("pages/overview.py", {}),
        ("pages/timeline.py", {}),
        ("pages/projects.py", {}),
        ("pages/commitments.py", {}),
        ("pages/glossary.py", {}),
        ("pages/meeting.py", {"id": "sweep-markup"}),
        ("pages/commitment.py", {"id": "sweep-markup-commitment"}),
    ],
)
def test_hostile_russian_versions_are_shown_as_written(
    hostile_db: Path, monkeypatch: pytest.MonkeyPatch, page: str, params: dict[str, str]
) -> None:
    """In Russian the pages show the Russian versions and names: as literal as the English."""
    at = checked(open_app(hostile_db, monkeypatch, page, False, lang="ru", **params), f"ru {page}")
    assert at.query_params.get("lang") in ("ru", ["ru"])
