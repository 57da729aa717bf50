"""The fetcher: one guarded, bounded, polite HTTP GET per URL.

Everything that can go wrong with one URL ends as a typed ``FetchError``; a batch
(``fetch_many`` / ``fetch_all``) never fails because one URL did.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import email.utils
import http
import logging
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

import httpx

from .decoding import BoundedDecoder
from .errors import (
    AddressNotAllowed,
    ConnectFailed,
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
from .guard import AddressPolicy
from .settings import FetchSettings
from .sniff import ACCEPT_HEADERS, content_problem, header_problem, parse_content_type
from .transport import GuardedTransport

__all__ = ["FetchRequest", "FetchResult", "Fetcher", "fetch_all", "parse_retry_after"]

logger = logging.getLogger("gapwatch.fetch")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
EXPECT_VALUES = frozenset({"feed", "html", "any"})
ALLOWED_SCHEMES = frozenset({"http", "https"})


@dataclass(frozen=True)
class FetchRequest:
    """One URL to fetch, with the validators from the previous fetch, if any."""

    url: str
    etag: str | None = None
    last_modified: str | None = None
    expect: str = "any"  # "feed" | "html" | "any"

    def __post_init__(self) -> None:
        if self.expect not in EXPECT_VALUES:
            raise ValueError(f"expect must be one of {sorted(EXPECT_VALUES)}, not {self.expect!r}")


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx) or not-modified (304) response, body fully read and decoded."""

    url: str
    final_url: str
    status: int
    content: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0
    attempts: int = 1


def _deadline_error(total: float) -> FetchTimeout:
    """The per-attempt wall-clock budget ran out; not retried (a trickler trickles again)."""
    error = FetchTimeout(f"no complete response within {total:g} s")
    error.no_retry = True
    return error


class _RetryableStatus(Exception):
    """Internal signal: a 429/5xx that may be retried, with the server's Retry-After."""

    def __init__(self, error: HTTPStatusError, retry_after: float | None) -> None:
        super().__init__(error.reason)
        self.error = error
        self.retry_after = retry_after


@dataclass
class _Redirect:
    location: str
    status: int


class _Budget:
    """Wall-clock allowance for the network part of one attempt (queueing excluded)."""

    def __init__(self, total: float) -> None:
        self.total = total
        self.spent = 0.0

    def remaining(self) -> float:
        return self.total - self.spent


def _status_reason(status: int, phrase: str = "") -> str:
    try:
        text = http.HTTPStatus(status).phrase
    except ValueError:
        text = phrase.strip()[:60]
    return f"HTTP {status} {text}".rstrip()


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())


def _parse_url(raw: str, base: httpx.URL | None = None) -> httpx.URL:
    """Parse (or resolve against ``base``) and vet a URL; raises InvalidURL/SchemeNotAllowed."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidURL("empty URL")
    text = raw.strip()
    try:
        url = base.join(text) if base is not None else httpx.URL(text)
    except (httpx.InvalidURL, ValueError, TypeError, UnicodeError) as exc:
        raise InvalidURL(f"malformed URL: {exc}") from None
    scheme = url.scheme.lower()
    if not scheme:
        raise InvalidURL("URL has no scheme (expected http:// or https://)")
    if scheme not in ALLOWED_SCHEMES:
        raise SchemeNotAllowed(f"scheme {scheme}: is not allowed (only http and https)")
    host = url.host
    if not host:
        raise InvalidURL("URL has no host")
    # httpx percent-escapes odd characters into the host instead of refusing them.
    if ":" not in host and not all(c.isalnum() or c in "-._" for c in url.raw_host.decode()):
        raise InvalidURL(f"invalid host name {host!r}")
    if url.port is not None and not 0 < url.port < 65536:
        raise InvalidURL(f"invalid port {url.port}")
    return url


class Fetcher:
    """Async HTTP client for one crawl run; use as ``async with Fetcher(settings) as f``."""

    def __init__(self, settings: FetchSettings | None = None) -> None:
        self.settings = settings or FetchSettings()
        self._policy = AddressPolicy(self.settings.allow_private)
        self._client: httpx.AsyncClient | None = None
        self._global = asyncio.Semaphore(self.settings.max_concurrency)
        self._per_host: dict[str, asyncio.Semaphore] = {}

    async def __aenter__(self) -> Fetcher:
        self._ensure_client()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close pooled connections; the fetcher can be reopened by fetching again."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    def _ensure_client(self) -> httpx.AsyncClient:
        if self._client is None:
            s = self.settings
            self._client = httpx.AsyncClient(
                transport=GuardedTransport(self._policy, max_connections=s.max_concurrency),
                timeout=httpx.Timeout(
                    connect=s.connect_timeout,
                    read=s.read_timeout,
                    write=s.read_timeout,
                    pool=s.total_timeout,
                ),
                follow_redirects=False,
                # Environment proxies would make the connection (and the address check)
                # happen somewhere else; never use them.
                trust_env=False,
                headers={"User-Agent": s.user_agent, "Accept-Encoding": "gzip, deflate"},
            )
        return self._client

    def _host_semaphore(self, host: str) -> asyncio.Semaphore:
        key = host.lower()
        sem = self._per_host.get(key)
        if sem is None:
            sem = self._per_host[key] = asyncio.Semaphore(self.settings.per_host_concurrency)
        return sem

    async def fetch(self, request: FetchRequest) -> FetchResult:
        """Fetch one URL, following redirects and retrying; raises FetchError subclasses only."""
        started = time.monotonic()
        try:
            result, attempts = await self._fetch_with_retries(request)
        except FetchError as exc:
            raise exc.with_url(request.url) from None
        except Exception as exc:  # a bug must not look like a crash of the whole batch
            logger.exception("unexpected error fetching %s", getattr(request, "url", request))
            url = getattr(request, "url", None)
            raise InternalError(
                f"internal error: {type(exc).__name__}: {exc}",
                url=url if isinstance(url, str) else None,
            ) from exc
        return dataclasses.replace(
            result, url=request.url, elapsed=time.monotonic() - started, attempts=attempts
        )

    async def fetch_many(self, requests: Sequence[FetchRequest]) -> list[FetchResult | FetchError]:
        """Fetch all URLs concurrently (within the limits); results in input order."""

        async def one(request: FetchRequest) -> FetchResult | FetchError:
            try:
                return await self.fetch(request)
            except FetchError as exc:
                return exc

        return list(await asyncio.gather(*(one(r) for r in requests)))

    def _backoff(self, attempt: int) -> float:
        """Exponential backoff with 'equal jitter' (half fixed, half random)."""
        delay = self.settings.backoff_base * (2 ** (attempt - 1))
        delay = delay / 2 + random.uniform(0, delay / 2)
        return min(delay, self.settings.max_retry_after)

    async def _fetch_with_retries(self, request: FetchRequest) -> tuple[FetchResult, int]:
        s = self.settings
        url = _parse_url(request.url)
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            try:
                return await self._attempt(request, url), attempt
            except _RetryableStatus as signal:
                error: FetchError = signal.error
                retry_after = signal.retry_after
                error.retry_after = retry_after
            except (ConnectFailed, FetchTimeout, NetworkError) as exc:
                if exc.no_retry:
                    raise
                error = exc
            if retry_after is not None and retry_after > s.max_retry_after:
                capped = type(error)(
                    f"{error.reason}; Retry-After {retry_after:g} s exceeds the "
                    f"{s.max_retry_after:g} s cap",
                    url=error.url,
                    status=error.status,
                )
                capped.retry_after = retry_after
                raise capped
            if attempt > s.retries:
                if attempt > 1:
                    error.reason = f"{error.reason} (gave up after {attempt} attempts)"
                    error.args = (error.reason,)
                raise error
            delay = retry_after if retry_after is not None else self._backoff(attempt)
            logger.debug("retrying %s in %.2f s after: %s", request.url, delay, error.reason)
            await asyncio.sleep(delay)

    async def _attempt(self, request: FetchRequest, url: httpx.URL) -> FetchResult:
        """One pass over the redirect chain, within the wall-clock budget."""
        s = self.settings
        budget = _Budget(s.total_timeout)
        seen = {str(url)}
        redirects = 0
        current = url
        while True:
            try:
                outcome = await self._hop(request, current, budget)
            except AddressNotAllowed as exc:
                if redirects:
                    exc.reason = f"redirect to {current} refused: {exc.reason}"
                    exc.args = (exc.reason,)
                raise
            if isinstance(outcome, FetchResult):
                return outcome
            try:
                target = _parse_url(outcome.location, base=current)
            except FetchError as exc:
                exc.reason = f"redirect from {current} refused: {exc.reason}"
                exc.args = (exc.reason,)
                raise
            if redirects >= s.max_redirects:
                loop = " (redirect loop)" if str(target) in seen else ""
                raise TooManyRedirects(
                    f"more than {s.max_redirects} redirects{loop}", status=outcome.status
                )
            redirects += 1
            seen.add(str(target))
            current = target

    async def _hop(
        self, request: FetchRequest, url: httpx.URL, budget: _Budget
    ) -> FetchResult | _Redirect:
        """One request/response under the concurrency limits and the remaining budget."""
        s = self.settings
        # Host slot first, then a global slot: holding a global slot while queueing for a
        # busy host would starve every other host.
        async with self._host_semaphore(url.host), self._global:
            remaining = budget.remaining()
            if remaining <= 0:
                raise _deadline_error(s.total_timeout)
            started = time.monotonic()
            try:
                async with asyncio.timeout(remaining) as deadline:
                    return await self._exchange(request, url)
            except TimeoutError:
                if deadline.expired():
                    raise _deadline_error(s.total_timeout) from None
                raise
            finally:
                budget.spent += time.monotonic() - started

    async def _exchange(self, request: FetchRequest, url: httpx.URL) -> FetchResult | _Redirect:
        headers = {"Accept": ACCEPT_HEADERS[request.expect]}
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        client = self._ensure_client()
        try:
            async with client.stream("GET", url, headers=headers) as response:
                return await self._handle(request, url, response)
        except FetchError:
            raise
        except httpx.InvalidURL as exc:
            raise InvalidURL(f"malformed URL: {exc}") from None
        except httpx.TimeoutException as exc:
            raise FetchTimeout(f"timed out: {exc or type(exc).__name__}") from None
        except httpx.ConnectError as exc:
            raise ConnectFailed(f"could not connect to {url.host}: {exc}") from None
        except (httpx.HTTPError, httpx.StreamError) as exc:
            raise NetworkError(f"HTTP error: {exc or type(exc).__name__}") from None

    async def _handle(
        self, request: FetchRequest, url: httpx.URL, response: httpx.Response
    ) -> FetchResult | _Redirect:
        status = response.status_code
        reason = _status_reason(status, response.reason_phrase)
        if status in REDIRECT_STATUSES:
            location = response.headers.get("location")
            if not location:
                raise HTTPStatusError(f"{reason} without a Location header", status=status)
            return _Redirect(location=location, status=status)
        headers = {k.lower(): v for k, v in response.headers.items()}
        if status == 304:
            return self._result(request, url, response, headers, b"", not_modified=True)
        if status in RETRY_STATUSES:
            raise _RetryableStatus(
                HTTPStatusError(reason, status=status),
                parse_retry_after(response.headers.get("retry-after")),
            )
        if not 200 <= status < 300:
            raise HTTPStatusError(reason, status=status)
        media, _charset = parse_content_type(response.headers.get("content-type"))
        problem = header_problem(request.expect, media)
        if problem is not None:
            raise UnexpectedContentType(problem, status=status)
        body = await self._read_body(response)
        if not body:
            raise EmptyBody(f"empty response body ({reason})", status=status)
        problem = content_problem(request.expect, media, body)
        if problem is not None:
            raise UnexpectedContentType(problem, status=status)
        return self._result(request, url, response, headers, body, not_modified=False)

    async def _read_body(self, response: httpx.Response) -> bytes:
        """Stream the body, decoding it ourselves so the decoded size is capped as it grows."""
        limit = self.settings.max_bytes
        too_large = f"response larger than {limit} bytes"
        declared = response.headers.get("content-length")
        if declared is not None:
            try:
                length = int(declared.split(",")[0].strip())
            except ValueError:
                length = -1
            if length > limit:
                raise TooLarge(
                    f"{too_large} (Content-Length {length})", status=response.status_code
                )
        decoder = BoundedDecoder(response.headers.get("content-encoding"))
        body = bytearray()
        raw_total = 0
        async for raw in response.aiter_raw():
            raw_total += len(raw)
            # Also bound the wire bytes: compressed input that never produces output
            # must not stream forever.
            if raw_total > limit:
                raise TooLarge(too_large, status=response.status_code)
            for piece in decoder.feed(raw):
                if len(body) + len(piece) > limit:
                    raise TooLarge(too_large, status=response.status_code)
                body += piece
        for piece in decoder.finish():
            if len(body) + len(piece) > limit:
                raise TooLarge(too_large, status=response.status_code)
            body += piece
        return bytes(body)

    @staticmethod
    def _result(
        request: FetchRequest,
        url: httpx.URL,
        response: httpx.Response,
        headers: dict[str, str],
        body: bytes,
        *,
        not_modified: bool,
    ) -> FetchResult:
        media, charset = parse_content_type(response.headers.get("content-type"))
        return FetchResult(
            url=request.url,
            final_url=str(url),
            status=response.status_code,
            content=body,
            content_type=media,
            charset=charset,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            not_modified=not_modified,
            headers=headers,
        )


def fetch_all(
    requests: Sequence[FetchRequest], settings: FetchSettings | None = None
) -> list[FetchResult | FetchError]:
    """Blocking wrapper: run a fresh event loop (in a helper thread if one is running here)."""

    async def run() -> list[FetchResult | FetchError]:
        async with Fetcher(settings) as fetcher:
            return await fetcher.fetch_many(requests)

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(run())
    # Called from inside a running loop (e.g. an async flow): asyncio.run would refuse.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(run())).result()
