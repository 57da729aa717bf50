"""Property-based tests: any text or bytes gives a valid result or a typed error.

A fixed, modest number of derandomized examples so `make test` stays fast and
reproducible. The text strategies mix free unicode with the vocabulary the
extractor reacts to (model and benchmark names, numbers, percent signs,
hedges, forecasts), so the interesting code paths are reached, not just the
"nothing found" one.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.articles import parse_article
from extractors.errors import ParseError
from extractors.feeds import parse_feed
from extractors.nlp import get_extractor
from extractors.papers import parse_arxiv
from models.documents import Article, Paper, ParsedFeed
from models.records import Extraction
from models.taxonomy import DIMENSIONS, FIGURE_KINDS, OPENNESS, STANCES
from tests.hostile_summary import record

FAST = settings(max_examples=40, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

VOCAB = [
    "GPT-5", "Claude Opus 4", "Llama 4", "DeepSeek-V3", "Qwen3", "Gemini 2.5 Pro", "Kimi K2",
    "open-weight", "open weights", "closed", "frontier", "gap", "narrowed", "widened",
    "months behind", "SWE-bench Verified", "MMLU", "GPQA Diamond", "HumanEval", "Arena",
    "scores", "points", "%", "71.2", "6", "3.5x", "$2", "per million tokens", "Elo", "1400",
    "we estimate", "70%", "probability", "by 2027", "might", "according to", "said",
    "\n", "\n\n", ". ", ", ", " ", "(", ")", "|", "\u00a0", "\u2014", "\u00e9", "\U0001f600",
    "\u200b", "\ufeff", "\r\n", "\t",
]
texts = st.one_of(
    st.lists(st.sampled_from(VOCAB), max_size=60).map("".join),
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(VOCAB), st.text(max_size=8)), max_size=40).map("".join),
)


def _check_span(text: str, start: int, end: int) -> None:
    assert isinstance(start, int) and isinstance(end, int)
    assert 0 <= start <= end <= len(text), (start, end, len(text))


def _norm(s: str) -> str:
    return " ".join(s.split())


def check_extraction(text: str, ex: Extraction) -> None:
    assert isinstance(ex, Extraction) and ex.extractor_version
    for m in ex.models:
        _check_span(text, m.start, m.end)
        assert text[m.start:m.end] == m.mention and m.canonical
        assert m.openness in OPENNESS
    for b in ex.benchmarks:
        _check_span(text, b.start, b.end)
        assert text[b.start:b.end] == b.mention and b.canonical
    for f in ex.figures:
        _check_span(text, f.start, f.end)
        assert f.kind in FIGURE_KINDS and math.isfinite(f.value)
        assert f.value_high is None or math.isfinite(f.value_high)
    for c in ex.claims:
        _check_span(text, c.start, c.end)
        assert c.stance in STANCES and isinstance(c.hedged, bool)
        assert c.dimensions and set(c.dimensions) <= set(DIMENSIONS)
        assert c.text.strip() and _norm(c.text) == _norm(text[c.start:c.end])
    for fc in ex.forecasts:
        _check_span(text, fc.start, fc.end)
        assert 0.0 <= fc.probability <= 1.0 and isinstance(fc.conditional, bool)
        assert _norm(fc.sentence) == _norm(text[fc.start:fc.end])


@FAST
@given(texts)
def test_any_text_gives_a_valid_extraction(text: str) -> None:
    record(inputs=1)
    check_extraction(text, get_extractor().extract(text))


def test_extraction_properties_hold_on_a_text_that_finds_things() -> None:
    """Guard against a vacuous property: this text must produce every kind of record."""
    text = ("Llama 4 scores 71.2% on SWE-bench Verified, only 3 points behind GPT-5, so "
            "open-weight models have narrowed the gap. We estimate a 70% probability that "
            "an open model matches the frontier by 2027.")
    ex = get_extractor().extract(text)
    check_extraction(text, ex)
    assert ex.models and ex.benchmarks and ex.figures and ex.claims


feed_like = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from([
        b'<?xml version="1.0"?>', b"<rss version=\"2.0\">", b"<channel>", b"<item>", b"</item>",
        b"<title>", b"</title>", b"<link>http://example.org/a</link>", b"<feed xmlns=\"http"
        b"://www.w3.org/2005/Atom\">", b"<entry>", b"</entry>", b"<id>x</id>", b"&amp;", b"&",
        b"<!DOCTYPE x [<!ENTITY e \"eee\">]>", b"&e;", b"<![CDATA[", b"]]>", b"\x00", b"\xff",
        b"<description>&lt;p&gt;hi&lt;/p&gt;</description>", b"</channel></rss>", b"</feed>",
        b"<pubDate>Mon, 32 Foo 2025</pubDate>", b"<updated>2025-13-45T99:99:99Z</updated>",
    ]), max_size=30).map(b"".join),
)
html_like = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from([
        b"<html>", b"<body>", b"<p>", b"</p>", b"<table><tr><td>", b"71.2", b"</td></tr>",
        b"<sup>1</sup>", b"<script>x</script>", b"<meta charset=\"shift_jis\">", b"\xef\xbb\xbf",
        b"<title>t</title>", b"<article>", b"Open models trail by months. ", b"<div>", b"</div>",
        b"%PDF-", b"\x00", b"\x89PNG", b"{\"a\": 1}", b"<!DOCTYPE html>",
        b"<?xml version=\"1.0\"?>",
        b"<meta property=\"article:published_time\" content=\"2025-99-01\">", b"\xe9\xff",
    ]), max_size=40).map(b"".join),
)
content_types = st.sampled_from([None, "text/html", "text/html; charset=utf-16",
                                 "text/html; charset=bogus", "application/rss+xml",
                                 "application/pdf", "text/plain; charset=latin-1"])


@FAST
@given(feed_like, content_types)
def test_any_bytes_to_parse_feed_give_a_feed_or_a_parse_error(data: bytes, ctype: str | None
                                                              ) -> None:
    record(inputs=1)
    try:
        out = parse_feed(data, url="http://example.org/feed", content_type=ctype)
    except ParseError:
        return
    assert isinstance(out, ParsedFeed)
    for e in out.entries:
        assert e.entry_id and (e.published_at is None or e.published_at.tzinfo is not None)


@FAST
@given(html_like, content_types)
def test_any_bytes_to_parse_article_give_an_article_or_a_parse_error(data: bytes,
                                                                     ctype: str | None) -> None:
    record(inputs=1)
    try:
        out = parse_article(data, "http://example.org/a", ctype)
    except ParseError:
        return
    assert isinstance(out, Article) and out.text.strip()
    assert "\x00" not in out.text


@FAST
@given(feed_like)
def test_any_bytes_to_parse_arxiv_give_papers_or_a_parse_error(data: bytes) -> None:
    record(inputs=1)
    try:
        out = parse_arxiv(data)
    except ParseError:
        return
    assert isinstance(out, tuple) and all(isinstance(p, Paper) for p in out)
