"""parse_arxiv on arXiv API Atom responses; paper_html_text on an arXiv HTML page."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from extractors.errors import NotHTMLError, PaperParseError, ParseError
from extractors.papers import paper_html_text, parse_arxiv

TWO_ENTRIES = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?id_list%3D2609.01234%2Chep-th%2F9901001" rel="self"
        type="application/atom+xml"/>
  <title type="html">ArXiv Query: id_list=2609.01234,hep-th/9901001</title>
  <id>http://arxiv.org/api/Zm9vYmFy</id>
  <updated>2026-09-10T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
    >2</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
    >0</opensearch:startIndex>
  <entry>
    <id>http://arxiv.org/abs/2609.01234v2</id>
    <updated>2026-09-08T17:30:00Z</updated>
    <published>2026-09-01T12:00:00-04:00</published>
    <title>Measuring the Gap:
  Open-Weight versus   Closed Frontier Models</title>
    <summary>  We compare open-weight and closed models on twelve
benchmarks and find a lag of roughly
six months.
</summary>
    <author><name>Ada Lovelace</name>
      <arxiv:affiliation xmlns:arxiv="http://arxiv.org/schemas/atom"
        >Analytical Lab</arxiv:affiliation>
    </author>
    <author><name>Alan Turing</name></author>
    <arxiv:comment xmlns:arxiv="http://arxiv.org/schemas/atom">12 pages, 3 tables</arxiv:comment>
    <link href="http://arxiv.org/abs/2609.01234v2" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/2609.01234v2" rel="related"
          type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.CL"
      scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CL" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.LG" scheme="http://arxiv.org/schemas/atom"/>
    <category term="I.2.7" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
  <entry>
    <id>http://arxiv.org/abs/hep-th/9901001v1</id>
    <updated>1999-01-04T10:00:00-05:00</updated>
    <published>1999-01-04T10:00:00-05:00</published>
    <title>A Paper From Before New-Style Identifiers</title>
    <summary>Old-style abstract text.</summary>
    <author><name>Old Author</name></author>
    <link href="http://arxiv.org/abs/hep-th/9901001v1" rel="alternate" type="text/html"/>
    <link title="pdf" href="http://arxiv.org/pdf/hep-th/9901001v1" rel="related"
          type="application/pdf"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="hep-th"
      scheme="http://arxiv.org/schemas/atom"/>
    <category term="hep-th" scheme="http://arxiv.org/schemas/atom"/>
    <category term="gr-qc" scheme="http://arxiv.org/schemas/atom"/>
  </entry>
</feed>
"""

ERROR_RESPONSE = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?id_list%3D1234.12345" rel="self"
        type="application/atom+xml"/>
  <title type="html">ArXiv Query: id_list=1234.12345</title>
  <id>http://arxiv.org/api/abc</id>
  <updated>2026-09-10T00:00:00-04:00</updated>
  <entry>
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.12345</summary>
    <updated>2026-09-10T00:00:00-04:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.12345"
          rel="alternate" type="text/html"/>
    <author><name>arXiv api core</name></author>
  </entry>
</feed>
"""

EMPTY_RESPONSE = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="html">ArXiv Query: search_query=all:nothingmatches</title>
  <id>http://arxiv.org/api/xyz</id>
  <updated>2026-09-10T00:00:00-04:00</updated>
</feed>
"""


def test_new_style_entry() -> None:
    papers = parse_arxiv(TWO_ENTRIES)
    assert len(papers) == 2
    p = papers[0]
    assert p.arxiv_id == "2609.01234"
    assert p.version == 2
    assert p.title == "Measuring the Gap: Open-Weight versus Closed Frontier Models"
    assert p.abstract == (
        "We compare open-weight and closed models on twelve benchmarks and find a lag of "
        "roughly six months."
    )
    assert p.authors == ("Ada Lovelace", "Alan Turing")
    assert p.categories == ("cs.CL", "cs.LG", "I.2.7")
    assert p.primary_category == "cs.CL"
    assert p.published_at == datetime(2026, 9, 1, 16, 0, tzinfo=UTC)
    assert p.updated_at == datetime(2026, 9, 8, 17, 30, tzinfo=UTC)
    assert p.abs_url == "https://arxiv.org/abs/2609.01234"
    assert p.pdf_url == "https://arxiv.org/pdf/2609.01234v2"
    assert p.html_url == "https://arxiv.org/html/2609.01234v2"
    assert p.text.split("\n") == [p.title, p.abstract]


def test_old_style_entry() -> None:
    p = parse_arxiv(TWO_ENTRIES)[1]
    assert p.arxiv_id == "hep-th/9901001"
    assert p.version == 1
    assert p.categories == ("hep-th", "gr-qc")
    assert p.primary_category == "hep-th"
    assert p.abs_url == "https://arxiv.org/abs/hep-th/9901001"
    assert p.pdf_url == "https://arxiv.org/pdf/hep-th/9901001v1"
    assert p.html_url is None  # arXiv HTML renderings do not exist for pre-2007 ids
    assert p.published_at == datetime(1999, 1, 4, 15, 0, tzinfo=UTC)


def test_version_taken_from_links_when_id_has_none() -> None:
    data = TWO_ENTRIES.replace(
        b"<id>http://arxiv.org/abs/2609.01234v2</id>", b"<id>http://arxiv.org/abs/2609.01234</id>"
    )
    p = parse_arxiv(data)[0]
    assert (p.arxiv_id, p.version) == ("2609.01234", 2)


def test_error_response_raises_with_arxiv_message() -> None:
    with pytest.raises(PaperParseError) as info:
        parse_arxiv(ERROR_RESPONSE)
    assert "incorrect id format for 1234.12345" in info.value.message
    assert isinstance(info.value, ParseError)


def test_empty_result_is_valid() -> None:
    assert parse_arxiv(EMPTY_RESPONSE) == ()


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><body><h1>503 Service Unavailable</h1></body></html>",
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>',
        TWO_ENTRIES[:200],
        b'{"error": "rate limited"}',
    ],
)
def test_non_atom_input_raises(data: bytes) -> None:
    with pytest.raises(PaperParseError):
        parse_arxiv(data)


def test_entry_with_foreign_id_raises() -> None:
    data = TWO_ENTRIES.replace(
        b"<id>http://arxiv.org/abs/2609.01234v2</id>", b"<id>https://example.com/post/7</id>"
    )
    with pytest.raises(PaperParseError, match="not an arXiv identifier"):
        parse_arxiv(data)


ARXIV_HTML = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Measuring the Gap: Open-Weight versus Closed Frontier Models</title></head>
<body><div class="ltx_page_main"><article class="ltx_document">
<h1 class="ltx_title ltx_title_document">Measuring the Gap</h1>
<div class="ltx_abstract"><h6 class="ltx_title">Abstract</h6>
<p class="ltx_p">We compare open-weight and closed models on twelve benchmarks and find a lag
of roughly six months across reasoning, coding and knowledge tasks.</p></div>
<section class="ltx_section"><h2 class="ltx_title">1 Results</h2>
<div class="ltx_para"><p class="ltx_p">Table 1 reports accuracy for each model. The open model
trails by a few points on every benchmark we tried, with the largest gap on agentic
coding.</p></div>
<figure class="ltx_table"><figcaption>Table 1: Accuracy (%).</figcaption>
<table class="ltx_tabular">
<tr class="ltx_tr"><th class="ltx_td">Model</th><th class="ltx_td">GPQA</th>
<th class="ltx_td">SWE-bench</th></tr>
<tr class="ltx_tr"><td class="ltx_td">Open-70B</td><td class="ltx_td">71.2</td>
<td class="ltx_td">48.0</td></tr>
<tr class="ltx_tr"><td class="ltx_td">Closed-XL</td><td class="ltx_td">74.9</td>
<td class="ltx_td">55.1</td></tr>
</table></figure>
</section></article></div></body></html>
"""


def test_paper_html_text_keeps_table_rows() -> None:
    text = paper_html_text(ARXIV_HTML, "https://arxiv.org/html/2609.01234v2")
    lines = text.split("\n")
    assert "Model | GPQA | SWE-bench" in lines
    assert "Open-70B | 71.2 | 48.0" in lines
    assert any(line.startswith("We compare open-weight and closed models") for line in lines)


def test_paper_html_text_refuses_pdf() -> None:
    with pytest.raises(NotHTMLError):
        paper_html_text(b"%PDF-1.5\n...", "https://arxiv.org/pdf/2609.01234v2")
