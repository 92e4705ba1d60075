"""Post metadata: slug, summary, desk, and rejection without a date."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ingest.clean import Article, Block
from ingest.enrich import RejectedArticle, enrich_article, make_slug, summarize
from test_entities import seed_posts


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Yoon’s Successor", "yoons-successor"),
        ("Yoon's Successor", "yoons-successor"),
        ("Выборы в Молдове", "vybory-v-moldove"),
        ("<script>x</script> Markets & More", "x-markets-more"),
        ("!!!", "story"),
    ],
)
def test_make_slug_is_ascii_lower_case_and_stable(title, slug):
    assert make_slug(title) == slug


@given(st.text(max_size=60))
def test_slugs_match_what_pelican_itself_computes(title):
    from ingest.enrich import slugify
    from pelican.settings import DEFAULT_CONFIG
    from pelican.utils import slugify as pelican_slugify

    assert slugify(title) == pelican_slugify(title, regex_subs=DEFAULT_CONFIG["SLUG_REGEX_SUBSTITUTIONS"])


def test_long_slug_is_cut_at_a_word():
    slug = make_slug("word " * 40)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.endswith("word")


def test_summary_is_cut_at_a_sentence_boundary_within_300_characters():
    lead = "First sentence is here. " * 20
    summary = summarize(lead.strip())
    assert len(summary) <= 300 and summary.endswith("here.")


def test_summary_of_one_long_sentence_is_cut_at_a_word_with_an_ellipsis():
    summary = summarize("word " * 100)
    assert len(summary) <= 300 and summary.endswith("word…")


def test_short_lead_is_the_whole_summary():
    assert summarize("Short lead.") == "Short lead."


def test_seed_articles_land_on_different_desks():
    first, second = seed_posts()
    assert (first.desk, second.desk) == ("Middle East", "Asia")


def test_seed_dates_come_from_the_captions():
    assert [post.date for post in seed_posts()] == [date(2024, 4, 17), date(2025, 4, 8)]


def article(paragraphs, caption=""):
    blocks = tuple(Block("paragraph", text, n) for n, text in enumerate(paragraphs, 10))
    return Article("dump.txt", 3, "A Headline", caption, "", blocks, ())


def test_article_without_a_date_is_rejected_with_a_message_asking_for_date():
    with pytest.raises(RejectedArticle) as error:
        enrich_article(article(["No date here."]))
    message = str(error.value)
    assert message.startswith("dump.txt:3: ") and "--date" in message and "\n" not in message


def test_forced_date_rescues_an_undated_article():
    assert enrich_article(article(["No date here."]), date(2025, 1, 2)).date == date(2025, 1, 2)


def test_story_with_no_known_place_goes_to_the_fallback_desk():
    assert enrich_article(article(["Prices rose on May 1, 2025."])).desk == "World"
