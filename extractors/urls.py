"""URL canonicalisation (the dedup key) and arXiv URL helpers.

The same article reaches us through feeds, newsletters and social shares with
different tracking junk, ports, fragments and host case; canonical_url maps
all of those to one string so storage can dedup on it.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

import idna

from extractors.errors import InvalidURLError

# Query keys that only identify the click, never the content (compared lowercased).
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
        "li_fat_id", "mc_cid", "mc_eid", "igshid", "igsh", "ref", "ref_src", "ref_url",
        "_hsenc", "_hsmi", "__hssc", "__hstc", "__hsfp", "hsctatracking", "mkt_tok", "spm",
        "cmpid", "s_cid", "ncid", "ocid", "sr_share", "_ga", "_gl", "oly_anon_id", "oly_enc_id",
        "vero_id", "vero_conv", "wickedid", "rb_clickid", "__twitter_impression", "soc_src",
        "soc_trk", "trk", "trkcampaign", "cid_source", "guccounter", "guce_referrer",
        "guce_referrer_sig", "ito", "campaign_id", "ad_id", "xtor", "at_medium", "at_campaign",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "hsa_", "mtm_")

DEFAULT_PORTS = {"http": 80, "https": 443}

# Characters left as they are when re-quoting a path or query: RFC 3986 reserved
# and unreserved sets plus "%", so existing escapes survive untouched.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = "/?%:@!$&'()*+,;=-._~"
_PCT_RE = re.compile(r"%[0-9a-fA-F]{2}")
_SLASHES_RE = re.compile(r"/{2,}")


def _host(hostname: str) -> str:
    """Lowercase, strip the trailing root dot, IDNA-encode (UTS 46) the host."""
    host = hostname.strip().rstrip(".").lower()
    if not host:
        raise InvalidURLError("URL has no host")
    if ":" in host:  # IPv6 literal: urlsplit removed the brackets
        return f"[{host}]"
    if host.isascii():
        if not re.fullmatch(r"[a-z0-9._~!$&'()*+,;=%-]+", host):
            raise InvalidURLError(f"invalid host {hostname!r}")
        return host
    try:
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InvalidURLError(f"host {hostname!r} cannot be IDNA-encoded: {exc}") from exc


def _upper_escapes(s: str) -> str:
    return _PCT_RE.sub(lambda m: m.group(0).upper(), s)


def _path(path: str) -> str:
    """Collapse "//", resolve "." and ".." segments, quote unsafe chars; keep case."""
    path = _SLASHES_RE.sub("/", path or "/")
    if not path.startswith("/"):
        path = "/" + path
    segments = path.split("/")[1:]
    out: list[str] = []
    for i, seg in enumerate(segments):
        last = i == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
            continue
        if seg == "..":
            if out:
                out.pop()
            if last:
                out.append("")
            continue
        out.append(seg)
    resolved = "/" + "/".join(out)
    return _upper_escapes(quote(resolved, safe=_PATH_SAFE))


def _is_tracking(key: str) -> bool:
    k = unquote(key).strip().lower()
    return k in TRACKING_PARAMS or k.startswith(TRACKING_PREFIXES)


def _query(query: str) -> str:
    """Drop tracking params and sort the rest; pairs are kept as written (no re-encoding)."""
    pairs = []
    for pair in query.split("&"):
        if not pair:
            continue
        key = pair.split("=", 1)[0]
        if not key or _is_tracking(key):
            continue
        pairs.append(_upper_escapes(quote(pair, safe=_QUERY_SAFE)))
    pairs.sort(key=lambda p: (p.split("=", 1)[0], p))
    return "&".join(pairs)


def canonical_url(url: str, base: str | None = None) -> str:
    """The one spelling of a URL that storage dedups on.

    Resolves against base, lowercases scheme and host, IDNA-encodes the host,
    drops default ports, fragments and tracking params, sorts the query,
    collapses "//" and dot segments, and keeps path case. Raises
    InvalidURLError for anything that is not an absolute http(s) URL.
    """
    if not isinstance(url, str) or not url.strip():
        raise InvalidURLError("empty URL")
    raw = url.strip()
    try:
        if base:
            raw = urljoin(base.strip(), raw)
        parts = urlsplit(raw)
        port = parts.port
        hostname = parts.hostname
    except ValueError as exc:  # bad port, bad IPv6 literal
        raise InvalidURLError(f"malformed URL {url!r}: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise InvalidURLError(f"not an http(s) URL: {url!r}")
    if not hostname:
        raise InvalidURLError(f"URL has no host: {url!r}")
    netloc = _host(hostname)
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    if userinfo:
        netloc = f"{userinfo}@{netloc}"
    return urlunsplit((scheme, netloc, _path(parts.path), _query(parts.query), ""))


# ---------------------------------------------------------------- arXiv

# New style: YYMM.NNNN (2007-2014) or YYMM.NNNNN (2015-); old style: archive[.SC]/YYMMNNN.
ARXIV_NEW_RE = r"\d{4}\.\d{4,5}"
ARXIV_OLD_RE = r"[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]{2})?/\d{7}"
_ARXIV_ID_RE = re.compile(rf"(?P<id>{ARXIV_NEW_RE}|{ARXIV_OLD_RE})(?:v(?P<version>\d+))?")
_ARXIV_URL_RE = re.compile(
    r"^(?:https?://)?(?:export\.|www\.)?arxiv\.org/(?:abs|pdf|html)/(?P<rest>.+?)(?:\.pdf)?/?$",
    re.IGNORECASE,
)


def split_arxiv_id(value: str) -> tuple[str, int | None]:
    """("2609.01234", 2) from "2609.01234v2", "arXiv:2609.01234v2" or an abs/pdf URL.

    Raises InvalidURLError when the value holds no arXiv identifier.
    """
    s = (value or "").strip()
    m_url = _ARXIV_URL_RE.match(s)
    if m_url:
        s = m_url.group("rest")
    if s.lower().startswith("arxiv:"):
        s = s[6:]
    m = _ARXIV_ID_RE.fullmatch(s)
    if not m:
        raise InvalidURLError(f"not an arXiv identifier: {value!r}")
    version = m.group("version")
    return m.group("id"), int(version) if version else None


def arxiv_abs_url(arxiv_id: str) -> str:
    """https://arxiv.org/abs/<id>, version dropped so every version dedups together."""
    bare, _ = split_arxiv_id(arxiv_id)
    return f"https://arxiv.org/abs/{bare}"


def arxiv_html_url(arxiv_id: str, version: int | None = None) -> str | None:
    """arXiv's own HTML rendering; None for old-style ids, which predate it."""
    bare, parsed_version = split_arxiv_id(arxiv_id)
    if not re.fullmatch(ARXIV_NEW_RE, bare):
        return None
    v = version if version is not None else parsed_version
    return f"https://arxiv.org/html/{bare}v{v}" if v else f"https://arxiv.org/html/{bare}"
