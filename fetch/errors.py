"""Typed fetch failures.

Every failure the fetcher reports is one of these, so the flows can store a stable
``kind`` code (for grouping and alerting) next to a short human ``reason`` (for the
failures table) without ever seeing an httpx exception.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "AddressNotAllowed",
    "ConnectFailed",
    "DecodeFailed",
    "EmptyBody",
    "FetchError",
    "FetchTimeout",
    "HTTPStatusError",
    "InternalError",
    "InvalidURL",
    "NetworkError",
    "SchemeNotAllowed",
    "TooLarge",
    "TooManyRedirects",
    "UnexpectedContentType",
]


class FetchError(Exception):
    """Base class: one URL could not be fetched, for the reason given."""

    kind: ClassVar[str] = "fetch_error"
    # Set on errors that a retry cannot fix (unknown host, per-URL deadline); internal.
    no_retry: bool = False
    # The server's Retry-After (seconds) when it asked us to come back later.
    retry_after: float | None = None

    def __init__(self, reason: str, *, url: str | None = None, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.url = url
        self.status = status

    def __str__(self) -> str:
        return self.reason if self.url is None else f"{self.reason} [{self.url}]"

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.reason!r}, url={self.url!r}, status={self.status!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Keyword-only fields are lost by the default Exception pickling; results may
        # cross process boundaries (Prefect/Dask workers), so keep them.
        return (_rebuild, (type(self), self.reason, self.url, self.status))

    def with_url(self, url: str) -> FetchError:
        """Fill in the URL when the error was raised below the layer that knows it."""
        if self.url is None:
            self.url = url
        return self


def _rebuild(cls: type[FetchError], reason: str, url: str | None, status: int | None) -> FetchError:
    return cls(reason, url=url, status=status)


class AddressNotAllowed(FetchError):
    """The host resolves to a private, loopback, link-local or otherwise non-public address."""

    kind = "address_not_allowed"


class SchemeNotAllowed(FetchError):
    """Only http and https are fetched; file:, ftp:, data: and friends are refused."""

    kind = "scheme_not_allowed"


class TooLarge(FetchError):
    """The (decoded) body exceeded ``max_bytes``."""

    kind = "too_large"


class TooManyRedirects(FetchError):
    """More than ``max_redirects`` hops, which also covers redirect loops."""

    kind = "too_many_redirects"


class HTTPStatusError(FetchError):
    """A non-success status that is final (4xx) or still failing after the retries."""

    kind = "http_status"


class ConnectFailed(FetchError):
    """DNS resolution, TCP connect or the TLS handshake failed."""

    kind = "connect_failed"


class FetchTimeout(FetchError):
    """A connect/read timeout or the per-URL wall-clock deadline was hit."""

    kind = "timeout"


class UnexpectedContentType(FetchError):
    """The response is not the kind of document the caller asked for."""

    kind = "unexpected_content_type"


class EmptyBody(FetchError):
    """A success status with no body at all."""

    kind = "empty_body"


class InvalidURL(FetchError):
    """The URL (or a redirect Location) cannot be parsed into something fetchable."""

    kind = "invalid_url"


class NetworkError(FetchError):
    """The connection broke or the server spoke broken HTTP after connecting."""

    kind = "network_error"


class DecodeFailed(FetchError):
    """The body's Content-Encoding is unsupported or the compressed data is corrupt."""

    kind = "decode_failed"


class InternalError(FetchError):
    """A bug in the fetcher itself; wrapped so one URL never takes down a batch."""

    kind = "internal_error"
