"""Scheduled runs: `gapwatch serve` registers both flows with cron schedules and serves them."""

from __future__ import annotations

from prefect import serve

from flows.ingest import ingest
from flows.reprocess import reprocess
from models.config import load_config


def serve_flows(config_path: str, database_url: str | None = None) -> None:
    """Block, running `ingest` and `reprocess` on the config's cron schedules.

    Needs a Prefect API (PREFECT_API_URL) to register deployments with; see README.
    """
    config = load_config(config_path)
    params = {"config_path": config_path, "database_url": database_url}
    serve(
        ingest.to_deployment(name="scheduled-ingest", cron=config.schedule.ingest,
                             parameters=params, tags=["gapwatch"]),
        reprocess.to_deployment(name="scheduled-reprocess", cron=config.schedule.reprocess,
                                parameters={"database_url": database_url}, tags=["gapwatch"]),
    )
