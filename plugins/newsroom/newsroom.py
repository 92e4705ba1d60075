"""News Digest's own Pelican plugin: what no plugin on PyPI does for us.

One module per job; `register()` only wires them to Pelican's signals.

    tags.py          each story's tags grouped by kind; tags counted per kind
    editions.py      daily editions: a story's edition, each day's neighbours, the latest
    related.py       related stories (shared tags, nearby in time) in linear time
    reading_time.py  reading time, once per story
    sources.py       each story credited to its outlet; a page and a feed per outlet
    corrections.py   an editor's corrections on the story, in its feeds; corrections/ and its feeds
    names.py         names differing only in case or accents: one outlet, desk, topic, one name
    translations.py  each translation beside its original
    sitemap.py       a sitemap index, a child a year, a news sitemap; deterministic
    jsonfeed.py      JSON Feed 1.1 beside every Atom feed
    assets.py        the theme's CSS and JS under names that change with their bytes
    coverage.py      stories per month, for the charts on topic, desk and archive pages
    photos.py        each story's lead photo: <picture> sources, size, thumbnail
    ordering.py      the order of stories in every listing
    left_out.py      posts left out with one line each; the build ends non-zero
    reader/          Pelican's reader and its cache:
      site_reader.py   every post, Markdown, reST or HTML, read the same way; one Markdown instance
      fields.py        the header checked field by field
      sanitize.py      the one allow-list for every post's HTML; no image from another host
      parallel.py      new posts converted on every core, filed in the reader cache
      cache.py         the reader cache loaded safely, saved atomically and only when changed
    incremental.py   only the pages whose inputs changed are rendered
    render_workers.py  pages rendered on every core, in forked workers
    listings.py      listing pages counted from the oldest, so a page keeps its stories
    speed.py         work Pelican repeats, done once per build
    patching.py      every patch of Pelican applied in one place, behind one switch
    files.py         files written whole or not at all
    bidi.py          Markdown extension: dir="auto" on every block
"""

from __future__ import annotations

from pelican import signals

from .assets import add_asset_filter, refresh_assets, write_assets
from .corrections import add_corrections_generator
from .coverage import add_filters
from .editions import date_stories, link_editions
from .incremental import claim_static_files, provide_writer, save_ledger
from .left_out import end_build, leave_out_clashes, start_build
from .links import resolve_moved_sources
from .model import forget_source_hashes
from .names import one_name_each
from .ordering import order_stories
from .patching import switch_patches
from .photos import frame_photos
from .reader import convert_on_every_core, make_caches_durable, use_site_reader
from .reading_time import time_reading
from .related import relate_stories
from .render_workers import render_on_every_core
from .sitemap import SITEMAP
from .sources import add_sources_generator, credit_sources
from .speed import (
    cache_urls,
    collect_as_usual,
    collect_less,
    find_translations_linearly,
    linearise_listings,
    set_stories_aside,
)
from .tags import group_tags
from .translations import place_translations


def register():
    cache_urls()
    linearise_listings()
    find_translations_linearly()
    make_caches_durable()
    collect_less()
    render_on_every_core()
    signals.initialized.connect(switch_patches)
    signals.initialized.connect(order_stories)
    signals.initialized.connect(add_filters)
    signals.initialized.connect(add_asset_filter)
    signals.all_generators_finalized.connect(refresh_assets)
    signals.all_generators_finalized.connect(resolve_moved_sources)
    signals.initialized.connect(start_build)
    signals.initialized.connect(forget_source_hashes)
    signals.readers_init.connect(use_site_reader)
    # Translations at their own address first, then one address per story; names last.
    signals.article_generator_pretaxonomy.connect(place_translations)
    signals.article_generator_pretaxonomy.connect(leave_out_clashes)
    signals.article_generator_pretaxonomy.connect(one_name_each)
    signals.article_generator_init.connect(convert_on_every_core)
    signals.get_writer.connect(provide_writer)
    signals.get_generators.connect(add_sources_generator)
    signals.get_generators.connect(add_corrections_generator)
    signals.static_generator_finalized.connect(claim_static_files)
    signals.finalized.connect(save_ledger)
    signals.article_generator_finalized.connect(group_tags)
    signals.article_generator_finalized.connect(date_stories)
    signals.article_generator_finalized.connect(time_reading)
    signals.article_generator_finalized.connect(frame_photos)
    signals.article_generator_finalized.connect(link_editions)
    signals.article_generator_finalized.connect(relate_stories)
    signals.article_generator_finalized.connect(credit_sources)
    signals.article_generator_finalized.connect(set_stories_aside)
    # content_written fires for every page, listing pages included; finalized
    # once, after all writing, so the sitemap sees the whole site.
    signals.content_written.connect(SITEMAP.page_written)
    signals.finalized.connect(SITEMAP.write)
    signals.finalized.connect(write_assets)
    signals.finalized.connect(collect_as_usual)
    signals.finalized.connect(end_build)  # last: it may end the build non-zero
