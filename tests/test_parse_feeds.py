"""parse_feed on RSS 2.0, Atom and RDF bytes, and on things that are not feeds."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from extractors.errors import FeedParseError, ParseError
from extractors.feeds import parse_feed
from extractors.text import html_to_text

FEED_URL = "https://blog.example.com/feeds/main.xml"

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
  <title>Gap  Watch   Blog</title>
  <link>https://blog.example.com/</link>
  <description>Open vs closed</description>
  <item>
    <title>Open model closes in on GPQA</title>
    <link>https://blog.example.com/posts/open-gpqa</link>
    <guid isPermaLink="false">post-1001</guid>
    <pubDate>Tue, 04 Mar 2025 10:00:00 +0200</pubDate>
    <dc:creator>Jane Roe</dc:creator>
    <category>benchmarks</category>
    <category>open-weights</category>
    <description>&lt;p&gt;Short &amp;amp; sweet &lt;b&gt;summary&lt;/b&gt;.&lt;/p&gt;
      &lt;p&gt;Second&#160;para.&lt;/p&gt;</description>
    <content:encoded><![CDATA[<h2>Heading</h2><p>Full   text with <a href="/x">a link</a>.</p>
      <ul><li>point one</li><li>point two</li></ul>
      <table><tr><th>Model</th><th>GPQA</th></tr><tr><td>Open-70B</td><td>71.2</td></tr></table>
      <script>var tracking = 1;</script><p>Caf&eacute; &lt;tag&gt;</p>]]></content:encoded>
  </item>
  <item>
    <title>No guid here</title>
    <link>/posts/relative-link</link>
    <pubDate>Wed, 05 Mar 2025 08:30:00 GMT</pubDate>
  </item>
  <item>
    <title>Neither guid nor link nor date</title>
    <description>Plain words.</description>
  </item>
  <item>
    <title>Weird date</title>
    <guid>https://blog.example.com/posts/weird</guid>
    <pubDate>sometime last week</pubDate>
  </item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title type="text">Lab Updates</title>
  <link rel="alternate" href="https://lab.example.org/"/>
  <id>tag:lab.example.org,2025:feed</id>
  <updated>2025-02-01T17:00:00Z</updated>
  <entry>
    <title type="html">Release &amp;lt;v2&amp;gt; notes</title>
    <id>tag:lab.example.org,2025:entry-1</id>
    <link rel="alternate" type="text/html" href="/news/v2"/>
    <link rel="enclosure" href="https://lab.example.org/v2.pdf"/>
    <updated>2025-02-01T12:00:00-05:00</updated>
    <author><name>Ann Analyst</name></author>
    <author><name>Ben Builder</name></author>
    <category term="release"/>
    <summary>Short summary.</summary>
    <content type="html">&lt;p&gt;Short.&lt;/p&gt;</content>
    <content type="html">&lt;p&gt;This is the much longer content block
      of the entry.&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>Only created date</title>
    <id>tag:lab.example.org,2025:entry-2</id>
    <link href="https://lab.example.org/news/created"/>
    <created>2025-01-15T09:00:00Z</created>
  </entry>
</feed>
"""

RDF = b"""<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
         xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://papers.example.net/">
    <title>RDF Papers</title>
    <link>https://papers.example.net/</link>
    <items><rdf:Seq><rdf:li rdf:resource="https://papers.example.net/p/1"/></rdf:Seq></items>
  </channel>
  <item rdf:about="https://papers.example.net/p/1">
    <title>An RDF item</title>
    <link>https://papers.example.net/p/1</link>
    <description>Some &lt;i&gt;italic&lt;/i&gt; abstract.</description>
    <dc:date>2025-03-01T08:00:00+01:00</dc:date>
    <dc:creator>Carla Coder</dc:creator>
  </item>
</rdf:RDF>
"""

HTML_PAGE = b"""<!DOCTYPE html><html><head><title>Welcome</title></head>
<body><h1>Not a feed</h1><p>This is a normal web page.</p></body></html>"""


def test_rss_entries_basic_fields() -> None:
    feed = parse_feed(RSS, FEED_URL, "application/rss+xml; charset=utf-8")
    assert feed.title == "Gap Watch Blog"
    assert feed.link == "https://blog.example.com/"
    assert feed.warning is None
    assert len(feed.entries) == 4
    first = feed.entries[0]
    assert first.entry_id == "post-1001"
    assert first.link == "https://blog.example.com/posts/open-gpqa"
    assert first.title == "Open model closes in on GPQA"
    assert first.authors == ("Jane Roe",)
    assert first.tags == ("benchmarks", "open-weights")


def test_rss_dates_are_aware_utc_and_raw_is_kept() -> None:
    first = parse_feed(RSS, FEED_URL).entries[0]
    assert first.published_at == datetime(2025, 3, 4, 8, 0, tzinfo=UTC)
    assert first.published_at.utcoffset().total_seconds() == 0
    assert first.published_raw == "Tue, 04 Mar 2025 10:00:00 +0200"


def test_rss_summary_and_content_are_plain_text() -> None:
    first = parse_feed(RSS, FEED_URL).entries[0]
    assert first.summary == "Short & sweet summary.\nSecond para."
    assert first.content is not None
    lines = first.content.split("\n")
    assert lines[0] == "Heading"
    assert "Full text with a link." in lines
    assert "- point one" in lines
    assert "Model | GPQA" in lines
    assert "Open-70B | 71.2" in lines
    assert "Café <tag>" in lines
    assert "tracking" not in first.content
    assert "<" not in first.content.replace("<tag>", "")


def test_entry_without_guid_uses_link_resolved_against_feed_url() -> None:
    second = parse_feed(RSS, FEED_URL).entries[1]
    assert second.link == "https://blog.example.com/posts/relative-link"
    assert second.entry_id == second.link
    assert second.published_at == datetime(2025, 3, 5, 8, 30, tzinfo=UTC)


def test_entry_without_guid_link_or_date_gets_stable_hash_id() -> None:
    third = parse_feed(RSS, FEED_URL).entries[2]
    expected = "sha1:" + hashlib.sha1(b"Neither guid nor link nor date|").hexdigest()
    assert third.entry_id == expected
    assert third.link is None
    assert third.published_at is None and third.published_raw is None
    assert third.summary == "Plain words."
    # same bytes, same id: re-polling must not create duplicates
    assert parse_feed(RSS, FEED_URL).entries[2].entry_id == expected


def test_unparseable_date_keeps_raw_and_gives_none() -> None:
    fourth = parse_feed(RSS, FEED_URL).entries[3]
    assert fourth.published_at is None
    assert fourth.published_raw == "sometime last week"
    # permalink guid with no <link>: feedparser lends it as the link
    assert fourth.entry_id == "https://blog.example.com/posts/weird"


def test_atom_entry() -> None:
    feed = parse_feed(ATOM, "https://lab.example.org/feed.atom", "application/atom+xml")
    assert feed.title == "Lab Updates"
    entry = feed.entries[0]
    assert entry.title == "Release <v2> notes"
    assert entry.entry_id == "tag:lab.example.org,2025:entry-1"
    assert entry.link == "https://lab.example.org/news/v2"
    # Atom has no <published> here: updated is used, converted to UTC
    assert entry.published_at == datetime(2025, 2, 1, 17, 0, tzinfo=UTC)
    assert entry.published_raw == "2025-02-01T12:00:00-05:00"
    assert entry.authors == ("Ann Analyst", "Ben Builder")
    assert entry.tags == ("release",)
    assert entry.summary == "Short summary."
    assert entry.content == "This is the much longer content block of the entry."


def test_atom_created_is_last_resort_date() -> None:
    entry = parse_feed(ATOM).entries[1]
    assert entry.published_raw == "2025-01-15T09:00:00Z"
    assert entry.published_at == datetime(2025, 1, 15, 9, 0, tzinfo=UTC)


def test_rdf_feed() -> None:
    feed = parse_feed(RDF, "https://papers.example.net/index.rdf")
    assert feed.title == "RDF Papers"
    (entry,) = feed.entries
    assert entry.link == "https://papers.example.net/p/1"
    assert entry.summary == "Some italic abstract."
    assert entry.authors == ("Carla Coder",)
    assert entry.published_at == datetime(2025, 3, 1, 7, 0, tzinfo=UTC)


def test_relative_links_without_feed_url_are_returned_as_given() -> None:
    entry = parse_feed(RSS).entries[1]
    assert entry.link == "/posts/relative-link"


def test_html_page_is_not_a_feed() -> None:
    with pytest.raises(FeedParseError) as info:
        parse_feed(HTML_PAGE, "https://example.com/", "text/html; charset=utf-8")
    assert "not a feed" in info.value.message
    # feedparser's own complaint is part of the message
    assert "text/html" in info.value.message
    assert isinstance(info.value, ParseError)


def test_html_page_without_content_type_is_not_a_feed() -> None:
    with pytest.raises(FeedParseError, match="not a feed"):
        parse_feed(HTML_PAGE)


def test_truncated_before_any_item_raises_with_parser_message() -> None:
    cut = RSS[: RSS.index(b"<item>")]
    with pytest.raises(FeedParseError) as info:
        parse_feed(cut, FEED_URL, "application/rss+xml")
    assert info.value.message.startswith("malformed feed")
    assert "SAXParseException" in info.value.message


def test_truncated_mid_feed_keeps_recovered_entries_with_warning() -> None:
    cut = RSS[: RSS.index(b"<title>Weird date")]
    feed = parse_feed(cut, FEED_URL, "application/rss+xml")
    assert feed.warning is not None
    assert [e.title for e in feed.entries][:3] == [
        "Open model closes in on GPQA",
        "No guid here",
        "Neither guid nor link nor date",
    ]


def test_encoding_override_is_a_warning_not_an_error() -> None:
    latin = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf\xe9</title>'
        "<item><title>R\xe9sum\xe9</title><guid>x1</guid></item></channel></rss>"
    ).encode("latin-1")
    feed = parse_feed(latin, None, "application/rss+xml; charset=utf-8")
    assert feed.warning is not None and "CharacterEncodingOverride" in feed.warning
    assert feed.entries[0].title == "Résumé"


def test_valid_empty_feed_is_not_an_error() -> None:
    empty = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>'
    feed = parse_feed(empty)
    assert feed.entries == ()
    assert feed.title == "Quiet"
    assert feed.warning is None


@pytest.mark.parametrize(
    "data", [b"", b"   \n", b"\x00\x01\x02garbage", b"%PDF-1.7\n%\xe2\xe3", b"{}"]
)
def test_garbage_raises_feed_parse_error(data: bytes) -> None:
    with pytest.raises(FeedParseError):
        parse_feed(data)


def test_bytes_naming_a_local_file_are_not_opened(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # feedparser opens a bare string/bytes argument as a path if it can; we must not
    secret = tmp_path / "feed.xml"
    secret.write_bytes(RSS)
    with pytest.raises(FeedParseError):
        parse_feed(str(secret).encode())


def test_html_to_text_blocks_entities_and_scripts() -> None:
    html = (
        "<div>One<br>Two</div><p>A &amp; B&nbsp;&nbsp;C</p><style>p{}</style>"
        "<ol><li>x</li><li>y</li></ol><!-- hidden -->tail"
    )
    assert html_to_text(html) == "One\nTwo\nA & B C\n- x\n- y\ntail"
    assert html_to_text("") == ""
    assert html_to_text("<p>   </p>") == ""
    assert html_to_text("plain & simple < text") == "plain & simple < text"


def test_html_to_text_source_newlines_are_spaces_except_in_pre() -> None:
    html = "<p>one sentence\n  continues here</p><pre>line 1\nline 2</pre>"
    assert html_to_text(html) == "one sentence continues here\nline 1\nline 2"


def test_entity_declarations_are_refused() -> None:
    import pytest

    from extractors.errors import FeedParseError
    from extractors.feeds import parse_feed

    laughs = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><rss version="2.0"><channel>'
              b"<title>&lol2;</title><item><title>x</title><link>https://a.example/x</link>"
              b"</item></channel></rss>")
    xxe = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           b'<rss version="2.0"><channel><title>&xxe;</title></channel></rss>')
    for data in (laughs, xxe):
        with pytest.raises(FeedParseError, match="declares XML entities"):
            parse_feed(data)
