"""SQLModel tables: the database schema.

Timestamps are stored timezone-aware (UTC). Derived rows (mentions, claims,
figures, forecasts) carry the extractor version that produced them; their
unique keys include it, so reloading the same document adds nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Text,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(UTC)


def _ts(index: bool = False, nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(DateTime(timezone=True), index=index,
                                                nullable=nullable))


class Source(SQLModel, table=True):
    """A configured source and its polling state."""

    __tablename__ = "source"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True)
    kind: str  # feed | arxiv | url
    url: str
    interval_seconds: int = 3600  # as configured
    poll_interval_seconds: int = 3600  # adapted: shorter while a source yields, longer when idle
    settings: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    etag: str | None = None
    last_modified: str | None = None
    last_polled_at: datetime | None = _ts()
    last_success_at: datetime | None = _ts()
    next_poll_at: datetime | None = _ts(index=True)
    consecutive_failures: int = 0
    last_error: str | None = None
    created_at: datetime | None = _ts()


class Document(SQLModel, table=True):
    """One article, feed entry or paper, keyed by its canonical URL."""

    __tablename__ = "document"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True)
    content_hash: str = Field(index=True)
    kind: str
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    title: str | None = None
    author: str | None = None
    site: str | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    published_at: datetime | None = _ts(index=True)
    published_raw: str | None = None
    ingested_at: datetime | None = _ts(index=True, nullable=False)
    updated_at: datetime | None = _ts()
    revision: int = 1
    extractor_version: str = Field(index=True)
    meta: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    # Set on a (near-)copy of an earlier document: the earliest one, whose claims count.
    copy_of: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("document.id"), index=True, nullable=True))
    similarity: float | None = None  # MinHash Jaccard estimate to copy_of (1.0: same text)


class Model(SQLModel, table=True):
    """A model known from the registry or discovered in text (openness unknown)."""

    __tablename__ = "model"
    id: str = Field(primary_key=True)
    name: str
    family: str | None = Field(default=None, index=True)
    organization: str | None = Field(default=None, index=True)
    country: str | None = None
    openness: str = Field(default="unknown", index=True)
    in_registry: bool = True


class Benchmark(SQLModel, table=True):
    __tablename__ = "benchmark"
    id: str = Field(primary_key=True)
    name: str
    dimension: str | None = None
    in_registry: bool = True


class Mention(SQLModel, table=True):
    """A model or benchmark named in a document, with its character span."""

    __tablename__ = "mention"
    __table_args__ = (
        UniqueConstraint("document_id", "kind", "start", "end", "extractor_version",
                         name="uq_mention_span"),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    kind: str  # model | benchmark
    canonical: str = Field(index=True)
    mention: str
    start: int
    end: int
    extractor_version: str


class Claim(SQLModel, table=True):
    """A claim sentence with its labels; published/ingested copied for fast filters."""

    __tablename__ = "claim"
    __table_args__ = (
        # Unique among live claims only: superseded claims of earlier revisions keep their
        # old offsets, which the current revision's claims may reuse.
        Index("uq_claim_live_span", "document_id", "start", "end", "extractor_version",
              unique=True, sqlite_where=text("superseded_at IS NULL"),
              postgresql_where=text("superseded_at IS NULL")),
        Index("ix_claim_ingested_id", "ingested_at", "id"),
        Index("ix_claim_published_id", "published_at", "id"),
        # Cluster lookups (storage/dedup.ClusterAssigner): the earliest clustered claim
        # with a text key or a bag key is one index descent.
        Index("ix_claim_text_key_id", "text_key", "id",
              sqlite_where=text("cluster_id IS NOT NULL"),
              postgresql_where=text("cluster_id IS NOT NULL")),
        Index("ix_claim_bag_key_id", "bag_key", "id",
              sqlite_where=text("cluster_id IS NOT NULL"),
              postgresql_where=text("cluster_id IS NOT NULL")),
        # Opening rows of a new document's claims (dedup.refresh_new_openers): the
        # latest claim of a cluster, and its superseded claims, without a cluster scan.
        Index("ix_claim_cluster_ingested", "cluster_id", "ingested_at", "id"),
        Index("ix_claim_cluster_superseded", "cluster_id",
              sqlite_where=text("superseded_at IS NOT NULL"),
              postgresql_where=text("superseded_at IS NOT NULL")),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    source_id: int | None = Field(default=None, index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    stance: str = Field(index=True)
    stance_confidence: float | None = None  # the stance model's probability for it
    hedged: bool = False
    speaker: str | None = None
    extractor_version: str = Field(index=True)
    published_at: datetime | None = _ts()
    ingested_at: datetime | None = _ts(nullable=False)
    cluster_id: int | None = Field(default=None, foreign_key="claim_cluster.id", index=True)
    text_key: str | None = None  # hash of the normalised sentence
    bag_key: str | None = None  # hash of its content words
    origin: str | None = Field(default=None, index=True)  # whose finding it reports
    revision: int = 1  # the document revision that first contained it
    superseded_at: datetime | None = _ts(index=True)  # when a revision dropped it


class ClaimCluster(SQLModel, table=True):
    """One piece of evidence: a claim and every repeat of it, across documents."""

    __tablename__ = "claim_cluster"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)  # text_key of the first claim
    text: str = Field(sa_column=Column(Text, nullable=False))  # the first wording seen
    norm_text: str = Field(sa_column=Column(Text, nullable=False))
    numbers_key: str | None = Field(default=None, index=True)
    origin: str | None = None
    origin_key: str | None = Field(default=None, index=True)  # casefolded origin
    first_document_id: int | None = Field(default=None, foreign_key="document.id")
    first_seen_at: datetime | None = _ts(nullable=False)


class DocumentSignature(SQLModel, table=True):
    """A document's MinHash, to verify LSH candidates without re-reading texts."""

    __tablename__ = "document_signature"
    document_id: int = Field(foreign_key="document.id", primary_key=True)
    minhash: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class LshBand(SQLModel, table=True):
    """The persisted LSH index: one row per (band key, document); looked up by band key."""

    __tablename__ = "lsh_band"
    band_key: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    document_id: int = Field(sa_column=Column(Integer, ForeignKey("document.id"),
                                              primary_key=True, autoincrement=False,
                                              index=True))


class DocumentRevision(SQLModel, table=True):
    """Each distinct content a URL has had, and when it was fetched."""

    __tablename__ = "document_revision"
    __table_args__ = (UniqueConstraint("document_id", "revision", name="uq_document_revision"),)
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    revision: int
    content_hash: str
    title: str | None = None
    fetched_at: datetime | None = _ts(nullable=False)


# What /signals reads, in index order: the covering indexes let PostgreSQL answer it with an
# index-only scan over the window, without touching `claim` or `document`.
_SIGNAL_COLUMNS = ("dimension", "stance", "opens_at", "ingested_at", "superseded_at")
# A row that can open its cluster: a live claim in a document that is not a copy.
OPEN_ROW_SQLITE = "is_copy = 0 AND superseded_at IS NULL"
OPEN_ROW_POSTGRESQL = "NOT is_copy AND superseded_at IS NULL"


class ClaimDimension(SQLModel, table=True):
    """One row per claim x dimension, carrying copies of the facts /signals counts.

    storage/load.py keeps the copies equal to the claim's (stance, days, ingested_at,
    superseded_at) and its document's copy status; `opens_at` is when this row became
    the one that counts its cluster in this dimension (storage/dedup.refresh_openers):
    the earliest live claim of the cluster, labelled with the dimension, in a document
    that is not a copy. A cluster thus counts once per dimension at any `as_of`.
    """

    __tablename__ = "claim_dimension"
    __table_args__ = (
        Index("ix_claim_dimension_dim", "dimension", "claim_id"),
        Index("ix_claim_dimension_published", "published_day", *_SIGNAL_COLUMNS,
              postgresql_include=["claim_id"]),
        Index("ix_claim_dimension_ingested", "ingested_day", *_SIGNAL_COLUMNS),
        # The last claim of each ingest day in a dimension, one index descent per day:
        # an as_of claims page starts below the largest id ingested by then.
        Index("ix_claim_dimension_dim_day", "dimension", "ingested_day", "claim_id"),
        # Does this cluster have a row that can open it in this dimension? One descent,
        # however many of the cluster's claims carry other dimensions.
        Index("ix_claim_dimension_cluster_open", "cluster_id", "dimension",
              sqlite_where=text(OPEN_ROW_SQLITE), postgresql_where=text(OPEN_ROW_POSTGRESQL)),
    )
    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    dimension: str = Field(primary_key=True)
    stance: str
    stance_confidence: float | None = None  # the claim's, for /signals' confidence filter
    published_day: date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    ingested_day: date = Field(sa_column=Column(Date, nullable=False))
    ingested_at: datetime | None = _ts(nullable=False)
    superseded_at: datetime | None = _ts()
    opens_at: datetime | None = _ts()
    is_copy: bool = False
    cluster_id: int | None = None  # the claim's cluster (claims never change cluster)


class ClaimModel(SQLModel, table=True):
    __tablename__ = "claim_model"
    __table_args__ = (Index("ix_claim_model_model", "model_id", "claim_id"),)
    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    model_id: str = Field(foreign_key="model.id", primary_key=True)


class ClaimBenchmark(SQLModel, table=True):
    __tablename__ = "claim_benchmark"
    __table_args__ = (Index("ix_claim_benchmark_bench", "benchmark_id", "claim_id"),)
    claim_id: int = Field(foreign_key="claim.id", primary_key=True)
    benchmark_id: str = Field(foreign_key="benchmark.id", primary_key=True)


class FigureRow(SQLModel, table=True):
    """A number measuring a model, a benchmark or the gap."""

    __tablename__ = "figure"
    __table_args__ = (
        UniqueConstraint("document_id", "start", "end", "model_id", "benchmark_id",
                         "extractor_version", name="uq_figure_span"),
        Index("ix_figure_model_bench", "model_id", "benchmark_id"),
        Index("ix_figure_claim_id", "claim_id"),  # a claims page loads its figures by claim
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    value: float
    value_high: float | None = None
    unit: str | None = None
    kind: str = Field(index=True)
    model_id: str | None = Field(default=None, foreign_key="model.id")
    benchmark_id: str | None = Field(default=None, foreign_key="benchmark.id", index=True)
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    extractor_version: str


class ForecastRow(SQLModel, table=True):
    __tablename__ = "forecast"
    __table_args__ = (
        UniqueConstraint("document_id", "start", "probability", "conditional",
                         "extractor_version", name="uq_forecast"),
    )
    id: int | None = Field(default=None, primary_key=True)
    document_id: int = Field(foreign_key="document.id", index=True)
    issuer: str | None = None
    probability: float
    conditional: bool = False
    proposition: str | None = Field(default=None, sa_column=Column(Text))
    sentence: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    extractor_version: str
    published_at: datetime | None = _ts()
    ingested_at: datetime | None = _ts(nullable=False)


class FetchFailure(SQLModel, table=True):
    """A URL that did not become a document, and why."""

    __tablename__ = "fetch_failure"
    id: int | None = Field(default=None, primary_key=True)
    run_id: int | None = Field(default=None, foreign_key="ingestion_run.id", index=True)
    source_id: int | None = Field(default=None, foreign_key="source.id", index=True)
    url: str
    stage: str  # poll | fetch | parse | extract | store
    kind: str  # a stable error code, e.g. http_status, too_large, malformed_feed
    reason: str = Field(sa_column=Column(Text, nullable=False))
    status_code: int | None = None
    occurred_at: datetime | None = _ts(index=True, nullable=False)
    resolved_at: datetime | None = _ts()


class IngestionRun(SQLModel, table=True):
    __tablename__ = "ingestion_run"
    id: int | None = Field(default=None, primary_key=True)
    flow: str = "ingest"
    status: str = "running"  # running | completed | failed
    started_at: datetime | None = _ts(nullable=False)
    finished_at: datetime | None = _ts()
    extractor_version: str | None = None
    sources_polled: int = 0
    sources_not_modified: int = 0
    entries_seen: int = 0
    documents_new: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    documents_duplicate: int = 0
    claims_new: int = 0
    figures_new: int = 0
    forecasts_new: int = 0
    claim_clusters_new: int = 0  # claims that are new evidence
    claims_repeated: int = 0  # claims that joined an earlier cluster
    claims_superseded: int = 0  # claims dropped by a revision
    failures: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))


ALL_TABLES = (Source, Document, Model, Benchmark, Mention, Claim, ClaimDimension, ClaimModel,
              ClaimBenchmark, FigureRow, ForecastRow, FetchFailure, IngestionRun,
              ClaimCluster, DocumentSignature, LshBand, DocumentRevision)
