"""Scale-out: the ingest flow's extraction on a Dask LocalCluster with 2 workers."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from sqlalchemy import func, select
from sqlmodel import Session

from flows.ingest import run_ingest
from models.tables import Claim, Document
from storage.db import get_engine
from tests.demo_site import DEMO_DIR, serve_tree


@pytest.mark.slow
def test_ingest_on_a_dask_local_cluster(httpserver: HTTPServer, sqlite_url: str,
                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GAPWATCH_DEMO_BASE", serve_tree(httpserver))
    config = tmp_path / "dask.toml"
    demo = (DEMO_DIR / "sources.toml").read_text(encoding="utf-8")
    config.write_text(demo.replace("[settings]", '[settings]\ndask_address = "local"\n'
                                                 "dask_workers = 2", 1)
                      .replace("batch_size = 20", "batch_size = 4"),
                      encoding="utf-8")
    result = run_ingest(config_path=str(config), database_url=sqlite_url, force=True)
    with Session(get_engine(sqlite_url)) as s:
        docs = s.execute(select(func.count()).select_from(Document)).scalar()
        claims = s.execute(select(func.count()).select_from(Claim)).scalar()
    assert result["documents_new"] == docs >= 20
    assert claims == result["claims_new"] > 50
