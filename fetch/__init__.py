"""Guarded HTTP fetching for the crawler (imports nothing else of gapwatch)."""

from .client import Fetcher, FetchRequest, FetchResult, fetch_all
from .errors import (
    AddressNotAllowed,
    ConnectFailed,
    DecodeFailed,
    EmptyBody,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    InternalError,
    InvalidURL,
    NetworkError,
    SchemeNotAllowed,
    TooLarge,
    TooManyRedirects,
    UnexpectedContentType,
)
from .settings import FetchSettings

__all__ = [
    "AddressNotAllowed",
    "ConnectFailed",
    "DecodeFailed",
    "EmptyBody",
    "FetchError",
    "FetchRequest",
    "FetchResult",
    "FetchSettings",
    "FetchTimeout",
    "Fetcher",
    "HTTPStatusError",
    "InternalError",
    "InvalidURL",
    "NetworkError",
    "SchemeNotAllowed",
    "TooLarge",
    "TooManyRedirects",
    "UnexpectedContentType",
    "fetch_all",
]
