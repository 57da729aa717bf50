"""Typed values that travel from parsing to extraction and storage.

Parsers (extractors/feeds.py, articles.py, papers.py) produce FeedEntry, Article
and Paper; the flow turns each into one DocumentInput, the unit that is
extracted and stored in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from models.pickling import quick_pickle


@quick_pickle
@dataclass(frozen=True, slots=True)
class FeedEntry:
    entry_id: str  # guid -> link -> sha1(title|date)
    link: str | None
    title: str | None
    summary: str | None  # plain text
    content: str | None  # plain text of the fullest content block, if any
    published_at: datetime | None  # timezone-aware UTC
    published_raw: str | None  # the string the feed gave
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@quick_pickle
@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str | None
    link: str | None
    entries: tuple[FeedEntry, ...]
    warning: str | None = None  # feedparser's bozo reason when entries survived it


@quick_pickle
@dataclass(frozen=True, slots=True)
class Article:
    url: str
    title: str | None
    text: str  # extracted main text, tables kept as rows of cells
    author: str | None
    published_at: datetime | None
    published_raw: str | None
    site: str | None
    language: str | None = None


@quick_pickle
@dataclass(frozen=True, slots=True)
class Paper:
    arxiv_id: str  # without version, e.g. "2609.01234"
    version: int | None
    title: str
    abstract: str
    authors: tuple[str, ...]
    categories: tuple[str, ...]
    primary_category: str | None
    published_at: datetime | None
    updated_at: datetime | None
    abs_url: str  # https://arxiv.org/abs/<id> (no version)
    pdf_url: str | None
    html_url: str | None

    @property
    def text(self) -> str:
        """A paper's text is its title and abstract, one paragraph each."""
        return f"{self.title}\n{self.abstract}"


@quick_pickle
@dataclass(frozen=True, slots=True)
class DocumentInput:
    """One document ready for extraction and storage."""

    url: str  # canonical URL: the dedup key
    kind: str  # article | feed_entry | paper | file
    title: str | None
    text: str
    source_name: str | None = None
    author: str | None = None
    site: str | None = None
    published_at: datetime | None = None
    published_raw: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Store UTC only: SQLite drops offsets, and date filters compare instants.
        if self.published_at is not None:
            ts = self.published_at
            ts = ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)
            object.__setattr__(self, "published_at", ts)

    @property
    def publisher(self) -> str | None:
        """Who speaks when the text says "we" without naming itself: the site, else the
        author, else the configured source."""
        return self.site or self.author or self.source_name

    @property
    def content_hash(self) -> str:
        """sha256 of the normalised text: equal text, equal hash."""
        norm = " ".join(self.text.split())
        return hashlib.sha256(norm.encode("utf-8")).hexdigest()
