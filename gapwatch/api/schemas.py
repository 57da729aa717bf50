"""Response shapes, so the OpenAPI document at /docs says what clients get."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FigureOut(BaseModel):
    id: int
    value: float
    value_high: float | None = None
    unit: str | None = None
    kind: str
    model: str | None = None
    benchmark: str | None = None
    sentence: str
    start: int
    end: int
    document_id: int
    claim_id: int | None = None


class ClaimOut(BaseModel):
    """A claim and its provenance: where it was said, when, and by which extractor."""

    id: int
    text: str
    stance: str
    stance_confidence: float | None = Field(
        None, description="the stance model's probability for this stance (0.6 and above: "
                          "about four in five right); null when the rules alone decided")
    hedged: bool
    speaker: str | None = None
    dimensions: list[str]
    models: list[str]
    benchmarks: list[str]
    document_id: int
    url: str = Field(description="the source document's canonical URL")
    title: str | None = None
    source: str | None = None
    published_at: str | None = Field(None, description="when the document was published")
    ingested_at: str | None = Field(None, description="when gapwatch stored this claim")
    start: int = Field(description="sentence start offset in the document text")
    end: int = Field(description="sentence end offset in the document text")
    extractor_version: str
    figures: list[FigureOut] = []
    context_url: str = Field(description="the dashboard view of the sentence in its document")


class ClaimPage(BaseModel):
    as_of: str | None
    generated_at: str
    limit: int
    items: list[ClaimOut]
    next_cursor: str | None = Field(description="pass as `cursor` to get the next page")
    next_url: str | None = None


class Page(BaseModel):
    as_of: str | None
    generated_at: str
    items: list[dict[str, Any]]
    next_cursor: str | None = None
    next_url: str | None = None


class DocumentOut(BaseModel):
    as_of: str | None
    document: dict[str, Any]
    claims: list[dict[str, Any]]
    figures: list[dict[str, Any]]
    forecasts: list[dict[str, Any]]


class Listing(BaseModel):
    as_of: str | None
    generated_at: str
    items: list[dict[str, Any]]
