"""IATI activity files: planned against the bundled record, applied all or nothing, and files
that are unsafe or not IATI refused with a clear message."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from cooptrack.cli import main
from cooptrack.db.store import Store
from cooptrack.errors import EditConflict, InputError
from cooptrack.ingest import iati
from cooptrack.query.filters import Filters
from cooptrack.query.phases import phases_frame
from cooptrack.record import edits
from cooptrack.record.validation import slug

FIXTURES = Path(__file__).parent / "fixtures" / "iati"
TWO_PHASES = "ca-environment-2.03.xml"
PHASE_1 = "xi-iati-ec-intpa-dci-asie-2020-417-611"
PHASE_2 = "xi-iati-ec-intpa-dci-asie-2023-446-120"
PROJECT = PHASE_1  # siblings only: the project is named after the earliest-starting activity
ZOI = "zoi-environment-network"
REGISTRY = "https://iatiregistry.org/dataset/bmz-central-asia"


@pytest.fixture
def writable(bundled_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "record.duckdb"
    path.write_bytes(bundled_db.read_bytes())
    return path


def content(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def planned(path: Path, name: str = TWO_PHASES, source: str | None = None) -> iati.IatiPlan:
    with Store.open(path) as store:
        return iati.plan(store, name, content(name), source=source)


def phase_strings(plan: iati.IatiPlan) -> dict[str, dict[str, str]]:
    return {strings["id"]: strings for strings, _ in plan.phases}


def counts(path: Path) -> dict[str, int]:
    with Store.open(path) as store:
        return {
            table: store.rows(f"SELECT count(*) FROM {table}")[0][0]
            for table in ("organisations", "projects", "phases", "history")
        }


def test_a_two_phase_programme_becomes_one_project_with_phases_numbered_by_date(
    writable: Path,
) -> None:
    before = counts(writable)
    plan = planned(writable)
    assert plan.problems == []
    assert plan.version == "2.03" and plan.activities == 2
    assert counts(writable) == before  # planning writes nothing
    assert plan.projects == [
        {
            "id": PROJECT,
            "name": "EU–Central Asia Environment and Resilience Programme",
            "donor": "eu",  # "European Union" matched by name
            "summary": plan.projects[0]["summary"],
            "sources": "https://www.example.org/ca-envres/phase-1;"
            "https://www.example.org/ca-envres/phase-1-final-report.pdf;"
            "https://www.example.org/ca-envres/phase-2",
        }
    ]
    assert [row["id"] for row in plan.organisations] == [ZOI]
    assert plan.organisations[0] | {"sources": ""} == {
        "id": ZOI,
        "name": "Zoï Environment Network",
        "short_name": "Zoï Environment Network",
        "kind": "other",
        "parent": "",
        "country": "",
        "sources": "",
    }
    assert "https://www.example.org/ca-envres/phase-1" in plan.organisations[0]["sources"]
    assert sorted(plan.adds) == [
        (PHASE_1, "EU–Central Asia Environment and Resilience Programme"),
        (PHASE_2, "EU–Central Asia Environment and Resilience Programme, phase 2"),  # en title
    ]
    assert plan.changes == [] and plan.unchanged == 0


def test_each_phase_carries_dates_organisations_markers_sectors_budgets_and_links(
    writable: Path,
) -> None:
    phases = phase_strings(planned(writable))
    first, second = phases[PHASE_1], phases[PHASE_2]
    assert (first["phase"], second["phase"]) == ("1", "2")  # by date, not by file order
    assert (first["project"], second["project"]) == (PROJECT, PROJECT)
    assert {
        k: first[k] for k in ("planned_start", "actual_start", "planned_end", "actual_end")
    } == {
        "planned_start": "2020-03-01",
        "actual_start": "2020-06-15",
        "planned_end": "2023-02-28",
        "actual_end": "2023-06-30",
    }
    assert second["actual_end"] == ""
    # CAREC found by name in phase 1 and by ref (its id) in phase 2; Zoï is new.
    assert first["implementers"] == second["implementers"] == f"carec;{ZOI}"
    # Significance 0 is ignored (UNCCD in phase 1, CBD in phase 2); 6 and 7 both mean UNFCCC.
    assert first["conventions"] == "CBD;UNFCCC"
    assert second["conventions"] == "UNCCD;UNFCCC"
    assert first["topics"] == "biodiversity;environmental-governance;water"
    assert second["topics"] == "air-quality;climate;renewable-energy"
    assert first["countries"] == second["countries"] == "KZ;KG;TJ;TM;UZ"
    # The revised 2021 budget replaces the original one of that period; phase 2 uses the
    # activity's default currency.
    assert (first["budget"], first["currency"]) == ("5500000.00", "EUR")
    assert (second["budget"], second["currency"]) == ("7500000.00", "EUR")
    assert first["sources"] == (
        "https://www.example.org/ca-envres/phase-1;"
        "https://www.example.org/ca-envres/phase-1-final-report.pdf"
    )
    assert first["summary"].startswith("The first phase") and first["summary"].endswith("…")
    assert len(first["summary"]) <= iati.SUMMARY_CHARS + 1
    assert second["summary"].startswith("Second phase")  # the English narrative, not the French
    assert first["confidence"] == second["confidence"] == "H"


def test_what_is_left_out_is_listed_as_notes(writable: Path) -> None:
    notes = "\n".join(planned(writable).notes)
    assert "recipient-region '619' ignored" in notes
    assert "sector 15110 maps to no topic" in notes
    assert "sector '410' of vocabulary 2 ignored" in notes


def test_applying_shows_the_phases_everywhere_and_a_second_import_changes_nothing(
    writable: Path, tmp_path: Path
) -> None:
    plan = planned(writable)
    with Store.open(writable, read_only=False) as store:
        assert iati.apply(store, "tester", plan) == 4  # 1 organisation, 1 project, 2 phases
        frame = phases_frame(store, Filters())
        history = edits.history(store)
    mine = frame[frame["project"] == PROJECT]
    assert list(mine["id"]) == [PHASE_1, PHASE_2]
    assert list(mine["phase"]) == [1, 2]
    assert set(mine["actual_start_precision"]) == {"day"}
    assert mine.iloc[0]["implementers"] == (
        "Regional Environmental Centre for Central Asia (CAREC); Zoï Environment Network"
    )
    assert mine.iloc[0]["actual"] == "15 Jun 2020 – 30 Jun 2023"
    ours = history[history["via"] == f"iati {TWO_PHASES}"]
    assert sorted(zip(ours["record_kind"], ours["record_id"], ours["action"], strict=True)) == [
        ("organisations", ZOI, "add"),
        ("phases", PHASE_1, "add"),
        ("phases", PHASE_2, "add"),
        ("projects", PROJECT, "add"),
    ]

    out = tmp_path / "phases.csv"
    assert main(["export", "phases", "--db", str(writable), "-o", str(out)]) == 0
    exported = {row["id"]: row for row in csv.DictReader(io.StringIO(out.read_text("utf-8")))}
    assert exported[PHASE_1]["project"] == "EU–Central Asia Environment and Resilience Programme"
    assert exported[PHASE_1]["planned_end"] == "2023-02-28"
    assert exported[PHASE_2]["conventions"] == "UNCCD; UNFCCC"

    before = counts(writable)
    again = planned(writable)
    assert again.problems == []
    assert (again.projects, again.organisations, again.adds, again.changes) == ([], [], [], [])
    assert again.unchanged == 2
    with Store.open(writable, read_only=False) as store:
        assert iati.apply(store, "tester", again) == 0
    assert counts(writable) == before


def test_a_changed_file_lists_field_before_and_after(writable: Path) -> None:
    first = planned(writable)
    with Store.open(writable, read_only=False) as store:
        iati.apply(store, "tester", first)
    text = content(TWO_PHASES).decode().replace(">7500000<", ">8000000<")
    with Store.open(writable) as store:
        plan = iati.plan(store, TWO_PHASES, text.encode())
    assert plan.changes == [(PHASE_2, [("budget", "7500000.00", "8000000.00")])]
    assert plan.adds == [] and plan.unchanged == 1
    with Store.open(writable, read_only=False) as store:
        assert iati.apply(store, "tester", plan) == 1
        budget = store.rows("SELECT budget FROM phases WHERE id = ?", [PHASE_2])
    assert str(budget[0][0]) == "8000000.00"


def test_a_2_01_file_imports_with_the_registry_address_as_its_source(writable: Path) -> None:
    plan = planned(writable, "water-2.01.xml", source=REGISTRY)
    assert plan.problems == [] and plan.version == "2.01"
    # The parent programme is not in the file: the project is still named after its identifier.
    assert [p["id"] for p in plan.projects] == ["de-1-201512345"]
    assert any("parent activity 'DE-1-201512345'" in note for note in plan.notes)
    assert {o["name"] for o in plan.organisations} == {
        "Federal Ministry for Economic Cooperation and Development",
        "Deutsche Gesellschaft für Internationale Zusammenarbeit (GIZ) GmbH",
    }
    phase = phase_strings(plan)["de-1-201512345-2"]
    assert phase["sources"] == REGISTRY
    assert (phase["planned_start"], phase["planned_end"], phase["actual_start"]) == (
        "2016-04-01",
        "2019-03-31",
        "",
    )
    assert (phase["conventions"], phase["topics"], phase["countries"]) == (
        "UNFCCC",
        "water",
        "TJ;UZ",
    )
    assert phase["budget"] == "4200000.50"
    with Store.open(writable, read_only=False) as store:
        assert iati.apply(store, "tester", plan) == 4
        project = store.rows("SELECT donor FROM projects WHERE id = 'de-1-201512345'")
    assert project == [("federal-ministry-for-economic-cooperation-and-development",)]


def test_a_record_without_any_source_address_is_a_problem(writable: Path) -> None:
    plan = planned(writable, "water-2.01.xml")
    assert [str(p) for p in plan.problems] == [
        f"activity 'DE-1-201512345-2', <document-link>: {iati.NO_SOURCE}"
    ]
    before = counts(writable)
    with Store.open(writable, read_only=False) as store, pytest.raises(InputError):
        iati.apply(store, "tester", plan)
    assert counts(writable) == before


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "malformed.xml",
            r"malformed.xml is not well-formed XML: mismatched tag at line 5, column",
        ),
        ("not-iati.xml", r"not an IATI activity file: its root element is <rss>"),
        ("billion-laughs.xml", r"declares a DTD or entities, which are refused for safety"),
        ("xxe.xml", r"declares a DTD or entities, which are refused for safety"),
    ],
)
def test_unsafe_or_foreign_files_are_refused_and_nothing_is_written(
    writable: Path, name: str, message: str
) -> None:
    before = counts(writable)
    with (
        Store.open(writable, read_only=False) as store,
        pytest.raises(InputError, match=message) as refused,
    ):
        iati.plan(store, name, content(name))
    assert "root:" not in str(refused.value)  # nothing of /etc/passwd was read
    assert counts(writable) == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", "is empty"),
        (b'<iati-activities version="2.03"></iati-activities>', "holds no <iati-activity>"),
        (b'<iati-activities version="1.05"><iati-activity/></iati-activities>', "version 1.05"),
        (b"<iati-activities><iati-activity/></iati-activities>", r"version \(not stated\)"),
        (b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.org/x.dtd"><x/>', "DTD"),
    ],
)
def test_files_that_cannot_be_read_as_iati_2_get_a_clear_message(
    writable: Path, text: bytes, message: str
) -> None:
    with Store.open(writable) as store, pytest.raises(InputError, match=message):
        iati.plan(store, "file.xml", text)


def test_a_bad_date_is_a_problem_naming_activity_and_element_and_blocks_apply(
    writable: Path,
) -> None:
    plan = planned(writable, "bad-date.xml")
    assert [str(p) for p in plan.problems] == [
        "activity 'XI-IATI-EC_INTPA-2021/420-001', <activity-date[@type='3']/@iso-date>: "
        "'2023-02-30' does not exist: February 2023 has 28 days"
    ]
    before = counts(writable)
    refusal = "1 problems; fix them first, nothing was written"
    with Store.open(writable, read_only=False) as store, pytest.raises(InputError, match=refusal):
        iati.apply(store, "tester", plan)
    assert counts(writable) == before


def test_the_caller_source_must_be_a_web_address(writable: Path) -> None:
    with pytest.raises(InputError, match="not an http"):
        planned(writable, "water-2.01.xml", source="file:///etc/passwd")


def test_identifiers_become_lowercase_ascii_slugs() -> None:
    assert slug("XI-IATI-EC_INTPA-DCI-ASIE/2020/417-611") == PHASE_1
    assert slug("Zoï Environment Network") == ZOI
    assert slug("  --DE-1//2 ") == "de-1-2"


def test_a_later_file_with_an_earlier_phase_renumbers_the_recorded_one(writable: Path) -> None:
    first = planned(writable, "water-2.01.xml", source=REGISTRY)
    with Store.open(writable, read_only=False) as store:
        iati.apply(store, "tester", first)
    earlier = (
        content("water-2.01.xml")
        .decode()
        .replace("DE-1-201512345-2", "DE-1-201512345-1")
        .replace("2016-04-01", "2013-01-01")
    )
    with Store.open(writable) as store:
        plan = iati.plan(store, "water-1.xml", earlier.encode(), source=REGISTRY)
    assert plan.problems == [] and plan.projects == [] and plan.organisations == []
    assert [ident for ident, _ in plan.adds] == ["de-1-201512345-1"]
    assert plan.changes == [("de-1-201512345-2", [("phase", 1, 2)])]
    with Store.open(writable, read_only=False) as store:
        assert iati.apply(store, "tester", plan) == 2
        numbers = store.rows(
            "SELECT id, phase FROM phases WHERE project = 'de-1-201512345' ORDER BY phase"
        )
    assert numbers == [("de-1-201512345-1", 1), ("de-1-201512345-2", 2)]


# --- hostile and large files ------------------------------------------------------------------


def activity_xml(number: int, *, title: str | None = None, links: int = 1, extra: str = "") -> str:
    """One activity; activities 2k and 2k+1 are siblings (one project of two phases)."""
    sibling = number + 1 if number % 2 == 0 else number - 1
    documents = "".join(
        f'<document-link url="https://example.org/a/{number}/{n}" format="text/html">'
        "<title><narrative>Page</narrative></title></document-link>"
        for n in range(links)
    )
    return (
        f'<iati-activity default-currency="EUR"><iati-identifier>XX-TEST-{number:06d}'
        f"</iati-identifier><title><narrative>{title or f'Activity {number}'}</narrative></title>"
        "<description><narrative>Cooperation on water and climate in Central Asia, "
        "including monitoring, training and joint planning.</narrative></description>"
        '<participating-org role="1" ref="XI-IATI-EC"><narrative>European Union</narrative>'
        f'</participating-org><participating-org role="4"><narrative>Implementer {number % 7}'
        f'</narrative></participating-org><activity-date type="1" iso-date="20{10 + number % 9}'
        '-01-01"/><recipient-country code="KZ"/><sector code="41030"/>'
        f'<policy-marker vocabulary="1" code="6" significance="1"/>{documents}'
        f'<related-activity ref="XX-TEST-{sibling:06d}" type="3"/>{extra}</iati-activity>'
    )


def activities_file(bodies: list[str], root: str = '<iati-activities version="2.03">') -> bytes:
    return f'<?xml version="1.0"?>{root}{"".join(bodies)}</iati-activities>'.encode()


def test_two_thousand_activities_plan_and_apply_in_bulk(writable: Path) -> None:
    content = activities_file([activity_xml(n) for n in range(2_000)])
    before = counts(writable)
    with Store.open(writable, read_only=False) as store:
        plan = iati.plan(store, "many.xml", content)
        assert plan.problems == [] and plan.activities == 2_000
        assert (len(plan.projects), len(plan.organisations), len(plan.adds)) == (1_000, 7, 2_000)
        assert iati.apply(store, "ed", plan) == 3_007
        assert store.rows("SELECT count(*) FROM phase_facts") == store.rows(
            "SELECT count(*) FROM phases"
        )
    after = counts(writable)
    assert after["phases"] - before["phases"] == 2_000
    assert after["history"] - before["history"] == 3_007


@pytest.mark.timeout(5)
def test_elements_nested_deeper_than_iati_are_refused(writable: Path) -> None:
    deep = "<x>" * 10_000 + "</x>" * 10_000
    content = activities_file([activity_xml(0, extra=deep)])
    with Store.open(writable) as store, pytest.raises(InputError, match="more than 64 levels"):
        iati.plan(store, "deep.xml", content)


def test_a_root_in_another_namespace_is_not_iati(writable: Path) -> None:
    root = '<iati-activities xmlns="http://example.org/not-iati" version="2.03">'
    content = activities_file([activity_xml(0)], root=root)
    with Store.open(writable) as store, pytest.raises(InputError, match="not an IATI activity"):
        iati.plan(store, "ns.xml", content)


@pytest.mark.timeout(5)
def test_a_five_megabyte_title_and_a_huge_attribute_are_handled_at_once(writable: Path) -> None:
    huge_date = '<activity-date type="3" iso-date="' + "9" * 1_000_000 + '"/>'
    content = activities_file(
        [activity_xml(0, title="Water " * 900_000), activity_xml(1, extra=huge_date)]
    )
    with Store.open(writable) as store:
        plan = iati.plan(store, "huge.xml", content)
    assert any("title cut to 300 characters (it has 5,399,999)" in note for note in plan.notes)
    assert [p.field for p in plan.problems] == ["activity-date[@type='3']/@iso-date"]
    assert "(1,000,000 characters) is not an ISO date" in plan.problems[0].reason
    assert max(len(str(p)) for p in plan.problems) < 300  # a huge value is never repeated


def test_a_document_link_that_is_not_one_address_is_left_out_with_a_note(writable: Path) -> None:
    smuggled = '<document-link url="https://wecoop.eu/)[Official](https://phish.example/login"/>'
    content = activities_file([activity_xml(0, extra=smuggled), activity_xml(1)])
    with Store.open(writable) as store:
        plan = iati.plan(store, "links.xml", content)
    assert plan.problems == []
    assert any("document-link left out" in n and "contains ')'" in n for n in plan.notes)
    assert all("phish" not in strings["sources"] for strings, _ in plan.phases)


def test_more_document_links_than_a_record_keeps_are_cut_with_a_note(writable: Path) -> None:
    content = activities_file([activity_xml(0, links=60), activity_xml(1)])
    with Store.open(writable) as store:
        plan = iati.plan(store, "links.xml", content, source=REGISTRY)
    sources = phase_strings(plan)["xx-test-000000"]["sources"].split(";")
    assert len(sources) == 50 and sources[-1] == REGISTRY
    assert any("keeps the first 49 of its 60 source addresses" in n for n in plan.notes)


def test_a_phase_changed_after_the_dry_run_stops_the_apply(writable: Path) -> None:
    with Store.open(writable, read_only=False) as store:
        iati.apply(store, "ed", iati.plan(store, TWO_PHASES, content(TWO_PHASES)))
    text = content(TWO_PHASES).decode().replace(">7500000<", ">8000000<")
    with Store.open(writable, read_only=False) as store:
        plan = iati.plan(store, TWO_PHASES, text.encode())
        with store.cursor() as cursor:
            stored = edits.fetch(cursor, "phases", PHASE_2)
        assert stored is not None
        edited = edits.to_strings("phases", stored) | {"title": "Renamed meanwhile"}
        edits.save(store, "other", "phases", edited, expected=stored)
        with pytest.raises(EditConflict, match="was changed by someone else"):
            iati.apply(store, "ed", plan)
        budget = store.rows("SELECT budget, title FROM phases WHERE id = ?", [PHASE_2])
    assert str(budget[0][0]) == "7500000.00" and budget[0][1] == "Renamed meanwhile"


def test_an_organisation_added_after_the_dry_run_stops_the_apply(writable: Path) -> None:
    with Store.open(writable, read_only=False) as store:
        plan = iati.plan(store, TWO_PHASES, content(TWO_PHASES))
        assert [row["id"] for row in plan.organisations] == [ZOI]
        with store.transaction() as cursor:
            cursor.execute(
                "INSERT INTO organisations (id, name, short_name, kind, parent, country, "
                "sources) VALUES (?, 'Zoï', 'Zoï', 'other', NULL, NULL, ['https://zoinet.org/'])",
                [ZOI],
            )
        with pytest.raises(InputError, match=f"organisation '{ZOI}' was added by someone else"):
            iati.apply(store, "ed", plan)
        assert store.rows("SELECT count(*) FROM phases WHERE id = ?", [PHASE_1]) == [(0,)]
