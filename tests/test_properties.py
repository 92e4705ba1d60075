"""Property tests: the parser never crashes and never drops a body paragraph."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ingest.clean import clean_article
from ingest.dump import DumpError, decode_dump, split_articles

word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéüабвгдمصر", min_size=2, max_size=9)
capital_word = word.map(str.capitalize)
sentence = st.lists(word, min_size=3, max_size=14).map(lambda ws: " ".join(ws).capitalize() + ".")
paragraph = st.lists(sentence, min_size=1, max_size=4).map(" ".join)
headline = st.lists(capital_word, min_size=3, max_size=10).map(" ".join)
caption = st.one_of(
    st.none(),
    st.tuples(sentence, st.sampled_from([" (AP)", " Jane Doe/AGENCY via REUTERS", " REUTERS/Ali Khan"])).map("".join),
)
noise = st.tuples(st.just("TT"), st.integers(0, 9999).map(str))


@st.composite
def dumps(draw):
    """A dump of 1-4 articles with the variations real copies have."""
    articles = []
    for _ in range(draw(st.integers(1, 4))):
        articles.append((draw(headline), draw(caption), draw(noise), draw(st.lists(paragraph, min_size=1, max_size=8))))

    def blank():
        return "\n" * draw(st.integers(2, 3))

    def trailing():
        return draw(st.sampled_from(["", " ", "  ", "\u00a0"]))

    chunks = []
    for title, cap, (code, number), paragraphs in articles:
        caps = [cap, cap] if cap else []
        header = "\n".join([title, "", *caps, code, number, "", title, "", *caps]) + "\n\n"
        body = blank().join(p + trailing() for p in paragraphs)
        chunks.append(header + body)
    text = ("\n" * draw(st.integers(3, 5))).join(chunks) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    raw = text.encode("utf-8")
    if draw(st.booleans()):
        raw = b"\xef\xbb\xbf" + raw
    return raw, articles


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(dumps())
def test_every_article_and_every_body_paragraph_survives_in_order(dump):
    raw, expected = dump
    found = [clean_article(a) for a in split_articles(decode_dump(raw, "x"), "x")]
    assert [a.headline for a in found] == [title for title, *_ in expected]
    for article, (_, cap, _, paragraphs) in zip(found, expected, strict=True):
        assert [block.text for block in article.blocks] == paragraphs
        if cap:
            assert article.credit and cap.startswith(article.caption)


@settings(max_examples=300)
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_parser(raw):
    try:
        for article in split_articles(decode_dump(raw, "x"), "x"):
            clean_article(article)
    except DumpError as error:
        assert "\n" not in str(error)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(dumps(), st.data())
def test_mangled_dumps_never_crash_the_parser(dump, data):
    raw, _ = dump
    lines = raw.decode("utf-8-sig").splitlines()
    for _ in range(data.draw(st.integers(1, 6))):
        if not lines:
            break
        index = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["delete", "duplicate", "truncate"]))
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, lines[index])
        else:
            lines[index] = lines[index][: len(lines[index]) // 2]
    try:
        for article in split_articles(decode_dump("\n".join(lines).encode(), "x"), "x"):
            clean_article(article)
    except DumpError:
        pass
