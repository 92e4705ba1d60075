"""Cleaning an article: caption and credit apart, subheads, nothing else dropped."""

import pytest
from conftest import SEED
from ingest.clean import clean_article, is_subhead, split_caption_credit
from ingest.dump import decode_dump, split_articles


@pytest.mark.parametrize(
    ("caption", "text", "credit"),
    [
        # Reuters style: credit after the last sentence.
        ("Missiles in Tehran, Iran, April 17, 2024. Majid Asgaripour/WANA (West Asia News Agency) via REUTERS",
         "Missiles in Tehran, Iran, April 17, 2024.",
         "Majid Asgaripour/WANA (West Asia News Agency) via REUTERS"),
        # AP style: credit in parentheses.
        ("A lawmaker leaves in Seoul, Tuesday, April 8, 2025. (AP)",
         "A lawmaker leaves in Seoul, Tuesday, April 8, 2025.", "AP"),
        ("A ship at Odesa. (AP Photo/Olena Petrenko)", "A ship at Odesa.", "AP Photo/Olena Petrenko"),
        ("Trucks wait at Rafah. REUTERS/Amr Abdallah Dalsh", "Trucks wait at Rafah.", "REUTERS/Amr Abdallah Dalsh"),
        # No credit: the caption stays whole, a parenthesis that is not a credit included.
        ("Crowds gather (left) in the square.", "Crowds gather (left) in the square.", ""),
        ("Crowds gather in the square.", "Crowds gather in the square.", ""),
    ],
)
def test_split_caption_credit(caption, text, credit):
    assert split_caption_credit(caption) == (text, credit)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("ROCKETS AND ARTILLERY", True),
        ("THE DEAL IN DETAIL", True),
        ("WHAT’S NEXT?", True),
        ("NATO said on Monday it would meet.", False),  # a sentence that starts with an acronym
        ("Rockets and artillery", False),
        ("اتفقت مصر والأردن", False),  # no capitals in Arabic: never a subhead
        ("TT", False),
    ],
)
def test_is_subhead(line, expected):
    assert is_subhead(line) is expected


def seed_articles():
    return [clean_article(raw) for raw in split_articles(decode_dump(SEED.read_bytes(), "s"), "s")]


def test_seed_body_has_no_headline_caption_or_noise():
    for article in seed_articles():
        texts = [block.text for block in article.blocks]
        assert article.headline not in texts
        assert not any(article.caption in text for text in texts)
        assert not {"TT", "20"} & set(texts)


def test_seed_every_body_line_survives_in_order_with_its_subhead_marked():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    # Bodies by line number in the seed: 13-56 and 71 to the end.
    expected = [
        [" ".join(t.split()) for t in lines[12:56] if t.strip()],
        [" ".join(t.split()) for t in lines[70:] if t.strip()],
    ]
    first, second = seed_articles()
    assert [b.text for b in first.blocks] == expected[0]
    assert [b.text for b in second.blocks] == expected[1]
    assert [b.text for b in first.blocks if b.kind == "subhead"] == ["ROCKETS AND ARTILLERY"]
    assert [b.kind for b in second.blocks] == ["paragraph"] * 21
