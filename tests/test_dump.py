"""Reading dumps and finding the articles in them."""

import pytest
from conftest import SEED
from ingest.dump import DumpError, decode_dump, split_articles


def test_bom_crlf_trailing_and_no_break_spaces_disappear():
    raw = "\ufeffHeadline  \r\n\r\nText\u00a0\r\n".encode()
    assert decode_dump(raw, "x.txt") == ["Headline", "", "Text", ""]


def test_undecodable_bytes_name_the_file_and_line():
    with pytest.raises(DumpError) as error:
        decode_dump(b"ok\nstill ok\ncaf\xe9\n", "dump.txt")
    assert str(error.value) == "dump.txt:3: not UTF-8 text (byte 0xe9)"


def test_empty_file_is_an_error():
    with pytest.raises(DumpError, match="empty file"):
        decode_dump(b"  \n\n", "empty.txt")


def test_seed_holds_exactly_two_articles():
    lines = decode_dump(SEED.read_bytes(), "seed")
    articles = split_articles(lines, "seed")
    assert [a.headline.text for a in articles] == [
        "Russian Missile Experts Flew to Iran amid Clashes with Israel",
        "South Korea Will Hold Presidential Election June 3 to Choose Yoon’s Successor",
    ]
    assert [a.headline.number for a in articles] == [1, 59]


def test_article_without_photo_is_found_by_its_repeated_headline():
    lines = ["Headline", "", "TT", "153", "", "Headline", "", "Body one.", "", "Body two."]
    (article,) = split_articles(lines, "x")
    assert [line.text for line in article.body] == ["Body one.", "Body two."]


def test_paragraph_pasted_twice_is_not_a_new_article():
    lines = ["Head", "", "Cap. (AP)", "Cap. (AP)", "TT", "20", "", "Head", "",
             "Said twice", "", "Said twice", "", "End."]
    (article,) = split_articles(lines, "x")
    assert [line.text for line in article.body] == ["Said twice", "Said twice", "End."]


def test_text_with_no_article_shape_is_rejected():
    with pytest.raises(DumpError, match="no recognisable article"):
        split_articles(["Some notes.", "", "More notes."], "notes.txt")
