"""Shared setup for the API, dashboard and export tests (no tests here).

`demo_database()` runs the real ingest flow once per test session over the demo
corpus (served by gapwatch.demo_server on loopback) into a SQLite file, then adds
a few crafted documents the corpus does not have: a claim carrying a <script>
payload, an undated document, and first- and third-party reports of one score.
Tests get their own copy (`copy_database`) so they can write to it.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from models.documents import DocumentInput
from models.records import Claim, Extraction, Figure
from storage import load
from storage.db import get_engine

ROOT = Path(__file__).resolve().parent.parent
DEMO_CONFIG = ROOT / "data" / "demo" / "sources.toml"
XSS = "<script>window.__pwned=1</script>"
XSS_TEXT = f"Leaderboard gaming hides the real gap {XSS} and open scores are overstated."
FIRST_PARTY_URL = "https://www.anthropic.com/news/claude-opus-5-evals"
THIRD_PARTY_URL = "https://evals.example.net/opus-5-replication"
UNDATED_URL = "https://example.org/undated-note"


def extraction(text: str, *, stance: str = "neutral", dims: tuple[str, ...] = ("overall",),
               models: tuple[str, ...] = (), figures: tuple[Figure, ...] = (),
               version: str = "test+api") -> Extraction:
    """One claim spanning the whole text (and optional figures)."""
    return Extraction(
        extractor_version=version,
        figures=figures,
        claims=(Claim(text, 0, len(text), dims, stance, False, None, models, ()),))


def add_document(url: str, text: str, *, published: datetime | None, db_url: str,
                 title: str | None = None, site: str | None = None, author: str | None = None,
                 **kw: object) -> int:
    """Store one crafted document with a single claim; returns its id."""
    engine = get_engine(db_url)
    doc = DocumentInput(url=url, kind="article", title=title or url, text=text, site=site,
                        author=author, published_at=published)
    out = load.store_document(engine, doc, extraction(text, **kw), None)  # type: ignore[arg-type]
    assert out.status == "new", out
    return int(out.document_id or 0)


def _score(text: str, value: float, unit: str | None) -> Figure:
    pos = text.index(f"{value:g}")
    return Figure(value, None, unit, "score", "claude-opus-5", "swe-bench-verified", text,
                  pos, pos + len(f"{value:g}"))


def add_crafted(db_url: str) -> None:
    add_document("https://example.org/xss-probe", XSS_TEXT, db_url=db_url,
                 published=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
                 title="Probe <b>bold</b> & co", stance="divergence", dims=("evaluation",))
    add_document(UNDATED_URL, "Open models are roughly level with closed ones on coding now.",
                 db_url=db_url, published=None, stance="convergence", dims=("coding",))
    first = "Claude Opus 5 scores 80.9% on SWE-bench Verified in our own evaluation."
    add_document(FIRST_PARTY_URL, first, db_url=db_url, title="Claude Opus 5 evals | Anthropic",
                 published=datetime(2026, 11, 10, tzinfo=UTC), stance="divergence",
                 dims=("coding",), models=("claude-opus-5",),
                 figures=(_score(first, 80.9, "%"),))
    third = "Our rerun puts Claude Opus 5 at 84.1 on SWE-bench Verified."
    add_document(THIRD_PARTY_URL, third, db_url=db_url, title="Replicating Opus 5",
                 site="Independent Evals", published=datetime(2026, 11, 12, tzinfo=UTC),
                 stance="neutral", dims=("coding",), models=("claude-opus-5",),
                 figures=(_score(third, 84.1, None),))


@cache
def demo_database() -> str:
    """Path of a SQLite file filled by a real ingest of the demo corpus, plus crafted rows."""
    from flows.ingest import ingest
    from gapwatch.demo_server import DemoServer

    path = Path(tempfile.mkdtemp(prefix="gapwatch-api-demo-")) / "demo.db"
    url = f"sqlite:///{path}"
    with DemoServer(port=0) as server:
        old = os.environ.get("GAPWATCH_DEMO_BASE")
        os.environ["GAPWATCH_DEMO_BASE"] = server.base
        try:
            result = ingest(config_path=str(DEMO_CONFIG), database_url=url, force=True)
        finally:
            if old is None:
                os.environ.pop("GAPWATCH_DEMO_BASE", None)
            else:
                os.environ["GAPWATCH_DEMO_BASE"] = old
    assert result.get("claims_new", 0) > 50, result
    add_crafted(url)
    get_engine(url).dispose()
    return str(path)


def copy_database(target: Path) -> str:
    """A private copy of the demo database (SQLite's backup API, WAL-safe)."""
    src = sqlite3.connect(demo_database())
    dst = sqlite3.connect(str(target))
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return f"sqlite:///{target}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_server(app: object) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port,  # type: ignore[arg-type]
                            log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
