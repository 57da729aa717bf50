"""canonical_url and the arXiv URL helpers."""

from __future__ import annotations

import pytest

from extractors.errors import InvalidURLError, ParseError
from extractors.urls import arxiv_abs_url, arxiv_html_url, canonical_url, split_arxiv_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://Example.COM/Path/To/Page", "https://example.com/Path/To/Page"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com?", "https://example.com/"),
        ("https://example.com/a?", "https://example.com/a"),
        ("https://example.com/a#section-2", "https://example.com/a"),
        ("https://example.com//a///b/./c/", "https://example.com/a/b/c/"),
        ("https://example.com/a/b/../c", "https://example.com/a/c"),
        ("https://example.com/a/.", "https://example.com/a/"),
        ("https://example.com./a", "https://example.com/a"),
        ("  https://example.com/a  ", "https://example.com/a"),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
        ("https://bücher.example/x", "https://xn--bcher-kva.example/x"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
    ],
)
def test_canonical_url_normalises(raw: str, expected: str) -> None:
    assert canonical_url(raw) == expected


def test_tracking_params_removed_and_rest_sorted() -> None:
    url = (
        "https://example.com/post?utm_source=x&b=2&UTM_Medium=y&fbclid=abc&a=1&gclid=g"
        "&mc_cid=1&mc_eid=2&igshid=i&ref=hn&ref_src=twsrc&_hsenc=h&_hsmi=m&mkt_tok=t"
        "&yclid=y&spm=s&cmpid=c&s_cid=s"
    )
    assert canonical_url(url) == "https://example.com/post?a=1&b=2"


def test_only_tracking_params_leaves_no_question_mark() -> None:
    assert canonical_url("https://example.com/p?utm_source=feed#top") == "https://example.com/p"


def test_query_values_kept_verbatim_and_blank_keys_survive() -> None:
    # "+" and escapes are not re-encoded; a key without "=" stays a key without "="
    got = canonical_url("https://example.com/s?q=a+b&flag&x=%2f&&z=")
    assert got == "https://example.com/s?flag&q=a+b&x=%2F&z="


def test_same_params_in_any_order_give_same_url() -> None:
    a = canonical_url("https://example.com/s?b=2&a=1&utm_campaign=z")
    b = canonical_url("https://EXAMPLE.com:443/s?a=1&b=2#frag")
    assert a == b


def test_path_case_is_kept() -> None:
    assert canonical_url("https://example.com/CaseMatters") != canonical_url(
        "https://example.com/casematters"
    )


def test_relative_url_resolved_against_base() -> None:
    base = "https://blog.example.com/posts/2025/index.html"
    assert canonical_url("../about?utm_source=x", base) == "https://blog.example.com/posts/about"
    assert canonical_url("/feed", base) == "https://blog.example.com/feed"
    assert canonical_url("//cdn.example.com/x", base) == "https://cdn.example.com/x"
    assert canonical_url("#only-fragment", base) == base


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "ftp://example.com/file",
        "mailto:someone@example.com",
        "javascript:alert(1)",
        "/relative/without/base",
        "https://",
        "http:///path-only",
        "https://example.com:notaport/",
        "https://exa mple.com/",
    ],
)
def test_invalid_urls_raise_typed_error(bad: str) -> None:
    with pytest.raises(InvalidURLError) as info:
        canonical_url(bad)
    assert isinstance(info.value, ParseError)


def test_relative_against_non_http_base_is_invalid() -> None:
    with pytest.raises(InvalidURLError):
        canonical_url("page", "file:///etc/")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2609.01234", ("2609.01234", None)),
        ("2609.01234v2", ("2609.01234", 2)),
        ("arXiv:2609.01234v12", ("2609.01234", 12)),
        ("0704.0001", ("0704.0001", None)),
        ("hep-th/9901001v1", ("hep-th/9901001", 1)),
        ("math.GT/0309136", ("math.GT/0309136", None)),
        ("http://arxiv.org/abs/2609.01234v3", ("2609.01234", 3)),
        ("https://arxiv.org/pdf/2609.01234v1.pdf", ("2609.01234", 1)),
        ("http://arxiv.org/abs/cond-mat/0102536v2", ("cond-mat/0102536", 2)),
    ],
)
def test_split_arxiv_id(value: str, expected: tuple[str, int | None]) -> None:
    assert split_arxiv_id(value) == expected


def test_arxiv_abs_url_drops_version_and_uses_https() -> None:
    assert arxiv_abs_url("2609.01234v2") == "https://arxiv.org/abs/2609.01234"
    assert arxiv_abs_url("hep-th/9901001v1") == "https://arxiv.org/abs/hep-th/9901001"


def test_arxiv_html_url() -> None:
    assert arxiv_html_url("2609.01234", 3) == "https://arxiv.org/html/2609.01234v3"
    assert arxiv_html_url("2609.01234v2") == "https://arxiv.org/html/2609.01234v2"
    assert arxiv_html_url("hep-th/9901001", 1) is None


@pytest.mark.parametrize("bad", ["", "not-an-id", "2609.123", "https://example.com/abs/2609.01234"])
def test_bad_arxiv_ids_raise(bad: str) -> None:
    with pytest.raises(InvalidURLError):
        arxiv_abs_url(bad)
