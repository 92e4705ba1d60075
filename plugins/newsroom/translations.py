"""Translations live beside their originals.

Pelican pairs a story with its translations by ARTICLE_TRANSLATION_ID
(pelican.conf.py: the same slug on the same day) and writes a story in
another language at ARTICLE_LANG_URL. Here that address is the one a story
in its language has anyway (ARTICLE_URL: converted stories from a page in
`pt-BR` or `en-US` keep their addresses), so a translation would land on its
original's address. Each translation gets the original's folder and its own
language under it: `2025/03/12/<slug>/fr/`.
"""

from __future__ import annotations

from pelican.utils import slugify

TRANSLATED = ("translations", "hidden_translations")  # drafts have their own DRAFT_LANG_SAVE_AS


def translation_address(original_url: str, lang: str) -> tuple[str, str]:
    """(url, save_as) of a translation into `lang` of the story at `original_url`."""
    url = f"{original_url.rstrip('/')}/{slugify(lang)}/" if original_url else f"{slugify(lang)}/"
    return url, f"{url}index.html"


def place_translations(generator) -> None:
    """article_generator_pretaxonomy: each translation at its own address, before
    left_out.py looks for two stories at one address."""
    for name in TRANSLATED:
        for story in getattr(generator, name, []):
            story.__dict__.pop("_url_cache", None)  # speed.py keeps URLs on the story
            story.override_url, story.override_save_as = translation_address(story.url, story.lang)
            story.__dict__.pop("_url_cache", None)
