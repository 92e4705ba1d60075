"""Turn raw article dumps copied from a news site into Pelican Markdown posts.

The flow is a pipeline of small stages with plain data between them:

    read_dump(path)         bytes on disk      -> list of text lines  (dump.py)
    split_articles(lines)   lines              -> RawArticle records  (dump.py)
    clean_article(raw)      RawArticle         -> Article             (clean.py)
    enrich_article(art)     Article            -> Post metadata       (enrich.py)
    render_post(post)       Post               -> Markdown text       (render.py)
    plan_writes / write     Markdown + on disk -> files written       (store.py)

Every stage but the last is pure; `scripts/convert_articles.py` is a thin
command line over them.
"""
