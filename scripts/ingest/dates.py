"""Find full dates in text: `Tuesday, April 8, 2025`, `Jan. 5, 2025`, `8 April 2025`, `2025-04-08`.

A date without a year is never accepted: "June 3" in a headline is a plan,
not a publication date, and guessing the year is how archives rot.
"""

from __future__ import annotations

import re
from datetime import date

# Month names as datelines write them, English first, then the languages
# pasted pages most often come in (Russian in the genitive, as dates use it).
_MONTH_NAMES = (
    ("january", "jan", "januar", "janvier", "enero", "janeiro", "gennaio", "januari", "января", "janvier"),
    ("february", "feb", "februar", "février", "fevrier", "febrero", "fevereiro", "febbraio", "februari",
     "февраля"),
    ("march", "mar", "märz", "maerz", "mars", "marzo", "março", "marco", "maret", "maart", "марта"),
    ("april", "apr", "avril", "abril", "aprile", "апреля"),
    ("may", "mai", "mayo", "maio", "maggio", "mei", "мая"),
    ("june", "jun", "juni", "juin", "junio", "junho", "giugno", "июня"),
    ("july", "jul", "juli", "juillet", "julio", "julho", "luglio", "июля"),
    ("august", "aug", "août", "aout", "agosto", "agustus", "augustus", "августа"),
    ("september", "sept", "sep", "septembre", "septiembre", "setembro", "settembre", "сентября"),
    ("october", "oct", "oktober", "octobre", "octubre", "outubro", "ottobre", "октября"),
    ("november", "nov", "novembre", "noviembre", "novembro", "nopember", "ноября"),
    ("december", "dec", "dezember", "décembre", "decembre", "diciembre", "dezembro", "dicembre", "desember",
     "декабря"),
)
_MONTHS = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names}
_MONTH = r"(?P<month>" + "|".join(sorted(map(re.escape, _MONTHS), key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday),?\s+)?"
_ORDINAL = r"(?:st|nd|rd|th)?"
# A date ends the word, but a paste glues block elements together: the next
# element's capital ("18.11.2019Get short URL") or the time after a year
# ("Nov 19 20197:05 AM") may follow it directly, as may an ISO time ("2025-04-08T10:00").
_AFTER_A_DATE = r"(?=$|[\W_]|(?-i:[A-Z][a-z])|\d{1,2}:\d{2}(?!\d)|T\d{2}:)"
# A two-digit year below this is this century's, from it the last one's (POSIX's
# pivot for %y: fixed, so the same paste is dated the same whenever it is read).
TWO_DIGIT_PIVOT = 69
_FULL_DATE = re.compile(
    rf"(?<!\w){_WEEKDAY}(?:{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL},?\s+(?P<year>\d{{4}})"
    rf"|(?P<day2>\d{{1,2}})(?:\.|{_ORDINAL})?\s+(?:de\s+)?{_MONTH.replace('month', 'month2')},?\s+"
    rf"(?:de\s+)?(?P<year2>\d{{4}})"
    rf"|(?P<year3>\d{{4}})[-/.](?P<month3>\d{{2}})[-/.](?P<day3>\d{{2}})(?!\d)"
    rf"|(?<!\d)(?P<first4>\d{{1,2}})(?P<sep>[-/.])(?P<second4>\d{{1,2}})(?P=sep)(?P<year4>\d{{4}}|\d{{2}}(?![/.-]?\d))(?!\d))"
    rf"{_AFTER_A_DATE}",
    re.IGNORECASE,
)


def find_dates(text: str) -> list[date]:
    """Every valid full date in `text`, in order of appearance: `April 8, 2025`,
    `Nov. 18th 2019`, `8 April 2025`, `25. September 2018`, `22 de outubro de 2010`,
    `2019-04-10`, `11.14.2019`, `14/11/2019`, `11/13/19`, and as pastes glue
    them (`18.11.2019Get`, `NOV 19 20197:05 AM`). A date without a year, or in
    an order that could be read two ways (`11.04.2019`), is never taken."""
    found = []
    for match in _FULL_DATE.finditer(text):
        if match["year3"]:
            year, month, day = int(match["year3"]), int(match["month3"]), int(match["day3"])
        elif match["year4"]:
            first, second, year = int(match["first4"]), int(match["second4"]), int(match["year4"])
            if year < 100:  # 11/13/19: a two-digit year only with slashes, as American bylines write it
                if match["sep"] != "/":
                    continue
                year += 2000 if year < TWO_DIGIT_PIVOT else 1900
            if first != second and (first > 12) == (second > 12):
                continue  # 11.04.2019: April or November? never guessed (03.03.2019 is one day either way)
            day, month = (first, second) if first > 12 else (second, first)
        else:
            month = _MONTHS[(match["month"] or match["month2"]).lower()]
            day = int(match["day"] or match["day2"])
            year = int(match["year"] or match["year2"])
        try:
            found.append(date(year, month, day))
        except ValueError:
            continue  # "February 30, 2025" is a typo, not a date
    return found


def resolve_date(forced: date | None, caption: str, paragraphs: list[str]) -> date | None:
    """The post's date: `--date`, else the caption's date, else the latest in the body."""
    if forced:
        return forced
    in_caption = find_dates(caption)
    if in_caption:
        return in_caption[0]
    in_body = [found for paragraph in paragraphs for found in find_dates(paragraph)]
    return max(in_body) if in_body else None
