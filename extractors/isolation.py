"""Article parsing in worker processes that can be killed.

trafilatura and lxml have no timeout and run C code that a thread cannot
interrupt, so one pathological page (deep nesting, a regex that backtracks)
could hold an unattended run forever. Here each page is parsed in a long-lived
worker process; the caller waits at most ``timeout`` seconds for the answer and
kills the worker if it has none, so a stuck parse costs one document, never the
run. Workers are spawned once and reused (the import of trafilatura is paid once
per worker, not per page), and each worker caps its own address space so a page
that makes the parser balloon ends as a typed error instead of an OOM kill of
the crawler.

Pure like the other parsers: bytes in, ``Article`` or a ``ParseError`` out; no
database, no network.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from extractors.errors import ArticleParseError, ParseError, ParserCrashedError, ParseTimeoutError
from models.documents import Article

__all__ = ["ArticleParserPool", "parse_article_isolated", "shared_pool", "shutdown_shared_pool"]

# A fresh interpreter, not fork: the crawler runs Prefect and HTTP threads, and forking a
# threaded process can leave locks held forever in the child. Not multiprocessing's
# "spawn" either: it re-runs the parent's __main__ script, which breaks any caller
# without an `if __name__ == "__main__"` guard (python -c, small scripts).
_ROOT = Path(__file__).resolve().parent.parent
_BOOT = "from extractors.isolation import _worker_entry; _worker_entry()"
_DEFAULT_MEMORY_MB = 2048


def _limit_memory(extra_mb: int | None) -> None:
    """Cap the worker's address space at its current size plus ``extra_mb``."""
    if not extra_mb:
        return
    try:
        import resource

        with open(f"/proc/{os.getpid()}/statm", encoding="ascii") as fh:
            pages = int(fh.read().split()[0])
        current = pages * os.sysconf("SC_PAGE_SIZE")
        limit = current + extra_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (OSError, ValueError, ImportError):  # not Linux: run without the cap
        pass


def _worker_main(conn: Connection, memory_mb: int | None) -> None:
    """Worker loop: import once, say ready, then answer jobs until the pipe closes."""
    from extractors.articles import parse_article

    _limit_memory(memory_mb)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            data, url, content_type = conn.recv()
        except (EOFError, OSError):  # the parent went away
            return
        try:
            reply: tuple[str, Any] = ("ok", parse_article(data, url, content_type))
        except ParseError as exc:
            reply = ("parse_error", exc)
        except MemoryError:
            reply = ("error", "out of memory while parsing the page")
        except RecursionError:
            reply = ("error", "page too deeply nested for the parser")
        except Exception as exc:  # noqa: BLE001 - reported to the caller as a typed error
            reply = ("error", f"unexpected {type(exc).__name__}: {exc}")
        del data
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class _Worker:
    """One worker process and the parent's end of its socket."""

    def __init__(self, memory_mb: int | None, startup_timeout: float) -> None:
        parent, child = socket.socketpair()
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (str(_ROOT), env.get("PYTHONPATH", "")) if p)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c", _BOOT, str(child.fileno()), str(memory_mb or 0)],
                pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, env=env, close_fds=True)
        except OSError as exc:
            parent.close()
            raise ParserCrashedError(f"could not start a parser worker: {exc}") from None
        finally:
            child.close()
        self.conn = Connection(parent.detach())
        if not self.conn.poll(startup_timeout):
            self.kill()
            raise ParserCrashedError(f"parser worker did not start within {startup_timeout:g} s")
        try:
            self.conn.recv()
        except (EOFError, OSError):
            why = self.died()
            self.kill()
            raise ParserCrashedError(f"parser worker died while starting ({why})") from None

    def kill(self) -> None:
        with contextlib.suppress(Exception):
            self.process.kill()
        with contextlib.suppress(Exception):
            self.process.wait(5)
        with contextlib.suppress(Exception):
            self.conn.close()

    def died(self) -> str:
        """A short description of how the process ended."""
        try:
            code = self.process.wait(1)
        except subprocess.TimeoutExpired:
            return "parser worker stopped answering"
        if code < 0:
            return f"parser worker killed by signal {-code}"
        return f"parser worker exited with status {code}"


def _worker_entry() -> None:
    """Entry point of a worker process: argv = [socket fd, memory cap in MB]."""
    fd, memory_mb = int(sys.argv[1]), int(sys.argv[2])
    _worker_main(Connection(fd), memory_mb or None)


class ArticleParserPool:
    """A few reusable parser processes; ``parse`` is safe to call from many threads."""

    def __init__(self, max_workers: int | None = None, *, startup_timeout: float = 120.0,
                 memory_mb: int | None = _DEFAULT_MEMORY_MB) -> None:
        self.max_workers = max_workers or max(1, min(4, os.cpu_count() or 1))
        self.startup_timeout = startup_timeout
        self.memory_mb = memory_mb
        self._idle: list[_Worker] = []
        self._count = 0
        self._closed = False
        self._cond = threading.Condition()
        self.spawned = 0  # workers started so far (tests check reuse)

    # -- worker bookkeeping -------------------------------------------------------

    def _acquire(self) -> _Worker:
        with self._cond:
            while True:
                if self._closed:
                    raise ArticleParseError("parser pool is closed")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.max_workers:
                    self._count += 1
                    break
                self._cond.wait()
        try:
            worker = _Worker(self.memory_mb, self.startup_timeout)
        except BaseException:
            self._release(None)
            raise
        with self._cond:
            self.spawned += 1
        return worker

    def _release(self, worker: _Worker | None) -> None:
        """Return a healthy worker to the pool, or forget a dead one (None)."""
        with self._cond:
            if worker is not None and not self._closed:
                self._idle.append(worker)
            else:
                self._count -= 1
                if worker is not None:
                    worker.kill()
            self._cond.notify()

    # -- public -----------------------------------------------------------------

    def parse(self, data: bytes, url: str, content_type: str | None = None, *,
              timeout: float) -> Article:
        """``parse_article`` in a worker; ParseTimeoutError if it needs more than ``timeout`` s."""
        if not isinstance(data, bytes | bytearray):
            raise ArticleParseError(f"expected bytes, got {type(data).__name__}")
        job = (bytes(data), url, content_type)
        for attempt in (1, 2):
            worker = self._acquire()
            try:
                worker.conn.send(job)
            except (OSError, ValueError):
                # An idle worker died (killed from outside); the job never reached it.
                worker.kill()
                self._release(None)
                if attempt == 2:
                    raise ParserCrashedError("could not hand the page to a parser worker") from None
                continue
            return self._answer(worker, timeout)
        raise AssertionError("unreachable")

    def _answer(self, worker: _Worker, timeout: float) -> Article:
        try:
            ready = worker.conn.poll(timeout)
        except (OSError, ValueError):
            ready = True  # a broken pipe reads as EOF below
        if not ready:
            worker.kill()
            self._release(None)
            raise ParseTimeoutError(f"no result within {timeout:g} s; parser stopped")
        try:
            status, payload = worker.conn.recv()
        except (EOFError, OSError, ValueError):
            why = worker.died()
            worker.kill()
            self._release(None)
            raise ParserCrashedError(why) from None
        except BaseException:
            worker.kill()
            self._release(None)
            raise
        self._release(worker)
        if status == "ok" and isinstance(payload, Article):
            return payload
        if status == "parse_error" and isinstance(payload, ParseError):
            if isinstance(payload, ArticleParseError):
                raise payload
            raise ArticleParseError(f"{payload.reason}: {payload.message}")
        raise ArticleParseError(str(payload))

    def close(self) -> None:
        """Stop every worker; parse() afterwards raises."""
        with self._cond:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._cond.notify_all()
        for worker in idle:
            worker.kill()

    def __enter__(self) -> ArticleParserPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_shared: ArticleParserPool | None = None
_shared_pid: int | None = None
_shared_lock = threading.Lock()


def shared_pool() -> ArticleParserPool:
    """The process-wide pool, created on first use and reused by every run in the process."""
    global _shared, _shared_pid
    with _shared_lock:
        if _shared is None or _shared_pid != os.getpid():  # a forked child starts afresh
            _shared, _shared_pid = ArticleParserPool(), os.getpid()
        return _shared


def shutdown_shared_pool() -> None:
    global _shared
    with _shared_lock:
        pool, _shared = _shared, None
    if pool is not None and _shared_pid == os.getpid():
        pool.close()


atexit.register(shutdown_shared_pool)


def parse_article_isolated(data: bytes, url: str, content_type: str | None = None, *,
                           timeout: float | None) -> Article:
    """Parse a page in the shared worker pool; timeout None (or <= 0) parses in-process."""
    if timeout is None or timeout <= 0:
        from extractors.articles import parse_article

        return parse_article(data, url, content_type)
    return shared_pool().parse(data, url, content_type, timeout=timeout)
