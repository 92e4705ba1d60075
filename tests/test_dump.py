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
    lines = ["Storm closes the coast road", "", "TT", "153", "", "Storm closes the coast road", "", "Body one.", "",
             "Body two."]
    (article,) = split_articles(lines, "x")
    assert [line.text for line in article.body] == ["Body one.", "Body two."]


def test_paragraph_pasted_twice_is_not_a_new_article():
    lines = ["Ferry fares rise again", "", "Cap. (AP)", "Cap. (AP)", "TT", "20", "", "Ferry fares rise again", "",
             "Said twice", "", "Said twice", "", "End."]
    (article,) = split_articles(lines, "x")
    assert [line.text for line in article.body] == ["Said twice", "Said twice", "End."]


def test_text_with_no_article_shape_is_rejected():
    with pytest.raises(DumpError, match="no recognisable article"):
        split_articles(["Some notes.", "", "More notes."], "notes.txt")


def test_a_section_label_repeated_on_a_page_is_no_dump_headline():
    """A pasted page names its section over the menu and over the story:
    "HEALTH" twice, the real headline and byline between, is not the dump layout."""
    lines = ["HEALTH", "Cannabis use disorder is rising", "BY A. WRITER ON 11/13/19", "SHARE", "HEALTH",
             "Rates of cannabis use disorder have risen in states where the drug is legal."]
    with pytest.raises(DumpError, match="no recognisable article"):
        split_articles(lines, "x")


def test_a_short_headline_in_a_script_without_spaces_is_a_dump_headline():
    lines = ["東京で大雨警報", "", "TT", "20", "", "東京で大雨警報", "", "気象庁は大雨警報を出した。"]
    (article,) = split_articles(lines, "x")
    assert article.headline.text == "東京で大雨警報"
