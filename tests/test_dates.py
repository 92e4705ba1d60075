"""Finding the publication date."""

from datetime import date

import pytest
from ingest.dates import find_dates, resolve_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in Seoul, South Korea, Tuesday, April 8, 2025. (AP)", [date(2025, 4, 8)]),
        ("in Tehran, Iran, April 17, 2024. Name/WANA via REUTERS", [date(2024, 4, 17)]),
        ("talks on Jan. 5, 2025 and Sept. 30, 2024", [date(2025, 1, 5), date(2024, 9, 30)]),
        ("Kishinev, 3 November 2024.", [date(2024, 11, 3)]),
        ("an election June 3 to choose", []),  # no year: never guessed
        ("February 30, 2025 is a typo", []),
        ("the 20-year pact signed in 2025", []),
        ("Published: Monday, November 18th, 2019 at 11:08 a.m.", [date(2019, 11, 18)]),
        ("publiziert am 25. September 2018", [date(2018, 9, 25)]),
        ("sexta-feira, 22 de outubro de 2010", [date(2010, 10, 22)]),
        ("24 сентября 2018", [date(2018, 9, 24)]),
        ("By Federica Lusiardi - 2019-04-10", [date(2019, 4, 10)]),
        ("11.04.2019 could be April or November", []),  # read two ways: never taken
        ("11.14.2019 09:00 AM", [date(2019, 11, 14)]),  # only one way to read it
        ("14/11/2019", [date(2019, 11, 14)]),
    ],
)
def test_find_dates(text, expected):
    assert find_dates(text) == expected


def test_forced_date_wins_over_caption_and_body():
    assert resolve_date(date(2020, 1, 1), "April 8, 2025", ["May 1, 2025"]) == date(2020, 1, 1)


def test_caption_date_wins_over_body():
    assert resolve_date(None, "Seoul, April 8, 2025.", ["On May 1, 2025 ..."]) == date(2025, 4, 8)


def test_latest_body_date_when_caption_has_none():
    body = ["Talks began on March 1, 2025.", "They ended on March 9, 2025, and on Feb. 2, 2025."]
    assert resolve_date(None, "", body) == date(2025, 3, 9)


def test_no_date_anywhere_is_none():
    assert resolve_date(None, "A caption.", ["A June 3 vote."]) is None


@pytest.mark.parametrize("text, found", [
    ("BY KASHMIRA GANDER ON 11/13/19 AT 4:00 PM EST", [date(2019, 11, 13)]),  # an American byline's short year
    ("Posted 11/13/19, 4:00 PM", [date(2019, 11, 13)]), ("(11/13/19)", [date(2019, 11, 13)]),
    ("Updated 11/13/19.", [date(2019, 11, 13)]),
    ("11/13/98", [date(1998, 11, 13)]),  # not 2098: POSIX's pivot, 69
    ("21:17 18.11.2019Get short URL", [date(2019, 11, 18)]),  # the next element glued on
    ("PUBLISHED TUE, NOV 19 20197:05 AM EST", [date(2019, 11, 19)]),  # the time glued on
    ("2025-04-08T10:00:00Z", [date(2025, 4, 8)]),
    ("1/2/19", []),  # January 2 or February 1: never guessed
    ("3/3/19", [date(2019, 3, 3)]),  # one day whichever way it is read
    ("11.13.19", []),  # a short year only with slashes
    ("in 2019s", []), ("Nov 19 2019th", []), ("November 19, 20190", []),
])
def test_dates_as_pastes_glue_them(text, found):
    assert find_dates(text) == found
