"""The press-release assistant, field by field, on releases written in different styles."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from conftest import SEED_DIR

from cooptrack.cli import main
from cooptrack.errors import InputError
from cooptrack.ingest.press import reader
from cooptrack.ingest.press.textdates import Spans, find_dates
from cooptrack.record.seed import load_seed

RELEASES = Path(__file__).parent / "fixtures" / "releases"
CA = ["KZ", "KG", "TJ", "TM", "UZ"]


@pytest.fixture(scope="module")
def context():
    return reader.context_from_seed(load_seed(SEED_DIR))


def read(name: str, context, published: date | None = None) -> reader.Draft:
    return reader.extract((RELEASES / name).read_text(encoding="utf-8"), context, published)


def meeting_fields(draft: reader.Draft) -> dict:
    m = draft.meeting
    assert m is not None
    return {
        "kind": m.kind,
        "ordinal": m.ordinal,
        "start": m.start,
        "end": m.end,
        "city": m.city,
        "host": m.host_country,
        "format": m.format,
        "status": m.status,
        "match": m.matched_id,
    }


EXPECTED_MEETINGS = [
    (
        "seed-2nd-coordination-committee.txt",
        date(2021, 6, 15),
        {
            "kind": "coordination-committee",
            "ordinal": 2,
            "start": "2021-06-15",
            "end": None,
            "city": None,  # held online: the dateline (NUR-SULTAN) is where it was written
            "host": None,
            "format": "online",
            "status": "held",
            "match": "wgecc-cc-2",
        },
    ),
    (
        "ninth-wgecc-brussels.txt",
        None,
        {
            "kind": "wgecc-meeting",
            "ordinal": 9,
            "start": "2020-02-12",
            "end": "2020-02-13",
            "city": "Brussels",
            "host": "BE",
            "format": None,
            "status": "held",
            "match": "wgecc-9",
        },
    ),
    (
        "eighth-wgecc-us-dates.txt",
        None,
        {
            "kind": "wgecc-meeting",
            "ordinal": 8,
            "start": "2018-06-07",
            "end": "2018-06-08",
            "city": "Tashkent",
            "host": "UZ",
            "format": None,
            "status": "held",
            "match": "wgecc-8",
        },
    ),
    (
        "water-workshop-online.txt",
        None,
        {
            "kind": "workshop",
            "ordinal": None,
            "start": "2022-10-18",
            "end": "2022-10-19",
            "city": None,
            "host": None,
            "format": "online",
            "status": "held",
            "match": None,
        },
    ),
    (
        "russian-hlc.txt",
        None,
        {
            "kind": "high-level-conference",
            "ordinal": 7,
            "start": "2023-02-23",
            "end": "2023-02-24",
            "city": "Rome",
            "host": "IT",
            "format": None,
            "status": "held",
            "match": "hlc-7",
        },
    ),
]


@pytest.mark.parametrize(
    ("name", "published", "expected"), EXPECTED_MEETINGS, ids=[e[0] for e in EXPECTED_MEETINGS]
)
def test_the_reported_meeting(context, name, published, expected):
    assert meeting_fields(read(name, context, published)) == expected


@pytest.mark.parametrize(
    ("name", "countries", "conventions"),
    [
        # "the Italian Ministry for the Environment … convened": Italy takes part
        ("seed-2nd-coordination-committee.txt", [*CA, "IT"], ["UNFCCC", "CBD"]),
        ("ninth-wgecc-brussels.txt", CA, []),
        ("water-workshop-online.txt", CA, ["UNECE-WATER", "AARHUS"]),
        ("russian-hlc.txt", CA, ["UNFCCC", "PARIS"]),
    ],
)
def test_countries_and_conventions(context, name, countries, conventions):
    draft = read(name, context)
    assert [c["code"] for c in draft.countries] == countries
    assert all(c["evidence"] for c in draft.countries)
    assert [c["code"] for c in draft.conventions] == conventions


def test_the_seed_release_mentions_matched_to_the_record(context):
    draft = read("seed-2nd-coordination-committee.txt", context, date(2021, 6, 15))
    mentioned = [
        (m.kind, m.ordinal, m.start, m.end, m.tentative, m.city, m.status, m.matched_id)
        for m in draft.mentioned
    ]
    assert mentioned == [
        ("wgecc-meeting", 10, "2021", None, False, "Almaty", "planned", "wgecc-10"),
        ("cop", 26, "2021-11", None, False, "Glasgow", "planned", "unfccc-cop26"),
        ("cop", 15, "2021-07", "2021-12", True, "Kunming", "planned", "cbd-cop15-1"),
        # named without a number, matched by its kind and year
        ("high-level-conference", None, "2009", None, False, "Rome", None, "hlc-3"),
    ]
    assert draft.meeting is not None
    assert draft.meeting.chairs == [
        "Andrzej Januszewski (European Commission's General Directorate for the Environment)",
        "Angiolo Martinelli (IMELS)",
    ]
    assert draft.meeting.chair_organisations == ["dg-env", "imels"]


def test_the_seed_release_commitments_with_firmness_and_what_they_look_ahead_to(context):
    draft = read("seed-2nd-coordination-committee.txt", context, date(2021, 6, 15))
    found = [(c.firmness, c.status, c.ahead_of, c.made_by) for c in draft.commitments]
    delegates = ["eu", "imels", *CA]
    assert found == [
        ("considered", "proposed", None, delegates),
        ("considered", "proposed", "unfccc-cop26", delegates),
        ("agreed", "agreed", None, delegates),
        ("agreed", "agreed", "cbd-cop15-1", delegates),
        ("reiterated", "agreed", None, ["eu"]),
        ("proposed", "proposed", None, ["imels"]),
        ("scheduled", "agreed", None, ["wgecc"]),
    ]
    assert draft.commitments[1].text.startswith("The discussion on common grounds ahead of")
    assert "Glasgow" not in draft.commitments[1].text
    text = reader.plain_text((RELEASES / "seed-2nd-coordination-committee.txt").read_text())
    assert all(c.evidence in text for c in draft.commitments[:6])


def test_several_verbs_in_one_sentence_give_several_commitments(context):
    draft = read("eighth-wgecc-us-dates.txt", context)
    assert [c.text for c in draft.commitments] == [
        "Develop joint project proposals on air quality for the Green Climate Fund",
        "Hold the next WGECC meeting in Brussels in 2019",
    ]
    assert draft.commitments[0].made_by == ["eu", "imels", *CA]


def test_a_commitment_ahead_of_a_known_meeting_is_linked(context):
    draft = read("ninth-wgecc-brussels.txt", context)
    assert [(c.firmness, c.ahead_of) for c in draft.commitments] == [
        ("agreed", "hlc-7"),
        ("reiterated", None),
    ]
    assert draft.published == "2020-02-14"


def test_russian_yields_dates_places_countries_conventions(context):
    draft = read("russian-hlc.txt", context)
    cop = draft.mentioned[0]
    assert (cop.kind, cop.series, cop.ordinal, cop.start, cop.city, cop.status) == (
        "cop",
        "UNFCCC COP",
        28,
        "2023-11",
        "Dubai",
        "planned",
    )
    assert draft.commitments[0].status == "agreed"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("held on 12-13 February 2020 in Brussels", [("2020-02-12", "2020-02-13", False)]),
        ("On October 18-19, the group met", [("2021-10-18", "2021-10-19", False)]),
        ("in November 2021 in Glasgow", [("2021-11", None, False)]),
        ("the second half of 2021 (tbc)", [("2021-07", "2021-12", True)]),
        ("Today, officials convened", [("2021-06-15", None, False)]),
        ("from 31 October – 12 November 2021", [("2021-10-31", "2021-11-12", False)]),
        ("February 12-13, 2020", [("2020-02-12", "2020-02-13", False)]),
        ("12 и 13 февраля 2020 года", [("2020-02-12", "2020-02-13", False)]),
        ("в ноябре 2021 года", [("2021-11", None, False)]),
        ("on 30 February 2021", []),
        ("the EU may support it", []),
    ],
)
def test_date_expressions(text, expected):
    found = [
        (f.start.iso(), f.end.iso() if f.end else None, f.tentative)
        for f in find_dates(text, date(2021, 6, 15))
    ]
    assert found == expected


def test_today_without_a_publication_date_is_left_unknown(context):
    draft = read("seed-2nd-coordination-committee.txt", context)
    assert draft.meeting is not None and draft.meeting.start is None
    assert any("--published" in note for note in draft.notes)


def test_html_is_read_as_its_text():
    text = reader.plain_text("<html><script>var x=1;</script><p>A &amp; B.</p><p>C.</p></html>")
    assert text == "A & B.\n\nC."  # one paragraph a line, a blank line between


def test_the_cli_prints_the_same_draft_as_json(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("COOPTRACK_DB", str(tmp_path / "absent.duckdb"))
    monkeypatch.setenv("COOPTRACK_SEED", str(SEED_DIR))
    path = RELEASES / "ninth-wgecc-brussels.txt"
    assert main(["extract", str(path), "--format", "json", "--source", "https://x.org/9"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["meeting"]["matched_id"] == "wgecc-9" and data["source"] == "https://x.org/9"
    assert main(["extract", str(path), "--published", "2020-02-30"]) == 2
    assert "February 2020 has 29 days" in capsys.readouterr().err


# --- hostile and large releases ---------------------------------------------------------------

N = 100_000
ADVERSARIAL = {
    "one long run of spaces": "The sides agreed to" + "\u2003" * N + "and",
    "a verb repeated": "agreed to " * (N // 10),
    "many COP numbers": " ".join(f"COP{i % 99 + 1}" for i in range(N // 6)),
    "many meetings": " ".join(f"{i % 99 + 1}th WGECC meeting" for i in range(N // 20)),
    "COP names without end": "The 1 Conference of the Parties to the " * (N // 39),
    "chaired by": "chaired by " * (N // 11),
    "dates": "12 February 2020 " * (N // 17),
    "digit pairs": "1 " * (N // 2),
    "countries": "Kazakhstan, " * (N // 12),
    "cities": "in Tashkent " * (N // 12),
    "titles": "Mr. " * (N // 4),
    "dots": ". " * (N // 2),
    "long word": "Казахстан" + "а" * N + "-",
    "sentences": "The EU agreed to hold the 2nd WGECC meeting in Tashkent. " * (N // 60),
    "html soup": "<div><p>Kazakhstan agreed to <b>act</b></p><script>x</script>" * (N // 60),
    "open brackets": "<p>" + "<" * N,
    "dateline and blank lines": "TASHKENT, 12 May 2020\n" + "\n" * N,
}


@pytest.mark.timeout(5)
@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_a_100000_character_release_of_any_shape_is_read_at_once(context, name):
    draft = reader.extract(ADVERSARIAL[name], context, date(2021, 6, 15))
    assert len(draft.commitments) <= reader.MAX_CANDIDATES
    for meeting in [draft.meeting, *draft.mentioned]:
        if meeting is not None:
            assert all(len(text) <= reader.MAX_SENTENCE for text in meeting.evidence.values())


def test_a_release_longer_than_a_release_is_refused(context):
    with pytest.raises(InputError, match="at most 200,000 are read"):
        reader.extract("word " * 50_000, context)
    with pytest.raises(InputError, match="at most 1,000,000 are read"):
        reader.extract("<p>" + " " * 1_000_000, context)


def test_candidates_beyond_the_limit_are_counted_in_a_note(context):
    text = "The EU agreed to plant one more tree in Tashkent. " * 150
    draft = reader.extract(text, context)
    assert len(draft.commitments) == reader.MAX_CANDIDATES
    assert "150 candidate commitments found; the first 100 are proposed" in draft.notes


def test_a_long_run_without_a_sentence_end_is_read_in_pieces_that_keep_their_place():
    text = ("word " * 600 + "end.\n") * 2
    parts = reader.sentences(text)
    assert all(len(p.text) <= reader.MAX_SENTENCE for p in parts)
    assert all(text[p.start : p.end] == p.text for p in parts)
    assert "".join(p.text for p in parts).replace(" ", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_white_space_of_any_kind_becomes_one_space():
    assert reader.plain_text("a\u2003\u2003b\t\tc\u00a0d\n\n\n\ne") == "a b c d\n\ne"


def test_overlapping_spans_are_found_against_their_neighbours():
    spans = Spans()
    assert spans.take(10, 20) and spans.take(30, 40) and spans.take(20, 30)
    assert not spans.take(15, 16) and not spans.take(5, 11) and not spans.take(39, 50)
    assert spans.take(0, 10) and spans.take(40, 41)
