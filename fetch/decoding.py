"""Bounded Content-Encoding decoding.

httpx's decoders inflate a whole network chunk in one call, so 64 KB of gzip can turn
into 64 MB in memory before the caller can count it. Here every inflate call is capped
(``max_length``), so memory stays near ``CHUNK`` no matter how explosive the input.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from .errors import DecodeFailed

__all__ = ["CHUNK", "BoundedDecoder", "parse_content_encoding"]

CHUNK = 64 * 1024

_ALIASES = {"x-gzip": "gzip", "x-deflate": "deflate"}
SUPPORTED = frozenset({"gzip", "deflate"})


def parse_content_encoding(value: str | None) -> list[str]:
    """Codings in the order they were applied, without identity (raises on unsupported)."""
    if not value:
        return []
    codings: list[str] = []
    for token in value.split(","):
        coding = _ALIASES.get(token.strip().lower(), token.strip().lower())
        if coding in ("", "identity"):
            continue
        if coding not in SUPPORTED:
            raise DecodeFailed(f"unsupported Content-Encoding {coding!r}")
        codings.append(coding)
    return codings


class _Inflater:
    """One zlib-based layer with capped output per call."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        # gzip: 16+MAX_WBITS; deflate: zlib-wrapped per the RFC, raw deflate as fallback
        # because many servers send that instead.
        self._wbits = 16 + zlib.MAX_WBITS if coding == "gzip" else zlib.MAX_WBITS
        self._z = zlib.decompressobj(self._wbits)
        self._started = False
        self._restarted = False
        self._done = False

    def _fail(self, exc: zlib.error) -> DecodeFailed:
        return DecodeFailed(f"corrupt {self._coding} data: {exc}")

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._started and data:
            self._started = True
            if self._coding == "deflate":
                try:
                    zlib.decompressobj(zlib.MAX_WBITS).decompress(data[:CHUNK], 1)
                except zlib.error:
                    self._wbits = -zlib.MAX_WBITS
                    self._z = zlib.decompressobj(self._wbits)
        if self._done:
            return
        pending = data
        while True:
            if self._z.eof:
                # Concatenated gzip members are legal; anything after a deflate end is junk.
                rest = self._z.unused_data + pending
                if self._coding != "gzip":
                    self._done = True
                    return
                if not rest:
                    return
                self._z = zlib.decompressobj(self._wbits)
                self._restarted = True
                pending = rest
            if not pending:
                return
            try:
                out = self._z.decompress(pending, CHUNK)
            except zlib.error as exc:
                if self._restarted:
                    # Trailing padding after a complete gzip member: ignore it.
                    self._done = True
                    return
                raise self._fail(exc) from None
            if out:
                self._restarted = False
            pending = self._z.unconsumed_tail
            if out:
                yield out
            elif not pending and not self._z.eof:
                return

    def flush(self) -> Iterator[bytes]:
        if self._done:
            return
        try:
            out = self._z.flush()
        except zlib.error as exc:
            raise self._fail(exc) from None
        for start in range(0, len(out), CHUNK):
            yield out[start : start + CHUNK]

    def feed_all(self, parts: Iterable[bytes]) -> Iterator[bytes]:
        for part in parts:
            yield from self.feed(part)


class BoundedDecoder:
    """Undo every Content-Encoding lazily, yielding chunks of at most ``CHUNK`` bytes."""

    def __init__(self, content_encoding: str | None) -> None:
        # Decode in reverse order of application.
        self._layers = [_Inflater(c) for c in reversed(parse_content_encoding(content_encoding))]

    def _through(self, start: int, parts: Iterable[bytes]) -> Iterator[bytes]:
        stream: Iterable[bytes] = parts
        for layer in self._layers[start:]:
            stream = layer.feed_all(stream)
        yield from stream

    def feed(self, data: bytes) -> Iterator[bytes]:
        if not self._layers:
            if data:
                yield data
            return
        yield from self._through(0, [data])

    def finish(self) -> Iterator[bytes]:
        for index, layer in enumerate(self._layers):
            yield from self._through(index + 1, layer.flush())
