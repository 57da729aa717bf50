"""Crash safety: SIGKILL the ingest process mid-run, rerun it, lose and duplicate nothing.

The ingest runs in a subprocess (python -c calling flows.ingest.ingest) against
PostgreSQL, over ~60 generated articles served slowly enough that the run
takes a few seconds. Once some documents are stored, the whole process group
(the flow, its parser workers, Prefect's local API server) gets SIGKILL; a
second run finishes the job. Every document must then be stored exactly once
and be whole: its claims, mentions and forecasts are exactly what a fresh
extraction of its stored text gives (a half-written document would miss them).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from models.tables import Claim, Document, FetchFailure, ForecastRow, IngestionRun, Mention
from storage.db import get_engine, upgrade
from tests import hostile_server as hs
from tests.hostile_summary import record

ROOT = Path(__file__).resolve().parent.parent
N_DOCS = 60
RUN = ("import sys; from flows.ingest import ingest; "
       "r = ingest(config_path=sys.argv[1], database_url=sys.argv[2], force=True); "
       "print('RESULT', r.get('documents_new', 0), flush=True)")

pytestmark = pytest.mark.postgres


def write_config(tmp_path: Path, feed_url: str, name: str = "sources.toml") -> str:
    path = tmp_path / name
    path.write_text(f"""
[settings]
allow_private = ["127.0.0.1"]
retries = 1
connect_timeout = 3.0
read_timeout = 10.0
total_timeout = 20.0
batch_size = 4
per_host_concurrency = 2
parse_timeout = 30.0

[[feed]]
name = "corpus"
url = "{feed_url}"
""", encoding="utf-8")
    return str(path)


def prefect_api_url() -> str:
    """The API of the Prefect server this test process uses (started once, shared).

    Without it every subprocess would boot its own ephemeral server (~10 s each).
    """
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    server.start()
    return server.api_url


def start_ingest(config: str, db_url: str) -> subprocess.Popen[str]:
    """The real flow in its own process group, so a kill takes its children too."""
    env = dict(os.environ)
    env["PREFECT_API_URL"] = prefect_api_url()
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    return subprocess.Popen([sys.executable, "-c", RUN, config, db_url], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def kill_group(proc: subprocess.Popen[str]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> str:
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        raise
    finally:
        # Leftovers of the group (a parser worker still exiting) go with it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 0, out[-3000:]
    return out


def count(db_url: str, table: type) -> int:
    with Session(get_engine(db_url)) as s:
        return int(s.execute(select(func.count()).select_from(table)).scalar() or 0)


def check_store(db_url: str, links: list[str]) -> tuple[int, int]:
    """Assert each link is stored once and whole; returns (lost, duplicates) for the summary."""
    from extractors.nlp import get_extractor

    engine = get_engine(db_url)
    extractor = get_extractor()
    with Session(engine) as s:
        docs = s.execute(select(Document)).scalars().all()
        urls = [d.url for d in docs]
        lost = len(set(links) - set(urls))
        duplicates = len(urls) - len(set(urls))
        # Same span stored twice for one document and version = a duplicate claim.
        dup_claims = s.execute(text(
            'SELECT count(*) FROM (SELECT document_id, start, "end", extractor_version '
            'FROM claim GROUP BY 1, 2, 3, 4 HAVING count(*) > 1) d')).scalar() or 0
        duplicates += int(dup_claims)
        record(lost=lost, duplicates=duplicates)
        assert lost == 0, sorted(set(links) - set(urls))[:5]
        assert duplicates == 0
        claims = dict(s.execute(select(Claim.document_id, func.count())
                                .group_by(Claim.document_id)).all())
        mentions = dict(s.execute(select(Mention.document_id, func.count())
                                  .group_by(Mention.document_id)).all())
        forecasts = dict(s.execute(select(ForecastRow.document_id, func.count())
                                   .group_by(ForecastRow.document_id)).all())
        claim_versions = dict(s.execute(select(Claim.document_id, Claim.extractor_version)
                                        .distinct()).all())
        compared = 0
        for doc in docs:
            # Every derived row carries its document's extractor version.
            assert claim_versions.get(doc.id) == doc.extractor_version, doc.url
            ex = extractor.extract(doc.text)
            if ex.extractor_version != doc.extractor_version:
                continue  # the NLP data changed under a live checkout; counts may differ
            compared += 1
            want_claims = len({(c.start, c.end) for c in ex.claims})
            want_fc = len({(f.start, f.probability, f.conditional) for f in ex.forecasts})
            assert claims.get(doc.id, 0) == want_claims > 0, doc.url
            assert mentions.get(doc.id, 0) == len(ex.models) + len(ex.benchmarks), doc.url
            assert forecasts.get(doc.id, 0) == want_fc, doc.url
        assert compared or not docs or os.environ.get("CI") is None
    return lost, duplicates


def test_sigkill_mid_run_then_rerun_stores_everything_exactly_once(pg_url: str,
                                                                  tmp_path: Path) -> None:
    upgrade(get_engine(pg_url))
    with hs.HostileServer() as server:
        feed, links = hs.serve_corpus(server, N_DOCS, delay=0.15)
        config = write_config(tmp_path, feed)
        first = start_ingest(config, pg_url)
        record(inputs=1)
        deadline = time.monotonic() + 90
        stored = 0
        try:
            while time.monotonic() < deadline and first.poll() is None:
                stored = count(pg_url, Document)
                if stored >= 8:
                    break
                time.sleep(0.05)
        finally:
            kill_group(first)
        assert first.returncode == -signal.SIGKILL, "the run ended before it could be killed"
        assert 8 <= stored < N_DOCS, stored
        with Session(get_engine(pg_url)) as s:
            runs = s.execute(select(IngestionRun)).scalars().all()
        assert [r.status for r in runs] == ["running"]  # it never got to say otherwise

        finish(start_ingest(config, pg_url))
    check_store(pg_url, links)
    with Session(get_engine(pg_url)) as s:
        statuses = [r.status for r in s.execute(select(IngestionRun).order_by(IngestionRun.id))
                    .scalars()]
        open_failures = s.execute(select(func.count()).select_from(FetchFailure)
                                  .where(FetchFailure.resolved_at.is_(None))).scalar()
    assert statuses == ["running", "completed"]
    assert open_failures == 0
