"""The press-release assistant, field by field, on releases written in different styles."""

from __future__ import annotations

import json
import subprocess
import sys
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


# --- the reported meeting assembled from the headline and the lead ----------------------------


def meeting_of(text: str, context, published: date | None = None) -> reader.MeetingDraft:
    draft = reader.extract(text, context, published)
    assert draft.meeting is not None, text
    return draft.meeting


@pytest.mark.parametrize(
    ("text", "kind", "ordinal"),
    [
        (
            "Delegates met for the 8th meeting of the EU-CA Working Group on Environment and "
            "Climate Change (WGECC) in Tashkent.",
            "wgecc-meeting",
            8,
        ),
        (
            "A delegation took part in the 2nd International High-Level Conference on water in "
            "Dushanbe.",
            "high-level-conference",
            2,
        ),
        (
            "Green Central Asia held the 3rd Meeting of the Regional Working Group on adaptation.",
            "other",
            3,
        ),
        ("CAREC will hold the Fourth Central Asian Leadership Programme in Almaty.", "workshop", 4),
        (
            "Ministers gathered in Samarkand for the 13th EU-Central Asia Ministerial Meeting.",
            "ministerial",
            13,
        ),
        (
            "The 15th EU-Central Asia Foreign Ministers' Meeting was held in Bishkek.",
            "ministerial",
            15,
        ),
        ("It was the third seminar in a series on water diplomacy held in Almaty.", "workshop", 3),
        (
            "В Ташкенте прошла 6-ая Конференция высокого уровня ЕС – Центральная Азия.",
            "high-level-conference",
            6,
        ),
        (
            "Делегация приняла участие в 16-ОЙ встрече министров иностранных дел стран Центральной "
            "Азии и ЕС, которая прошла онлайн.",
            "ministerial",
            16,
        ),
        (
            "1 декабря в Ташкенте прошло Второе заседание региональной рабочей группы по ледникам.",
            "other",
            2,
        ),
        (
            "Делегация участвовала в первом заседании Координационного комитета РГОСИК.",
            "coordination-committee",
            1,
        ),
        (
            "4 октября в Брюсселе состоялась 12-ая по счёту встреча представителей Евросоюза с "
            "министрами иностранных дел стран Центральной Азии.",
            "ministerial",
            12,
        ),
        (
            "В Милане прошла 5-я встреча высокого уровня ЕС-ЦА по окружающей среде.",
            "high-level-conference",
            5,
        ),
        (
            "16 ноября прошла рабочая встреча заместителей министров иностранных дел двух стран.",
            "other",
            None,
        ),
    ],
)
def test_meetings_are_named_flexibly_in_english_and_russian(context, text, kind, ordinal):
    meeting = meeting_of(text, context, date(2020, 11, 18))
    assert (meeting.kind, meeting.ordinal) == (kind, ordinal)
    assert meeting.evidence["kind"] == text


def test_a_head_noun_used_as_a_modifier_is_no_meeting(context):
    text = (
        "Today UNDP convened the fifth coordination meeting of the Climate Group of "
        "Development Partners at the Carbon Training Centre in Ashgabat."
    )
    assert meeting_of(text, context, date(2023, 3, 16)).kind == "other"


def test_the_event_reported_wins_over_the_cop_that_hosts_it(context):
    text = (
        "COP28: science and climate\n\nDubai – UAE\n\nOn December 6, 2023 the EU Pavilion at "
        "COP28 hosted a side event on glaciers. Speakers came from international organisations."
    )
    draft = reader.extract(text, context, date(2023, 12, 7))
    assert draft.meeting is not None
    assert (draft.meeting.kind, draft.meeting.start, draft.meeting.city) == (
        "workshop",
        "2023-12-06",
        "Dubai",
    )
    assert draft.countries == []  # nobody is named as taking part
    assert [(m.kind, m.ordinal) for m in draft.mentioned] == [("cop", 28)]


def test_the_headline_names_the_meeting_and_the_lead_gives_its_facts(context):
    text = (
        "Home | News | Events | Contact\n\n"
        "The 6th Central Asian Leadership Programme\n\n"
        "14-22 September 2015 CAREC once more opened its doors to young people. Participants "
        "from 5 countries of Central Asia and Afghanistan took part.\n"
    )
    draft = reader.extract(text, context, date(2015, 9, 25))
    assert draft.meeting is not None
    m = draft.meeting
    assert (m.kind, m.ordinal, m.start, m.end) == ("workshop", 6, "2015-09-14", "2015-09-22")
    assert sorted(c["code"] for c in draft.countries) == sorted([*CA, "AF"])


def test_facts_in_the_sentence_after_the_one_naming_the_meeting(context):
    text = (
        "8th meeting of the EU-CA WGECC to be held\n\n"
        "Representatives of all five Central Asian countries will come together for the 8th "
        "meeting of the EU-CA Working Group on Environment and Climate Change (WGECC). "
        "Delegates will convene on 7-8 June 2018 at a hotel in Tashkent, Uzbekistan, under "
        "the chairmanship of Massimo Cozzone (Italian Ministry of Environment, Land and Sea)."
    )
    m = meeting_of(text, context, date(2018, 5, 25))
    assert (m.start, m.end, m.city, m.host_country, m.status) == (
        "2018-06-07",
        "2018-06-08",
        "Tashkent",
        "UZ",
        "planned",
    )
    assert m.chairs == ["Massimo Cozzone (Italian Ministry of Environment, Land and Sea)"]
    assert m.matched_id == "wgecc-8"


def test_a_statement_date_is_not_the_meetings_date(context):
    text = (
        "ASHGABAT. The latest meeting of the Interstate Commission on Sustainable Development "
        "took place in Ashgabat, the government said on May 27. The session, held on 24-25 "
        "May, was organised by the State Committee for Environmental Protection."
    )
    m = meeting_of(text, context, date(2016, 5, 30))
    assert (m.kind, m.start, m.end, m.city) == ("other", "2016-05-24", "2016-05-25", "Ashgabat")


def test_a_date_belongs_to_the_meeting_named_nearest_before_it(context):
    text = (
        "The 9th meeting of the EU-Central Asia WGECC\n\n1050 Brussels, Belgium\n\n"
        "12-13 February 2020\n\n"
        "The 9th meeting of the WGECC is the first since the 6th EU-CA High Level Conference, "
        "held in Uzbekistan in January 2019.\n"
    )
    m = meeting_of(text, context, date(2020, 2, 5))
    assert (m.start, m.end, m.city) == ("2020-02-12", "2020-02-13", "Brussels")


@pytest.mark.parametrize(
    ("text", "published", "start"),
    [
        (
            "Chaired by the High Representative, Tuesday's EU-Central Asia ministerial meeting "
            "discussed trade.",
            date(2020, 11, 19),
            "2020-11-17",
        ),
        (
            "The informal meeting of foreign ministers took place in Luxembourg on Monday, "
            "October 23, after a Council session.",
            date(2023, 10, 24),
            "2023-10-23",
        ),
        (
            "Во вторник прошла встреча министров иностранных дел стран Центральной Азии и ЕС.",
            date(2020, 11, 19),
            "2020-11-17",
        ),
        (
            "Сегодня в туркменской столице открылась 7-я Центральноазиатская конференция по "
            "вопросам изменения климата.",
            date(2025, 5, 13),
            "2025-05-13",
        ),
        (
            "On Friday, 10 October 2014 UNECE opened four days of training on water accounting in "
            "Ashgabat.",
            date(2014, 10, 14),
            "2014-10-10",
        ),
    ],
)
def test_weekdays_and_today_are_read_against_the_publication_date(context, text, published, start):
    m = meeting_of(text, context, published)
    assert (m.start, m.end) == (start, None)


def test_an_online_meetings_dateline_is_not_its_venue_but_a_held_ones_date_is_its_date(context):
    online = "Nur-Sultan, Kazakhstan – Experts met online for the 10th meeting of the WGECC."
    assert meeting_of(online, context, date(2021, 10, 6)).city is None
    held = (
        "Ashgabat, 16 November 2021: The UNDP held online the inception workshop of a project. "
        "Representatives of ministries took part."
    )
    m = meeting_of(held, context)
    assert (m.start, m.city, m.format) == ("2021-11-16", None, "online")


@pytest.mark.parametrize(
    ("text", "city"),
    [
        (
            "Milan hosted the Fifth EU-Central Asia High Level Conference on 12-13 October 2015.",
            "Milan",
        ),
        ("Delegations came to Rome for the 7th EU-Central Asia High-Level Conference.", "Rome"),
        (
            "Brussels (Belgium) welcomed the 5th meeting of the WGECC on 15 December 2016.",
            "Brussels",
        ),
        (
            "The 15th EU-Central Asia Foreign Ministers' Meeting, held in the Kyrgyz capital of "
            "Bishkek, closed with a communiqué.",
            "Bishkek",
        ),
        (
            "27 марта 2025 года в г. Ашхабаде прошла 20-я встреча министров иностранных дел.",
            "Ashgabat",
        ),
        (
            "Конференция высокого уровня, прошедшая 20-21 августа с.г. в г.Душанбе, стала "
            "событием.",
            "Dushanbe",
        ),
        (
            "Сегодня в туркменской столице открылась 7-я Центральноазиатская конференция.",
            "Ashgabat",
        ),
        (
            "Home | News | About\n\nTASHKENT – The 6th EU-Central Asia High-Level Conference "
            "opened today.",
            "Tashkent",
        ),
        (
            "Menu | Politics | World\n\nBISHKEK, February 6 (TCA) — Bishkek will be the venue of "
            "the 4th EU-Central Asia High Level Conference on February 13 and 14.",
            "Bishkek",
        ),
    ],
)
def test_places_as_releases_name_them(context, text, city):
    assert meeting_of(text, context, date(2019, 1, 24)).city == city


def test_chairs_named_first_when_chaired_is_the_verb(context):
    text = (
        "Two seminars on water diplomacy took place in Almaty on 3 and 4 March 2016. Jane Roe, "
        "head of the regional office, chaired both seminars."
    )
    m = meeting_of(text, context, date(2016, 3, 5))
    assert (m.kind, m.start, m.end, m.chairs) == (
        "workshop",
        "2016-03-03",
        "2016-03-04",
        ["Jane Roe"],
    )


@pytest.mark.parametrize(
    ("text", "chairs"),
    [
        (
            "It was co-chaired by Mr Akhmetzhan Primkulov (Ministry of Ecology, Geology and "
            "Natural Resources), Luca Perez (European Commission) and Mr Angiolo Martinelli "
            "(IMET).",
            ["Akhmetzhan Primkulov", "Luca Perez", "Angiolo Martinelli"],
        ),
        (
            "Chaired by EU High Representative Josep Borrell, Tuesday's meeting also brought "
            "together the foreign ministers and Jutta Urpilainen.",
            ["Josep Borrell"],
        ),
        (
            "The conference will be co-chaired by Italy, by the EEAS and by the Kyrgyz "
            "Government. At the table, it will be co-chaired by Joomart Otorbaev, First Deputy "
            "Prime Minister of Kyrgyzstan, Marta Dassu, Vice Minister of Foreign Affairs of Italy, "
            "and Ambassador Patricia Flor, EU Special Representative for Central Asia.",
            ["Joomart Otorbaev", "Marta Dassu", "Patricia Flor"],
        ),
        (
            "Совещание проходило под председательством г-на Массимо Коццоне из Италии — страны, "
            "которая координирует процесс.",
            ["Массимо Коццоне"],
        ),
        (
            "Заседание прошло под председательством Вице-министра экологии, геологии и природных "
            "ресурсов Республики Казахстан Нысанбаева Е.Н. в режиме видеоконференции.",
            ["Нысанбаев Е.Н."],
        ),
        ("The delegation was led by Mr Virginijus Sinkevičius, the Commissioner.", []),
    ],
)
def test_chairs_without_titles_and_in_the_nominative(context, text, chairs):
    lead = "The 9th meeting of the WGECC took place in Brussels on 12-13 February 2020. "
    m = meeting_of(lead + text, context)
    assert [reader_chair.split(" (")[0] for reader_chair in m.chairs] == chairs


@pytest.mark.parametrize(
    ("text", "countries"),
    [
        (
            "Turkmen representatives took part in the regional workshop held in Astana "
            "(Kazakhstan), with experts from Germany, the Netherlands and Finland.",
            ["TM", "DE", "NL", "FI"],
        ),
        (
            "UNDP and the British Embassy in Turkmenistan held the coordination meeting of the "
            "Climate Group. The Ministry of Foreign Affairs of Turkmenistan took part.",
            ["GB", "TM"],
        ),
        (
            "The ministerial meeting discussed Russia's war against Ukraine and the situation "
            "in Afghanistan with the foreign ministers of Kazakhstan and Uzbekistan.",
            ["KZ", "UZ"],
        ),
        (
            "A European Union delegation took part in the water conference in Dushanbe, "
            "Tajikistan.",
            [],
        ),
        ("The side event was funded by the Government of Norway.", []),
        (
            "На встрече министров иностранных дел в Брюсселе глав МИД Казахстана, Кыргызстана "
            "и Узбекистана принимали комиссары ЕС.",
            ["KZ", "KG", "UZ"],
        ),
        (
            "В заседании участвовали Министерство окружающей среды Италии и Представительство ЕС "
            "в Казахстане.",
            ["IT"],
        ),
    ],
)
def test_countries_count_by_the_role_the_text_gives_them(context, text, countries):
    draft = reader.extract(text, context, date(2023, 1, 1))
    assert [c["code"] for c in draft.countries] == countries


def test_an_eu_central_asia_meeting_has_the_five_countries_as_parties(context):
    draft = reader.extract(
        "Milan hosted the Fifth EU-Central Asia High Level Conference on 12-13 October 2015.",
        context,
    )
    assert sorted(c["code"] for c in draft.countries) == sorted(CA)


def test_an_earlier_meeting_named_without_a_number_is_matched_by_its_year(context):
    text = (
        "The 6th EU-Central Asia High-Level Conference took place in Tashkent on 24-25 January "
        "2019. It reviewed progress since the last High-Level Conference in Milan in 2015."
    )
    draft = reader.extract(text, context, date(2019, 1, 28))
    assert draft.meeting is not None and draft.meeting.matched_id == "hlc-6"
    assert [(m.kind, m.ordinal, m.start, m.city, m.matched_id) for m in draft.mentioned] == [
        ("high-level-conference", None, "2015", "Milan", "hlc-5")
    ]


def test_a_page_is_read_without_its_menus_and_with_its_headline():
    page = (
        "<html><head><title>Site</title></head><body><nav><a href='/'>Home</a> | "
        "<a href='/news'>News</a></nav><h1>Ministers meet in Samarkand</h1><article><p>On 10 "
        "November 2017 the foreign ministers gathered in Samarkand for the 13th EU-Central "
        "Asia Ministerial Meeting, the first of its kind in the city.</p><p>They adopted a "
        "joint communiqué on cooperation in the region.</p></article><footer>Terms | Privacy "
        "| Contact</footer></body></html>"
    )
    text = reader.plain_text(page)
    assert text.startswith("Ministers meet in Samarkand\n\nOn 10 November 2017")
    assert "Privacy" not in text and "Home" not in text


@pytest.mark.parametrize(
    "page", ["<p>" + "<" * 1000, "<div>" * 5000 + "Tashkent" + "</div>" * 5000, "<span>x"]
)
def test_a_page_trafilatura_cannot_read_is_read_by_the_plain_parser(page):
    assert (
        reader.plain_text(page)
        == page.replace("<div>", "")
        .replace("</div>", "")
        .replace("<span>", "")
        .replace("<p>", "")
        .strip()
    )


def test_the_reader_loads_its_heavy_libraries_only_when_a_release_needs_them():
    """trafilatura (about 0.25 s to import) for HTML, pymorphy3 for Russian words: neither
    for an English text release, so `cooptrack extract` starts fast."""
    probe = (
        "import sys; from cooptrack.ingest.press import gazetteer, reader; "
        "context = reader.Context(gazetteer.Organisations({})); "
        "draft = reader.extract('The 9th EU - Central Asia WGECC meeting took place in "
        "Brussels on 12-13 February 2020, the Communiqué says.', context); "
        "print(draft.meeting.ordinal, "
        "sorted({'trafilatura', 'pymorphy3', 'pandas'} & set(sys.modules)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "9 []"


def test_a_numbered_meeting_of_no_known_series_is_matched_only_in_its_year():
    record = [
        {
            "id": "forum-7-2019",
            "kind": "other",
            "series": None,
            "ordinal": 7,
            "start_date": date(2019, 5, 1),
        },
        {
            "id": "forum-7-2025",
            "kind": "other",
            "series": None,
            "ordinal": 7,
            "start_date": date(2025, 5, 13),
        },
    ]
    seventh = reader.MeetingDraft("other", "", 7, "7th other", start="2025-05-13")
    assert reader.match_existing(seventh, record) == "forum-7-2025"
    seventh.start = "2021-05-13"
    assert reader.match_existing(seventh, record) is None
    seventh.start = None
    assert reader.match_existing(seventh, record) is None
