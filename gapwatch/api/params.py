"""Bounded, validated query parameters shared by the API, the feeds and the dashboard."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime
from typing import Literal

from fastapi import HTTPException
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from models.taxonomy import DIMENSIONS, FIGURE_KINDS, OPENNESS, STANCES
from storage.analytics import FigureFilter
from storage.queries import ClaimFilter

MAX_PAGE = 500
FEED_MAX_PAGE = 100
_CURSOR_PREFIX = "gw1:"

DimensionName = Literal[DIMENSIONS]  # type: ignore[valid-type]
StanceName = Literal[STANCES]  # type: ignore[valid-type]
OpennessName = Literal[OPENNESS]  # type: ignore[valid-type]
FigureKindName = Literal[FIGURE_KINDS]  # type: ignore[valid-type]

Name = Field(default=None, min_length=1, max_length=120)


def to_utc(ts: datetime | None) -> datetime | None:
    """Naive timestamps are taken as UTC; everything is compared in UTC."""
    if ts is None:
        return None
    return ts.replace(tzinfo=UTC) if ts.tzinfo is None else ts.astimezone(UTC)


def encode_cursor(last_id: int) -> str:
    """An opaque cursor: clients pass it back, they should not build it."""
    raw = f"{_CURSOR_PREFIX}{last_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    if not raw.startswith(_CURSOR_PREFIX) or not raw[len(_CURSOR_PREFIX):].isdigit():
        raise HTTPException(status_code=400, detail="invalid cursor")
    value = int(raw[len(_CURSOR_PREFIX):])
    if value > 2**62:
        raise HTTPException(status_code=400, detail="invalid cursor")
    return value


class AsOf(BaseModel):
    """`as_of`: only what had been ingested by then (no look-ahead)."""

    model_config = ConfigDict(extra="forbid")
    as_of: datetime | None = Field(default=None, description="ISO timestamp; naive = UTC")

    @model_validator(mode="before")
    @classmethod
    def _blank_is_absent(cls, data: object) -> object:
        """HTML forms send empty strings for "any"; treat them as not given."""
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v not in ("", None)}
        return data

    @field_validator("as_of", mode="after")
    @classmethod
    def _utc(cls, v: datetime | None) -> datetime | None:
        return to_utc(v)


class _DateRange(AsOf):
    since: datetime | None = Field(
        default=None, description="published at or after (claims without a date never match)")
    until: datetime | None = Field(default=None, description="published before")

    @field_validator("since", "until", mode="after")
    @classmethod
    def _utc_range(cls, v: datetime | None) -> datetime | None:
        return to_utc(v)


class ClaimQuery(_DateRange):
    """The CLI's claim filters, plus paging."""

    dimension: DimensionName | None = None
    stance: StanceName | None = None
    model: str | None = Field(default=None, min_length=1, max_length=120,
                              description="canonical model id, family or name")
    openness: OpennessName | None = None
    organization: str | None = Field(default=None, min_length=1, max_length=120)
    source: str | None = Field(default=None, min_length=1, max_length=300)
    hedged: bool | None = None
    min_stance_confidence: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="only claims whose stance the model gave at least this probability")
    q: str | None = Field(default=None, min_length=1, max_length=200,
                          description="text contained in the claim (case-insensitive)")
    ingested_since: datetime | None = None
    ingested_until: datetime | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(default=None, max_length=200,
                               description="opaque; from next_cursor of the previous page")

    @field_validator("ingested_since", "ingested_until", mode="after")
    @classmethod
    def _utc_ingested(cls, v: datetime | None) -> datetime | None:
        return to_utc(v)

    def claim_filter(self) -> ClaimFilter:
        return ClaimFilter(dimension=self.dimension, stance=self.stance, model=self.model,
                           openness=self.openness, organization=self.organization,
                           source=self.source, hedged=self.hedged, text=self.q,
                           min_stance_confidence=self.min_stance_confidence,
                           since=self.since, until=self.until,
                           ingested_since=self.ingested_since,
                           ingested_until=self.ingested_until, as_of=self.as_of)


class FeedQuery(ClaimQuery):
    limit: int = Field(default=50, ge=1, le=FEED_MAX_PAGE)


class FigureQuery(_DateRange):
    model: str | None = Field(default=None, min_length=1, max_length=120)
    benchmark: str | None = Field(default=None, min_length=1, max_length=120)
    kind: FigureKindName | None = None
    openness: OpennessName | None = None
    organization: str | None = Field(default=None, min_length=1, max_length=120)
    source: str | None = Field(default=None, min_length=1, max_length=300)
    dimension: DimensionName | None = None
    stance: StanceName | None = None
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)
    cursor: str | None = Field(default=None, max_length=200)

    def figure_filter(self) -> FigureFilter:
        return FigureFilter(model=self.model, benchmark=self.benchmark, kind=self.kind,
                            openness=self.openness, organization=self.organization,
                            source=self.source, since=self.since, until=self.until,
                            dimension=self.dimension, stance=self.stance, as_of=self.as_of)


class CompareQuery(AsOf):
    model: str = Field(min_length=1, max_length=120, description="canonical id or name")
    benchmark: str = Field(min_length=1, max_length=120, description="canonical id or name")


class SignalQuery(_DateRange):
    dimension: DimensionName | None = None
    bucket: Literal["week", "day"] = "week"
    periods: int | None = Field(default=None, ge=1, le=366,
                                description="buckets before `until` when `since` is not given "
                                            "(default 12 weeks or 30 days)")
    date_field: Literal["published", "ingested"] = "published"
    forecasts: int = Field(default=20, ge=0, le=200)
    min_stance_confidence: float | None = Field(
        default=None, ge=0.0, le=1.0,
        description="count only claims whose stance the model gave at least this probability")


class ModelsQuery(AsOf):
    openness: OpennessName | None = None


class ViewQuery(AsOf):
    """Pages that are both API resources and dashboard views."""

    format: Literal["json", "html"] | None = Field(
        default=None, description="json or html; default by the Accept header")
