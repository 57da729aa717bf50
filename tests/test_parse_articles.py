"""parse_article: decoding, non-HTML refusal, main text with tables as rows, metadata."""

from __future__ import annotations

import codecs
from datetime import UTC, datetime

import pytest

from extractors.articles import decode_html, parse_article
from extractors.errors import ArticleParseError, NotHTMLError, ParseError

URL = "https://news.example.com/2025/03/open-model-gap"

FILLER = (
    "Independent evaluators reran the suite with identical prompts and sampling settings, "
    "and they published every transcript so that others can check the numbers themselves."
)

BENCH_PAGE = f"""<!DOCTYPE html>
<html lang="en-US">
<head>
  <meta charset="utf-8">
  <title>Open model narrows the gap | Example News</title>
  <meta property="og:site_name" content="Example News">
  <meta name="author" content="Jane Roe">
  <meta property="article:published_time" content="2025-03-04T23:30:00-05:00">
</head>
<body>
  <nav><a href="/">Home</a> | <a href="/about">About</a> | <a href="/subscribe">Subscribe</a></nav>
  <article>
    <h1>Open model narrows the gap</h1>
    <p>The new open-weight release scores within a few points of the best <b>closed</b>
       systems on graduate-level science questions. {FILLER}</p>
    <h2>Benchmark results</h2>
    <p>The table lists accuracy in percent on each benchmark. {FILLER}</p>
    <table>
      <thead><tr><th>Model</th><th>GPQA</th><th>SWE-bench</th></tr></thead>
      <tbody>
        <tr><td>Open-70B</td><td>71.2<sup>1</sup></td><td>48.0</td></tr>
        <tr><td>Closed-XL</td><td>74.9</td><td><strong>55.1</strong></td></tr>
        <tr><td>Mid-8B</td><td></td><td>30.5</td></tr>
      </tbody>
    </table>
    <ul><li>Gap on GPQA: 3.7 points</li><li>Gap on SWE-bench: 7.1 points</li></ul>
    <p>Analysts say the gap is <em>roughly six months</em> now. {FILLER}</p>
  </article>
  <footer>Copyright 2025 Example News. All rights reserved.</footer>
</body>
</html>
"""


def test_benchmark_table_rows_are_pipe_separated_lines() -> None:
    art = parse_article(BENCH_PAGE.encode("utf-8"), URL, "text/html; charset=utf-8")
    lines = art.text.split("\n")
    assert "Model | GPQA | SWE-bench" in lines
    # the footnote marker must not glue onto the figure (71.2 + "1" -> 71.21)
    assert "Open-70B | 71.2 | 48.0" in lines
    assert "Closed-XL | 74.9 | 55.1" in lines
    # an empty cell keeps its column, so splitting on " | " stays aligned
    assert "Mid-8B |  | 30.5" in lines
    assert lines[lines.index("Model | GPQA | SWE-bench") + 3].split(" | ") == ["Mid-8B", "", "30.5"]
    # no markdown table rule or emphasis marks
    assert "---" not in art.text
    assert "**" not in art.text and "*roughly" not in art.text
    assert not any(line.startswith("#") for line in lines)


def test_paragraphs_headings_and_lists_one_per_line() -> None:
    art = parse_article(BENCH_PAGE.encode("utf-8"), URL)
    lines = art.text.split("\n")
    assert "Benchmark results" in lines
    assert "- Gap on GPQA: 3.7 points" in lines
    assert "- Gap on SWE-bench: 7.1 points" in lines
    para = next(line for line in lines if line.startswith("The new open-weight release"))
    assert "best closed systems" in para  # inline markup dropped, whitespace collapsed
    assert any(line.startswith("Analysts say the gap is roughly six months now.") for line in lines)
    # boilerplate outside the article is not main text
    assert "Subscribe" not in art.text
    assert "All rights reserved" not in art.text


def test_metadata() -> None:
    art = parse_article(BENCH_PAGE.encode("utf-8"), URL)
    assert art.url == URL
    assert art.title == "Open model narrows the gap"
    assert art.author == "Jane Roe"
    assert art.site == "Example News"
    assert art.language == "en"
    # full timestamp from the page metadata, converted to UTC (crosses midnight)
    assert art.published_raw == "2025-03-04T23:30:00-05:00"
    assert art.published_at == datetime(2025, 3, 5, 4, 30, tzinfo=UTC)


def test_date_only_metadata_becomes_midnight_utc() -> None:
    page = BENCH_PAGE.replace(
        '<meta property="article:published_time" content="2025-03-04T23:30:00-05:00">',
        '<meta name="date" content="2024-11-20">',
    )
    art = parse_article(page.encode(), URL)
    assert art.published_at == datetime(2024, 11, 20, tzinfo=UTC)
    assert art.published_raw == "2024-11-20"


LATIN1_PAGE = (
    "<html><head><meta http-equiv='Content-Type' content='text/html; charset=ISO-8859-1'>"
    "<title>R\xe9sum\xe9 des r\xe9sultats</title></head><body><article>"
    "<h1>R\xe9sum\xe9 des r\xe9sultats</h1>"
    "<p>Le mod\xe8le ouvert atteint 71,2 % sur GPQA, \xe0 peine derri\xe8re le mod\xe8le ferm\xe9. "
    "Les \xe9valuations ind\xe9pendantes confirment l'\xe9cart de quelques points seulement.</p>"
    "<p>Les chercheurs pr\xe9voient que l'\xe9cart se r\xe9duira encore cette ann\xe9e, "
    "gr\xe2ce aux nouvelles techniques d'entra\xeenement publi\xe9es r\xe9cemment.</p>"
    "</article></body></html>"
).encode("latin-1")


def test_latin1_page_declared_in_meta_is_decoded() -> None:
    art = parse_article(LATIN1_PAGE, URL)
    assert "Le modèle ouvert atteint 71,2 % sur GPQA" in art.text
    assert "\ufffd" not in art.text
    assert art.title == "Résumé des résultats"


def test_content_type_charset_wins_over_meta() -> None:
    page = LATIN1_PAGE.decode("latin-1").encode("utf-8")  # bytes are UTF-8, meta still says Latin-1
    art = parse_article(page, URL, "text/html; charset=UTF-8")
    assert "Le modèle ouvert" in art.text
    assert "modÃ¨le" not in art.text


def test_boms_are_honoured() -> None:
    html = "<html><body><p>Gr\xfc\xdfe aus M\xfcnchen, ein l\xe4ngerer Absatz.</p></body></html>"
    assert decode_html(codecs.BOM_UTF8 + html.encode("utf-8")) == html
    assert decode_html(codecs.BOM_UTF16_LE + html.encode("utf-16-le")) == html
    # a BOM beats a wrong header
    assert decode_html(codecs.BOM_UTF8 + html.encode("utf-8"), "text/html; charset=latin-1") == html
    art = parse_article(codecs.BOM_UTF16_LE + html.encode("utf-16-le"), URL)
    assert "Grüße aus München" in art.text


def test_unknown_charset_falls_back_to_utf8_with_replacement() -> None:
    data = b"<html><head><meta charset='no-such-charset'></head><body><p>ok \xff</p></body></html>"
    assert decode_html(data) == data.decode("utf-8", errors="replace")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", None),
        (b"%PDF-1.4 served as html", "text/html"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", None),
        (b"PK\x03\x04\x14\x00\x06\x00", None),
        (bytes(range(256)) * 8, None),
        (b'{"title": "<b>json</b>", "items": [1, 2]}', None),
        (b'[{"a": 1}]', "text/html"),
        (b"<html><body><p>fine markup</p></body></html>", "application/pdf"),
        (b"Just a plain text file, no markup at all.\nSecond line.", "text/plain"),
        (b"", None),
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title></channel></rss>',
            "text/xml",
        ),
    ],
)
def test_non_html_input_raises_not_html(data: bytes, content_type: str | None) -> None:
    with pytest.raises(NotHTMLError) as info:
        parse_article(data, URL, content_type)
    assert isinstance(info.value, ArticleParseError)
    assert isinstance(info.value, ParseError)
    assert info.value.message.startswith("not HTML")


def test_fallback_to_title_and_paragraphs_when_trafilatura_finds_nothing() -> None:
    page = b"<html><head><title>Tiny</title></head><body><p>Hi.</p></body></html>"
    art = parse_article(page, URL)
    assert art.title == "Tiny"
    assert "Hi." in art.text


def test_page_with_no_text_raises_article_parse_error() -> None:
    page = b"<html><head><script>var x = 1;</script></head><body><div></div></body></html>"
    with pytest.raises(ArticleParseError) as info:
        parse_article(page, URL)
    assert not isinstance(info.value, NotHTMLError)
    assert info.value.message == "no article text found"


def test_nul_bytes_inside_html_do_not_crash() -> None:
    page = BENCH_PAGE.replace("Analysts say", "Analysts\x00 say").encode()
    art = parse_article(page, URL)
    assert "\x00" not in art.text
    assert "Model | GPQA | SWE-bench" in art.text
