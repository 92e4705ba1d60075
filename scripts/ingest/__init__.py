"""Turn news articles from any outlet into Pelican Markdown posts.

The flow is a pipeline of small stages with plain data between them:

    read_input(item)        a file or a URL    -> Articles, told apart by content (inputs.py)
      - text dump           lines              -> RawArticle -> Article  (dump.py, clean.py)
      - pasted page         lines              -> Article                (paste.py)
      - saved or fetched    HTML bytes         -> Article                (webpage.py, fetch.py)
        web page
      - RSS or Atom feed    entries            -> Articles               (feeds.py)
    enrich_article(art)     Article            -> Post metadata          (enrich.py, dates.py, entities.py)
    render_post(post)       Post               -> Markdown text          (render.py)
    plan_writes / apply     Markdown + on disk -> files written          (store.py)

Every stage but fetching and writing is pure; `scripts/convert_articles.py` is
a thin command line over them.
"""
