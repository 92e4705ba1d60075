"""A deterministic synthetic archive in the raw dump layout, for the benchmark.

`write_archive(folder, articles)` writes one dump per day over four years:
each article has a headline, a doubled caption with its date and credit,
interface noise, the repeated header, and nine paragraphs with one subhead.
About 300 distinct entities (countries, people, organisations) recur, so
tags, desks and archives have the shape of a real digest.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

COUNTRIES = [
    ("France", "French"), ("Germany", "German"), ("Japan", "Japanese"), ("India", "Indian"),
    ("Brazil", "Brazilian"), ("Kenya", "Kenyan"), ("Egypt", "Egyptian"), ("Mexico", "Mexican"),
    ("Turkey", "Turkish"), ("Indonesia", "Indonesian"), ("Nigeria", "Nigerian"), ("Canada", "Canadian"),
    ("Iran", "Iranian"), ("Russia", "Russian"), ("Israel", "Israeli"), ("South Korea", "South Korean"),
    ("China", "Chinese"), ("Ukraine", "Ukrainian"), ("Poland", "Polish"), ("Spain", "Spanish"),
    ("Italy", "Italian"), ("Argentina", "Argentine"), ("Chile", "Chilean"), ("Peru", "Peruvian"),
    ("Colombia", "Colombian"), ("Ethiopia", "Ethiopian"), ("Ghana", "Ghanaian"), ("Morocco", "Moroccan"),
    ("Saudi Arabia", "Saudi"), ("Jordan", "Jordanian"), ("Iraq", "Iraqi"), ("Syria", "Syrian"),
    ("Pakistan", "Pakistani"), ("Bangladesh", "Bangladeshi"), ("Vietnam", "Vietnamese"),
    ("Thailand", "Thai"), ("Philippines", "Filipino"), ("Australia", "Australian"),
    ("Sweden", "Swedish"), ("Norway", "Norwegian"), ("Greece", "Greek"), ("Romania", "Romanian"),
    ("Hungary", "Hungarian"), ("Portugal", "Portuguese"), ("Netherlands", "Dutch"),
    ("Belgium", "Belgian"), ("Austria", "Austrian"), ("Switzerland", "Swiss"), ("Qatar", "Qatari"),
    ("Lebanon", "Lebanese"), ("Tanzania", "Tanzanian"), ("Uganda", "Ugandan"), ("Senegal", "Senegalese"),
    ("Algeria", "Algerian"), ("Tunisia", "Tunisian"), ("Venezuela", "Venezuelan"), ("Cuba", "Cuban"),
    ("Malaysia", "Malaysian"), ("Nepal", "Nepali"), ("Kazakhstan", "Kazakh"),
]
ORGANISATIONS = [
    "United Nations", "NATO", "European Union", "World Health Organization", "International Monetary Fund",
    "World Bank", "World Trade Organization", "African Union", "Group of Seven", "OPEC",
    "International Atomic Energy Agency", "International Criminal Court", "Red Cross Committee",
    "Central Bank Authority", "National Statistics Office", "Maritime Safety Agency",
    "Energy Transition Council", "Harbour Workers Union", "Northern Rail Company", "Coastal Fisheries Association",
]
GIVEN = ["Amina", "Lucas", "Claire", "Jonas", "Haruto", "Priya", "Omar", "Sofia", "Emre", "Dewi",
         "Chinedu", "Ethan", "Leila", "Mateo", "Ingrid", "Tomasz", "Yuki", "Ravi", "Nadia", "Pablo",
         "Grace", "Kwame", "Elena", "Farid", "Hana", "Ivan", "Julia", "Kofi", "Lina", "Marco"]
FAMILY = ["Otieno", "Almeida", "Dubois", "Becker", "Sato", "Raman", "Haddad", "Herrera", "Yilmaz",
          "Lestari", "Okafor", "Tremblay", "Farouk", "Rossi", "Larsen", "Nowak", "Tanaka", "Mehta",
          "Karimi", "Ortega", "Mensah", "Petrova", "Aziz", "Kim", "Volkov", "Santos", "Boateng",
          "Nasser", "Moreau", "Ricci"]
TOPICS = ["grain exports", "border talks", "interest rates", "power grid", "water rights",
          "port strike", "vaccine supply", "fishing quotas", "rail tender", "fuel subsidies",
          "drought relief", "election law", "steel tariffs", "housing plan", "wildfire season"]
WORDS = ("official talks resume weeks measure budget support council region market minister "
         "agreement proposal deadline delegation partners coalition funding reform statement "
         "negotiators analysts observers report inflation growth shipping farmers workers").split()


def people(rng: random.Random, count: int = 220) -> list[str]:
    names = sorted({f"{g} {f}" for g in GIVEN for f in FAMILY})
    return rng.sample(names, count)


def sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def article(rng: random.Random, day: date, number: int, cast: list[str]) -> str:
    country, demonym = rng.choice(COUNTRIES)
    other, _ = rng.choice(COUNTRIES)
    person = rng.choice(cast)
    org = rng.choice(ORGANISATIONS)
    topic = rng.choice(TOPICS)
    surname = person.split()[-1]
    headline = f"{country} and {other} Reopen {topic.title()} Talks, Report {number}"
    caption = (f"Delegates meet to discuss {topic} in {country}, "
               f"{day.strftime('%A, %B')} {day.day}, {day.year}. (AP Photo/Staff)")
    paragraphs = [
        f"{person}, a senior {demonym} official, said talks on {topic} with {other} would resume "
        f"with support from the {org}. {sentence(rng, 12)}",
        f"{surname} said the {org} had sent observers. {sentence(rng, 18)} {sentence(rng, 10)}",
        f"{sentence(rng, 20)} {sentence(rng, 14)} Officials in {other} agreed.",
        f"{sentence(rng, 16)} {sentence(rng, 16)}",
        "WHAT COMES NEXT",
        f"{surname} told reporters that {country} wanted a deal soon. {sentence(rng, 15)}",
        f"{sentence(rng, 22)} {sentence(rng, 12)}",
        f"{sentence(rng, 18)} The {org} said it would report back. {sentence(rng, 9)}",
        f"{sentence(rng, 14)} {sentence(rng, 20)}",
        f"{sentence(rng, 12)} {person} declined to comment further.",
    ]
    header = [headline, "", caption, caption, "TT", str(20 + number % 50), "", headline, "", caption, caption, ""]
    return "\n".join(header) + "\n" + "\n\n".join(paragraphs) + "\n"


def days_of(articles: int, start: date = date(2021, 1, 1), years: int = 4) -> list[date]:
    """The publication day of each article, spread evenly over `years`."""
    span = (date(start.year + years, 1, 1) - start).days
    return [start + timedelta(days=i * span // articles) for i in range(articles)]


def write_archive(folder: Path, articles: int, seed: int = 20250408) -> list[Path]:
    """Write `articles` articles as one dump per day; return the dump paths."""
    rng = random.Random(seed)
    cast = people(rng)
    by_day: dict[date, list[str]] = {}
    for number, day in enumerate(days_of(articles)):
        by_day.setdefault(day, []).append(article(rng, day, number, cast))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for day, texts in sorted(by_day.items()):
        path = folder / f"{day.isoformat()}.txt"
        path.write_text("\n\n\n".join(texts), encoding="utf-8")
        paths.append(path)
    return paths


NEWEST_DAY = date(2024, 12, 31)  # the archive's last day (days_of's default span)


def extra_article(folder: Path, number: int, day: date = date(2025, 1, 2)) -> Path:
    """One new dump with one new article, for the incremental steps: by default
    dated after the archive; NEWEST_DAY adds it to the newest day's edition."""
    rng = random.Random(number)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "zz-new.txt"
    path.write_text(article(rng, day, number, people(rng)), encoding="utf-8")
    return path
