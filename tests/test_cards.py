"""A story's picture for search engines and social networks: crops of its
photo, or a card drawn for it, and what its page tells them."""

from __future__ import annotations

import io
import json
import logging

import pytest
from bs4 import BeautifulSoup
from conftest import FIXTURES, header_of, read_posts
from PIL import Image
from test_photos import dump_with_photo  # noqa: F401 - the fixture

FERRY = FIXTURES / "pastes" / "ferry_fares.txt"


def picture(path) -> Image.Image:
    with Image.open(io.BytesIO(path.read_bytes())) as image:
        image.load()
        return image


def test_a_lead_photo_gives_three_crops_and_a_card(convert, dump_with_photo, tmp_path):  # noqa: F811
    """16:9, 4:3 and 1:1, centred, 1,200 px wide where the 1600x1067 photo
    allows (the square is 1,067), each well over 50,000 pixels; the card 1200x630."""
    code, _, stderr = convert(dump_with_photo, "--output", tmp_path / "content/articles")
    assert (code, stderr) == (0, "")
    header = header_of(next(iter(read_posts(tmp_path / "content/articles").values())))
    assert header["Photo-Crops"] == "16x9 4x3 1x1" and header["Card"] == header["Photo"] + "-card.jpg"
    sizes = {crop: picture(tmp_path / "content" / f"{header['Photo']}-{crop}.jpg").size
             for crop in ("16x9", "4x3", "1x1", "card")}
    assert sizes == {"16x9": (1200, 675), "4x3": (1200, 900), "1x1": (1067, 1067), "card": (1200, 630)}
    assert all(width * height >= 50_000 for width, height in sizes.values())
    for crop in ("16x9", "card"):
        data = (tmp_path / "content" / f"{header['Photo']}-{crop}.jpg").read_bytes()
        assert b"SecretCam" not in data and b"Exif" not in data


def test_a_story_without_a_photo_gets_a_card_drawn_the_same_on_every_run(convert, tmp_path):
    for run in ("one", "two"):
        code, _, stderr = convert(FERRY, "--output", tmp_path / run / "articles")
        assert (code, stderr) == (0, "")
    cards = {run: header_of(next(iter(read_posts(tmp_path / run / "articles").values())))["Card"]
             for run in ("one", "two")}
    assert cards["one"] == cards["two"] and cards["one"].endswith("-card.jpg")
    one, two = (tmp_path / run / cards[run] for run in ("one", "two"))
    assert one.read_bytes() == two.read_bytes()
    image = picture(one)
    assert image.size == (1200, 630) and image.format == "JPEG"
    ink = image.crop((72, 130, 1128, 500)).convert("L").histogram()[:100]
    assert sum(ink) > 10_000  # a headline set on the paper, not a blank card
    retitled = tmp_path / "retitled.txt"
    retitled.write_text(FERRY.read_text(encoding="utf-8").replace("Ferry fares to rise by a fifth",
                                                                    "Ferry fares to rise by a quarter"),
                        encoding="utf-8")
    convert(retitled, "--output", tmp_path / "three/articles")
    third = header_of(next(iter(read_posts(tmp_path / "three/articles").values())))["Card"]
    assert third != cards["one"]


def test_a_headline_the_font_cannot_draw_leaves_a_card_without_it():
    from ingest.cards import can_draw, drawn_card

    assert can_draw("Выборы в Молдове") and can_draw("مصر والأردن") and not can_draw("東京で大雨警報")
    blank = drawn_card("", "Asia")
    assert drawn_card("東京で大雨警報", "Asia") == blank != drawn_card("Heavy rain in Tokyo", "Asia")


@pytest.mark.site
def test_a_hand_written_card_naming_another_host_is_left_out(tmp_path, caplog):
    from sitebuild import build_site

    post = tmp_path / "posts/2025-03-01-borrowed.md"
    post.parent.mkdir()
    post.write_text("Title: Borrowed card\nDate: 2025-03-01\nCategory: Europe\n"
                    "Card: https://tracker.example/pixel.jpg\n\nA story written by hand.\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        output = build_site([post], tmp_path / "site")
    page = (output / "2025/03/01/borrowed-card/index.html").read_text(encoding="utf-8")
    assert "tracker.example" not in page and 'content="summary"' in page
    assert any("Card 'https://tracker.example/pixel.jpg' must name our own file" in r.getMessage()
               for r in caplog.records)


@pytest.mark.site
def test_every_story_page_gives_search_engines_and_social_networks_what_they_recommend(site):
    """Google's article structured data (recommended properties), Open Graph and X, on every story page."""
    pages = sorted(site.glob("20*/*/*/*/index.html"))
    assert len(pages) > 30
    with_photo = 0
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        ld = next(json.loads(s.string) for s in soup.select('script[type="application/ld+json"]')
                  if json.loads(s.string)["@type"] == "NewsArticle")
        assert ld["headline"] == soup.h1.get_text()
        for key in ("datePublished", "dateModified"):
            assert ld[key][10] == "T" and ld[key].endswith("+00:00"), (path, key)
        assert ld["image"] and all(url.startswith("http") and url.endswith(".jpg") for url in ld["image"])
        authors = ld["author"] if isinstance(ld["author"], list) else [ld["author"]]
        assert all(author["@type"] in ("Person", "Organization") and author["name"] for author in authors)
        publisher = ld["publisher"]
        assert publisher["@type"] == "NewsMediaOrganization" and publisher["logo"]["url"].endswith("/logo.png")
        assert (site / "theme/images/logo.png").is_file()
        meta = {tag.get("property") or tag.get("name"): tag["content"] for tag in soup.select("meta[content]")}
        assert meta["og:image"] == ld["image"][-1]
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["twitter:card"] == "summary_large_image" and "max-image-preview:large" in meta["robots"]
        card = site / meta["og:image"].split("/", 3)[3]
        assert picture(card).size == (1200, 630)
        if len(ld["image"]) == 4:  # a lead photo: its 16:9, 4:3 and 1:1 crops, then the card
            with_photo += 1
            ratios = [picture(site / url.split("/", 3)[3]).size for url in ld["image"][:3]]
            assert [round(w / h, 2) for w, h in ratios] == [1.78, 1.33, 1.0]
            assert max(w for w, _ in ratios) >= 1200
    assert with_photo >= 1


def test_a_post_from_before_cards_gets_its_card_without_an_updated_date(convert, tmp_path):
    """The converter's first run after cards came: the story did not change, so it
    gains its Card line and file but no Modified date its readers would take for a correction."""
    from ingest.render import HASH_KEY, content_hash

    convert(FERRY, "--output", tmp_path / "articles")
    (path,) = (tmp_path / "articles").glob("*.md")
    header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    lines = [line for line in header.splitlines() if not line.startswith(("Card:", f"{HASH_KEY}:"))]
    old = "".join(f"{line}\n" for line in lines)
    digest = content_hash(old + "\n" + body)
    path.write_text(f"{old}{HASH_KEY}: {digest}\n\n{body}", encoding="utf-8")
    for card in (tmp_path / "images").glob("*-card.jpg"):
        card.unlink()
    code, stdout, _ = convert(FERRY, "--output", tmp_path / "articles")
    assert code == 0 and "1 updated" in stdout
    text = path.read_text(encoding="utf-8")
    assert "Modified:" not in text and "\nCard: images/" in text
    assert (tmp_path / header_of(text)["Card"]).is_file()


def test_cards_drawn_on_every_core_are_the_cards_drawn_in_one(tmp_path, monkeypatch):
    """A first import of an archive draws its cards in a pool of processes: the same files."""
    from ingest import store
    from ingest.cards import story_card

    cards = [story_card(f"story-{n}", f"Harbour board meets for the {n}th time", "Europe") for n in range(6)]
    (tmp_path / "one" / "images").mkdir(parents=True)
    (tmp_path / "all" / "images").mkdir(parents=True)
    assert store.drawn_cards(cards, tmp_path / "one") == [None] * 6
    monkeypatch.setattr(store, "CARD_POOL_MIN", 2)
    assert store.drawn_cards(cards, tmp_path / "all") == [None] * 6
    one = {path.name: path.read_bytes() for path in (tmp_path / "one" / "images").iterdir()}
    assert len(one) == 6 and one == {path.name: path.read_bytes() for path in (tmp_path / "all" / "images").iterdir()}
