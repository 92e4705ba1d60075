"""The built site: URLs, editions, listings, feeds, sitemap, structured data, escaping, links."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse
from xml.etree import ElementTree

import feedparser
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT

pytestmark = pytest.mark.site

ARTICLE_RE = re.compile(r"^\d{4}/\d{2}/\d{2}/[a-z0-9-]+/index\.html$")
SEOUL = "2025/04/08/south-korea-will-hold-presidential-election-june-3-to-choose-yoons-successor"
HOSTILE = "2025/03/10/alerttitle-markets-rally-herejavascriptalert1-more"


def page(site: Path, path: str) -> BeautifulSoup:
    file = site / path
    if file.is_dir() or not file.suffix:
        file = file / "index.html"
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def articles(site: Path) -> list[str]:
    return sorted(
        p.relative_to(site).as_posix() for p in site.glob("*/*/*/*/index.html")
        if ARTICLE_RE.match(p.relative_to(site).as_posix())
    )


def all_pages(site: Path) -> list[Path]:
    """The site's pages (an edition's email.html is a message, tested in test_edition.py)."""
    return sorted(p for p in site.rglob("*.html") if "pagefind" not in p.parts and p.name != "email.html")


# ---- URL scheme -------------------------------------------------------------

@pytest.mark.parametrize(
    "path",
    [
        "index.html", "tags/index.html", "tag/south-korea/index.html",
        "tag/united-nations/index.html",
        "categories/index.html", "category/asia/index.html", "category/middle-east/index.html",
        "archives/index.html", "2025/index.html", "2025/02/index.html", "2025/01/11/index.html",
        f"{SEOUL}/index.html", "about/index.html", "search/index.html", "404.html",
        "feeds/all.atom.xml", "feeds/all.rss.xml", "feeds/tag/south-korea.atom.xml",
        "feeds/category/asia.atom.xml", "sitemap.xml", "sitemaps/2025.xml", "sitemaps/site.xml",
        "news-sitemap.xml", "robots.txt",
        "pagefind/bundles.json", "theme/js/search.js", "theme/css/site.css",
    ],
)
def test_every_url_of_the_scheme_exists(site, path):
    assert (site / path).is_file()


def test_every_article_lives_at_its_date_and_slug(site):
    found = articles(site)
    assert len(found) == 2 + 5 + 36
    assert f"{SEOUL}/index.html" in found


# ---- Pages ------------------------------------------------------------------

def test_front_page_leads_with_the_latest_edition_then_desks(site):
    soup = page(site, "index.html")
    edition = soup.select_one(".edition")
    assert "Tuesday, 8 April 2025" in edition.select_one("h2").get_text()
    assert edition.select_one(".lead-title a")["href"] == f"/{SEOUL}/"
    assert "Ahn Cheol-soo" in edition.select_one("figcaption").get_text()
    assert edition.select_one(".story-summary").get_text().startswith("South Korea will hold")
    desks = [h.get_text(strip=True) for h in soup.select(".desk h3")]
    assert desks == ["Africa", "Americas", "Asia", "Europe", "Middle East"]
    assert soup.select_one(".more-link a")["href"] == "/archives/"


def test_the_front_page_is_one_page_and_every_story_is_in_the_archives(site):
    assert not (site / "page").exists()
    months = page(site, "archives/index.html").select(".archive-year li .count")
    assert sum(int(count.get_text().split()[0]) for count in months) == len(articles(site))


def test_article_page_has_everything_a_reader_expects(site):
    soup = page(site, SEOUL)
    assert len(soup.find_all("h1")) == 1
    assert soup.h1.get_text() == "South Korea Will Hold Presidential Election June 3 to Choose Yoon’s Successor"
    time = soup.select_one(".article-header time")
    assert time["datetime"].startswith("2025-04-08") and time.get_text() == "Tuesday, 8 April 2025"
    meta = soup.select_one(".article-header .story-meta").get_text(" ", strip=True)
    assert "Asia" in meta and re.search(r"\d+ min read", meta)
    caption = soup.select_one("figure.photo-caption figcaption")
    assert caption.get_text(" ", strip=True).endswith("Photo: AP")
    body = soup.select_one(".article-body")
    assert len(body.find_all("p")) == 21
    tag_groups = {g.h3.get_text(): [a.get_text() for a in g.select("a")] for g in soup.select(".tag-group")}
    assert "Yoon Suk Yeol" in tag_groups["People"] and tag_groups["Places"] == ["South Korea"]
    assert soup.select_one('.neighbours a[rel="prev"]') is not None


def test_article_subheads_are_headings(site):
    soup = page(site, "2024/04/17/russian-missile-experts-flew-to-iran-amid-clashes-with-israel")
    assert [h.get_text() for h in soup.select(".article-body h2")] == ["ROCKETS AND ARTILLERY"]


def test_related_stories_share_tags(site):
    soup = page(site, "2025/01/06/germany-weighs-defence-spending-as-talks-resume-part-2")
    related = [a["href"] for a in soup.select(".related a")]
    assert related and all(page(site, href.strip("/")).select_one(".tag-group") for href in related)
    germany = {a.get_text() for a in soup.select(".tag-group a")}
    for href in related:
        tags = {a.get_text() for a in page(site, href.strip("/")).select(".tag-group a")}
        assert tags & germany


def test_day_page_is_that_days_edition_with_neighbours(site):
    soup = page(site, "2025/01/11")
    assert soup.h1.get_text() == "Saturday, 11 January 2025"
    titles = [a.get_text() for a in soup.select(".story-title a")]
    assert len(titles) == 3 and all("Part" in t for t in titles)
    assert all(s.get_text(strip=True) for s in soup.select(".story-summary"))
    assert soup.select_one('.neighbours a[rel="prev"]')["href"] == "/2025/01/08/"
    assert soup.select_one('.neighbours a[rel="next"]')["href"] == "/2025/01/15/"


def test_first_and_last_editions_link_only_inward(site):
    first = page(site, "2024/04/17")
    assert first.select_one('.neighbours a[rel="prev"]') is None
    assert first.select_one('.neighbours a[rel="next"]')["href"] == "/2024/11/03/"
    last = page(site, "2025/04/08")
    assert last.select_one('.neighbours a[rel="next"]') is None


def test_tags_index_groups_tags_by_kind_with_counts(site):
    soup = page(site, "tags")
    sections = {s.h2.get_text(): s for s in soup.select(".tag-index")}
    assert list(sections)[:3] == ["Places", "People", "Organisations"]
    assert "South Korea" in sections["Places"].get_text()
    assert "Yoon Suk Yeol" in sections["People"].get_text()
    un = [li for li in sections["Organisations"].select("li") if li.a.get_text() == "United Nations"][0]
    assert un.select_one(".count").get_text() == "36 stories"


def test_tag_page_says_its_kind_and_lists_stories(site):
    soup = page(site, "tag/yoon-suk-yeol")
    assert soup.select_one(".kicker").get_text() == "Person"  # one person: the singular, as "Place" below
    assert soup.h1.get_text() == "Yoon Suk Yeol"
    assert [a["href"] for a in soup.select("main .headlines a")] == [f"/{SEOUL}/"]
    assert page(site, "tag/south-korea").select_one(".kicker").get_text() == "Place"


def test_a_desk_front_summarises_its_newest_stories_and_lists_the_rest_by_headline(site):
    desk = page(site, "category/europe")
    cards, headlines = desk.select(".story"), desk.select("main .headlines li")
    assert len(cards) == 10 and len(headlines) > 0
    for story in cards:
        assert story.select_one(".story-title a") and story.select_one("time[datetime]")
        assert story.select_one(".story-summary").get_text(strip=True)
    newest_first = [time["datetime"][:10] for time in desk.select("main .stories time, main .headlines time")]
    assert newest_first == sorted(newest_first, reverse=True)


def test_a_month_lists_its_headlines_and_a_year_its_months(site):
    month = page(site, "2025/02")
    items = month.select("main .headlines li")
    assert items and all(item.select_one("a[href^='/2025/02/']") and item.time for item in items)
    assert month.select_one(".list-header p:not(.kicker)").get_text() == f"{len(items)} stories"
    year = page(site, "2025")
    assert {a["href"] for a in year.select("main .tag-counts a")} == {"/2025/01/", "/2025/02/", "/2025/03/",
                                                                     "/2025/04/"}
    assert not year.select("main .headlines, main .story")  # a year is its months, not 40 headlines


def test_archives_index_links_every_month(site):
    links = {a["href"] for a in page(site, "archives").select("a")}
    assert {"/2024/04/", "/2024/11/", "/2025/01/", "/2025/02/", "/2025/03/", "/2025/04/"} <= links


def test_404_and_about_pages(site):
    assert page(site, "404.html").h1.get_text() == "Page not found"
    assert page(site, "about").h1.get_text() == "About News Digest"


# ---- For machines -----------------------------------------------------------

def test_every_page_has_language_title_description_canonical_and_social_tags(site):
    for file in all_pages(site):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        where = file.relative_to(site)
        assert soup.html["lang"] == "en", where
        assert soup.title.get_text(strip=True), where
        for selector in ('meta[name="description"]', 'link[rel="canonical"]', 'meta[property="og:title"]',
                         'meta[property="og:url"]', 'meta[name="twitter:card"]'):
            assert soup.select_one(selector) is not None, (where, selector)
        assert len(soup.find_all("h1")) == 1, where


def test_article_json_ld_is_a_news_article_with_breadcrumbs(site):
    scripts = page(site, SEOUL).select('script[type="application/ld+json"]')
    data = [json.loads(s.string) for s in scripts]
    article, crumbs = data
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "South Korea Will Hold Presidential Election June 3 to Choose Yoon’s Successor"
    assert article["datePublished"].startswith("2025-04-08") and article["dateModified"]
    assert article["articleSection"] == "Asia"
    assert {"South Korea", "Yoon Suk Yeol", "Lee Jae-myung"} <= set(article["keywords"])
    assert article["publisher"]["name"] == "News Digest"
    assert crumbs["@type"] == "BreadcrumbList" and len(crumbs["itemListElement"]) == 3


def test_site_feeds_carry_full_text_and_topic_and_desk_feeds_their_newest_20_summaries(site):
    atom = feedparser.parse((site / "feeds/all.atom.xml").read_bytes())
    rss = feedparser.parse((site / "feeds/all.rss.xml").read_bytes())
    assert not atom.bozo and not rss.bozo
    assert len(atom.entries) == len(rss.entries) == 43
    seoul = [e for e in atom.entries if e.link.endswith(f"/{SEOUL}/")][0]
    assert "Leif-Eric Easley" in seoul.content[0].value
    assert "Leif-Eric Easley" in [e for e in rss.entries if e.link.endswith(f"/{SEOUL}/")][0].description
    tag = feedparser.parse((site / "feeds/tag/south-korea.atom.xml").read_bytes())
    assert [urlparse(e.link).path for e in tag.entries] == [f"/{SEOUL}/"]
    assert "Leif-Eric Easley" not in tag.entries[0].content[0].value  # a topic's feed: the summary
    summary = BeautifulSoup(tag.entries[0].content[0].value, "html.parser").get_text()
    assert summary.startswith("South Korea will hold a snap presidential election")
    desk = feedparser.parse((site / "feeds/category/africa.atom.xml").read_bytes())
    assert not desk.bozo and len(desk.entries) == 7
    big = feedparser.parse((site / "feeds/tag/united-nations.atom.xml").read_bytes())
    listed = page(site, "tag/united-nations").select("main .headlines a")
    assert len(listed) > 20 and [urlparse(e.link).path for e in big.entries] == [a["href"] for a in listed[:20]]


SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS_NS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def sitemap_children(site: Path) -> dict[str, list[str]]:
    """The sitemap index's children (their paths on the site) and the URLs each lists."""
    index = ElementTree.parse(site / "sitemap.xml").getroot()
    assert index.tag == f"{SITEMAP_NS}sitemapindex"
    found = {}
    for loc in index.iter(f"{SITEMAP_NS}loc"):
        child = urlparse(loc.text).path.lstrip("/")
        found[child] = [url.text for url in ElementTree.parse(site / child).getroot().iter(f"{SITEMAP_NS}loc")]
    return found


def test_sitemap_lists_every_article_tag_desk_and_archive_page_and_nothing_missing(site):
    paths = {urlparse(url).path for urls in sitemap_children(site).values() for url in urls}
    for article in articles(site):
        assert "/" + article.removesuffix("index.html") in paths
    for expected in ("/tags/", "/tag/south-korea/", "/categories/", "/category/asia/",
                     "/archives/", "/2025/", "/2025/01/", "/2025/01/11/"):
        assert expected in paths
    for path in paths:
        assert (site / path.lstrip("/") / "index.html").is_file() or (site / path.lstrip("/")).is_file()
    assert "/404.html" not in paths


def test_the_sitemap_is_an_index_of_a_child_a_year_and_one_for_the_rest(site):
    """A story and its day's edition are in their year's child; desks, topics and pages in the site's."""
    children = sitemap_children(site)
    assert sorted(children) == ["sitemaps/2024.xml", "sitemaps/2025.xml", "sitemaps/site.xml"]
    years = {child: {urlparse(url).path.split("/")[1] for url in urls} for child, urls in children.items()}
    assert years["sitemaps/2024.xml"] == {"2024"} and years["sitemaps/2025.xml"] == {"2025"}
    assert not {path for path in years["sitemaps/site.xml"] if path.isdigit()}
    index = ElementTree.parse(site / "sitemap.xml").getroot()
    lastmods = [entry.findtext(f"{SITEMAP_NS}lastmod") for entry in index]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", day or "") for day in lastmods)


def test_the_news_sitemap_lists_the_last_two_days_stories_with_their_headlines(site):
    """No date fixed: the two days up to the newest story; each with the publication,
    its language, a W3C time and the headline the story page shows."""
    from datetime import date, timedelta

    days = {article: date(*map(int, article.split("/")[:3])) for article in articles(site)}
    newest = max(days.values())
    expected = {"/" + article.removesuffix("index.html") for article, day in days.items()
                if day >= newest - timedelta(days=1)}
    root = ElementTree.parse(site / "news-sitemap.xml").getroot()
    listed = {urlparse(url.findtext(f"{SITEMAP_NS}loc")).path: url.find(f"{NEWS_NS}news") for url in root}
    assert set(listed) == expected and 0 < len(listed) <= 1000
    for path, news in listed.items():
        assert news.findtext(f"{NEWS_NS}publication/{NEWS_NS}name") == "News Digest"
        assert re.fullmatch(r"[a-z]{2}", news.findtext(f"{NEWS_NS}publication/{NEWS_NS}language"))
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00", news.findtext(f"{NEWS_NS}publication_date"))
        assert news.findtext(f"{NEWS_NS}title") == page(site, path.strip("/")).h1.get_text()


def test_robots_points_to_the_sitemap_and_the_news_sitemap(site):
    robots = (site / "robots.txt").read_text()
    assert re.search(r"^Sitemap: https?://\S+/sitemap\.xml$", robots, re.M)
    assert re.search(r"^Sitemap: https?://\S+/news-sitemap\.xml$", robots, re.M)


# ---- Escaping ---------------------------------------------------------------

def test_hostile_title_and_caption_stay_text_everywhere(site):
    soup = page(site, HOSTILE)
    title = "<script>alert('title')</script> Markets *Rally* [here](javascript:alert(1)) & more"
    assert soup.h1.get_text() == title
    assert soup.title.get_text().startswith(title)
    assert soup.select_one('meta[property="og:title"]')["content"].startswith(title)
    assert soup.select_one("figcaption").get_text().startswith("<img src=x onerror=alert(1)>")
    assert not soup.select("h1 script, figcaption img, .article-body script, .article-body a")
    ld = json.loads(soup.select_one('script[type="application/ld+json"]').string)
    assert ld["headline"] == title
    paragraphs = [p.get_text() for p in soup.select(".article-body p")]
    assert paragraphs[:3] == [
        "#1 on the list of worries for traders in the United States is inflation, analysts said, "
        "and *extra* caution is advised.",
        '<script>alert("body")</script> was pasted into a comment under the story.',
        "[click me](javascript:alert(document.cookie)) and ![img](x onerror=alert(1)) appeared too.",
    ]
    assert "---" in paragraphs and "> a quote that is not a quote" in paragraphs
    raw = (site / HOSTILE / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in raw and "<img src=x" not in raw
    corpus = page(site, "2025/01/18/quotes-markup-in-mexico-vaccine-supply-talks")
    assert corpus.h1.get_text() == "“Quotes” & <em>Markup</em> in Mexico: Vaccine Supply Talks"
    assert corpus.select_one('meta[name="description"]') is not None
    entry = [e for e in feedparser.parse((site / "feeds/all.atom.xml").read_bytes()).entries
             if e.link.endswith(f"/{HOSTILE}/")][0]
    assert entry.title == title


def test_hostile_caption_attribute_never_becomes_an_attribute(site):
    for file in all_pages(site):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(True):
            assert not any(name.startswith("on") for name in element.attrs), file
            for value in element.attrs.values():
                assert not str(value).strip().lower().startswith("javascript:"), file


# ---- Links, weight, privacy -------------------------------------------------

def link_targets(site: Path):
    """Every (page, target) for links, images, scripts and styles within the site."""
    for file in all_pages(site):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        for element in soup.find_all(["a", "link", "script", "img"]):
            target = element.get("href") or element.get("src")
            if target and not urlparse(target).scheme and not target.startswith("data:"):
                yield file, target


def resolve(site: Path, file: Path, target: str) -> tuple[Path, str]:
    path, fragment = urldefrag(target)
    base = "/" + file.relative_to(site).as_posix()
    absolute = urlparse(path).path if path.startswith("/") else str(Path(base).parent / path) if path else base
    resolved = site / unquote(absolute).lstrip("/")
    if absolute.endswith("/") or resolved.is_dir():
        resolved = resolved / "index.html"
    return resolved, fragment


def test_no_broken_internal_link_image_or_fragment(site):
    broken = []
    checked = 0
    for file, target in link_targets(site):
        resolved, fragment = resolve(site, file, target)
        checked += 1
        if not resolved.is_file():
            broken.append(f"{file.relative_to(site)} -> {target}")
        elif fragment:
            other = BeautifulSoup(resolved.read_text(encoding="utf-8"), "html.parser")
            if not other.find(id=fragment):
                broken.append(f"{file.relative_to(site)} -> {target} (no #{fragment})")
    assert checked > 1000
    assert broken == []


def test_only_the_search_page_loads_javascript_and_nothing_comes_from_elsewhere(site):
    for file in all_pages(site):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        scripts = [s for s in soup.find_all("script") if s.get("type") != "application/ld+json"]
        if file.relative_to(site).as_posix() == "search/index.html":
            assert [s["src"] for s in scripts] == [f"/{hashed_asset(site, 'js/search.js')}"]
        else:
            assert scripts == [], file
        for element in soup.find_all(["link", "script", "img"]):
            target = element.get("href") or element.get("src") or ""
            if element.name == "link" and element.get("rel") in (["alternate"], ["canonical"]):
                continue
            assert not urlparse(target).netloc, (file, target)
        csp = soup.select_one('meta[http-equiv="Content-Security-Policy"]')["content"]
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp


def hashed_asset(site: Path, relative: str) -> str:
    """The theme file's name in the site: its bytes' hash in the name, the bytes the theme's."""
    stem, suffix = relative.rsplit(".", 1)
    [copy] = site.glob(f"theme/{stem}.*.{suffix}")
    assert re.fullmatch(rf"{re.escape(stem.rsplit('/', 1)[-1])}\.[0-9a-f]{{10}}\.{suffix}", copy.name)
    assert copy.read_bytes() == (ROOT / "theme/static" / relative).read_bytes()
    return copy.relative_to(site).as_posix()


def test_every_page_links_the_stylesheet_by_a_name_that_changes_with_its_bytes(site):
    stylesheet = f"/{hashed_asset(site, 'css/site.css')}"
    for file in all_pages(site):
        soup = BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")
        assert [link["href"] for link in soup.select('link[rel="stylesheet"]')] == [stylesheet], file


def test_article_page_with_its_css_weighs_under_30_kb(site):
    html = (site / SEOUL / "index.html").stat().st_size
    css = (site / "theme/css/site.css").stat().st_size
    assert html + css < 30 * 1024


def test_arabic_paragraphs_get_their_own_direction(site):
    soup = page(site, "2025/01/11/india-weighs-monsoon-planning-as-talks-resume-part-4")
    arabic = [p for p in soup.select(".article-body p") if "اتفق" in p.get_text()]
    assert arabic and arabic[0]["dir"] == "auto"


def test_publish_build_uses_absolute_urls_in_pages_feeds_and_sitemap(tmp_path):
    from conftest import FIXTURES, ROOT
    from sitebuild import build_site

    posts = sorted((FIXTURES / "posts" / "no_photo").glob("*.md"))
    output = build_site(posts, tmp_path, config=ROOT / "publish.conf.py",
                        override={"SITEURL": "https://digest.example.org"})
    article = BeautifulSoup(next(output.glob("2025/03/03/*/index.html")).read_text(), "html.parser")
    assert article.select_one('link[rel="canonical"]')["href"].startswith("https://digest.example.org/2025/03/03/")
    rss = feedparser.parse((output / "feeds/all.rss.xml").read_bytes())
    assert rss.entries[0].link.startswith("https://digest.example.org/2025/03/03/")
    assert "<loc>https://digest.example.org/sitemaps/2025.xml</loc>" in (output / "sitemap.xml").read_text()
    assert "<loc>https://digest.example.org/2025/03/03/" in (output / "sitemaps/2025.xml").read_text()
    assert "<loc>https://digest.example.org/2025/03/03/" in (output / "news-sitemap.xml").read_text()


def test_a_story_page_with_its_stylesheet_stays_within_30_kb(site):
    """The page budget: the HTML of the longest story page plus the one stylesheet, photo aside."""
    css = (site / "theme/css/site.css").stat().st_size
    heaviest = max(path.stat().st_size for path in site.glob("20*/*/*/*/index.html"))
    assert heaviest + css <= 30 * 1024
