from datetime import date

import pytest

from cooptrack.dates import PartialDate, human_text, span_label


@pytest.mark.parametrize(
    ("text", "start", "precision", "end", "iso", "label"),
    [
        ("2020-02-12", date(2020, 2, 12), "day", date(2020, 2, 12), "2020-02-12", "12 Feb 2020"),
        ("2009-11", date(2009, 11, 1), "month", date(2009, 11, 30), "2009-11", "Nov 2009"),
        ("2021", date(2021, 1, 1), "year", date(2021, 12, 31), "2021", "2021"),
        ("2024-02", date(2024, 2, 1), "month", date(2024, 2, 29), "2024-02", "Feb 2024"),
        (" 2019-10 ", date(2019, 10, 1), "month", date(2019, 10, 31), "2019-10", "Oct 2019"),
    ],
)
def test_partial_dates_keep_their_precision(
    text: str, start: date, precision: str, end: date, iso: str, label: str
) -> None:
    parsed = PartialDate.parse(text)
    assert (parsed.start, parsed.precision, parsed.end) == (start, precision, end)
    assert (parsed.iso(), human_text(parsed.start, parsed.precision)) == (iso, label)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2021-02-30", "February 2021 has 28 days"),
        ("2023-02-29", "February 2023 has 28 days"),
        ("2021-13", "no month 13"),
        ("2021-00-10", "no month 0"),
        ("12/02/2020", "not a date"),
        ("", "not a date"),
        ("2021-1-5", "not a date"),
        ("２０２１", "not a date"),  # full-width digits: int() reads them, a date must not
        ("\u0662\u0660\u0662\u0661-\u0660\u0663", "not a date"),  # Arabic-Indic digits
        ("2021-\u0968\u0968", "not a date"),  # Devanagari
        ("2021\n2022", "not a date"),
        ("0000", "there is no year 0"),
        ("2021-02-30" + " " * 10_000, "February 2021 has 28 days"),
    ],
)
def test_dates_that_do_not_exist_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        PartialDate.parse(text)


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ((date(2020, 2, 12), "day", date(2020, 2, 13), "day"), "12–13 Feb 2020"),
        ((date(2021, 10, 31), "day", date(2021, 11, 13), "day"), "31 Oct – 13 Nov 2021"),
        ((date(2022, 12, 30), "day", date(2023, 1, 2), "day"), "30 Dec 2022 – 2 Jan 2023"),
        ((date(2009, 11, 1), "month", None, None), "Nov 2009"),
        ((date(2019, 10, 1), "month", date(2023, 4, 14), "day"), "Oct 2019 – 14 Apr 2023"),
        ((None, None, None, None), "unknown"),
    ],
)
def test_span_labels_never_show_more_than_is_known(
    args: tuple[date | None, str | None, date | None, str | None], expected: str
) -> None:
    assert span_label(*args) == expected


def test_tentative_dates_say_so() -> None:
    assert span_label(date(2021, 1, 1), "year", tentative=True) == "2021 (tbc)"


def test_a_long_text_is_named_in_a_short_message() -> None:
    with pytest.raises(ValueError, match="not a date") as refused:
        PartialDate.parse("2021" * 250_000)
    assert len(str(refused.value)) < 120
