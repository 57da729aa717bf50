"""Two ingest runs over the same sources at once, against PostgreSQL: no duplicates.

Both processes see every URL as new, fetch it and race to store it; the unique
keys and ON CONFLICT decide, so each document and each claim exists once and
nothing is lost. The schema is created first: the runs overlap, the very first
migration does not (two first-time migrations racing is a deployment concern).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from models.tables import IngestionRun
from storage.db import get_engine, upgrade
from tests import hostile_server as hs
from tests.hostile_summary import record
from tests.test_crash_ingest import check_store, finish, start_ingest, write_config

pytestmark = pytest.mark.postgres


def test_two_overlapping_runs_store_each_document_once(pg_url: str, tmp_path: Path) -> None:
    upgrade(get_engine(pg_url))
    with hs.HostileServer() as server:
        feed, links = hs.serve_corpus(server, 40, delay=0.05)
        config = write_config(tmp_path, feed)
        runs = [start_ingest(config, pg_url), start_ingest(config, pg_url)]
        record(inputs=2)
        outputs = [finish(p) for p in runs]
    new = [int(o.split("RESULT", 1)[1].split()[0]) for o in outputs]
    # Together they stored each document once (which run won a URL is up to the race).
    assert sum(new) == len(links), new
    check_store(pg_url, links)
    with Session(get_engine(pg_url)) as s:
        statuses = [r.status for r in s.execute(select(IngestionRun)).scalars()]
    assert statuses == ["completed", "completed"]
