"""The order of stories in every listing, defined where every build can import it.

A cached tag or desk carries the settings it was read with, and so this
function. Defined in a settings file, it pickles as `pelican.conf.newest_first`,
a module the publish build does not have: the cache written by `make html`
then broke `make publish`, and the other way round the cache could not be
saved at all. In the plugin it pickles as `newsroom.ordering.newest_first`,
which every build imports.
"""


def newest_first(article):
    """Newest first; a day's stories by slug, so every build lists them alike
    (Pelican reads files in set order, which changes from run to run)."""
    return (-article.date.timestamp(), article.slug)


def order_stories(pelican_object) -> None:
    pelican_object.settings["ARTICLE_ORDER_BY"] = newest_first
