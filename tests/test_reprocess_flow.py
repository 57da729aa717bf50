"""The `reprocess` flow brings stored claims up to the current extractor version."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlmodel import Session

from extractors.nlp import EXTRACTOR_VERSION
from flows.reprocess import reprocess
from flows.schedule import build_deployments
from models.config import Config, Schedule
from models.tables import Claim, Document
from storage import load
from storage.db import get_engine, upgrade


def test_reprocess_upgrades_old_versions(sqlite_url: str) -> None:
    from extractors.nlp import get_extractor
    from models.documents import DocumentInput

    engine = get_engine(sqlite_url)
    upgrade(engine)
    text = ("Kimi K2.5 now trails Claude Opus 4.5 by only 3 points on SWE-bench Verified. "
            "Open-weight models are closing the gap on coding.")
    ex = get_extractor().extract(text)
    old = type(ex)(**{**{f: getattr(ex, f) for f in ex.__dataclass_fields__},
                      "extractor_version": "0.0.1+old"})
    doc = DocumentInput(url="https://example.org/k", kind="article", title="k", text=text)
    stored = load.store_document(engine, doc, old, None)
    assert stored.status == "new" and stored.claims > 0
    result = reprocess(database_url=sqlite_url)
    assert result["documents"] == 1 and result["extractor_version"] == EXTRACTOR_VERSION
    with Session(engine) as s:
        versions = set(s.execute(select(Claim.extractor_version)).scalars())
        assert versions == {EXTRACTOR_VERSION}
        assert s.execute(select(Document.extractor_version)).scalar() == EXTRACTOR_VERSION
        s.execute(update(Document).values(title="unchanged"))
        s.commit()
    again = reprocess(database_url=sqlite_url)
    assert again["documents"] == 0


def test_schedules_come_from_config() -> None:
    cfg = Config(schedule=Schedule(ingest="*/10 * * * *", reprocess="0 2 * * *"))
    ingest_dep, reprocess_dep = build_deployments(cfg, "sources.toml", None)
    crons = [s.schedule.cron for s in ingest_dep.schedules]
    assert crons == ["*/10 * * * *"]
    assert [s.schedule.cron for s in reprocess_dep.schedules] == ["0 2 * * *"]
    assert ingest_dep.parameters["config_path"] == "sources.toml"
