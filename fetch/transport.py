"""An httpx transport over httpcore with the guarded network backend.

httpx's own transport does not let us choose the network backend, so this small
transport builds the httpcore pool itself and translates httpcore's exceptions straight
into our typed errors (the rest of the fetcher never sees httpcore or httpx errors).
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from functools import cache

import httpcore
import httpx

from .errors import ConnectFailed, FetchError, FetchTimeout, InvalidURL, NetworkError
from .guard import AddressPolicy, GuardedBackend, os_error_cause

__all__ = ["GuardedTransport", "map_httpcore_error"]

# httpcore has no common base exception; these are all it raises on purpose.
_CORE_ERRORS: tuple[type[Exception], ...] = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ProxyError,
)


def _hostport(url: httpx.URL) -> str:
    port = url.port or (443 if url.scheme == "https" else 80)
    host = url.host
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def map_httpcore_error(exc: Exception, url: httpx.URL) -> FetchError:
    """Translate an httpcore exception into the matching typed fetch error."""
    cause = str(exc) or type(exc).__name__
    where = _hostport(url)
    if isinstance(exc, httpcore.ConnectTimeout):
        return FetchTimeout(f"connecting to {where} timed out")
    if isinstance(exc, httpcore.ReadTimeout):
        return FetchTimeout(f"{where} stopped sending data (read timeout)")
    if isinstance(exc, httpcore.WriteTimeout):
        return FetchTimeout(f"sending the request to {where} timed out")
    if isinstance(exc, httpcore.PoolTimeout):
        return FetchTimeout("no free connection in the pool in time")
    if isinstance(exc, httpcore.TimeoutException):
        return FetchTimeout(f"timed out talking to {where}")
    if isinstance(exc, httpcore.ConnectError):
        # Raised by start_tls too (certificate problems land here).
        return ConnectFailed(f"could not connect to {where}: {os_error_cause(exc)}")
    if isinstance(exc, httpcore.RemoteProtocolError):
        return NetworkError(f"{where} sent a malformed HTTP response: {cause}")
    if isinstance(exc, httpcore.UnsupportedProtocol):
        return InvalidURL(f"unsupported URL: {cause}")
    if isinstance(exc, httpcore.LocalProtocolError):
        return NetworkError(f"could not send the request to {where}: {cause}")
    if isinstance(exc, (httpcore.ReadError, httpcore.WriteError, httpcore.NetworkError)):
        return NetworkError(f"connection to {where} broke: {cause}")
    return NetworkError(f"HTTP transport error with {where}: {cause}")


class _MappedStream(httpx.AsyncByteStream):
    """Response body stream whose failures surface as typed errors."""

    def __init__(self, inner: httpcore.Response, url: httpx.URL) -> None:
        self._inner = inner
        self._url = url

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for part in self._inner.aiter_stream():
                yield part
        except _CORE_ERRORS as exc:
            raise map_httpcore_error(exc, self._url) from None

    async def aclose(self) -> None:
        try:
            await self._inner.aclose()
        except _CORE_ERRORS as exc:
            raise map_httpcore_error(exc, self._url) from None


@cache
def shared_ssl_context() -> ssl.SSLContext:
    """One verifying TLS context per process: building one loads the whole CA bundle
    (tens of milliseconds), and every batch of fetches opens a new client."""
    return httpx.create_ssl_context()


class GuardedTransport(httpx.AsyncBaseTransport):
    """Connection pool whose every new TCP connection passes the address policy."""

    def __init__(self, policy: AddressPolicy, max_connections: int) -> None:
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=shared_ssl_context(),
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=5.0,
            http1=True,
            http2=False,
            network_backend=GuardedBackend(policy),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        try:
            core_response = await self._pool.handle_async_request(core_request)
        except _CORE_ERRORS as exc:
            raise map_httpcore_error(exc, request.url) from None
        return httpx.Response(
            status_code=core_response.status,
            headers=core_response.headers,
            stream=_MappedStream(core_response, request.url),
            extensions=core_response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()
