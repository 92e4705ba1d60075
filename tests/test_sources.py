"""Stories from other outlets: credited on the page, in structured data and feeds; a page per outlet."""

from __future__ import annotations

import json

import feedparser
import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.site
HARBOUR = "2025/06/12/harbour-strike-ends-after-nine-days-as-dockers-accept-pay-offer/index.html"


@pytest.fixture(scope="module")
def site(sources_site):
    return sources_site


def soup(site, path):
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def test_the_story_page_credits_the_outlet_the_authors_and_links_the_original(site):
    credit = soup(site, HARBOUR).select_one(".source-credit")
    assert " ".join(credit.get_text().split()) == (
        "Originally published by The Coastal Herald, by Maria Lindqvist, Tom Okafor · read the original")
    links = [a["href"] for a in credit.select("a")]
    assert links == ["/source/the-coastal-herald/",
                     "https://www.coastalherald.example/news/2025/06/12/harbour-strike-ends"]


def test_structured_data_is_based_on_the_original_and_names_each_author(site):
    ld = json.loads(soup(site, HARBOUR).select_one('script[type="application/ld+json"]').string)
    assert ld["isBasedOn"] == "https://www.coastalherald.example/news/2025/06/12/harbour-strike-ends"
    assert ld["author"] == [{"@type": "Person", "name": "Maria Lindqvist"},
                            {"@type": "Person", "name": "Tom Okafor"}]


def test_a_story_in_another_language_keeps_it_and_its_address(site):
    page = soup(site, HARBOUR)
    assert page.html["lang"] == "en-GB"


def test_a_source_page_lists_that_outlets_stories_only(site):
    page = soup(site, "source/the-island-gazette/index.html")
    titles = [a.get_text() for a in page.select("main .headlines a")]
    assert titles == ["Lifeboat crew rescues yacht sailors in gale", "Island school wins national science prize"]
    assert not (site / "source" / "index.html").exists()


def test_feeds_link_the_original(site):
    entries = feedparser.parse((site / "feeds/all.atom.xml").read_bytes()).entries
    harbour = next(e for e in entries if e.title.startswith("Harbour strike ends"))
    content = BeautifulSoup(harbour.content[0].value, "html.parser")
    assert content.find("a", href="https://www.coastalherald.example/news/2025/06/12/harbour-strike-ends")
    seed = next(e for e in entries if e.title.startswith("South Korea"))
    assert "Originally published" not in seed.content[0].value  # the seed's layout names no outlet
