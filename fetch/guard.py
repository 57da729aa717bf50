"""Address guard: never let a feed or a redirect steer the crawler into internal networks.

The check lives in the network backend that httpcore uses to open every TCP
connection, so it runs for every redirect hop, and the socket is opened to the very
address that was checked (no second DNS lookup that a rebinding server could answer
differently).
"""

from __future__ import annotations

import asyncio
import ipaddress
import os
import socket
import ssl
import time
from collections.abc import Iterable
from typing import Any

import httpcore

from .errors import AddressNotAllowed, ConnectFailed, FetchTimeout

__all__ = ["AddressPolicy", "GuardedBackend", "address_problem", "os_error_cause"]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

# NAT64 well-known prefix: the low 32 bits are an IPv4 address the gateway will reach.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 transition form would really reach, if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_problem(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched ("private", "loopback", ...), or None if it is public."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            problem = address_problem(inner)
            if problem is not None:
                return f"{problem} (via {inner})"
    # Order matters only for the wording: the most specific description first.
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        # Catches e.g. 100.64.0.0/10 (CGNAT), which is neither private nor global.
        ("not publicly routable", not ip.is_global),
    )
    for label, hit in checks:
        if hit:
            return label
    return None


def os_error_cause(exc: BaseException) -> str:
    """The most specific OS-level message behind a wrapped connect error.

    anyio reports "All connection attempts failed" and hides the errno one or two
    ``__cause__`` links down (inside an exception group); dig it out for the reason text.
    """
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ssl.SSLError):
            # errno here is an OpenSSL code, not an OS one.
            detail = (
                getattr(current, "verify_message", None)
                or current.reason
                or current.strerror
                or str(current)
            )
            return f"TLS error: {detail}"
        if isinstance(current, OSError) and isinstance(current.errno, int) and current.errno > 0:
            # asyncio puts "Connect call failed (addr)" in strerror; the errno text is clearer.
            return os.strerror(current.errno)
        if isinstance(current, BaseExceptionGroup):
            todo.extend(current.exceptions)
        for linked in (current.__cause__, current.__context__):
            if linked is not None:
                todo.append(linked)
    return str(exc) or type(exc).__name__


def _strip_host(host: str) -> str:
    return host.strip().strip("[]").rstrip(".").lower()


class AddressPolicy:
    """Decides whether a (host, address) pair may be contacted, honouring ``allow_private``."""

    def __init__(self, allow: Iterable[str] = ()) -> None:
        self._hosts: set[str] = set()
        self._networks: list[IPNetwork] = []
        for entry in allow:
            cleaned = _strip_host(entry)
            if not cleaned:
                continue
            try:
                self._networks.append(ipaddress.ip_network(cleaned, strict=False))
            except ValueError:
                self._hosts.add(cleaned)

    def host_allowed(self, host: str) -> bool:
        """True if the hostname itself was allow-listed (any address it resolves to is fine)."""
        return _strip_host(host) in self._hosts

    def _ip_allowed(self, ip: IPAddress) -> bool:
        candidates: list[IPAddress] = [ip]
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
        return any(c.version == n.version and c in n for c in candidates for n in self._networks)

    def refusal(self, host: str, ip: IPAddress) -> str | None:
        """A human reason why ``host`` at ``ip`` is refused, or None if it may be contacted."""
        if self.host_allowed(host) or self._ip_allowed(ip):
            return None
        problem = address_problem(ip)
        if problem is None:
            return None
        bare = _strip_host(host)
        try:
            literal = ipaddress.ip_address(bare)
        except ValueError:
            literal = None
        if literal is not None and literal == ip:
            return f"address {ip} is {problem}"
        return f"host {bare} resolves to {ip}, which is {problem}"


async def resolve(host: str, port: int, timeout: float | None) -> list[IPAddress]:
    """All addresses for ``host``, resolved off the event loop (loop.getaddrinfo)."""
    bare = host.strip("[]")
    try:
        return [ipaddress.ip_address(bare)]
    except ValueError:
        pass
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(
                bare, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
            )
    except TimeoutError:
        raise FetchTimeout(f"resolving {bare} took longer than {timeout:g} s") from None
    except socket.gaierror as exc:
        cause = exc.strerror or str(exc)
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            # The name does not exist: retrying will not help.
            error = ConnectFailed(f"could not resolve host {bare}: {cause}")
            error.no_retry = True
            raise error from None
        raise ConnectFailed(f"could not resolve host {bare}: {cause}") from None
    except (OSError, UnicodeError) as exc:
        raise ConnectFailed(f"could not resolve host {bare}: {exc}") from None
    seen: list[IPAddress] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in seen:
            seen.append(ip)
    if not seen:
        raise ConnectFailed(f"could not resolve host {bare}: no addresses")
    return seen


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that resolves, vets every address, then connects by IP.

    TLS still verifies and sends SNI for the original hostname, because httpcore passes
    the request's host to ``start_tls`` independently of what we connect to.
    """

    def __init__(self, policy: AddressPolicy) -> None:
        self._policy = policy
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        started = time.monotonic()
        addresses = await resolve(host, port, timeout)
        # Refuse if ANY address is bad: a mixed answer is a classic rebinding trick.
        for ip in addresses:
            reason = self._policy.refusal(host, ip)
            if reason is not None:
                raise AddressNotAllowed(reason)
        bare = host.strip("[]")
        last: Exception | None = None
        for ip in addresses:
            remaining = None if timeout is None else timeout - (time.monotonic() - started)
            if remaining is not None and remaining <= 0:
                break
            try:
                return await self._inner.connect_tcp(
                    str(ip),
                    port,
                    timeout=remaining,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                last = exc
        if last is None or isinstance(last, httpcore.ConnectTimeout):
            limit = "the connect timeout" if timeout is None else f"{timeout:g} s"
            raise FetchTimeout(f"connecting to {bare}:{port} took longer than {limit}")
        raise ConnectFailed(f"could not connect to {bare}:{port}: {os_error_cause(last)}")

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise AddressNotAllowed("unix sockets are never fetched")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
