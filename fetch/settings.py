"""Knobs for the fetcher, with defaults sized for an unattended crawl of news sites."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FetchSettings"]


@dataclass(frozen=True)
class FetchSettings:
    """All limits of one crawl run.

    The defaults err on the side of giving up: an unattended crawler should lose one
    URL rather than hang, fill memory, or be talked into fetching internal addresses.
    """

    user_agent: str = "gapwatch/0.1 (+https://github.com/gapwatch/gapwatch)"
    connect_timeout: float = 5.0
    # Longest silence between two reads of one response.
    read_timeout: float = 20.0
    # Wall-clock budget for the network work of one attempt (all redirect hops and the
    # body); defeats servers that trickle a byte at a time under the read timeout.
    total_timeout: float = 60.0
    # Counted on DECODED bytes so a small gzip/deflate bomb stops at the cap too.
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    per_host_concurrency: int = 2
    max_concurrency: int = 16
    # Extra attempts on 429/500/502/503/504, connect failures and timeouts.
    retries: int = 2
    # Exponential backoff base in seconds (jittered).
    backoff_base: float = 0.5
    # Retry-After (seconds or HTTP date) is honoured up to this; longer means give up.
    max_retry_after: float = 60.0
    # Hostnames (exact), IPs or CIDRs that may be fetched although they are not public.
    allow_private: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout", "total_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive")
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if self.max_redirects < 0 or self.retries < 0:
            raise ValueError("max_redirects and retries must not be negative")
        if self.per_host_concurrency < 1 or self.max_concurrency < 1:
            raise ValueError("concurrency limits must be at least 1")
        if self.backoff_base < 0 or self.max_retry_after < 0:
            raise ValueError("backoff_base and max_retry_after must not be negative")
        if isinstance(self.allow_private, str):
            # A bare string would silently be treated as a tuple of characters.
            raise TypeError("allow_private must be a tuple of strings, not a string")
