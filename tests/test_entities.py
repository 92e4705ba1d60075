"""Tags: the named entities a story is about."""

import pytest
from conftest import SEED
from ingest.clean import clean_article
from ingest.dump import decode_dump, split_articles
from ingest.enrich import enrich_article
from ingest.entities import find_mentions, salient_entities


def seed_posts():
    raws = split_articles(decode_dump(SEED.read_bytes(), "s"), "s")
    return [enrich_article(clean_article(raw)) for raw in raws]


def tags(text, headline="Headline", lead=None):
    paragraphs = text.split("\n")
    mentions = find_mentions(headline, lead or paragraphs[0], paragraphs)
    return [(entity.name, entity.kind) for entity in salient_entities(mentions)]


def test_seed_first_article_is_about_iran_russia_and_israel():
    names = [name for name, _ in seed_posts()[0].tags]
    assert {"Iran", "Russia", "Israel"} <= set(names)
    assert 3 <= len(names) <= 12


def test_seed_second_article_is_about_south_korea_yoon_and_lee():
    post = seed_posts()[1]
    assert {("South Korea", "Places"), ("Yoon Suk Yeol", "People"), ("Lee Jae-myung", "People")} <= set(post.tags)
    assert 3 <= len(post.tags) <= 12


def test_seed_tags_never_include_title_case_headline_words():
    for post in seed_posts():
        assert not any(name in {"Presidential Election", "Missile Experts"} for name, _ in post.tags)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Iranian officials met. The Iranian side agreed.", ("Iran", "Places")),
        ("Officials said the Iranian-designed drones flew.", ("Iran", "Places")),
        ("Russian experts came. Russians said so.", ("Russia", "Places")),
        ("North Korean troops moved. North Korea denied it.", ("North Korea", "Places")),
        ("The U.N. said so. The United Nations agreed.", ("United Nations", "Organizations")),
    ],
)
def test_demonyms_and_short_forms_become_one_canonical_tag(text, expected):
    assert expected in tags(text)


def test_surname_mentions_count_toward_the_full_name():
    text = "Reporters waited.\nDenis Kalko was there.\nKalko declined to comment."
    assert ("Denis Kalko", "People") in tags(text)


def test_a_name_seen_once_outside_the_lead_is_not_salient():
    text = ("Markets rose.\nA trader, Jane Miller, said so.\nPrices went up.\n"
            "France, Italy and Spain agreed. France, Italy and Spain signed.")
    names = [name for name, _ in tags(text)]
    assert "Jane Miller" not in names
    assert {"France", "Spain"} <= set(names)


def test_fewer_than_three_salient_entities_are_topped_up_to_three():
    text = "Markets rose.\nA trader, Jane Miller, said so.\nFrance agreed. France signed."
    assert [name for name, _ in tags(text)] == ["France", "Jane Miller"]


def test_ambiguous_surname_counts_for_nobody():
    text = ("Votes came in.\nHan Duck-soo spoke.\nHan Dong-hoon replied.\nHan said more.\n"
            "Japan, China and India watched. Japan, China and India waited.")
    names = [name for name, _ in tags(text)]
    assert "Han Duck-soo" not in names and "Han Dong-hoon" not in names


def test_titles_are_not_part_of_names():
    text = "Labor Minister Kim Moon Soo spoke.\nKim Moon Soo said yes."
    assert ("Kim Moon Soo", "People") in tags(text)


def test_organisation_found_by_its_last_word():
    text = "Ewha University scholars met.\nEwha University said so."
    assert ("Ewha University", "Organizations") in tags(text)


def test_places_ending_in_sea_or_river_are_not_people():
    text = "Ships crossed the Black Sea.\nThe Black Sea was calm. The Omo River rose. The Omo River fell."
    kinds = dict(tags(text))
    assert kinds.get("Black Sea") != "People" and kinds.get("Omo River") != "People"


def test_at_most_twelve_tags():
    countries = ["France", "Spain", "Italy", "Germany", "Poland", "Greece", "Austria",
                 "Sweden", "Norway", "Finland", "Denmark", "Portugal", "Ireland", "Belgium"]
    text = "\n".join(f"{c} agreed. {c} signed." for c in countries)
    assert len(tags(text)) == 12


def test_same_entity_is_spelled_the_same_in_every_post():
    first = tags("Yoon Suk-yeol resigned.\nYoon left.")
    second = tags("Yoon Suk Yeol resigned.\nYoon left.")
    assert ("Yoon Suk Yeol", "People") in first and ("Yoon Suk Yeol", "People") in second
