"""Lead photos: made ours by the converter (re-encoded, resized, stripped), shown by the site.

The photos are drawn here with Pillow, never downloaded.
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import DUMPS, SEED, header_of, read_posts
from PIL import Image, ImageDraw


def draw_photo(path: Path, size=(1600, 1067), fmt="JPEG") -> Path:
    """A photo-like picture with camera metadata a reader must never receive."""
    image = Image.new("RGB", size, (40, 90, 140))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 40):
        draw.rectangle([x, min(size[1], size[1] // 2 + x % 200), x + 30, size[1]], fill=(200, 120 + x % 100, 60))
    draw.ellipse([size[0] * 2 // 3, 100, size[0] * 2 // 3 + 300, 400], fill=(250, 220, 90))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x0131] = "SecretSoftware"
    image.save(path, fmt, quality=90, exif=exif)
    return path


@pytest.fixture
def dump_with_photo(tmp_path) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(DUMPS / "no_photo.txt", raw / "harbour.txt")
    draw_photo(raw / "harbour.jpg")
    return raw


def test_a_photo_beside_a_dump_is_stored_as_webp_and_avif_at_three_widths_without_metadata(
        convert, dump_with_photo, tmp_path):
    code, _, stderr = convert(dump_with_photo, "--output", tmp_path / "content/articles")
    assert code == 0 and stderr == ""
    (post,) = read_posts(tmp_path / "content/articles").values()
    header = header_of(post)
    assert header["Photo-Size"] == "1200x800" and header["Photo-Widths"] == "480 800 1200"
    assert header["Photo-Formats"] == "avif webp"
    files = sorted(f for f in (tmp_path / "content").glob(header["Photo"] + "-*") if f.suffix in (".avif", ".webp"))
    assert [f.name.rsplit("-", 1)[1] for f in files] == [
        "1200.avif", "1200.webp", "480.avif", "480.webp", "800.avif", "800.webp"]
    for file in files:
        data = file.read_bytes()
        assert b"SecretCam" not in data and b"Exif" not in data
        with Image.open(io.BytesIO(data)) as image:
            assert image.format in ("WEBP", "AVIF") and image.width == int(file.stem.rsplit("-", 1)[1])
            assert not image.getexif()
    assert (tmp_path / "content" / (header["Photo"] + "-800.webp")).stat().st_size <= 60 * 1024


def test_the_same_photo_converts_to_the_same_files(convert, dump_with_photo, tmp_path):
    convert(dump_with_photo, "--output", tmp_path / "one/articles")
    convert(dump_with_photo, "--output", tmp_path / "two/articles")
    one = {f.name: f.read_bytes() for f in (tmp_path / "one/images").iterdir()}
    assert one == {f.name: f.read_bytes() for f in (tmp_path / "two/images").iterdir()}


@pytest.mark.parametrize("bad", ["not an image", "tiny"])
def test_a_bad_photo_leaves_the_story_without_one_and_says_so_once(convert, dump_with_photo, tmp_path, bad):
    photo = dump_with_photo / "harbour.jpg"
    if bad == "tiny":
        draw_photo(photo, size=(64, 64))
    else:
        photo.write_bytes(b"\xff\xd8 this is no JPEG at all")
    code, stdout, stderr = convert(dump_with_photo, "--output", tmp_path / "content/articles")
    assert code == 0 and "1 new" in stdout
    (line,) = stderr.splitlines()
    assert line.startswith("warning: ") and "harbour.txt:" in line and "lead photo" in line
    (post,) = read_posts(tmp_path / "content/articles").values()
    assert "Photo:" not in post
    # only the card drawn for a story without a photo (test_cards.py): nothing of the bad file
    assert [f.name.endswith("-card.jpg") for f in (tmp_path / "content/images").iterdir()] == [True]


def test_a_saved_pages_lead_image_saved_beside_it_becomes_its_photo(convert, tmp_path):
    page = tmp_path / "raw/harbour.html"
    (tmp_path / "raw/harbour_files").mkdir(parents=True)
    draw_photo(tmp_path / "raw/harbour_files/lead.png", fmt="PNG")
    paragraphs = "".join(f"<p>{sentence} The harbour reopened on Monday after a long strike by dock workers, "
                         "officials said, and ships began to unload grain and fuel.</p>"
                         for sentence in ("First.", "Second.", "Third.", "Fourth.", "Fifth."))
    page.write_text(
        "<!doctype html><html lang=en><head><title>Harbour reopens after strike</title>"
        '<meta property="og:image" content="harbour_files/lead.png">'
        '<meta property="article:published_time" content="2025-03-02">'
        f"</head><body><article><h1>Harbour reopens after strike</h1>{paragraphs}</article></body></html>",
        encoding="utf-8")
    code, _, stderr = convert(tmp_path / "raw", "--output", tmp_path / "content/articles")
    assert code == 0, stderr
    (post,) = read_posts(tmp_path / "content/articles").values()
    assert header_of(post)["Photo"].startswith("images/harbour-reopens-after-strike-")


@pytest.mark.site
def test_a_story_page_shows_its_photo_at_its_size_and_listings_a_lazy_thumbnail(convert, tmp_path):
    from sitebuild import build_site

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "seed.txt")
    draw_photo(raw / "seed.jpg")  # the dump's first story's photo
    convert(raw, "--output", tmp_path / "content/articles")
    shutil.copytree(tmp_path / "content/images", tmp_path / "site/content/images")
    output = build_site(sorted((tmp_path / "content/articles").glob("*.md")), tmp_path / "site")
    (page,) = [p for p in output.glob("20*/*/*/*/index.html") if "<picture>" in p.read_text(encoding="utf-8")]
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    picture = soup.select_one(".lead-photo picture")
    assert [s["type"] for s in picture.select("source")] == ["image/avif", "image/webp"]
    img = picture.img
    assert (img["width"], img["height"]) == ("1200", "800") and img.get("loading") is None
    for source in picture.select("source"):
        for candidate in source["srcset"].split(", "):
            assert (output / candidate.split()[0].lstrip("/")).is_file()
    caption = soup.select_one(".lead-photo figcaption").get_text(" ", strip=True)
    assert img["alt"] and caption.startswith(img["alt"]) and caption.endswith("via REUTERS")
    desk_url = soup.select_one(".story-meta a[href^='/category/']")["href"]
    desk = BeautifulSoup((output / desk_url.strip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")
    thumb = desk.select_one(".story img.thumb")
    assert thumb["loading"] == "lazy" and thumb["width"] == "480" and thumb["height"] == "320"


@pytest.mark.site
def test_a_hand_written_photo_header_naming_other_files_shows_no_image(tmp_path, caplog):
    from sitebuild import build_site

    post = tmp_path / "posts/2025-03-01-borrowed.md"
    post.parent.mkdir()
    post.write_text("Title: Borrowed photo\nDate: 2025-03-01\nCategory: Europe\n"
                    "Photo: https://tracker.example/pixel\nPhoto-Size: 1x1\nPhoto-Widths: 1\n"
                    "Photo-Formats: webp\n\nA story written by hand.\n", encoding="utf-8")
    output = build_site([post], tmp_path / "site")
    page = (output / "2025/03/01/borrowed-photo/index.html").read_text(encoding="utf-8")
    assert "<img" not in page and "tracker.example" not in page
