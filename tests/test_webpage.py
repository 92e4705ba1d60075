"""Saved web pages: the article and what the page says of itself, nothing of the page around it."""

from __future__ import annotations

import pytest
from conftest import FIXTURES, body_of, header_of, read_posts
from ingest.webpage import authors_of, headline_of, outlet_of, page_address, page_language, without_tracking

PAGES = FIXTURES / "pages"


def test_a_saved_page_becomes_one_post_with_its_metadata(convert, tmp_path):
    code, stdout, stderr = convert(PAGES / "harbour_strike.html", "--output", tmp_path)
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path).values()
    header = header_of(post)
    assert header["Title"] == "Harbour strike ends after nine days as dockers accept pay offer"
    assert header["Date"] == "2025-06-12"  # the page's date, not today's
    assert header["Source"] == "The Coastal Herald"
    assert header["Source-URL"] == "https://www.coastalherald.example/news/2025/06/12/harbour-strike-ends"
    assert header["Authors"] == "Maria Lindqvist; Tom Okafor"
    assert header["Lang"] == "en-GB"
    assert header["Caption"] == "Dockers gathered at the north gate on Wednesday morning."
    assert header["Credit"] == "Jens Berg"


def test_a_saved_page_keeps_the_article_and_drops_the_page_around_it(convert, tmp_path):
    convert(PAGES / "harbour_strike.html", "--output", tmp_path)
    (post,) = read_posts(tmp_path).values()
    blocks = body_of(post).strip().split("\n\n")
    assert blocks[0].startswith("Dockers at the port of Eastmouth voted on Thursday")
    assert "## Backlog of ships" in blocks
    assert blocks[-1].startswith("The regional government, which owns a minority stake")
    assert len(blocks) == 7
    for noise in ("Advertisement", "Sign up", "Subscribe", "Read more", "Ferry fares", "Share on",
                  "Sign in", "All rights reserved", "Updated 2 hours ago"):
        assert noise not in body_of(post), noise


def test_a_page_without_an_article_is_a_one_line_error(convert, tmp_path):
    empty = tmp_path / "menu.html"
    empty.write_text("<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    code, _, stderr = convert(empty, "--output", tmp_path / "posts")
    assert code == 1
    assert stderr.strip() == f"error: {empty}: no article found in this page"


@pytest.mark.parametrize(
    ("html", "address"),
    [
        # the canonical link wins, whatever the attribute order
        (b'<link href="https://a.example/x" rel="canonical"><meta property="og:url" content="https://a.example/og">',
         "https://a.example/x"),
        (b"<meta content='https://a.example/og' property='og:url'>", "https://a.example/og"),
        # Chrome's "Save page as" notes where the page came from
        (b"<!-- saved from url=(0025)https://a.example/saved -->\n<html>", "https://a.example/saved"),
        (b'<link rel="canonical" href="/relative/only">', ""),  # not an address on its own
        (b"<html><head></head></html>", ""),
    ],
)
def test_page_address(html, address):
    assert page_address(html) == address


@pytest.mark.parametrize(
    ("sitename", "url", "hostname", "outlet"),
    [
        ("The Coastal Herald", "https://www.coastalherald.example/x", None, "The Coastal Herald"),
        (None, "https://www.coastalherald.example/x", None, "coastalherald.example"),
        ("https://www.x.example", None, "x.example", "x.example"),  # a URL is not a name
    ],
)
def test_outlet_of(sitename, url, hostname, outlet):
    assert outlet_of(sitename, url, hostname) == outlet


def test_page_language_reads_the_html_element():
    assert page_language(b'<!DOCTYPE html><html class="x" lang="pt-BR">') == "pt-BR"
    assert page_language(b"<html>") == ""


def test_a_page_in_a_script_without_spaces_is_an_article(convert, tmp_path):
    page = tmp_path / "tokyo.html"
    sentence = "東京都は新しい防災計画を発表し、住民に避難経路の確認を呼びかけた。"
    body = "".join(f"<p>{sentence * 2}</p>" for _ in range(4))
    page.write_text(f'<html lang="ja"><head><title>東京都が防災計画を発表</title>'
                    f'<meta property="article:published_time" content="2025-09-01"></head>'
                    f"<body><article><h1>東京都が防災計画を発表</h1>{body}</article></body></html>", encoding="utf-8")
    code, _, stderr = convert(page, "--output", tmp_path / "posts")
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path / "posts").values()
    assert header_of(post)["Lang"] == "ja" and "防災計画" in body_of(post)


def test_the_same_wire_story_from_another_outlet_is_one_post_naming_both(convert, tmp_path):
    """Republished under another headline with a line added: a duplicate of the first, both outlets named."""
    page = (PAGES / "harbour_strike.html").read_text(encoding="utf-8")
    copy = (page.replace("The Coastal Herald", "Harbour Daily")
                .replace("Harbour strike ends after nine days as dockers accept pay offer",
                         "Eastmouth dockers return to work")
                .replace("coastalherald.example", "harbourdaily.example")
                .replace("<p>The regional government", "<p>Eastmouth has the busiest container berths "
                         "on the coast.</p>\n    <p>The regional government"))
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a_herald.html").write_text(page, encoding="utf-8")
    (tmp_path / "raw" / "b_daily.html").write_text(copy, encoding="utf-8")
    code, stdout, _ = convert(tmp_path / "raw", "--output", tmp_path / "posts")
    assert code == 0 and "1 new" in stdout and "1 duplicate" in stdout
    assert ("(same story as 2025-06-12-harbour-strike-ends-after-nine-days-as-dockers-accept-pay-offer.md "
            "(The Coastal Herald); this copy from Harbour Daily)") in stdout
    # Imported again later, on its own, it is still the same story.
    (tmp_path / "raw" / "a_herald.html").unlink()
    _, stdout, _ = convert(tmp_path / "raw", "--output", tmp_path / "posts")
    assert "0 new" in stdout and "1 duplicate" in stdout
    assert len(read_posts(tmp_path / "posts")) == 1


def test_a_different_story_on_the_same_day_is_not_a_duplicate(convert, tmp_path):
    convert(PAGES / "harbour_strike.html", FIXTURES / "pastes" / "ferry_fares.txt", "--output", tmp_path)
    assert len(read_posts(tmp_path)) == 2


# ---- what the page says of itself, made clean ----------------------------------------------------

def test_a_page_in_german_gets_its_headline_address_and_no_junk_byline_or_tags(convert, tmp_path):
    """Its og:title is the address's slug and its <h1> the headline; its canonical address
    carries tracking parameters; its byline is the outlet, a city and a country; its
    capitalised nouns ("Der Sitz", "Elf Modelle") are no one's names."""
    code, _, stderr = convert(PAGES / "stadtrat_de.html", "--output", tmp_path)
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path).values()
    header = header_of(post)
    assert header["Title"] == "Stadtrat beschließt Haushalt für das kommende Jahr"
    assert header["Source-URL"] == "https://www.nordkurier.example/politik/stadtrat-haushalt?id=42"
    assert "Authors" not in header
    assert header["Lang"] == "de"
    assert not {"People", "Organizations"} & set(header), header  # only what the curated data vouches for


@pytest.mark.parametrize(("title", "outlet", "host", "heading", "headline"), [
    ("Harbour strike ends after nine days | The Coastal Herald", "The Coastal Herald", "coastalherald.example", "",
     "Harbour strike ends after nine days"),
    ("Harbour strike ends after nine days - Coastal Herald", "", "www.coastalherald.example", "",
     "Harbour strike ends after nine days"),
    ("Port reopens — a quiet win for the union", "The Coastal Herald", "coastalherald.example", "",
     "Port reopens — a quiet win for the union"),  # the part after the dash is the headline's own
    ("harbour-strike-ends-after-nine-days", "", "coastalherald.example", "Harbour strike ends after nine days",
     "Harbour strike ends after nine days"),
    ("Strike | Live", "The Coastal Herald", "coastalherald.example", "", "Strike | Live"),
    ("Black Friday deals are live, controllers included - IGN", "IGN", "ign.example", "",
     "Black Friday deals are live, controllers included"),  # a short name, the whole part
    ("Council approves budget for schools - Mayor promises more", "", "m.example.com", "",
     "Council approves budget for schools - Mayor promises more"),
    ("Brexit: what happens next - the latest news", "", "news.example", "",
     "Brexit: what happens next - the latest news"),
    ("council-approves-budget-for-schools", "", "valleynotes.example", "The Valley Notes Daily",
     "council-approves-budget-for-schools"),  # an <h1> that is the site's logo is no headline
])
def test_headline_of(title, outlet, host, heading, headline):
    assert headline_of(title, outlet, host, heading) == headline


@pytest.mark.parametrize(("byline", "authors"), [
    ("Maria Lindqvist; Tom Okafor", ("Maria Lindqvist", "Tom Okafor")),
    ("SPIEGEL ONLINE; Hamburg; Germany", ()),
    ("DANICA KIRKA; JILL LAWLESS", ("DANICA KIRKA", "JILL LAWLESS")),  # capitals are no sign
    ("Mike Wuerthele; Malcolm Owen; November", ("Mike Wuerthele", "Malcolm Owen")),
    ("Regan", ("Regan",)), ("Reuters", ("Reuters",)), ("admin", ()), ("The Coastal Herald", ()),
    ("山田太郎", ("山田太郎",)), ("Иван Петров; Москва", ("Иван Петров",)),
    ("Staff and agencies in London on a very long byline", ()),
    ("山田太郎; 鈴木花子", ("山田太郎", "鈴木花子")),
    ("María de los Ángeles García Pérez", ("María de los Ángeles García Pérez",)),
    ("Sarah Press", ("Sarah Press",)), ("Science X staff", ()),
])
def test_authors_of(byline, authors):
    assert authors_of(byline, "The Coastal Herald") == authors


@pytest.mark.parametrize(("url", "clean"), [
    ("https://news.example/a?utm_source=rss&utm_medium=feed", "https://news.example/a"),
    ("https://news.example/a?id=7&ref=home&cmpid=x", "https://news.example/a?id=7"),
    ("https://news.example/a?id=7&page=2", "https://news.example/a?id=7&page=2"),
    ("https://news.example/a", "https://news.example/a"),
    ("https://news.example/article.php?ref=12345", "https://news.example/article.php?ref=12345"),  # an id
    ("https://news.example/a?ref=rss", "https://news.example/a"),
    ("https://news.example/a?12345&utm_source=rss", "https://news.example/a?12345"),
    ("https://news.example/a?path=a/b:c&utm_source=x", "https://news.example/a?path=a/b:c"),  # kept as written
])
def test_without_tracking(url, clean):
    assert without_tracking(url) == clean


def test_a_page_dated_only_by_an_address_in_its_markup_asks_for_a_date(convert, tmp_path):
    """Its one "date" is htmldate's guess from a namespace URI (www.w3.org/2000/01/...):
    1 January 2000, made up. The story is rejected in one line naming --date, as an undated paste is."""
    code, stdout, stderr = convert(PAGES / "undated_rdf.html", "--output", tmp_path)
    assert code == 1 and "1 rejected" in stdout
    assert stderr.count("\n") == 1 and "no date found" in stderr and "--date" in stderr
    code, _, _ = convert(PAGES / "undated_rdf.html", "--output", tmp_path, "--date", "2025-05-04")
    assert code == 0 and header_of(next(iter(read_posts(tmp_path).values())))["Date"] == "2025-05-04"


def test_a_page_whose_own_markup_dates_it_on_the_first_keeps_that_date(convert, tmp_path):
    page = tmp_path / "first.html"
    page.write_text((PAGES / "harbour_strike.html").read_text(encoding="utf-8").replace("2025-06-12", "2025-06-01")
                    .replace("2025/06/12", "2025/06/01").replace("12 June 2025", "1 June 2025"), encoding="utf-8")
    code, _, stderr = convert(page, "--output", tmp_path / "posts")
    assert (code, stderr) == (0, "")
    assert header_of(next(iter(read_posts(tmp_path / "posts").values())))["Date"] == "2025-06-01"


def test_a_table_stays_a_table(convert, tmp_path):
    """Not a paragraph a row with `|---|` among them: one Markdown table, its head first,
    a `|` inside a cell escaped, rendered by the site's Markdown as a table."""
    import markdown

    code, _, stderr = convert(PAGES / "election_table.html", "--output", tmp_path)
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path).values()
    header = header_of(post)
    assert header["Title"] == "Greens take the north as three districts count late into the night"
    body = body_of(post)
    assert "| District | Turnout | Winner |\n|---|---|---|\n| North | 61% | Greens |" in body
    html = markdown.markdown(body, extensions=["markdown.extensions.extra"])
    assert html.count("<tr>") == 4 and "<th>District</th>" in html
    assert "<td>Labour | Co-op</td>" in html
    assert "---" not in html


@pytest.mark.parametrize("figcaption", ["Slideshow ( 15 images )", "Gallery", "3 of 12", "Enlarge this image",
                                        "12 photos"])
def test_a_gallery_counter_or_a_control_is_no_caption(figcaption):
    from ingest.webpage import lead_caption

    page = f"<article><figure><img src=a.jpg><figcaption>{figcaption}</figcaption></figure></article>"
    assert lead_caption(page.encode()) == ("", "")


def test_a_real_caption_with_a_number_stays():
    from ingest.webpage import lead_caption

    page = b"<article><figure><figcaption>Firefighters at the 12 storey block on Monday. Photo: Ana Ruiz</figcaption>"
    assert lead_caption(page + b"</figure></article>") == ("Firefighters at the 12 storey block on Monday.", "Ana Ruiz")


def test_the_sites_letter_box_is_not_the_storys_first_paragraph():
    from ingest.webpage import body_blocks

    text = ("Submit your letter to the editor using this form. Letters may be edited for length and clarity.\n"
            "The council voted on Monday to close the old library and move its books to the school.")
    assert [block.text for block in body_blocks(text, set(), "")] == [
        "The council voted on Monday to close the old library and move its books to the school."]


def test_a_paragraph_that_asks_for_a_letter_to_someone_else_stays():
    from ingest.webpage import body_blocks

    text = "Write a letter to your MP, campaigners urged residents on Monday, as the council vote nears."
    assert [block.text for block in body_blocks(text, set(), "")] == [text]


def test_a_table_without_a_head_keeps_its_first_row_among_the_rows():
    import markdown
    from ingest.render import markdown_block
    from ingest.webpage import body_blocks

    (table,) = body_blocks("| North | 61% |\n| South | 58% |", set(), "")
    html = markdown.markdown(markdown_block(table), extensions=["markdown.extensions.extra"])
    assert "<td>North</td>" in html and "<th>North</th>" not in html and html.count("<td>") == 4


def paragraphs_of(post: str) -> list[str]:
    return body_of(post).strip().split("\n\n")


def test_furniture_trafilatura_keeps_goes_when_the_second_opinion_does_not_hold_it(convert, tmp_path):
    """A reprints notice and a box of the latest stories inside the story's
    container: trafilatura keeps both, resiliparse's main content holds neither.
    The embedded post, which resiliparse leaves out too, is quoted: it stays."""
    code, _, stderr = convert(PAGES / "furniture_around_the_story.html", "--output", tmp_path)
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path).values()
    body = body_of(post)
    for furniture in ("personal, non-commercial use", "Bridge repairs close", "Library hours grow"):
        assert furniture not in body, furniture
    assert paragraphs_of(post)[0].startswith("The Valley Water Board voted five to two")
    assert "older than the town hall" in body and "Valley Water Board (@valleywater)" in body
    assert paragraphs_of(post)[-1].startswith("Engineers told the meeting")


def test_a_story_set_in_two_chunks_around_an_advert_is_kept_whole(convert, tmp_path):
    """trafilatura keeps the first chunk only (7 of 14 paragraphs); readability
    holds all of it and the rest, so its article is read instead."""
    code, _, stderr = convert(PAGES / "story_in_two_chunks.html", "--output", tmp_path)
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path).values()
    paragraphs = paragraphs_of(post)
    assert len(paragraphs) == 14
    assert paragraphs[0].startswith("The Valley Water Board voted five to two")
    assert paragraphs[7].startswith("Opponents on the board argued")
    assert paragraphs[-1].startswith("A public drop-in session")
    assert "Advertisement" not in body_of(post)


def test_a_second_opinion_that_misses_the_story_is_not_heard(convert, tmp_path):
    """The story sits in a container whose class names say sidebar: resiliparse's
    main content is the one line outside it. The two disagree on what the article
    is, so trafilatura's article stands whole."""
    code, _, stderr = convert(PAGES / "story_in_a_sidebar_class.html", "--output", tmp_path)
    assert (code, stderr) == (0, "")
    (post,) = read_posts(tmp_path).values()
    paragraphs = paragraphs_of(post)
    assert len(paragraphs) == 8 and paragraphs[0].startswith("The Valley Water Board voted five to two")
    assert "switchboard" not in body_of(post)
